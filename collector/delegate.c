/* delegate.c - the delegate's pages: the personal link (/t/TOKEN sets the
 * session cookie and redirects), the form (GET /q/QID), its post (POST
 * /q/QID, 303 to the receipt once committed, 422 with the errors beside
 * their fields) and the receipt page (GET /q/QID/receipt).
 *
 * Invariants:
 *   1. The session cookie is HttpOnly, SameSite=Strict, Path=/, Secure
 *      under TLS; it holds the token itself (the server keeps no sessions).
 *   2. A post is checked in full (request.c invariant 2, with the CSRF
 *      field) before anything is stored; a 422 page shows every answer as
 *      it was sent, so nothing the delegate typed is lost.
 */
#include "request.h"
#include "routes.h"

#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum MHD_Result h_token(struct req *r)
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
	if ((rd = srv_reader(r->s)) == NULL)
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

/* What the form and receipt pages start with: the language, the session
 * cookie of a delegate, the open questionnaire (when need_open), and the
 * delegate's newest revision into *l (latest_free it).  On failure queues
 * the answer into *ret and returns 0. */
static int delegate_latest(struct req *r, int need_open, struct latest *l,
                           enum MHD_Result *ret)
{
	r->lang = pick_lang(r, NULL, NULL);
	if (!authenticate(r, 0, 1, SND_ROLE_DELEGATE, ret) || (need_open && !require_open(r, ret)))
		return 0;
	if (load_latest(r, l) != 0) {
		*ret = http_busy(r);
		return 0;
	}
	return 1;
}

enum MHD_Result h_form_get(struct req *r)
{
	struct page_req p;
	struct latest l;
	struct snd_buf b;
	cJSON *answers = NULL;
	enum MHD_Result ret;

	if (!delegate_latest(r, 1, &l, &ret))
		return ret;
	if (l.found)
		answers = cJSON_ParseWithLength(l.answers, l.answers_len);
	page_req_init(r, &p);
	snd_buf_init(&b, 0);
	page_form(&b, &p, answers, NULL, l.found ? l.rev : 0);
	cJSON_Delete(answers);
	latest_free(&l);
	return http_send_html(r, 200, &b);
}

static void merge_diag(struct snd_diag *into, const struct snd_diag *from)
{
	size_t i;
	for (i = 0; i < from->n; i++)
		if (snd_diag_find(into, from->items[i].where) == NULL)
			snd_diag_add(into, from->items[i].where, "%s", from->items[i].msg);
}

enum MHD_Result h_form_post(struct req *r)
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

/* The writer committed the form post: 303 to the receipt page. */
enum MHD_Result h_form_committed(struct req *r)
{
	struct snd_buf b;
	const struct snd_form *f = form_of(r);
	enum MHD_Result ret;
	snd_buf_init(&b, 0);
	snd_buf_printf(&b, "/q/%s/receipt", f->id);
	if (r->lang > 0)
		snd_buf_printf(&b, "?lang=%s", f->languages[r->lang]);
	if (b.failed) {
		snd_buf_free(&b);
		return http_busy(r);
	}
	ret = http_redirect(r, b.data, NULL);
	snd_buf_free(&b);
	return ret;
}

enum MHD_Result h_receipt(struct req *r)
{
	struct page_req p;
	struct latest l;
	struct snd_buf b;
	cJSON *answers;
	enum MHD_Result ret;

	if (!delegate_latest(r, 0, &l, &ret))
		return ret;
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
