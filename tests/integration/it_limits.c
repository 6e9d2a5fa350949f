/* it_limits.c - issue 13, items 2, 4 and 6 against the real server: the
 * revision limits (--max-revisions exact under concurrent posts of one
 * delegate, --revision-rate with Retry-After, both for the API and the
 * form, 0 switching them off, the defaults); a personal link never
 * silently replacing the session of another delegate or role (login
 * CSRF); the __Host- cookie under TLS; form posts from another Origin; a
 * field sent twice.  Every refusal leaves the database unchanged. */
#include "harness.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define API "/api/v1/questionnaires/all-types/responses"
#define ANSWERS "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}"

static const char *const FORMS[] = {"all-types.json", NULL};

static char *link_path(const char *token)
{
	size_t n = strlen(token) + 8;
	char *p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "/t/%s", token);
	return p;
}

static long api_post(struct h_client *c, const char *tok, struct h_resp *r)
{
	return h_post_json(c, API, tok, ANSWERS, r);
}

/* The _csrf value on a page. */
static char *csrf_of(const char *html)
{
	const char *p = strstr(html, "name=\"_csrf\" value=\"");
	ck_assert_msg(p != NULL, "no _csrf field in the page");
	p += strlen("name=\"_csrf\" value=\"");
	return strndup(p, 32);
}

/* Opens tok's link in c (no other session): 303. */
static void open_link(struct h_client *c, const char *tok)
{
	struct h_resp r;
	char *path = link_path(tok);
	ck_assert_int_eq(h_get(c, path, &r), 303);
	h_resp_free(&r);
	free(path);
}

/* The form's CSRF value for c's session. */
static char *form_csrf(struct h_client *c)
{
	struct h_resp r;
	char *v;
	ck_assert_int_eq(h_get(c, "/q/all-types", &r), 200);
	v = csrf_of(r.body);
	h_resp_free(&r);
	return v;
}

static long form_post(struct h_client *c, const char *body, const char *const *hdrs,
                      struct h_resp *r)
{
	return h_request(c, "POST", "/q/all-types", "application/x-www-form-urlencoded", body,
	                 strlen(body), 0, hdrs, r);
}

/* ------------------------------------------------------------ limits */

START_TEST(test_max_revisions_refuses_the_next_with_429_and_stores_nothing)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	const char *extra[] = {"--max-revisions", "3", "--revision-rate", "0", NULL};
	char *tok, *other, *v, *before, *after, *csrf, body[128];
	int i;

	h_up(&e, &c, FORMS, extra);
	tok = h_token(&e, "all-types", "d1", "delegate");
	other = h_token(&e, "all-types", "d2", "delegate");
	for (i = 0; i < 3; i++) {
		api_post(c, tok, &r);
		ck_assert_msg(r.status == 201, "%d: %ld %s", i, r.status, r.body);
		h_resp_free(&r);
	}
	before = h_db_state(&e);
	ck_assert_int_eq(api_post(c, tok, &r), 429);
	ck_assert(strstr(r.body, "\"code\":\"too_many_revisions\"") != NULL);
	v = h_header(&r, "Retry-After");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "86400");
	free(v);
	h_resp_free(&r);
	/* the form post too: a page in the delegate's language */
	open_link(c, tok);
	csrf = form_csrf(c);
	snprintf(body, sizeof body, "_csrf=%s&colour=red&proposal=support&_lang=fr", csrf);
	{
		const char *hs[] = {"Accept-Language: fr", NULL};
		form_post(c, body, hs, &r);
	}
	ck_assert_msg(r.status == 429, "%ld", r.status);
	ck_assert(strstr(r.body, "Non enregistré : trop de révisions") != NULL);
	ck_assert(strstr(r.body, "lang=\"fr\"") != NULL);
	v = h_header(&r, "Retry-After");
	ck_assert_ptr_nonnull(v);
	free(v);
	h_resp_free(&r);
	after = h_db_state(&e);
	ck_assert_str_eq(before, after);
	/* another delegate is not affected */
	ck_assert_int_eq(api_post(c, other, &r), 201);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&e, "revision"), 4);
	free(before);
	free(after);
	free(csrf);
	free(tok);
	free(other);
	h_client_free(c);
	ck_assert_int_eq(h_stop(&e), 0);
	h_tally_verify(&e);
	h_teardown(&e);
}
END_TEST

