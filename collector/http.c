/* http.c - the collector's HTTP transport: libmicrohttpd's callbacks, one
 * struct req per request from the request line to completion, the URL and
 * framing checks, body buffering, dispatch through the route table
 * (routes.c), resumption of a request the writer has answered, and the
 * access log.  It knows no route and no handler: it calls the handler the
 * matched row names.  Responses are http_resp.c's.
 *
 * Invariants:
 *   1. Every answer goes through http_resp.c (its invariant 1: the
 *      security headers on every response).
 *   2. Responses are queued on the second handler call or later (MHD keeps
 *      the connection alive then), with one exception: a body whose
 *      Content-Length is over the cap is refused on the first call so it is
 *      never read (MHD closes that connection).
 *   3. A body is buffered only for routes that take one (a POST handler in
 *      the row), and never past srv->max_body bytes: once it passes, the
 *      rest is read and dropped and the answer is 413.
 *   4. A struct req lives from MHD's URI log callback (the request line) to
 *      http_completed(), which logs the request and frees it; a suspended
 *      request (waiting for the writer) is freed only after the writer
 *      resumed it, and is then answered by its row's committed handler.
 *      srv->inflight counts the live ones, for shutdown.
 *   5. The URL is checked before anything looks at it: no encoded NUL in
 *      the raw path; decoded, printable ASCII, no "..", "//" or backslash,
 *      at most URL_MAX bytes.
 *   6. The access log carries method, path (no query string, tokens in /t/
 *      paths redacted by snd_log), status and microseconds: never bodies,
 *      cookies, answers or headers.
 *   7. Every answered request is counted once, at completion, under its
 *      row's index (metrics.c: relaxed atomic adds, nothing else).
 */
#include "http_int.h"

#include "auth.h"
#include "metrics.h"
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define URL_MAX 1024

/* ----------------------------------------------------------- the URL */

/* Invariant 5 on the decoded path: 1 when it may be routed. */
static int url_ok(const char *url)
{
	size_t n = strlen(url), i;
	if (n == 0 || n > URL_MAX || url[0] != '/')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)url[i];
		if (ch <= 0x20 || ch >= 0x7f || ch == '\\')
			return 0;
	}
	return strstr(url, "..") == NULL && strstr(url, "//") == NULL;
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
	free(r->item.record); /* record.c's one block */
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
	if (r->bad_url || !url_ok(url)) {
		r->bad_url = 1;
		return MHD_YES;
	}
	r->route = route_match(r, url);
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
	if (r->route != NULL && (r->route->flags & ROUTE_ARG)) {
		/* keep the token past the url pointer's life, to be safe */
		if ((r->url_copy = strdup(r->arg)) == NULL)
			return MHD_NO;
		r->arg = r->url_copy;
	}
	r->want_body = r->method == M_POST && r->route != NULL && r->route->post != NULL;
	if (!r->want_body)
		return MHD_YES;
	cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		char *end;
		unsigned long long v = strtoull(cl, &end, 10);
		if (end == cl || *end != '\0' || v > r->s->max_body) {
			r->too_big = 1;
			return http_too_big(r); /* refused before reading: MHD closes the connection */
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
	handler_fn h;

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
	if (r->state == ST_QUEUED) { /* the writer has resumed it */
		r->state = ST_NEW;
		/* SND_ELIMIT: refused by the store's revision limit, which only
		 * the row's committed handler knows how to say */
		if (r->item.rc != SND_OK && r->item.rc != SND_ELIMIT)
			return http_busy(r);
		return r->route->committed(r);
	}
	if (r->bad_url) {
		r->api = strncmp(url, "/api/", 5) == 0;
		return http_error(r, 400, "bad_request", "This address is not valid.", NULL);
	}
	if (r->route == NULL)
		return http_not_found(r);
	if ((h = route_handler(r->route, r->method)) == NULL)
		return http_method_not_allowed(r, route_allow(r->route));
	if (r->too_big)
		return http_too_big(r);
	return h(r);
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
	else if (r->status != 0) {
		int64_t us = mono_us() - r->t0;
		metrics_request(route_index(r->route), r->status, us);
		snd_log(SND_LOG_INFO, "%s %s %u %lldus", r->method_name, r->log_path, r->status,
		        (long long)us);
	} else
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

int http_init(struct srv *s)
{
	return http_resp_init(s);
}

void http_fini(struct srv *s)
{
	(void)s;
	http_resp_fini();
}
