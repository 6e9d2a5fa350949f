/* http_resp.c - every response the collector sends: built over the same
 * headers, queued with the status recorded for the access log; the fixed
 * responses built once and shared (health, assets, the questionnaires'
 * JSON, 404/413/503); errors as the API's JSON or as a page.  Below the
 * transport (http.c) and the handlers, which both send through here.
 *
 * Invariants:
 *   1. Every response is built by http_response() or fixed() over
 *      base_headers(): it carries the Content-Security-
 *      Policy, Referrer-Policy, nosniff and X-Frame-Options headers, a
 *      charset on its Content-Type, and Cache-Control (no-store unless it is
 *      a static asset); Strict-Transport-Security when serving TLS.
 *   2. A fixed response is built by http_resp_init before MHD starts,
 *      shared by every request (MHD reference-counts it, http_queue's
 *      shared flag) and destroyed by http_resp_fini after MHD stopped.
 *   3. While the server is stopping, every response that is not shared
 *      carries Connection: close.
 *   4. An error says what went wrong in plain words: r->api decides JSON
 *      ({"error":{"code","message","fields"}}) or an HTML page wholly in
 *      the request's language (page_lang; page_message, page_notice), the
 *      fixed 404/413/503 pages too (one per UN language).
 *   5. A buffer that failed (out of memory, over its cap) is never sent
 *      half-written: the answer is 503.
 */
#include "http_int.h"

#include "pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* connect-src 'self' lets the chair page's optional script refetch itself
 * (page_chair.c, assets.c); everything else is the policy of the brief. */
static const char CSP[] = "default-src 'none'; style-src 'self'; script-src 'self'; "
                          "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                          "frame-ancestors 'none'; base-uri 'none'";

/* What every response and page says (page_html.c's <meta name=referrer>
 * repeats it). */
#define REFERRER_POLICY "same-origin"

/* Shared responses, built once by http_init (MHD reference-counts them). */
static struct {
	struct MHD_Response *healthz, *css, *js, *api_404, *api_413, *api_503, *openapi;
	/* the HTML ones in each UN language (page_un) */
	struct MHD_Response *html_404[UN__MAX], *html_413[UN__MAX], *html_503[UN__MAX];
	char *html_404_body[UN__MAX], *html_413_body[UN__MAX], *html_503_body[UN__MAX];
	struct MHD_Response **form_json; /* per form: its source */
	size_t nforms;
} fx;

/* ---------------------------------------------------------- responses */

/* Adds the headers every response carries. 0 on success. */
static int base_headers(struct MHD_Response *resp, const char *ctype, enum cache_kind cache,
                        int tls)
{
	int ok = 1;
	ok &= MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) == MHD_YES;
	ok &= MHD_add_response_header(resp, "Content-Security-Policy", CSP) == MHD_YES;
	/* same-origin, not no-referrer: under no-referrer a browser sends
	 * "Origin: null" on a form post to its own site (Fetch, "serializing a
	 * request origin"), which same_origin() refuses; no other site is ever
	 * sent a Referer either way. */
	ok &= MHD_add_response_header(resp, "Referrer-Policy", REFERRER_POLICY) == MHD_YES;
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

/* A response over body with the headers of invariant 1.  With
 * MHD_RESPMEM_MUST_FREE the body is MHD's (or freed here on failure). */
static struct MHD_Response *build(int tls, const char *body, size_t len,
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
	if (base_headers(resp, ctype, cache, tls) != 0) {
		MHD_destroy_response(resp);
		return NULL;
	}
	return resp;
}

struct MHD_Response *http_response(struct req *r, const char *body, size_t len,
                                   enum MHD_ResponseMemoryMode mode, const char *ctype,
                                   enum cache_kind cache)
{
	return build(r->s->tls, body, len, mode, ctype, cache);
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
		return http_busy(r);
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

/* The language of an HTML error page: the questionnaire's (its index in
 * *f's languages) when the URL named one, else one of the six UN languages
 * (*f NULL).  A language the handler chose (r->lang > 0) stands; otherwise
 * ?lang=, then Accept-Language, as pick_lang would (an error may come
 * before any handler ran: a 404, 405 or 413 from http.c). */
static int page_lang(const struct req *r, const struct snd_form **f)
{
	const char *q = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "lang");
	const char *al = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Language");
	int i;
	if (q != NULL && strlen(q) > 16)
		q = NULL;
	if (al != NULL && strlen(al) > 1024)
		al = NULL;
	*f = r->form >= 0 ? r->s->forms[r->form] : NULL;
	if (*f != NULL) {
		if (r->lang > 0)
			return r->lang;
		if (q != NULL && (i = snd_form_lang(*f, q)) >= 0)
			return i;
		return al != NULL ? snd_form_lang_accept(*f, al) : 0;
	}
	for (i = 0; q != NULL && i < UN__MAX; i++)
		if (strcmp(q, un_codes[i]) == 0)
			return i;
	return un_accept(al);
}

