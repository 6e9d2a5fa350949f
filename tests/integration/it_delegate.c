/* it_delegate.c - the delegate's browser path against a real server:
 * personal link -> session cookie -> form -> invalid post (422, answers
 * kept, errors beside fields) -> valid post (303) -> receipt; CSRF, bad and
 * expired links, the chair's link, languages, closed questionnaires, the
 * access log.  After every rejected request the database is unchanged. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct h_env E;
static struct h_client *C;

static void up(void)
{
	const char *forms[] = {"all-types.json", "closed.json", NULL};
	h_up(&E, &C, forms, NULL);
}

static void down(void)
{
	h_down(&E, &C);
}

static char *link_path(const char *token)
{
	size_t n = strlen(token) + 8;
	char *p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "/t/%s", token);
	return p;
}

/* Opens the personal link with C's cookie jar; asserts the redirect. */
static void open_link(const char *token, const char *want_location)
{
	struct h_resp r;
	char *path = link_path(token), *loc, *cookie;
	h_get(C, path, &r);
	ck_assert_msg(r.status == 303, "link: %ld %s", r.status, r.body);
	loc = h_header(&r, "Location");
	ck_assert_str_eq(loc, want_location);
	cookie = h_header(&r, "Set-Cookie");
	ck_assert_ptr_nonnull(cookie);
	ck_assert(strncmp(cookie, "snd_session=", 12) == 0);
	ck_assert(strstr(cookie, "HttpOnly") != NULL);
	ck_assert(strstr(cookie, "SameSite=Strict") != NULL);
	ck_assert(strstr(cookie, "Path=/") != NULL);
	free(cookie);
	free(loc);
	free(path);
	h_resp_free(&r);
}

/* Opens the personal link over another delegate's session: the page that
 * asks (200, no cookie set), then its button (POST, 303 with the cookie). */
static void switch_link(const char *token, const char *want_location)
{
	struct h_resp r;
	char *path = link_path(token), *loc, *v, *csrf;
	const char *p;
	h_get(C, path, &r);
	ck_assert_msg(r.status == 200, "link over a session: %ld", r.status);
	ck_assert_ptr_null(h_header(&r, "Set-Cookie"));
	p = strstr(r.body, "name=\"_csrf\" value=\"");
	ck_assert_ptr_nonnull(p);
	csrf = strndup(p + strlen("name=\"_csrf\" value=\""), 32);
	h_resp_free(&r);
	{
		char body[64];
		snprintf(body, sizeof body, "_csrf=%s", csrf);
		h_request(C, "POST", path, "application/x-www-form-urlencoded", body, strlen(body), 0,
		          NULL, &r);
	}
	ck_assert_msg(r.status == 303, "switch: %ld %s", r.status, r.body);
	loc = h_header(&r, "Location");
	ck_assert_str_eq(loc, want_location);
	v = h_header(&r, "Set-Cookie");
	ck_assert_ptr_nonnull(v);
	free(v);
	free(loc);
	free(csrf);
	free(path);
	h_resp_free(&r);
}

/* The _csrf value of a form page. */
static char *csrf_of(const char *html)
{
	const char *p = strstr(html, "name=\"_csrf\" value=\"");
	ck_assert_msg(p != NULL, "no _csrf field in the page");
	p += strlen("name=\"_csrf\" value=\"");
	ck_assert(strlen(p) > 32 && p[32] == '"');
	return strndup(p, 32);
}

static long post_form(const char *path, const char *body, struct h_resp *r)
{
	return h_request(C, "POST", path, "application/x-www-form-urlencoded", body, strlen(body), 0,
	                 NULL, r);
}

static char *form_body(const char *csrf, const char *fields)
{
	size_t n = strlen(fields) + 64;
	char *b = malloc(n);
	ck_assert_ptr_nonnull(b);
	if (csrf)
		snprintf(b, n, "_csrf=%s&%s", csrf, fields);
	else
		snprintf(b, n, "%s", fields);
	return b;
}

