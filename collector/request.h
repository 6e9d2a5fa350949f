/* request.h - what the handlers share (request.c): see its invariants. */
#ifndef SND_REQUEST_H
#define SND_REQUEST_H

#include "http_int.h"
#include "pages.h"

#define COOKIE_NAME "snd_session"

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

/* Authenticates r for its questionnaire and role, from the bearer header
 * and/or the session cookie (invariant 1); on failure queues the answer
 * into *ret and returns 0. */
int authenticate(struct req *r, int bearer, int cookie, enum snd_role role,
                 enum MHD_Result *ret);
/* What a failed token check answers (401, or 503 when the store failed). */
enum MHD_Result token_error(struct req *r, enum snd_err rc, const char *why);
/* 1 when the questionnaire is open now (its effective window); else the
 * 409 (or 503) is queued into *ret and 0 returned. */
int require_open(struct req *r, enum MHD_Result *ret);
/* The page request of r: form, language, CSRF, who, the window. */
void page_req_init(struct req *r, struct page_req *p);

/* The authenticated delegate's newest revision (copies, latest_free them). */
struct latest {
	int found;
	int64_t rev, submitted_at;
	char hash[65];
	char *answers, *receipt;
	size_t answers_len;
};
/* 0 ok (l->found says if any), -1 failed. */
int load_latest(struct req *r, struct latest *l);
void latest_free(struct latest *l);

/* Canonicalises and hashes the checked answers (clean: the caller frees
 * it) and hands them to the writer, as submit_canon. */
enum MHD_Result submit(struct req *r, const cJSON *clean);
/* Hands canonical answers (canon, stolen; r->hash set) to the writer; the
 * connection waits suspended until the commit. */
enum MHD_Result submit_canon(struct req *r, struct snd_buf *canon);

#endif
