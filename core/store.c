/* store.c - the SQLite database: schema and migrations, the one table of
 * SQL statements, opening and closing a connection.
 *
 * The store is five files around one internal header (store_int.h: struct
 * snd_store, the statement ids, the helpers every statement goes through):
 *   store.c        schema, migrations, sql[], open/close, put_form
 *   store_write.c  batches, append/import, the hash chain, receipts,
 *                  deferred checkpoints
 *   store_read.c   scans: latest rows, every revision, counts, the tally's
 *                  slim walk
 *   store_sched.c  revocations and the schedule (opening-time overrides)
 *   store_roll.c   the roll (who was invited) and the mail log
 *   store_draft.c  drafts: partial answers kept outside the chain
 *
 * This file owns:
 *   - the schema (docs/schema.md describes it for analysts) and its forward
 *     migrations, keyed by PRAGMA user_version and marked by
 *     PRAGMA application_id;
 *   - every SQL statement the library runs on data, as constants in sql[]
 *     below, prepared at most once per connection and reused (reset +
 *     clear); the only other SQL is constant too: pragmas at open and the
 *     migration scripts.  The tally's two walks are in sql[] too but are
 *     prepared per walk and finalized after it (store_prepare_once);
 *   - the lifetime of a connection: struct snd_store is made and freed here.
 *
 * Invariants (of the whole store; the other files name them by number):
 *   1. Revision rows are never updated or deleted by Sounding; revocation
 *      lives in its own table and is joined in when rows are read, so every
 *      link stays recomputable from the row it belongs to.  (Migration 2
 *      filled in prior_seq, a column outside the chain, once.)
 *   2. seq is dense (1, 2, 3 ...) and row seq's prev equals row (seq - 1)'s
 *      link; the first row's prev is 64 zeros.  Writers assign seq
 *      themselves from the chain head, never from AUTOINCREMENT.
 *   3. Outside a batch, head_seq/head_link equal the last committed row.
 *      Inside a batch they include the batch's appends; batch_seq/batch_link
 *      hold their values at begin so rollback can restore them.  begin
 *      re-reads the head under the write lock, so another connection that
 *      wrote in between cannot fork the chain.
 *   4. delegate.latest_seq names the highest seq of that delegate,
 *      delegate.max_rev the highest rev ever given to it, and each revision's
 *      prior_seq the delegate's revision before it (NULL for the first):
 *      a list per delegate, newest first.  All are written in the same
 *      savepoint as the revision row, so they never disagree with it.
 *   5. Each append/import runs in its own savepoint: a failed one leaves the
 *      batch and the chain head exactly as before it, so the writer may drop
 *      that one submission and still commit the rest.
 *   6. Every value reaches SQL through a bound parameter.
 *   7. A schedule row (migration 3) replaces its questionnaire's form
 *      window as a whole; the collector reads it on each request that asks
 *      "open?", so a row written by another process counts at once.
 */
#include "store_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* "SNDG": tells a Sounding database from any other SQLite file. */
#define SND_APP_ID 0x534e4447

/* ------------------------------------------------------------- migrations
 * migrations[i] takes a database from user_version i to i + 1.  Steps are
 * only ever appended: a released step is never edited, since databases in
 * the field already ran it. */