struct burst {
	struct h_env *e;
	const char *tok;
	int ok, limited, other;
};

static void *burst_work(void *arg)
{
	struct burst *b = arg;
	struct h_client *c = h_client_new(b->e);
	struct h_resp r;
	int k;
	for (k = 0; k < 5; k++) {
		long st = api_post(c, b->tok, &r);
		if (st == 201)
			b->ok++;
		else if (st == 429 && strstr(r.body, "too_many_revisions"))
			b->limited++;
		else
			b->other++;
		h_resp_free(&r);
	}
	h_client_free(c);
	return NULL;
}

START_TEST(test_max_revisions_holds_exactly_under_concurrent_posts_of_one_delegate)
{
	struct h_env e;
	struct h_client *c;
	const char *extra[] = {"--max-revisions", "7", "--revision-rate", "0", NULL};
	struct burst w[8];
	pthread_t th[8];
	int t, ok = 0, limited = 0, other = 0;
	char *tok;

	h_up(&e, &c, FORMS, extra);
	tok = h_token(&e, "all-types", "busy", "delegate");
	memset(w, 0, sizeof w);
	for (t = 0; t < 8; t++) {
		w[t].e = &e;
		w[t].tok = tok;
		ck_assert(pthread_create(&th[t], NULL, burst_work, &w[t]) == 0);
	}
	for (t = 0; t < 8; t++) {
		pthread_join(th[t], NULL);
		ok += w[t].ok;
		limited += w[t].limited;
		other += w[t].other;
	}
	ck_assert_int_eq(other, 0);
	ck_assert_int_eq(ok, 7);
	ck_assert_int_eq(limited, 40 - 7);
	ck_assert_int_eq(h_db_count(&e, "revision"), 7);
	free(tok);
	h_client_free(c);
	ck_assert_int_eq(h_stop(&e), 0);
	h_tally_verify(&e);
	h_teardown(&e);
}
END_TEST

START_TEST(test_revision_rate_refuses_past_the_burst_with_retry_after)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	const char *extra[] = {"--revision-rate", "3", "--max-revisions", "0", NULL};
	char *tok, *other, *v, *before, *after, *csrf, body[128];
	int i;

	h_up(&e, &c, FORMS, extra);
	tok = h_token(&e, "all-types", "d1", "delegate");
	other = h_token(&e, "all-types", "d2", "delegate");
	for (i = 0; i < 3; i++) {
		api_post(c, tok, &r);
		ck_assert_msg(r.status == 201, "%d: %ld %s", i, r.status, r.body);
		h_resp_free(&r);
	}
	before = h_db_state(&e);
	ck_assert_int_eq(api_post(c, tok, &r), 429);
	ck_assert(strstr(r.body, "\"code\":\"rate_limited\"") != NULL);
	v = h_header(&r, "Retry-After");
	ck_assert_ptr_nonnull(v);
	ck_assert_msg(atoi(v) >= 1 && atoi(v) <= 20, "Retry-After: %s", v);
	free(v);
	h_resp_free(&r);
	/* the form post: the 429 page in the delegate's language */
	open_link(c, tok);
	csrf = form_csrf(c);
	snprintf(body, sizeof body, "_csrf=%s&colour=red&proposal=support", csrf);
	{
		const char *hs[] = {"Accept-Language: fr", NULL};
		form_post(c, body, hs, &r);
	}
	ck_assert_msg(r.status == 429, "%ld", r.status);
	ck_assert(strstr(r.body, "Vous avez enregistré de nombreuses fois en peu de temps") != NULL);
	h_resp_free(&r);
	after = h_db_state(&e);
	ck_assert_str_eq(before, after);
	/* per delegate: another one is not affected */
	ck_assert_int_eq(api_post(c, other, &r), 201);
	h_resp_free(&r);
	free(before);
	free(after);
	free(csrf);
	free(tok);
	free(other);
	h_down(&e, &c);
}
END_TEST

