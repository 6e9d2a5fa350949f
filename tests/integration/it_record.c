/* it_record.c - the chair's record, results for delegates and the
 * previous round's answer against a real server: dispositions and outcomes
 * through the API (201, the latest per key wins, 400/401/403/404/422) and
 * through the record page (CSRF required, a delegate's session refused,
 * 303 back with a notice); the summary carries them; `tally verify` passes,
 * then finds an altered and a deleted record; results are 403 before the
 * questionnaire closes and 200 after, at once with "live", never with the
 * default; the round-2 form shows a delegate their own round-1 answer and
 * nobody else's. */
#include "harness.h"

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API "/api/v1/questionnaires/all-types"

static struct h_env E;
static struct h_client *C;

/* Round 1 (results after close) and round 2 (previous: round 1, live),
 * written into the test's directory. */
static const char R1[] =
	"{\"id\":\"rounds-r1\",\"series\":\"rounds\",\"round\":1,\"languages\":[\"en\",\"fr\"],"
	"\"title\":\"Round one\","
	"\"results\":\"after_close\",\"sections\":[{\"id\":\"s\",\"title\":\"S\",\"questions\":["
	"{\"id\":\"p1\",\"type\":\"position\",\"text\":\"Adopt the LSG concept.\"},"
	"{\"id\":\"c1\",\"type\":\"single\",\"text\":\"Colour?\",\"options\":["
	"{\"id\":\"red\",\"label\":{\"en\":\"Red\",\"fr\":\"Rouge\"}},\"blue\"]}]}]}";
static const char R2[] =
	"{\"id\":\"rounds-r2\",\"languages\":[\"en\",\"fr\"],\"title\":\"Round two\","
	"\"series\":\"rounds\",\"round\":2,\"previous\":\"rounds-r1\",\"results\":\"live\",\"sections\":[{\"id\":\"s\",\"title\":\"S\","
	"\"questions\":["
	"{\"id\":\"p1\",\"type\":\"position\",\"text\":\"Adopt the revised LSG concept.\"},"
	"{\"id\":\"c1\",\"type\":\"single\",\"text\":\"Colour?\",\"options\":["
	"{\"id\":\"red\",\"label\":{\"en\":\"Red\",\"fr\":\"Rouge\"}},\"blue\"]}]}]}";

static char r1_path[PATH_MAX + 16], r2_path[PATH_MAX + 16];

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
}

static void up(void)
{
	const char *forms[] = {"all-types.json", "pseudonymous.json", r1_path, r2_path, NULL};
	h_setup(&E);
	snprintf(r1_path, sizeof r1_path, "%s/r1.json", E.dir);
	snprintf(r2_path, sizeof r2_path, "%s/r2.json", E.dir);
	write_file(r1_path, R1);
	write_file(r2_path, R2);
	h_start(&E, forms, NULL);
	C = h_client_new(&E);
}

static void down(void)
{
	if (E.server != 0) {
		h_down(&E, &C);
		return;
	}
	h_client_free(C); /* a test stopped it to run tally verify */
	C = NULL;
	h_teardown(&E);
}

static long post(const char *path, const char *tok, const char *json, struct h_resp *r)
{
	return h_post_json(C, path, tok, json, r);
}

/* The status of a POST, the response freed. */
static long post_st(const char *path, const char *tok, const char *json)
{
	struct h_resp r;
	long st = post(path, tok, json, &r);
	h_resp_free(&r);
	return st;
}

/* A 422 naming field. */
static void refused_for(const char *path, const char *tok, const char *json, const char *field)
{
	struct h_resp r;
	cJSON *doc, *fields;
	long st = post(path, tok, json, &r);
	ck_assert_msg(st == 422, "%s: %ld %s", json, st, r.body);
	doc = h_json(r.body);
	fields = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "error"), "fields");
	ck_assert_msg(cJSON_GetObjectItem(fields, field) != NULL, "422 without %s: %s", field, r.body);
	cJSON_Delete(doc);
	h_resp_free(&r);
}

