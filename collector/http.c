/* http.c - the collector's request lifecycle: one struct req per request,
 * routing, responses with the security headers, the per-thread read
 * connections, the access log.  The handlers are in routes.c (the
 * delegate's routes) and chair.c (the chair's view).
 *
 * Invariants:
 *   1. Every response is built by http_response() or fixed() over
 *      base_headers(): it carries the Content-Security-
 *      Policy, Referrer-Policy, nosniff and X-Frame-Options headers, a
 *      charset on its Content-Type, and Cache-Control (no-store unless it is
 *      a static asset).
 *   2. Responses are queued on the second handler call or later (MHD keeps
 *      the connection alive then), with one exception: a body whose
 *      Content-Length is over the cap is refused on the first call so it is
 *      never read (MHD closes that connection).
 *   3. A body is buffered only for routes that take one, and never past
 *      srv->max_body bytes: once it passes, the rest is read and dropped and
 *      the answer is 413.
 *   4. A struct req lives from MHD's URI log callback (the request line) to
 *      http_completed(), which logs the request and frees it; a suspended
 *      request (waiting for the writer) is freed only after the writer
 *      resumed it.  srv->inflight counts the live ones, for shutdown.
 *   5. The URL is checked before anything looks at it: no encoded NUL in
 *      the raw path; decoded, printable ASCII, no "..", "//" or backslash,
 *      at most URL_MAX bytes.
 *   6. The access log carries method, path (no query string, tokens in /t/
 *      paths redacted by snd_log), status and microseconds: never bodies,
 *      cookies, answers or headers.
 */
#include "http_int.h"

#include "auth.h"
#include "pages.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define URL_MAX 1024

/* connect-src 'self' lets the chair page's optional script refetch itself
 * (pages.c); everything else is the policy of the brief. */
static const char CSP[] = "default-src 'none'; style-src 'self'; script-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                          "frame-ancestors 'none'; base-uri 'none'";

/* Shared responses, built once by http_init (MHD reference-counts them). */
static struct {
	struct MHD_Response *healthz, *css, *js, *api_404, *html_404, *api_413, *html_413,
		*api_503, *html_503;
	struct MHD_Response **form_json; /* per form: its source */
	size_t nforms;
	char *html_404_body, *html_413_body, *html_503_body;
} fx;

/* ------------------------------------------------------------ readers */

static pthread_mutex_t readers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snd_store **readers;
static size_t nreaders, readers_cap;
static _Thread_local struct snd_store *tl_reader;

struct snd_store *http_reader(struct srv *s)
{
	struct snd_store *st = NULL;
	char err[256];
	if (tl_reader != NULL)
		return tl_reader;
	if (snd_store_open(s->db_path, SND_STORE_READ, &st, err, sizeof err) != SND_OK) {
		snd_log(SND_LOG_ERROR, "cannot open a read connection: %s", err);
		return NULL;
	}
	pthread_mutex_lock(&readers_lock);
	if (nreaders == readers_cap) {
		size_t ncap = readers_cap ? readers_cap * 2 : 16;
		struct snd_store **n = realloc(readers, ncap * sizeof *n);
		if (n == NULL) {
			pthread_mutex_unlock(&readers_lock);
			snd_store_close(st);
			return NULL;
		}
		readers = n;
		readers_cap = ncap;
	}
	readers[nreaders++] = st;
	pthread_mutex_unlock(&readers_lock);
	tl_reader = st;
	return st;
}

static void close_readers(void)
{
	size_t i;
	pthread_mutex_lock(&readers_lock);
	for (i = 0; i < nreaders; i++)
		snd_store_close(readers[i]);
	free(readers);
	readers = NULL;
	nreaders = readers_cap = 0;
	pthread_mutex_unlock(&readers_lock);
}

/* ---------------------------------------------------------- responses */

/* Adds the headers every response carries. 0 on success. */
static int base_headers(struct MHD_Response *resp, const char *ctype, enum cache_kind cache,
                        int tls)
{
	int ok = 1;
	ok &= MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) == MHD_YES;
	ok &= MHD_add_response_header(resp, "Content-Security-Policy", CSP) == MHD_YES;
	ok &= MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") == MHD_YES;
	ok &= MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") == MHD_YES;
	ok &= MHD_add_response_header(resp, "X-Frame-Options", "DENY") == MHD_YES;
	ok &= MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	                              cache == CACHE_STATIC ? "public, max-age=86400"
	                                                    : "no-store") == MHD_YES;
	if (tls)
		ok &= MHD_add_response_header(resp, "Strict-Transport-Security",
		                              "max-age=31536000") == MHD_YES;
	return ok ? 0 : -1;
}

