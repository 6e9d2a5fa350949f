/* request.c - what the handlers (delegate.c, api.c, chair.c) share: the
 * request's questionnaire, query and language; its form post or JSON body
 * (read_form_post, read_json_body); authentication of tokens,
 * roles and the open questionnaire; the delegate's stored answers; and the
 * hand-off of checked answers to the writer, with the connection suspended
 * until the commit (http.c resumes it and calls the row's committed
 * handler).
 *
 * Invariants:
 *   1. Every route that shows or takes personal data authenticates first,
 *      on every request: signature and claims (cached by auth.c), then
 *      nbf/exp and revocation, then aud == the questionnaire of the URL
 *      (else 401), then the role (else 403).
 *   2. Nothing is stored unless every check passed: open questionnaire,
 *      content type, body parse, CSRF field (HTML), answer validation.  A
 *      rejected request leaves the database as it was.
 *   3. A success (201, 303) is queued only by the committed handler, after
 *      the writer reports the COMMIT of that revision.  r->state is
 *      ST_QUEUED before the connection is suspended, so the resumption
 *      always finds it.
 *   4. The hand-off copies nothing: the writer item points into the
 *      request (canonical answers, hash) and its cached auth, which outlive
 *      the suspension.
 *   5. The revision limits answer 429 and store nothing: the rate
 *      (ratelimit.c) is taken just before the hand-off, once every other
 *      check passed; the total is judged by the store at append time (the
 *      writer answers SND_ELIMIT, the committed handler limit_error).
 *   6. Only the session cookie name of the mode is read (cookie_name): a
 *      plain "snd_session" cookie is ignored under TLS, where only the
 *      __Host- name, which a sibling subdomain cannot set, counts.
 */
#include "request.h"

#include "auth.h"
#include "ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

const char *query(const struct req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

static const char *header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* ?lang=, then a posted _lang, then Accept-Language, then the default. */
int pick_lang(const struct req *r, const char *posted, int *explicit_choice)
{
	const struct snd_form *f = form_of(r);
	const char *q = query(r, "lang"), *al;
	int i;
	if (explicit_choice)
		*explicit_choice = 0;
	if (q == NULL)
		q = posted;
	if (q != NULL && strlen(q) <= 16 && (i = snd_form_lang(f, q)) >= 0) {
		if (explicit_choice)
			*explicit_choice = 1;
		return i;
	}
	al = header(r, "Accept-Language");
	if (al != NULL && strlen(al) <= 1024)
		return snd_form_lang_accept(f, al);
	return 0;
}

/* ------------------------------------------------------------- tokens */

static const char *token_from_request(const struct req *r, int bearer, int cookie)
{
	const char *h;
	if (bearer && (h = header(r, MHD_HTTP_HEADER_AUTHORIZATION)) != NULL) {
		if (strncasecmp(h, "Bearer ", 7) == 0) {
			h += 7;
			while (*h == ' ')
				h++;
			return h;
		}
		if (!cookie)
			return ""; /* another scheme where only a bearer token will do */
		/* else: e.g. Basic credentials of a proxy in front; use the cookie */
	}
	if (cookie)
		return session_cookie(r);
	return NULL;
}

const char *session_cookie(const struct req *r)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, cookie_name(r->s));
}

/* What a failed token check says, for programs (api) and for people
 * (html); the last row answers every other error. */
static const struct {
	enum snd_err rc;
	const char *code, *api, *html;
} token_msgs[] = {
	{SND_ESIG, "token_invalid",
	 "the token's signature does not verify with this server's issuer key",
	 "This link has been altered or was not issued for this server. "
	 "Use the link exactly as you received it."},
	{SND_EAUDIENCE, "token_wrong_questionnaire",
	 "the token is for a questionnaire this server does not collect",
	 "This link is for a questionnaire that this server does not collect."},
	{SND_EEXPIRED, "token_expired", "the token has expired",
	 "This link has expired. Ask the secretariat for a new one."},
	{SND_ENOTYET, "token_not_yet_valid", "the token is not valid yet",
	 "This link is not valid yet. Try again when the questionnaire opens."},
	{SND_EREVOKED, "token_revoked", "the token has been revoked",
	 "This link has been withdrawn. Ask the secretariat for a new one."},
	{SND_ETOKEN, "token_invalid", "the token is malformed (expected v4.public.\xe2\x80\xa6)",
	 "This is not a valid personal link. It may have been cut short: "
	 "copy the whole link from your message."},
};

