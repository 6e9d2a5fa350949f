/* writer.c - the collector's writer thread: owns the write connection and
 * stores queued revisions with group commit (see writer.h).
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
 */
#include "writer.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct writer {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct writer_item *head, **tail;
	size_t qlen;
	int stopping;
	pthread_t thread;
	struct snd_store *store;    /* writer thread only */
	uint8_t sk[SND_SK_BYTES];
	atomic_llong commits;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Stores one batch in one transaction; sets every item's result. */
static void store_batch(struct writer *w, struct writer_item *batch)
{
	struct writer_item *it;
	enum snd_err rc;
	size_t n = 0;

	rc = snd_store_begin(w->store);
	if (rc != SND_OK) {
		snd_log(SND_LOG_ERROR, "writer: begin failed: %s (%s)", snd_strerror(rc),
		        snd_store_errmsg(w->store));
		goto fail;
	}
	for (it = batch; it; it = it->next, n++) {
		it->submitted_at_ms = now_ms();
		it->receipt = NULL;
		rc = snd_store_append(w->store, &it->sub, w->sk, it->submitted_at_ms, &it->rev,
		                      &it->receipt);
		if (rc != SND_OK) {
			snd_log(SND_LOG_ERROR, "writer: append failed: %s (%s)", snd_strerror(rc),
			        snd_store_errmsg(w->store));
			goto rollback;
		}
	}
	rc = snd_store_commit(w->store);
	if (rc != SND_OK) {
		snd_log(SND_LOG_ERROR, "writer: commit failed: %s (%s)", snd_strerror(rc),
		        snd_store_errmsg(w->store));
		goto rollback;
	}
	atomic_fetch_add(&w->commits, 1);
	for (it = batch; it; it = it->next)
		it->rc = SND_OK;
	snd_log(SND_LOG_DEBUG, "writer: committed %zu revision(s)", n);
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
		/* No waiting for a batch to fill: whatever queued while the last
		 * batch was stored and synced is the next batch.  Under load that
		 * is most of the requests in flight (the fdatasync is the long
		 * part); when idle, a lone request is committed at once.  The
		 * 1.5 ms wait this replaces bought nothing (bench: the bound's
		 * wait0 variant) and added to every answer's latency. */
		batch = w->head;
		cut = &w->head;
		for (i = 0; i < WRITER_BATCH_MAX && *cut; i++, w->qlen--)
			cut = &(*cut)->next;
		w->head = *cut;
		*cut = NULL;
		if (w->head == NULL)
			w->tail = &w->head;
		pthread_mutex_unlock(&w->lock);

		store_batch(w, batch);
		for (it = batch; it; it = next) {
			next = it->next; /* done() may free it */
			it->next = NULL;
			it->done(it);
		}
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

enum snd_err writer_start(struct snd_store *store, const uint8_t receipt_sk[SND_SK_BYTES],
                          struct writer **out)
{
	struct writer *w;
	int cond_ok = 0;

	if ((w = calloc(1, sizeof *w)) == NULL)
		return SND_ENOMEM;
	if (pthread_mutex_init(&w->lock, NULL) != 0) {
		free(w);
		return SND_ENOMEM;
	}
	if (pthread_cond_init(&w->cond, NULL) != 0)
		goto fail;
	cond_ok = 1;
	w->tail = &w->head;
	w->store = store;
	memcpy(w->sk, receipt_sk, SND_SK_BYTES);
	atomic_init(&w->commits, 0);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
		goto fail;
	*out = w;
	return SND_OK;

fail:
	if (cond_ok)
		pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	sodium_memzero(w->sk, sizeof w->sk);
	free(w);
	return SND_ENOMEM;
}

enum snd_err writer_submit(struct writer *w, struct writer_item *it,
                           void (*prepare)(void *arg), void *arg)
{
	pthread_mutex_lock(&w->lock);
	if (w->stopping || w->qlen >= WRITER_QUEUE_MAX) {
		pthread_mutex_unlock(&w->lock);
		return SND_EBUSY;
	}
	if (prepare)
		prepare(arg);
	it->next = NULL;
	it->rc = SND_EBUSY;
	it->receipt = NULL;
	*w->tail = it;
	w->tail = &it->next;
	w->qlen++;
	if (w->qlen == 1)
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
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	snd_store_close(w->store);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	sodium_memzero(w->sk, sizeof w->sk);
	free(w);
}
