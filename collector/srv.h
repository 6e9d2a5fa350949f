/* srv.h - the server's state: what serve.c loads and starts (forms, keys,
 * limits, the writer) and the caches it owns for the requests (the token
 * cache of auth.c, the chair views' tally cache of tally_cache.c), plus the
 * per-thread read connections of readers.c.  Every request reads it; only
 * serve.c writes it, before MHD starts and after it stops (the atomics
 * excepted).
 *
 * Threads: MHD's worker threads run the handlers; each opens its own read
 * connection to the database on first use (srv_reader); the tallier thread
 * (tally_cache.c) opens one too; srv_readers_close closes them all once MHD
 * and the tallier have stopped.  The writer thread (writer.c) owns the write
 * connection.
 */
#ifndef SND_SRV_H
#define SND_SRV_H

#include "sounding.h"
#include "writer.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct token_cache;
struct tally_cache;
struct ratelimit;

struct srv {
	struct snd_form **forms;          /* loaded questionnaires (immutable) */
	size_t nforms;
	const char *db_path;
	uint8_t issuer_pk[SND_PK_BYTES];
	char issuer_pid[SND_PASERK_PID_LEN + 1];
	uint8_t receipt_sk[SND_SK_BYTES];
	uint8_t csrf_key[32];             /* derived from receipt_sk */
	size_t max_body;
	unsigned summary_interval_ms;     /* least time between two tallies of one view */
	int tls;                          /* cookies get Secure, HSTS is sent */
	int64_t max_revisions;            /* per delegate and questionnaire; 0: no limit
	                                   * (enforced by the writer's store) */
	struct ratelimit *rate;           /* --revision-rate (ratelimit.c); NULL: off */
	struct writer *writer;
	struct token_cache *tokens;       /* auth.c's; serve.c makes and frees it */
	struct tally_cache *tallies;      /* tally_cache.c's; serve.c makes and frees it */
	atomic_int inflight;              /* requests between first call and completion */
	atomic_int stopping;              /* new requests get 503 + Connection: close */
};

/* readers.c: this thread's read connection to s->db_path, opened on first
 * use and kept for the thread's life; NULL (logged) when it cannot open. */
struct snd_store *srv_reader(struct srv *s);
/* This thread's write connection for drafts (snd_store_put_draft: one
 * short transaction per save, beside the writer thread's batches; SQLite's
 * write lock and busy timeout order the two), opened on first use and kept
 * like a reader; NULL (logged) when it cannot open. */
struct snd_store *srv_drafter(struct srv *s);
/* Closes every connection srv_reader and srv_drafter opened; call when no thread that
 * used one runs any more (after MHD_stop_daemon and tallier_stop). */
void srv_readers_close(void);

#endif