START_TEST(test_dispositions_and_outcomes_through_the_api)
{
	char *chair = h_token(&E, "all-types", "chair-ann", "chair");
	char *del = h_token(&E, "all-types", "d1", "delegate");
	char *other = h_token(&E, "pseudonymous", "chair-bo", "chair");
	char big[5000];
	struct h_resp r;
	cJSON *doc, *arr, *it;

	ck_assert_int_eq(post(API "/dispositions", chair,
	                      "{\"question\":\"proposal\",\"entity\":\"Ruritania\","
	                      "\"status\":\"open\",\"note\":\"to discuss\"}", &r), 201);
	doc = h_json(r.body);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "status")->valuestring, "open");
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "by")->valuestring, "chair-ann");
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "entity")->valuestring, "Ruritania");
	ck_assert_int_eq((int)strlen(cJSON_GetObjectItem(doc, "link")->valuestring), 64);
	cJSON_Delete(doc);
	h_resp_free(&r);
	/* the latest per key counts */
	ck_assert_int_eq(post_st(API "/dispositions", chair,
	                         "{\"question\":\"proposal\",\"entity\":\"Ruritania\","
	                         "\"status\":\"addressed\",\"note\":\"text revised\"}"), 201);
	ck_assert_int_eq(post_st(API "/dispositions", chair,
	                         "{\"question\":\"proposal\",\"entity\":\"Freedonia\","
	                         "\"status\":\"noted\"}"), 201);
	ck_assert_int_eq(post_st(API "/outcomes", chair,
	                         "{\"question\":\"proposal\",\"text\":\"Agreed as revised.\"}"), 201);

	ck_assert_int_eq(h_get_bearer(C, API "/dispositions", chair, &r), 200);
	doc = h_json(r.body);
	arr = cJSON_GetObjectItem(doc, "dispositions");
	ck_assert_int_eq(cJSON_GetArraySize(arr), 2);
	it = cJSON_GetArrayItem(arr, 1); /* by entity: Freedonia, Ruritania */
	ck_assert_str_eq(cJSON_GetObjectItem(it, "entity")->valuestring, "Ruritania");
	ck_assert_str_eq(cJSON_GetObjectItem(it, "status")->valuestring, "addressed");
	ck_assert_str_eq(cJSON_GetObjectItem(it, "note")->valuestring, "text revised");
	cJSON_Delete(doc);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(C, API "/outcomes", chair, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Agreed as revised."));
	h_resp_free(&r);

	/* who may */
	ck_assert_int_eq(post_st(API "/dispositions", del,
	                         "{\"question\":\"proposal\",\"entity\":\"X\",\"status\":\"open\"}"),
	                 403);
	ck_assert_int_eq(post_st(API "/outcomes", del, "{\"question\":\"proposal\",\"text\":\"x\"}"),
	                 403);
	ck_assert_int_eq(h_get_bearer(C, API "/dispositions", del, &r), 403);
	h_resp_free(&r);
	ck_assert_int_eq(post_st(API "/outcomes", "v4.public.bogus", "{}"), 401);
	ck_assert_int_eq(post_st("/api/v1/questionnaires/nope/outcomes", chair, "{}"), 404);
	ck_assert_int_eq(post_st(API "/outcomes", other, "{\"question\":\"proposal\",\"text\":\"x\"}"),
	                 401); /* a chair of another questionnaire */

	/* what is refused, naming the field */
	ck_assert_int_eq(post_st(API "/outcomes", chair, "{\"question\":"), 400);
	ck_assert_int_eq(post_st(API "/outcomes", chair, "[1]"), 400);
	refused_for(API "/dispositions", chair,
	            "{\"question\":\"nope\",\"entity\":\"X\",\"status\":\"open\"}", "question");
	refused_for(API "/dispositions", chair,
	            "{\"question\":\"how_many\",\"entity\":\"X\",\"status\":\"open\"}", "question");
	refused_for(API "/dispositions", chair,
	            "{\"question\":\"proposal\",\"entity\":\"X\",\"status\":\"closed\"}", "status");
	refused_for(API "/dispositions", chair, "{\"question\":\"proposal\",\"status\":\"open\"}",
	            "entity");
	refused_for(API "/dispositions", chair,
	            "{\"question\":\"proposal\",\"entity\":\"X\",\"status\":\"open\",\"who\":\"me\"}",
	            "who");
	refused_for(API "/dispositions", chair,
	            "{\"question\":\"proposal\",\"entity\":\"X\",\"status\":\"open\",\"note\":7}",
	            "note");
	refused_for(API "/dispositions", chair,
	            "{\"question\":\"proposal\",\"entity\":\"X\\u0007\",\"status\":\"open\"}", "entity");
	refused_for(API "/outcomes", chair, "{\"question\":\"proposal\",\"text\":\"\"}", "text");
	{
		static const char head[] = "{\"question\":\"proposal\",\"text\":\"";
		memset(big, 'a', sizeof big);
		memcpy(big, head, sizeof head - 1);
		memcpy(big + sizeof big - 3, "\"}", 3);
	}
	refused_for(API "/outcomes", chair, big, "text");
	/* invalid UTF-8: raw bytes are malformed JSON (400); an escaped lone
	 * surrogate parses and is refused by name */
	{
		struct h_resp r2;
		long st = post(API "/outcomes", chair,
		               "{\"question\":\"proposal\",\"text\":\"\xff\xfe\"}", &r2);
		ck_assert_msg(st == 400 || st == 422, "invalid UTF-8: %ld", st);
		h_resp_free(&r2);
		st = post(API "/outcomes", chair, "{\"question\":\"proposal\",\"text\":\"\\ud800\"}", &r2);
		ck_assert_msg(st == 400 || st == 422, "lone surrogate: %ld", st);
		h_resp_free(&r2);
	}
	ck_assert_int_eq(h_db_count(&E, "record"), 4);

	/* the summary carries them */
	ck_assert_int_eq(h_get_bearer(C, API "/summary", chair, &r), 200);
	doc = h_json(r.body);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "dispositions")), 2);
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "outcomes"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(it, "text")->valuestring, "Agreed as revised.");
	ck_assert_str_eq(cJSON_GetObjectItem(it, "by")->valuestring, "chair-ann");
	cJSON_Delete(doc);
	h_resp_free(&r);
	/* and the dashboard shows them, with the link to the record page */
	ck_assert_int_eq(h_get_bearer(C, "/chair/all-types", chair, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Agreed as revised."));
	ck_assert_ptr_nonnull(strstr(r.body, "text revised"));
	ck_assert_ptr_nonnull(strstr(r.body, "/chair/all-types/record"));
	h_resp_free(&r);

	ck_assert_int_eq(h_stop(&E), 0);
	h_tally_verify(&E);
	free(chair);
	free(del);
	free(other);
}
END_TEST

static char *csrf_of(const char *html)
{
	const char *p = strstr(html, "name=\"_csrf\" value=\"");
	ck_assert_ptr_nonnull(p);
	return strndup(p + strlen("name=\"_csrf\" value=\""), 32);
}

static long form_post(struct h_client *c, const char *path, const char *body, struct h_resp *r)
{
	return h_request(c, "POST", path, "application/x-www-form-urlencoded", body, strlen(body), 0,
	                 NULL, r);
}

START_TEST(test_record_page_posts_need_csrf_and_a_chair)
{
	char *chair = h_token(&E, "all-types", "chair-ann", "chair");
	char *del = h_token(&E, "all-types", "d1", "delegate");
	struct h_client *dc = h_client_new(&E);
	char path[1200], body[400], *csrf, *loc;
	struct h_resp r;

	snprintf(path, sizeof path, "/t/%s", chair);
	h_get(C, path, &r);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/chair/all-types/record", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Record the outcome"));
	csrf = csrf_of(r.body);
	h_resp_free(&r);

	/* no _csrf, a wrong one: 403, nothing stored */
	ck_assert_int_eq(form_post(C, "/chair/all-types/record",
	                           "kind=outcome&question=proposal&text=Agreed", &r), 403);
	h_resp_free(&r);
	ck_assert_int_eq(form_post(C, "/chair/all-types/record",
	                           "_csrf=00000000000000000000000000000000&kind=outcome&"
	                           "question=proposal&text=Agreed", &r), 403);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "record"), 0);

	snprintf(body, sizeof body, "_csrf=%s&_lang=fr&kind=disposition&question=proposal&"
	         "entity=Ruritania&status=resolved&note=Settled+in+plenary%%0D%%0Atwo", csrf);
	ck_assert_int_eq(form_post(C, "/chair/all-types/record", body, &r), 303);
	loc = h_header(&r, "Location");
	ck_assert_ptr_nonnull(loc);
	ck_assert_ptr_nonnull(strstr(loc, "/chair/all-types/record?saved=1&lang=fr#q-"));
	free(loc);
	h_resp_free(&r);
	snprintf(body, sizeof body, "_csrf=%s&kind=outcome&question=proposal&text=Agreed", csrf);
	ck_assert_int_eq(form_post(C, "/chair/all-types/record", body, &r), 303);
	h_resp_free(&r);
	snprintf(body, sizeof body, "_csrf=%s&kind=disposition&question=proposal&entity=X&"
	         "status=maybe", csrf);
	ck_assert_int_eq(form_post(C, "/chair/all-types/record", body, &r), 422);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "record"), 2);

	ck_assert_int_eq(h_get(C, "/chair/all-types/record?saved=1&lang=fr", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Consigné."));
	ck_assert_ptr_nonnull(strstr(r.body, "Settled in plenary\ntwo"));
	ck_assert_ptr_nonnull(strstr(r.body, "<option value=\"resolved\" selected>"));
	h_resp_free(&r);

	/* a delegate's session may neither see nor post it */
	snprintf(path, sizeof path, "/t/%s", del);
	h_get(dc, path, &r);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(dc, "/chair/all-types/record", &r), 403);
	h_resp_free(&r);
	ck_assert_int_eq(form_post(dc, "/chair/all-types/record", body, &r), 403);
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "record"), 2);

	h_client_free(dc);
	free(csrf);
	free(chair);
	free(del);
}
END_TEST