START_TEST(test_limits_default_to_30_a_minute_and_0_switches_them_off)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	const char *off[] = {"--revision-rate", "0", "--max-revisions", "0", NULL};
	char *tok;
	int i;

	/* defaults: a burst of 30, then 429 */
	h_up(&e, &c, FORMS, NULL);
	tok = h_token(&e, "all-types", "d1", "delegate");
	for (i = 0; i < 30; i++) {
		api_post(c, tok, &r);
		ck_assert_msg(r.status == 201, "%d: %ld %s", i, r.status, r.body);
		h_resp_free(&r);
	}
	ck_assert_int_eq(api_post(c, tok, &r), 429);
	h_resp_free(&r);
	free(tok);
	h_down(&e, &c);

	h_up(&e, &c, FORMS, off);
	tok = h_token(&e, "all-types", "d1", "delegate");
	for (i = 0; i < 45; i++) {
		api_post(c, tok, &r);
		ck_assert_msg(r.status == 201, "%d: %ld %s", i, r.status, r.body);
		h_resp_free(&r);
	}
	free(tok);
	h_down(&e, &c);
}
END_TEST

/* -------------------------------------------------------- login CSRF */

START_TEST(test_link_over_another_delegates_session_asks_and_keeps_it_until_the_post)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	char *d1, *d2, *path, *csrf, body[80];

	h_up(&e, &c, FORMS, NULL);
	d1 = h_token(&e, "all-types", "d1", "delegate");
	d2 = h_token(&e, "all-types", "attacker", "delegate");
	open_link(c, d1);
	path = link_path(d2);
	{
		const char *hs[] = {"Accept-Language: fr", NULL};
		h_request(c, "GET", path, NULL, NULL, 0, 0, hs, &r);
	}
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(h_header(&r, "Set-Cookie"));
	ck_assert(strstr(r.body, "<bdi>d1</bdi> (délégué)") != NULL);
	ck_assert(strstr(r.body, "<bdi>attacker</bdi>") != NULL);
	ck_assert(strstr(r.body, "href=\"/q/all-types\"") != NULL);
	ck_assert(strstr(r.body, "<form method=\"post\"") != NULL);
	ck_assert(strstr(r.body, "v4.public.") == NULL); /* no token on the page */
	csrf = csrf_of(r.body);
	h_resp_free(&r);
	/* the old session is still there */
	ck_assert_int_eq(h_get(c, "/q/all-types", &r), 200);
	ck_assert(strstr(r.body, "<bdi>d1</bdi>") != NULL);
	h_resp_free(&r);
	/* a wrong or missing field, or another site's Origin: 403, session kept */
	h_request(c, "POST", path, "application/x-www-form-urlencoded", "_csrf=0", 7, 0, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_ptr_null(h_header(&r, "Set-Cookie"));
	h_resp_free(&r);
	snprintf(body, sizeof body, "_csrf=%s", csrf);
	{
		const char *hs[] = {"Origin: https://evil.example", NULL};
		h_request(c, "POST", path, "application/x-www-form-urlencoded", body, strlen(body), 0,
		          hs, &r);
	}
	ck_assert_int_eq(r.status, 403);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(c, "/q/all-types", &r), 200);
	ck_assert(strstr(r.body, "<bdi>d1</bdi>") != NULL);
	h_resp_free(&r);
	/* the button: now the new delegate */
	h_request(c, "POST", path, "application/x-www-form-urlencoded", body, strlen(body), 0, NULL,
	          &r);
	ck_assert_msg(r.status == 303, "%ld %s", r.status, r.body);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(c, "/q/all-types", &r), 200);
	ck_assert(strstr(r.body, "<bdi>attacker</bdi>") != NULL);
	h_resp_free(&r);
	free(csrf);
	free(path);
	free(d1);
	free(d2);
	h_down(&e, &c);
}
END_TEST

