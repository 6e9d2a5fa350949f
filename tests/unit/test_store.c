/* test_store.c - the SQLite store: schema and migrations, revisions and
 * their receipts, the hash chain across reopen/rollback/import, latest per
 * delegate, revocation, read-only opening and tamper detection.
 * Every test works in its own mkdtemp directory, removed by the fixture. */
#include "sounding.h"

#include <check.h>
#include <dirent.h>
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static char dbpath[128], dbpath2[128];
static uint8_t pk[SND_PK_BYTES], sk[SND_SK_BYTES];

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	snprintf(dir, sizeof dir, "/tmp/snd_store_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof dbpath, "%s/a.db", dir);
	snprintf(dbpath2, sizeof dbpath2, "%s/b.db", dir);
	crypto_sign_keypair(pk, sk);
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static struct snd_store *open_store(const char *path, enum snd_store_mode mode)
{
	struct snd_store *s = NULL;
	char err[512];
	enum snd_err e = snd_store_open(path, mode, &s, err, sizeof err);
	ck_assert_msg(e == SND_OK, "open %s: %s", path, err);
	return s;
}

/* Appends answers for (qid, sub) with a correct hash; returns the rev. */
/* The schema version a writer leaves (store.c's migrations). */
#define SCHEMA_NOW 7

static int64_t put(struct snd_store *s, const char *qid, const char *sub, const char *jti,
                   const char *answers, int64_t at)
{
	struct snd_submission m;
	uint8_t md[32];
	char hash[65];
	int64_t rev = 0;
	char *receipt = NULL;
	enum snd_err e;

	crypto_hash_sha256(md, (const uint8_t *)answers, strlen(answers));
	sodium_bin2hex(hash, sizeof hash, md, sizeof md);
	memset(&m, 0, sizeof m);
	m.qid = qid;
	m.sub = sub;
	m.ent = "Ruritania";
	m.attrs = "{\"region\":\"EUR\"}";
	m.jti = jti;
	m.answers = answers;
	m.answers_len = strlen(answers);
	m.hash = hash;
	e = snd_store_append(s, &m, sk, at, &rev, &receipt);
	ck_assert_msg(e == SND_OK, "append: %s", snd_store_errmsg(s));
	ck_assert_ptr_nonnull(receipt);
	ck_assert(strncmp(receipt, "v4.public.", 10) == 0);
	free(receipt);
	return rev;
}

/* A copy of a revision that outlives the callback. */
struct row {
	int64_t seq, rev, submitted_at;
	char qid[64], sub[64], ent[64], attrs[128], jti[64], hash[65], prev[65], link[65];
	char answers[256], receipt[1024];
	char computed[65];
	int revoked;
};

struct rows {
	struct row r[64];
	size_t n;
	size_t stop_after; /* 0: never stop */
};

static int collect(void *ctx, const struct snd_revision *r)
{
	struct rows *rs = ctx;
	struct row *w;
	ck_assert_uint_lt(rs->n, 64);
	w = &rs->r[rs->n++];
	w->seq = r->seq;
	w->rev = r->rev;
	w->submitted_at = r->submitted_at;
	snprintf(w->qid, sizeof w->qid, "%s", r->qid);
	snprintf(w->sub, sizeof w->sub, "%s", r->sub);
	snprintf(w->ent, sizeof w->ent, "%s", r->ent);
	snprintf(w->attrs, sizeof w->attrs, "%s", r->attrs);
	snprintf(w->jti, sizeof w->jti, "%s", r->jti);
	snprintf(w->hash, sizeof w->hash, "%s", r->hash);
	snprintf(w->prev, sizeof w->prev, "%s", r->prev);
	snprintf(w->link, sizeof w->link, "%s", r->link);
	snprintf(w->answers, sizeof w->answers, "%.*s", (int)r->answers_len, r->answers);
	snprintf(w->receipt, sizeof w->receipt, "%s", r->receipt);
	snd_chain_link(r, w->computed);
	w->revoked = r->revoked;
	return rs->stop_after && rs->n >= rs->stop_after;
}

static void all_rows(struct snd_store *s, struct rows *rs)
{
	memset(rs, 0, sizeof *rs);
	ck_assert_int_eq(snd_store_each_revision(s, collect, rs), SND_OK);
}

/* The whole chain holds: dense seq, prev = previous link, links recompute. */
static void assert_chain(const struct rows *rs)
{
	size_t i;
	for (i = 0; i < rs->n; i++) {
		const char *want_prev = i ? rs->r[i - 1].link
		                          : "0000000000000000000000000000000000000000000000000000000000000000";
		ck_assert_int_eq(rs->r[i].seq, (int64_t)i + 1);
		ck_assert_str_eq(rs->r[i].prev, want_prev);
		ck_assert_str_eq(rs->r[i].link, rs->r[i].computed);
	}
}

static void sql_exec(const char *path, const char *q)
{
	sqlite3 *db;
	char *msg = NULL;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_msg(sqlite3_exec(db, q, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", q, msg);
	sqlite3_close(db);
}

static int64_t sql_int(const char *path, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

START_TEST(test_store_creates_versioned_wal_schema)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	snd_store_close(s);
	ck_assert_int_eq(sql_int(dbpath, "PRAGMA user_version"), SCHEMA_NOW);
	ck_assert_int_eq(sql_int(dbpath, "PRAGMA application_id"), 0x534e4447);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
	                                 "AND name IN ('questionnaire', 'delegate', 'revision', "
	                                 "'revoked', 'schedule')"),
	                 5);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM sqlite_schema WHERE name = 'latest'"),
	                 0);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM pragma_journal_mode "
	                                 "WHERE journal_mode = 'wal'"),
	                 1);
	/* Opening again migrates nothing and keeps the data. */
	s = open_store(dbpath, SND_STORE_WRITE);
	put(s, "q", "alice", "j1", "{}", 1000);
	snd_store_close(s);
	s = open_store(dbpath, SND_STORE_WRITE);
	snd_store_close(s);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM revision"), 1);
}
END_TEST

START_TEST(test_store_append_assigns_rev_per_delegate)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	ck_assert_int_eq(put(s, "q", "alice", "j1", "{\"a\":1}", 1000), 1);
	ck_assert_int_eq(put(s, "q", "alice", "j1", "{\"a\":2}", 2000), 2);
	ck_assert_int_eq(put(s, "q", "bob", "j2", "{\"a\":1}", 3000), 1);
	ck_assert_int_eq(put(s, "q", "alice", "j1", "{\"a\":3}", 4000), 3);
	ck_assert_int_eq(put(s, "other", "alice", "j3", "{}", 5000), 1); /* per questionnaire */
	snd_store_close(s);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM delegate"), 3);
	ck_assert_int_eq(sql_int(dbpath, "SELECT first_seen FROM delegate WHERE qid = 'q' AND "
	                                 "sub = 'alice'"),
	                 1000);
	ck_assert_int_eq(sql_int(dbpath, "SELECT last_seen FROM delegate WHERE qid = 'q' AND "
	                                 "sub = 'alice'"),
	                 4000);
}
END_TEST

