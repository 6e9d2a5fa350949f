/* tally_stream.c - the tally's pass over the store: the reader (the
 * store's callback, on the calling thread) and, for large tallies, one
 * worker thread that decodes and adds up batches of rows.
 *
 * This file owns:
 *   1. the batches: copies of each row's entity, attributes and answers;
 *   2. the worker thread and its hand-over (one mutex, one condition);
 *   3. predecoding: rows the reader scans while the worker is busy;
 *   4. one row's path: decode (scan.c, else tally_rows.c's cJSON fallback),
 *      then add to the whole and to its groups (tally_groups.c);
 *   5. --weight entity's last step: the blocks added up into their scopes.
 *
 * Invariants:
 *   1. Rows are applied in read order, by one thread at a time, so the
 *      results are those of a single thread.
 *   2. The store connection is only ever used by the calling thread.
 *   3. At most two batches exist; a batch is the reader's or the worker's,
 *      never both (its ready flag, changed under the mutex, says whose).
 *   4. When tally_stream returns, the worker is gone and every batch freed.
 */
#include "tally_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ streaming
 * Two stages.  The store's callback (the reader) copies each row's entity,
 * attributes and answers into a batch; a worker thread decodes and
 * accumulates whole batches while SQLite reads the next one.  With two
 * batches the two stages overlap, so a large tally takes about as long as
 * the slower stage instead of their sum (the store's read and our decode
 * cost about the same per row).  Rows are applied in read order, so the
 * results are those of a single thread.  The worker starts only when the
 * first batch fills: a small tally (the chair's live view early in a
 * meeting) never creates a thread, and if one cannot be created the reader
 * applies its batches itself.  Cost: two batches of BATCH_ROWS rows
 * (about 2 MB each for the LSG form) and one copy per row. */

#define BATCH_ROWS 2048
#define BATCH_BYTES ((size_t)1 << 20)
#define PREDECODE_BYTES ((size_t)4 << 20)

struct brow {
	size_t ent, attrs, answers, answers_len; /* offsets into bytes */
};

struct batch {
	struct brow rows[BATCH_ROWS];
	size_t n;
	char *bytes;
	size_t len, cap;
	int ready;           /* handed to the worker, not yet done (atomic) */
	/* rows the reader decoded while the worker was busy (see predecode) */
	unsigned char dec[BATCH_ROWS];
	struct dq *dqs;      /* nquestions per row, for the first maxdec rows */
	int *pools;          /* npool per row */
};

struct pass {
	struct tally *t;
	struct row_scopes rs;
	struct batch *b[2];
	int cur;             /* the batch the reader fills */
	int threaded;        /* the worker runs */
	int nothread;        /* pthread_create failed: the reader applies batches */
	int copy_failed;     /* the reader could not copy a row (out of memory) */
	int need_attrs;      /* --by names a token attribute */
	size_t maxdec;       /* rows per batch the reader may decode (0: none) */
	struct scan_form rscan; /* the reader's scanner view (its own dq, pool) */
	pthread_t worker;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu: */
	int stop;            /* no more batches will come */
	int err;             /* the worker failed: the reader stops reading */
};

/* Decodes one row and adds it to the whole and to its groups. */
static void row_apply(struct pass *p, const char *ent, const char *attrs, const char *answers,
                      size_t answers_len, struct dq *dq, int *pool)
{
	struct tally *t = p->t;
	struct dq *own_dq = t->dq;
	int *own_pool = t->pool;
	cJSON *tree = NULL;

	t->row_ent = ent != NULL ? ent : "";
	t->rowtext.len = 0;
	if (dq != NULL) {
		/* Decoded by the reader (the same values the scan below gives):
		 * added from where it lies, t->dq and t->pool lent for the row. */
		t->dq = dq;
		t->pool = pool;
	} else {
		tally_reset_row(t);
		if (answers == NULL || snd_scan_answers(&t->scan, answers, answers_len) != 0)
			tree = tally_cjson_decode(t, answers ? answers : "", answers ? answers_len : 0);
	}

	tally_apply_scope(t, 0);
	if (t->o->by != NULL && t->err == SND_OK) {
		const char *v;
		size_t n;
		cJSON *tattrs = NULL;
		int is_ent = strcmp(t->o->by, "entity") == 0;
		if (is_ent) {
			v = t->row_ent;
			n = strlen(v);
		} else {
			tally_attr_value(attrs, t->o->by, &v, &n, &tattrs);
		}
		p->rs.n = 0;
		if (tally_each_piece(v, n, !is_ent, tally_add_row_scope, &p->rs) != 0)
			t->err = SND_ENOMEM;
		cJSON_Delete(tattrs);
		for (size_t i = 0; i < p->rs.n && t->err == SND_OK; i++)
			tally_apply_scope(t, p->rs.ids[i]);
	}
	t->dq = own_dq;
	t->pool = own_pool;
	cJSON_Delete(tree);
}

