/* store_int.h - internal to the store: what store.c (schema, statements,
 * open/close), store_write.c (appends, chain, receipts), store_read.c
 * (scans), store_sched.c (schedule, revocations) and store_roll.c (the
 * roll, the mail log) share.
 *
 * (store_record.c, the chair's record, includes it too.)
 * Holds struct snd_store (opaque to every caller outside these five
 * files), the ids of the one numbered statement table (the text is sql[] in
 * store.c) and the small helpers every statement goes through.  They are
 * static inline here because snd_store_append runs them several times per
 * row: moving them behind a call would tax the writer's hot path.  Only the
 * first preparation of a statement (store_prepare) is out of line.
 *
 * Not part of the public interface: only core/store*.c include this file.
 */
#ifndef SND_STORE_INT_H
#define SND_STORE_INT_H

#include "sounding.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* The first row's prev (invariant 2 of store.c). */
#define SND_ZERO_LINK "0000000000000000000000000000000000000000000000000000000000000000"

/* ------------------------------------------------------------ statements
 * Ids of sql[] in store.c, the one numbered table of the SQL the library
 * runs on data. */

enum stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_HEAD,
	ST_PUT_FORM,
	ST_DELEGATE_UPSERT,
	ST_DELEGATE_STATE,
	ST_INSERT_REV,
	ST_LATEST_ONE,
	ST_ANY_REVOKED,
	ST_EACH_LATEST,
	ST_EACH_LATEST_UNREVOKED,
	ST_EACH_REV,
	ST_VERSION,
	ST_REVOKE,
	ST_IS_REVOKED,
	ST_REVOKED_HEAD,
	ST_REVOKED_EACH,
	ST_IMPORT_EXISTS,
	ST_WINDOW_GET,
	ST_WINDOW_SET,
	ST_EACH_FORM,
	ST_COUNTS,
	ST_ROLL_GET,
	ST_ROLL_INSERT,
	ST_ROLL_EACH,
	ST_MAIL_RECORD,
	ST_MAIL_COUNT,
	ST_TALLY_LATEST,       /* prepared per walk: store_prepare_once */
	ST_TALLY_LATEST_ATTRS,
	ST_TALLY_LATEST_JTI,   /* the same with seq, jti, prior_seq: revocations exist */
	ST_TALLY_CHAIN,        /* every revision in seq order: the checked walk */
	ST_TALLY_LATEST_SEQS,  /* which seqs are latest, for the checked walk */
	ST_REV_BY_SEQ,
	ST_REVOKED_ALL,
	ST_BEGIN_READ,
	ST_HAS_ROLL,
	ST_ROLL_INVITED,       /* prepared only once ST_HAS_ROLL found the table */
	ST_RECORD_HEAD,
	ST_RECORD_INSERT,
	ST_RECORD_EACH,
	ST_RECORD_LATEST,
	ST_DRAFT_PUT,
	ST_DRAFT_GET,
	ST_DRAFT_DELETE,
	ST_ROLL_TURNOUT,       /* turnout over the roll (snd_store_roll_turnout) */
	ST__MAX
};

struct snd_store {
	sqlite3 *db;
	enum snd_store_mode mode;
	char *path;
	sqlite3_stmt *st[ST__MAX];   /* prepared on first use */
	int in_batch;                /* between begin and commit/rollback */
	int64_t head_seq;            /* invariant 3 */
	char head_link[65];
	int64_t batch_seq;
	char batch_link[65];
	uint8_t footer_pk[SND_PK_BYTES]; /* key the cached footer names */
	char *footer;                /* {"kid":"k4.pid..."}, built once per key */
	int ckpt_frames;             /* deferred checkpoints: threshold, 0 = SQLite's own */
	int wal_frames;              /* frames in the WAL after the last commit */
	int64_t max_revs;            /* append's limit per (qid, sub); 0: none */
	char err[512];
};

/* The statement for id, prepared now (SQLITE_PREPARE_PERSISTENT) and kept
 * in s->st[id]; NULL with the error set when SQLite refuses it (store.c). */
sqlite3_stmt *store_prepare(struct snd_store *s, enum stmt id);
/* A fresh statement for id in *out that the caller finalizes (the tally's
 * walks, which are not kept between calls); on failure the error is set and
 * *out untouched (store.c). */
