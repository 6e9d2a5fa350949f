/* http_int.h - the collector's HTTP side from the inside: struct req, the
 * table of routes, the responses.  Not a public interface.
 *
 * The map, from the top down; a file calls only files below it (and
 * http.c calls handlers only through the route table's pointers):
 *
 *   serve.c        the server: fills struct srv (srv.h), makes and frees its
 *                  caches, starts the writer, the tallier and MHD
 *   http.c         transport: MHD's callbacks, one struct req per request,
 *                  URL and framing checks, body buffering, dispatch through
 *                  the route table, resumption after the writer, access log
 *   routes.c       the one table of routes: path pattern, flags, and the
 *                  handler of each method (routes.h)
 *   delegate.c     handlers: personal link, form page and post, receipt
 *   api.c          handlers: the JSON API for answers
 *   chair.c        handlers: the chair's dashboard and summary API
 *   request.c      what the handlers share: authentication, language,
 *                  the questionnaire's window, stored answers, the hand-off
 *                  to the writer (suspending the connection)
 *   tally_cache.c  the chair views' snapshots, rendered pages and the
 *                  background tallier (tally_cache.h)
 *   auth.c         the token cache
 *   http_resp.c    responses: the security headers, fixed shared responses,
 *                  errors as JSON or pages, sending a buffer
 *   readers.c      per-thread read connections (srv.h)
 *   page_*.c       the HTML (pages.h); writer.c the write connection
 */
#ifndef SND_HTTP_INT_H
#define SND_HTTP_INT_H

#include "http.h"
#include "i18n.h"
#include "writer.h"

/* Bytes of an oversized body that are read and dropped (to answer 413 on a
 * kept-alive connection) before the connection is simply closed. */
#define BODY_DISCARD_MAX ((size_t)8 << 20)

enum method { M_GET, M_HEAD, M_POST, M_OTHER };

enum req_state {
	ST_NEW,      /* not yet handed to the writer */
	ST_QUEUED,   /* suspended, waiting for the writer (set before suspending) */
};

enum cache_kind { CACHE_NONE, CACHE_STATIC };

struct auth;
struct route;

struct req {
	struct srv *s;
	struct MHD_Connection *conn;
	int64_t t0;                  /* monotonic microseconds when the request line arrived */
	int started;                 /* the handler has been called */
	enum method method;
	char method_name[8];
	char log_path[160];          /* the path (MHD strips the query), truncated */
	const struct route *route;   /* routes.c's row, NULL when none matched (404) */
	int form;                    /* index into s->forms, -1 when none */
	int api;                     /* errors as JSON */
	int bad_url;
	const char *arg;             /* ROUTE_ARG: the last segment (a token's text) */
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
	char salt[SND_SALT_HEX + 1];        /* this revision's salt, hex */
	uint8_t salt_bin[SND_SALT_BYTES];   /* the same bytes */
};

/* http_resp.c: every response goes through here (its invariants). */
int http_resp_init(struct srv *s);
void http_resp_fini(void);
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
/* An error whose page needs more than one of the handlers' English
 * wordings: the API gets code and api_msg, a page gets title and the
 * paragraphs (i18n.c's messages; {1} is the time `when`, Unix seconds). */
enum MHD_Result http_error_page(struct req *r, unsigned status, const char *code,
                                const char *api_msg, enum msg title, const enum msg *paras,
                                size_t n, int64_t when);
enum MHD_Result http_not_found(struct req *r);
enum MHD_Result http_busy(struct req *r);
enum MHD_Result http_too_big(struct req *r);
/* 405 with the Allow header (allow: the methods the route answers). */
enum MHD_Result http_method_not_allowed(struct req *r, const char *allow);
/* The fixed responses of the static routes (handlers in routes.c's table). */
enum MHD_Result http_healthz(struct req *r);
enum MHD_Result http_css(struct req *r);
enum MHD_Result http_js(struct req *r);
enum MHD_Result http_form_json(struct req *r);
/* GET /api/v1/openapi.json: docs/openapi.json as built into the binary. */
enum MHD_Result http_openapi(struct req *r);

#endif