START_TEST(test_store_append_outside_batch_commits_itself)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_store *r;
	struct rows rs;
	put(s, "q", "alice", "j1", "{}", 1000);
	r = open_store(dbpath, SND_STORE_READ); /* another connection sees it */
	all_rows(r, &rs);
	ck_assert_uint_eq(rs.n, 1);
	snd_store_close(r);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_latest_returns_newest)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct rows rs;
	put(s, "q", "alice", "j1", "{\"a\":1}", 1000);
	put(s, "q", "bob", "j2", "{\"b\":1}", 1500);
	put(s, "q", "alice", "j1", "{\"a\":2}", 2000);
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_latest(s, "q", "alice", collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_int_eq(rs.r[0].rev, 2);
	ck_assert_str_eq(rs.r[0].answers, "{\"a\":2}");
	ck_assert_int_eq(rs.r[0].submitted_at, 2000);
	ck_assert_str_eq(rs.r[0].ent, "Ruritania");
	ck_assert_str_eq(rs.r[0].attrs, "{\"region\":\"EUR\"}");
	ck_assert_str_eq(rs.r[0].jti, "j1");
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_latest(s, "q", "carol", collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 0);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_each_latest_streams_one_per_delegate_in_seq_order)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct rows rs;
	size_t i;
	put(s, "q", "alice", "j1", "{\"v\":1}", 1000);
	put(s, "q", "bob", "j2", "{\"v\":1}", 1100);
	put(s, "q", "carol", "j3", "{\"v\":1}", 1200);
	put(s, "q", "alice", "j1", "{\"v\":2}", 1300);
	put(s, "x", "dave", "j4", "{\"v\":1}", 1400);
	put(s, "q", "bob", "j2", "{\"v\":2}", 1500);
	put(s, "q", "bob", "j2", "{\"v\":3}", 1600);
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_each_latest(s, "q", collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 3);
	ck_assert_str_eq(rs.r[0].sub, "carol");
	ck_assert_int_eq(rs.r[0].rev, 1);
	ck_assert_str_eq(rs.r[1].sub, "alice");
	ck_assert_int_eq(rs.r[1].rev, 2);
	ck_assert_str_eq(rs.r[2].sub, "bob");
	ck_assert_int_eq(rs.r[2].rev, 3);
	for (i = 1; i < rs.n; i++)
		ck_assert_int_gt(rs.r[i].seq, rs.r[i - 1].seq);
	/* A nonzero return from the callback stops the walk. */
	memset(&rs, 0, sizeof rs);
	rs.stop_after = 1;
	ck_assert_int_eq(snd_store_each_latest(s, "q", collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 1);
	/* ...and leaves the statement reusable. */
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_each_latest(s, "x", collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.r[0].sub, "dave");
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_reopen_keeps_chain_head)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct rows rs;
	put(s, "q", "alice", "j1", "{}", 1000);
	put(s, "q", "bob", "j2", "{}", 2000);
	snd_store_close(s);
	s = open_store(dbpath, SND_STORE_WRITE);
	put(s, "q", "alice", "j1", "{\"x\":1}", 3000);
	all_rows(s, &rs);
	ck_assert_uint_eq(rs.n, 3);
	assert_chain(&rs);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_rollback_leaves_nothing_and_restores_head)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct rows rs;
	int64_t v0, v1;
	put(s, "q", "alice", "j1", "{}", 1000);
	ck_assert_int_eq(snd_store_version(s, &v0), SND_OK);
	ck_assert_int_eq(snd_store_begin(s), SND_OK);
	ck_assert_int_eq(put(s, "q", "alice", "j1", "{\"a\":1}", 2000), 2);
	ck_assert_int_eq(put(s, "q", "bob", "j2", "{}", 2100), 1);
	ck_assert_int_eq(snd_store_rollback(s), SND_OK);
	all_rows(s, &rs);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_int_eq(snd_store_version(s, &v1), SND_OK);
	ck_assert_int_eq(v0, v1);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM delegate"), 1);
	/* The next append continues from the restored head and revs. */
	ck_assert_int_eq(snd_store_begin(s), SND_OK);
	ck_assert_int_eq(put(s, "q", "alice", "j1", "{\"a\":9}", 3000), 2);
	ck_assert_int_eq(snd_store_commit(s), SND_OK);
	all_rows(s, &rs);
	ck_assert_uint_eq(rs.n, 2);
	assert_chain(&rs);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_failed_append_keeps_rest_of_batch)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_submission m;
	struct rows rs;
	int64_t rev = 0;
	char *receipt = NULL;
	put(s, "q", "alice", "j1", "{}", 1000); /* schema exists; rig a failure */
	sql_exec(dbpath, "CREATE TRIGGER boom BEFORE INSERT ON revision WHEN NEW.sub = 'boom' "
	                 "BEGIN SELECT RAISE(ABORT, 'rigged failure'); END");
	ck_assert_int_eq(snd_store_begin(s), SND_OK);
	put(s, "q", "bob", "j2", "{}", 2000);
	memset(&m, 0, sizeof m);
	m.qid = "q";
	m.sub = "boom";
	m.ent = "E";
	m.attrs = "{}";
	m.jti = "j3";
	m.answers = "{}";
	m.answers_len = 2;
	m.hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
	ck_assert_int_eq(snd_store_append(s, &m, sk, 2100, &rev, &receipt), SND_EDB);
	ck_assert_ptr_null(receipt);
	ck_assert_ptr_nonnull(strstr(snd_store_errmsg(s), "rigged failure"));
	put(s, "q", "carol", "j4", "{}", 2200);
	ck_assert_int_eq(snd_store_commit(s), SND_OK);
	all_rows(s, &rs);
	ck_assert_uint_eq(rs.n, 3);
	ck_assert_str_eq(rs.r[2].sub, "carol");
	assert_chain(&rs);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM delegate WHERE sub = 'boom'"), 0);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_rejects_malformed_submission)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_submission m;
	int64_t rev = 0;
	char *receipt = NULL;
	memset(&m, 0, sizeof m);
	m.qid = "q";
	m.sub = "a";
	m.ent = "E";
	m.attrs = "{}";
	m.jti = "j";
	m.answers = "{}";
	m.answers_len = 2;
	m.hash = "not-a-hash";
	ck_assert_int_eq(snd_store_append(s, &m, sk, 1, &rev, &receipt), SND_EINVAL);
	m.hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
	m.sub = "bad\xff";
	ck_assert_int_eq(snd_store_append(s, &m, sk, 1, &rev, &receipt), SND_EINVAL);
	ck_assert_ptr_null(receipt);
	snd_store_close(s);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM revision"), 0);
}
END_TEST

START_TEST(test_store_chain_links_recompute)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_revision r;
	struct rows rs;
	char link[65];
	int i;
	for (i = 0; i < 10; i++)
		put(s, "q", i % 2 ? "alice" : "bob", "j", "{\"n\":1}", 1000 + i);
	all_rows(s, &rs);
	ck_assert_uint_eq(rs.n, 10);
	assert_chain(&rs);
	snd_store_close(s);

	/* The documented concatenation, by hand. */
	memset(&r, 0, sizeof r);
	r.prev = "0000000000000000000000000000000000000000000000000000000000000000";
	r.qid = "lsg-review";
	r.sub = "d001";
	r.rev = 1;
	r.submitted_at = 1769414400000;
	r.hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
	r.receipt = "v4.public.x";
	r.ent = "Administration of France";
	r.jti = "t-0001";
	r.attrs = "{\"region\":\"EUR\"}";
	snd_chain_link(&r, link);
	{
		const char *text = "0000000000000000000000000000000000000000000000000000000000000000\n"
		                   "lsg-review\nd001\n1\n1769414400000\n"
		                   "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\n"
		                   "v4.public.x\nAdministration of France\nt-0001\n"
		                   "{\"region\":\"EUR\"}";
		uint8_t md[32];
		char want[65];
		crypto_hash_sha256(md, (const uint8_t *)text, strlen(text));
		sodium_bin2hex(want, sizeof want, md, sizeof md);
		ck_assert_str_eq(link, want);
	}
}
END_TEST

START_TEST(test_store_receipt_verifies_with_receipt_key)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct rows rs;
	char *payload = NULL, *footer = NULL, pid[SND_PASERK_PID_LEN + 1];
	char want_footer[128];
	size_t plen = 0;
	cJSON *j;
	put(s, "lsg", "alice", "j1", "{\"a\":1}", 1769414400123);
	put(s, "lsg", "alice", "j1", "{\"a\":2}", 1769414401000);
	all_rows(s, &rs);
	snd_store_close(s);
	ck_assert_int_eq(snd_paseto_verify(pk, rs.r[1].receipt, strlen(rs.r[1].receipt), NULL,
	                                   &payload, &plen, &footer),
	                 SND_OK);
	j = cJSON_Parse(payload);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "aud")->valuestring, "lsg");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "sub")->valuestring, "alice");
	ck_assert_int_eq(cJSON_GetObjectItem(j, "rev")->valueint, 2);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "hash")->valuestring, rs.r[1].hash);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "iat")->valuestring, "2026-01-26T08:00:01Z");
	cJSON_Delete(j);
	snd_paserk_pid(pk, pid);
	snprintf(want_footer, sizeof want_footer, "{\"kid\":\"%s\"}", pid);
	ck_assert_str_eq(footer, want_footer);
	free(payload);
	free(footer);
}
END_TEST