/* The UN language of the page page_lang picks (for the fixed pages). */
static int page_un(const struct req *r)
{
	const struct snd_form *f;
	int lang = page_lang(r, &f);
	return f != NULL ? un_index(f->languages[lang]) : lang;
}

static enum MHD_Result error_json(struct req *r, unsigned status, const char *code,
                                  const char *msg, const struct snd_diag *fields)
{
	struct snd_buf b;
	size_t i;
	snd_buf_init(&b, 0);
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

enum MHD_Result http_error(struct req *r, unsigned status, const char *code, const char *msg,
                           const struct snd_diag *fields)
{
	const struct snd_form *f;
	struct snd_buf b;
	int lang;
	if (r->api)
		return error_json(r, status, code, msg, fields);
	lang = page_lang(r, &f);
	snd_buf_init(&b, 0);
	page_message(&b, f, lang, (int)status, NULL, msg);
	return http_send_html(r, status, &b);
}

enum MHD_Result http_error_page(struct req *r, unsigned status, const char *code,
                                const char *api_msg, enum msg title, const enum msg *paras,
                                size_t n, int64_t when)
{
	const struct snd_form *f;
	struct snd_buf b;
	int lang;
	if (r->api)
		return error_json(r, status, code, api_msg, NULL);
	lang = page_lang(r, &f);
	snd_buf_init(&b, 0);
	page_notice(&b, f, lang, (int)status, title, paras, n, when);
	return http_send_html(r, status, &b);
}

enum MHD_Result http_not_found(struct req *r)
{
	return http_queue(r, 404, r->api ? fx.api_404 : fx.html_404[page_un(r)], 1);
}

enum MHD_Result http_busy(struct req *r)
{
	return http_queue(r, 503, r->api ? fx.api_503 : fx.html_503[page_un(r)], 1);
}

/* The static routes' handlers (routes.c's table): shared fixed responses. */
enum MHD_Result http_healthz(struct req *r)
{
	return http_queue(r, 200, fx.healthz, 1);
}

enum MHD_Result http_css(struct req *r)
{
	return http_queue(r, 200, fx.css, 1);
}

enum MHD_Result http_js(struct req *r)
{
	return http_queue(r, 200, fx.js, 1);
}

/* docs/openapi.json, embedded at build time (cmake/embed.cmake). */
extern const char snd_openapi_json[];
extern const size_t snd_openapi_json_len;

enum MHD_Result http_openapi(struct req *r)
{
	return http_queue(r, 200, fx.openapi, 1);
}

enum MHD_Result http_form_json(struct req *r)
{
	return http_queue(r, 200, fx.form_json[r->form], 1);
}

enum MHD_Result http_too_big(struct req *r)
{
	return http_queue(r, 413, r->api ? fx.api_413 : fx.html_413[page_un(r)], 1);
}

/* 405, with the methods the route answers (routes.c) in Allow. */
enum MHD_Result http_method_not_allowed(struct req *r, const char *allow)
{
	struct snd_buf b;
	struct MHD_Response *resp;
	size_t len;
	char *p;
	snd_buf_init(&b, 0);
	if (r->api)
		snd_buf_puts(&b, "{\"error\":{\"code\":\"method_not_allowed\",\"message\":"
		                 "\"this endpoint does not answer that method\",\"fields\":{}}}\n");
	else {
		const struct snd_form *f;
		int lang = page_lang(r, &f);
		enum msg m = M_X_METHOD;
		page_notice(&b, f, lang, 405, M_T_405, &m, 1, 0);
	}
	if (b.failed || (p = snd_buf_steal(&b, &len)) == NULL) {
		snd_buf_free(&b);
		return MHD_NO;
	}
	resp = http_response(r, p, len, MHD_RESPMEM_MUST_FREE,
	                     r->api ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
	                     CACHE_NONE);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	return http_queue(r, 405, resp, 0);
}

/* ------------------------------------------------------- fixed responses */

static struct MHD_Response *fixed(const struct srv *s, const char *body, size_t len,
                                  const char *ctype, enum cache_kind cache)
{
	return build(s->tls, body, len, MHD_RESPMEM_PERSISTENT, ctype, cache);
}

/* The fixed page of a status in UN language un (page_status_msgs' words). */
static char *message_page(int status, int un)
{
	struct snd_buf b;
	enum msg title, text;
	page_status_msgs(status, &title, &text);
	snd_buf_init(&b, 0);
	page_notice(&b, NULL, un, status, title, &text, 1, 0);
	if (b.failed) {
		snd_buf_free(&b);
		return NULL;
	}
	return snd_buf_steal(&b, NULL);
}

#define JSON_UTF8 "application/json; charset=utf-8"
#define HTML_UTF8 "text/html; charset=utf-8"

int http_resp_init(struct srv *s)
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
	int un;

	css = page_css(&csslen);
	js = page_js(&jslen);
	fx.healthz = fixed(s, ok, sizeof ok - 1, "text/plain; charset=utf-8", CACHE_NONE);
	fx.css = fixed(s, css, csslen, "text/css; charset=utf-8", CACHE_STATIC);
	fx.js = fixed(s, js, jslen, "text/javascript; charset=utf-8", CACHE_STATIC);
	fx.api_404 = fixed(s, a404, sizeof a404 - 1, JSON_UTF8, CACHE_NONE);
	fx.api_413 = fixed(s, a413, sizeof a413 - 1, JSON_UTF8, CACHE_NONE);
	fx.api_503 = fixed(s, a503, sizeof a503 - 1, JSON_UTF8, CACHE_NONE);
	fx.openapi = fixed(s, snd_openapi_json, snd_openapi_json_len, JSON_UTF8, CACHE_NONE);
	if (!fx.healthz || !fx.css || !fx.js || !fx.api_404 || !fx.api_413 || !fx.api_503 ||
	    !fx.openapi)
		return -1;
	MHD_add_response_header(fx.api_503, "Retry-After", "1");
	for (un = 0; un < UN__MAX; un++) {
		char **bodies[] = {&fx.html_404_body[un], &fx.html_413_body[un], &fx.html_503_body[un]};
		struct MHD_Response **resps[] = {&fx.html_404[un], &fx.html_413[un], &fx.html_503[un]};
		static const int statuses[] = {404, 413, 503};
		for (i = 0; i < 3; i++) {
			if ((*bodies[i] = message_page(statuses[i], un)) == NULL)
				return -1;
			*resps[i] = fixed(s, *bodies[i], strlen(*bodies[i]), HTML_UTF8, CACHE_NONE);
			if (*resps[i] == NULL)
				return -1;
		}
		MHD_add_response_header(fx.html_503[un], "Retry-After", "1");
	}
	fx.nforms = s->nforms;
	if ((fx.form_json = calloc(s->nforms ? s->nforms : 1, sizeof *fx.form_json)) == NULL)
		return -1;
	for (i = 0; i < s->nforms; i++) {
		fx.form_json[i] = fixed(s, s->forms[i]->source, s->forms[i]->source_len, JSON_UTF8,
		                        CACHE_NONE);
		if (fx.form_json[i] == NULL)
			return -1;
	}
	return 0;
}

void http_resp_fini(void)
{
	struct MHD_Response **all[] = {&fx.healthz, &fx.css, &fx.js, &fx.api_404, &fx.api_413,
	                               &fx.api_503, &fx.openapi};
	size_t i;
	int un;
	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (*all[i])
			MHD_destroy_response(*all[i]);
		*all[i] = NULL;
	}
	for (un = 0; un < UN__MAX; un++) {
		struct MHD_Response **resps[] = {&fx.html_404[un], &fx.html_413[un], &fx.html_503[un]};
		char **bodies[] = {&fx.html_404_body[un], &fx.html_413_body[un], &fx.html_503_body[un]};
		for (i = 0; i < 3; i++) {
			if (*resps[i])
				MHD_destroy_response(*resps[i]);
			*resps[i] = NULL;
			free(*bodies[i]);
			*bodies[i] = NULL;
		}
	}
	for (i = 0; fx.form_json && i < fx.nforms; i++)
		if (fx.form_json[i])
			MHD_destroy_response(fx.form_json[i]);
	free(fx.form_json);
	fx.form_json = NULL;
}