enum MHD_Result token_error(struct req *r, enum snd_err rc, const char *why)
{
	size_t i, last = sizeof token_msgs / sizeof token_msgs[0] - 1;
	char buf[320];
	if (rc == SND_ENOMEM || rc == SND_EDB)
		return http_busy(r);
	if (rc == SND_EINVAL) { /* why says which claim (to programs) */
		static const enum msg incomplete = M_X_LINK_INCOMPLETE;
		snprintf(buf, sizeof buf, "the token's claims are invalid: %s",
		         why && why[0] ? why : "claims");
		return http_error_page(r, 401, "token_invalid", buf, M_T_401, &incomplete, 1, 0);
	}
	for (i = 0; i < last && token_msgs[i].rc != rc; i++)
		continue;
	return http_error(r, 401, token_msgs[i].code, r->api ? token_msgs[i].api : token_msgs[i].html,
	                  NULL);
}

/* A browser that followed a link from another site (webmail) does not send
 * SameSite=Strict cookies on that navigation; a page that reloads itself
 * from our own origin gets them.  Only GET, only when the browser says the
 * navigation was cross-site, so this cannot loop. */
int is_cross_site(const struct req *r)
{
	const char *sfs = header(r, "Sec-Fetch-Site");
	return sfs != NULL && strcmp(sfs, "cross-site") == 0;
}

int cross_site_reload(struct req *r, enum MHD_Result *ret)
{
	struct snd_buf b;
	if (r->api || r->method == M_POST || !is_cross_site(r))
		return 0;
	snd_buf_init(&b, 0);
	page_reload(&b, r->form >= 0 ? form_of(r) : NULL, r->form >= 0 ? r->lang : 0);
	*ret = http_send_html(r, 200, &b);
	return 1;
}

/* Authenticates r for its questionnaire and role (see invariant 1).  On
 * failure queues the answer into *ret and returns 0. */
int authenticate(struct req *r, int bearer, int cookie, enum snd_role role,
                 enum MHD_Result *ret)
{
	const char *tok = token_from_request(r, bearer, cookie);
	struct snd_store *rd;
	struct auth *a = NULL;
	enum snd_err rc;
	char why[200];

	if (tok == NULL) {
		if (cross_site_reload(r, ret))
			return 0;
		*ret = http_error(r, 401, "token_missing",
		                  r->api ? "an Authorization: Bearer token is required"
		                         : "This browser has no session for this questionnaire. "
		                           "Open your personal link again.",
		                  NULL);
		return 0;
	}
	rc = auth_verify(r->s, tok, strlen(tok), &a, why, sizeof why);
	if (rc != SND_OK) {
		*ret = token_error(r, rc, why);
		return 0;
	}
	r->auth = a; /* released when the request completes */
	if ((rd = srv_reader(r->s)) == NULL) {
		*ret = http_busy(r);
		return 0;
	}
	rc = auth_check(a, rd, now_s());
	if (rc != SND_OK) {
		*ret = token_error(r, rc, NULL);
		return 0;
	}
	if ((int)a->form != r->form) {
		*ret = http_error(r, 401, "token_wrong_questionnaire",
		                  r->api ? "the token is for another questionnaire"
		                         : "Your session is for another questionnaire. Open your "
		                           "personal link for this one again.",
		                  NULL);
		return 0;
	}
	if (a->c.role != role) {
		*ret = http_error(r, 403, "forbidden",
		                  role == SND_ROLE_CHAIR
		                          ? (r->api ? "this endpoint needs a chair token"
		                                    : "This page is for the chair only.")
		                          : (r->api ? "a chair token cannot submit or read answers"
		                                    : "A chair link cannot answer the questionnaire."),
		                  NULL);
		return 0;
	}
	return 1;
}

int authenticate_open(struct req *r, int bearer, int cookie, enum snd_role role,
                      enum MHD_Result *ret)
{
	struct snd_store *rd = srv_reader(r->s);
	int began = 0, ok;
	if (rd != NULL && snd_store_snapshot_begin(rd, &began) != SND_OK)
		began = 0; /* the reads below report their own failure */
	ok = authenticate(r, bearer, cookie, role, ret) && require_open(r, ret);
	if (rd != NULL)
		snd_store_snapshot_end(rd, began);
	return ok;
}

/* Splits "host[:port]" (host may be "[v6]") at n bytes; port -1 when
 * absent.  0 ok, -1 malformed. */