static int run_tally_verify(char **out)
{
	const char *argv[] = {getenv("SND_TALLY"), "verify", "--db", E.db, "--receipt-pub",
	                      E.receipt_public, NULL};
	return h_run(argv, out);
}

static void db_exec(const char *sql)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(E.db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

START_TEST(test_verify_detects_an_altered_or_deleted_record)
{
	char *chair = h_token(&E, "all-types", "chair-ann", "chair");
	char *out = NULL;
	int i;
	for (i = 0; i < 3; i++) {
		char j[160];
		snprintf(j, sizeof j, "{\"question\":\"proposal\",\"text\":\"outcome %d\"}", i);
		ck_assert_int_eq(post_st(API "/outcomes", chair, j), 201);
	}
	ck_assert_int_eq(h_stop(&E), 0);
	ck_assert_int_eq(run_tally_verify(&out), 0);
	ck_assert_ptr_nonnull(strstr(out, "verified 3 records: ok"));
	free(out);
	out = NULL;

	db_exec("UPDATE record SET text = 'outcome X' WHERE seq = 2");
	ck_assert_int_eq(run_tally_verify(&out), 1);
	ck_assert_ptr_nonnull(strstr(out, "verified 3 records: 1 problem"));
	free(out);
	out = NULL;
	db_exec("UPDATE record SET text = 'outcome 1' WHERE seq = 2");
	ck_assert_int_eq(run_tally_verify(&out), 0);
	free(out);
	out = NULL;

	db_exec("DELETE FROM record WHERE seq = 2");
	ck_assert_int_eq(run_tally_verify(&out), 1);
	ck_assert_ptr_nonnull(strstr(out, "verified 2 records: 2 problems"));
	free(out);
	free(chair);
}
END_TEST

static long answer_st(const char *qid, const char *sub, const char *body)
{
	char *tok = h_token(&E, qid, sub, "delegate"), path[200];
	long st;
	snprintf(path, sizeof path, "/api/v1/questionnaires/%s/responses", qid);
	st = post_st(path, tok, body);
	free(tok);
	return st;
}

START_TEST(test_results_after_close_live_and_chairs_only)
{
	char *d1 = h_token(&E, "rounds-r1", "d1", "delegate");
	char *d2 = h_token(&E, "rounds-r2", "d1", "delegate");
	char *d3 = h_token(&E, "all-types", "d1", "delegate");
	struct h_client *bc = h_client_new(&E);
	char path[1200];
	struct h_resp r;
	cJSON *doc;

	ck_assert_int_eq(answer_st("rounds-r1", "d1",
	                           "{\"answers\":{\"p1\":{\"position\":\"object\",\"reason\":\"too soon\"}}}"),
	                 201);
	/* after_close: 403 while open, by API and page, saying when */
	ck_assert_int_eq(h_get_bearer(C, "/api/v1/questionnaires/rounds-r1/results", d1, &r), 403);
	ck_assert_ptr_nonnull(strstr(r.body, "results_not_available"));
	h_resp_free(&r);
	snprintf(path, sizeof path, "/t/%s", d1);
	h_get(bc, path, &r);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(bc, "/q/rounds-r1/results?lang=fr", &r), 403);
	ck_assert_ptr_nonnull(strstr(r.body, "dès la clôture du questionnaire"));
	h_resp_free(&r);

	{
		const char *argv[] = {h_collector(), "close", "--db", E.db, "--form", "rounds-r1", NULL};
		ck_assert_int_eq(h_run(argv, NULL), 0);
	}
	ck_assert_int_eq(h_get_bearer(C, "/api/v1/questionnaires/rounds-r1/results", d1, &r), 200);
	doc = h_json(r.body);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(doc, "questions"));
	ck_assert_ptr_null(strstr(r.body, "\"entity\""));
	ck_assert_ptr_nonnull(strstr(r.body, "too soon"));
	ck_assert_ptr_null(cJSON_GetObjectItem(doc, "dispositions"));
	cJSON_Delete(doc);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(bc, "/q/rounds-r1/results", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Results"));
	ck_assert_ptr_nonnull(strstr(r.body, "too soon"));
	ck_assert_ptr_null(strstr(r.body, "<script>"));
	h_resp_free(&r);

	/* live: at once; chairs (the default): never; a chair token is not a delegate's */
	ck_assert_int_eq(h_get_bearer(C, "/api/v1/questionnaires/rounds-r2/results", d2, &r), 200);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(C, "/api/v1/questionnaires/all-types/results", d3, &r), 403);
	ck_assert_ptr_nonnull(strstr(r.body, "chairs only"));
	h_resp_free(&r);
	{
		char *ch = h_token(&E, "rounds-r2", "chair-ann", "chair");
		ck_assert_int_eq(h_get_bearer(C, "/api/v1/questionnaires/rounds-r2/results", ch, &r), 403);
		h_resp_free(&r);
		free(ch);
	}
	h_client_free(bc);
	free(d1);
	free(d2);
	free(d3);
}
END_TEST