static const char *const migrations[] = {
	/* 0 -> 1: the initial schema. */
	"PRAGMA application_id = 1397638215;\n" /* SND_APP_ID */
	"CREATE TABLE questionnaire (\n"
	"  id          TEXT NOT NULL,\n"
	"  source      TEXT NOT NULL,\n"
	"  source_hash TEXT NOT NULL,\n"
	"  stored_at   INTEGER NOT NULL,\n"
	"  PRIMARY KEY (id, source_hash)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE delegate (\n"
	"  qid        TEXT NOT NULL,\n"
	"  sub        TEXT NOT NULL,\n"
	"  ent        TEXT NOT NULL,\n"
	"  attrs      TEXT NOT NULL,\n"
	"  role       TEXT NOT NULL,\n"
	"  first_seen INTEGER NOT NULL,\n"
	"  last_seen  INTEGER NOT NULL,\n"
	"  PRIMARY KEY (qid, sub)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE revision (\n"
	"  seq          INTEGER PRIMARY KEY,\n"
	"  qid          TEXT NOT NULL,\n"
	"  sub          TEXT NOT NULL,\n"
	"  ent          TEXT NOT NULL,\n"
	"  attrs        TEXT NOT NULL,\n"
	"  jti          TEXT NOT NULL,\n"
	"  rev          INTEGER NOT NULL,\n"
	"  answers      TEXT NOT NULL,\n"
	"  hash         TEXT NOT NULL,\n"
	"  receipt      TEXT NOT NULL,\n"
	"  submitted_at INTEGER NOT NULL,\n"
	"  prev         TEXT NOT NULL,\n"
	"  link         TEXT NOT NULL,\n"
	"  FOREIGN KEY (qid, sub) REFERENCES delegate (qid, sub)\n"
	");\n"
	"CREATE INDEX revision_delegate ON revision (qid, sub, seq);\n"
	"CREATE TABLE latest (\n"
	"  qid     TEXT NOT NULL,\n"
	"  sub     TEXT NOT NULL,\n"
	"  seq     INTEGER NOT NULL REFERENCES revision (seq),\n"
	"  max_rev INTEGER NOT NULL,\n"
	"  PRIMARY KEY (qid, sub)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX latest_seq ON latest (qid, seq);\n"
	"CREATE TABLE revoked (\n"
	"  jti        TEXT PRIMARY KEY NOT NULL,\n"
	"  revoked_at INTEGER NOT NULL\n"
	") WITHOUT ROWID;\n"
	"PRAGMA user_version = 1;\n",

	/* 1 -> 2: the latest pointer moves into delegate, and each revision
	 * points to the delegate's previous one.  Measured on 30,000 appends
	 * in batches of 64: pages written fall from 9.3 to 4.9 per row, since
	 * latest and revision_delegate were two more b-trees keyed by a
	 * random (qid, sub) that every append dirtied. */
	"ALTER TABLE delegate ADD COLUMN latest_seq INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE delegate ADD COLUMN max_rev INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE revision ADD COLUMN prior_seq INTEGER;\n"
	"UPDATE delegate SET\n"
	"  latest_seq = ifnull((SELECT seq FROM latest l\n"
	"                       WHERE l.qid = delegate.qid AND l.sub = delegate.sub), 0),\n"
	"  max_rev = ifnull((SELECT max_rev FROM latest l\n"
	"                    WHERE l.qid = delegate.qid AND l.sub = delegate.sub), 0);\n"
	"UPDATE revision SET prior_seq = (SELECT max(p.seq) FROM revision p\n"
	"  WHERE p.qid = revision.qid AND p.sub = revision.sub AND p.seq < revision.seq);\n"
	"DROP TABLE latest;\n"
	"DROP INDEX revision_delegate;\n"
	"CREATE INDEX delegate_latest ON delegate (qid, latest_seq);\n"
	"PRAGMA user_version = 2;\n",

	/* 2 -> 3: the secretariat's opening-time overrides (`collector open`,
	 * `collector close`).  A row replaces the form's opens/closes as a
	 * whole; NULL means no bound on that side.  Unix milliseconds. */
	"CREATE TABLE schedule (\n"
	"  qid    TEXT PRIMARY KEY NOT NULL,\n"
	"  opens  INTEGER NULL,\n"
	"  closes INTEGER NULL,\n"
	"  set_at INTEGER NOT NULL\n"
	") WITHOUT ROWID;\n"
	"PRAGMA user_version = 3;\n",

	/* 3 -> 4: the roll (who was invited: one row per issued link, never
	 * the token; store_roll.c) and the mail log (one row per message an
	 * SMTP server accepted, so a rerun of `collector mail` sends nothing
	 * twice).  expires in Unix seconds as the token's exp claim; the
	 * other times Unix milliseconds. */
	"CREATE TABLE roll (\n"
	"  jti       TEXT PRIMARY KEY NOT NULL,\n"
	"  qid       TEXT NOT NULL,\n"
	"  sub       TEXT NOT NULL,\n"
	"  ent       TEXT NOT NULL,\n"
	"  attrs     TEXT NOT NULL,\n"
	"  role      TEXT NOT NULL,\n"
	"  expires   INTEGER NOT NULL,\n"
	"  email     TEXT NOT NULL,\n"
	"  lang      TEXT NOT NULL,\n"
	"  issued_at INTEGER NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX roll_delegate ON roll (qid, sub);\n"
	"CREATE TABLE mail_sent (\n"
	"  qid        TEXT NOT NULL,\n"
	"  sub        TEXT NOT NULL,\n"
	"  kind       TEXT NOT NULL,\n"
	"  message_id TEXT NOT NULL,\n"
	"  sent_at    INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX mail_sent_delegate ON mail_sent (qid, sub, kind);\n"
	"PRAGMA user_version = 4;\n",

	/* 4 -> 5: the chair's record (store_record.c): dispositions of
	 * objections and outcome statements, a hash chain of their own
	 * (seq dense from 1, prev = the link of seq - 1), only ever appended;
	 * the latest row per (qid, kind, question, entity) counts.  at in Unix
	 * milliseconds. */
	"CREATE TABLE record (\n"
	"  seq      INTEGER PRIMARY KEY,\n"
	"  kind     TEXT NOT NULL,\n"
	"  qid      TEXT NOT NULL,\n"
	"  question TEXT NOT NULL,\n"
	"  entity   TEXT NOT NULL,\n"
	"  status   TEXT NOT NULL,\n"
	"  text     TEXT NOT NULL,\n"
	"  chair    TEXT NOT NULL,\n"
	"  at       INTEGER NOT NULL,\n"
	"  prev     TEXT NOT NULL,\n"
	"  link     TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX record_key ON record (qid, kind, question, entity, seq);\n"
	"PRAGMA user_version = 5;\n",

	/* 5 -> 6: drafts, one per delegate per questionnaire (the latest save
	 * wins).  Never read by the tally, outside the hash chain, and deleted
	 * with the revision that submits them (store_draft.c).  saved_at in
	 * Unix milliseconds. */
	"CREATE TABLE draft (\n"
	"  qid      TEXT NOT NULL,\n"
	"  sub      TEXT NOT NULL,\n"
	"  answers  TEXT NOT NULL,\n"
	"  saved_at INTEGER NOT NULL,\n"
	"  PRIMARY KEY (qid, sub)\n"
	") WITHOUT ROWID;\n"
	"PRAGMA user_version = 6;\n",

	/* 6 -> 7: salted answer hashes and chained revocations (issue 13).
	 * revision.salt: 16 random bytes as 32 lowercase hex digits, the hash
	 * being SHA-256(salt bytes || canonical answers); NULL on rows stored
	 * before, whose hash stays SHA-256(canonical answers).  revoked gets
	 * a hash chain of its own (seq dense from 1, prev = the link of
	 * seq - 1, link = snd_revocation_link); the rows already there are
	 * chained by chain_revocations below, in revoked_at order, inside
	 * this step's transaction. */
	"ALTER TABLE revision ADD COLUMN salt TEXT;\n"
	"ALTER TABLE revoked ADD COLUMN seq INTEGER;\n"
	"ALTER TABLE revoked ADD COLUMN prev TEXT;\n"
	"ALTER TABLE revoked ADD COLUMN link TEXT;\n"
	"CREATE UNIQUE INDEX revoked_seq ON revoked (seq);\n"
	"PRAGMA user_version = 7;\n",
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

/* ------------------------------------------------------------ statements
 * Indexed by enum stmt (store_int.h). */


/* The columns every revision reader selects, in row_read()'s order.  The
 * revoked flag is derived here (invariant 1). */
#define ROW_COLS                                                                  \
	"r.seq, r.qid, r.sub, r.ent, r.attrs, r.jti, r.rev, r.answers, r.hash, "  \
	"r.receipt, r.submitted_at, r.prev, r.link, r.salt, "
#define REV_COLS ROW_COLS "EXISTS (SELECT 1 FROM revoked k WHERE k.jti = r.jti)"

static const char *const sql[ST__MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT snd_row",
	[ST_RELEASE] = "RELEASE snd_row",
	[ST_ROLLBACK_TO] = "ROLLBACK TO snd_row",
	[ST_HEAD] = "SELECT seq, link FROM revision ORDER BY seq DESC LIMIT 1",
	[ST_PUT_FORM] =
		"INSERT INTO questionnaire (id, source, source_hash, stored_at) "
		"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id, source_hash) DO NOTHING",
	/* Shared by append (times = now) and import (times = submitted_at,
	 * which may arrive out of order across merged databases). */
	[ST_DELEGATE_UPSERT] =
		"INSERT INTO delegate (qid, sub, ent, attrs, role, first_seen, last_seen, "
		"latest_seq, max_rev) VALUES (?1, ?2, ?3, ?4, 'delegate', ?5, ?5, ?6, ?7) "
		"ON CONFLICT (qid, sub) DO UPDATE SET "
		"ent = iif(excluded.last_seen >= last_seen, excluded.ent, ent), "
		"attrs = iif(excluded.last_seen >= last_seen, excluded.attrs, attrs), "
		"first_seen = min(first_seen, excluded.first_seen), "
		"last_seen = max(last_seen, excluded.last_seen), "
		"latest_seq = excluded.latest_seq, max_rev = max(max_rev, excluded.max_rev)",
	[ST_DELEGATE_STATE] =
		"SELECT max_rev, latest_seq FROM delegate WHERE qid = ?1 AND sub = ?2",
	[ST_INSERT_REV] =
		"INSERT INTO revision (seq, qid, sub, ent, attrs, jti, rev, answers, hash, "
		"receipt, submitted_at, prev, link, prior_seq, salt) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[ST_LATEST_ONE] =
		"SELECT " REV_COLS " FROM delegate d JOIN revision r ON r.seq = d.latest_seq "
		"WHERE d.qid = ?1 AND d.sub = ?2",
	[ST_ANY_REVOKED] = "SELECT EXISTS (SELECT 1 FROM revoked)",
	/* Walks the delegate_latest index in seq order and fetches each row by
	 * rowid: one row read per delegate, no sort, no temp b-tree.  100,000
	 * delegates: 47 ms, against 30 ms for a bare scan of the answers and
	 * 190-530 ms for GROUP BY, window or correlated max(seq) queries. */
	[ST_EACH_LATEST] =
		"SELECT " REV_COLS " FROM delegate d INDEXED BY delegate_latest "
		"JOIN revision r ON r.seq = d.latest_seq WHERE d.qid = ?1 "
		"ORDER BY d.latest_seq",
	/* The same without the per-row probe of revoked (-20%), used when
	 * nothing is revoked at the start of the walk. */
	[ST_EACH_LATEST_UNREVOKED] =
		"SELECT " ROW_COLS "0 FROM delegate d INDEXED BY delegate_latest "
		"JOIN revision r ON r.seq = d.latest_seq WHERE d.qid = ?1 "
		"ORDER BY d.latest_seq",
	[ST_EACH_REV] = "SELECT " REV_COLS " FROM revision r ORDER BY r.seq",
	/* Every term only grows (rows, revocations, records and roll entries
	 * are never removed), so the sum changes on every committed revision,
	 * revocation, chair's record or roll entry (a `collector roll import`
	 * into a serving database shows in the chair's turnout at once).
	 * max(seq) is one b-tree descent; revoked and roll are small.  Only
	 * databases the schema was brought up to date in ask (the collector's,
	 * merge's). */
	[ST_VERSION] =
		"SELECT (SELECT ifnull(max(seq), 0) FROM revision) + "
		"(SELECT count(*) FROM revoked) + (SELECT ifnull(max(seq), 0) FROM record) + "
		"(SELECT count(*) FROM roll)",
	/* The revocation chain (store_sched.c): the head is one descent of
	 * revoked_seq, read inside the write transaction. */
	[ST_REVOKE] =
		"INSERT INTO revoked (jti, revoked_at, seq, prev, link) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_REVOKED_HEAD] = "SELECT seq, link FROM revoked WHERE seq IS NOT NULL "
	                    "ORDER BY seq DESC LIMIT 1",
	/* Every revocation in chain order; a row without seq (written by hand)
	 * comes first as seq 0, for verify to report. */
	[ST_REVOKED_EACH] =
		"SELECT ifnull(seq, 0), jti, revoked_at, ifnull(prev, ''), ifnull(link, '') "
		"FROM revoked ORDER BY seq, jti",
	[ST_IS_REVOKED] = "SELECT revoked_at FROM revoked WHERE jti = ?1",
	/* Follows the delegate's prior_seq list (invariant 4), so the cost is
	 * that delegate's number of revisions, without an index. */
	[ST_IMPORT_EXISTS] =
		"WITH RECURSIVE mine (seq) AS ("
		" SELECT latest_seq FROM delegate WHERE qid = ?1 AND sub = ?2"
		" UNION ALL"
		" SELECT r.prior_seq FROM revision r JOIN mine ON r.seq = mine.seq"
		" WHERE r.prior_seq IS NOT NULL) "
		"SELECT 1 FROM mine JOIN revision r ON r.seq = mine.seq "
		"WHERE r.rev = ?3 AND r.hash = ?4 AND r.receipt = ?5 LIMIT 1",
	/* One primary-key probe: the collector runs it on every request that
	 * asks whether a questionnaire is open. */
	[ST_WINDOW_GET] = "SELECT opens, closes, set_at FROM schedule WHERE qid = ?1",
	[ST_WINDOW_SET] =
		"INSERT INTO schedule (qid, opens, closes, set_at) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT (qid) DO UPDATE SET opens = excluded.opens, "
		"closes = excluded.closes, set_at = excluded.set_at",
	/* The newest stored version of each questionnaire (SQLite takes the
	 * bare columns of a max() aggregate from the row holding the max). */
	[ST_EACH_FORM] =
		"SELECT id, source, max(stored_at) FROM questionnaire GROUP BY id ORDER BY id",
	/* revision has no index on qid: a scan, fine for `collector status`. */
	[ST_COUNTS] =
		"SELECT (SELECT count(*) FROM delegate WHERE qid = ?1), "
		"(SELECT count(*) FROM revision WHERE qid = ?1)",
	/* The tally's slim walk (snd_store_walk): the rows of
	 * ST_EACH_LATEST with only the columns the tally uses. */
	[ST_TALLY_LATEST] =
		"SELECT r.ent, '', r.answers FROM delegate d INDEXED BY delegate_latest "
		"JOIN revision r ON r.seq = d.latest_seq WHERE d.qid = ?1 ORDER BY d.latest_seq",
	/* The roll (store_roll.c). */
	[ST_ROLL_GET] =
		"SELECT qid, sub, ent, attrs, role, expires, email, lang FROM roll WHERE jti = ?1",
	[ST_ROLL_INSERT] =
		"INSERT INTO roll (jti, qid, sub, ent, attrs, role, expires, email, lang, issued_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* One walk of the roll with what mail and revoke ask of each link:
	 * revoked (a primary-key probe), answered (a revision with this jti,
	 * so pseudonymous stores count too, or, attributed, any revision of
	 * the delegate).  The IN list is built once per walk: revision has no
	 * index on jti, and one would tax every append. */
	[ST_ROLL_EACH] =
		"SELECT r.qid, r.sub, r.ent, r.attrs, r.role, r.jti, r.expires, r.email, r.lang, "
		"r.issued_at, EXISTS (SELECT 1 FROM revoked k WHERE k.jti = r.jti), "
		"(r.jti IN (SELECT v.jti FROM revision v WHERE v.qid = ?1) OR EXISTS "
		"(SELECT 1 FROM delegate d WHERE d.qid = r.qid AND d.sub = r.sub "
		"AND d.latest_seq > 0)) "
		"FROM roll r WHERE r.qid = ?1 AND (?2 IS NULL OR r.sub = ?2) "
		"ORDER BY r.sub, r.issued_at DESC, r.jti",
	[ST_MAIL_RECORD] =
		"INSERT INTO mail_sent (qid, sub, kind, message_id, sent_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_MAIL_COUNT] =
		"SELECT count(*) FROM mail_sent WHERE qid = ?1 AND sub = ?2 AND kind = ?3",
	[ST_TALLY_LATEST_ATTRS] =
		"SELECT r.ent, r.attrs, r.answers FROM delegate d INDEXED BY delegate_latest "
		"JOIN revision r ON r.seq = d.latest_seq WHERE d.qid = ?1 ORDER BY d.latest_seq",
	/* The same rows with what a revoked token's row needs: its jti to
	 * probe, and seq/prior_seq to walk back to the delegate's newest
	 * revision made with a valid token (store invariant 4).  Used only
	 * when something is revoked. */
	[ST_TALLY_LATEST_JTI] =
		"SELECT r.ent, r.attrs, r.answers, r.seq, r.jti, ifnull(r.prior_seq, 0), r.sub "
		"FROM delegate d INDEXED BY delegate_latest "
		"JOIN revision r ON r.seq = d.latest_seq WHERE d.qid = ?1 ORDER BY d.latest_seq",
	/* The checked walk: the whole chain in seq order (a scan of the rowid
	 * b-tree, every questionnaire's rows), with what the chain link and
	 * the answers hash are computed from. */
	[ST_TALLY_CHAIN] =
		"SELECT " ROW_COLS "ifnull(r.prior_seq, 0) FROM revision r ORDER BY r.seq",
	/* Covered by the delegate_latest index: no table row is read. */
	[ST_TALLY_LATEST_SEQS] =
		"SELECT latest_seq FROM delegate INDEXED BY delegate_latest WHERE qid = ?1",
	[ST_REV_BY_SEQ] = "SELECT " REV_COLS ", ifnull(r.prior_seq, 0) FROM revision r "
	                  "WHERE r.seq = ?1",
	[ST_REVOKED_ALL] = "SELECT jti FROM revoked",
	/* A read transaction around the statements of one tally, so they
	 * share one snapshot. */
	[ST_BEGIN_READ] = "BEGIN DEFERRED",
	/* The roll arrives with a later schema step: asked for, not assumed. */
	[ST_HAS_ROLL] = "SELECT EXISTS (SELECT 1 FROM sqlite_schema "
	                "WHERE type = 'table' AND name = 'roll')",
	[ST_ROLL_INVITED] =
		"SELECT count(DISTINCT sub) FROM roll WHERE qid = ?1 AND role = 'delegate'",
	/* The chair's record (store_record.c).  The latest per key is one
	 * descent of record_key per key; records are few (a chair's hand). */
	[ST_RECORD_HEAD] = "SELECT seq, link FROM record ORDER BY seq DESC LIMIT 1",
	[ST_RECORD_INSERT] =
		"INSERT INTO record (seq, kind, qid, question, entity, status, text, chair, at, "
		"prev, link) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_RECORD_EACH] =
		"SELECT seq, kind, qid, question, entity, status, text, chair, at, prev, link "
		"FROM record ORDER BY seq",
	[ST_RECORD_LATEST] =
		"SELECT r.seq, r.kind, r.qid, r.question, r.entity, r.status, r.text, r.chair, "
		"r.at, r.prev, r.link FROM record r WHERE r.qid = ?1 AND r.kind = ?2 AND "
		"r.seq = (SELECT max(x.seq) FROM record x WHERE x.qid = r.qid AND x.kind = r.kind "
		"AND x.question = r.question AND x.entity = r.entity) "
		"ORDER BY r.question, r.entity",
	/* Drafts (store_draft.c): one primary-key probe each. */
	[ST_DRAFT_PUT] =
		"INSERT INTO draft (qid, sub, answers, saved_at) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT (qid, sub) DO UPDATE SET answers = excluded.answers, "
		"saved_at = excluded.saved_at",
	[ST_DRAFT_GET] = "SELECT answers, saved_at FROM draft WHERE qid = ?1 AND sub = ?2",
	[ST_DRAFT_DELETE] = "DELETE FROM draft WHERE qid = ?1 AND sub = ?2",
	/* Turnout over the roll (snd_store_roll_turnout): every delegate link
	 * of qid with revoked and counted, where counted means a revision of
	 * qid was made with a link that is not revoked: this one (so
	 * pseudonymous stores count too) or, when ?2 (attributed: revision.sub
	 * is the delegate id), any link of the same delegate.  Both IN lists
	 * are uncorrelated, so each is one scan of qid's revisions per walk;
	 * revision has no index on jti, and one would tax every append. */
	[ST_ROLL_TURNOUT] =
		"SELECT r.qid, r.sub, r.ent, r.attrs, r.role, r.jti, r.expires, r.email, r.lang, "
		"r.issued_at, EXISTS (SELECT 1 FROM revoked k WHERE k.jti = r.jti), "
		"(r.jti IN (SELECT v.jti FROM revision v WHERE v.qid = ?1 "
		"AND v.jti NOT IN (SELECT jti FROM revoked)) "
		"OR (?2 AND r.sub IN (SELECT v.sub FROM revision v WHERE v.qid = ?1 "
		"AND v.jti NOT IN (SELECT jti FROM revoked)))) "
		"FROM roll r WHERE r.qid = ?1 AND r.role = 'delegate' "
		"ORDER BY r.sub, r.issued_at DESC, r.jti",
};

sqlite3_stmt *store_prepare(struct snd_store *s, enum stmt id)
{
	int rc = sqlite3_prepare_v3(s->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->st[id],
	                            NULL);
	if (rc != SQLITE_OK) {
		fail_db(s, rc);
		s->st[id] = NULL;
		return NULL;
	}
	return s->st[id];
}

enum snd_err store_prepare_once(struct snd_store *s, enum stmt id, sqlite3_stmt **out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql[id], -1, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return fail_db(s, rc);
	}
	*out = st;
	return SND_OK;
}

