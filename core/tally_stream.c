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
 *   5. --weight entity's last step: the blocks added up into their scopes;
 *   6. the check before counting (SND_TALLY_VERIFY): the walk is then the
 *      whole chain in seq order (snd_store_walk's SND_WALK_CHAIN).  The
 *      reader checks what is sequential (chain_check: each row's seq
 *      follows the one before, its prev is the stored link of the row
 *      before) and copies the text the row's link hashes beside its
 *      answers; both SHA-256 (the link recomputed, the answers against
 *      their stored hash, compared as bytes) are a batch job (ROW_HASH),
 *      done by the worker, or by the reader while the worker is busy
 *      (predecode), so both cores share all the hashing.  Together the
 *      per-row checks are those of `tally verify`: a row whose link is
 *      its own and whose prev is the previous row's stored link, in every
 *      row, is a chain of recomputed links.  Cost at 1M responses:
 *      bench/README.md.
 *
 * Invariants:
 *   1. Rows are applied in read order, by one thread at a time, so the
 *      results are those of a single thread.
 *   2. The store connection is only ever used by the calling thread.
 *   3. At most NBATCH batches exist, handed over and applied in ring
 *      order; a batch is the reader's or the worker's, never both (its
 *      ready flag, changed under the mutex, says whose).
 *   4. When tally_stream returns, the worker is gone and every batch freed.
 *   5. Under SND_TALLY_VERIFY nothing is reported from a pass in which a
 *      row failed: the first failure in seq order (the reader's or the
 *      worker's, each stopping at its first) makes the pass SND_EINVAL.
 */
#include "tally_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ streaming
 * Two stages.  The store's callback (the reader) copies each row's entity,
 * attributes and answers into a batch; a worker thread decodes and
 * accumulates whole batches while SQLite reads the next one.  With a ring
 * of batches the two stages overlap, so a large tally takes about as long
 * as the slower stage instead of their sum (the store's read and our
 * decode cost about the same per row); more than two let the reader read
 * ahead (and hash and decode ahead, predecode) while the worker is in a
 * long step of its own (sorting a run of kept texts), instead of waiting.
 * Rows are applied in read order, so the results are those of a single
 * thread.  The worker starts only when the
 * first batch fills: a small tally (the chair's live view early in a
 * meeting) never creates a thread, and if one cannot be created the reader
 * applies its batches itself.  Cost: NBATCH batches of at most BATCH_ROWS
 * rows (about 1-2 MB each, and up to PREDECODE_BYTES of decoded rows) and
 * one copy per row. */

#define NBATCH 4

#define BATCH_ROWS 2048
#define BATCH_BYTES ((size_t)1 << 20)
#define PREDECODE_BYTES ((size_t)4 << 20)
/* Rows hashed together: their 2 x HASH_CHUNK messages keep the sixteen
 * lanes of snd_sha256_many busy. */
#define HASH_CHUNK 64

/* A row's jobs: APPLY adds it up; HASH recomputes its link and checks its
 * answers against the stored hash (SND_TALLY_VERIFY), on whichever thread
 * gets to it first. */
#define ROW_APPLY 1
#define ROW_HASH 2

/* What HASH found (brow.hashed). */
#define HASHED_NOT_YET 0
#define HASHED_OK 1
#define HASHED_LINK 2    /* the link is not the row's: reported first */
#define HASHED_ANSWERS 3 /* the answers do not match the stored hash */

struct brow {
	size_t ent, attrs, answers, answers_len; /* offsets into bytes */
	size_t sub;          /* offset, HASH rows only ("" otherwise) */
	size_t chain, chain_len; /* HASH: the text the link hashes (snd_chain_input) */
	int64_t seq;
	unsigned char jobs;
	unsigned char hashed; /* HASH: HASHED_* */
	unsigned char salted; /* HASH: the salt's 16 bytes lie just before the answers */
	unsigned char link_ok; /* HASH: the stored link is 64 hex digits, in link */
	uint8_t hash[32];    /* HASH: the stored hash */
	uint8_t link[32];    /* HASH: the stored link */
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
	struct batch *b[NBATCH];
	int cur;             /* the batch the reader fills */
	int threaded;        /* the worker runs */
	int nothread;        /* pthread_create failed: the reader applies batches */
	int copy_failed;     /* the reader could not copy a row (out of memory) */
	int need_attrs;      /* --by names a token attribute */
	int check;           /* SND_TALLY_VERIFY: the chain walk, checked */
	int64_t last_seq;    /* the reader's chain check: the row before, */
	uint8_t last_link[32]; /* its stored link (64 zeros before the first), */
	int last_link_ok;    /* unless that was not 64 hex digits */
	struct tally_bad rbad; /* the reader's first failure */
	struct tally_bad wbad; /* the worker's (or the applying reader's) */
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
		int is_ent = !p->need_attrs; /* --by entity */
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

/* The HASH rows of b not hashed yet, from row i on, up to HASH_CHUNK of
 * them: each one's link recomputed and its answers (after the salt, when
 * it has one) hashed, all at once (snd_sha256_many), against the stored
 * ones; sets their hashed.  A pure function of the rows, so either thread
 * may run it. */
static void rows_hash(struct batch *b, size_t i)
{
	struct snd_sha256_job jobs[2 * HASH_CHUNK];
	uint8_t md[2 * HASH_CHUNK][32];
	struct brow *rows[HASH_CHUNK];
	size_t n = 0;
	for (; i < b->n && n < HASH_CHUNK; i++) {
		struct brow *r = &b->rows[i];
		size_t pre = r->salted ? SND_SALT_BYTES : 0;
		if (!(r->jobs & ROW_HASH) || r->hashed != HASHED_NOT_YET)
			continue;
		jobs[2 * n] = (struct snd_sha256_job){b->bytes + r->chain, r->chain_len, md[2 * n]};
		jobs[2 * n + 1] = (struct snd_sha256_job){b->bytes + r->answers - pre,
		                                          r->answers_len + pre, md[2 * n + 1]};
		rows[n++] = r;
	}
	if (n == 0)
		return;
	snd_sha256_many(jobs, 2 * n);
	for (size_t k = 0; k < n; k++) {
		struct brow *r = rows[k];
		if (!r->link_ok || memcmp(md[2 * k], r->link, sizeof r->link) != 0)
			r->hashed = HASHED_LINK;
		else if (memcmp(md[2 * k + 1], r->hash, sizeof r->hash) != 0)
			r->hashed = HASHED_ANSWERS;
		else
			r->hashed = HASHED_OK;
	}
}

static void batch_apply(struct pass *p, struct batch *b)
{
	size_t nq = p->t->f->nquestions, np = p->t->npool;
	for (size_t i = 0; i < b->n && p->t->err == SND_OK; i++) {
		struct brow *r = &b->rows[i];
		int d = i < p->maxdec && b->dec[i];
		if (r->jobs & ROW_HASH) {
			if (r->hashed == HASHED_NOT_YET)
				rows_hash(b, i);
			if (r->hashed != HASHED_OK) {
				/* rows come in seq order: this is the first the hashes refuse */
				tally_bad_note(&p->wbad, r->seq, b->bytes + r->sub,
				               r->hashed == HASHED_LINK
				                   ? "its chain link does not match the row (the row "
				                     "was altered)"
				                   : "its answers do not match their stored hash");
				p->t->err = SND_EINVAL;
				break;
			}
		}
		if (r->jobs & ROW_APPLY)
			row_apply(p, b->bytes + r->ent, b->bytes + r->attrs, b->bytes + r->answers,
			          r->answers_len, d ? b->dqs + i * nq : NULL,
			          d ? b->pools + i * np : NULL);
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
		idx = (idx + 1) % NBATCH;
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
	/* the batch handed over last: the worker is busy until it is done */
	struct batch *other = p->b[(p->cur + NBATCH - 1) % NBATCH];
	int dec = p->maxdec > 0 && b->dqs != NULL;
	if (!dec && !p->check)
		return;
	for (size_t i = 0; i < b->n && (p->check || i < p->maxdec); i++) {
		if (!__atomic_load_n(&other->ready, __ATOMIC_ACQUIRE))
			return; /* the worker is free: hand over now */
		struct brow *r = &b->rows[i];
		if ((r->jobs & ROW_HASH) && r->hashed == HASHED_NOT_YET)
			rows_hash(b, i);
		if (!dec || i >= p->maxdec || !(r->jobs & ROW_APPLY))
			continue;
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

/* Hands the reader's full batch over and waits for the next one in the
 * ring to be free.  Without a worker (not started yet, or no thread to be
 * had) the reader applies the batch itself.  Returns nonzero to stop
 * reading. */
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
	p->cur = (p->cur + 1) % NBATCH;
	while (__atomic_load_n(&p->b[p->cur]->ready, __ATOMIC_RELAXED))
		pthread_cond_wait(&p->cv, &p->mu);
	int stop = p->err;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

/* Room for n more bytes in b; -1 when out of memory. */
static int batch_room(struct batch *b, size_t n)
{
	if (b->cap - b->len >= n)
		return 0;
	size_t cap = b->cap ? b->cap : 65536; /* small tallies stay small */
	while (cap - b->len < n)
		cap *= 2;
	char *q = realloc(b->bytes, cap);
	if (q == NULL)
		return -1;
	b->bytes = q;
	b->cap = cap;
	return 0;
}

/* Appends pre[0..npre) and then s[0..n) and a NUL; *off is where s starts. */
static int batch_put2(struct batch *b, const void *pre, size_t npre, const char *s, size_t n,
                      size_t *off)
{
	if (batch_room(b, npre + n + 1) != 0)
		return -1;
	if (npre > 0)
		memcpy(b->bytes + b->len, pre, npre);
	b->len += npre;
	*off = b->len;
	if (n > 0)
		memcpy(b->bytes + b->len, s, n);
	b->bytes[b->len + n] = '\0';
	b->len += n + 1;
	return 0;
}

static int batch_put(struct batch *b, const char *s, size_t n, size_t *off)
{
	return batch_put2(b, NULL, 0, s, n, off);
}

/* Appends the text r's link hashes (snd_chain_input) to b. */
static int batch_put_chain(struct batch *b, const struct snd_revision *r, struct brow *w)
{
	size_t n = snd_chain_input(r, b->bytes + b->len, b->cap - b->len);
	if (n > b->cap - b->len) {
		if (batch_room(b, n) != 0)
			return -1;
		(void)snd_chain_input(r, b->bytes + b->len, b->cap - b->len);
	}
	w->chain = b->len;
	w->chain_len = n;
	b->len += n;
	return 0;
}

/* SND_TALLY_VERIFY, the reader's part, in seq order: seq follows the row
 * before, and prev is that row's stored link; the stored hash and salt
 * are well formed.  The link itself and the answers hash are the batch's
 * job (ROW_HASH).  Per row the checks run in the order of `tally verify`
 * (verify.c's check_chain), and the first bad row in seq order is the one
 * reported: comparing prev with the stored link rather than the
 * recomputed one changes nothing, since a stored link that is not its
 * row's own fails that row, which comes first.  0, or -1 with p->rbad
 * set. */
static int chain_check(struct pass *p, const struct snd_revision *r, struct brow *w,
                       uint8_t salt[SND_SALT_BYTES])
{
	uint8_t prev[32];
	const char *what = NULL;
	if (r->seq != p->last_seq + 1)
		what = r->seq > p->last_seq + 1 ? "revisions before it are missing (a chain gap)"
		                                : "its sequence number is out of order";
	else if (!p->last_link_ok || snd_hex_parse(r->prev, prev, sizeof prev) != 0 ||
	         memcmp(prev, p->last_link, sizeof prev) != 0)
		what = "its prev does not match the link of the revision before it";
	else if (snd_hex_parse(r->hash, w->hash, sizeof w->hash) != 0)
		what = "its stored hash is not a SHA-256";
	else if (r->salt != NULL && snd_salt_parse(r->salt, salt) != 0)
		what = "its salt is not 32 lowercase hex digits";
	if (what != NULL) {
		tally_bad_note(&p->rbad, r->seq, r->sub, what);
		return -1;
	}
	w->salted = r->salt != NULL;
	w->link_ok = snd_hex_parse(r->link, w->link, sizeof w->link) == 0;
	p->last_seq = r->seq;
	p->last_link_ok = w->link_ok;
	memcpy(p->last_link, w->link, sizeof p->last_link);
	return 0;
}

/* The store's callback: check a chain row, copy the row into the batch
 * being filled. */
static int on_row(void *ctx, const struct snd_walk_row *r)
{
	struct pass *p = ctx;
	struct batch *b = p->b[p->cur];
	struct brow *w = &b->rows[b->n];
	int apply = r->count && !(p->t->flags & TALLY_CHECK_ONLY);
	int hash = p->check && r->check;
	const char *ent = r->ent, *attrs = p->need_attrs ? r->attrs : "";
	const char *ans = r->answers, *sub = hash ? r->sub : "";
	size_t alen = r->answers_len;
	uint8_t salt[SND_SALT_BYTES];

	w->salted = 0;
	if (hash && chain_check(p, r->r, w, salt) != 0)
		return 1;
	if (!apply && !hash)
		return 0;
	if (!apply)
		ent = attrs = "";
	if (batch_put(b, ent, strlen(ent), &w->ent) || batch_put(b, attrs, strlen(attrs), &w->attrs) ||
	    batch_put2(b, salt, w->salted ? sizeof salt : 0, ans, alen, &w->answers) ||
	    batch_put(b, sub, strlen(sub), &w->sub) || (hash && batch_put_chain(b, r->r, w))) {
		p->copy_failed = 1;
		return 1;
	}
	w->answers_len = alen;
	w->seq = r->seq;
	w->jobs = (unsigned char)((apply ? ROW_APPLY : 0) | (hash ? ROW_HASH : 0));
	w->hashed = HASHED_NOT_YET;
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
	for (int i = 0; i < NBATCH; i++)
		if ((p->b[i] = calloc(1, sizeof *p->b[i])) == NULL)
			oom = 1;
	if (oom) {
		for (int i = 0; i < NBATCH; i++)
			free(p->b[i]);
		return SND_ENOMEM;
	}
	/* Room for decoded rows: up to PREDECODE_BYTES per batch. */
	size_t rowb = p->t->f->nquestions * sizeof(struct dq) + p->t->npool * sizeof(int);
	p->maxdec = rowb > 0 ? PREDECODE_BYTES / rowb : 0;
	if (p->maxdec > BATCH_ROWS)
		p->maxdec = BATCH_ROWS;
	for (int i = 0; i < NBATCH && p->maxdec > 0; i++) {
		p->b[i]->dqs = malloc(p->maxdec * p->t->f->nquestions * sizeof(struct dq) + 1);
		p->b[i]->pools = malloc(p->maxdec * p->t->npool * sizeof(int) + 1);
		if (p->b[i]->dqs == NULL || p->b[i]->pools == NULL)
			p->maxdec = 0; /* not needed: the worker decodes everything */
	}
	p->rscan = p->t->scan;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	unsigned wf = (p->need_attrs ? SND_WALK_ATTRS : 0) |
	              (p->t->flags & SND_TALLY_INCLUDE_REVOKED ? SND_WALK_INCLUDE_REVOKED : 0) |
	              (p->check ? SND_WALK_CHAIN : 0);
	e = snd_store_walk(s, qid, wf, on_row, p, &p->t->revoked);
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
	for (int i = 0; i < NBATCH; i++) {
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
	p.check = (t->flags & SND_TALLY_VERIFY) != 0;
	p.last_link_ok = 1; /* 64 zeros: the first row's prev (store invariant 2) */
	e = stream_rows(&p, s, qid);
	free(p.rs.ids);
	/* The first bad revision in seq order: the reader stopped at its
	 * first, the worker at its own; every row before either was checked
	 * by both. */
	if (p.rbad.seq != 0)
		tally_bad_note(&t->bad, p.rbad.seq, p.rbad.sub, p.rbad.what);
	if (p.wbad.seq != 0)
		tally_bad_note(&t->bad, p.wbad.seq, p.wbad.sub, p.wbad.what);
	if (t->bad.seq != 0)
		return SND_EINVAL;
	if (e == SND_OK && t->err == SND_OK && t->entity_mode)
		combine_blocks(t);
	return e;
}