START_TEST(test_round_two_form_shows_the_delegates_own_previous_answer)
{
	char *a2 = h_token(&E, "rounds-r2", "alice", "delegate");
	char *b2 = h_token(&E, "rounds-r2", "bob", "delegate");
	struct h_client *bc = h_client_new(&E);
	char path[1200];
	struct h_resp r;

	ck_assert_int_eq(answer_st("rounds-r1", "alice",
	                           "{\"answers\":{\"p1\":{\"position\":\"object\",\"reason\":"
	                           "\"not mature\"},\"c1\":\"red\"}}"), 201);
	ck_assert_int_eq(answer_st("rounds-r1", "carol",
	                           "{\"answers\":{\"p1\":{\"position\":\"support\"}}}"), 201);

	snprintf(path, sizeof path, "/t/%s", a2);
	h_get(C, path, &r);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/q/rounds-r2", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Your answer in the previous round:"));
	ck_assert_ptr_nonnull(strstr(r.body, "not mature"));
	ck_assert_ptr_nonnull(strstr(r.body, "Red"));
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/q/rounds-r2?lang=fr", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Votre réponse lors du tour précédent"));
	ck_assert_ptr_nonnull(strstr(r.body, "Rouge"));
	h_resp_free(&r);

	/* bob answered nothing in round 1; carol's answer is hers alone */
	snprintf(path, sizeof path, "/t/%s", b2);
	h_get(bc, path, &r);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(bc, "/q/rounds-r2", &r), 200);
	ck_assert_ptr_null(strstr(r.body, "previous round"));
	ck_assert_ptr_null(strstr(r.body, "not mature"));
	h_resp_free(&r);
	h_client_free(bc);
	free(a2);
	free(b2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_test(tc, test_dispositions_and_outcomes_through_the_api);
	tcase_add_test(tc, test_record_page_posts_need_csrf_and_a_chair);
	tcase_add_test(tc, test_verify_detects_an_altered_or_deleted_record);
	tcase_add_test(tc, test_results_after_close_live_and_chairs_only);
	tcase_add_test(tc, test_round_two_form_shows_the_delegates_own_previous_answer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return h_run_suite(suite());
}
