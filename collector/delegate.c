/* delegate.c - the delegate's pages: the personal link (/t/TOKEN sets the
 * session cookie and redirects), the form (GET /q/QID, filled from the
 * delegate's draft when it is newer than their latest revision), its post
 * (POST /q/QID, 303 to the receipt once committed, 422 with the errors
 * beside their fields; with _draft, a draft saved and 303 back to the
 * form) and the receipt page (GET /q/QID/receipt).
 *
 * Invariants:
 *   1. The session cookie is HttpOnly, SameSite=Strict, Path=/, Secure
 *      and __Host- prefixed under TLS; it holds the token itself (the
 *      server keeps no sessions).
 *   2. A post is checked in full (request.c invariant 2, with the CSRF
 *      field) before anything is stored; a 422 page shows every answer as
 *      it was sent, so nothing the delegate typed is lost.  Before that: an
 *      Origin header of another site is 403, a single-valued field sent
 *      twice is 400 (neither is ever sent by our pages).
 *   3. A link replaces the browser's session only when there is none that
 *      works, or it is the same holder's (sub and role) on a same-site
 *      request; otherwise GET /t/TOKEN answers 200 with a page asking, and
 *      only its POST (same origin, a _csrf bound to the link and to the
 *      session shown) sets the cookie.  The cookie is the mode's name
 *      (request.h cookie_name).
 */
#include "draft.h"
#include "request.h"
#include "routes.h"

#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 400 naming a field sent twice (urlenc.c invariant 5). */
/* Sets the session cookie to the link's token and sends the browser on to
 * the token's page (invariant 1). */
static enum MHD_Result start_session(struct req *r)
{
	const struct snd_form *f = form_of(r);
	struct snd_buf cookie, loc;
	enum MHD_Result ret;

	snd_buf_init(&cookie, 0);
	snd_buf_init(&loc, 0);
	snd_buf_printf(&cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", cookie_name(r->s),
	               r->arg, r->s->tls ? "; Secure" : "");
	snd_buf_printf(&loc, "/%s/%s", r->auth->c.role == SND_ROLE_CHAIR ? "chair" : "q", f->id);
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

/* The link's token (r->arg): verified, its claims current, r->auth,
 * r->form and r->lang set.  On failure queues the answer into *ret and
 * returns 0. */
static int link_token(struct req *r, enum MHD_Result *ret)
{
	struct auth *a = NULL;
	struct snd_store *rd;
	enum snd_err rc;
	char why[200];

	rc = auth_verify(r->s, r->arg, strlen(r->arg), &a, why, sizeof why);
	if (rc != SND_OK) {
		*ret = token_error(r, rc, why);
		return 0;
	}
	r->auth = a;
	r->form = (int)a->form;
	r->lang = pick_lang(r, NULL, NULL);
	if ((rd = srv_reader(r->s)) == NULL) {
		*ret = http_busy(r);
		return 0;
	}
	if ((rc = auth_check(a, rd, now_s())) != SND_OK) {
		*ret = token_error(r, rc, NULL);
		return 0;
	}
	return 1;
}

/* The browser's current session, when it is one that works (a verified,
 * current token of a loaded questionnaire): a reference (auth_release it)
 * or NULL.  A broken, expired or revoked session is nothing to keep. */
static struct auth *current_session(struct req *r, const char *cookie)
{
	struct auth *cur = NULL;
	struct snd_store *rd = srv_reader(r->s);
	if (rd == NULL || auth_verify(r->s, cookie, strlen(cookie), &cur, NULL, 0) != SND_OK)
		return NULL;
	if (auth_check(cur, rd, now_s()) != SND_OK) {
		auth_release(cur);
		return NULL;
	}
	return cur;
}

/* GET /t/TOKEN.  Invariant 3: a link never silently replaces the session
 * of another delegate or role, nor any session on a cross-site navigation
 * (login CSRF: a crafted link would make the delegate answer as someone
 * else, or end a chair's session). */
enum MHD_Result h_token(struct req *r)
{
	const char *cookie;
	struct auth *cur;
	struct page_switch sw;
	struct page_req p;
	struct snd_buf b, href;
	enum MHD_Result ret;
	int cross;