START_TEST(test_delegate_link_form_invalid_valid_receipt)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	struct h_resp r;
	char *csrf, *body, *before, *after, *loc, *v;

	open_link(tok, "/q/all-types");
	ck_assert_int_eq(h_get(C, "/q/all-types", &r), 200);
	v = h_header(&r, "Cache-Control");
	ck_assert_str_eq(v, "no-store");
	free(v);
	v = h_header(&r, "Content-Type");
	ck_assert_str_eq(v, "text/html; charset=utf-8");
	free(v);
	ck_assert(strstr(r.body, "Favourite colour?") != NULL);
	csrf = csrf_of(r.body);
	h_resp_free(&r);

	/* invalid: colour missing, an objection without its reason; free text kept */
	before = h_db_state(&E);
	body = form_body(csrf, "proposal=object&proposal.reason=&comments=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
	                       "&how_many=12x&tools=email");
	post_form("/q/all-types", body, &r);
	ck_assert_msg(r.status == 422, "%ld", r.status);
	ck_assert(strstr(r.body, "id=\"q-colour-err\"") != NULL);
	ck_assert(strstr(r.body, "id=\"q-proposal-err\"") != NULL);
	ck_assert(strstr(r.body, "id=\"q-how_many-err\"") != NULL);
	ck_assert(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	ck_assert(strstr(r.body, "<script>alert(1)") == NULL);
	ck_assert(strstr(r.body, "value=\"email\" checked") != NULL); /* answers kept */
	h_resp_free(&r);
	free(body);
	after = h_db_state(&E);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);

	/* valid */
	body = form_body(csrf, "colour=red&tools=email&tools=chat&clear=none&per_sg.sg2=4&per_sg.sg3=none"
	                       "&order.alpha=2&order.beta=1&order.gamma=&proposal=support&how_many=3"
	                       "&comments=Fine+by+us");
	post_form("/q/all-types", body, &r);
	ck_assert_msg(r.status == 303, "%ld %s", r.status, r.body);
	loc = h_header(&r, "Location");
	ck_assert_str_eq(loc, "/q/all-types/receipt");
	free(loc);
	free(body);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "revision"), 1);

	ck_assert_int_eq(h_get(C, "/q/all-types/receipt", &r), 200);
	ck_assert(strstr(r.body, "v4.public.") != NULL);
	h_resp_free(&r);

	/* the form comes back prefilled with revision 1 */
	ck_assert_int_eq(h_get(C, "/q/all-types", &r), 200);
	ck_assert(strstr(r.body, "value=\"red\" checked") != NULL);
	ck_assert(strstr(r.body, "value=\"chat\" checked") != NULL);
	h_resp_free(&r);
	free(csrf);
	free(tok);
}
END_TEST

START_TEST(test_delegate_post_without_or_with_bad_csrf_is_403)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	char *other = h_token(&E, "all-types", "d2", "delegate");
	struct h_resp r;
	char *csrf_other, *body, *before = NULL, *after;
	static const char fields[] = "colour=red&proposal=support";

	/* d2's CSRF value, which must not work for d1's session */
	open_link(other, "/q/all-types");
	h_get(C, "/q/all-types", &r);
	csrf_other = csrf_of(r.body);
	h_resp_free(&r);
	switch_link(tok, "/q/all-types");
	before = h_db_state(&E);

	body = form_body(NULL, fields);
	post_form("/q/all-types", body, &r);
	ck_assert_int_eq(r.status, 403);
	h_resp_free(&r);
	free(body);
	body = form_body("00000000000000000000000000000000", fields);
	post_form("/q/all-types", body, &r);
	ck_assert_int_eq(r.status, 403);
	h_resp_free(&r);
	free(body);
	body = form_body(csrf_other, fields);
	post_form("/q/all-types", body, &r);
	ck_assert_int_eq(r.status, 403);
	h_resp_free(&r);
	free(body);

	after = h_db_state(&E);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(csrf_other);
	free(other);
	free(tok);
}
END_TEST