static int split_host(const char *s, size_t n, char *host, size_t cap, long *port)
{
	size_t h;
	const char *colon = NULL;
	if (n == 0)
		return -1;
	if (s[0] == '[') {
		const char *end = memchr(s, ']', n);
		if (end == NULL)
			return -1;
		h = (size_t)(end - s) + 1;
		if (h < n) {
			if (s[h] != ':')
				return -1;
			colon = s + h;
		}
	} else {
		colon = memchr(s, ':', n);
		h = colon ? (size_t)(colon - s) : n;
	}
	if (h == 0 || h >= cap)
		return -1;
	memcpy(host, s, h);
	host[h] = '\0';
	*port = -1;
	if (colon != NULL) {
		size_t i;
		long v = 0;
		if ((size_t)(colon - s) + 1 >= n)
			return -1;
		for (i = (size_t)(colon - s) + 1; i < n; i++) {
			if (s[i] < '0' || s[i] > '9' || v > 65535)
				return -1;
			v = v * 10 + (s[i] - '0');
		}
		if (v > 65535)
			return -1;
		*port = v;
	}
	return 0;
}

/* 1 when origin (an Origin header's value) is this server: its scheme is
 * the one the browser reached us by, its host and port the Host header's. */
static int origin_is_ours(const struct req *r, const char *origin)
{
	const char *host = header(r, MHD_HTTP_HEADER_HOST), *rest;
	const char *xfp = header(r, "X-Forwarded-Proto");
	char oh[300], hh[300];
	long op, hp, def;
	int https;

	if (host == NULL)
		return 0;
	if (strncasecmp(origin, "https://", 8) == 0) {
		https = 1;
		rest = origin + 8;
	} else if (strncasecmp(origin, "http://", 7) == 0) {
		https = 0;
		rest = origin + 7;
	} else {
		return 0; /* "null", other schemes */
	}
	/* Behind a TLS proxy (docs/operations.md) the browser's scheme is the
	 * proxy's, which it passes on; a browser's form cannot set this header. */
	if (https != (r->s->tls || (xfp != NULL && strcasecmp(xfp, "https") == 0)))
		return 0;
	def = https ? 443 : 80;
	if (split_host(rest, strlen(rest), oh, sizeof oh, &op) != 0 ||
	    split_host(host, strlen(host), hh, sizeof hh, &hp) != 0)
		return 0;
	return strcasecmp(oh, hh) == 0 && (op < 0 ? def : op) == (hp < 0 ? def : hp);
}

int same_origin(struct req *r, enum MHD_Result *ret)
{
	const char *origin = header(r, "Origin"), *sfs = header(r, "Sec-Fetch-Site");
	if (origin == NULL || origin_is_ours(r, origin))
		return 1;
	/* Our pages say Referrer-Policy: same-origin, so a browser's post to
	 * us carries our origin.  A page cached from when they said
	 * no-referrer (or a privacy setting) makes it "Origin: null"; the
	 * browsers that do so say where the post came from in Sec-Fetch-Site,
	 * which a page cannot set. */
	if (strcmp(origin, "null") == 0 && sfs != NULL && strcmp(sfs, "same-origin") == 0)
		return 1;
	*ret = http_error(r, 403, "cross_origin",
	                  "This form was sent from another site, so it was not accepted. "
	                  "Open your personal link and answer from this site's own page.",
	                  NULL);
	return 0;
}

enum MHD_Result limit_error(struct req *r, int total, unsigned retry_s)
{
	struct MHD_Response *resp;
	struct snd_buf b;
	struct page_req p;
	char secs[16];
	size_t len;
	char *body;

	snd_buf_init(&b, 0);
	if (r->api) {
		snd_buf_printf(&b, "{\"error\":{\"code\":\"%s\",\"message\":",
		               total ? "too_many_revisions" : "rate_limited");
		if (total)
			snd_buf_printf(&b, "\"this delegate has %lld revisions, the most this server "
			                   "keeps; nothing was stored\"",
			               (long long)r->s->max_revisions);
		else
			snd_buf_printf(&b, "\"too many revisions in a short time; nothing was stored; "
			                   "retry in %u s\"", retry_s);
		snd_buf_puts(&b, ",\"fields\":{}}}\n");
	} else {
		memset(&p, 0, sizeof p);
		p.form = form_of(r);
		p.lang = r->lang;
		page_limit(&b, &p, total, retry_s);
	}
	if (b.failed || (body = snd_buf_steal(&b, &len)) == NULL) {
		snd_buf_free(&b);
		return http_busy(r);
	}
	resp = http_response(r, body, len, MHD_RESPMEM_MUST_FREE,
	                     r->api ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
	                     CACHE_NONE);
	if (resp == NULL)
		return MHD_NO;
	/* Over the total nothing changes by waiting (until the secretariat
	 * raises the limit): a day, so a client that honours it stops. */
	snprintf(secs, sizeof secs, "%u", total ? 86400u : retry_s);
	MHD_add_response_header(resp, "Retry-After", secs);
	return http_queue(r, 429, resp, 0);
}