/* The rev claim of a receipt signed with the test key (-1: does not verify). */
static int receipt_rev(const char *receipt)
{
	char *payload = NULL;
	size_t plen = 0;
	cJSON *j;
	int rev = -1;
	if (snd_paseto_verify(pk, receipt, strlen(receipt), NULL, &payload, &plen, NULL) != SND_OK)
		return -1;
	if ((j = cJSON_Parse(payload)) != NULL) {
		rev = cJSON_GetObjectItem(j, "rev")->valueint;
		cJSON_Delete(j);
	}
	free(payload);
	return rev;
}

START_TEST(test_store_append_signed_keeps_a_right_receipt_and_resigns_a_wrong_guess)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_submission m;
	struct rows rs;
	char hash[65], *mine = NULL, *again = NULL, *direct = NULL;
	int64_t rev = 0;

	snd_sha256_hex("{\"a\":1}", 7, hash);
	memset(&m, 0, sizeof m);
	m.qid = "lsg";
	m.sub = "alice";
	m.ent = "Ruritania";
	m.attrs = "{}";
	m.jti = "j1";
	m.answers = "{\"a\":1}";
	m.answers_len = 7;
	m.hash = hash;

	/* the right guess (rev 1 for a new delegate): stored as given */
	ck_assert_int_eq(snd_receipt_sign(sk, NULL, &m, 1, 1769414400123, &mine), SND_OK);
	ck_assert_int_eq(snd_store_append_signed(s, &m, sk, 1769414400123, 1, mine, &rev, &again),
	                 SND_OK);
	ck_assert_int_eq(rev, 1);
	ck_assert_ptr_null(again);
	/* a wrong guess (rev 1 again, as after a restart): signed anew for rev 2 */
	ck_assert_int_eq(snd_store_append_signed(s, &m, sk, 1769414401000, 1, mine, &rev, &again),
	                 SND_OK);
	ck_assert_int_eq(rev, 2);
	ck_assert_ptr_nonnull(again);
	ck_assert_int_eq(receipt_rev(again), 2);
	/* and the same bytes as append signs itself */
	ck_assert_int_eq(snd_receipt_sign(sk, NULL, &m, 2, 1769414401000, &direct), SND_OK);
	ck_assert_str_eq(direct, again);
	ck_assert_int_eq(snd_store_append_signed(s, &m, sk, 1, 1, NULL, &rev, &again), SND_EINVAL);

	all_rows(s, &rs);
	snd_store_close(s);
	ck_assert_int_eq((int)rs.n, 2);
	ck_assert_str_eq(rs.r[0].receipt, mine);
	ck_assert_str_eq(rs.r[1].receipt, direct);
	ck_assert_int_eq((int)rs.r[1].rev, 2);
	free(mine);
	free(again);
	free(direct);
}
END_TEST

START_TEST(test_store_deferred_checkpoint_is_due_past_the_threshold_and_runs_outside_a_batch)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_store *r;
	struct rows rs;
	int i;

	ck_assert_int_eq(snd_store_defer_checkpoints(s, 0), SND_EINVAL);
	ck_assert_int_eq(snd_store_defer_checkpoints(s, 8), SND_OK);
	ck_assert(!snd_store_checkpoint_due(s));
	/* each put is its own commit of a few WAL frames */
	for (i = 0; i < 40 && !snd_store_checkpoint_due(s); i++) {
		char sub[16];
		snprintf(sub, sizeof sub, "d%d", i);
		put(s, "lsg", sub, "j1", "{\"a\":1}", 1769414400000 + i);
	}
	ck_assert_msg(snd_store_checkpoint_due(s), "no checkpoint due after %d commits", i);
	ck_assert_int_eq(snd_store_begin(s), SND_OK);
	ck_assert_int_eq(snd_store_checkpoint(s), SND_EINVAL); /* not inside a batch */
	ck_assert_int_eq(snd_store_rollback(s), SND_OK);
	ck_assert_int_eq(snd_store_checkpoint(s), SND_OK);
	ck_assert(!snd_store_checkpoint_due(s));
	put(s, "lsg", "after", "j1", "{\"a\":2}", 1769414500000);
	snd_store_close(s);

	r = open_store(dbpath, SND_STORE_READ);
	ck_assert_int_eq(snd_store_defer_checkpoints(r, 8), SND_EINVAL);
	all_rows(r, &rs);
	ck_assert_int_eq((int)rs.n, i + 1);
	snd_store_close(r);
}
END_TEST

static int import_cb(void *ctx, const struct snd_revision *r)
{
	struct snd_store *dst = ctx;
	ck_assert_msg(snd_store_import(dst, r) == SND_OK, "import: %s", snd_store_errmsg(dst));
	return 0;
}

START_TEST(test_store_import_relinks_into_second_db)
{
	struct snd_store *a = open_store(dbpath, SND_STORE_WRITE);
	struct snd_store *b = open_store(dbpath2, SND_STORE_WRITE);
	struct snd_store *ra;
	struct rows ra_rows, rb_rows;
	size_t i;

	put(a, "q", "alice", "j1", "{\"a\":1}", 1000);
	put(a, "q", "bob", "j2", "{\"b\":1}", 1100);
	put(a, "q", "alice", "j1", "{\"a\":2}", 1200);
	put(b, "q", "carol", "j3", "{\"c\":1}", 900); /* b has its own chain */
	snd_store_close(a);

	ra = open_store(dbpath, SND_STORE_READ);
	ck_assert_int_eq(snd_store_begin(b), SND_OK);
	ck_assert_int_eq(snd_store_each_revision(ra, import_cb, b), SND_OK);
	ck_assert_int_eq(snd_store_commit(b), SND_OK);
	/* Importing the same rows again adds nothing. */
	ck_assert_int_eq(snd_store_each_revision(ra, import_cb, b), SND_OK);

	all_rows(ra, &ra_rows);
	all_rows(b, &rb_rows);
	ck_assert_uint_eq(rb_rows.n, 4);
	assert_chain(&rb_rows);
	for (i = 0; i < 3; i++) {
		const struct row *x = &ra_rows.r[i], *y = &rb_rows.r[i + 1];
		ck_assert_str_eq(x->sub, y->sub);
		ck_assert_int_eq(x->rev, y->rev);
		ck_assert_str_eq(x->receipt, y->receipt);
		ck_assert_str_eq(x->hash, y->hash);
		ck_assert_str_eq(x->answers, y->answers);
		ck_assert_str_eq(x->jti, y->jti);
		ck_assert_int_eq(x->submitted_at, y->submitted_at);
	}
	memset(&rb_rows, 0, sizeof rb_rows);
	ck_assert_int_eq(snd_store_latest(b, "q", "alice", collect, &rb_rows), SND_OK);
	ck_assert_int_eq(rb_rows.r[0].rev, 2);
	/* Appending after an import continues the delegate's revs. */
	ck_assert_int_eq(put(b, "q", "alice", "j1", "{\"a\":3}", 5000), 3);
	snd_store_close(ra);
	snd_store_close(b);
}
END_TEST

/* Two collectors both stored a rev 1 for alice with different answers: the
 * merge keeps both and the one imported last is her latest. */
