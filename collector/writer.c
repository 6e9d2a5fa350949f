/* writer.c - the collector's writer thread: owns the write connection and
 * stores queued revisions with group commit (see writer.h).  Receipts are
 * signed before queuing, on the request threads (writer_submit), so the
 * writer, the one serial stage, only inserts and commits.
 *
 * A receipt names its rev, so the rev is reserved before the row exists:
 * a small table of rev slots, one per recently seen delegate (set-
 * associative, keyed by a hash of (qid, sub)), holds the last rev handed
 * out and how many reservations are still in flight.  The reservation is
 * only a guess; the database decides: snd_store_append_signed stores the
 * pre-signed receipt when its rev is the delegate's next, and otherwise
 * signs a right one on the writer (a delegate first seen since start, two
 * submissions of one delegate queued in the other order, rows after a
 * rolled-back batch).  So a wrong guess costs one signature, never a wrong
 * row.
 *
 * Invariants:
 *   1. Only the writer thread touches the write connection after
 *      writer_start() returned.
 *   2. An item's done() is called exactly once, after the COMMIT of its
 *      batch returned (rc SND_OK, rev and receipt set) or after that batch
 *      was rolled back (rc != SND_OK, nothing of it stored).  A failed batch
 *      fails as a whole: every item in it is answered with the error.
 *   3. The queue never holds more than WRITER_QUEUE_MAX items; once stopping
 *      is set nothing more is accepted, and the thread exits only when the
 *      queue is empty, so every accepted item is answered.
 *   4. done() is called without the queue lock held (it may take MHD's
 *      locks); prepare() is called with it held, and the writer never calls
 *      into MHD under the queue lock, so the two lock orders cannot cross.
 *   5. Errors are logged with SQLite's message only: never answers.
 *   6. Rev slots and last_at are guarded by the queue lock.  A slot with
 *      reservations in flight (pending > 0) is never evicted, so an item's
 *      slot pointer stays its delegate's until the item is released; when
 *      the last reservation of a delegate is released, the slot holds the
 *      rev the database holds for it (or is dropped, after a failure).
 *   7. submitted_at never decreases in queue order, which is seq order (a
 *      merge orders revisions by it): an item queued behind a later
 *      timestamp takes that timestamp, and loses its receipt (the writer
 *      signs again) only if that moves it into another second, since iat
 *      is submitted_at to the second.
 *   8. The WAL is checkpointed on the writer thread between batches, after
 *      the answers of the batch that filled it went out, never inside a
 *      COMMIT (snd_store_defer_checkpoints): the same PASSIVE checkpoint at
 *      SQLite's threshold, but no answer waits for it.
 *   9. An item the store refuses for the delegate's revision limit
 *      (SND_ELIMIT: nothing of it written, its savepoint rolled back) is
 *      answered with that code and the rest of its batch is stored as if it
 *      had not been there.
 */
#include "writer.h"

#include "metrics.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* SQLite's own auto-checkpoint threshold, kept: only the moment moves. */
#define WRITER_CHECKPOINT_FRAMES 1000

/* 4,096 sets of 4: enough for every delegate of a large meeting at once;
 * past that, a delegate whose set is busy is signed on the writer. */
/* A batch of fewer than LINGER_FILL items waits up to WRITER_LINGER_US
 * for more before it is stored.  Each commit is an fdatasync, and on this
 * kind of machine its CPU cost (journal, virtio, the wake-ups of every
 * answered connection) is shared by the rows of its batch: with no wait the
 * batches of the cold API load were ~5 rows and cost the server ~124 us of
 * CPU per request; waiting 300 us gave ~118 us and +12% requests/s (mean of
 * alternating 5-s runs, 12.4k -> 14.1k/s), with p99 down from 11.8 to
 * 10.0 ms; the reuse load was unchanged (20-22k/s either way).  A lone
 * request on an idle server waits 0.3 ms more. */
#define LINGER_FILL 32
#define WRITER_LINGER_US 300
#define REV_SETS 4096
#define REV_WAYS 4