/* The questionnaire's effective opening times: the form's, replaced by
 * the secretariat's override (`collector open/close`) when there is one.
 * Read on every call through this thread's read connection (one
 * primary-key probe), so an override written by another process counts
 * from the next request on.  0 ok, -1 the database could not be read. */
static int effective_window(struct req *r, struct snd_window *w)
{
	struct snd_store *rd = srv_reader(r->s);
	if (rd == NULL || snd_store_effective_window(rd, form_of(r), w) != SND_OK)
		return -1;
	return 0;
}

/* 1 when the authenticated delegate has stored answers (-1: unknown). */
static int has_answers(struct req *r)
{
	struct latest l;
	int found;
	if (r->auth == NULL || r->auth->c.role != SND_ROLE_DELEGATE || load_latest(r, &l) != 0)
		return -1;
	found = l.found;
	latest_free(&l);
	return found;
}

/* 409 unless the questionnaire is open now (by its effective window).  The
 * page says when it opens or closed, and "your last answers are kept" only
 * to a delegate who has some. */
int require_open(struct req *r, enum MHD_Result *ret)
{
	struct snd_window w;
	int64_t now = now_s(), when = 0;
	char at[21], msg[200];
	enum msg paras[2];
	size_t n = 0;
	if (effective_window(r, &w) != 0) {
		*ret = http_busy(r);
		return 0;
	}
	if (snd_window_is_open(&w, now) == SND_OK)
		return 1;
	if (w.has_opens && w.has_closes && w.closes <= w.opens && now < w.closes) {
		/* closed before it opens: it will not open at w.opens */
		snprintf(msg, sizeof msg, "the questionnaire is closed");
		paras[n++] = M_CLOSED;
	} else if (w.has_opens && now < w.opens && !(w.has_closes && now >= w.closes)) {
		snd_time_format(w.opens, at);
		snprintf(msg, sizeof msg, "the questionnaire opens at %s", at);
		paras[n++] = M_X_NOT_YET;
		paras[n++] = M_OPENS_ON;
		when = w.opens;
	} else {
		snd_time_format(w.closes, at);
		snprintf(msg, sizeof msg, "the questionnaire closed at %s", at);
		paras[n++] = M_CLOSED_ON;
		when = w.closes;
	}
	if (!r->api && n == 1 && has_answers(r) == 1)
		paras[n++] = M_X_KEPT;
	*ret = http_error_page(r, 409, "not_open", msg, M_T_409, paras, n, when);
	return 0;
}

/* ----------------------------------------------------- stored answers */

static int latest_cb(void *ctx, const struct snd_revision *rv)
{
	struct latest *l = ctx;
	l->found = 1;
	l->rev = rv->rev;
	l->submitted_at = rv->submitted_at;
	snprintf(l->hash, sizeof l->hash, "%s", rv->hash);
	snprintf(l->salt, sizeof l->salt, "%s", rv->salt ? rv->salt : "");
	l->answers = strndup(rv->answers, rv->answers_len);
	l->answers_len = rv->answers_len;
	l->receipt = strdup(rv->receipt);
	if (l->answers == NULL || l->receipt == NULL)
		l->found = -1;
	return 1;
}

void latest_free(struct latest *l)
{
	free(l->answers);
	free(l->receipt);
}

/* The delegate's newest revision; 0 ok (l->found says if any), -1 failed. */
int load_latest(struct req *r, struct latest *l)
{
	struct snd_store *rd = srv_reader(r->s);
	memset(l, 0, sizeof *l);
	if (rd == NULL ||
	    snd_store_latest(rd, form_of(r)->id, r->auth->store_sub, latest_cb, l) != SND_OK ||
	    l->found < 0) {
		latest_free(l);
		memset(l, 0, sizeof *l);
		return -1;
	}
	return 0;
}

