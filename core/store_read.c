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

#include <stdlib.h>

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
	r->salt = sqlite3_column_type(st, 13) == SQLITE_NULL ? NULL : col_text(st, 13);
	r->revoked = sqlite3_column_int(st, 14);
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
 * The tally's walks, prepared per walk rather than kept with the writer's
 * statements (ST_TALLY_*, store_prepare_once).  The slim walk of every
 * delegate's latest revision reads only the columns the tally uses:
 * against snd_store_each_latest it leaves out nine columns per row
 * (receipt, chain links, hash...), which SQLite would otherwise decode and
 * convert, and the revoked probe.  Same order: the delegate_latest index in
 * seq order, one row fetch per delegate.  The checked walk reads the whole
 * chain instead. */

/* ------------------------------------------------- what the tally counts
 * (interface.md, "What the tally may count, and checks before counting").
 * Revocations are few: their jtis are loaded once into a small hash set,
 * each latest row's jti is probed, and only for a hit is the delegate's
 * prior_seq list (store invariant 4) walked back, one rowid probe per
 * revision.  With nothing revoked the walks are the slim ones above. */

struct jti_set {
	char **k;       /* open addressing; NULL = empty */
	size_t cap, n;
};

static uint64_t jti_hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static void jti_free(struct jti_set *j)
{
	for (size_t i = 0; i < j->cap; i++)
		free(j->k[i]);
	free(j->k);
	memset(j, 0, sizeof *j);
}

static int jti_add(struct jti_set *j, const char *s)
{
	if ((j->n + 1) * 2 > j->cap) {
		size_t nc = j->cap ? j->cap * 2 : 64;
		char **nk = calloc(nc, sizeof *nk);
		if (nk == NULL)
			return -1;
		for (size_t i = 0; i < j->cap; i++) {
			if (j->k[i] == NULL)
				continue;
			size_t p = jti_hash(j->k[i]) & (nc - 1);
			while (nk[p] != NULL)
				p = (p + 1) & (nc - 1);
			nk[p] = j->k[i];
		}
		free(j->k);
		j->k = nk;
		j->cap = nc;
	}
	size_t p = jti_hash(s) & (j->cap - 1);
	for (; j->k[p] != NULL; p = (p + 1) & (j->cap - 1))
		if (strcmp(j->k[p], s) == 0)
			return 0;
	if ((j->k[p] = strdup(s)) == NULL)
		return -1;
	j->n++;
	return 0;
}

static int jti_has(const struct jti_set *j, const char *s)
{
	if (j->n == 0)
		return 0;
	for (size_t p = jti_hash(s) & (j->cap - 1); j->k[p] != NULL; p = (p + 1) & (j->cap - 1))
		if (strcmp(j->k[p], s) == 0)
			return 1;
	return 0;
}

static enum snd_err load_revoked(struct snd_store *s, struct jti_set *j)
{
	sqlite3_stmt *st = stmt(s, ST_REVOKED_ALL);
	int rc;
	if (st == NULL)
		return SND_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (jti_add(j, col_text(st, 0)) != 0) {
			done(st);
			return fail_msg(s, SND_ENOMEM, "out of memory");
		}
	}
	return finish(s, st, rc);
}

/* From revision seq on (a delegate's revision made with a revoked token),
 * follows prior_seq to the newest revision whose token is not revoked and
 * hands it to fn(ctx, row) (row valid during the call); *found 0 when
 * there is none.  The statement is kept (it may run inside a walk's
 * statement: same connection, same snapshot). */
typedef int (*back_fn)(void *ctx, const struct snd_revision *r);
static enum snd_err walk_back(struct snd_store *s, const struct jti_set *j, int64_t seq,
                              back_fn fn, void *ctx, int *found, int *stop)
{
	sqlite3_stmt *st = stmt(s, ST_REV_BY_SEQ);
	*found = 0;
	*stop = 0;
	if (st == NULL)
		return SND_EDB;
	/* Bounded by the delegate's revisions; the guard stops a hand-edited
	 * prior_seq loop (seqs only decrease along a sound list). */
	for (int64_t last = INT64_MAX; seq > 0 && seq < last;) {
		struct snd_revision r;
		int rc;
		sqlite3_bind_int64(st, 1, seq);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			return rc == SQLITE_DONE ? (done(st), SND_OK) : finish(s, st, rc);
		row_read(st, &r);
		last = seq;
		if (!jti_has(j, r.jti)) {
			*found = 1;
			*stop = fn(ctx, &r) != 0;
			done(st);
			return SND_OK;
		}
		seq = sqlite3_column_int64(st, 15);
		done(st);
	}
	return SND_OK;
}