struct MHD_Response *http_response(struct req *r, const char *body, size_t len,
                                   enum MHD_ResponseMemoryMode mode, const char *ctype,
                                   enum cache_kind cache)
{
	struct MHD_Response *resp;
	resp = MHD_create_response_from_buffer(len, (void *)body, mode);
	if (resp == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free((void *)body);
		return NULL;
	}
	if (base_headers(resp, ctype, cache, r->s->tls) != 0) {
		MHD_destroy_response(resp);
		return NULL;
	}
	return resp;
}

enum MHD_Result http_queue(struct req *r, unsigned status, struct MHD_Response *resp, int shared)
{
	enum MHD_Result ret;
	if (resp == NULL)
		return MHD_NO;
	if (!shared && atomic_load(&r->s->stopping))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	r->status = status;
	ret = MHD_queue_response(r->conn, status, resp);
	if (!shared)
		MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result http_send_buf(struct req *r, unsigned status, struct snd_buf *b,
                              const char *ctype)
{
	size_t len;
	char *p;
	if (b->failed) {
		snd_buf_free(b);
		return http_queue(r, 503, r->api ? fx.api_503 : fx.html_503, 1);
	}
	if ((p = snd_buf_steal(b, &len)) == NULL)
		return MHD_NO;
	return http_queue(r, status,
	                  http_response(r, p, len, MHD_RESPMEM_MUST_FREE, ctype, CACHE_NONE), 0);
}

enum MHD_Result http_send_html(struct req *r, unsigned status, struct snd_buf *b)
{
	return http_send_buf(r, status, b, "text/html; charset=utf-8");
}

enum MHD_Result http_send_json(struct req *r, unsigned status, struct snd_buf *b)
{
	return http_send_buf(r, status, b, "application/json; charset=utf-8");
}

enum MHD_Result http_redirect(struct req *r, const char *location, const char *cookie)
{
	static const char body[] = "See other\n";
	struct MHD_Response *resp;
	resp = http_response(r, body, sizeof body - 1, MHD_RESPMEM_PERSISTENT,
	                     "text/plain; charset=utf-8", CACHE_NONE);
	if (resp == NULL)
		return MHD_NO;
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location) != MHD_YES ||
	    (cookie && MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, cookie) != MHD_YES)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	return http_queue(r, 303, resp, 0);
}

static const char *status_title(unsigned status)
{
	switch (status) {
	case 400: return "Bad request";
	case 401: return "This link does not work";
	case 403: return "Not allowed";
	case 404: return "Not found";
	case 405: return "Method not allowed";
	case 409: return "Questionnaire not open";
	case 413: return "Too much data";
	case 422: return "Some answers need attention";
	case 503: return "Busy, try again";
	default: return "Error";
	}
}

enum MHD_Result http_error(struct req *r, unsigned status, const char *code, const char *msg,
                           const struct snd_diag *fields)
{
	struct snd_buf b;
	size_t i;
	snd_buf_init(&b, 0);
	if (r->api) {
		snd_buf_puts(&b, "{\"error\":{\"code\":");
		snd_buf_json_str(&b, code);
		snd_buf_puts(&b, ",\"message\":");
		snd_buf_json_str(&b, msg);
		snd_buf_puts(&b, ",\"fields\":{");
		for (i = 0; fields && i < fields->n; i++) {
			if (i)
				snd_buf_putc(&b, ',');
			snd_buf_json_str(&b, fields->items[i].where);
			snd_buf_putc(&b, ':');
			snd_buf_json_str(&b, fields->items[i].msg);
		}
		snd_buf_puts(&b, "}}}\n");
		return http_send_json(r, status, &b);
	}
	page_message(&b, r->form >= 0 ? r->s->forms[r->form] : NULL, r->lang, (int)status,
	             status_title(status), msg);
	return http_send_html(r, status, &b);
}