START_TEST(test_delegate_link_over_a_chair_session_keeps_the_chair_signed_in)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	char *chair, *del, *path;

	h_up(&e, &c, FORMS, NULL);
	chair = h_token(&e, "all-types", "chair1", "chair");
	del = h_token(&e, "all-types", "d1", "delegate");
	open_link(c, chair);
	path = link_path(del);
	ck_assert_int_eq(h_get(c, path, &r), 200);
	ck_assert(strstr(r.body, "(chair)") != NULL);
	ck_assert(strstr(r.body, "href=\"/chair/all-types\"") != NULL);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(c, "/chair/all-types", &r), 200);
	h_resp_free(&r);
	free(path);
	free(chair);
	free(del);
	h_down(&e, &c);
}
END_TEST

START_TEST(test_same_delegate_reopening_a_link_is_a_plain_redirect)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	char *a, *b, *path;

	h_up(&e, &c, FORMS, NULL);
	a = h_token(&e, "all-types", "d1", "delegate");
	b = h_token(&e, "all-types", "d1", "delegate"); /* a new link for the same delegate */
	open_link(c, a);
	open_link(c, a);
	open_link(c, b);
	/* cross-site while a session exists: asked, even for the same holder */
	path = link_path(b);
	{
		const char *hs[] = {"Sec-Fetch-Site: cross-site", NULL};
		h_request(c, "GET", path, NULL, NULL, 0, 0, hs, &r);
	}
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "name=\"_csrf\"") != NULL);
	ck_assert_ptr_null(h_header(&r, "Set-Cookie"));
	h_resp_free(&r);
	free(path);
	free(a);
	free(b);
	h_down(&e, &c);
}
END_TEST

START_TEST(test_cross_site_link_without_cookie_reloads_before_setting_one)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	char *tok, *path;

	h_up(&e, &c, FORMS, NULL);
	tok = h_token(&e, "all-types", "d1", "delegate");
	path = link_path(tok);
	{
		/* a Strict cookie is not sent cross-site: find out from our origin */
		const char *hs[] = {"Sec-Fetch-Site: cross-site", NULL};
		h_request(c, "GET", path, NULL, NULL, 0, 0, hs, &r);
	}
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "http-equiv=\"refresh\"") != NULL);
	ck_assert_ptr_null(h_header(&r, "Set-Cookie"));
	h_resp_free(&r);
	{
		const char *hs[] = {"Sec-Fetch-Site: same-origin", NULL};
		h_request(c, "GET", path, NULL, NULL, 0, 0, hs, &r);
	}
	ck_assert_int_eq(r.status, 303);
	h_resp_free(&r);
	free(path);
	free(tok);
	h_down(&e, &c);
}
END_TEST

/* ------------------------------------------------- Origin, repeats */

