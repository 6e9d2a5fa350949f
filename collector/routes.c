/* routes.c - the handlers of the delegate's routes of interface.md: the
 * personal link, form, post and receipt, and the JSON API for answers; the
 * checks every route shares (tokens, roles, open questionnaire).  The
 * request lifecycle, responses and headers are http.c's.
 *
 * Invariants:
 *   1. Every route that shows or takes personal data authenticates first,
 *      on every request: signature and claims (cached by auth.c), then
 *      nbf/exp and revocation, then aud == the questionnaire of the URL
 *      (else 401), then the role (else 403).
 *   2. Nothing is stored unless every check passed: open questionnaire,
 *      content type, body parse, CSRF field (HTML), answer validation.  A
 *      rejected request leaves the database as it was.
 *   3. A success (201, 303) is queued only in routes_resumed, after the
 *      writer reports the COMMIT of that revision.
 * The chair's view (summary API, dashboard, the summary cache) is chair.c's.
 */
#include "http_int.h"

#include "auth.h"
#include "pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define COOKIE_NAME "snd_session"

int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

const struct snd_form *form_of(const struct req *r)
{
	return r->s->forms[r->form];
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
		return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE_NAME);
	return NULL;
}

/* What a failed token check says, for people and for programs. */
static enum MHD_Result token_error(struct req *r, enum snd_err rc, const char *why)
{
	const char *code, *msg;
	char buf[320];
	switch (rc) {
	case SND_ESIG:
		code = "token_invalid";
		msg = r->api ? "the token's signature does not verify with this server's issuer key"
		             : "This link has been altered or was not issued for this server. "
		               "Use the link exactly as you received it.";
		break;
	case SND_EINVAL:
		code = "token_invalid";
		snprintf(buf, sizeof buf, r->api ? "the token's claims are invalid: %s"
		                                 : "This link is incomplete (%s). Ask the secretariat "
		                                   "for a new one.",
		         why && why[0] ? why : "claims");
		msg = buf;
		break;
	case SND_EAUDIENCE:
		code = "token_wrong_questionnaire";
		msg = r->api ? "the token is for a questionnaire this server does not collect"
		             : "This link is for a questionnaire that this server does not collect.";
		break;
	case SND_EEXPIRED:
		code = "token_expired";
		msg = r->api ? "the token has expired"
		             : "This link has expired. Ask the secretariat for a new one.";
		break;
	case SND_ENOTYET:
		code = "token_not_yet_valid";
		msg = r->api ? "the token is not valid yet"
		             : "This link is not valid yet. Try again when the questionnaire opens.";
		break;
	case SND_EREVOKED:
		code = "token_revoked";
		msg = r->api ? "the token has been revoked"
		             : "This link has been withdrawn. Ask the secretariat for a new one.";
		break;
	case SND_ENOMEM:
	case SND_EDB:
		return http_busy(r);
	default:
		code = "token_invalid";
		msg = r->api ? "the token is malformed (expected v4.public.…)"
		             : "This is not a valid personal link. It may have been cut short: "
		               "copy the whole link from your message.";
		break;
	}
	return http_error(r, 401, code, msg, NULL);
}

/* A browser that followed a link from another site (webmail) does not send
 * SameSite=Strict cookies on that navigation; a page that reloads itself
 * from our own origin gets them.  Only GET, only when the browser says the
 * navigation was cross-site, so this cannot loop. */