enum snd_err store_prepare_once(struct snd_store *s, enum stmt id, sqlite3_stmt **out);
/* Reads the chain head (the last row's seq and link) into s
 * (store_write.c). */
enum snd_err store_load_head(struct snd_store *s);
/* Deletes the draft of (qid, sub), if any, inside the caller's transaction
 * (store_draft.c; append calls it in the row's savepoint). */
enum snd_err store_draft_drop(struct snd_store *s, const char *qid, const char *sub);

static inline enum snd_err map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return SND_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return SND_EBUSY;
	case SQLITE_NOMEM:
		return SND_ENOMEM;
	default:
		return SND_EDB;
	}
}

/* Records "PATH: what" as this connection's last error and returns e. */
static inline enum snd_err fail_msg(struct snd_store *s, enum snd_err e, const char *what)
{
	snprintf(s->err, sizeof s->err, "%s: %s", s->path, what);
	return e;
}

static inline enum snd_err fail_db(struct snd_store *s, int rc)
{
	return fail_msg(s, map_rc(rc) == SND_OK ? SND_EDB : map_rc(rc), sqlite3_errmsg(s->db));
}

/* The statement for id, reset and unbound, prepared on first use.  The
 * statement stays owned by the store; callers reset it after stepping. */
static inline sqlite3_stmt *stmt(struct snd_store *s, enum stmt id)
{
	return s->st[id] != NULL ? s->st[id] : store_prepare(s, id);
}

static inline void done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Steps st (bound) for its one row.  SND_OK: the row is there to read and
 * the caller calls done(st); otherwise st is reset and the error set. */
static inline enum snd_err step_row(struct snd_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		enum snd_err e = fail_db(s, rc);
		done(st);
		return e;
	}
	return SND_OK;
}

/* Ends st after its last step, whose result was rc: SND_OK for
 * SQLITE_DONE (or SQLITE_ROW, a row the caller has read), else the error
 * recorded; st is reset either way. */
static inline enum snd_err finish(struct snd_store *s, sqlite3_stmt *st, int rc)
{
	enum snd_err e = rc == SQLITE_DONE || rc == SQLITE_ROW ? SND_OK : fail_db(s, rc);
	done(st);
	return e;
}

/* Runs a statement that returns no rows (or whose rows are ignored). */
static inline enum snd_err run(struct snd_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	return finish(s, st, rc);
}

static inline enum snd_err run_id(struct snd_store *s, enum stmt id)
{
	sqlite3_stmt *st = stmt(s, id);
	return st ? run(s, st) : SND_EDB;
}

static inline int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static inline const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

/* 1 when t is valid UTF-8 of at most max bytes (not NULL). */
static inline int text_ok(const char *t, size_t max)
{
	size_t n;
	if (t == NULL)
		return 0;
	n = strlen(t);
	return n <= max && snd_utf8_valid(t, n, NULL);
}

/* A chain's link (revisions, revocations, the record): the SHA-256, as
 * 64 hex digits, of its n parts joined by "\n"; a NULL part counts as
 * empty, and len NULL means every part's strlen. */
static inline void store_link(const char *const part[], const size_t len[], size_t n,
                              char out[65])
{
	struct snd_sha256 h;
	uint8_t md[32];
	snd_sha256_init(&h);
	for (size_t i = 0; i < n; i++) {
		const char *p = part[i] ? part[i] : "";
		if (i > 0)
			snd_sha256_update(&h, "\n", 1);
		snd_sha256_update(&h, p, len ? len[i] : strlen(p));
	}
	snd_sha256_final(&h, md);
	snd_hex32(md, out);
}

/* store_write.c: the savepoint of one row (an append, a revocation, a
 * record entry), inside a batch of the caller's or one opened here (*own
 * set).  store_row_end keeps the row (committing an own batch) when e is
 * SND_OK, else undoes it (rolling an own batch back) keeping the first
 * failure's message; it returns the outcome. */
enum snd_err store_row_begin(struct snd_store *s, int *own);
enum snd_err store_row_end(struct snd_store *s, int own, enum snd_err e);

/* store.c: the seq and link of a side chain's last row (record, revoked),
 * inside the write transaction; what: the error for a malformed last link. */
enum snd_err store_chain_head(struct snd_store *s, enum stmt id, const char *what,
                              int64_t *seq, char link[65]);

#endif
