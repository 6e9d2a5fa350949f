/* metrics.h - the collector's metrics (metrics.c): counters the request
 * threads, the writer and the token cache bump, and `serve
 * --metrics-listen`'s own little HTTP server that shows them as Prometheus
 * text (GET /metrics).
 *
 * The hooks are all the request path pays: a few relaxed atomic adds into
 * fixed arrays; no lock, no allocation, no clock of their own (the caller
 * passes the time it measured).  They count whether or not the metrics
 * are served.  Only the hooks are below every other collector file; the
 * exposition reads the route table's names (routes.h) and struct srv.
 */
#ifndef SND_METRICS_H
#define SND_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct srv;
struct snd_store;
struct snd_buf;
struct MHD_Daemon;

/* http.c, on completion: route = route_index() (routes.h), the status
 * sent (0: none was), microseconds from the request line to the end. */
void metrics_request(size_t route, unsigned status, int64_t us);
/* auth.c: a token found in the cache (hit 1) or verified anew (hit 0). */
void metrics_token_cache(int hit);
/* writer.c, under its queue lock: items queued now. */
void metrics_writer_queue(size_t depth);
/* writer.c, after a batch of rows committed, COMMIT having taken ns. */
void metrics_writer_commit(size_t rows, int64_t ns);
/* writer.c, after the commit: a delegate's first revision of qid stored. */
void metrics_first_answer(const char *qid);

/* serve.c, with --metrics-listen, before the writer starts: remembers s
 * (its forms), reads each questionnaire's count of delegates with answers
 * from ws (once; the writer keeps them up to date).  0 ok, -1 failed. */
int metrics_init(struct srv *s, struct snd_store *ws);
/* Starts the metrics server on listening socket lfd (taken over): one
 * thread, GET /metrics, everything else 404.  NULL on failure. */
struct MHD_Daemon *metrics_start(struct srv *s, int lfd, int v6);
/* Stops it (NULL ok), then frees what metrics_init made. */
void metrics_stop(struct MHD_Daemon *d);

/* The exposition (Prometheus text format 0.0.4) into b.  0 ok. */
int metrics_render(const struct srv *s, struct snd_buf *b);

#endif