enum MHD_Result http_not_found(struct req *r)
{
	return http_queue(r, 404, r->api ? fx.api_404 : fx.html_404, 1);
}

enum MHD_Result http_busy(struct req *r)
{
	return http_queue(r, 503, r->api ? fx.api_503 : fx.html_503, 1);
}

enum MHD_Result http_static(struct req *r, enum route which)
{
	switch (which) {
	case R_HEALTHZ: return http_queue(r, 200, fx.healthz, 1);
	case R_CSS: return http_queue(r, 200, fx.css, 1);
	case R_JS: return http_queue(r, 200, fx.js, 1);
	case R_API_FORM: return http_queue(r, 200, fx.form_json[r->form], 1);
	default: return http_not_found(r);
	}
}

static enum MHD_Result too_big(struct req *r)
{
	return http_queue(r, 413, r->api ? fx.api_413 : fx.html_413, 1);
}

/* ------------------------------------------------------------- routing */

static int qid_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == '.';
}

/* Matches the questionnaire id at the start of p (up to '/' or the end) to
 * a loaded form; sets r->form and returns the rest, or NULL. */
static const char *match_qid(struct req *r, const char *p)
{
	size_t n = 0, i;
	while (p[n] && p[n] != '/') {
		if (!qid_char(p[n]))
			return NULL;
		n++;
	}
	if (n == 0 || n > SND_ID_MAX)
		return NULL;
	for (i = 0; i < r->s->nforms; i++) {
		const char *id = r->s->forms[i]->id;
		if (strlen(id) == n && memcmp(id, p, n) == 0) {
			r->form = (int)i;
			return p + n;
		}
	}
	return NULL;
}

/* 0: routed (r->route may be R_NONE for 404), -1: the URL is malformed. */
static int route(struct req *r, const char *url)
{
	size_t n = strlen(url), i;
	const char *rest;

	if (n == 0 || n > URL_MAX || url[0] != '/')
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)url[i];
		if (ch <= 0x20 || ch >= 0x7f || ch == '\\')
			return -1;
	}
	if (strstr(url, "..") || strstr(url, "//"))
		return -1;

	r->route = R_NONE;
	if (strcmp(url, "/healthz") == 0) {
		r->route = R_HEALTHZ;
	} else if (strcmp(url, "/static/sounding.css") == 0) {
		r->route = R_CSS;
	} else if (strcmp(url, "/static/sounding.js") == 0) {
		r->route = R_JS;
	} else if (strncmp(url, "/t/", 3) == 0) {
		if (strchr(url + 3, '/') == NULL && url[3]) {
			r->route = R_TOKEN;
			r->arg = url + 3;
		}
	} else if (strncmp(url, "/q/", 3) == 0) {
		if ((rest = match_qid(r, url + 3)) != NULL) {
			if (*rest == '\0')
				r->route = R_FORM;
			else if (strcmp(rest, "/receipt") == 0)
				r->route = R_RECEIPT;
		}
	} else if (strncmp(url, "/chair/", 7) == 0) {
		if ((rest = match_qid(r, url + 7)) != NULL && *rest == '\0')
			r->route = R_CHAIR;
	} else if (strncmp(url, "/api/", 5) == 0) {
		r->api = 1;
		if (strncmp(url, "/api/v1/questionnaires/", 23) == 0 &&
		    (rest = match_qid(r, url + 23)) != NULL) {
			if (*rest == '\0')
				r->route = R_API_FORM;
			else if (strcmp(rest, "/responses") == 0)
				r->route = R_API_RESPONSES;
			else if (strcmp(rest, "/responses/me") == 0)
				r->route = R_API_ME;
			else if (strcmp(rest, "/summary") == 0)
				r->route = R_API_SUMMARY;
		}
	}
	if (r->route == R_NONE)
		r->form = -1;
	return 0;
}

/* The methods each route answers (HEAD goes with GET). */
static const char *allowed(enum route rt)
{
	switch (rt) {
	case R_FORM: return "GET, HEAD, POST";
	case R_API_RESPONSES: return "POST";
	default: return "GET, HEAD";
	}
}

static int method_ok(enum route rt, enum method m)
{
	if (m == M_POST)
		return rt == R_FORM || rt == R_API_RESPONSES;
	if (m == M_GET || m == M_HEAD)
		return rt != R_API_RESPONSES;
	return 0;
}

