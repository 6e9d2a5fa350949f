/* it_tls.c - `collector serve --tls-cert/--tls-key`: HTTPS through MHD's
 * GnuTLS, the session cookie marked Secure, HSTS, a submission stored.  The
 * certificate is made for the test with the openssl command. */
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_tls_serves_https_with_secure_cookie_and_hsts)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	char *tok, *v, path[4200];
	const char *forms[] = {"all-types.json", NULL};

	h_setup(&e);
	h_start_tls(&e, forms);
	c = h_client_new(&e);

	tok = h_token(&e, "all-types", "d1", "delegate");
	snprintf(path, sizeof path, "/t/%s", tok);
	ck_assert_int_eq(h_get(c, path, &r), 303);
	v = h_header(&r, "Set-Cookie");
	ck_assert_ptr_nonnull(v);
	ck_assert(strstr(v, "; Secure") != NULL && strstr(v, "HttpOnly") != NULL);
	free(v);
	v = h_header(&r, "Strict-Transport-Security");
	ck_assert_ptr_nonnull(v);
	free(v);
	h_resp_free(&r);

	ck_assert_int_eq(h_get(c, "/q/all-types", &r), 200);
	h_resp_free(&r);
	h_post_json(c, "/api/v1/questionnaires/all-types/responses", tok,
	            "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}", &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&e, "revision"), 1);

	h_client_free(c);
	free(tok);
	ck_assert_int_eq(h_stop(&e), 0);
	h_teardown(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tls");
	TCase *t = tcase_create("tls");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_tls_serves_https_with_secure_cookie_and_hsts);
	suite_add_tcase(s, t);
	return h_run_suite(s);
}
