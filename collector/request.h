/* request.h - what the handlers share (request.c): see its invariants. */
#ifndef SND_REQUEST_H
#define SND_REQUEST_H

#include "http_int.h"
#include "pages.h"

/* The session cookie's name: "__Host-snd_session" when serving TLS (the
 * browser then insists on Secure, Path=/ and no Domain), "snd_session"
 * over plain HTTP (a __Host- cookie needs a secure origin).  Only the name
 * of the mode is read. */
#define COOKIE_NAME_TLS "__Host-snd_session"
#define COOKIE_NAME_PLAIN "snd_session"
static inline const char *cookie_name(const struct srv *s)
{
	return s->tls ? COOKIE_NAME_TLS : COOKIE_NAME_PLAIN;
}
/* The session cookie's text as sent, or NULL. */
const char *session_cookie(const struct req *r);

int64_t now_s(void);
/* The questionnaire of the URL (r->form >= 0: the route matched one). */
static inline const struct snd_form *form_of(const struct req *r)
{
	return r->s->forms[r->form];
}
const char *query(const struct req *r, const char *key);
/* ?lang=, then a posted _lang, then Accept-Language, then the default. */
int pick_lang(const struct req *r, const char *posted, int *explicit_choice);
/* Content-Type is want (case-insensitive), optionally with parameters; a
 * charset parameter, when present, must be UTF-8. */
int content_type_is(const struct req *r, const char *want);

/* An HTML form post's fields: the content type, the urlencoded body, no
 * field sent twice (but a multi question's of f; f NULL: none may repeat).
 * 1 with *kv filled (the caller snd_kvlist_frees it); else the 400 is
 * queued into *ret and 0 returned. */
int read_form_post(struct req *r, const struct snd_form *f, struct snd_kvlist *kv,
                   enum MHD_Result *ret);
/* A form post over a session (r authenticated by its cookie):
 * read_form_post, then the session's _csrf (else 403), then r->lang from a
 * posted _lang.  1 with *kv filled (the caller snd_kvlist_frees it); else
 * the answer is queued into *ret and 0 returned. */
int read_session_post(struct req *r, const struct snd_form *f, struct snd_kvlist *kv,
                      enum MHD_Result *ret);
/* A JSON body: the content type, then the guarded parse (capped at
 * --max-body).  1 with *doc set (the caller deletes it; not yet known to
 * be an object); else the 400 or 413 is queued into *ret and 0 returned. */
int read_json_body(struct req *r, cJSON **doc, enum MHD_Result *ret);

/* Authenticates r for its questionnaire and role, from the bearer header
 * and/or the session cookie (invariant 1); on failure queues the answer
 * into *ret and returns 0. */
int authenticate(struct req *r, int bearer, int cookie, enum snd_role role,
                 enum MHD_Result *ret);
/* A navigation the browser marks cross-site (Sec-Fetch-Site) carries no
 * SameSite=Strict cookie: for a GET page request, queues into *ret a page
 * that reloads itself from this origin (which then carries them) and
 * returns 1; else 0. */
int cross_site_reload(struct req *r, enum MHD_Result *ret);
/* 1 when the request's Sec-Fetch-Site says cross-site. */
int is_cross_site(const struct req *r);
/* Form posts: 1 when the request has no Origin header (older browsers) or
 * one naming this server (scheme from TLS, or X-Forwarded-Proto: https
 * behind a TLS proxy; host and port from the Host header); else queues a
 * 403 into *ret and returns 0. */
int same_origin(struct req *r, enum MHD_Result *ret);
/* The 429 of the revision limits: total (--max-revisions reached; no
 * Retry-After can help, a day is sent) or the rate (--revision-rate,
 * Retry-After: retry_s); JSON or the page in the request's language. */
enum MHD_Result limit_error(struct req *r, int total, unsigned retry_s);
/* What a failed token check answers (401, or 503 when the store failed). */
enum MHD_Result token_error(struct req *r, enum snd_err rc, const char *why);
/* 1 when the questionnaire is open now (its effective window); else the
 * 409 (or 503) is queued into *ret and 0 returned. */
int require_open(struct req *r, enum MHD_Result *ret);
/* authenticate then require_open, both read in one snapshot of this
 * thread's reader (one read transaction instead of two: the submissions'
 * path). */
int authenticate_open(struct req *r, int bearer, int cookie, enum snd_role role,
                      enum MHD_Result *ret);
/* The page request of r: form, language, CSRF, who, the window. */
void page_req_init(struct req *r, struct page_req *p);

/* The authenticated delegate's newest revision (copies, latest_free them). */
struct latest {
	int found;
	int64_t rev, submitted_at;
	char hash[65];
	char salt[33];          /* "" for a revision stored before salts */
	char *answers, *receipt;
	size_t answers_len;
};
/* 0 ok (l->found says if any), -1 failed. */
int load_latest(struct req *r, struct latest *l);
void latest_free(struct latest *l);

/* Canonicalises and hashes the checked answers (clean: the caller frees
 * it) and hands them to the writer, as submit_canon. */
enum MHD_Result submit(struct req *r, const cJSON *clean);
/* Hands canonical answers (canon, stolen; r->hash and r->salt set) to the writer; the
 * connection waits suspended until the commit.  Over the revision rate
 * (srv->rate) it answers 429 instead and hands nothing over. */
enum MHD_Result submit_canon(struct req *r, struct snd_buf *canon);
/* Hands the chair's record r->item.record (checked; malloc'ed as one block,
 * which the request frees) to the writer, the connection suspended until
 * the commit; the row's committed handler answers. */
enum MHD_Result submit_record(struct req *r);
/* The delegate's latest answers in the form's previous round (a new tree
 * the caller deletes), or NULL when there are none. */
cJSON *previous_answers(struct req *r);

#endif