static int cross_site_retry(struct req *r, enum MHD_Result *ret)
{
	static const char page[] =
		"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<meta http-equiv=\"refresh\" content=\"0\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>Sounding</title><link rel=\"stylesheet\" href=\"/static/sounding.css\">"
		"</head><body><main><p><a href=\"\">Continue</a></p></main></body></html>\n";
	const char *sfs = header(r, "Sec-Fetch-Site");
	if (r->api || r->method == M_POST || sfs == NULL || strcmp(sfs, "cross-site") != 0)
		return 0;
	*ret = http_queue(r, 200,
	                  http_response(r, page, sizeof page - 1, MHD_RESPMEM_PERSISTENT,
	                                "text/html; charset=utf-8", CACHE_NONE),
	                  0);
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
		if (cross_site_retry(r, ret))
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
	if ((rd = http_reader(r->s)) == NULL) {
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

/* The questionnaire's effective opening times: the form's, replaced by
 * the secretariat's override (`collector open/close`) when there is one.
 * Read on every call through this thread's read connection (one
 * primary-key probe), so an override written by another process counts
 * from the next request on.  0 ok, -1 the database could not be read. */
static int effective_window(struct req *r, struct snd_window *w)
{
	struct snd_store *rd = http_reader(r->s);
	if (rd == NULL || snd_store_effective_window(rd, form_of(r), w) != SND_OK)
		return -1;
	return 0;
}

/* 409 unless the questionnaire is open now (by its effective window). */
static int require_open(struct req *r, enum MHD_Result *ret)
{
	struct snd_window w;
	int64_t now = now_s();
	char when[21], msg[200];
	if (effective_window(r, &w) != 0) {
		*ret = http_busy(r);
		return 0;
	}
	if (snd_window_is_open(&w, now) == SND_OK)
		return 1;
	if (w.has_opens && w.has_closes && w.closes <= w.opens && now < w.closes) {
		/* closed before it opens: it will not open at w.opens */
		snprintf(msg, sizeof msg, "%s",
		         r->api ? "the questionnaire is closed"
		                : "This questionnaire is closed. Your last answers are kept.");
	} else if (w.has_opens && now < w.opens && !(w.has_closes && now >= w.closes)) {
		snd_time_format(w.opens, when);
		snprintf(msg, sizeof msg,
		         r->api ? "the questionnaire opens at %s"
		                : "This questionnaire is not open yet. It opens at %s.",
		         when);
	} else {
		snd_time_format(w.closes, when);
		snprintf(msg, sizeof msg,
		         r->api ? "the questionnaire closed at %s"
		                : "This questionnaire closed at %s. Your last answers are kept.",
		         when);
	}
	*ret = http_error(r, 409, "not_open", msg, NULL);
	return 0;
}

/* ----------------------------------------------------- stored answers */

struct latest {
	int found;
	int64_t rev, submitted_at;
	char hash[65];
	char *answers, *receipt;
	size_t answers_len;
};

static int latest_cb(void *ctx, const struct snd_revision *rv)
{
	struct latest *l = ctx;
	l->found = 1;
	l->rev = rv->rev;
	l->submitted_at = rv->submitted_at;
	snprintf(l->hash, sizeof l->hash, "%s", rv->hash);
	l->answers = strndup(rv->answers, rv->answers_len);
	l->answers_len = rv->answers_len;
	l->receipt = strdup(rv->receipt);
	if (l->answers == NULL || l->receipt == NULL)
		l->found = -1;
	return 1;
}

static void latest_free(struct latest *l)
{
	free(l->answers);
	free(l->receipt);
}

/* The delegate's newest revision; 0 ok (l->found says if any), -1 failed. */
static int load_latest(struct req *r, struct latest *l)
{
	struct snd_store *rd = http_reader(r->s);
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

/* Hands canonical answers (canon, stolen; r->hash set) to the writer; the
 * connection waits suspended until the commit. */
static enum MHD_Result submit_canon(struct req *r, struct snd_buf *canon)
{
	size_t len = 0;
	struct auth *a = r->auth;

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
	r->item.done = written_cb;
	r->item.arg = r;
	r->state = ST_QUEUED;
	if (writer_submit(r->s->writer, &r->item, suspend_cb, r) != SND_OK) {
		r->state = ST_NEW;
		return http_busy(r);
	}
	return MHD_YES;
}

/* Canonicalises and hashes the checked answers, then submit_canon.  Takes
 * nothing from clean (the caller frees it). */
static enum MHD_Result submit(struct req *r, const cJSON *clean)
{
	struct snd_buf canon;

	snd_buf_init(&canon, 0);
	if (snd_answers_hash(clean, &canon, r->hash) != SND_OK) {
		snd_buf_free(&canon);
		return http_busy(r);
	}
	return submit_canon(r, &canon);
}

enum MHD_Result routes_resumed(struct req *r)
{
	struct snd_buf b;
	const struct snd_form *f = form_of(r);
	r->state = ST_NEW;
	if (r->item.rc != SND_OK)
		return http_busy(r);
	snd_buf_init(&b, 0);
	if (r->route == R_FORM) {
		snd_buf_printf(&b, "/q/%s/receipt", f->id);
		if (r->lang > 0)
			snd_buf_printf(&b, "?lang=%s", f->languages[r->lang]);
		if (b.failed) {
			snd_buf_free(&b);
			return http_busy(r);
		}
		{
			enum MHD_Result ret = http_redirect(r, b.data, NULL);
			snd_buf_free(&b);
			return ret;
		}
	}
	/* A receipt is PASETO text (base64url and dots) and the hash is hex:
	 * neither needs JSON escaping. */
	snd_buf_puts(&b, "{\"receipt\":\"");
	snd_buf_puts(&b, r->item.receipt);
	snd_buf_printf(&b, "\",\"revision\":%lld,\"hash\":\"%s\"}\n", (long long)r->item.rev,
	               r->hash);
	return http_send_json(r, 201, &b);
}

/* ------------------------------------------------------------- handlers */

static enum MHD_Result h_token(struct req *r)
{
	struct auth *a = NULL;
	struct snd_store *rd;
	struct snd_buf cookie, loc;
	const struct snd_form *f;
	enum MHD_Result ret;
	enum snd_err rc;
	char why[200];

	rc = auth_verify(r->s, r->arg, strlen(r->arg), &a, why, sizeof why);
	if (rc != SND_OK)
		return token_error(r, rc, why);
	r->auth = a;
	r->form = (int)a->form;
	r->lang = pick_lang(r, NULL, NULL);
	if ((rd = http_reader(r->s)) == NULL)
		return http_busy(r);
	if ((rc = auth_check(a, rd, now_s())) != SND_OK)
		return token_error(r, rc, NULL);
	f = form_of(r);
	snd_buf_init(&cookie, 0);
	snd_buf_init(&loc, 0);
	snd_buf_printf(&cookie, COOKIE_NAME "=%s; Path=/; HttpOnly; SameSite=Strict%s", r->arg,
	               r->s->tls ? "; Secure" : "");
	snd_buf_printf(&loc, "/%s/%s", a->c.role == SND_ROLE_CHAIR ? "chair" : "q", f->id);
	if (query(r, "lang") && r->lang > 0)
		snd_buf_printf(&loc, "?lang=%s", f->languages[r->lang]);
	if (cookie.failed || loc.failed)
		ret = http_busy(r);
	else
		ret = http_redirect(r, loc.data, cookie.data);
	snd_buf_free(&cookie);
	snd_buf_free(&loc);
	return ret;
}

static enum MHD_Result h_form_get(struct req *r)
{
	struct page_req p;
	struct latest l;
	struct snd_buf b;
	cJSON *answers = NULL;
	enum MHD_Result ret;

	r->lang = pick_lang(r, NULL, NULL);
	if (!authenticate(r, 0, 1, SND_ROLE_DELEGATE, &ret) || !require_open(r, &ret))
		return ret;
	if (load_latest(r, &l) != 0)
		return http_busy(r);
	if (l.found)
		answers = cJSON_ParseWithLength(l.answers, l.answers_len);
	page_req_init(r, &p);
	snd_buf_init(&b, 0);
	page_form(&b, &p, answers, NULL, l.found ? l.rev : 0);
	cJSON_Delete(answers);
	latest_free(&l);
	return http_send_html(r, 200, &b);
}

/* Content-Type is `want` (case-insensitive), optionally with parameters;
 * a charset parameter, when present, must be UTF-8. */
static int content_type_is(const struct req *r, const char *want)
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

static void merge_diag(struct snd_diag *into, const struct snd_diag *from)
{
	size_t i;
	for (i = 0; i < from->n; i++)
		if (snd_diag_find(into, from->items[i].where) == NULL)
			snd_diag_add(into, from->items[i].where, "%s", from->items[i].msg);
}

static enum MHD_Result h_form_post(struct req *r)
{
	const struct snd_form *f = form_of(r);
	struct snd_kvlist kv = {0};
	struct snd_diag errs, errs2;
	struct page_req p;
	struct snd_buf b;
	cJSON *answers = NULL, *clean = NULL;
	enum MHD_Result ret;
	enum snd_err rc1, rc2;
	char err[200];

	r->lang = pick_lang(r, NULL, NULL);
	if (!authenticate(r, 0, 1, SND_ROLE_DELEGATE, &ret) || !require_open(r, &ret))
		return ret;
	if (!content_type_is(r, "application/x-www-form-urlencoded"))
		return http_error(r, 400, "bad_request",
		                  "The form was sent in a format this server does not read.", NULL);
	if (snd_urlenc_parse(r->body.data ? r->body.data : "", r->body.len, &kv, err,
	                     sizeof err) != SND_OK)
		return http_error(r, 400, "bad_request",
		                  "The form data could not be read (invalid characters).", NULL);
	if (!auth_csrf_ok(r->auth, snd_kvlist_get(&kv, "_csrf"))) {
		snd_kvlist_free(&kv);
		return http_error(r, 403, "csrf",
		                  "This form is out of date or did not come from this site. "
		                  "Reload the page and send it again.",
		                  NULL);
	}
	r->lang = pick_lang(r, snd_kvlist_get(&kv, "_lang"), NULL);
	snd_diag_init(&errs);
	snd_diag_init(&errs2);
	rc1 = snd_form_answers_from_post(f, &kv, &answers, &errs);
	snd_kvlist_free(&kv);
	if (rc1 != SND_OK && rc1 != SND_EINVAL) {
		ret = http_busy(r);
		goto out;
	}
	if (answers == NULL && (answers = cJSON_CreateObject()) == NULL) {
		ret = http_busy(r);
		goto out;
	}
	rc2 = snd_form_check_answers(f, answers, &clean, &errs2);
	if (rc2 != SND_OK && rc2 != SND_EINVAL) {
		ret = http_busy(r);
		goto out;
	}
	if (rc1 != SND_OK || rc2 != SND_OK) {
		merge_diag(&errs, &errs2);
		page_req_init(r, &p);
		snd_buf_init(&b, 0);
		page_form(&b, &p, answers, &errs, 0);
		ret = http_send_html(r, 422, &b);
		goto out;
	}
	ret = submit(r, clean);
out:
	cJSON_Delete(answers);
	cJSON_Delete(clean);
	snd_diag_free(&errs);
	snd_diag_free(&errs2);
	return ret;
}

static enum MHD_Result h_receipt(struct req *r)
{
	struct page_req p;
	struct latest l;
	struct snd_buf b;
	cJSON *answers;
	enum MHD_Result ret;

	r->lang = pick_lang(r, NULL, NULL);
	if (!authenticate(r, 0, 1, SND_ROLE_DELEGATE, &ret))
		return ret;
	if (load_latest(r, &l) != 0)
		return http_busy(r);
	if (!l.found)
		return http_error(r, 404, "not_found",
		                  "No answers have been recorded for you yet, so there is no receipt.",
		                  NULL);
	answers = cJSON_ParseWithLength(l.answers, l.answers_len);
	page_req_init(r, &p);
	snd_buf_init(&b, 0);
	page_receipt(&b, &p, l.rev, l.hash, l.receipt, answers, l.submitted_at);
	cJSON_Delete(answers);
	latest_free(&l);
	return http_send_html(r, 200, &b);
}

static enum MHD_Result h_api_post(struct req *r)
{
	const struct snd_form *f = form_of(r);
	struct snd_diag errs;
	cJSON *doc = NULL, *answers, *clean = NULL;
	enum MHD_Result ret;
	enum snd_err rc;
	char err[200];

	if (!authenticate(r, 1, 0, SND_ROLE_DELEGATE, &ret) || !require_open(r, &ret))
		return ret;
	if (!content_type_is(r, "application/json"))
		return http_error(r, 400, "bad_request",
		                  "the body must be JSON (Content-Type: application/json)", NULL);
	/* A valid body in one pass (parse, check, canonical JSON, hash) with
	 * no cJSON tree; anything else takes the general steps below, which
	 * give the status and the reasons (same bytes stored either way). */
	{
		struct snd_buf canon;
		snd_buf_init(&canon, 0);
		rc = snd_answers_from_body(f, r->body.data ? r->body.data : "", r->body.len,
		                           r->s->max_body, &canon, r->hash);
		if (rc == SND_OK)
			return submit_canon(r, &canon);
		snd_buf_free(&canon);
		if (rc == SND_ENOMEM)
			return http_busy(r);
	}
	rc = snd_json_parse(r->body.data ? r->body.data : "", r->body.len, r->s->max_body,
	                    SND_JSON_MAX_DEPTH, &doc, err, sizeof err);
	if (rc == SND_ETOOBIG)
		return http_error(r, 413, "too_large", "the request body is over the size limit", NULL);
	if (rc != SND_OK) {
		char msg[260];
		snprintf(msg, sizeof msg, "malformed JSON: %s", err);
		return http_error(r, 400, "bad_request", msg, NULL);
	}
	answers = cJSON_GetObjectItemCaseSensitive(doc, "answers");
	if (!cJSON_IsObject(doc) || !cJSON_IsObject(answers)) {
		cJSON_Delete(doc);
		return http_error(r, 400, "bad_request",
		                  "the body must be an object {\"answers\":{...}}", NULL);
	}
	snd_diag_init(&errs);
	rc = snd_form_check_answers(f, answers, &clean, &errs);
	if (rc == SND_EINVAL)
		ret = http_error(r, 422, "invalid_answers", "some answers are invalid", &errs);
	else if (rc != SND_OK)
		ret = http_busy(r);
	else
		ret = submit(r, clean);
	cJSON_Delete(doc);
	cJSON_Delete(clean);
	snd_diag_free(&errs);
	return ret;
}

static enum MHD_Result h_api_me(struct req *r)
{
	struct latest l;
	struct snd_buf b;
	enum MHD_Result ret;
	char when[21];

	if (!authenticate(r, 1, 0, SND_ROLE_DELEGATE, &ret))
		return ret;
	if (load_latest(r, &l) != 0)
		return http_busy(r);
	if (!l.found)
		return http_error(r, 404, "not_found", "no answers recorded for this token's delegate",
		                  NULL);
	snd_time_format(l.submitted_at / 1000, when);
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, "{\"answers\":");
	snd_buf_append(&b, l.answers, l.answers_len); /* canonical JSON as stored */
	snd_buf_printf(&b, ",\"revision\":%lld,\"hash\":\"%s\",\"receipt\":", (long long)l.rev,
	               l.hash);
	snd_buf_json_str(&b, l.receipt);
	snd_buf_printf(&b, ",\"submitted_at\":\"%s\"}\n", when);
	latest_free(&l);
	return http_send_json(r, 200, &b);
}

enum MHD_Result routes_dispatch(struct req *r)
{
	switch (r->route) {
	case R_HEALTHZ:
	case R_CSS:
	case R_JS:
	case R_API_FORM:
		return http_static(r, r->route);
	case R_TOKEN:
		return h_token(r);
	case R_FORM:
		return r->method == M_POST ? h_form_post(r) : h_form_get(r);
	case R_RECEIPT:
		return h_receipt(r);
	case R_CHAIR:
		return h_chair(r);
	case R_API_RESPONSES:
		return h_api_post(r);
	case R_API_ME:
		return h_api_me(r);
	case R_API_SUMMARY:
		return h_api_summary(r);
	default:
		return http_not_found(r);
	}
}