/* --------------------------------------------------------------- helpers */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads one integer from a pragma or query given as constant text. */
static int query_int(sqlite3 *db, const char *q, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, q, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			*out = 0;
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------ open and migrate */
/* Checks what the file is: a Sounding database (*version = its
 * user_version), an empty file (*version = 0), or something else. */
static enum snd_err identify(struct snd_store *s, int64_t *version)
{
	int64_t app = 0, ver = 0, objects = 0;
	int rc = query_int(s->db, "PRAGMA application_id", &app);
	if (rc == SQLITE_OK)
		rc = query_int(s->db, "PRAGMA user_version", &ver);
	if (rc == SQLITE_OK)
		rc = query_int(s->db, "SELECT count(*) FROM sqlite_schema", &objects);
	if (rc == SQLITE_NOTADB)
		return fail_msg(s, SND_EINVAL, "not a Sounding database (not an SQLite file)");
	if (rc != SQLITE_OK)
		return fail_db(s, rc);
	if (app == 0 && ver == 0 && objects == 0) {
		*version = 0;
		return SND_OK;
	}
	if (app != SND_APP_ID)
		return fail_msg(s, SND_EINVAL,
		                "not a Sounding database (an SQLite file of another program)");
	if (ver > SCHEMA_VERSION) {
		char m[200];
		snprintf(m, sizeof m,
		         "schema version %" PRId64 " is newer than this program knows (%d); "
		         "use a newer Sounding",
		         ver, SCHEMA_VERSION);
		return fail_msg(s, SND_EINVAL, m);
	}
	*version = ver;
	return SND_OK;
}

/* Migration 6 -> 7's second half: chains the revocations already stored,
 * in revoked_at order (then jti), as snd_store_revoke would have appended
 * them.  Runs inside the migration's transaction, on constant SQL. */
static enum snd_err chain_revocations(struct snd_store *s)
{
	sqlite3_stmt *rd = NULL, *up = NULL;
	struct snd_revocation v;
	char prev[65], link[65];
	int64_t seq = 0;
	int rc = sqlite3_prepare_v2(s->db,
	                            "SELECT jti, revoked_at FROM revoked ORDER BY revoked_at, jti",
	                            -1, &rd, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db,
		                        "UPDATE revoked SET seq = ?1, prev = ?2, link = ?3 WHERE jti = ?4",
		                        -1, &up, NULL);
	memcpy(prev, SND_ZERO_LINK, 65);
	while (rc == SQLITE_OK && (rc = sqlite3_step(rd)) == SQLITE_ROW) {
		memset(&v, 0, sizeof v);
		v.seq = ++seq;
		v.jti = col_text(rd, 0);
		v.revoked_at = sqlite3_column_int64(rd, 1);
		v.prev = prev;
		snd_revocation_link(&v, link);
		sqlite3_bind_int64(up, 1, v.seq);
		bind_text(up, 2, prev);
		bind_text(up, 3, link);
		bind_text(up, 4, v.jti);
		rc = sqlite3_step(up);
		sqlite3_reset(up);
		if (rc != SQLITE_DONE)
			break;
		rc = SQLITE_OK;
		memcpy(prev, link, 65);
	}
	sqlite3_finalize(rd);
	sqlite3_finalize(up);
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		return fail_db(s, rc);
	return SND_OK;
}

/* Runs the missing migration steps in one IMMEDIATE transaction, checking
 * the version again under the lock (another process may have migrated). */
static enum snd_err migrate(struct snd_store *s)
{
	int64_t ver = 0;
	char *msg = NULL;
	enum snd_err e;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return fail_db(s, rc);
	if ((e = identify(s, &ver)) != SND_OK)
		goto fail;
	for (; ver < SCHEMA_VERSION; ver++) {
		rc = sqlite3_exec(s->db, migrations[ver], NULL, NULL, &msg);
		if (rc == SQLITE_OK && ver == 6 && (e = chain_revocations(s)) != SND_OK)
			goto fail;
		if (rc != SQLITE_OK) {
			char m[400];
			snprintf(m, sizeof m, "migrating schema to version %" PRId64 ": %s",
			         ver + 1, msg ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			e = fail_msg(s, map_rc(rc) == SND_OK ? SND_EDB : map_rc(rc), m);
			goto fail;
		}
	}
	rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		e = fail_db(s, rc);
		goto fail;
	}
	return SND_OK;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return e;
}

/* Switches to WAL with synchronous=FULL.  SQLite answers a journal_mode
 * it cannot honour (e.g. WAL on some network file systems) by keeping the
 * old mode silently, so the answer is checked. */
static enum snd_err use_wal(struct snd_store *s)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	enum snd_err e = SND_OK;
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *mode = col_text(st, 0);
		if (strcmp(mode, "wal") != 0) {
			char m[160];
			snprintf(m, sizeof m,
			         "cannot use WAL mode here (journal_mode stays '%.20s'); "
			         "put the database on a local file system", mode);
			e = fail_msg(s, SND_EDB, m);
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (e != SND_OK)
		return e;
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	return rc == SQLITE_OK ? SND_OK : fail_db(s, rc);
}

enum snd_err snd_store_open(const char *path, enum snd_store_mode mode, struct snd_store **out,
                            char *errbuf, size_t errlen)
{
	struct snd_store *s = NULL;
	struct stat sb;
	int64_t ver = 0;
	enum snd_err e = SND_ENOMEM;
	int flags, rc;

	if (errlen)
		errbuf[0] = '\0';
	if (mode == SND_STORE_READ && stat(path, &sb) != 0) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return SND_EIO;
	}
	if ((s = calloc(1, sizeof *s)) == NULL || (s->path = strdup(path)) == NULL)
		goto fail;
	s->mode = mode;
	memcpy(s->head_link, SND_ZERO_LINK, 65);
	/* One thread at a time per connection (sounding.h), so no mutex. */
	flags = SQLITE_OPEN_NOMUTEX | (mode == SND_STORE_READ
	                                   ? SQLITE_OPEN_READONLY
	                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		e = s->db ? fail_db(s, rc) : fail_msg(s, SND_ENOMEM, "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	/* secure_delete off: only drafts are ever deleted (their answers are
	 * the delegate's own, as stored in revisions), and zeroing freed
	 * pages only costs writes. */
	rc = sqlite3_exec(s->db, "PRAGMA foreign_keys = ON; PRAGMA secure_delete = OFF",
	                  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		e = fail_db(s, rc);
		goto fail;
	}
	if ((e = identify(s, &ver)) != SND_OK)
		goto fail;
	if (mode == SND_STORE_READ) {
		if (ver == 0) {
			e = fail_msg(s, SND_EINVAL, "not a Sounding database (empty)");
			goto fail;
		}
		if (ver < SCHEMA_VERSION) {
			e = fail_msg(s, SND_EINVAL,
			             "schema is older than this program; open it once with a "
			             "writing command (collector serve) to migrate it");
			goto fail;
		}
		rc = sqlite3_exec(s->db, "PRAGMA query_only = ON", NULL, NULL, NULL);
	} else {
		/* WAL lets readers run beside the one writer; FULL makes a
		 * successful COMMIT mean the WAL is on disk. */
		if ((e = use_wal(s)) != SND_OK)
			goto fail;
		if (ver < SCHEMA_VERSION && (e = migrate(s)) != SND_OK)
			goto fail;
		if ((e = store_load_head(s)) != SND_OK)
			goto fail;
	}
	if (rc != SQLITE_OK) {
		e = fail_db(s, rc);
		goto fail;
	}
	*out = s;
	return SND_OK;
fail:
	if (s != NULL) {
		if (s->err[0])
			snprintf(errbuf, errlen, "%s", s->err);
		else
			snprintf(errbuf, errlen, "%s: out of memory", path);
		snd_store_close(s);
	} else {
		snprintf(errbuf, errlen, "%s: out of memory", path);
	}
	return e;
}

void snd_store_close(struct snd_store *s)
{
	size_t i;
	if (s == NULL)
		return;
	if (s->in_batch && s->db)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < ST__MAX; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s->footer);
	free(s->path);
	free(s);
}

const char *snd_store_errmsg(const struct snd_store *s)
{
	if (s == NULL)
		return "no database";
	if (s->err[0])
		return s->err;
	return s->db ? sqlite3_errmsg(s->db) : "no database";
}

enum snd_err snd_store_put_form(struct snd_store *s, const struct snd_form *f)
{
	sqlite3_stmt *st = stmt(s, ST_PUT_FORM);
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, f->id);
	sqlite3_bind_text(st, 2, f->source, (int)f->source_len, SQLITE_STATIC);
	bind_text(st, 3, f->source_hash);
	sqlite3_bind_int64(st, 4, now_ms());
	return run(s, st);
}

/* The head of a side chain (the chair's record, the revocations): seq and
 * link of its last row, or 0 and SND_ZERO_LINK when empty.  Called inside
 * the write transaction, so no other writer can append between this read
 * and the caller's insert.  id names a "SELECT seq, link ... ORDER BY seq
 * DESC LIMIT 1" statement; what is the error when the last link is malformed. */
enum snd_err store_chain_head(struct snd_store *s, enum stmt id, const char *what,
                              int64_t *seq, char link[65])
{
	sqlite3_stmt *st = stmt(s, id);
	int rc;
	if (st == NULL)
		return SND_EDB;
	*seq = 0;
	memcpy(link, SND_ZERO_LINK, 65);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *l = col_text(st, 1);
		if (strlen(l) != 64) {
			done(st);
			return fail_msg(s, SND_EDB, what);
		}
		*seq = sqlite3_column_int64(st, 0);
		memcpy(link, l, 65);
	}
	return finish(s, st, rc);
}
