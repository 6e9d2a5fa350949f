/* it_crash.c - crash safety and storage faults of the real collector.
 *
 * 1. SIGKILL under load: threads submit continuously through libcurl (each
 *    its own delegates, plus one delegate shared by every thread, so the
 *    same token races itself); the collector is killed with SIGKILL at a
 *    random moment, restarted on the same database, several rounds.  At the
 *    end every submission whose 201 arrived is in the database with the
 *    (sub, rev, hash) it was acknowledged with, no (sub, rev) was
 *    acknowledged twice, and `tally verify` passes.  Prints the counts.
 * 2. A storage fault while serving: the collector's file-size limit is
 *    dropped to one byte (RLIMIT_FSIZE, with SIGXFSZ ignored), so every
 *    write(2) to the database and its WAL fails with EFBIG, as a full or
 *    failing disk would.  Submissions get 503 and store nothing; reads
 *    (healthz, the form page, responses/me, the receipt, the summary) are
 *    still served; the log says why; nothing committed before is lost; once
 *    the limit is lifted, writes work again and the chain verifies.
 *    (it_writer.c covers a failure injected inside SQLite by a trigger.)
 * Asserts behaviour, never time: the waits are upper bounds. */
#define _GNU_SOURCE 1 /* prlimit */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define API_POST "/api/v1/questionnaires/all-types/responses"
#define NTHREADS 4
#define SUBS 3            /* per thread, plus the shared one */
#define ROUNDS 6
#define MAX_ACKS 50000

struct ack {
	char sub[32];
	long rev;
	char hash[65];
};

struct worker {
	int id;
	char *tokens[SUBS + 1];
	char subs[SUBS + 1][32];
	struct ack *acks;
	size_t nacks;
	long sent, refused;
};

static struct h_env E;
static atomic_int acked, stop_workers;
static pthread_mutex_t base_lock = PTHREAD_MUTEX_INITIALIZER;
static char base[64]; /* the server's current address: it moves on restart */

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void publish_base(void)
{
	pthread_mutex_lock(&base_lock);
	snprintf(base, sizeof base, "%s", E.base);
	pthread_mutex_unlock(&base_lock);
}

