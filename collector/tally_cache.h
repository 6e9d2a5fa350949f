/* tally_cache.h - the chair views' cache (tally_cache.c): snapshots of
 * tally summaries per view and database version, the chair pages rendered
 * from them, and the tallier, one background thread that recomputes stale
 * views so that no worker thread of libmicrohttpd stalls its connections
 * behind a tally.  serve.c makes the cache (s->tallies), starts and stops
 * the tallier and frees it; chair.c's handlers use it.
 */
#ifndef SND_TALLY_CACHE_H
#define SND_TALLY_CACHE_H

#include "http_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define SNAP_PAGES 16u                        /* rendered pages kept per snapshot */
#define GROUP_MAX 256                         /* bytes of a ?group= value */

struct tally_cache;

/* What selects one rendered page within a snapshot (tally_cache.c invariant 5). */
struct page_key {
	int lang;
	int list;                    /* question index of ?list=, -1: the dashboard */
	long page;
	int has_group;
	char group[GROUP_MAX + 1];
	uint64_t window;             /* FNV-1a of the window paragraph */
};

/* One rendered page, shared by reference count (the snapshot's table holds
 * one, each view being answered one). */
struct page_entry {
	atomic_int refs;
	struct tally_cache *tc;
	struct page_key key;
	uint64_t used;               /* the snapshot's tick when last found */
	size_t bytes;                /* counted in tc->page_bytes while > 0 */
	char etag[64];
	struct MHD_Response *resp;   /* owns the page's bytes */
};

/* One tally of one view, immutable once published (the pages table and
 * the JSON response excepted, under pages_lock). */
struct snap {
	atomic_int refs;
	int64_t version;
	int64_t made_ms, cost_ms;    /* monotonic time it was computed, and how long it took */
	int64_t made_s;              /* Unix time it was computed: the pages' "Updated" */
	cJSON *summary, *turnout;
	/* dashboard views of a later round: the objection register against
	 * the served previous rounds (snd_register_json) and its rounds; NULL
	 * when there is none */
	cJSON *reg, *reg_rounds;
	/* the summary API's answer, for views without turnout (the dashboard's
	 * own snapshots never print it): the JSON and its tag, printed when the
	 * snapshot is made; the response, shared like a page, made from it by
	 * the first request that sends it (under pages_lock; json is freed then) */
	char *json;
	size_t json_len;
	struct MHD_Response *json_resp;
	char json_etag[64];
	/* the pages rendered from it (invariant 5), and json_resp */
	pthread_mutex_t pages_lock;
	struct page_entry *pages[SNAP_PAGES];
	uint64_t tick;
};

struct tally_cache *tally_cache_new(void);
/* Frees tc and every snapshot it holds (NULL is fine); after tallier_stop. */
void tally_cache_free(struct tally_cache *tc);

/* Starts the tallier over s->tallies.  0 on success; on failure the chair
 * views compute in the request threads, as before. */
int tallier_start(struct srv *s);
/* Stops and joins it (waiting for a tally in progress to end); call after
 * MHD_stop_daemon and before tally_cache_free.  Harmless when it never
 * started. */
void tallier_stop(struct srv *s);

/* The summary (and turnout) of questionnaire form, from the cache when it
 * is of the current database version (invariants 2, 2a).  On SND_OK *out
 * holds a reference (snap_release it); SND_EINVAL with err set for a bad
 * breakdown, other errors when the store failed. */
enum snd_err get_snap(struct srv *s, int form, const char *by, enum snd_weight weight,
                      int with_turnout, struct snap **out, char *err, size_t errlen);
void snap_release(struct snap *sn);

/* The summary API's shared response of sn (tally_cache.c invariant 6), made by the first
 * request that sends it; NULL when out of memory. */
struct MHD_Response *json_response(struct req *r, struct snap *sn);

/* The page of key k in sn's table, with a reference for the caller, or NULL. */
struct page_entry *page_find(struct snap *sn, const struct page_key *k);
/* A new entry for the page in b (taken: b is left empty), its ETag from
 * the database version and the bytes.  NULL when out of memory. */
struct page_entry *page_new(struct req *r, const struct snap *sn, const struct page_key *k,
                            struct snd_buf *b, size_t *lenp);
/* Offers e (the caller keeps its reference) to sn's table; returns the
 * entry another view put there first (with a reference), or NULL. */
struct page_entry *page_offer(struct snap *sn, struct page_entry *e, size_t len);
void page_release(struct page_entry *e);

#endif