void page_req_init(struct req *r, struct page_req *p)
{
	p->form = form_of(r);
	p->lang = r->lang;
	p->csrf = r->auth ? r->auth->csrf : "";
	p->sub = r->auth ? r->auth->c.sub : NULL;
	p->ent = r->auth ? r->auth->c.ent : NULL;
	p->now = now_s();
	/* The notes on the page follow the effective window; when the
	 * database cannot be read they fall back to the form's. */
	p->has_window = effective_window(r, &p->window) == 0;
	p->draft_saved_at = 0;
	p->draft_post = 0;
}

/* ----------------------------------------------------------- submitting */

static void suspend_cb(void *arg)
{
	struct req *r = arg;
	MHD_suspend_connection(r->conn);
}

static void written_cb(struct writer_item *it)
{
	struct req *r = it->arg;
	MHD_resume_connection(r->conn); /* state was set before suspending */
}

/* Hands r->item to the writer; the connection waits suspended until the
 * commit (invariant 3), or the 503 is queued. */
static enum MHD_Result hand_off(struct req *r)
{
	r->item.done = written_cb;
	r->item.arg = r;
	r->state = ST_QUEUED;
	if (writer_submit(r->s->writer, &r->item, suspend_cb, r) != SND_OK) {
		r->state = ST_NEW;
		return http_busy(r);
	}
	return MHD_YES;
}

/* Hands canonical answers (canon, stolen; r->hash and r->salt set) to the writer; the
 * connection waits suspended until the commit. */
enum MHD_Result submit_canon(struct req *r, struct snd_buf *canon)
{
	size_t len = 0;
	struct auth *a = r->auth;

	if (r->s->rate != NULL) {
		struct timespec ts;
		unsigned retry_s = 0;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (!ratelimit_take(r->s->rate, (size_t)r->form, a->store_sub,
		                    (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, &retry_s)) {
			snd_buf_free(canon);
			return limit_error(r, 0, retry_s);
		}
	}
	if (canon->failed || (r->canon = snd_buf_steal(canon, &len)) == NULL) {
		snd_buf_free(canon);
		return http_busy(r);
	}
	r->item.sub.qid = form_of(r)->id;
	r->item.sub.sub = a->store_sub;
	r->item.sub.ent = a->c.ent;
	r->item.sub.attrs = a->attrs_json;
	r->item.sub.jti = a->c.jti;
	r->item.sub.answers = r->canon;
	r->item.sub.answers_len = len;
	r->item.sub.hash = r->hash;
	r->item.sub.salt = r->salt; /* signed into the receipt by writer_submit */
	return hand_off(r);
}

/* Canonicalises and hashes the checked answers with a fresh salt, then
 * submit_canon.  Takes nothing from clean (the caller frees it). */
enum MHD_Result submit(struct req *r, const cJSON *clean)
{
	struct snd_buf canon;

	snd_buf_init(&canon, 0);
	snd_salt_new(r->salt_bin, r->salt);
	if (snd_answers_hash_salted(clean, r->salt_bin, &canon, r->hash) != SND_OK) {
		snd_buf_free(&canon);
		return http_busy(r);
	}
	return submit_canon(r, &canon);
}


/* Content-Type is `want` (case-insensitive), optionally with parameters;
 * a charset parameter, when present, must be UTF-8. */
int content_type_is(const struct req *r, const char *want)
{
	const char *ct = header(r, MHD_HTTP_HEADER_CONTENT_TYPE), *cs;
	size_t n = strlen(want);
	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ')
		ct++;
	if (*ct == '\0')
		return 1;
	if (*ct != ';')
		return 0;
	for (cs = ct; *cs; cs++)
		if (strncasecmp(cs, "charset=", 8) == 0) {
			cs += 8;
			if (*cs == '"')
				cs++;
			return strncasecmp(cs, "utf-8", 5) == 0 || strncasecmp(cs, "utf8", 4) == 0;
		}
	return 1;
}

/* An HTML form post's fields: the content type, the urlencoded body, no
 * field sent twice (but a multi question's of f; f NULL: none may repeat).
 * 1 with *kv filled (the caller snd_kvlist_frees it); else the 400 is
 * queued into *ret and 0 returned. */
int read_form_post(struct req *r, const struct snd_form *f, struct snd_kvlist *kv,
                   enum MHD_Result *ret)
{
	const char *dup;
	char err[200], msg[160];