START_TEST(test_store_import_keeps_conflicting_revs_and_latest_is_last_imported)
{
	struct snd_store *a = open_store(dbpath, SND_STORE_WRITE);
	struct snd_store *b = open_store(dbpath2, SND_STORE_WRITE);
	struct snd_revision r;
	struct rows ra, rb;
	put(a, "q", "alice", "j1", "{\"from\":\"a\"}", 1000);
	put(b, "q", "alice", "j1", "{\"from\":\"b\"}", 2000);
	all_rows(b, &rb);
	snd_store_close(b);
	/* Import b's row into a, with answers_len 0 meaning NUL-terminated. */
	memset(&r, 0, sizeof r);
	r.qid = rb.r[0].qid;
	r.sub = rb.r[0].sub;
	r.ent = rb.r[0].ent;
	r.attrs = rb.r[0].attrs;
	r.jti = rb.r[0].jti;
	r.rev = rb.r[0].rev;
	r.answers = rb.r[0].answers;
	r.hash = rb.r[0].hash;
	r.receipt = rb.r[0].receipt;
	r.submitted_at = rb.r[0].submitted_at;
	r.prev = "ignored";
	r.link = "ignored";
	ck_assert_int_eq(snd_store_import(a, &r), SND_OK);
	all_rows(a, &ra);
	ck_assert_uint_eq(ra.n, 2);
	assert_chain(&ra);
	ck_assert_str_eq(ra.r[1].answers, "{\"from\":\"b\"}");
	memset(&ra, 0, sizeof ra);
	ck_assert_int_eq(snd_store_latest(a, "q", "alice", collect, &ra), SND_OK);
	ck_assert_str_eq(ra.r[0].answers, "{\"from\":\"b\"}");
	/* The next append still gets a fresh rev. */
	ck_assert_int_eq(put(a, "q", "alice", "j1", "{}", 3000), 2);
	snd_store_close(a);
}
END_TEST

/* Revocations as seen by snd_store_each_revocation, each checked against
 * the chain rule (seq dense from 1, prev = the link before, link =
 * snd_revocation_link). */
struct rv_rows {
	char jti[16][64];
	char link[16][65];
	int64_t at[16];
	size_t n;
	int bad;
};

static int collect_rv(void *ctx, const struct snd_revocation *v)
{
	struct rv_rows *k = ctx;
	char link[65];
	ck_assert_uint_lt(k->n, 16);
	if (v->seq != (int64_t)k->n + 1)
		k->bad++;
	if (strcmp(v->prev, k->n == 0 ? "0000000000000000000000000000000000000000000000000000000000000000"
	                               : k->link[k->n - 1]) != 0)
		k->bad++;
	snd_revocation_link(v, link);
	if (strcmp(link, v->link) != 0)
		k->bad++;
	snprintf(k->jti[k->n], sizeof k->jti[0], "%s", v->jti);
	snprintf(k->link[k->n], sizeof k->link[0], "%s", v->link);
	k->at[k->n] = v->revoked_at;
	k->n++;
	return 0;
}

START_TEST(test_store_revocations_form_a_chain)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct rv_rows k;
	struct snd_revocation v;
	char link[65];
	ck_assert_int_eq(snd_store_revoke(s, "jA", 5000), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "jB", 4000), SND_OK); /* chain order, not time */
	ck_assert_int_eq(snd_store_revoke(s, "jA", 7000), SND_OK); /* again: nothing added */
	/* inside a batch too (collector revoke --sub) */
	ck_assert_int_eq(snd_store_begin(s), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "jC", 6000), SND_OK);
	ck_assert_int_eq(snd_store_commit(s), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "bad\nid", 1), SND_EINVAL);
	memset(&k, 0, sizeof k);
	ck_assert_int_eq(snd_store_each_revocation(s, collect_rv, &k), SND_OK);
	ck_assert_uint_eq(k.n, 3);
	ck_assert_int_eq(k.bad, 0);
	ck_assert_str_eq(k.jti[0], "jA");
	ck_assert_str_eq(k.jti[1], "jB");
	ck_assert_str_eq(k.jti[2], "jC");
	ck_assert_int_eq(k.at[0], 5000);
	/* the documented string: prev "\n" seq "\n" jti "\n" revoked_at */
	{
		const char *doc = "0000000000000000000000000000000000000000000000000000000000000000"
		                  "\n1\njA\n5000";
		snd_sha256_hex(doc, strlen(doc), link);
		ck_assert_str_eq(link, k.link[0]);
	}
	memset(&v, 0, sizeof v);
	v.seq = 2;
	v.jti = "jB";
	v.revoked_at = 4001; /* an altered time changes the link */
	v.prev = k.link[0];
	snd_revocation_link(&v, link);
	ck_assert_str_ne(link, k.link[1]);
	snd_store_close(s);
}
END_TEST

/* A salted revision stores its salt; the receipt carries it; an unsalted
 * one stores NULL. */
START_TEST(test_store_append_keeps_the_salt)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_submission m;
	uint8_t salt[SND_SALT_BYTES];
	char salt_hex[33], hash[65], *receipt = NULL, *payload = NULL;
	int64_t rev = 0;
	size_t plen = 0;
	const char *ans = "{\"a\":1}";

	snd_salt_new(salt, salt_hex);
	snd_answers_digest(salt, ans, strlen(ans), hash);
	memset(&m, 0, sizeof m);
	m.qid = "q";
	m.sub = "alice";
	m.ent = "E";
	m.attrs = "{}";
	m.jti = "j1";
	m.answers = ans;
	m.answers_len = strlen(ans);
	m.hash = hash;
	m.salt = "0011"; /* malformed: refused */
	ck_assert_int_eq(snd_store_append(s, &m, sk, 1000, &rev, &receipt), SND_EINVAL);
	m.salt = salt_hex;
	ck_assert_int_eq(snd_store_append(s, &m, sk, 1000, &rev, &receipt), SND_OK);
	ck_assert_int_eq(snd_paseto_verify(pk, receipt, strlen(receipt), NULL, &payload, &plen, NULL),
	                 SND_OK);
	{
		char want[128];
		snprintf(want, sizeof want, "\"hash\":\"%s\",\"salt\":\"%s\"", hash, salt_hex);
		ck_assert_ptr_nonnull(strstr(payload, want));
	}
	free(payload);
	free(receipt);
	put(s, "q", "bob", "j2", "{}", 1100); /* no salt */
	snd_store_close(s);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM revision WHERE seq = 1 AND salt IS NOT NULL"), 1);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM revision WHERE seq = 2 AND salt IS NULL"), 1);
}
END_TEST

START_TEST(test_store_revoke_marks_rows_and_is_idempotent)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct rows rs;
	int revoked = -1;
	put(s, "q", "alice", "jA", "{}", 1000);
	put(s, "q", "bob", "jB", "{}", 1100);
	ck_assert_int_eq(snd_store_is_revoked(s, "jA", &revoked), SND_OK);
	ck_assert_int_eq(revoked, 0);
	ck_assert_int_eq(snd_store_revoke(s, "jA", 5000), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "jA", 6000), SND_OK);
	ck_assert_int_eq(snd_store_is_revoked(s, "jA", &revoked), SND_OK);
	ck_assert_int_eq(revoked, 1);
	ck_assert_int_eq(snd_store_is_revoked(s, "jB", &revoked), SND_OK);
	ck_assert_int_eq(revoked, 0);
	ck_assert_int_eq(sql_int(dbpath, "SELECT revoked_at FROM revoked WHERE jti = 'jA'"), 5000);
	all_rows(s, &rs);
	ck_assert_int_eq(rs.r[0].revoked, 1);
	ck_assert_int_eq(rs.r[1].revoked, 0);
	assert_chain(&rs); /* marking does not touch the rows */
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_each_latest(s, "q", collect, &rs), SND_OK);
	ck_assert_int_eq(rs.r[0].revoked, 1);
	ck_assert_int_eq(rs.r[1].revoked, 0);
	ck_assert_int_eq(snd_store_revoke(s, "", 1), SND_EINVAL);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_read_refuses_missing_file)
{
	struct snd_store *s = NULL;
	char err[512];
	ck_assert_int_eq(snd_store_open(dbpath, SND_STORE_READ, &s, err, sizeof err), SND_EIO);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(err, dbpath));
	ck_assert(access(dbpath, F_OK) != 0); /* and did not create it */
}
END_TEST