START_TEST(test_delegate_form_post_over_the_limit_is_a_413_page)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	const char *hs[] = {"Expect: 100-continue", NULL};
	struct h_resp r;
	char *body, *before, *after, *v;
	size_t n = 70000;

	open_link(tok, "/q/all-types");
	before = h_db_state(&E);
	body = malloc(n + 1);
	ck_assert_ptr_nonnull(body);
	memcpy(body, "comments=", 9);
	memset(body + 9, 'x', n - 9);
	body[n] = '\0';
	h_request(C, "POST", "/q/all-types", "application/x-www-form-urlencoded", body, n, 0, hs, &r);
	ck_assert_int_eq(r.status, 413);
	v = h_header(&r, "Content-Type");
	ck_assert_str_eq(v, "text/html; charset=utf-8");
	free(v);
	h_resp_free(&r);
	h_request(C, "POST", "/q/all-types", "application/x-www-form-urlencoded", body, n, 1, NULL, &r);
	ck_assert_int_eq(r.status, 413);
	h_resp_free(&r);
	after = h_db_state(&E);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(body);
	free(tok);
}
END_TEST

START_TEST(test_delegate_bad_links_get_401_pages_in_plain_words)
{
	struct h_resp r;
	char *c, *t, *path, *before = h_db_state(&E), *after;
	uint8_t fpk[SND_PK_BYTES], fsk[SND_SK_BYTES];

	c = h_claims(&E, "all-types", "d1", "delegate", "France", NULL, -7200, -3600, NULL);
	t = h_sign(&E, c);
	path = link_path(t);
	h_get(C, path, &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert(strstr(r.body, "expired") != NULL);
	ck_assert(h_header(&r, "Set-Cookie") == NULL);
	h_resp_free(&r);
	free(path);
	free(t);

	ck_assert(snd_keypair(fpk, fsk) == SND_OK);
	t = h_sign_with(fsk, c);
	path = link_path(t);
	h_get(C, path, &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert(strstr(r.body, "altered") != NULL);
	h_resp_free(&r);
	free(path);
	free(t);
	free(c);

	h_get(C, "/t/v4.public.garbage", &r);
	ck_assert_int_eq(r.status, 401);
	h_resp_free(&r);

	/* no session at all */
	h_get(C, "/q/all-types", &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert(strstr(r.body, "personal link") != NULL);
	h_resp_free(&r);
	post_form("/q/all-types", "colour=red", &r);
	ck_assert_int_eq(r.status, 401);
	h_resp_free(&r);

	after = h_db_state(&E);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_delegate_cross_site_navigation_reloads_from_our_origin)
{
	struct h_resp r;
	const char *hs[] = {"Sec-Fetch-Site: cross-site", NULL};
	h_request(C, "GET", "/q/all-types", NULL, NULL, 0, 0, hs, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "http-equiv=\"refresh\"") != NULL);
	h_resp_free(&r);
}
END_TEST

START_TEST(test_chair_link_opens_the_dashboard_and_not_the_form)
{
	char *chair = h_token(&E, "all-types", "chair1", "chair");
	char *del = h_token(&E, "all-types", "d1", "delegate");
	struct h_resp r;

	open_link(chair, "/chair/all-types");
	ck_assert_int_eq(h_get(C, "/chair/all-types", &r), 200);
	ck_assert(strstr(r.body, "http-equiv=\"refresh\"") != NULL);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/chair/all-types?by=region&weight=entity", &r), 200);
	h_resp_free(&r);
	/* the dashboard's download links work with the session cookie */
	ck_assert_int_eq(h_get(C, "/api/v1/questionnaires/all-types/summary", &r), 200);
	ck_assert(strstr(r.body, "\"questionnaire\":\"all-types\"") == r.body + 1);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/api/v1/questionnaires/all-types/summary?format=csv&by=region", &r),
	                 200);
	ck_assert(strncmp(r.body, "group,question,type,item,measure,value\r\n", 40) == 0);
	{
		char *v = h_header(&r, "Content-Type");
		ck_assert_str_eq(v, "text/csv; charset=utf-8");
		free(v);
	}
	h_resp_free(&r);
	h_get(C, "/q/all-types", &r);
	ck_assert_int_eq(r.status, 403);
	h_resp_free(&r);
	post_form("/q/all-types", "colour=red&proposal=support", &r);
	ck_assert_int_eq(r.status, 403);
	h_resp_free(&r);

	/* a delegate's link over the chair's session asks first */
	switch_link(del, "/q/all-types");
	h_get(C, "/chair/all-types", &r);
	ck_assert_int_eq(r.status, 403);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
	free(chair);
	free(del);
}
END_TEST

START_TEST(test_delegate_language_from_query_or_accept_language)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	struct h_resp r;
	const char *hs[] = {"Accept-Language: fr-CH, fr;q=0.9, en;q=0.5", NULL};
	open_link(tok, "/q/all-types");
	ck_assert_int_eq(h_get(C, "/q/all-types?lang=fr", &r), 200);
	ck_assert(strstr(r.body, "lang=\"fr\"") != NULL);
	ck_assert(strstr(r.body, "Couleur pr\xc3\xa9" "f\xc3\xa9r\xc3\xa9" "e") != NULL);
	h_resp_free(&r);
	ck_assert_int_eq(h_request(C, "GET", "/q/all-types", NULL, NULL, 0, 0, hs, &r), 200);
	ck_assert(strstr(r.body, "lang=\"fr\"") != NULL);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/q/all-types", &r), 200);
	ck_assert(strstr(r.body, "lang=\"en\"") != NULL);
	h_resp_free(&r);
	free(tok);
}
END_TEST

