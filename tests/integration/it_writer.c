/* it_writer.c - the writer: its failure path, and the revision numbers
 * that request threads reserve to sign receipts before the writer stores
 * the rows.
 *   - When storing a batch fails (here: a trigger that makes SQLite refuse
 *     one delegate's row), the batch is rolled back, its requests are
 *     answered 503 with nothing stored, and the writer goes on: later
 *     submissions are stored and the hash chain still verifies.
 *   - The failed attempt leaves no gap: the delegate's next revision is the
 *     one after its last stored one, and its receipt names that revision.
 *   - Many concurrent submissions of one delegate get consecutive revisions
 *     1..N, each answered with the receipt stored in its row, and the one
 *     answered with revision N is the delegate's latest. */
#include "harness.h"

#include <check.h>
#include <pthread.h>
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
	ck_assert_msg(strstr(r.body, "\"revision\":1") != NULL, "%s", r.body); /* no gap */
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

/* The receipt stored in the row of (sub, rev), malloc'ed, or NULL. */
static char *stored_receipt(struct h_env *e, const char *sub, long rev)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *out = NULL;
	ck_assert(sqlite3_open_v2(e->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	ck_assert(sqlite3_prepare_v2(db, "SELECT receipt FROM revision WHERE sub = ?1 AND rev = ?2",
	                             -1, &st, NULL) == SQLITE_OK);
	sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, rev);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* A 201's revision number, receipt (malloc'ed) and hash (malloc'ed). */
static long created(const struct h_resp *r, char **receipt, char **hash)
{
	cJSON *j = h_json(r->body);
	long rev = (long)cJSON_GetObjectItem(j, "revision")->valuedouble;
	*receipt = strdup(cJSON_GetStringValue(cJSON_GetObjectItem(j, "receipt")));
	*hash = strdup(cJSON_GetStringValue(cJSON_GetObjectItem(j, "hash")));
	cJSON_Delete(j);
	return rev;
}

START_TEST(test_writer_failed_batch_leaves_no_gap_in_revisions_and_receipts_name_the_stored_rev)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	const char *forms[] = {"all-types.json", NULL};
	char *tok, *receipt, *hash, *row;
	int i;

	h_setup(&e);
	h_start(&e, forms, NULL);
	c = h_client_new(&e);
	tok = h_token(&e, "all-types", "d1", "delegate");
	for (i = 1; i <= 2; i++) {
		ck_assert_int_eq(h_post_json(c, API_POST, tok, BODY, &r), 201);
		ck_assert_int_eq(created(&r, &receipt, &hash), i);
		free(receipt);
		free(hash);
		h_resp_free(&r);
	}
	/* two refused attempts: each reserved rev 3 and signed for it */
	exec_sql(&e, "CREATE TRIGGER it_fail BEFORE INSERT ON revision WHEN NEW.sub = 'd1' "
	             "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
	for (i = 0; i < 2; i++) {
		h_post_json(c, API_POST, tok, BODY, &r);
		ck_assert_msg(r.status == 503, "%ld %s", r.status, r.body);
		h_resp_free(&r);
	}
	exec_sql(&e, "DROP TRIGGER it_fail");
	for (i = 3; i <= 4; i++) {
		ck_assert_int_eq(h_post_json(c, API_POST, tok, BODY, &r), 201);
		ck_assert_int_eq(created(&r, &receipt, &hash), i);
		row = stored_receipt(&e, "d1", i);
		ck_assert_ptr_nonnull(row);
		ck_assert_str_eq(row, receipt);
		free(row);
		free(receipt);
		free(hash);
		h_resp_free(&r);
	}
	h_client_free(c);
	ck_assert_int_eq(h_stop(&e), 0);
	/* a restarted collector does not know d1: its guess (rev 1) is
	 * corrected by the store, and the receipt names rev 5 */
	h_start(&e, forms, NULL);
	c = h_client_new(&e);
	for (i = 5; i <= 6; i++) {
		ck_assert_int_eq(h_post_json(c, API_POST, tok, BODY, &r), 201);
		ck_assert_int_eq(created(&r, &receipt, &hash), i);
		row = stored_receipt(&e, "d1", i);
		ck_assert_ptr_nonnull(row);
		ck_assert_str_eq(row, receipt);
		free(row);
		free(receipt);
		free(hash);
		h_resp_free(&r);
	}
	h_client_free(c);
	ck_assert_int_eq(h_stop(&e), 0);
	h_tally_verify(&e);
	ck_assert_int_eq(h_db_count(&e, "revision"), 6);
	free(tok);
	h_teardown(&e);
}
END_TEST

#define CONC_THREADS 8
#define CONC_POSTS 6

struct conc {
	struct h_env *e;
	const char *token;
	int id;
	long status[CONC_POSTS], rev[CONC_POSTS];
	char *receipt[CONC_POSTS], *hash[CONC_POSTS];
};

static void *conc_work(void *arg)
{
	struct conc *w = arg;
	struct h_client *c = h_client_new(w->e);
	int k;
	for (k = 0; k < CONC_POSTS; k++) {
		struct h_resp r;
		char body[200];
		/* distinct answers per post, so each revision has its own hash */
		snprintf(body, sizeof body,
		         "{\"answers\":{\"colour\":\"blue\",\"why_blue\":\"post %d.%d\","
		         "\"proposal\":{\"position\":\"support\"}}}",
		         w->id, k);
		w->status[k] = h_post_json(c, API_POST, w->token, body, &r);
		if (w->status[k] == 201)
			w->rev[k] = created(&r, &w->receipt[k], &w->hash[k]);
		h_resp_free(&r);
	}
	h_client_free(c);
	return NULL;
}

START_TEST(test_writer_concurrent_revisions_of_one_delegate_are_consecutive_and_latest_wins)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r;
	const char *forms[] = {"all-types.json", NULL};
	struct conc w[CONC_THREADS];
	pthread_t th[CONC_THREADS];
	int seen[CONC_THREADS * CONC_POSTS + 1] = {0};
	const char *last_hash = NULL;
	char *tok, *row;
	cJSON *me;
	int t, k, n = CONC_THREADS * CONC_POSTS;

	h_setup(&e);
	{
		/* many revisions of one delegate at once: the limits are it_limits' */
		const char *extra[] = {"--revision-rate", "0", "--max-revisions", "0", NULL};
		h_start(&e, forms, extra);
	}
	tok = h_token(&e, "all-types", "busy", "delegate");
	memset(w, 0, sizeof w);
	for (t = 0; t < CONC_THREADS; t++) {
		w[t].e = &e;
		w[t].token = tok;
		w[t].id = t;
		ck_assert(pthread_create(&th[t], NULL, conc_work, &w[t]) == 0);
	}
	for (t = 0; t < CONC_THREADS; t++)
		pthread_join(th[t], NULL);

	for (t = 0; t < CONC_THREADS; t++)
		for (k = 0; k < CONC_POSTS; k++) {
			ck_assert_msg(w[t].status[k] == 201, "post %d.%d: %ld", t, k, w[t].status[k]);
			ck_assert_msg(w[t].rev[k] >= 1 && w[t].rev[k] <= n, "rev %ld", w[t].rev[k]);
			ck_assert_msg(!seen[w[t].rev[k]], "rev %ld answered twice", w[t].rev[k]);
			seen[w[t].rev[k]] = 1;
			row = stored_receipt(&e, "busy", w[t].rev[k]);
			ck_assert_ptr_nonnull(row);
			ck_assert_str_eq(row, w[t].receipt[k]); /* the receipt given is the one kept */
			free(row);
			if (w[t].rev[k] == n)
				last_hash = w[t].hash[k];
		}
	ck_assert_ptr_nonnull(last_hash); /* so 1..n, each once */
	c = h_client_new(&e);
	ck_assert_int_eq(h_get_bearer(c, "/api/v1/questionnaires/all-types/responses/me", tok, &r),
	                 200);
	me = h_json(r.body);
	ck_assert_int_eq((long)cJSON_GetObjectItem(me, "revision")->valuedouble, n);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(me, "hash")), last_hash);
	cJSON_Delete(me);
	h_resp_free(&r);
	h_client_free(c);
	ck_assert_int_eq(h_stop(&e), 0);
	h_tally_verify(&e);
	ck_assert_int_eq(h_db_count(&e, "revision"), n);
	for (t = 0; t < CONC_THREADS; t++)
		for (k = 0; k < CONC_POSTS; k++) {
			free(w[t].receipt[k]);
			free(w[t].hash[k]);
		}
	free(tok);
	h_teardown(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("writer");
	TCase *t = tcase_create("writer");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_writer_failure_answers_503_stores_nothing_and_recovers);
	tcase_add_test(t,
	               test_writer_failed_batch_leaves_no_gap_in_revisions_and_receipts_name_the_stored_rev);
	tcase_add_test(t, test_writer_concurrent_revisions_of_one_delegate_are_consecutive_and_latest_wins);
	suite_add_tcase(s, t);
	return h_run_suite(s);
}
