/* http.h - the collector's HTTP side: the server context that serve.c fills
 * and the libmicrohttpd callbacks of http.c (routing, handlers, caches).
 *
 * Threads: MHD's worker threads run http_handler; each opens its own read
 * connection to the database on first use (closed by http_close_readers once
 * MHD has stopped); the writer thread (writer.c) owns the write connection.
 */
#ifndef SND_HTTP_H
#define SND_HTTP_H

#include "sounding.h"
#include "writer.h"

#include <microhttpd.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct token_cache;
struct tally_cache;

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
	struct writer *writer;
	struct token_cache *tokens;
	struct tally_cache *tallies;
	atomic_int inflight;              /* requests between first call and completion */
	atomic_int stopping;              /* new requests get 503 + Connection: close */
};

/* Builds the shared fixed responses and caches.  0 on success. */
int http_init(struct srv *s);
/* Frees what http_init built and closes every read connection; call after
 * MHD_stop_daemon (no handler may run any more). */
void http_fini(struct srv *s);

enum MHD_Result http_handler(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version,
                             const char *upload_data, size_t *upload_data_size,
                             void **con_cls);
void *http_uri_log(void *cls, const char *uri, struct MHD_Connection *c);
void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe);

#endif
