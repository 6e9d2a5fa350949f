/* store_read.c - the reader's side of the store: one delegate's latest
 * revision, every delegate's latest, every revision in chain order, the
 * change counter, stored questionnaires, counts, and the tally's slim walk.
 *
 * This file owns the mapping of a result row to struct snd_revision
 * (row_read: the column order of ROW_COLS in store.c) and the walks that
 * hand rows to callbacks.
 *
 * Invariants:
 *   1. A row handed to a callback points into SQLite's memory: it is valid
 *      during the callback only (sounding.h), and a callback that returns
 *      nonzero ends the walk cleanly (SND_OK).
 *   2. Every walk is one statement, so one consistent snapshot, and every
 *      statement is reset (or finalized) whichever way the walk ends.
 *   3. The revoked flag of a row is derived at read time (store invariant
 *      1); a walk that starts with nothing revoked skips the probe.
 *   4. Nothing here writes: these functions work on read-only connections.
 */
#include "store_int.h"

/* Fills r from a row of ROW_COLS/REV_COLS (store.c); r points into st. */
static void row_read(sqlite3_stmt *st, struct snd_revision *r)
{
	r->seq = sqlite3_column_int64(st, 0);
	r->qid = col_text(st, 1);
	r->sub = col_text(st, 2);
	r->ent = col_text(st, 3);
	r->attrs = col_text(st, 4);
	r->jti = col_text(st, 5);
	r->rev = sqlite3_column_int64(st, 6);
	r->answers = col_text(st, 7);
	r->answers_len = (size_t)sqlite3_column_bytes(st, 7);
	r->hash = col_text(st, 8);
	r->receipt = col_text(st, 9);
	r->submitted_at = sqlite3_column_int64(st, 10);
	r->prev = col_text(st, 11);
	r->link = col_text(st, 12);
	r->revoked = sqlite3_column_int(st, 13);
}

/* Steps st (already bound) and hands each row to cb until cb returns
 * nonzero or the rows run out; always resets st. */
static enum snd_err each_row(struct snd_store *s, sqlite3_stmt *st, snd_revision_cb cb, void *ctx)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct snd_revision r;
		row_read(st, &r);
		if (cb(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return finish(s, st, rc);
}

enum snd_err snd_store_latest(struct snd_store *s, const char *qid, const char *sub,
                              snd_revision_cb cb, void *ctx)
{
	sqlite3_stmt *st = stmt(s, ST_LATEST_ONE);
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	bind_text(st, 2, sub);
	return each_row(s, st, cb, ctx);
}

enum snd_err snd_store_each_latest(struct snd_store *s, const char *qid, snd_revision_cb cb,
                                   void *ctx)
{
	sqlite3_stmt *st = stmt(s, ST_ANY_REVOKED);
	enum snd_err e;
	int any;
	if (st == NULL)
		return SND_EDB;
	if ((e = step_row(s, st)) != SND_OK)
		return e;
	any = sqlite3_column_int(st, 0);
	done(st);
	/* A revocation committed between the two statements is reported as
	 * if the walk had started a moment earlier. */
	if ((st = stmt(s, any ? ST_EACH_LATEST : ST_EACH_LATEST_UNREVOKED)) == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	return each_row(s, st, cb, ctx);
}

enum snd_err snd_store_each_revision(struct snd_store *s, snd_revision_cb cb, void *ctx)
{
	sqlite3_stmt *st = stmt(s, ST_EACH_REV);
	if (st == NULL)
		return SND_EDB;
	return each_row(s, st, cb, ctx);
}

enum snd_err snd_store_version(struct snd_store *s, int64_t *version)
{
	sqlite3_stmt *st = stmt(s, ST_VERSION);
	enum snd_err e;
	if (st == NULL)
		return SND_EDB;
	if ((e = step_row(s, st)) != SND_OK)
		return e;
	*version = sqlite3_column_int64(st, 0);
	done(st);
	return SND_OK;
}
enum snd_err snd_store_each_form(struct snd_store *s, snd_form_row_cb cb, void *ctx)
{
	sqlite3_stmt *st = stmt(s, ST_EACH_FORM);
	int rc;
	if (st == NULL)
		return SND_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(ctx, col_text(st, 0), col_text(st, 1), (size_t)sqlite3_column_bytes(st, 1),
		       sqlite3_column_int64(st, 2))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return finish(s, st, rc);
}

enum snd_err snd_store_counts(struct snd_store *s, const char *qid, int64_t *delegates,
                              int64_t *revisions)
{
	sqlite3_stmt *st = stmt(s, ST_COUNTS);
	enum snd_err e;
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	if ((e = step_row(s, st)) != SND_OK)
		return e;
	*delegates = sqlite3_column_int64(st, 0);
	*revisions = sqlite3_column_int64(st, 1);
	done(st);
	return SND_OK;
}

/* ------------------------------------------------------------ tally reads
 * The tally's walk, prepared per walk rather than kept with the writer's
 * statements (ST_TALLY_LATEST*, store_prepare_once): every delegate's latest
 * revision with only the columns the tally uses.  Against snd_store_each_latest it leaves out nine columns per row
 * (receipt, chain links, hash...), which SQLite would otherwise decode and
 * convert, and the revoked probe the tally has no use for.  Same walk, same
 * order: the delegate_latest index in seq order, one row fetch per
 * delegate, one statement, so one consistent snapshot. */

enum snd_err snd_store_each_latest_answers(struct snd_store *s, const char *qid, int with_attrs,
                                           snd_answers_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	enum snd_err e;
	int rc;
	if ((e = store_prepare_once(s, with_attrs ? ST_TALLY_LATEST_ATTRS : ST_TALLY_LATEST,
	                            &st)) != SND_OK)
		return e;
	bind_text(st, 1, qid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct snd_answers_row r;
		r.ent = col_text(st, 0);
		r.attrs = col_text(st, 1);
		r.answers = col_text(st, 2);
		r.answers_len = (size_t)sqlite3_column_bytes(st, 2);
		if (cb(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	e = rc == SQLITE_DONE ? SND_OK : fail_db(s, rc);
	sqlite3_finalize(st);
	return e;
}