START_TEST(test_delegate_closed_questionnaire_is_409)
{
	char *tok = h_token(&E, "closed-form", "d1", "delegate");
	struct h_resp r;
	char *before, *after;
	open_link(tok, "/q/closed-form");
	h_get(C, "/q/closed-form", &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert(strstr(r.body, "closed") != NULL);
	h_resp_free(&r);
	before = h_db_state(&E);
	post_form("/q/closed-form", "proposal=support", &r);
	ck_assert_int_eq(r.status, 409);
	h_resp_free(&r);
	after = h_db_state(&E);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(tok);
}
END_TEST

START_TEST(test_delegate_error_pages_speak_the_delegates_language)
{
	char *tok = h_token(&E, "closed-form", "d7", "delegate");
	const char *fr[] = {"Accept-Language: fr-CH, fr;q=0.9, en;q=0.5", NULL};
	const char *ar[] = {"Accept-Language: ar", NULL};
	struct h_resp r;
	/* no questionnaire in the URL: the six languages, by Accept-Language */
	ck_assert_int_eq(h_request(C, "GET", "/nowhere", NULL, NULL, 0, 0, fr, &r), 404);
	ck_assert_ptr_nonnull(strstr(r.body, "<html lang=\"fr\""));
	ck_assert_ptr_nonnull(strstr(r.body, "Il n\xe2\x80\x99y a rien \xc3\xa0 cette adresse."));
	ck_assert_ptr_null(strstr(r.body, "There is nothing"));
	h_resp_free(&r);
	ck_assert_int_eq(h_request(C, "GET", "/t/v4.public.garbage", NULL, NULL, 0, 0, ar, &r), 401);
	ck_assert_ptr_nonnull(strstr(r.body, "<html lang=\"ar\" dir=\"rtl\">"));
	ck_assert_ptr_null(strstr(r.body, "personal link"));
	h_resp_free(&r);
	/* a questionnaire's page without a session: its language (?lang=) */
	ck_assert_int_eq(h_get(C, "/q/all-types/receipt?lang=fr", &r), 401);
	ck_assert_ptr_nonnull(strstr(r.body, "Ce navigateur n\xe2\x80\x99" "a pas de session"));
	h_resp_free(&r);
	/* closed, to a delegate with no answers: when, and nothing "kept" */
	open_link(tok, "/q/closed-form");
	ck_assert_int_eq(h_get(C, "/q/closed-form", &r), 409);
	ck_assert_ptr_nonnull(strstr(r.body, "This questionnaire closed on "));
	ck_assert_ptr_null(strstr(r.body, "answers are kept"));
	h_resp_free(&r);
	free(tok);
}
END_TEST

START_TEST(test_delegate_receipt_is_404_before_any_answer)
{
	char *tok = h_token(&E, "all-types", "d9", "delegate");
	struct h_resp r;
	open_link(tok, "/q/all-types");
	h_get(C, "/q/all-types/receipt", &r);
	ck_assert_int_eq(r.status, 404);
	h_resp_free(&r);
	free(tok);
}
END_TEST

START_TEST(test_delegate_access_log_has_no_secrets_or_answers)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	struct h_resp r;
	char *csrf, *body, *log = NULL, *path, *bearer;
	const char *hs[2];
	size_t n;

	open_link(tok, "/q/all-types");
	h_get(C, "/q/all-types", &r);
	csrf = csrf_of(r.body);
	h_resp_free(&r);
	body = form_body(csrf, "colour=red&proposal=object&proposal.reason=Secret+reason+xyzzy");
	post_form("/q/all-types", body, &r);
	ck_assert_int_eq(r.status, 303);
	h_resp_free(&r);
	n = strlen(tok) + 32;
	bearer = malloc(n);
	snprintf(bearer, n, "Authorization: Bearer %s", tok);
	hs[0] = bearer;
	hs[1] = NULL;
	h_request(C, "GET", "/api/v1/questionnaires/all-types/responses/me?token=whatever", NULL, NULL,
	          0, 0, hs, &r);
	h_resp_free(&r);
	ck_assert_int_eq(h_stop(&E), 0);

	ck_assert(snd_read_file(E.log, 1 << 22, &log, &n) == SND_OK);
	ck_assert(strstr(log, "POST /q/all-types 303") != NULL);
	ck_assert(strstr(log, "GET /t/[redacted] 303") != NULL);
	ck_assert_msg(strstr(log, tok + 10) == NULL, "the token is in the log");
	ck_assert(strstr(log, "xyzzy") == NULL);
	ck_assert(strstr(log, csrf) == NULL);
	ck_assert(strstr(log, "token=whatever") == NULL);
	ck_assert(strstr(log, "sandbox: no_new_privs") != NULL);
	path = strstr(log, "listening on http://127.0.0.1:");
	ck_assert_ptr_nonnull(path);
	free(log);
	free(bearer);
	free(body);
	free(csrf);
	free(tok);
	/* down() expects a running server */
	{
		const char *forms[] = {"all-types.json", NULL};
		h_start(&E, forms, NULL);
	}
}
END_TEST

