/* it_shutdown.c - stopping the collector: SIGTERM under concurrent load
 * loses no acknowledged submission (every 201 and every 303 received is in
 * the database afterwards), the server exits 0, and the database it leaves
 * behind reopens with its chain intact.  Asserts behaviour, never time. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define API_POST "/api/v1/questionnaires/all-types/responses"
#define NTHREADS 4
#define SUBS_PER_THREAD 3
#define MAX_ACKS 20000

struct ack {
	char sub[32];
	long rev;
	char hash[65];
};

struct worker {
	int id;
	char *tokens[SUBS_PER_THREAD];
	char subs[SUBS_PER_THREAD][32];
	struct ack *acks;
	size_t nacks;
	long html_acks;              /* 303s (HTML worker) */
	int html;                    /* posts the browser form instead of JSON */
	char csrf[33];
};

static struct h_env E;
static atomic_int acked;
static atomic_int server_gone;

/* One POST on a worker's handle; returns the status (0: no answer). */
static long post(CURL *c, const char *path, const char *auth, const char *ctype,
                 const char *body, struct h_resp *r)
{
	struct curl_slist *hl = NULL;
	char url[256], ct[128];
	long status = 0;
	memset(r, 0, sizeof *r);
	snprintf(url, sizeof url, "%s%s", E.base, path);
	snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
	hl = curl_slist_append(hl, auth);
	hl = curl_slist_append(hl, ct);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, h_curl_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hl);
	return status;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	CURL *c = curl_easy_init();
	char auth[4200], body[256];
	long i;
	if (c == NULL)
		return NULL;
	for (i = 0; !atomic_load(&server_gone); i++) {
		int k = (int)(i % SUBS_PER_THREAD);
		struct h_resp r;
		long st;
		if (w->html) {
			snprintf(auth, sizeof auth, "Cookie: snd_session=%s", w->tokens[0]);
			snprintf(body, sizeof body, "_csrf=%s&colour=green&how_many=%ld&proposal=support",
			         w->csrf, i % 21);
			st = post(c, "/q/all-types", auth, "application/x-www-form-urlencoded", body, &r);
			if (st == 303)
				w->html_acks++, atomic_fetch_add(&acked, 1);
		} else {
			snprintf(auth, sizeof auth, "Authorization: Bearer %s", w->tokens[k]);
			snprintf(body, sizeof body,
			         "{\"answers\":{\"colour\":\"red\",\"how_many\":%ld,"
			         "\"proposal\":{\"position\":\"support\"}}}",
			         i % 21);
			st = post(c, API_POST, auth, "application/json", body, &r);
			if (st == 201 && w->nacks < MAX_ACKS) {
				cJSON *j = cJSON_Parse(r.body);
				const cJSON *rev = cJSON_GetObjectItemCaseSensitive(j, "revision");
				const cJSON *hash = cJSON_GetObjectItemCaseSensitive(j, "hash");
				struct ack *a = &w->acks[w->nacks];
				if (cJSON_IsNumber(rev) && cJSON_IsString(hash)) {
					snprintf(a->sub, sizeof a->sub, "%s", w->subs[k]);
					a->rev = (long)rev->valuedouble;
					snprintf(a->hash, sizeof a->hash, "%s", hash->valuestring);
					w->nacks++;
					atomic_fetch_add(&acked, 1);
				}
				cJSON_Delete(j);
			}
		}
		free(r.body);
		if (st == 0) { /* refused: the server has stopped listening */
			struct timespec ts = {0, 2000000};
			nanosleep(&ts, NULL);
		}
	}
	curl_easy_cleanup(c);
	return NULL;
}

static char *csrf_for(const char *token)
{
	struct h_client *c = h_client_new(&E);
	struct h_resp r;
	char cookie[4200];
	const char *hs[] = {cookie, NULL}, *p;
	char *v;
	snprintf(cookie, sizeof cookie, "Cookie: snd_session=%s", token);
	ck_assert_int_eq(h_request(c, "GET", "/q/all-types", NULL, NULL, 0, 0, hs, &r), 200);
	p = strstr(r.body, "name=\"_csrf\" value=\"");
	ck_assert_ptr_nonnull(p);
	v = strndup(p + strlen("name=\"_csrf\" value=\""), 32);
	h_resp_free(&r);
	h_client_free(c);
	return v;
}