	if (!link_token(r, &ret))
		return ret;
	cookie = session_cookie(r);
	if (cookie == NULL) {
		/* A cross-site navigation carries no SameSite=Strict cookie: the
		 * browser may well hold a session it did not send.  Reload from
		 * this origin to see it; without Sec-Fetch-Site, or once same-
		 * origin, there is none and the link starts one. */
		if (cross_site_reload(r, &ret))
			return ret;
		return start_session(r);
	}
	if ((cur = current_session(r, cookie)) == NULL)
		return start_session(r);
	cross = is_cross_site(r);
	if (!cross && cur->c.role == r->auth->c.role && strcmp(cur->c.sub, r->auth->c.sub) == 0) {
		auth_release(cur); /* the same holder re-opening a link: as before */
		return start_session(r);
	}
	memset(&p, 0, sizeof p);
	p.form = form_of(r);
	p.lang = r->lang;
	memset(&sw, 0, sizeof sw);
	sw.cur_sub = cur->c.sub;
	sw.cur_chair = cur->c.role == SND_ROLE_CHAIR;
	sw.new_sub = r->auth->c.sub;
	sw.new_chair = r->auth->c.role == SND_ROLE_CHAIR;
	{
		char csrf[33];
		auth_switch_csrf(r->s, r->auth, cookie, csrf);
		snd_buf_init(&href, 0);
		snd_buf_printf(&href, "/%s/%s", sw.cur_chair ? "chair" : "q",
		               r->s->forms[cur->form]->id);
		sw.cur_href = href.failed ? "/" : href.data;
		sw.csrf = csrf;
		snd_buf_init(&b, 0);
		page_switch(&b, &p, &sw);
		snd_buf_free(&href);
	}
	auth_release(cur);
	return http_send_html(r, 200, &b);
}

/* POST /t/TOKEN: the switch page's button.  Same origin, one _csrf field,
 * bound to this link and to the session the page was shown over. */
enum MHD_Result h_token_post(struct req *r)
{
	struct snd_kvlist kv = {0};
	enum MHD_Result ret;
	char csrf[33];
	int ok;

	if (!same_origin(r, &ret) || !link_token(r, &ret) || !read_form_post(r, NULL, &kv, &ret))
		return ret;
	auth_switch_csrf(r->s, r->auth, session_cookie(r), csrf);
	ok = auth_csrf_eq(csrf, snd_kvlist_get(&kv, "_csrf"));
	snd_kvlist_free(&kv);
	if (!ok)
		return http_error(r, 403, "csrf",
		                  "This page is out of date or did not come from this site. "
		                  "Open your personal link again.",
		                  NULL);
	return start_session(r);
}

/* What the form and receipt pages start with: the language, the session
 * cookie of a delegate, the open questionnaire (when need_open), and the
 * delegate's newest revision into *l (latest_free it).  On failure queues
 * the answer into *ret and returns 0. */
static int delegate_latest(struct req *r, int need_open, struct latest *l,
                           enum MHD_Result *ret)
{
	struct snd_store *rd = srv_reader(r->s);
	int began = 0, ok;
	r->lang = pick_lang(r, NULL, NULL);
	/* the revocation, the window and the latest row: one snapshot */
	if (rd != NULL && snd_store_snapshot_begin(rd, &began) != SND_OK)
		began = 0;
	ok = authenticate(r, 0, 1, SND_ROLE_DELEGATE, ret) && (!need_open || require_open(r, ret));
	if (ok && load_latest(r, l) != 0) {
		*ret = http_busy(r);
		ok = 0;
	}
	if (rd != NULL)
		snd_store_snapshot_end(rd, began);
	return ok;
}

enum MHD_Result h_form_get(struct req *r)
{
	struct page_req p;
	struct latest l;
	struct snd_buf b;
	cJSON *answers = NULL;
	enum MHD_Result ret;

