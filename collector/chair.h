/* chair.h - the tallier: one background thread (chair.c) that recomputes
 * stale chair-view snapshots, so that no worker thread of libmicrohttpd
 * stalls its connections behind a tally. */
#ifndef SND_CHAIR_H
#define SND_CHAIR_H

struct srv;

/* Starts the tallier over s->tallies (after http_init).  0 on success;
 * on failure the chair views compute in the request threads, as before. */
int tallier_start(struct srv *s);
/* Stops and joins it (waiting for a tally in progress to end); call after
 * MHD_stop_daemon and before http_fini.  Harmless when it never started. */
void tallier_stop(struct srv *s);

#endif