/* A read transaction unless the caller holds one (*began says): the
 * walks' one snapshot, and the callers' (snd_store.h). */
enum snd_err snd_store_snapshot_begin(struct snd_store *s, int *began)
{
	*began = 0;
	if (!sqlite3_get_autocommit(s->db))
		return SND_OK;
	enum snd_err e = run_id(s, ST_BEGIN_READ);
	*began = e == SND_OK;
	return e;
}

void snd_store_snapshot_end(struct snd_store *s, int began)
{
	if (began)
		(void)run_id(s, ST_COMMIT);
}

struct back_walk {
	snd_walk_cb cb;
	void *ctx;
};

static int back_walk_row(void *ctx, const struct snd_revision *r)
{
	const struct back_walk *b = ctx;
	struct snd_walk_row w;
	memset(&w, 0, sizeof w);
	w.ent = r->ent;
	w.attrs = r->attrs;
	w.answers = r->answers;
	w.answers_len = r->answers_len;
	w.seq = r->seq;
	w.sub = r->sub;
	w.count = 1;
	return b->cb(b->ctx, &w);
}

/* The slim walk of the latest rows (ST_TALLY_LATEST*). */
static enum snd_err walk_latest(struct snd_store *s, const char *qid, unsigned flags,
                                const struct jti_set *j, snd_walk_cb cb, void *ctx,
                                int64_t *revoked)
{
	sqlite3_stmt *st = NULL;
	struct back_walk bw = {cb, ctx};
	enum stmt id = j->n > 0 ? ST_TALLY_LATEST_JTI
	               : (flags & SND_WALK_ATTRS) ? ST_TALLY_LATEST_ATTRS : ST_TALLY_LATEST;
	enum snd_err e;
	int rc;
	if ((e = store_prepare_once(s, id, &st)) != SND_OK)
		return e;
	bind_text(st, 1, qid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct snd_walk_row w;
		memset(&w, 0, sizeof w);
		w.ent = col_text(st, 0);
		w.attrs = (flags & SND_WALK_ATTRS) ? col_text(st, 1) : "";
		w.answers = col_text(st, 2);
		w.answers_len = (size_t)sqlite3_column_bytes(st, 2);
		w.sub = "";
		w.count = 1;
		if (id == ST_TALLY_LATEST_JTI) {
			w.seq = sqlite3_column_int64(st, 3);
			w.sub = col_text(st, 6);
			if (jti_has(j, col_text(st, 4))) {
				int found, stop;
				(*revoked)++;
				if (!(flags & SND_WALK_INCLUDE_REVOKED)) {
					e = walk_back(s, j, sqlite3_column_int64(st, 5), back_walk_row, &bw,
					              &found, &stop);
					if (e != SND_OK || stop)
						break;
					continue;
				}
			}
		}
		if (cb(ctx, &w)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (e == SND_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = fail_db(s, rc);
	sqlite3_finalize(st);
	return e;
}

/* A bit per seq: the latest revisions of qid (ST_TALLY_LATEST_SEQS). */
struct seqbits {
	uint64_t *w;
	size_t nw;
};

static int seqbits_has(const struct seqbits *b, int64_t seq)
{
	uint64_t i = (uint64_t)seq;
	return seq > 0 && i / 64 < b->nw && (b->w[i / 64] >> (i % 64) & 1);
}

static enum snd_err load_latest_seqs(struct snd_store *s, const char *qid, struct seqbits *b)
{
	sqlite3_stmt *st = NULL;
	enum snd_err e;
	int rc;
	if ((e = store_prepare_once(s, ST_TALLY_LATEST_SEQS, &st)) != SND_OK)
		return e;
	bind_text(st, 1, qid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		if (seq <= 0 || seq > ((int64_t)1 << 40))
			continue; /* not a row a sound database holds */
		size_t need = (size_t)seq / 64 + 1;
		if (need > b->nw) {
			size_t nw = b->nw ? b->nw : 1024;
			while (nw < need)
				nw *= 2;
			uint64_t *p = realloc(b->w, nw * sizeof *p);
			if (p == NULL) {
				sqlite3_finalize(st);
				return fail_msg(s, SND_ENOMEM, "out of memory");
			}
			memset(p + b->nw, 0, (nw - b->nw) * sizeof *p);
			b->w = p;
			b->nw = nw;
		}
		b->w[seq / 64] |= (uint64_t)1 << (seq % 64);
	}
	e = rc == SQLITE_DONE ? SND_OK : fail_db(s, rc);
	sqlite3_finalize(st);
	return e;
}

/* The checked walk: every revision in seq order (ST_TALLY_CHAIN). */
static enum snd_err walk_chain(struct snd_store *s, const char *qid, unsigned flags,
                               const struct jti_set *j, snd_walk_cb cb, void *ctx,
                               int64_t *revoked)
{
	sqlite3_stmt *st = NULL;
	struct seqbits bits = {NULL, 0};
	struct back_walk bw = {cb, ctx};
	enum snd_err e;
	int rc = SQLITE_DONE;
	if ((e = load_latest_seqs(s, qid, &bits)) != SND_OK)
		return e;
	if ((e = store_prepare_once(s, ST_TALLY_CHAIN, &st)) != SND_OK) {
		free(bits.w);
		return e;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct snd_revision r;
		struct snd_walk_row w;
		int back = 0;
		row_read(st, &r);
		r.revoked = 0; /* column 14 is prior_seq here */
		memset(&w, 0, sizeof w);
		w.ent = r.ent;
		w.attrs = (flags & SND_WALK_ATTRS) ? r.attrs : "";
		w.answers = r.answers;
		w.answers_len = r.answers_len;
		w.seq = r.seq;
		w.sub = r.sub;
		w.check = 1;
		w.r = &r;
		if (seqbits_has(&bits, r.seq) && strcmp(r.qid, qid) == 0) {
			w.count = 1;
			if (j->n > 0 && jti_has(j, r.jti)) {
				(*revoked)++;
				if (!(flags & SND_WALK_INCLUDE_REVOKED)) {
					w.count = 0;
					back = 1;
				}
			}
		}
		if (cb(ctx, &w)) {
			rc = SQLITE_DONE;
			break;
		}
		if (back) {
			/* The stand-in is older, so it has been checked already. */
			int found, stop;
			e = walk_back(s, j, sqlite3_column_int64(st, 14), back_walk_row, &bw, &found,
			              &stop);
			if (e != SND_OK || stop)
				break;
		}
	}
	if (e == SND_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		e = fail_db(s, rc);
	sqlite3_finalize(st);
	free(bits.w);
	return e;
}

enum snd_err snd_store_walk(struct snd_store *s, const char *qid, unsigned flags,
                            snd_walk_cb cb, void *ctx, int64_t *revoked)
{
	struct jti_set j = {NULL, 0, 0};
	int64_t nrev = 0;
	int began;
	enum snd_err e;
	if ((e = snd_store_snapshot_begin(s, &began)) != SND_OK)
		return e;
	if ((e = load_revoked(s, &j)) == SND_OK)
		e = (flags & SND_WALK_CHAIN) ? walk_chain(s, qid, flags, &j, cb, ctx, &nrev)
		                             : walk_latest(s, qid, flags, &j, cb, ctx, &nrev);
	snd_store_snapshot_end(s, began);
	jti_free(&j);
	if (e == SND_OK && revoked != NULL)
		*revoked = nrev;
	return e;
}

struct counted {
	snd_revision_cb cb;
	void *ctx;
	const struct jti_set *j;
	int include;
	int64_t revoked;
	struct snd_store *s;
	enum snd_err err;
};

static int counted_row(void *ctx, const struct snd_revision *r)
{
	struct counted *c = ctx;
	int found, stop = 0;
	if (!r->revoked)
		return c->cb(c->ctx, r);
	c->revoked++;
	if (c->include)
		return c->cb(c->ctx, r);
	/* r's statement stays open while walk_back runs its own. */
	c->err = walk_back(c->s, c->j, r->seq, c->cb, c->ctx, &found, &stop);
	return c->err != SND_OK || stop;
}

enum snd_err snd_store_each_counted(struct snd_store *s, const char *qid, int include_revoked,
                                    snd_revision_cb cb, void *ctx, int64_t *revoked)
{
	struct jti_set j = {NULL, 0, 0};
	struct counted c = {cb, ctx, &j, include_revoked, 0, s, SND_OK};
	int began;
	enum snd_err e;
	if ((e = snd_store_snapshot_begin(s, &began)) != SND_OK)
		return e;
	if ((e = load_revoked(s, &j)) == SND_OK)
		e = snd_store_each_latest(s, qid, counted_row, &c);
	snd_store_snapshot_end(s, began);
	jti_free(&j);
	if (e == SND_OK)
		e = c.err;
	if (e == SND_OK && revoked != NULL)
		*revoked = c.revoked;
	return e;
}