static void batch_apply(struct pass *p, struct batch *b)
{
	size_t nq = p->t->f->nquestions, np = p->t->npool;
	for (size_t i = 0; i < b->n && p->t->err == SND_OK; i++) {
		const struct brow *r = &b->rows[i];
		int d = i < p->maxdec && b->dec[i];
		row_apply(p, b->bytes + r->ent, b->bytes + r->attrs, b->bytes + r->answers,
		          r->answers_len, d ? b->dqs + i * nq : NULL, d ? b->pools + i * np : NULL);
	}
	if (p->maxdec > 0)
		memset(b->dec, 0, b->n < p->maxdec ? b->n : p->maxdec);
	b->n = 0;
	b->len = 0;
}

static void *worker_main(void *arg)
{
	struct pass *p = arg;
	int idx = 0;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!__atomic_load_n(&p->b[idx]->ready, __ATOMIC_RELAXED) && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!__atomic_load_n(&p->b[idx]->ready, __ATOMIC_RELAXED)) { /* stop, and nothing left */
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		pthread_mutex_unlock(&p->mu);
		batch_apply(p, p->b[idx]);
		pthread_mutex_lock(&p->mu);
		__atomic_store_n(&p->b[idx]->ready, 0, __ATOMIC_RELEASE);
		if (p->t->err != SND_OK)
			p->err = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		idx ^= 1;
	}
}

/* While the worker is still busy with the other batch, the reader decodes
 * rows of its full one instead of waiting: the scanner is a pure function
 * of the row, so the worker then copies the decoded row instead of
 * scanning it, and the two threads share the decoding as their loads
 * allow (the reader's SQLite reads cost less than the worker's decoding
 * and adding up).  Rows are still added in read order by the worker, so
 * results are unchanged.  A row the scanner refuses is left to the worker
 * (its cJSON fallback). */
static void predecode(struct pass *p, struct batch *b)
{
	struct tally *t = p->t;
	size_t nq = t->f->nquestions, np = t->npool;
	struct batch *other = p->b[p->cur ^ 1];
	if (p->maxdec == 0 || b->dqs == NULL)
		return;
	for (size_t i = 0; i < b->n && i < p->maxdec; i++) {
		if (!__atomic_load_n(&other->ready, __ATOMIC_ACQUIRE))
			return; /* the worker is free: hand over now */
		const struct brow *r = &b->rows[i];
		struct dq *dq = b->dqs + i * nq;
		int *pool = b->pools + i * np;
		memset(dq, 0, nq * sizeof *dq);
		if (np > 0)
			memset(pool, 0, np * sizeof *pool);
		p->rscan.dq = dq;
		p->rscan.pool = pool;
		b->dec[i] = snd_scan_answers(&p->rscan, b->bytes + r->answers, r->answers_len) == 0;
	}
}

/* Hands the reader's full batch over and waits for the other one to be
 * free.  Without a worker (not started yet, or no thread to be had) the
 * reader applies the batch itself.  Returns nonzero to stop reading. */
