/* writer.h - the collector's one writer thread and its group commit.
 *
 * Request threads hand the writer a validated revision (struct writer_item)
 * and wait; the writer owns the only write connection to the database and
 * stores the queued items in batches: one transaction for up to
 * WRITER_BATCH_MAX items, started when the writer is free (everything
 * queued while the previous batch was being synced goes into the next one;
 * a batch of only a few items first waits up to 0.3 ms for more, see
 * writer.c).
 * Only after COMMIT returns does it call
 * each item's done() with the result, so an answer built in done() (or after
 * it) is an answer about durable data.
 */
#ifndef SND_WRITER_H
#define SND_WRITER_H

#include "sounding.h"

#include <stdint.h>

#define WRITER_BATCH_MAX 64
#define WRITER_QUEUE_MAX 4096

struct writer;

struct rev_slot;

/* One revision waiting to be stored.  The caller owns the item and every
 * string `sub` points at; they must stay valid until done() has been called.
 * writer_submit fills rev, receipt and submitted_at_ms (the receipt signed
 * on the caller's thread); the writer corrects them if the row gets another
 * rev, and sets rc, before calling done(). */
struct writer_item {
	struct snd_submission sub;        /* in (unused for a record) */
	struct snd_record *record;        /* in: not NULL for a chair's record instead of
	                                   * a revision: no rev, no receipt; its `at` is
	                                   * set by writer_submit, its seq and link by the
	                                   * writer (link into record_link) */
	char record_link[65];             /* out, for a record */
	void (*done)(struct writer_item *it); /* called once, on the writer thread */
	void *arg;                        /* for the caller */
	/* out */
	enum snd_err rc;                  /* SND_OK when committed; SND_ELIMIT when the
	                                   * store's revision limit refused it (nothing
	                                   * stored); else the batch's error */
	int64_t rev;
	char *receipt;                    /* malloc'ed; the caller frees (NULL unless SND_OK) */
	int64_t submitted_at_ms;
	/* the writer's */
	struct writer_item *next;         /* queue link */
	struct rev_slot *slot;            /* the delegate's rev reservation, or NULL */
	uint64_t key;                     /* hash of (qid, sub) the slot is for */
};
/* Starts the writer thread on an open write connection (the writer owns it
 * from now on and closes it in writer_stop).  receipt_sk is copied and wiped
 * on stop.  On failure nothing is started and the store is not taken. */
enum snd_err writer_start(struct snd_store *store, const uint8_t receipt_sk[SND_SK_BYTES],
                          struct writer **out);

/* Reserves the delegate's next rev, signs the receipt for it on the
 * calling thread (so the writer thread, the serial stage, only inserts),
 * and queues it.  prepare(arg) is called under the queue lock just before
 * the item becomes visible to the writer (the collector suspends the HTTP
 * connection there, so the writer can never resume it before it was
 * suspended).  Returns SND_EBUSY, without calling prepare, when the queue is
 * full or the writer is stopping; the item is then not queued (and holds no
 * receipt). */
enum snd_err writer_submit(struct writer *w, struct writer_item *it,
                           void (*prepare)(void *arg), void *arg);

/* A chair's record (it->record) is queued the same way and committed in the
 * same batches; rc is SND_EINVAL, alone, when the store refuses its fields. */

/* Number of batches committed so far: changes whenever revisions are added. */
int64_t writer_commits(const struct writer *w);

/* Refuses new items, stores and commits everything queued (calling done()
 * for each), joins the thread and closes the store.  w stays valid: a late
 * writer_submit (a request whose body was still arriving) gets SND_EBUSY.
 * Calling it again does nothing.  NULL is ok. */
void writer_stop(struct writer *w);

/* writer_stop, then frees w: only once no thread can call writer_submit
 * (after MHD_stop_daemon).  NULL is ok. */
void writer_free(struct writer *w);

#endif