static enum MHD_Result method_not_allowed(struct req *r)
{
	struct snd_buf b;
	struct MHD_Response *resp;
	size_t len;
	char *p;
	snd_buf_init(&b, 0);
	if (r->api)
		snd_buf_puts(&b, "{\"error\":{\"code\":\"method_not_allowed\",\"message\":"
		                 "\"this endpoint does not answer that method\",\"fields\":{}}}\n");
	else
		page_message(&b, r->form >= 0 ? r->s->forms[r->form] : NULL, r->lang, 405,
		             status_title(405), "This address does not answer that kind of request.");
	if (b.failed || (p = snd_buf_steal(&b, &len)) == NULL) {
		snd_buf_free(&b);
		return MHD_NO;
	}
	resp = http_response(r, p, len, MHD_RESPMEM_MUST_FREE,
	                     r->api ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
	                     CACHE_NONE);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allowed(r->route));
	return http_queue(r, 405, resp, 0);
}

/* ---------------------------------------------------------- lifecycle */

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum method parse_method(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return M_GET;
	if (strcmp(m, "HEAD") == 0)
		return M_HEAD;
	if (strcmp(m, "POST") == 0)
		return M_POST;
	return M_OTHER;
}

static struct req *req_new(struct srv *s, struct MHD_Connection *c)
{
	struct req *r = calloc(1, sizeof *r);
	if (r == NULL)
		return NULL;
	r->s = s;
	r->conn = c;
	r->t0 = mono_us();
	r->form = -1;
	snd_buf_init(&r->body, s->max_body);
	atomic_fetch_add(&s->inflight, 1);
	return r;
}

/* The first handler call names the method and the (decoded) path. */
static void req_start(struct req *r, const char *url, const char *method)
{
	size_t n;
	r->started = 1;
	r->method = parse_method(method);
	n = strlen(method);
	if (n >= sizeof r->method_name)
		n = sizeof r->method_name - 1;
	memcpy(r->method_name, method, n);
	n = strlen(url);
	if (n >= sizeof r->log_path)
		n = sizeof r->log_path - 1;
	memcpy(r->log_path, url, n);
}

/* MHD's URI log callback: runs before the handler, with the raw URI (still
 * %-encoded), so an encoded NUL, which MHD's decoding would silently cut the
 * path at, can be refused.  Its result becomes the request's *con_cls. */
void *http_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = req_new(cls, c);
	const char *p;
	if (r == NULL)
		return NULL;
	for (p = uri; *p && *p != '?'; p++)
		if (p[0] == '%' && p[1] == '0' && p[2] == '0') {
			r->bad_url = 1;
			break;
		}
	return r;
}

static void req_free(struct req *r)
{
	snd_buf_free(&r->body);
	auth_release(r->auth);
	free(r->item.receipt);
	free(r->canon);
	free(r->url_copy);
	free(r);
}

struct cl_seen {
	const char *first;
	int differ;
};

static enum MHD_Result cl_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
	struct cl_seen *c = cls;
	(void)kind;
	if (key == NULL || strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
		return MHD_YES;
	if (c->first == NULL)
		c->first = value ? value : "";
	else if (value == NULL || strcmp(value, c->first) != 0)
		c->differ = 1;
	return MHD_YES;
}

/* First call: headers only.  Decides whether a body will be buffered and
 * refuses one that announces more than the cap.  Content-Length headers
 * that disagree are refused outright (RFC 9112 6.3): MHD reads the first,
 * a proxy in front may read the last, and the two would cut the stream in
 * different places (request smuggling); so is Content-Length together with
 * Transfer-Encoding, for the same reason.  Answering on this first call
 * closes the connection, as it must. */
