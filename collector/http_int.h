/* http_int.h - what http.c (request lifecycle) and routes.c (the handlers of
 * each route) share inside the collector.  Not a public interface. */
#ifndef SND_HTTP_INT_H
#define SND_HTTP_INT_H

#include "http.h"
#include "writer.h"

/* Bytes of an oversized body that are read and dropped (to answer 413 on a
 * kept-alive connection) before the connection is simply closed. */
#define BODY_DISCARD_MAX ((size_t)8 << 20)

enum route {
	R_NONE, R_HEALTHZ, R_CSS, R_JS, R_TOKEN, R_FORM, R_RECEIPT, R_CHAIR,
	R_API_FORM, R_API_RESPONSES, R_API_ME, R_API_SUMMARY
};

enum method { M_GET, M_HEAD, M_POST, M_OTHER };

enum req_state {
	ST_NEW,      /* not yet handed to the writer */
	ST_QUEUED,   /* suspended, waiting for the writer (set before suspending) */
};

enum cache_kind { CACHE_NONE, CACHE_STATIC };

struct auth;

struct req {
	struct srv *s;
	struct MHD_Connection *conn;
	int64_t t0;                  /* monotonic microseconds when the request line arrived */
	int started;                 /* the handler has been called */
	enum method method;
	char method_name[8];
	char log_path[160];          /* the path (MHD strips the query), truncated */
	enum route route;
	int form;                    /* index into s->forms, -1 when none */
	int api;                     /* errors as JSON */
	int bad_url;
	const char *arg;             /* R_TOKEN: the token text */
	char *url_copy;
	int lang;
	int want_body, too_big;
	size_t body_seen;
	struct snd_buf body;         /* capped at s->max_body */
	unsigned status;             /* queued status, 0 until then */
	enum req_state state;
	struct auth *auth;
	/* the submission handed to the writer (strings owned here or by auth) */
	struct writer_item item;
	char *canon;
	char hash[65];
};

/* http.c */
struct snd_store *http_reader(struct srv *s);
struct MHD_Response *http_response(struct req *r, const char *body, size_t len,
                                   enum MHD_ResponseMemoryMode mode, const char *ctype,
                                   enum cache_kind cache);
/* Queues resp (destroying it unless shared) and records the status. */
enum MHD_Result http_queue(struct req *r, unsigned status, struct MHD_Response *resp, int shared);
/* Sends b's contents (stolen; b is left empty) with the given type. */
enum MHD_Result http_send_buf(struct req *r, unsigned status, struct snd_buf *b,
                              const char *ctype);
enum MHD_Result http_send_html(struct req *r, unsigned status, struct snd_buf *b);
enum MHD_Result http_send_json(struct req *r, unsigned status, struct snd_buf *b);
enum MHD_Result http_redirect(struct req *r, const char *location, const char *cookie);
/* An error as the API's JSON (fields may be NULL) or as an HTML page. */
enum MHD_Result http_error(struct req *r, unsigned status, const char *code, const char *msg,
                           const struct snd_diag *fields);
enum MHD_Result http_not_found(struct req *r);
enum MHD_Result http_busy(struct req *r);
/* healthz, css, js, the form JSON: shared fixed responses. */
enum MHD_Result http_static(struct req *r, enum route which);

/* routes.c */
enum MHD_Result routes_dispatch(struct req *r);
/* The writer resumed r: answer with the outcome. */
enum MHD_Result routes_resumed(struct req *r);
/* What every route shares. */
int64_t now_s(void);
const struct snd_form *form_of(const struct req *r);
const char *query(const struct req *r, const char *key);
/* ?lang=, then a posted _lang, then Accept-Language, then the default. */
int pick_lang(const struct req *r, const char *posted, int *explicit_choice);
/* Authenticates r for its questionnaire and role, from the bearer header
 * and/or the session cookie; on failure queues the answer into *ret and
 * returns 0. */
int authenticate(struct req *r, int bearer, int cookie, enum snd_role role,
                 enum MHD_Result *ret);
struct page_req;
void page_req_init(struct req *r, struct page_req *p);

/* chair.c */
enum MHD_Result h_api_summary(struct req *r);
enum MHD_Result h_chair(struct req *r);
struct tally_cache *tally_cache_new(void);
void tally_cache_free(struct tally_cache *tc);

#endif
