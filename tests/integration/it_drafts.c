/* it_drafts.c - drafts against a real server: the form's "Save draft"
 * button and the draft API keep partial answers without the required
 * checks, refill the form on the next visit from any device, never count
 * and are not revisions, and the submission deletes them. */
#include "harness.h"

#include <check.h>
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

/* Opens the personal link in client c (its cookie jar keeps the session). */
static void open_link(struct h_client *c, const char *token)
{
	struct h_resp r;
	char path[2048];
	snprintf(path, sizeof path, "/t/%s", token);
	ck_assert_int_eq(h_get(c, path, &r), 303);
	h_resp_free(&r);
}

/* The form page in client c (200), its _csrf value in csrf[33]. */
static void form_page(struct h_client *c, const char *path, struct h_resp *r, char csrf[33])
{
	const char *p;
	ck_assert_int_eq(h_get(c, path, r), 200);
	p = strstr(r->body, "name=\"_csrf\" value=\"");
	ck_assert_ptr_nonnull(p);
	snprintf(csrf, 33, "%.32s", p + strlen("name=\"_csrf\" value=\""));
}

static long post_form(struct h_client *c, const char *path, const char *csrf, const char *fields,
                      struct h_resp *r)
{
	char body[2048];
	snprintf(body, sizeof body, "_csrf=%s&%s", csrf, fields);
	return h_request(c, "POST", path, "application/x-www-form-urlencoded", body, strlen(body), 0,
	                 NULL, r);
}

/* `tally summary --format json`'s responses on the live database. */
static long tally_responses(void)
{
	const char *tally = getenv("SND_TALLY");
	char *form = h_form_path("all-types.json"), *out = NULL;
	const char *argv[] = {tally, "summary", "--db", E.db, "--form", form, "--format", "json", NULL};
	cJSON *j;
	long n;
	ck_assert_ptr_nonnull(tally);
	ck_assert_msg(h_run(argv, &out) == 0, "tally summary: %s", out);
	j = h_json(out);
	n = (long)cJSON_GetObjectItemCaseSensitive(j, "responses")->valuedouble;
	cJSON_Delete(j);
	free(out);
	free(form);
	return n;
}

START_TEST(test_drafts_form_button_keeps_partial_answers_across_devices)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate"), csrf[33], *loc;
	struct h_client *other = h_client_new(&E);
	struct h_resp r;

	open_link(C, tok);
	form_page(C, "/q/all-types?lang=fr", &r, csrf);
	ck_assert_ptr_nonnull(strstr(r.body, "name=\"_draft\""));
	ck_assert_ptr_nonnull(strstr(r.body, "Enregistrer le brouillon"));
	h_resp_free(&r);
	/* two of the required questions unanswered: kept anyway, 303 to the form */
	ck_assert_int_eq(post_form(C, "/q/all-types", csrf,
	                           "_lang=fr&colour=green&how_many=7&comments=half+done&_draft=1", &r),
	                 303);
	loc = h_header(&r, "Location");
	ck_assert_str_eq(loc, "/q/all-types?lang=fr");
	free(loc);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
	ck_assert_int_eq(h_db_count(&E, "draft"), 1);
	/* the next visit, from another device with the same link, is filled in */
	open_link(other, tok);
	form_page(other, "/q/all-types", &r, csrf);
	ck_assert_ptr_nonnull(strstr(r.body, "Draft saved on "));
	ck_assert_ptr_nonnull(strstr(r.body, "not yet submitted"));
	ck_assert_ptr_nonnull(strstr(r.body, "value=\"green\" checked"));
	ck_assert_ptr_nonnull(strstr(r.body, "value=\"7\""));
	ck_assert_ptr_nonnull(strstr(r.body, "half done"));
	h_resp_free(&r);
	/* saving again replaces it (one draft per delegate) */
	ck_assert_int_eq(post_form(other, "/q/all-types", csrf, "colour=red&_draft=1", &r), 303);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "draft"), 1);
	form_page(C, "/q/all-types", &r, csrf);
	ck_assert_ptr_nonnull(strstr(r.body, "value=\"red\" checked"));
	ck_assert_ptr_null(strstr(r.body, "half done"));
	h_resp_free(&r);
	ck_assert_int_eq(tally_responses(), 0); /* drafts never count */
	/* submitting deletes the draft with the revision */
	ck_assert_int_eq(post_form(C, "/q/all-types", csrf, "colour=red&proposal=support", &r), 303);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "revision"), 1);
	ck_assert_int_eq(h_db_count(&E, "draft"), 0);
	form_page(C, "/q/all-types", &r, csrf);
	ck_assert_ptr_null(strstr(r.body, "Draft saved"));
	ck_assert_ptr_nonnull(strstr(r.body, "Your answers are saved (revision 1)"));
	h_resp_free(&r);
	/* a draft after that is newer than the revision: shown, and revision 1 counts */
	ck_assert_int_eq(post_form(C, "/q/all-types", csrf, "colour=blue&_draft=1", &r), 303);
	h_resp_free(&r);
	form_page(C, "/q/all-types", &r, csrf);
	ck_assert_ptr_nonnull(strstr(r.body, "Draft saved on "));
	ck_assert_ptr_nonnull(strstr(r.body, "(revision 1) count until you submit again"));
	ck_assert_ptr_nonnull(strstr(r.body, "value=\"blue\" checked"));
	h_resp_free(&r);
	ck_assert_int_eq(tally_responses(), 1);
	h_client_free(other);
	free(tok);
}
END_TEST