static enum MHD_Result first_call(struct req *r, const char *url)
{
	struct cl_seen seen = {NULL, 0};
	const char *cl;
	if (r->bad_url || route(r, url) != 0) {
		r->bad_url = 1;
		return MHD_YES;
	}
	/* Stopping: a request that starts now is refused at once (and its
	 * connection closed), so shutdown only waits for those under way. */
	if (atomic_load(&r->s->stopping))
		return http_error(r, 503, "unavailable",
		                  r->api ? "the server is stopping; try again shortly"
		                         : "This server is stopping. Please try again in a moment.",
		                  NULL);
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, cl_header, &seen);
	if (seen.differ)
		return http_error(r, 400, "bad_request",
		                  r->api ? "the request has Content-Length headers that disagree"
		                         : "This request is malformed.",
		                  NULL);
	/* Both framings (RFC 9112 6.1): libmicrohttpd 0.9.75 goes by the chunks
	 * while a proxy may go by the length, so refuse rather than pick. */
	if (seen.first != NULL &&
	    MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	                                MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return http_error(r, 400, "bad_request",
		                  r->api ? "the request has both Content-Length and Transfer-Encoding"
		                         : "This request is malformed.",
		                  NULL);
	if (r->route == R_TOKEN) {
		/* keep the token past the url pointer's life, to be safe */
		if ((r->url_copy = strdup(r->arg)) == NULL)
			return MHD_NO;
		r->arg = r->url_copy;
	}
	r->want_body = r->method == M_POST && method_ok(r->route, r->method);
	if (!r->want_body)
		return MHD_YES;
	cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		char *end;
		unsigned long long v = strtoull(cl, &end, 10);
		if (end == cl || *end != '\0' || v > r->s->max_body) {
			r->too_big = 1;
			return too_big(r); /* refused before reading: MHD closes the connection */
		}
	}
	return MHD_YES;
}

enum MHD_Result http_handler(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version,
                             const char *upload_data, size_t *upload_data_size,
                             void **con_cls)
{
	struct srv *s = cls;
	struct req *r = *con_cls;

	if (r == NULL) {
		if ((r = req_new(s, c)) == NULL)
			return MHD_NO;
		*con_cls = r;
	}
	if (!r->started) {
		req_start(r, url, method);
		return first_call(r, url);
	}
	if (*upload_data_size != 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		r->body_seen += n;
		if (!r->want_body || r->too_big)
			return r->body_seen > r->s->max_body + BODY_DISCARD_MAX ? MHD_NO : MHD_YES;
		if (snd_buf_append(&r->body, upload_data, n) != SND_OK) {
			r->too_big = 1; /* stop buffering; keep reading to answer 413 */
			snd_buf_free(&r->body);
		}
		return MHD_YES;
	}
	if (r->status != 0)
		return MHD_YES; /* answered already (413 on the first call) */
	if (r->state == ST_QUEUED)
		return routes_resumed(r);
	if (r->bad_url) {
		r->api = strncmp(url, "/api/", 5) == 0;
		return http_error(r, 400, "bad_request", "This address is not valid.", NULL);
	}
	if (r->route == R_NONE)
		return http_not_found(r);
	if (!method_ok(r->route, r->method))
		return method_not_allowed(r);
	if (r->too_big)
		return too_big(r);
	return routes_dispatch(r);
}

void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;
	struct srv *s = cls;
	if (r == NULL)
		return;
	if (!r->started)
		snd_log(SND_LOG_INFO, "- - - (request not read: %s)",
		        toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "timeout" : "error");
	else if (r->status != 0)
		snd_log(SND_LOG_INFO, "%s %s %u %lldus", r->method_name, r->log_path, r->status,
		        (long long)(mono_us() - r->t0));
	else
		snd_log(SND_LOG_INFO, "%s %s - %lldus (no answer: %s)", r->method_name, r->log_path,
		        (long long)(mono_us() - r->t0),
		        toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "timeout"
		        : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT  ? "client closed"
		        : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? "shutdown"
		                                                        : "error");
	req_free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
}

/* ------------------------------------------------------------- setup */

static struct MHD_Response *fixed(const struct srv *s, const char *body, size_t len,
                                  const char *ctype, enum cache_kind cache)
{
	struct MHD_Response *resp;
	resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return NULL;
	if (base_headers(resp, ctype, cache, s->tls) != 0) {
		MHD_destroy_response(resp);
		return NULL;
	}
	return resp;
}

static char *message_page(int status, const char *msg)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	page_message(&b, NULL, 0, status, status_title((unsigned)status), msg);
	if (b.failed) {
		snd_buf_free(&b);
		return NULL;
	}
	return snd_buf_steal(&b, NULL);
}

#define JSON_UTF8 "application/json; charset=utf-8"
#define HTML_UTF8 "text/html; charset=utf-8"