START_TEST(test_store_refuses_newer_schema)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	char err[512];
	snd_store_close(s);
	sql_exec(dbpath, "PRAGMA user_version = 99");
	s = NULL;
	ck_assert_int_eq(snd_store_open(dbpath, SND_STORE_READ, &s, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(err, "newer"));
	ck_assert_ptr_nonnull(strstr(err, dbpath));
	ck_assert_int_eq(snd_store_open(dbpath, SND_STORE_WRITE, &s, err, sizeof err), SND_EINVAL);
	ck_assert_int_eq(sql_int(dbpath, "PRAGMA user_version"), 99);
}
END_TEST

START_TEST(test_store_refuses_other_files)
{
	struct snd_store *s = NULL;
	char err[512];
	FILE *f;
	/* Another program's SQLite database, in both modes. */
	sql_exec(dbpath, "CREATE TABLE t (x)");
	ck_assert_int_eq(snd_store_open(dbpath, SND_STORE_READ, &s, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a Sounding database"));
	ck_assert_int_eq(snd_store_open(dbpath, SND_STORE_WRITE, &s, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a Sounding database"));
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM sqlite_schema"), 1);
	/* Not SQLite at all. */
	f = fopen(dbpath2, "w");
	ck_assert_ptr_nonnull(f);
	fputs("id,entity\nd1,Ruritania\n..................................................\n"
	      "..................................................................\n", f);
	fclose(f);
	ck_assert_int_ne(snd_store_open(dbpath2, SND_STORE_READ, &s, err, sizeof err), SND_OK);
	ck_assert_ptr_nonnull(strstr(err, "not a Sounding database"));
	ck_assert_int_ne(snd_store_open(dbpath2, SND_STORE_WRITE, &s, err, sizeof err), SND_OK);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_store_read_mode_reads_but_never_writes)
{
	struct snd_store *w = open_store(dbpath, SND_STORE_WRITE);
	struct snd_store *r;
	struct rows rs;
	put(w, "q", "alice", "j1", "{}", 1000);
	snd_store_close(w); /* the WAL is checkpointed and removed */
	r = open_store(dbpath, SND_STORE_READ);
	all_rows(r, &rs);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_int_eq(snd_store_begin(r), SND_EINVAL);
	ck_assert_int_eq(snd_store_revoke(r, "j1", 1), SND_EINVAL);
	snd_store_close(r);
}
END_TEST

START_TEST(test_store_version_changes_after_commit)
{
	struct snd_store *w = open_store(dbpath, SND_STORE_WRITE);
	struct snd_store *r = open_store(dbpath, SND_STORE_READ);
	int64_t v0, v1, v2, v3;
	ck_assert_int_eq(snd_store_version(r, &v0), SND_OK);
	ck_assert_int_eq(snd_store_begin(w), SND_OK);
	put(w, "q", "alice", "j1", "{}", 1000);
	ck_assert_int_eq(snd_store_version(r, &v1), SND_OK);
	ck_assert_int_eq(v0, v1); /* not committed yet */
	ck_assert_int_eq(snd_store_commit(w), SND_OK);
	ck_assert_int_eq(snd_store_version(r, &v2), SND_OK);
	ck_assert_int_ne(v1, v2);
	ck_assert_int_eq(snd_store_revoke(w, "j1", 2000), SND_OK);
	ck_assert_int_eq(snd_store_version(r, &v3), SND_OK);
	ck_assert_int_ne(v2, v3);
	snd_store_close(r);
	snd_store_close(w);
}
END_TEST

START_TEST(test_store_two_writers_do_not_fork_the_chain)
{
	struct snd_store *a = open_store(dbpath, SND_STORE_WRITE);
	struct snd_store *b = open_store(dbpath, SND_STORE_WRITE);
	struct rows rs;
	put(a, "q", "alice", "j1", "{}", 1000);
	put(b, "q", "bob", "j2", "{}", 1100); /* b's head was loaded before a wrote */
	put(a, "q", "alice", "j1", "{\"a\":1}", 1200);
	all_rows(a, &rs);
	ck_assert_uint_eq(rs.n, 3);
	assert_chain(&rs);
	ck_assert_int_eq(rs.r[2].rev, 2);
	snd_store_close(a);
	snd_store_close(b);
}
END_TEST

START_TEST(test_store_altered_row_breaks_recomputed_link)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct rows rs;
	put(s, "q", "alice", "j1", "{\"a\":1}", 1000);
	put(s, "q", "bob", "j2", "{\"b\":1}", 1100);
	put(s, "q", "carol", "j3", "{\"c\":1}", 1200);
	snd_store_close(s);
	sql_exec(dbpath, "UPDATE revision SET rev = 7 WHERE seq = 2");
	s = open_store(dbpath, SND_STORE_READ);
	all_rows(s, &rs);
	ck_assert_str_eq(rs.r[0].link, rs.r[0].computed);
	ck_assert_str_ne(rs.r[1].link, rs.r[1].computed);
	ck_assert_str_eq(rs.r[2].link, rs.r[2].computed);
	snd_store_close(s);
	/* Deleting a row leaves a gap whose prev no longer matches. */
	sql_exec(dbpath, "DELETE FROM revision WHERE seq = 2");
	s = open_store(dbpath, SND_STORE_READ);
	all_rows(s, &rs);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_str_ne(rs.r[1].prev, rs.r[0].link);
	snd_store_close(s);
}
END_TEST

/* A database as version 1 of the schema left it: two revisions of alice
 * and one of bob. */
static const char v1_db[] =
	"PRAGMA application_id = 1397638215;"
	"CREATE TABLE questionnaire (id TEXT NOT NULL, source TEXT NOT NULL,"
	" source_hash TEXT NOT NULL, stored_at INTEGER NOT NULL,"
	" PRIMARY KEY (id, source_hash)) WITHOUT ROWID;"
	"CREATE TABLE delegate (qid TEXT NOT NULL, sub TEXT NOT NULL, ent TEXT NOT NULL,"
	" attrs TEXT NOT NULL, role TEXT NOT NULL, first_seen INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL, PRIMARY KEY (qid, sub)) WITHOUT ROWID;"
	"CREATE TABLE revision (seq INTEGER PRIMARY KEY, qid TEXT NOT NULL, sub TEXT NOT NULL,"
	" ent TEXT NOT NULL, attrs TEXT NOT NULL, jti TEXT NOT NULL, rev INTEGER NOT NULL,"
	" answers TEXT NOT NULL, hash TEXT NOT NULL, receipt TEXT NOT NULL,"
	" submitted_at INTEGER NOT NULL, prev TEXT NOT NULL, link TEXT NOT NULL,"
	" FOREIGN KEY (qid, sub) REFERENCES delegate (qid, sub));"
	"CREATE INDEX revision_delegate ON revision (qid, sub, seq);"
	"CREATE TABLE latest (qid TEXT NOT NULL, sub TEXT NOT NULL,"
	" seq INTEGER NOT NULL REFERENCES revision (seq), max_rev INTEGER NOT NULL,"
	" PRIMARY KEY (qid, sub)) WITHOUT ROWID;"
	"CREATE INDEX latest_seq ON latest (qid, seq);"
	"CREATE TABLE revoked (jti TEXT PRIMARY KEY NOT NULL, revoked_at INTEGER NOT NULL)"
	" WITHOUT ROWID;"
	"INSERT INTO delegate VALUES ('q', 'alice', 'E', '{}', 'delegate', 1, 3),"
	" ('q', 'bob', 'E', '{}', 'delegate', 2, 2);"
	"INSERT INTO revision VALUES (1, 'q', 'alice', 'E', '{}', 'j1', 1, '{}', 'h', 'r', 1, 'p', 'l1'),"
	" (2, 'q', 'bob', 'E', '{}', 'j2', 1, '{}', 'h', 'r', 2, 'l1', 'l2'),"
	" (3, 'q', 'alice', 'E', '{}', 'j1', 2, '{\"a\":2}', 'h', 'r', 3, 'l2',"
	" '0123456789012345678901234567890123456789012345678901234567890123');"
	"INSERT INTO latest VALUES ('q', 'alice', 3, 2), ('q', 'bob', 2, 1);"
	"INSERT INTO revoked VALUES ('j9', 50), ('j8', 40), ('j7', 40);"
	"PRAGMA user_version = 1;";

START_TEST(test_store_migrates_version_1_forward)
{
	struct snd_store *s;
	struct rows rs;
	sql_exec(dbpath, v1_db);
	s = open_store(dbpath, SND_STORE_WRITE);
	ck_assert_int_eq(sql_int(dbpath, "PRAGMA user_version"), SCHEMA_NOW);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM sqlite_schema WHERE name = 'latest'"),
	                 0);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM schedule"), 0); /* and 2 -> 3 */
	ck_assert_int_eq(sql_int(dbpath, "SELECT prior_seq FROM revision WHERE seq = 3"), 1);
	ck_assert_int_eq(sql_int(dbpath, "SELECT prior_seq IS NULL FROM revision WHERE seq = 1"), 1);
	/* 6 -> 7: the rows stored before salts have none; the revocations
	 * there are chained in revoked_at order (then jti). */
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM revision WHERE salt IS NULL"), 3);
	{
		struct rv_rows k;
		memset(&k, 0, sizeof k);
		ck_assert_int_eq(snd_store_each_revocation(s, collect_rv, &k), SND_OK);
		ck_assert_uint_eq(k.n, 3);
		ck_assert_str_eq(k.jti[0], "j7");
		ck_assert_str_eq(k.jti[1], "j8");
		ck_assert_str_eq(k.jti[2], "j9");
		ck_assert_int_eq(k.bad, 0);
	}
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_latest(s, "q", "alice", collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_int_eq(rs.r[0].seq, 3);
	ck_assert_str_eq(rs.r[0].answers, "{\"a\":2}");
	/* The chain and the revs continue from what version 1 stored. */
	ck_assert_int_eq(put(s, "q", "alice", "j1", "{}", 4), 3);
	ck_assert_int_eq(put(s, "q", "bob", "j2", "{}", 5), 2);
	all_rows(s, &rs);
	ck_assert_uint_eq(rs.n, 5);
	ck_assert_str_eq(rs.r[3].prev, rs.r[2].link);
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_each_latest(s, "q", collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_int_eq(rs.r[0].seq, 4);
	ck_assert_int_eq(rs.r[1].seq, 5);
	snd_store_close(s);
	/* A READ connection refuses nothing any more. */
	s = open_store(dbpath, SND_STORE_READ);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_read_refuses_older_schema)
{
	struct snd_store *s = NULL;
	char err[512];
	sql_exec(dbpath, v1_db);
	ck_assert_int_eq(snd_store_open(dbpath, SND_STORE_READ, &s, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "older"));
	ck_assert_int_eq(sql_int(dbpath, "PRAGMA user_version"), 1);
}
END_TEST

START_TEST(test_store_put_form_is_idempotent)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_form f;
	memset(&f, 0, sizeof f);
	f.id = "lsg";
	f.source = "{\"id\":\"lsg\"}";
	f.source_len = strlen(f.source);
	snprintf(f.source_hash, sizeof f.source_hash, "%064d", 1);
	ck_assert_int_eq(snd_store_put_form(s, &f), SND_OK);
	ck_assert_int_eq(snd_store_put_form(s, &f), SND_OK);
	snd_store_close(s);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM questionnaire"), 1);
}
END_TEST

START_TEST(test_store_window_set_get_and_seen_at_once_by_readers)
{
	struct snd_store *w = open_store(dbpath, SND_STORE_WRITE);
	struct snd_store *r = open_store(dbpath, SND_STORE_READ);
	struct snd_form f;
	struct snd_window win;
	int64_t o = -1, c = -1;
	int ho = -1, hc = -1, found = -1;

	memset(&f, 0, sizeof f);
	f.id = "lsg";
	f.has_opens = f.has_closes = 1;
	f.opens = 1000;
	f.closes = 2000;
	/* No row: found 0, everything zeroed; the form's window counts. */
	ck_assert_int_eq(snd_store_window(r, "lsg", &ho, &o, &hc, &c, &found), SND_OK);
	ck_assert_int_eq(found, 0);
	ck_assert(ho == 0 && hc == 0 && o == 0 && c == 0);
	ck_assert_int_eq(snd_store_effective_window(r, &f, &win), SND_OK);
	ck_assert(!win.overridden && win.has_opens && win.opens == 1000 && win.closes == 2000);
	ck_assert_int_eq(snd_window_is_open(&win, 999), SND_ECLOSED);
	ck_assert_int_eq(snd_window_is_open(&win, 1000), SND_OK);
	ck_assert_int_eq(snd_window_is_open(&win, 1999), SND_OK);
	ck_assert_int_eq(snd_window_is_open(&win, 2000), SND_ECLOSED);

	/* Closing early: the row replaces the form's window as a whole, and
	 * a reader connection opened before the write sees it at once. */
	ck_assert_int_eq(snd_store_set_window(w, "lsg", 1, 1000000, 1, 1500999, 1400000), SND_OK);
	ck_assert_int_eq(snd_store_window(r, "lsg", &ho, &o, &hc, &c, &found), SND_OK);
	ck_assert(found == 1 && ho == 1 && o == 1000000 && hc == 1 && c == 1500999);
	ck_assert_int_eq(snd_store_effective_window(r, &f, &win), SND_OK);
	ck_assert(win.overridden && win.set_at_ms == 1400000);
	ck_assert_int_eq(win.closes, 1500); /* floored to the second */
	ck_assert_int_eq(snd_window_is_open(&win, 1499), SND_OK);
	ck_assert_int_eq(snd_window_is_open(&win, 1500), SND_ECLOSED);

	/* Reopening with no end: NULL bounds mean none, not "the form's". */
	ck_assert_int_eq(snd_store_set_window(w, "lsg", 1, 2500000, 0, 0, 2500000), SND_OK);
	ck_assert_int_eq(snd_store_window(r, "lsg", &ho, &o, &hc, &c, &found), SND_OK);
	ck_assert(found == 1 && ho == 1 && o == 2500000 && hc == 0);
	ck_assert_int_eq(snd_store_effective_window(r, &f, &win), SND_OK);
	ck_assert(!win.has_closes);
	ck_assert_int_eq(snd_window_is_open(&win, 1 << 30), SND_OK);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM schedule"), 1);
	ck_assert_int_eq(sql_int(dbpath, "SELECT opens FROM schedule WHERE qid = 'lsg'"), 2500000);
	ck_assert_int_eq(sql_int(dbpath, "SELECT closes IS NULL FROM schedule WHERE qid = 'lsg'"), 1);

	/* Other questionnaires are untouched; readers cannot write. */
	ck_assert_int_eq(snd_store_window(r, "other", &ho, &o, &hc, &c, &found), SND_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(snd_store_set_window(r, "lsg", 0, 0, 1, 1, 1), SND_EINVAL);
	ck_assert_int_eq(snd_store_set_window(w, "", 0, 0, 1, 1, 1), SND_EINVAL);
	/* A quote in an id is data, not SQL (bound parameters). */
	ck_assert_int_eq(snd_store_set_window(w, "x'); DROP TABLE schedule; --", 0, 0, 1, 7, 1),
	                 SND_OK);
	ck_assert_int_eq(snd_store_window(r, "x'); DROP TABLE schedule; --", &ho, &o, &hc, &c,
	                                  &found), SND_OK);
	ck_assert(found == 1 && hc == 1 && c == 7);
	snd_store_close(r);
	snd_store_close(w);
}
END_TEST

struct formrows {
	char ids[8][32];
	char sources[8][64];
	size_t n;
};

static int formrow(void *ctx, const char *qid, const char *source, size_t len, int64_t at)
{
	struct formrows *fr = ctx;
	(void)at;
	ck_assert_uint_lt(fr->n, 8);
	snprintf(fr->ids[fr->n], sizeof fr->ids[0], "%s", qid);
	snprintf(fr->sources[fr->n], sizeof fr->sources[0], "%.*s", (int)len, source);
	fr->n++;
	return 0;
}

START_TEST(test_store_each_form_gives_newest_version_and_counts)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct formrows fr;
	int64_t d = -1, r = -1;
	memset(&fr, 0, sizeof fr);
	sql_exec(dbpath, "INSERT INTO questionnaire VALUES ('b', '{\"v\":1}', 'h1', 100),"
	                 " ('b', '{\"v\":2}', 'h2', 200), ('a', '{}', 'h3', 50)");
	ck_assert_int_eq(snd_store_each_form(s, formrow, &fr), SND_OK);
	ck_assert_uint_eq(fr.n, 2);
	ck_assert_str_eq(fr.ids[0], "a");
	ck_assert_str_eq(fr.ids[1], "b");
	ck_assert_str_eq(fr.sources[1], "{\"v\":2}");
	put(s, "b", "alice", "j1", "{}", 1000);
	put(s, "b", "alice", "j1", "{\"a\":1}", 1001);
	put(s, "b", "bob", "j2", "{}", 1002);
	put(s, "a", "carol", "j3", "{}", 1003);
	ck_assert_int_eq(snd_store_counts(s, "b", &d, &r), SND_OK);
	ck_assert(d == 2 && r == 3);
	ck_assert_int_eq(snd_store_counts(s, "zz", &d, &r), SND_OK);
	ck_assert(d == 0 && r == 0);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_draft_latest_save_wins_and_append_deletes_it)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE), *rd;
	char *a = NULL;
	size_t len = 0;
	int64_t at = 0;
	int found = -1;
	ck_assert_int_eq(snd_store_draft(s, "q", "alice", &a, &len, &at, &found), SND_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(snd_store_put_draft(s, "q", "alice", "{\"a\":1}", 7, 1000), SND_OK);
	ck_assert_int_eq(snd_store_put_draft(s, "q", "alice", "{\"a\":2}", 7, 2000), SND_OK);
	ck_assert_int_eq(snd_store_put_draft(s, "q", "bob", "{}", 2, 2500), SND_OK);
	/* committed: another connection sees the latest save */
	rd = open_store(dbpath, SND_STORE_READ);
	ck_assert_int_eq(snd_store_draft(rd, "q", "alice", &a, &len, &at, &found), SND_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_str_eq(a, "{\"a\":2}");
	ck_assert_uint_eq(len, 7);
	ck_assert_int_eq(at, 2000);
	free(a);
	/* drafts are not revisions: nothing in the chain */
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM revision"), 0);
	/* a draft is refused inside a batch, and on a reader */
	ck_assert_int_eq(snd_store_put_draft(rd, "q", "alice", "{}", 2, 1), SND_EINVAL);
	ck_assert_int_eq(snd_store_begin(s), SND_OK);
	ck_assert_int_eq(snd_store_put_draft(s, "q", "alice", "{}", 2, 1), SND_EINVAL);
	ck_assert_int_eq(snd_store_rollback(s), SND_OK);
	/* submitting deletes the submitter's draft, with the revision */
	put(s, "q", "alice", "j1", "{\"a\":3}", 3000);
	ck_assert_int_eq(snd_store_draft(rd, "q", "alice", &a, &len, &at, &found), SND_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(snd_store_draft(rd, "q", "bob", &a, &len, &at, &found), SND_OK);
	ck_assert_int_eq(found, 1);
	free(a);
	snd_store_close(rd);
	snd_store_close(s);
}
END_TEST

/* Version 2 is version 5 without the schedule, roll, mail_sent and draft tables. */
START_TEST(test_store_migrates_version_2_forward)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct rows rs;
	char err[512];
	int64_t o, c;
	int ho, hc, found = -1;
	put(s, "q", "alice", "j1", "{}", 1000);
	put(s, "q", "alice", "j1", "{\"a\":1}", 1100);
	snd_store_close(s);
	sql_exec(dbpath, "DROP TABLE schedule; DROP TABLE roll; DROP TABLE mail_sent; "
	                 "DROP TABLE record; DROP TABLE draft; DROP INDEX revoked_seq; "
	                 "ALTER TABLE revoked DROP COLUMN seq; ALTER TABLE revoked DROP COLUMN prev; "
	                 "ALTER TABLE revoked DROP COLUMN link; ALTER TABLE revision DROP COLUMN salt; "
	                 "PRAGMA user_version = 2;");
	/* A reader refuses it and changes nothing; a writer migrates it. */
	s = NULL;
	ck_assert_int_eq(snd_store_open(dbpath, SND_STORE_READ, &s, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "older"));
	ck_assert_int_eq(sql_int(dbpath, "PRAGMA user_version"), 2);
	s = open_store(dbpath, SND_STORE_WRITE);
	ck_assert_int_eq(sql_int(dbpath, "PRAGMA user_version"), SCHEMA_NOW);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM schedule"), 0);
	ck_assert_int_eq(snd_store_window(s, "q", &ho, &o, &hc, &c, &found), SND_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(snd_store_set_window(s, "q", 0, 0, 1, 5000, 4000), SND_OK);
	/* The revisions and the chain continue as they were. */
	ck_assert_int_eq(put(s, "q", "alice", "j1", "{}", 1200), 3);
	all_rows(s, &rs);
	ck_assert_uint_eq(rs.n, 3);
	assert_chain(&rs);
	snd_store_close(s);
	s = open_store(dbpath, SND_STORE_READ);
	ck_assert_int_eq(snd_store_window(s, "q", &ho, &o, &hc, &c, &found), SND_OK);
	ck_assert(found == 1 && hc == 1 && c == 5000 && ho == 0);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_pseudonym_is_keyed_and_stable)
{
	uint8_t pk2[SND_PK_BYTES], sk2[SND_SK_BYTES];
	char a[33], b[33], c[33], d[33];
	size_t i;
	crypto_sign_keypair(pk2, sk2);
	snd_pseudonym(sk, "q", "alice", a);
	snd_pseudonym(sk, "q", "alice", b);
	snd_pseudonym(sk, "q", "bob", c);
	snd_pseudonym(sk2, "q", "alice", d);
	ck_assert_uint_eq(strlen(a), 32);
	for (i = 0; i < 32; i++)
		ck_assert(strchr("0123456789abcdef", a[i]) != NULL);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_str_ne(a, d);
	/* The "\n" separator keeps (q, "x\ny") and ("q\nx", "y") apart only
	 * if ids cannot hold newlines; ids are [a-z0-9_] and token subs. */
	snd_pseudonym(sk, "q1", "alice", d);
	ck_assert_str_ne(a, d);
}
END_TEST

/* ------------------------------------------------------------ the roll */

static void roll_entry(struct snd_roll_entry *e, const char *sub, const char *jti,
                       const char *email)
{
	memset(e, 0, sizeof *e);
	e->qid = "q";
	e->sub = sub;
	e->ent = "Ruritania";
	e->attrs = "{\"region\":\"europe\"}";
	e->role = "delegate";
	e->jti = jti;
	e->expires = 2000000000;
	e->email = email;
	e->lang = "fr";
	e->issued_at = 1000;
}

struct roll_seen {
	char line[8][160];
	size_t n;
};

static int roll_collect(void *ctx, const struct snd_roll_entry *e)
{
	struct roll_seen *rs = ctx;
	ck_assert_uint_lt(rs->n, 8);
	snprintf(rs->line[rs->n++], sizeof rs->line[0], "%s %s %s %s r%d a%d", e->sub, e->jti,
	         e->email, e->lang, e->revoked, e->answered);
	return 0;
}

START_TEST(test_store_roll_add_is_idempotent_and_names_a_conflicting_field)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_roll_entry e;
	int added = -1;
	roll_entry(&e, "alice", "jA", "alice@example.org");
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_OK);
	ck_assert_int_eq(added, 1);
	e.issued_at = 9999; /* not compared: the first time is kept */
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_OK);
	ck_assert_int_eq(added, 0);
	e.email = "other@example.org";
	added = -1;
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_EEXIST);
	ck_assert_int_eq(added, -1);
	ck_assert_ptr_nonnull(strstr(snd_store_errmsg(s), "email"));
	roll_entry(&e, "bob", "jB", "");
	e.role = "admin";
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_EINVAL);
	e.role = "delegate";
	e.attrs = "{\"n\":1}";
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_EINVAL);
	e.attrs = "{}";
	e.sub = "bo\nb";
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_EINVAL);
	ck_assert_int_eq(sql_int(dbpath, "SELECT count(*) FROM roll"), 1);
	ck_assert_int_eq(sql_int(dbpath, "SELECT issued_at FROM roll"), 1000);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_roll_each_marks_answered_and_revoked_links)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_roll_entry e;
	struct roll_seen rs;
	int added;
	roll_entry(&e, "alice", "jA", "alice@example.org");
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_OK);
	roll_entry(&e, "bob", "jB", "");
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_OK);
	roll_entry(&e, "bob", "jB2", "bob@example.org");
	e.issued_at = 2000;
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_OK);
	roll_entry(&e, "carol", "jC", "");
	e.qid = "other";
	ck_assert_int_eq(snd_store_roll_add(s, &e, &added), SND_OK);
	put(s, "q", "alice", "jA", "{}", 3000);
	ck_assert_int_eq(snd_store_revoke(s, "jB", 4000), SND_OK);
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_roll_each(s, "q", NULL, roll_collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 3);
	ck_assert_str_eq(rs.line[0], "alice jA alice@example.org fr r0 a1");
	ck_assert_str_eq(rs.line[1], "bob jB2 bob@example.org fr r0 a0"); /* newest first */
	ck_assert_str_eq(rs.line[2], "bob jB  fr r1 a0");
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_roll_each(s, "q", "bob", roll_collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 2);
	memset(&rs, 0, sizeof rs);
	ck_assert_int_eq(snd_store_roll_each(s, "q", "nobody", roll_collect, &rs), SND_OK);
	ck_assert_uint_eq(rs.n, 0);
	snd_store_close(s);
}
END_TEST