	struct draft d;

	if (!delegate_latest(r, 1, &l, &ret))
		return ret;
	if (draft_load(r, &d) != 0) {
		latest_free(&l);
		return http_busy(r);
	}
	page_req_init(r, &p);
	p.previous = previous_answers(r);
	if (draft_newer(&d, &l)) {
		answers = cJSON_ParseWithLength(d.answers, d.answers_len);
		p.draft_saved_at = d.saved_at_ms / 1000;
	} else if (l.found) {
		answers = cJSON_ParseWithLength(l.answers, l.answers_len);
	}
	snd_buf_init(&b, 0);
	page_form(&b, &p, answers, NULL, l.found ? l.rev : 0);
	cJSON_Delete((cJSON *)p.previous);
	cJSON_Delete(answers);
	latest_free(&l);
	draft_free(&d);
	return http_send_html(r, 200, &b);
}

static void merge_diag(struct snd_diag *into, const struct snd_diag *from)
{
	size_t i;
	for (i = 0; i < from->n; i++)
		if (snd_diag_find(into, from->items[i].where) == NULL)
			snd_diag_add(into, from->items[i].where, "%s", from->items[i].msg);
}

/* 303 to suffix under /q/QID, in the page's language. */
static enum MHD_Result redirect_to(struct req *r, const char *suffix)
{
	struct snd_buf b;
	const struct snd_form *f = form_of(r);
	enum MHD_Result ret;
	snd_buf_init(&b, 0);
	snd_buf_printf(&b, "/q/%s%s", f->id, suffix);
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

/* A checked draft from the form: stored (committed), then 303 back to the
 * form, which shows it with its "not yet submitted" notice. */
static enum MHD_Result draft_saved(struct req *r, const cJSON *clean)
{
	int64_t at;
	if (draft_save(r, clean, &at) != 0)
		return http_busy(r);
	return redirect_to(r, "");
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
	int draft;

	r->lang = pick_lang(r, NULL, NULL);
	if (!same_origin(r, &ret) || !authenticate_open(r, 0, 1, SND_ROLE_DELEGATE, &ret) ||
	    !read_session_post(r, f, &kv, &ret))
		return ret;
	draft = snd_kvlist_get(&kv, "_draft") != NULL;
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
	rc2 = draft ? snd_form_check_draft(f, answers, &clean, &errs2)
	            : snd_form_check_answers(f, answers, &clean, &errs2);
	if (rc2 != SND_OK && rc2 != SND_EINVAL) {
		ret = http_busy(r);
		goto out;
	}
	if (rc1 != SND_OK || rc2 != SND_OK) {
		merge_diag(&errs, &errs2);
		page_req_init(r, &p);
		p.previous = previous_answers(r);
		p.draft_post = draft;
		snd_buf_init(&b, 0);
		page_form(&b, &p, answers, &errs, 0);
		cJSON_Delete((cJSON *)p.previous);
		ret = http_send_html(r, 422, &b);
		goto out;
	}
	ret = draft ? draft_saved(r, clean) : submit(r, clean);
out:
	cJSON_Delete(answers);
	cJSON_Delete(clean);
	snd_diag_free(&errs);
	snd_diag_free(&errs2);
	return ret;
}

/* The writer committed the form post: 303 to the receipt page (or the
 * store refused it for the revision limit: 429). */
enum MHD_Result h_form_committed(struct req *r)
{
	if (r->item.rc == SND_ELIMIT)
		return limit_error(r, 1, 0);
	return redirect_to(r, "/receipt");
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
	page_receipt(&b, &p, l.rev, l.hash, l.salt[0] ? l.salt : NULL, l.receipt, answers,
	             l.submitted_at);
	cJSON_Delete(answers);
	latest_free(&l);
	return http_send_html(r, 200, &b);
}
