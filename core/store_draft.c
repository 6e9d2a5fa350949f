/* store_draft.c - drafts: a delegate's partial answers, kept between
 * visits until they submit (migration 5 -> 6 in store.c).
 *
 * This file owns the draft table's rows.
 *
 * Invariants:
 *   1. One draft per (qid, sub): a save replaces the row whole (the latest
 *      save wins).
 *   2. Drafts are outside the hash chain and never read by the tally, by
 *      verify, export or merge: nothing but the collector's form and draft
 *      API sees them.
 *   3. A save is its own short IMMEDIATE transaction, committed (WAL,
 *      synchronous=FULL) before snd_store_put_draft returns SND_OK; it never
 *      joins a writer's batch.
 *   4. An append deletes the delegate's draft in the savepoint of its row
 *      (store_draft_drop, store_write.c invariant 7).
 */
#include "store_int.h"

#include <stdlib.h>

/* Far above the collector's request bodies (as store_write.c's cap). */
#define DRAFT_MAX ((size_t)16 << 20)

enum snd_err snd_store_put_draft(struct snd_store *s, const char *qid, const char *sub,
                                 const char *answers, size_t len, int64_t saved_at_ms)
{
	sqlite3_stmt *st;
	enum snd_err e;
	if (s->mode != SND_STORE_WRITE)
		return fail_msg(s, SND_EINVAL, "opened read-only");
	if (s->in_batch)
		return fail_msg(s, SND_EINVAL, "draft: inside a batch");
	if (!text_ok(qid, 4096) || !text_ok(sub, 4096) || answers == NULL || len > DRAFT_MAX ||
	    !snd_utf8_valid(answers, len, NULL))
		return fail_msg(s, SND_EINVAL, "draft: a field is missing or malformed");
	if ((e = run_id(s, ST_BEGIN)) != SND_OK)
		return e;
	if ((st = stmt(s, ST_DRAFT_PUT)) == NULL) {
		e = SND_EDB;
		goto fail;
	}
	bind_text(st, 1, qid);
	bind_text(st, 2, sub);
	sqlite3_bind_text(st, 3, answers, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, saved_at_ms);
	if ((e = run(s, st)) != SND_OK || (e = run_id(s, ST_COMMIT)) != SND_OK)
		goto fail;
	return SND_OK;
fail: {
	/* keep the first failure's message over the rollback's */
	char keep[sizeof s->err];
	memcpy(keep, s->err, sizeof keep);
	run_id(s, ST_ROLLBACK);
	memcpy(s->err, keep, sizeof keep);
	return e;
}
}

enum snd_err snd_store_draft(struct snd_store *s, const char *qid, const char *sub,
                             char **answers, size_t *len, int64_t *saved_at_ms, int *found)
{
	sqlite3_stmt *st = stmt(s, ST_DRAFT_GET);
	int rc;
	*found = 0;
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	bind_text(st, 2, sub);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		char *a = malloc(n + 1);
		if (a == NULL) {
			done(st);
			return fail_msg(s, SND_ENOMEM, "out of memory");
		}
		memcpy(a, col_text(st, 0), n);
		a[n] = '\0';
		*answers = a;
		*len = n;
		*saved_at_ms = sqlite3_column_int64(st, 1);
		*found = 1;
	}
	return finish(s, st, rc);
}

enum snd_err store_draft_drop(struct snd_store *s, const char *qid, const char *sub)
{
	sqlite3_stmt *st = stmt(s, ST_DRAFT_DELETE);
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	bind_text(st, 2, sub);
	return run(s, st);
}