static int batch_flush(struct pass *p, int full)
{
	struct batch *b = p->b[p->cur];
	if (b->n == 0)
		return 0;
	if (full && !p->threaded && !p->nothread) {
		/* the first full batch: a large tally, worth a second thread */
		if (pthread_create(&p->worker, NULL, worker_main, p) == 0)
			p->threaded = 1;
		else
			p->nothread = 1;
	}
	if (!p->threaded) {
		batch_apply(p, b);
		return p->t->err != SND_OK;
	}
	predecode(p, b);
	pthread_mutex_lock(&p->mu);
	__atomic_store_n(&b->ready, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&p->cv);
	p->cur ^= 1;
	while (__atomic_load_n(&p->b[p->cur]->ready, __ATOMIC_RELAXED))
		pthread_cond_wait(&p->cv, &p->mu);
	int stop = p->err;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

static int batch_put(struct batch *b, const char *s, size_t n, size_t *off)
{
	if (b->cap - b->len < n + 1) {
		size_t cap = b->cap ? b->cap : 65536; /* small tallies stay small */
		while (cap - b->len < n + 1)
			cap *= 2;
		char *q = realloc(b->bytes, cap);
		if (q == NULL)
			return -1;
		b->bytes = q;
		b->cap = cap;
	}
	*off = b->len;
	if (n > 0)
		memcpy(b->bytes + b->len, s, n);
	b->bytes[b->len + n] = '\0';
	b->len += n + 1;
	return 0;
}

/* The store's callback: copy the row into the batch being filled. */
static int on_row(void *ctx, const struct snd_answers_row *r)
{
	struct pass *p = ctx;
	struct batch *b = p->b[p->cur];
	struct brow *w = &b->rows[b->n];
	const char *ent = r->ent, *attrs = p->need_attrs ? r->attrs : "";
	const char *ans = r->answers;
	size_t alen = r->answers_len;

	if (batch_put(b, ent, strlen(ent), &w->ent) || batch_put(b, attrs, strlen(attrs), &w->attrs) ||
	    batch_put(b, ans, alen, &w->answers)) {
		p->copy_failed = 1;
		return 1;
	}
	w->answers_len = alen;
	b->n++;
	if (b->n == BATCH_ROWS || b->len >= BATCH_BYTES)
		return batch_flush(p, 1);
	return 0;
}

/* Reads every latest revision through the two stages; afterwards the
 * worker is gone and t holds the sums.  SND_ENOMEM when a batch could not
 * grow (t->err says so for the worker's own failures). */
static enum snd_err stream_rows(struct pass *p, struct snd_store *s, const char *qid)
{
	enum snd_err e;
	int oom = 0;
	for (int i = 0; i < 2; i++)
		if ((p->b[i] = calloc(1, sizeof *p->b[i])) == NULL)
			oom = 1;
	if (oom) {
		free(p->b[0]);
		free(p->b[1]);
		return SND_ENOMEM;
	}
	/* Room for decoded rows: up to PREDECODE_BYTES per batch. */
	size_t rowb = p->t->f->nquestions * sizeof(struct dq) + p->t->npool * sizeof(int);
	p->maxdec = rowb > 0 ? PREDECODE_BYTES / rowb : 0;
	if (p->maxdec > BATCH_ROWS)
		p->maxdec = BATCH_ROWS;
	for (int i = 0; i < 2 && p->maxdec > 0; i++) {
		p->b[i]->dqs = malloc(p->maxdec * p->t->f->nquestions * sizeof(struct dq) + 1);
		p->b[i]->pools = malloc(p->maxdec * p->t->npool * sizeof(int) + 1);
		if (p->b[i]->dqs == NULL || p->b[i]->pools == NULL)
			p->maxdec = 0; /* not needed: the worker decodes everything */
	}
	p->rscan = p->t->scan;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	e = snd_store_each_latest_answers(s, qid, p->need_attrs, on_row, p);
	oom = p->copy_failed;
	if (e == SND_OK && !oom)
		batch_flush(p, 0); /* the last, partial batch */
	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->worker, NULL);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	for (int i = 0; i < 2; i++) {
		free(p->b[i]->bytes);
		free(p->b[i]->dqs);
		free(p->b[i]->pools);
		free(p->b[i]);
		p->b[i] = NULL;
	}
	if (oom && e == SND_OK)
		e = SND_ENOMEM;
	return e;
}

/* --weight entity: each block's slots divided by their answered counts
 * (the entity's delegates who answered), added to the block's scope. */
static void combine_blocks(struct tally *t)
{
	for (size_t b = 0; b < t->nblk; b++) {
		const double *blk = t->blocks + b * t->L;
		double *acc = t->sc[t->blk_scope[b]].acc;
		for (size_t k = 0; k < t->nslots; k++) {
			const struct slot *sl = &t->slots[k];
			double n = blk[sl->off];
			if (n <= 0)
				continue;
			acc[sl->off] += 1;
			for (size_t i = 1; i < sl->len; i++)
				acc[sl->off + i] += blk[sl->off + i] / n;
		}
	}
}

enum snd_err tally_stream(struct tally *t, struct snd_store *s, const char *qid)
{
	struct pass p;
	enum snd_err e;
	memset(&p, 0, sizeof p);
	p.t = t;
	p.rs.t = t;
	p.need_attrs = t->o->by != NULL && strcmp(t->o->by, "entity") != 0;
	e = stream_rows(&p, s, qid);
	free(p.rs.ids);
	if (e == SND_OK && t->err == SND_OK && t->entity_mode)
		combine_blocks(t);
	return e;
}