static int stored(sqlite3 *db, const char *sub, long rev, const char *hash)
{
	sqlite3_stmt *s = NULL;
	int n = 0;
	ck_assert(sqlite3_prepare_v2(db,
	                             "SELECT count(*) FROM revision WHERE qid = 'all-types' "
	                             "AND sub = ?1 AND rev = ?2 AND hash = ?3",
	                             -1, &s, NULL) == SQLITE_OK);
	sqlite3_bind_text(s, 1, sub, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, rev);
	sqlite3_bind_text(s, 3, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

static long revisions_of(sqlite3 *db, const char *sub)
{
	sqlite3_stmt *s = NULL;
	long n = -1;
	ck_assert(sqlite3_prepare_v2(db, "SELECT count(*) FROM revision WHERE sub = ?1", -1, &s,
	                             NULL) == SQLITE_OK);
	sqlite3_bind_text(s, 1, sub, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

START_TEST(test_sigterm_under_load_loses_no_acknowledged_submission)
{
	const char *forms[] = {"all-types.json", NULL};
	struct worker w[NTHREADS + 1];
	pthread_t th[NTHREADS + 1];
	sqlite3 *db = NULL;
	size_t total = 0, i;
	int t, k, waited;

	h_setup(&E);
	h_start(&E, forms, NULL);
	atomic_store(&acked, 0);
	atomic_store(&server_gone, 0);
	memset(w, 0, sizeof w);
	for (t = 0; t <= NTHREADS; t++) {
		w[t].id = t;
		w[t].html = t == NTHREADS;
		w[t].acks = calloc(MAX_ACKS, sizeof *w[t].acks);
		ck_assert_ptr_nonnull(w[t].acks);
		for (k = 0; k < SUBS_PER_THREAD; k++) {
			snprintf(w[t].subs[k], sizeof w[t].subs[k], "load-%d-%d", t, k);
			w[t].tokens[k] = h_token(&E, "all-types", w[t].subs[k], "delegate");
		}
		if (w[t].html) {
			char *csrf = csrf_for(w[t].tokens[0]);
			snprintf(w[t].csrf, sizeof w[t].csrf, "%s", csrf);
			free(csrf);
		}
	}
	for (t = 0; t <= NTHREADS; t++)
		ck_assert(pthread_create(&th[t], NULL, work, &w[t]) == 0);

	/* Stop while requests are flowing: after some acknowledgements. */
	for (waited = 0; atomic_load(&acked) < 200 && waited < 30000; waited += 5) {
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
	ck_assert_msg(atomic_load(&acked) >= 200, "the load did not get going");
	ck_assert_int_eq(h_stop(&E), 0);
	atomic_store(&server_gone, 1);
	for (t = 0; t <= NTHREADS; t++)
		pthread_join(th[t], NULL);

	ck_assert(sqlite3_open_v2(E.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	for (t = 0; t < NTHREADS; t++)
		for (i = 0; i < w[t].nacks; i++, total++)
			ck_assert_msg(stored(db, w[t].acks[i].sub, w[t].acks[i].rev, w[t].acks[i].hash) == 1,
			              "acknowledged %s rev %ld is not in the database", w[t].acks[i].sub,
			              w[t].acks[i].rev);
	ck_assert_msg(revisions_of(db, w[NTHREADS].subs[0]) >= w[NTHREADS].html_acks,
	              "fewer revisions than 303s for the browser-form delegate");
	ck_assert(total > 0);
	sqlite3_close(db);

	/* The database reopens: the chain continues and verifies. */
	h_start(&E, forms, NULL);
	{
		struct h_client *c = h_client_new(&E);
		struct h_resp r;
		char *tok = w[0].tokens[0];
		h_post_json(c, API_POST, tok,
		            "{\"answers\":{\"colour\":\"blue\",\"why_blue\":\"after restart\","
		            "\"proposal\":{\"position\":\"abstain\"}}}",
		            &r);
		ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
		h_resp_free(&r);
		h_client_free(c);
	}
	ck_assert_int_eq(h_stop(&E), 0);
	h_tally_verify(&E);

	for (t = 0; t <= NTHREADS; t++) {
		for (k = 0; k < SUBS_PER_THREAD; k++)
			free(w[t].tokens[k]);
		free(w[t].acks);
	}
	h_teardown(&E);
}
END_TEST

START_TEST(test_sigint_on_an_idle_server_exits_0)
{
	const char *forms[] = {"all-types.json", NULL};
	int st, k;
	h_setup(&E);
	h_start(&E, forms, NULL);
	kill(E.server, SIGINT);
	for (k = 0; k < 600; k++) {
		if (waitpid(E.server, &st, WNOHANG) == E.server)
			break;
		{
			struct timespec ts = {0, 50000000};
			nanosleep(&ts, NULL);
		}
	}
	ck_assert_msg(k < 600, "the server did not stop on SIGINT");
	E.server = 0;
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	h_teardown(&E);
}
END_TEST

/* 1 once the file at path contains needle, polling for up to ms. */
static int log_has_within(const char *path, const char *needle, int ms)
{
	int waited;
	for (waited = 0; waited < ms; waited += 50) {
		char *text = NULL;
		size_t n = 0;
		int found = 0;
		if (snd_read_file(path, (size_t)16 << 20, &text, &n) == SND_OK) {
			found = strstr(text, needle) != NULL;
			free(text);
		}
		if (found)
			return 1;
		{
			struct timespec ts = {0, 50000000};
			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

/* A POST whose body is still arriving when shutdown gives up waiting
 * (10 s after SIGTERM) reaches the writer after it has stopped: it must get
 * 503 (or a closed connection), never a crash, and the server exits 0. */
START_TEST(test_body_finished_after_the_drain_gets_503_not_a_crash)
{
	const char *forms[] = {"all-types.json", NULL};
	static const char body[] =
		"{\"answers\":{\"colour\":\"red\",\"how_many\":1,\"proposal\":{\"position\":\"support\"}}}";
	char head[2048];
	size_t half = sizeof body / 2;
	struct h_resp r = {0};
	char *tok;
	int fd, st, k, n;
	long status;

	h_setup(&E);
	h_start(&E, forms, NULL);
	tok = h_token(&E, "all-types", "late-1", "delegate");
	n = snprintf(head, sizeof head,
	             "POST /api/v1/questionnaires/all-types/responses HTTP/1.1\r\n"
	             "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
	             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	             tok, sizeof body - 1);
	ck_assert(n > 0 && (size_t)n < sizeof head);
	fd = h_raw_connect(&E);
	ck_assert_int_eq(h_raw_send(fd, head, (size_t)n), 0);
	ck_assert_int_eq(h_raw_send(fd, body, half), 0);
	kill(E.server, SIGTERM);
	/* The drain's 10 s start when the server has taken the signal (its log
	 * says so), which on a loaded machine can be a while after kill():
	 * counting from kill() let the body finish inside the drain (201). */
	ck_assert_msg(log_has_within(E.log, "stopping (signal", 20000),
	              "the server did not log that it is stopping");
	/* one byte a second, past the 10-s drain, so the connection stays busy */
	for (k = 0; k < 12; k++) {
		struct timespec ts = {1, 0};
		nanosleep(&ts, NULL);
		if (h_raw_send(fd, body + half + (size_t)k, 1) != 0)
			break;
	}
	if (k == 12) {
		if (h_raw_send(fd, body + half + 12, sizeof body - 1 - half - 12) == 0) {
			status = h_raw_response(fd, 10000, &r);
			ck_assert_msg(status == 503 || status == 0, "late body: %ld", status);
			h_resp_free(&r);
		}
	}
	close(fd);
	free(tok);
	for (k = 0; k < 600; k++) {
		if (waitpid(E.server, &st, WNOHANG) == E.server)
			break;
		{
			struct timespec ts = {0, 50000000};
			nanosleep(&ts, NULL);
		}
	}
	ck_assert_msg(k < 600, "the server did not stop");
	E.server = 0;
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
	h_teardown(&E);
}
END_TEST

START_TEST(test_serve_refuses_bad_setups)
{
	const char *c = h_collector();
	char *good = h_form_path("all-types.json"), *out = NULL, bad[PATH_MAX + 16];
	static const char bad_form[] = "{\"id\": \"Bad Id\", \"languages\": [], \"sections\": []}";
	h_setup(&E);
	snprintf(bad, sizeof bad, "%s/bad.json", E.dir);
	ck_assert(snd_write_file(bad, bad_form, sizeof bad_form - 1, 0644, 1) == SND_OK);
	{ /* an invalid form: exit 1, nothing listens */
		const char *argv[] = {c, "serve", "--form", bad, "--db", E.db, "--issuer-pub",
		                      E.issuer_public, "--receipt-key", E.receipt_secret,
		                      "--allow-root", "--listen", "127.0.0.1:1", NULL};
		ck_assert_int_eq(h_run(argv, &out), 1);
		free(out);
	}
	{ /* the same key for issuing and receipts */
		const char *argv[] = {c, "serve", "--form", good, "--db", E.db, "--issuer-pub",
		                      E.issuer_public, "--receipt-key", E.issuer_secret,
		                      "--allow-root", "--listen", "127.0.0.1:1", NULL};
		ck_assert_int_eq(h_run(argv, &out), 1);
		free(out);
	}
	{ /* usage errors: exit 2 */
		const char *argv[] = {c, "serve", "--form", good, NULL};
		const char *argv2[] = {c, "serve", "--form", good, "--db", E.db, "--issuer-pub",
		                       E.issuer_public, "--receipt-key", E.receipt_secret,
		                       "--listen", "nonsense", NULL};
		const char *argv3[] = {c, "serve", "--max-body", "lots", NULL};
		ck_assert_int_eq(h_run(argv, &out), 2);
		free(out);
		ck_assert_int_eq(h_run(argv2, &out), 2);
		free(out);
		ck_assert_int_eq(h_run(argv3, &out), 2);
		free(out);
	}
	{
		const char *argv[] = {c, "serve", "--help", NULL};
		ck_assert_int_eq(h_run(argv, &out), 0);
		ck_assert(strstr(out, "--max-body") != NULL);
		free(out);
	}
	free(good);
	h_teardown(&E);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("shutdown");
	TCase *t = tcase_create("shutdown");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_sigterm_under_load_loses_no_acknowledged_submission);
	tcase_add_test(t, test_sigint_on_an_idle_server_exits_0);
	tcase_add_test(t, test_body_finished_after_the_drain_gets_503_not_a_crash);
	tcase_add_test(t, test_serve_refuses_bad_setups);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	int rc;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = h_run_suite(suite());
	curl_global_cleanup();
	return rc;
}