START_TEST(test_static_assets_and_healthz)
{
	struct h_resp r;
	char *v;
	ck_assert_int_eq(h_get(C, "/static/sounding.css", &r), 200);
	v = h_header(&r, "Content-Type");
	ck_assert_str_eq(v, "text/css; charset=utf-8");
	free(v);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/static/sounding.js", &r), 200);
	v = h_header(&r, "Content-Type");
	ck_assert_str_eq(v, "text/javascript; charset=utf-8");
	free(v);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
	ck_assert_str_eq(r.body, "ok\n");
	h_resp_free(&r);
	ck_assert_int_eq(h_request(C, "HEAD", "/healthz", NULL, NULL, 0, 0, NULL, &r), 200);
	ck_assert_int_eq(r.len, 0);
	h_resp_free(&r);
	h_get(C, "/static/other.css", &r);
	ck_assert_int_eq(r.status, 404);
	h_resp_free(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("delegate");
	TCase *t = tcase_create("browser");
	tcase_add_checked_fixture(t, up, down);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_delegate_link_form_invalid_valid_receipt);
	tcase_add_test(t, test_delegate_post_without_or_with_bad_csrf_is_403);
	tcase_add_test(t, test_delegate_bad_links_get_401_pages_in_plain_words);
	tcase_add_test(t, test_delegate_form_post_over_the_limit_is_a_413_page);
	tcase_add_test(t, test_delegate_cross_site_navigation_reloads_from_our_origin);
	tcase_add_test(t, test_chair_link_opens_the_dashboard_and_not_the_form);
	tcase_add_test(t, test_delegate_language_from_query_or_accept_language);
	tcase_add_test(t, test_delegate_closed_questionnaire_is_409);
	tcase_add_test(t, test_delegate_receipt_is_404_before_any_answer);
	tcase_add_test(t, test_delegate_error_pages_speak_the_delegates_language);
	tcase_add_test(t, test_delegate_access_log_has_no_secrets_or_answers);
	tcase_add_test(t, test_static_assets_and_healthz);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return h_run_suite(suite());
}