START_TEST(test_drafts_form_draft_with_a_bad_value_is_422_and_keeps_nothing)
{
	char *tok = h_token(&E, "all-types", "d2", "delegate"), csrf[33];
	struct h_resp r;
	open_link(C, tok);
	form_page(C, "/q/all-types", &r, csrf);
	h_resp_free(&r);
	ck_assert_int_eq(post_form(C, "/q/all-types", csrf, "how_many=99&_draft=1", &r), 422);
	ck_assert_ptr_nonnull(strstr(r.body, "The draft has not been saved"));
	ck_assert_ptr_nonnull(strstr(r.body, "value=\"99\"")); /* what was typed stays */
	h_resp_free(&r);
	/* without the CSRF field: 403, nothing kept */
	ck_assert_int_eq(h_request(C, "POST", "/q/all-types", "application/x-www-form-urlencoded",
	                           "colour=red&_draft=1", 19, 0, NULL, &r),
	                 403);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "draft"), 0);
	free(tok);
}
END_TEST

START_TEST(test_drafts_api_save_read_invalid_and_submit)
{
	char *tok = h_token(&E, "all-types", "d3", "delegate");
	const char *path = "/api/v1/questionnaires/all-types/draft";
	struct h_resp r;
	cJSON *j, *a;

	ck_assert_int_eq(h_get_bearer(C, path, tok, &r), 404);
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(C, path, tok,
	                             "{\"answers\":{\"colour\":\"blue\",\"tools\":[\"wiki\"],"
	                             "\"proposal\":{\"position\":\"object\"}}}",
	                             &r),
	                 200);
	j = h_json(r.body);
	ck_assert_int_eq((int)strlen(cJSON_GetObjectItemCaseSensitive(j, "saved_at")->valuestring), 20);
	cJSON_Delete(j);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(C, path, tok, &r), 200);
	j = h_json(r.body);
	a = cJSON_GetObjectItemCaseSensitive(j, "answers");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(a, "colour")->valuestring, "blue");
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(j, "saved_at"));
	cJSON_Delete(j);
	h_resp_free(&r);
	/* an invalid option is a 422 naming it; the saved draft stays */
	ck_assert_int_eq(h_post_json(C, path, tok, "{\"answers\":{\"colour\":\"purple\"}}", &r), 422);
	j = h_json(r.body);
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"), "fields"),
		"colour"));
	cJSON_Delete(j);
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(C, path, tok, "{\"answers\":{\"nope\":1}}", &r), 422);
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(C, path, tok, "[1]", &r), 400);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(C, path, tok, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "\"blue\""));
	h_resp_free(&r);
	/* not a revision: no answers, no receipt, not counted */
	ck_assert_int_eq(h_get_bearer(C, "/api/v1/questionnaires/all-types/responses/me", tok, &r),
	                 404);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
	ck_assert_int_eq(tally_responses(), 0);
	/* submitting deletes it */
	ck_assert_int_eq(h_post_json(C, "/api/v1/questionnaires/all-types/responses", tok,
	                             "{\"answers\":{\"colour\":\"red\",\"proposal\":"
	                             "{\"position\":\"support\"}}}",
	                             &r),
	                 201);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(C, path, tok, &r), 404);
	h_resp_free(&r);
	ck_assert_int_eq(tally_responses(), 1);
	free(tok);
}
END_TEST

START_TEST(test_drafts_need_an_open_questionnaire_and_a_delegate)
{
	char *tok = h_token(&E, "closed-form", "d4", "delegate");
	char *chair = h_token(&E, "all-types", "c1", "chair");
	struct h_resp r;
	ck_assert_int_eq(h_post_json(C, "/api/v1/questionnaires/closed-form/draft", tok,
	                             "{\"answers\":{}}", &r),
	                 409);
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(C, "/api/v1/questionnaires/all-types/draft", chair,
	                             "{\"answers\":{}}", &r),
	                 403);
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(C, "/api/v1/questionnaires/all-types/draft", NULL,
	                             "{\"answers\":{}}", &r),
	                 401);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "draft"), 0);
	free(tok);
	free(chair);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("drafts");
	TCase *t = tcase_create("drafts");
	tcase_add_checked_fixture(t, up, down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_drafts_form_button_keeps_partial_answers_across_devices);
	tcase_add_test(t, test_drafts_form_draft_with_a_bad_value_is_422_and_keeps_nothing);
	tcase_add_test(t, test_drafts_api_save_read_invalid_and_submit);
	tcase_add_test(t, test_drafts_need_an_open_questionnaire_and_a_delegate);
	suite_add_tcase(s, t);
	return h_run_suite(s);
}