static long post(CURL *c, const char *auth, const char *body, struct h_resp *r)
{
	struct curl_slist *hl = NULL;
	char url[256];
	long status = 0;
	memset(r, 0, sizeof *r);
	pthread_mutex_lock(&base_lock);
	snprintf(url, sizeof url, "%s%s", base, API_POST);
	pthread_mutex_unlock(&base_lock);
	hl = curl_slist_append(hl, auth);
	hl = curl_slist_append(hl, "Content-Type: application/json");
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, h_curl_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
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
	for (i = 0; !atomic_load(&stop_workers); i++) {
		int k = (int)(i % (SUBS + 1));
		struct h_resp r;
		long st;
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", w->tokens[k]);
		/* distinct answers per submission, so each hash names one of them */
		snprintf(body, sizeof body,
		         "{\"answers\":{\"colour\":\"blue\",\"why_blue\":\"w%d i%ld\",\"how_many\":%ld,"
		         "\"proposal\":{\"position\":\"support\"}}}",
		         w->id, i, i % 21);
		w->sent++;
		st = post(c, auth, body, &r);
		if (st == 201 && w->nacks < MAX_ACKS) {
			cJSON *j = cJSON_Parse(r.body);
			const cJSON *rev = cJSON_GetObjectItemCaseSensitive(j, "revision");
			const cJSON *hash = cJSON_GetObjectItemCaseSensitive(j, "hash");
			if (cJSON_IsNumber(rev) && cJSON_IsString(hash)) {
				struct ack *a = &w->acks[w->nacks++];
				snprintf(a->sub, sizeof a->sub, "%s", w->subs[k]);
				a->rev = (long)rev->valuedouble;
				snprintf(a->hash, sizeof a->hash, "%s", hash->valuestring);
				atomic_fetch_add(&acked, 1);
			}
			cJSON_Delete(j);
		} else if (st == 0) {
			w->refused++;
			sleep_ms(5); /* killed, or restarting: try the new address */
		}
		free(r.body);
	}
	curl_easy_cleanup(c);
	return NULL;
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

static int ack_cmp(const void *a, const void *b)
{
	const struct ack *x = a, *y = b;
	int c = strcmp(x->sub, y->sub);
	return c ? c : (x->rev > y->rev) - (x->rev < y->rev);
}

START_TEST(test_crash_sigkill_under_load_loses_no_acknowledged_submission)
{
	const char *forms[] = {"all-types.json", NULL};
	struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	struct ack *all;
	sqlite3 *db = NULL;
	size_t total = 0, found = 0, i, n;
	long sent = 0, refused = 0;
	int t, k, round;

	h_setup(&E);
	h_start(&E, forms, NULL);
	publish_base();
	atomic_store(&acked, 0);
	atomic_store(&stop_workers, 0);
	memset(w, 0, sizeof w);
	for (t = 0; t < NTHREADS; t++) {
		w[t].id = t;
		w[t].acks = calloc(MAX_ACKS, sizeof *w[t].acks);
		ck_assert_ptr_nonnull(w[t].acks);
		for (k = 0; k < SUBS; k++) {
			snprintf(w[t].subs[k], sizeof w[t].subs[k], "crash-%d-%d", t, k);
			w[t].tokens[k] = h_token(&E, "all-types", w[t].subs[k], "delegate");
		}
		/* one delegate every thread answers for, with its own token copy */
		snprintf(w[t].subs[SUBS], sizeof w[t].subs[SUBS], "crash-shared");
		w[t].tokens[SUBS] = h_token(&E, "all-types", "crash-shared", "delegate");
	}
	for (t = 0; t < NTHREADS; t++)
		ck_assert(pthread_create(&th[t], NULL, work, &w[t]) == 0);

	for (round = 0; round < ROUNDS; round++) {
		int start = atomic_load(&acked), want = 20 + (int)randombytes_uniform(120), waited;
		/* a random moment once the load flows again: after some
		 * acknowledgements, plus a random few milliseconds */
		for (waited = 0; atomic_load(&acked) - start < want && waited < 30000; waited += 2)
			sleep_ms(2);
		ck_assert_msg(atomic_load(&acked) - start >= want, "round %d: the load did not resume",
		              round);
		sleep_ms((long)randombytes_uniform(40));
		ck_assert_int_eq(kill(E.server, SIGKILL), 0);
		ck_assert_int_eq(waitpid(E.server, NULL, 0), E.server);
		E.server = 0;
		h_start(&E, forms, NULL); /* same database: recovers its WAL */
		publish_base();
	}
	/* a last batch on the restarted server, then a clean stop */
	{
		int start = atomic_load(&acked), waited;
		for (waited = 0; atomic_load(&acked) - start < 20 && waited < 30000; waited += 2)
			sleep_ms(2);
	}
	atomic_store(&stop_workers, 1);
	for (t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	ck_assert_int_eq(h_stop(&E), 0);

	for (t = 0; t < NTHREADS; t++) {
		total += w[t].nacks;
		sent += w[t].sent;
		refused += w[t].refused;
	}
	all = calloc(total ? total : 1, sizeof *all);
	ck_assert_ptr_nonnull(all);
	for (t = 0, n = 0; t < NTHREADS; t++)
		for (i = 0; i < w[t].nacks; i++)
			all[n++] = w[t].acks[i];
	ck_assert(sqlite3_open_v2(E.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	for (i = 0; i < total; i++)
		found += stored(db, all[i].sub, all[i].rev, all[i].hash) == 1;
	sqlite3_close(db);
	printf("it_crash: %d SIGKILL rounds, %ld submissions sent, %ld without an answer, "
	       "acknowledged %zu, found %zu, lost %zu\n",
	       ROUNDS, sent, refused, total, found, total - found);
	fflush(stdout);
	ck_assert_msg(found == total, "%zu acknowledged submissions are not in the database",
	              total - found);
	/* a revision number is acknowledged once only (the shared delegate too) */
	qsort(all, total, sizeof *all, ack_cmp);
	for (i = 1; i < total; i++)
		ck_assert_msg(strcmp(all[i].sub, all[i - 1].sub) != 0 || all[i].rev != all[i - 1].rev,
		              "%s rev %ld acknowledged twice", all[i].sub, all[i].rev);
	ck_assert(total > (size_t)ROUNDS * 20);
	h_tally_verify(&E);

	free(all);
	for (t = 0; t < NTHREADS; t++) {
		for (k = 0; k <= SUBS; k++)
			free(w[t].tokens[k]);
		free(w[t].acks);
	}
	h_teardown(&E);
}
END_TEST

/* --------------------------------------------------------- disk fault */

static char *read_text(const char *path)
{
	char *s = NULL;
	ck_assert(snd_read_file(path, (size_t)64 << 20, &s, NULL) == SND_OK);
	return s;
}

static long json_long(const char *text, const char *key)
{
	cJSON *j = h_json(text);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	long n;
	ck_assert_msg(cJSON_IsNumber(v), "no %s in %s", key, text);
	n = (long)v->valuedouble;
	cJSON_Delete(j);
	return n;
}

static void set_fsize(pid_t pid, rlim_t soft)
{
	struct rlimit rl;
	ck_assert(prlimit(pid, RLIMIT_FSIZE, NULL, &rl) == 0);
	rl.rlim_cur = soft;
	ck_assert_msg(prlimit(pid, RLIMIT_FSIZE, &rl, NULL) == 0, "prlimit");
}

START_TEST(test_crash_failing_disk_answers_503_keeps_reads_and_recovers)
{
	const char *forms[] = {"all-types.json", NULL};
	static const char body1[] =
		"{\"answers\":{\"colour\":\"red\",\"how_many\":1,\"proposal\":{\"position\":\"support\"}}}";
	static const char body2[] =
		"{\"answers\":{\"colour\":\"green\",\"how_many\":2,\"proposal\":{\"position\":\"object\","
		"\"reason\":\"no\"}}}";
	char wrapper[PATH_MAX + 64], *real, *d1, *d2, *d3, *chair, *hash1, *state, *log;
	char cookie[4200], *csrf;
	const char *hs[2] = {cookie, NULL};
	struct h_client *c;
	struct h_resp r;
	const char *p;
	FILE *f;
	cJSON *j;
	size_t loglen;

	h_setup(&E);
	/* Start the collector with SIGXFSZ ignored and stderr through a pipe
	 * (its log must not hit the same file-size limit as its database). */
	real = strdup(h_collector());
	snprintf(wrapper, sizeof wrapper, "%s/collector-wrapper", E.dir);
	f = fopen(wrapper, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/bash\ntrap '' XFSZ\nexec '%s' \"$@\" 2> >(exec cat >&2)\n", real);
	fclose(f);
	ck_assert(chmod(wrapper, 0755) == 0);
	setenv("SND_COLLECTOR", wrapper, 1);
	h_start(&E, forms, NULL);
	setenv("SND_COLLECTOR", real, 1);
	c = h_client_new(&E);

	d1 = h_token(&E, "all-types", "disk-1", "delegate");
	d2 = h_token(&E, "all-types", "disk-2", "delegate");
	d3 = h_token(&E, "all-types", "disk-3", "delegate");
	chair = h_token(&E, "all-types", "chair", "chair");
	ck_assert_int_eq(h_post_json(c, API_POST, d1, body1, &r), 201);
	j = h_json(r.body);
	hash1 = strdup(cJSON_GetObjectItemCaseSensitive(j, "hash")->valuestring);
	cJSON_Delete(j);
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(c, API_POST, d2, body1, &r), 201);
	h_resp_free(&r);
	/* a browser session for disk-1, and its CSRF field */
	snprintf(cookie, sizeof cookie, "Cookie: snd_session=%s", d1);
	ck_assert_int_eq(h_request(c, "GET", "/q/all-types", NULL, NULL, 0, 0, hs, &r), 200);
	p = strstr(r.body, "name=\"_csrf\" value=\"");
	ck_assert_ptr_nonnull(p);
	csrf = strndup(p + strlen("name=\"_csrf\" value=\""), 32);
	h_resp_free(&r);

	/* The disk fails: every write to the database or the WAL is refused. */
	state = h_db_state(&E);
	loglen = strlen(log = read_text(E.log));
	free(log);
	set_fsize(E.server, 1);

	h_post_json(c, API_POST, d3, body1, &r);
	ck_assert_msg(r.status == 503, "new delegate on a failing disk: %ld %s", r.status, r.body);
	ck_assert(strstr(r.body, "\"code\":\"unavailable\"") != NULL);
	ck_assert_ptr_nonnull(strstr(r.headers, "Retry-After"));
	h_resp_free(&r);
	h_post_json(c, API_POST, d1, body2, &r);
	ck_assert_msg(r.status == 503, "revision on a failing disk: %ld %s", r.status, r.body);
	h_resp_free(&r);
	{
		char form[200];
		const char *fh[2] = {cookie, NULL};
		snprintf(form, sizeof form, "_csrf=%s&colour=green&proposal=support", csrf);
		h_request(c, "POST", "/q/all-types", "application/x-www-form-urlencoded", form,
		          strlen(form), 0, fh, &r);
		ck_assert_msg(r.status == 503, "form post on a failing disk: %ld", r.status);
		ck_assert(strstr(r.body, "nothing was lost") != NULL);
		h_resp_free(&r);
	}
	/* reads go on */
	ck_assert_int_eq(h_get(c, "/healthz", &r), 200);
	h_resp_free(&r);
	ck_assert_int_eq(h_request(c, "GET", "/q/all-types", NULL, NULL, 0, 0, hs, &r), 200);
	ck_assert(strstr(r.body, "value=\"red\" checked") != NULL); /* prefilled, revision 1 */
	h_resp_free(&r);
	ck_assert_int_eq(h_request(c, "GET", "/q/all-types/receipt", NULL, NULL, 0, 0, hs, &r), 200);
	ck_assert(strstr(r.body, hash1) != NULL);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(c, "/api/v1/questionnaires/all-types/responses/me", d1, &r),
	                 200);
	ck_assert_int_eq(json_long(r.body, "revision"), 1);
	ck_assert(strstr(r.body, hash1) != NULL);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(c, "/api/v1/questionnaires/all-types/summary", chair, &r), 200);
	ck_assert_int_eq(json_long(r.body, "responses"), 2);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(c, "/chair/all-types", chair, &r), 200);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(c, "/api/v1/questionnaires/all-types", &r), 200);
	h_resp_free(&r);
	/* nothing changed, and the log says why */
	{
		char *now = h_db_state(&E);
		ck_assert_str_eq(now, state);
		free(now);
	}
	/* The log reaches its file through the wrapper's cat, a moment after
	 * the server wrote it: wait for the line (up to 10 s), then check it. */
	for (int tries = 0;; tries++) {
		log = read_text(E.log);
		if ((strlen(log) > loglen && strstr(log + loglen, "writer:") != NULL &&
		     strstr(log + loglen, "failed") != NULL) ||
		    tries == 100)
			break;
		free(log);
		usleep(100 * 1000);
	}
	ck_assert_msg(strstr(log + loglen, "writer:") != NULL &&
	                      strstr(log + loglen, "failed") != NULL,
	              "the log does not say why writes fail:\n%s", log + loglen);
	ck_assert_msg(strstr(log + loglen, "disk") != NULL || strstr(log + loglen, "I/O") != NULL ||
	                      strstr(log + loglen, "full") != NULL,
	              "the log names no storage cause:\n%s", log + loglen);
	free(log);

	/* The disk recovers: writes work again, on the same process. */
	set_fsize(E.server, RLIM_INFINITY);
	h_post_json(c, API_POST, d3, body1, &r);
	ck_assert_msg(r.status == 201, "after recovery: %ld %s", r.status, r.body);
	ck_assert_int_eq(json_long(r.body, "revision"), 1);
	h_resp_free(&r);
	h_post_json(c, API_POST, d1, body2, &r);
	ck_assert_msg(r.status == 201, "after recovery: %ld %s", r.status, r.body);
	ck_assert_int_eq(json_long(r.body, "revision"), 2);
	h_resp_free(&r);
	h_client_free(c);
	ck_assert_int_eq(h_stop(&E), 0);
	ck_assert_int_eq(h_db_count(&E, "revision"), 4);
	{
		sqlite3 *db = NULL;
		ck_assert(sqlite3_open_v2(E.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
		ck_assert_int_eq(stored(db, "disk-1", 1, hash1), 1); /* committed before: kept */
		sqlite3_close(db);
	}
	h_tally_verify(&E);
	free(csrf);
	free(state);
	free(hash1);
	free(d1);
	free(d2);
	free(d3);
	free(chair);
	free(real);
	h_teardown(&E);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("crash");
	TCase *t = tcase_create("crash");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_crash_sigkill_under_load_loses_no_acknowledged_submission);
	tcase_add_test(t, test_crash_failing_disk_answers_503_keeps_reads_and_recovers);
	suite_add_tcase(s, t);
	return h_run_suite(s);
}