struct rev_slot {
	uint64_t key;               /* 0: free */
	int64_t rev;                /* the last rev handed out for it */
	uint32_t pending;           /* reservations not yet released */
	uint32_t used;              /* tick of its last reservation (LRU) */
};

struct writer {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct writer_item *head, **tail;
	size_t qlen;
	int stopping;
	int joined;                 /* writer_stop has joined the thread */
	int64_t last_at;            /* submitted_at of the last queued item */
	int lingering;              /* the writer waits for LINGER_FILL items */
	uint32_t tick;
	struct rev_slot *slots;     /* REV_SETS * REV_WAYS */
	pthread_t thread;
	struct snd_store *store;    /* writer thread only */
	uint8_t sk[SND_SK_BYTES];
	char *footer;               /* the receipts' footer, built once */
	atomic_llong commits;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a over qid "\n" sub; never 0 (the free mark).  A collision of two
 * delegates only makes a guess wrong, which the store corrects. */
static uint64_t delegate_key(const char *qid, const char *sub)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p;
	for (p = (const unsigned char *)qid; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ '\n') * 0x100000001b3ULL;
	for (p = (const unsigned char *)sub; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h ? h : 1;
}

/* Under the lock: reserves the delegate's next rev into it->rev, or sets
 * it->slot NULL when its set is all in flight (the writer then signs). */
static void reserve(struct writer *w, struct writer_item *it)
{
	struct rev_slot *set = w->slots + (size_t)(it->key % REV_SETS) * REV_WAYS, *s = NULL;
	size_t i;
	for (i = 0; i < REV_WAYS; i++)
		if (set[i].key == it->key) {
			s = &set[i];
			break;
		}
	if (s == NULL) {
		/* a free way, else the least recently used one with nothing in
		 * flight; a delegate new to the table is guessed new (rev 1) */
		for (i = 0; i < REV_WAYS; i++)
			if (set[i].pending == 0 && (s == NULL || set[i].key == 0 ||
			                            (s->key != 0 && set[i].used < s->used)))
				s = &set[i];
		if (s == NULL) {
			it->slot = NULL;
			it->rev = 0;
			return;
		}
		s->key = it->key;
		s->rev = 0;
	}
	s->pending++;
	s->rev++;
	s->used = ++w->tick;
	it->slot = s;
	it->rev = s->rev;
}

/* Under the lock: ends it's reservation.  stored_rev is the rev the row got
 * (0: not stored).  The last one out leaves the database's rev behind. */
static void release(struct writer_item *it, int64_t stored_rev)
{
	struct rev_slot *s = it->slot;
	it->slot = NULL;
	if (s == NULL || s->key != it->key || s->pending == 0)
		return;
	if (--s->pending == 0) {
		if (stored_rev > 0)
			s->rev = stored_rev;
		else
			s->key = 0; /* unknown now: the next one is guessed again */
	}
}

/* Stores one batch in one transaction; sets every item's result. */
static void store_batch(struct writer *w, struct writer_item *batch)
{
	struct writer_item *it;
	enum snd_err rc;
	size_t n = 0, resigned = 0, refused = 0;
	struct timespec t0, t1;

	rc = snd_store_begin(w->store);
	if (rc != SND_OK) {
		snd_log(SND_LOG_ERROR, "writer: begin failed: %s (%s)", snd_strerror(rc),
		        snd_store_errmsg(w->store));
		goto fail;
	}
	for (it = batch; it; it = it->next, n++) {
		if (it->record != NULL) {
			rc = snd_store_record_add(w->store, it->record, it->record_link);
			if (rc == SND_EINVAL) { /* its own savepoint only: the batch goes on */
				it->rc = SND_EINVAL;
				refused++;
				continue;
			}
			if (rc != SND_OK) {
				snd_log(SND_LOG_ERROR, "writer: record failed: %s (%s)", snd_strerror(rc),
				        snd_store_errmsg(w->store));
				goto rollback;
			}
			it->rc = SND_OK;
			continue;
		}
		if (it->receipt != NULL) {
			char *again = NULL;
			rc = snd_store_append_signed(w->store, &it->sub, w->sk, it->submitted_at_ms,
			                             it->rev, it->receipt, &it->rev, &again);
			if (again != NULL) {
				free(it->receipt);
				it->receipt = again;
				resigned++;
			}
		} else {
			rc = snd_store_append(w->store, &it->sub, w->sk, it->submitted_at_ms, &it->rev,
			                      &it->receipt);
			resigned++;
		}
		if (rc == SND_ELIMIT) {
			/* invariant 9: refused alone, the batch goes on */
			free(it->receipt);
			it->receipt = NULL;
			it->rev = 0;
			it->rc = SND_ELIMIT;
			refused++;
			continue;
		}
		if (rc != SND_OK) {
			snd_log(SND_LOG_ERROR, "writer: append failed: %s (%s)", snd_strerror(rc),
			        snd_store_errmsg(w->store));
			goto rollback;
		}
		it->rc = SND_OK;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = snd_store_commit(w->store);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc != SND_OK) {
		snd_log(SND_LOG_ERROR, "writer: commit failed: %s (%s)", snd_strerror(rc),
		        snd_store_errmsg(w->store));
		goto rollback;
	}
	atomic_fetch_add(&w->commits, 1);
	metrics_writer_commit(n - refused, (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 +
	                                       (t1.tv_nsec - t0.tv_nsec));
	for (it = batch; it; it = it->next)
		if (it->rc == SND_OK && it->rev == 1)
			metrics_first_answer(it->sub.qid);
	snd_log(SND_LOG_DEBUG,
	        "writer: committed %zu revision(s), %zu receipt(s) signed here, %zu over the limit",
	        n - refused, resigned, refused);
	return;

rollback:
	if (snd_store_rollback(w->store) != SND_OK)
		snd_log(SND_LOG_ERROR, "writer: rollback failed (%s)", snd_store_errmsg(w->store));
fail:
	for (it = batch; it; it = it->next) {
		free(it->receipt);
		it->receipt = NULL;
		it->rev = 0;
		it->rc = rc == SND_OK ? SND_EDB : rc;
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct writer_item *batch, **cut, *it, *next;
		size_t i;

		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->head == NULL)
			break; /* stopping and drained */
		if (w->qlen < LINGER_FILL && !w->stopping) {
			/* submit signals when the queue reaches LINGER_FILL */
			struct timespec dl;
			clock_gettime(CLOCK_MONOTONIC, &dl);
			dl.tv_nsec += WRITER_LINGER_US * 1000L;
			dl.tv_sec += dl.tv_nsec / 1000000000;
			dl.tv_nsec %= 1000000000;
			w->lingering = 1;
			while (w->qlen < LINGER_FILL && !w->stopping &&
			       pthread_cond_timedwait(&w->cond, &w->lock, &dl) == 0)
				;
			w->lingering = 0;
		}
		/* A short batch lingers (see WRITER_LINGER_US); otherwise,
		 * whatever queued while the last batch was stored and synced is
		 * the next batch. */
		batch = w->head;
		cut = &w->head;
		for (i = 0; i < WRITER_BATCH_MAX && *cut; i++, w->qlen--)
			cut = &(*cut)->next;
		w->head = *cut;
		*cut = NULL;
		if (w->head == NULL)
			w->tail = &w->head;
		metrics_writer_queue(w->qlen);
		pthread_mutex_unlock(&w->lock);

		store_batch(w, batch);
		pthread_mutex_lock(&w->lock);
		for (it = batch; it; it = it->next)
			release(it, it->rc == SND_OK ? it->rev : 0);
		pthread_mutex_unlock(&w->lock);
		for (it = batch; it; it = next) {
			next = it->next; /* done() may free it */
			it->next = NULL;
			it->done(it);
		}
		/* After the answers (invariant 8): whatever queues meanwhile is
		 * the next batch. */
		if (snd_store_checkpoint_due(w->store) && snd_store_checkpoint(w->store) != SND_OK)
			snd_log(SND_LOG_WARN, "writer: checkpoint failed (%s)",
			        snd_store_errmsg(w->store));
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

enum snd_err writer_start(struct snd_store *store, const uint8_t receipt_sk[SND_SK_BYTES],
                          struct writer **out)
{
	struct writer *w;
	pthread_condattr_t ca;
	int cond_ok = 0;

	if ((w = calloc(1, sizeof *w)) == NULL)
		return SND_ENOMEM;
	if (pthread_mutex_init(&w->lock, NULL) != 0) {
		free(w);
		return SND_ENOMEM;
	}
	/* the linger's deadline is on the monotonic clock: a step of the wall
	 * clock must not stretch it */
	if (pthread_condattr_init(&ca) != 0)
		goto fail;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&w->cond, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		goto fail;
	}
	pthread_condattr_destroy(&ca);
	cond_ok = 1;
	w->tail = &w->head;
	w->store = store;
	memcpy(w->sk, receipt_sk, SND_SK_BYTES);
	atomic_init(&w->commits, 0);
	if ((w->slots = calloc((size_t)REV_SETS * REV_WAYS, sizeof *w->slots)) == NULL ||
	    snd_receipt_footer(w->sk, &w->footer) != SND_OK ||
	    snd_store_defer_checkpoints(store, WRITER_CHECKPOINT_FRAMES) != SND_OK)
		goto fail;
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
		goto fail;
	*out = w;
	return SND_OK;

fail:
	if (cond_ok)
		pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	sodium_memzero(w->sk, sizeof w->sk);
	free(w->slots);
	free(w->footer);
	free(w);
	return SND_ENOMEM;
}

enum snd_err writer_submit(struct writer *w, struct writer_item *it,
                           void (*prepare)(void *arg), void *arg)
{
	int64_t at;

	it->next = NULL;
	it->rc = SND_EBUSY;
	it->receipt = NULL;
	it->slot = NULL;
	if (it->record == NULL) {
		it->key = delegate_key(it->sub.qid, it->sub.sub);
		pthread_mutex_lock(&w->lock);
		if (w->stopping || w->qlen >= WRITER_QUEUE_MAX) {
			pthread_mutex_unlock(&w->lock);
			return SND_EBUSY;
		}
		reserve(w, it);
		pthread_mutex_unlock(&w->lock);
	}

	/* Signed outside the lock: the Ed25519 signature is most of the cost
	 * of storing a revision.  A failure here leaves the signing to the
	 * writer, which reports its own. */
	it->submitted_at_ms = at = now_ms();
	if (it->record == NULL && it->slot != NULL &&
	    snd_receipt_sign(w->sk, w->footer, &it->sub, it->rev, at, &it->receipt) != SND_OK)
		it->receipt = NULL;

	pthread_mutex_lock(&w->lock);
	if (w->stopping || w->qlen >= WRITER_QUEUE_MAX) {
		release(it, 0);
		pthread_mutex_unlock(&w->lock);
		free(it->receipt);
		it->receipt = NULL;
		return SND_EBUSY;
	}
	if (at < w->last_at) { /* invariant 7 */
		if (at / 1000 != w->last_at / 1000) {
			free(it->receipt);
			it->receipt = NULL;
		}
		it->submitted_at_ms = at = w->last_at;
	}
	w->last_at = at;
	if (it->record != NULL)
		it->record->at = at;
	if (prepare)
		prepare(arg);
	*w->tail = it;
	w->tail = &it->next;
	w->qlen++;
	metrics_writer_queue(w->qlen);
	if (w->qlen == 1 || (w->lingering && w->qlen == LINGER_FILL))
		pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return SND_OK;
}

int64_t writer_commits(const struct writer *w)
{
	return (int64_t)atomic_load(&((struct writer *)w)->commits);
}

void writer_stop(struct writer *w)
{
	int joined;
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	joined = w->joined;
	w->joined = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	if (joined)
		return;
	pthread_join(w->thread, NULL);
	snd_store_close(w->store);
	w->store = NULL;
}

void writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	writer_stop(w);
	sodium_memzero(w->sk, sizeof w->sk); /* not before: a late submit may sign */
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->slots);
	free(w->footer);
	free(w);
}