START_TEST(test_store_mail_log_counts_per_kind)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	int64_t n = -1;
	ck_assert_int_eq(snd_store_mail_count(s, "q", "alice", "invite", &n), SND_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(snd_store_mail_record(s, "q", "alice", "invite", "<a@example.org>", 1),
	                 SND_OK);
	ck_assert_int_eq(snd_store_mail_record(s, "q", "alice", "invite", "<b@example.org>", 2),
	                 SND_OK);
	ck_assert_int_eq(snd_store_mail_count(s, "q", "alice", "invite", &n), SND_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(snd_store_mail_count(s, "q", "alice", "remind", &n), SND_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(snd_store_mail_record(s, "q", "alice", "invite", "", 3), SND_EINVAL);
	snd_store_close(s);
}
END_TEST

/* The chair's record: a chain of its own, the latest per key, checked
 * fields, the summary's arrays in form order. */
static int count_rec(void *ctx, const struct snd_record *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static int last_status(void *ctx, const struct snd_record *r)
{
	snprintf(ctx, 32, "%s/%s", r->entity, r->status);
	return 0;
}

START_TEST(test_store_record_chain_latest_per_key_and_checks)
{
	struct snd_store *s = open_store(dbpath, SND_STORE_WRITE);
	struct snd_record r;
	char link[65], prev[65], last[32] = "";
	const char *field;
	int n = 0;

	memset(&r, 0, sizeof r);
	r.kind = SND_REC_DISPOSITION;
	r.qid = "q";
	r.question = "p";
	r.entity = "E1";
	r.status = "open";
	r.text = "first";
	r.by = "chair";
	r.at = 1000;
	ck_assert_int_eq(snd_store_record_add(s, &r, link), SND_OK);
	ck_assert_int_eq(r.seq, 1);
	memcpy(prev, link, sizeof prev);
	r.status = "resolved";
	r.text = "second\nline";
	r.at = 2000;
	ck_assert_int_eq(snd_store_record_add(s, &r, link), SND_OK);
	ck_assert_int_eq(r.seq, 2);
	/* the link covers prev: recomputed from the stored fields it matches */
	{
		struct snd_record c = r;
		char again[65];
		c.prev = prev;
		snd_record_link(&c, again);
		ck_assert_str_eq(again, link);
		c.text = "altered";
		snd_record_link(&c, again);
		ck_assert_str_ne(again, link);
	}
	/* refused before anything is written */
	r.status = "closed";
	ck_assert_int_eq(snd_store_record_add(s, &r, link), SND_EINVAL);
	ck_assert_int_eq(snd_record_check(&r, &field), -1);
	ck_assert_str_eq(field, "status");
	r.status = "open";
	r.entity = "bad\x01";
	ck_assert_int_eq(snd_record_check(&r, &field), -1);
	ck_assert_str_eq(field, "entity");
	r.kind = SND_REC_OUTCOME;
	r.entity = "";
	r.status = "";
	r.text = "Agreed.";
	ck_assert_int_eq(snd_store_record_add(s, &r, link), SND_OK);
	ck_assert_int_eq(r.seq, 3);

	ck_assert_int_eq(snd_store_each_record(s, count_rec, &n), SND_OK);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(snd_store_each_disposition(s, "q", last_status, last), SND_OK);
	ck_assert_str_eq(last, "E1/resolved");
	snd_store_close(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_creates_versioned_wal_schema);
	tcase_add_test(tc, test_store_append_assigns_rev_per_delegate);
	tcase_add_test(tc, test_store_append_outside_batch_commits_itself);
	tcase_add_test(tc, test_store_latest_returns_newest);
	tcase_add_test(tc, test_store_each_latest_streams_one_per_delegate_in_seq_order);
	tcase_add_test(tc, test_store_reopen_keeps_chain_head);
	tcase_add_test(tc, test_store_rollback_leaves_nothing_and_restores_head);
	tcase_add_test(tc, test_store_failed_append_keeps_rest_of_batch);
	tcase_add_test(tc, test_store_rejects_malformed_submission);
	tcase_add_test(tc, test_store_chain_links_recompute);
	tcase_add_test(tc, test_store_receipt_verifies_with_receipt_key);
	tcase_add_test(tc, test_store_append_signed_keeps_a_right_receipt_and_resigns_a_wrong_guess);
	tcase_add_test(tc, test_store_deferred_checkpoint_is_due_past_the_threshold_and_runs_outside_a_batch);
	tcase_add_test(tc, test_store_import_relinks_into_second_db);
	tcase_add_test(tc, test_store_import_keeps_conflicting_revs_and_latest_is_last_imported);
	tcase_add_test(tc, test_store_revoke_marks_rows_and_is_idempotent);
	tcase_add_test(tc, test_store_read_refuses_missing_file);
	tcase_add_test(tc, test_store_refuses_newer_schema);
	tcase_add_test(tc, test_store_refuses_other_files);
	tcase_add_test(tc, test_store_read_mode_reads_but_never_writes);
	tcase_add_test(tc, test_store_version_changes_after_commit);
	tcase_add_test(tc, test_store_two_writers_do_not_fork_the_chain);
	tcase_add_test(tc, test_store_altered_row_breaks_recomputed_link);
	tcase_add_test(tc, test_store_migrates_version_1_forward);
	tcase_add_test(tc, test_store_read_refuses_older_schema);
	tcase_add_test(tc, test_store_put_form_is_idempotent);
	tcase_add_test(tc, test_store_pseudonym_is_keyed_and_stable);
	tcase_add_test(tc, test_store_window_set_get_and_seen_at_once_by_readers);
	tcase_add_test(tc, test_store_each_form_gives_newest_version_and_counts);
	tcase_add_test(tc, test_store_migrates_version_2_forward);
	tcase_add_test(tc, test_store_roll_add_is_idempotent_and_names_a_conflicting_field);
	tcase_add_test(tc, test_store_roll_each_marks_answered_and_revoked_links);
	tcase_add_test(tc, test_store_mail_log_counts_per_kind);
	tcase_add_test(tc, test_store_record_chain_latest_per_key_and_checks);
	tcase_add_test(tc, test_store_draft_latest_save_wins_and_append_deletes_it);
	tcase_add_test(tc, test_store_revocations_form_a_chain);
	tcase_add_test(tc, test_store_append_keeps_the_salt);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