START_TEST(test_form_post_from_another_origin_is_403_and_own_origin_works)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	char *tok, *csrf, *before, *after, body[128], own[96], host[80];
	static const char *const bad[] = {"Origin: https://evil.example",
	                                  "Origin: null",
	                                  "Origin: http://127.0.0.1:1",
	                                  "Origin: https://127.0.0.1"};
	size_t i;

	h_up(&e, &c, FORMS, NULL);
	tok = h_token(&e, "all-types", "d1", "delegate");
	open_link(c, tok);
	csrf = form_csrf(c);
	snprintf(body, sizeof body, "_csrf=%s&colour=red&proposal=support", csrf);
	before = h_db_state(&e);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *hs[] = {bad[i], NULL};
		form_post(c, body, hs, &r);
		ck_assert_msg(r.status == 403, "%s: %ld", bad[i], r.status);
		h_resp_free(&r);
	}
	after = h_db_state(&e);
	ck_assert_str_eq(before, after);
	/* the server's own origin (what a browser sends), and no Origin at all */
	snprintf(own, sizeof own, "Origin: %.63s", e.base);
	{
		const char *hs[] = {own, NULL};
		ck_assert_int_eq(form_post(c, body, hs, &r), 303);
		h_resp_free(&r);
	}
	ck_assert_int_eq(form_post(c, body, NULL, &r), 303);
	h_resp_free(&r);
	/* behind a TLS proxy that says so */
	snprintf(own, sizeof own, "Origin: https://%.56s", e.base + 7);
	snprintf(host, sizeof host, "X-Forwarded-Proto: https");
	{
		const char *hs[] = {own, host, NULL};
		ck_assert_int_eq(form_post(c, body, hs, &r), 303);
		h_resp_free(&r);
	}
	ck_assert_int_eq(h_db_count(&e, "revision"), 3);
	free(before);
	free(after);
	free(csrf);
	free(tok);
	h_down(&e, &c);
}
END_TEST

/* Regression: the Origin check above refuses "Origin: null", and a browser
 * sends exactly that on a post to its own site when the page's referrer
 * policy is no-referrer (Fetch, "serializing a request origin"): every form
 * post from Chromium was 403 (tests/browser).  The pages that post (the form
 * and the switch page) must carry a policy under which a same-origin post
 * sends the real Origin and no other site gets a Referer: same-origin, in
 * the header and in the page's <meta name=referrer> (which wins when both
 * are there). */
START_TEST(test_posting_pages_referrer_policy_lets_a_browser_send_its_origin)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	char *tok, *tok2, *path, *v;
	int i;

	h_up(&e, &c, FORMS, NULL);
	tok = h_token(&e, "all-types", "d1", "delegate");
	tok2 = h_token(&e, "all-types", "d2", "delegate");
	open_link(c, tok);
	path = link_path(tok2);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(h_get(c, i == 0 ? "/q/all-types" : path, &r), 200);
		ck_assert_msg(strstr(r.body, "<form method=\"post\"") != NULL, "page %d posts", i);
		v = h_header(&r, "Referrer-Policy");
		ck_assert_msg(v != NULL && strcmp(v, "same-origin") == 0, "page %d: Referrer-Policy %s", i,
		              v ? v : "missing");
		free(v);
		ck_assert_msg(strstr(r.body, "<meta name=\"referrer\" content=\"same-origin\">") != NULL,
		              "page %d: meta referrer", i);
		ck_assert_ptr_null(strstr(r.body, "no-referrer"));
		h_resp_free(&r);
	}
	free(path);
	free(tok2);
	free(tok);
	h_down(&e, &c);
}
END_TEST

