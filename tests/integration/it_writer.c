/* it_writer.c - the writer's failure path: when storing a batch fails
 * (here: a trigger that makes SQLite refuse one delegate's row), the batch
 * is rolled back, its requests are answered 503 with nothing stored, and
 * the writer goes on: later submissions are stored and the hash chain
 * still verifies. */
#include "harness.h"

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_POST "/api/v1/questionnaires/all-types/responses"
#define BODY "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}"

static void exec_sql(struct h_env *e, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	ck_assert(sqlite3_open(e->db, &db) == SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s", err);
	sqlite3_close(db);
}

START_TEST(test_writer_failure_answers_503_stores_nothing_and_recovers)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	const char *forms[] = {"all-types.json", NULL};
	char *ok, *doomed, *before, *after;

	h_setup(&e);
	h_start(&e, forms, NULL);
	c = h_client_new(&e);
	ok = h_token(&e, "all-types", "d1", "delegate");
	doomed = h_token(&e, "all-types", "doomed", "delegate");

	ck_assert_int_eq(h_post_json(c, API_POST, ok, BODY, &r), 201);
	h_resp_free(&r);

	exec_sql(&e, "CREATE TRIGGER it_fail BEFORE INSERT ON revision WHEN NEW.sub = 'doomed' "
	             "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
	before = h_db_state(&e);
	h_post_json(c, API_POST, doomed, BODY, &r);
	ck_assert_msg(r.status == 503, "%ld %s", r.status, r.body);
	ck_assert(strstr(r.body, "\"code\":\"unavailable\"") != NULL);
	h_resp_free(&r);
	after = h_db_state(&e);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);

	/* the writer carries on, and the chain stays whole */
	h_post_json(c, API_POST, ok, BODY, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	ck_assert(strstr(r.body, "\"revision\":2") != NULL);
	h_resp_free(&r);
	exec_sql(&e, "DROP TRIGGER it_fail");
	ck_assert_int_eq(h_post_json(c, API_POST, doomed, BODY, &r), 201);
	h_resp_free(&r);

	h_client_free(c);
	ck_assert_int_eq(h_stop(&e), 0);
	h_tally_verify(&e);
	ck_assert_int_eq(h_db_count(&e, "revision"), 3);
	free(ok);
	free(doomed);
	h_teardown(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("writer");
	TCase *t = tcase_create("writer");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_writer_failure_answers_503_stores_nothing_and_recovers);
	suite_add_tcase(s, t);
	return h_run_suite(s);
}