	if (!content_type_is(r, "application/x-www-form-urlencoded")) {
		*ret = http_error(r, 400, "bad_request",
		                  "The form was sent in a format this server does not read.", NULL);
		return 0;
	}
	if (snd_urlenc_parse(r->body.data ? r->body.data : "", r->body.len, kv, err,
	                     sizeof err) != SND_OK) {
		*ret = http_error(r, 400, "bad_request",
		                  "The form data could not be read (invalid characters).", NULL);
		return 0;
	}
	if ((dup = snd_kvlist_repeated(kv, f)) != NULL) {
		snprintf(msg, sizeof msg, "The form field \"%.64s\" was sent more than once.", dup);
		snd_kvlist_free(kv);
		*ret = http_error(r, 400, "repeated_field", msg, NULL);
		return 0;
	}
	return 1;
}

/* A form post over a session (r authenticated by its cookie):
 * read_form_post, then the session's _csrf (else 403), then r->lang from a
 * posted _lang.  1 with *kv filled (the caller snd_kvlist_frees it); else
 * the answer is queued into *ret and 0 returned. */
int read_session_post(struct req *r, const struct snd_form *f, struct snd_kvlist *kv,
                      enum MHD_Result *ret)
{
	if (!read_form_post(r, f, kv, ret))
		return 0;
	if (!auth_csrf_ok(r->auth, snd_kvlist_get(kv, "_csrf"))) {
		snd_kvlist_free(kv);
		*ret = http_error(r, 403, "csrf",
		                  "This form is out of date or did not come from this site. "
		                  "Reload the page and send it again.",
		                  NULL);
		return 0;
	}
	r->lang = pick_lang(r, snd_kvlist_get(kv, "_lang"), NULL);
	return 1;
}

/* A JSON body: the content type, then the guarded parse (capped at
 * --max-body).  1 with *doc set (the caller deletes it; not yet known to
 * be an object); else the 400 or 413 is queued into *ret and 0 returned. */
int read_json_body(struct req *r, cJSON **doc, enum MHD_Result *ret)
{
	char err[200], msg[260];
	enum snd_err rc;

	*doc = NULL;
	if (!content_type_is(r, "application/json")) {
		*ret = http_error(r, 400, "bad_request",
		                  "the body must be JSON (Content-Type: application/json)", NULL);
		return 0;
	}
	rc = snd_json_parse(r->body.data ? r->body.data : "", r->body.len, r->s->max_body,
	                    SND_JSON_MAX_DEPTH, doc, err, sizeof err);
	if (rc == SND_OK)
		return 1;
	cJSON_Delete(*doc);
	*doc = NULL;
	if (rc == SND_ETOOBIG) {
		*ret = http_error(r, 413, "too_large", "the request body is over the size limit", NULL);
	} else {
		snprintf(msg, sizeof msg, "malformed JSON: %s", err);
		*ret = http_error(r, 400, "bad_request", msg, NULL);
	}
	return 0;
}

/* Hands the chair's record in r->item.record (freed with the request) to
 * the writer; the connection waits suspended until the commit, as for
 * answers (invariant 3). */
enum MHD_Result submit_record(struct req *r)
{
	return hand_off(r);
}

static int previous_cb(void *ctx, const struct snd_revision *rv)
{
	cJSON **out = ctx;
	*out = cJSON_ParseWithLength(rv->answers, rv->answers_len);
	return 1;
}

/* The authenticated delegate's latest answers to the form's previous round
 * (its "previous" questionnaire), or NULL: none, no previous round, or the
 * database could not be read (the page then shows none; it is a help, not
 * a record).  The same delegate is the same sub; on a pseudonymous
 * questionnaire (the previous form's mode when it is loaded, else this
 * one's) the pseudonym of that questionnaire, which the receipt key
 * derives. */
cJSON *previous_answers(struct req *r)
{
	const struct snd_form *f = form_of(r);
	enum snd_anonymity mode = f->anonymity;
	struct snd_store *rd;
	char pseudo[33];
	const char *sub;
	cJSON *out = NULL;
	size_t i;

	if (f->previous == NULL || r->auth == NULL || (rd = srv_reader(r->s)) == NULL)
		return NULL;
	for (i = 0; i < r->s->nforms; i++)
		if (strcmp(r->s->forms[i]->id, f->previous) == 0)
			mode = r->s->forms[i]->anonymity;
	sub = r->auth->c.sub;
	if (mode == SND_PSEUDONYMOUS) {
		snd_pseudonym(r->s->receipt_sk, f->previous, r->auth->c.sub, pseudo);
		sub = pseudo;
	}
	if (snd_store_latest(rd, f->previous, sub, previous_cb, &out) != SND_OK) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}