START_TEST(test_form_field_sent_twice_is_400_naming_it_but_multi_repeats)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	char *tok, *csrf, *before, *after, body[256];

	h_up(&e, &c, FORMS, NULL);
	tok = h_token(&e, "all-types", "d1", "delegate");
	open_link(c, tok);
	csrf = form_csrf(c);
	before = h_db_state(&e);
	snprintf(body, sizeof body, "_csrf=%s&colour=red&proposal=support&colour=blue", csrf);
	ck_assert_int_eq(form_post(c, body, NULL, &r), 400);
	ck_assert(strstr(r.body, "&quot;colour&quot;") != NULL);
	h_resp_free(&r);
	snprintf(body, sizeof body, "_csrf=%s&colour=red&proposal=support&_csrf=%s", csrf, csrf);
	ck_assert_int_eq(form_post(c, body, NULL, &r), 400);
	ck_assert(strstr(r.body, "&quot;_csrf&quot;") != NULL);
	h_resp_free(&r);
	snprintf(body, sizeof body, "_csrf=%s&colour=red&proposal=support&clear=2&clear=4", csrf);
	ck_assert_int_eq(form_post(c, body, NULL, &r), 400);
	h_resp_free(&r);
	after = h_db_state(&e);
	ck_assert_str_eq(before, after);
	/* a multi question's field repeats, once per checked option */
	snprintf(body, sizeof body, "_csrf=%s&colour=red&proposal=support&tools=email&tools=wiki",
	         csrf);
	ck_assert_int_eq(form_post(c, body, NULL, &r), 303);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(c, "/api/v1/questionnaires/all-types/responses/me", tok, &r),
	                 200);
	ck_assert(strstr(r.body, "\"tools\":[\"email\",\"wiki\"]") != NULL);
	h_resp_free(&r);
	free(before);
	free(after);
	free(csrf);
	free(tok);
	h_down(&e, &c);
}
END_TEST

/* ------------------------------------------------------------ TLS */

START_TEST(test_tls_session_cookie_is_host_prefixed_and_the_plain_name_ignored)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	char *tok, *v, path[4200], hdr[4300];
	const char *forms[] = {"all-types.json", NULL};

	h_setup(&e);
	h_start_tls(&e, forms);
	c = h_client_new(&e);
	tok = h_token(&e, "all-types", "d1", "delegate");
	snprintf(path, sizeof path, "/t/%s", tok);
	ck_assert_int_eq(h_get(c, path, &r), 303);
	v = h_header(&r, "Set-Cookie");
	ck_assert_ptr_nonnull(v);
	ck_assert_msg(strncmp(v, "__Host-snd_session=", 19) == 0, "%s", v);
	ck_assert(strstr(v, "; Secure") != NULL && strstr(v, "Path=/") != NULL);
	ck_assert(strstr(v, "Domain") == NULL);
	free(v);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(c, "/q/all-types", &r), 200);
	h_resp_free(&r);
	h_client_free(c);
	/* the plain name is not a session under TLS */
	c = h_client_new(&e);
	snprintf(hdr, sizeof hdr, "Cookie: snd_session=%s", tok);
	{
		const char *hs[] = {hdr, NULL};
		ck_assert_int_eq(h_request(c, "GET", "/q/all-types", NULL, NULL, 0, 0, hs, &r), 401);
		h_resp_free(&r);
	}
	h_client_free(c);
	free(tok);
	ck_assert_int_eq(h_stop(&e), 0);
	h_teardown(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("limits");
	TCase *t = tcase_create("limits");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_max_revisions_refuses_the_next_with_429_and_stores_nothing);
	tcase_add_test(t, test_max_revisions_holds_exactly_under_concurrent_posts_of_one_delegate);
	tcase_add_test(t, test_revision_rate_refuses_past_the_burst_with_retry_after);
	tcase_add_test(t, test_limits_default_to_30_a_minute_and_0_switches_them_off);
	tcase_add_test(t, test_link_over_another_delegates_session_asks_and_keeps_it_until_the_post);
	tcase_add_test(t, test_delegate_link_over_a_chair_session_keeps_the_chair_signed_in);
	tcase_add_test(t, test_same_delegate_reopening_a_link_is_a_plain_redirect);
	tcase_add_test(t, test_cross_site_link_without_cookie_reloads_before_setting_one);
	tcase_add_test(t, test_form_post_from_another_origin_is_403_and_own_origin_works);
	tcase_add_test(t, test_posting_pages_referrer_policy_lets_a_browser_send_its_origin);
	tcase_add_test(t, test_form_field_sent_twice_is_400_naming_it_but_multi_repeats);
	tcase_add_test(t, test_tls_session_cookie_is_host_prefixed_and_the_plain_name_ignored);
	suite_add_tcase(s, t);
	return h_run_suite(s);
}