int http_init(struct srv *s)
{
	static const char ok[] = "ok\n";
	static const char a404[] = "{\"error\":{\"code\":\"not_found\",\"message\":"
	                           "\"no such resource\",\"fields\":{}}}\n";
	static const char a413[] = "{\"error\":{\"code\":\"too_large\",\"message\":"
	                           "\"the request body is over the size limit\",\"fields\":{}}}\n";
	static const char a503[] = "{\"error\":{\"code\":\"unavailable\",\"message\":"
	                           "\"the server is busy or stopping; try again\",\"fields\":{}}}\n";
	const char *css, *js;
	size_t csslen, jslen, i;

	css = page_css(&csslen);
	js = page_js(&jslen);
	fx.html_404_body = message_page(404, "There is nothing at this address.");
	fx.html_413_body = message_page(413, "What was sent is larger than this server accepts.");
	fx.html_503_body = message_page(503, "The server is busy or restarting. "
	                                     "Wait a moment and try again: nothing was lost.");
	if (fx.html_404_body == NULL || fx.html_413_body == NULL || fx.html_503_body == NULL)
		return -1;
	fx.healthz = fixed(s, ok, sizeof ok - 1, "text/plain; charset=utf-8", CACHE_NONE);
	fx.css = fixed(s, css, csslen, "text/css; charset=utf-8", CACHE_STATIC);
	fx.js = fixed(s, js, jslen, "text/javascript; charset=utf-8", CACHE_STATIC);
	fx.api_404 = fixed(s, a404, sizeof a404 - 1, JSON_UTF8, CACHE_NONE);
	fx.api_413 = fixed(s, a413, sizeof a413 - 1, JSON_UTF8, CACHE_NONE);
	fx.api_503 = fixed(s, a503, sizeof a503 - 1, JSON_UTF8, CACHE_NONE);
	fx.html_404 = fixed(s, fx.html_404_body, strlen(fx.html_404_body), HTML_UTF8, CACHE_NONE);
	fx.html_413 = fixed(s, fx.html_413_body, strlen(fx.html_413_body), HTML_UTF8, CACHE_NONE);
	fx.html_503 = fixed(s, fx.html_503_body, strlen(fx.html_503_body), HTML_UTF8, CACHE_NONE);
	if (!fx.healthz || !fx.css || !fx.js || !fx.api_404 || !fx.api_413 || !fx.api_503 ||
	    !fx.html_404 || !fx.html_413 || !fx.html_503)
		return -1;
	MHD_add_response_header(fx.api_503, "Retry-After", "1");
	MHD_add_response_header(fx.html_503, "Retry-After", "1");
	fx.nforms = s->nforms;
	if ((fx.form_json = calloc(s->nforms ? s->nforms : 1, sizeof *fx.form_json)) == NULL)
		return -1;
	for (i = 0; i < s->nforms; i++) {
		fx.form_json[i] = fixed(s, s->forms[i]->source, s->forms[i]->source_len, JSON_UTF8,
		                        CACHE_NONE);
		if (fx.form_json[i] == NULL)
			return -1;
	}
	if ((s->tokens = auth_cache_new()) == NULL)
		return -1;
	if ((s->tallies = tally_cache_new()) == NULL)
		return -1;
	return 0;
}

void http_fini(struct srv *s)
{
	struct MHD_Response **all[] = {&fx.healthz, &fx.css, &fx.js, &fx.api_404, &fx.html_404,
	                               &fx.api_413, &fx.html_413, &fx.api_503, &fx.html_503};
	size_t i;
	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (*all[i])
			MHD_destroy_response(*all[i]);
		*all[i] = NULL;
	}
	for (i = 0; fx.form_json && i < fx.nforms; i++)
		if (fx.form_json[i])
			MHD_destroy_response(fx.form_json[i]);
	free(fx.form_json);
	fx.form_json = NULL;
	free(fx.html_404_body);
	free(fx.html_413_body);
	free(fx.html_503_body);
	fx.html_404_body = fx.html_413_body = fx.html_503_body = NULL;
	auth_cache_free(s->tokens);
	s->tokens = NULL;
	tally_cache_free(s->tallies);
	s->tallies = NULL;
	close_readers();
}
