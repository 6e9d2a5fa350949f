/* tally_cache.c - the chair views' cache (tally_cache.h): snapshots of
 * tally summaries, the pages rendered from them, and the tallier thread.
 * The HTTP side of the chair's view is chair.c's.
 *
 * Invariants:
 *   1. A summary is computed at most once per view (questionnaire, by,
 *      weight, with turnout) and database version (snd_store_version,
 *      which grows with every committed revision, revocation and roll
 *      entry), and at
 *      most once per max(--summary-interval, 10 x the last tally's cost)
 *      while answers keep arriving.  One
 *      thread computes a view at a time, outside any lock; meanwhile the
 *      others get the previous snapshot of that view (a dashboard may lag
 *      by one computation) or, when there is none yet, wait for it.  So
 *      many chairs polling cost one tally per change, and never stall the
 *      worker threads behind each other.
 *   2. A view that has a snapshot is recomputed by the tallier: one
 *      background thread at nice 10 with its own read connection, which
 *      touches nothing of any request.  The request that finds the view
 *      stale queues it (marking the slot computing) and answers with the
 *      current snapshot at once, so no worker thread of libmicrohttpd (each
 *      owns its connections) stalls its delegates behind a tally.  Only a
 *      view's first computation runs in the request thread (it needs the
 *      result), and with --summary-interval 0 every computation does, so a
 *      chair sees every committed answer on its next view (the tests rely
 *      on it).  The tallier starts after the cache is made and is joined,
 *      after MHD has stopped, before the cache is freed and the read
 *      connections are closed (serve.c).
 *   3. The cache has TALLY_SLOTS slots (a view hashes to one; a colliding
 *      view takes it over): memory is bounded whatever ?by= values arrive.
 *   4. Snapshots are immutable once published and shared by reference
 *      count; the last snap_release frees them.
 *   5. A chair page (the dashboard, or one page of a full list) is rendered
 *      once per snapshot and page key (language, list, group, page, and the
 *      window paragraph, whose wording follows the clock and the
 *      secretariat's overrides; by and weight are the snapshot's own key):
 *      the bytes depend on nothing else (pages.h), and hold nothing of the
 *      chair who asked (no CSRF field, no nonce, no name), so every chair
 *      of the questionnaire may share them.  A rendered page is an
 *      immutable MHD response (its buffer freed by MHD with the last
 *      connection sending it), kept in its snapshot, SNAP_PAGES at most
 *      per snapshot (least recently used goes) and PAGE_CACHE_MAX bytes
 *      in all (past it, pages are rendered per view).  It goes with its
 *      snapshot: a new tally means new pages.  Lookups take the snapshot's
 *      pages_lock only to find the entry and count a reference; no lock is
 *      held while rendering or sending.
 *   6. Its ETag is strong: "v<db version>-<BLAKE2b-128 of the bytes>", so
 *      equal tags mean equal bytes; If-None-Match gets 304.  The summary
 *      API's JSON is the same: one shared response per snapshot, printed
 *      with its tag when the snapshot is made (only for views without
 *      turnout, the API's: the dashboard's snapshots never need it) and
 *      made into a response by the first request that sends it.
 */
#include "tally_cache.h"

#include <sodium.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TALLY_SLOTS 64u
#define PAGE_CACHE_MAX ((size_t)32 << 20)     /* bytes of rendered pages in all */

struct tslot {
	pthread_mutex_t lock;
	pthread_cond_t done;         /* broadcast when a computation ends */
	int used, form, with_turnout;
	int computing;               /* a thread is computing this view */
	int64_t retry_ms;            /* after a failed tallier job: not before */
	enum snd_weight weight;
	char by[SND_ID_MAX + 1];
	struct snap *snap;
};

struct tally_cache {
	struct tslot slots[TALLY_SLOTS];
	atomic_size_t page_bytes;    /* of the pages held in snapshots' tables */
	/* the tallier (invariant 2): slots to recompute, each queued at most
	 * once (it is queued with its computing set) */
	struct srv *s;
	atomic_int running;          /* started and not stopping: jobs are taken */
	int stop;
	pthread_t thread;
	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	unsigned queue[TALLY_SLOTS];
	size_t qhead, qlen;
};

void page_release(struct page_entry *e)
{
	if (e != NULL && atomic_fetch_sub(&e->refs, 1) == 1) {
		if (e->bytes > 0)
			atomic_fetch_sub(&e->tc->page_bytes, e->bytes);
		/* MHD frees the bytes once no connection sends them any more */
		MHD_destroy_response(e->resp);
		free(e);
	}
}

void snap_release(struct snap *sn)
{
	size_t i;
	if (sn != NULL && atomic_fetch_sub(&sn->refs, 1) == 1) {
		for (i = 0; i < SNAP_PAGES; i++)
			page_release(sn->pages[i]);
		pthread_mutex_destroy(&sn->pages_lock);
		cJSON_Delete(sn->summary);
		cJSON_Delete(sn->turnout);
		cJSON_Delete(sn->reg);
		cJSON_Delete(sn->reg_rounds);
		free(sn->json);
		if (sn->json_resp != NULL)
			MHD_destroy_response(sn->json_resp);
		free(sn);
	}
}

struct tally_cache *tally_cache_new(void)
{
	struct tally_cache *tc = calloc(1, sizeof *tc);
	size_t i;
	if (tc == NULL)
		return NULL;
	for (i = 0; i < TALLY_SLOTS; i++) {
		pthread_mutex_init(&tc->slots[i].lock, NULL);
		pthread_cond_init(&tc->slots[i].done, NULL);
	}
	atomic_init(&tc->page_bytes, 0);
	atomic_init(&tc->running, 0);
	pthread_mutex_init(&tc->qlock, NULL);
	pthread_cond_init(&tc->qcond, NULL);
	return tc;
}

void tally_cache_free(struct tally_cache *tc)
{
	size_t i;
	if (tc == NULL)
		return;
	for (i = 0; i < TALLY_SLOTS; i++) {
		snap_release(tc->slots[i].snap);
		pthread_mutex_destroy(&tc->slots[i].lock);
		pthread_cond_destroy(&tc->slots[i].done);
	}
	pthread_mutex_destroy(&tc->qlock);
	pthread_cond_destroy(&tc->qcond);
	free(tc);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when sn, though older than the database, is recent enough to serve:
 * a view is tallied again at most every max(--summary-interval, 10 x its
 * last tally's duration), so under a steady stream of answers the chairs'
 * screens take at most ~10% of the two threads a tally uses, whatever their
 * number (invariant 1). */
static int fresh_enough(const struct srv *s, const struct snap *sn)
{
	int64_t gap = (int64_t)s->summary_interval_ms;
	if (gap == 0)
		return 0;
	if (gap < 10 * sn->cost_ms)
		gap = 10 * sn->cost_ms;
	return mono_ms() - sn->made_ms < gap;
}

/* "v<version>-<BLAKE2b-128 of the bytes, hex>" (invariant 6). */
static void make_etag(char out[64], int64_t version, const char *body, size_t len)
{
	unsigned char h[16];
	char hex[33];
	crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(out, 64, "\"v%lld-%s\"", (long long)version, hex);
}

/* Prints the summary as JSON, with its ETag, into sn (no request needed:
 * the tallier calls this too). */
static enum snd_err json_print(struct snap *sn)
{
	if ((sn->json = cJSON_PrintUnformatted(sn->summary)) == NULL)
		return SND_ENOMEM;
	sn->json_len = strlen(sn->json);
	make_etag(sn->json_etag, sn->version, sn->json, sn->json_len);
	return SND_OK;
}

/* The summary API's shared response of sn (invariant 6). */
struct MHD_Response *json_response(struct req *r, struct snap *sn)
{
	struct MHD_Response *resp;
	pthread_mutex_lock(&sn->pages_lock);
	if ((resp = sn->json_resp) == NULL && sn->json != NULL) {
		/* MUST_COPY: sn->json stays whole should this fail, for a retry */
		resp = http_response(r, sn->json, sn->json_len, MHD_RESPMEM_MUST_COPY,
		                     "application/json; charset=utf-8", CACHE_NONE);
		if (resp != NULL &&
		    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, sn->json_etag) != MHD_YES) {
			MHD_destroy_response(resp);
			resp = NULL;
		}
		if (resp != NULL) {
			sn->json_resp = resp;
			free(sn->json);
			sn->json = NULL;
		}
	}
	pthread_mutex_unlock(&sn->pages_lock);
	return resp;
}

/* The rounds the chair page's objection register compares for
 * questionnaire form: its "previous" rounds among the forms this collector
 * serves, followed back, earliest first, then form itself.  The count; 1
 * when no previous round is served (no register then). */
#define ROUNDS_MAX 16
static size_t rounds_of(const struct srv *s, int form, const struct snd_form **chain)
{
	const struct snd_form *cur = s->forms[form];
	size_t n = 1, i, k;
	chain[ROUNDS_MAX - 1] = cur;
	while (cur->previous && n < ROUNDS_MAX) {
		const struct snd_form *prev = NULL;
		for (i = 0; i < s->nforms && prev == NULL; i++)
			if (strcmp(s->forms[i]->id, cur->previous) == 0 && s->forms[i]->series &&
			    cur->series && strcmp(s->forms[i]->series, cur->series) == 0 &&
			    s->forms[i]->round < cur->round)
				prev = s->forms[i];
		if (prev == NULL)
			break;
		chain[ROUNDS_MAX - 1 - n++] = cur = prev;
	}
	for (k = 0; k < n; k++)
		chain[k] = chain[ROUNDS_MAX - n + k];
	return n;
}

/* The dashboard's objection register (sn->reg, sn->reg_rounds) when form
 * has a served previous round.  A failure is logged and leaves the page
 * without it: the register never costs the chair the dashboard. */
static void compute_register(const struct srv *s, int form, struct snd_store *rd,
                             struct snap *sn)
{
	const struct snd_form *chain[ROUNDS_MAX];
	struct snd_register *reg = NULL;
	char err[256] = "";
	size_t n = rounds_of(s, form, chain);
	if (n < 2)
		return;
	if (snd_register_build(rd, chain, n, &reg, err, sizeof err) != SND_OK) {
		snd_log(SND_LOG_ERROR, "objection register of %s failed: %s", s->forms[form]->id, err);
		return;
	}
	if (snd_register_fill_dispositions(reg, rd) != SND_OK)
		snd_log(SND_LOG_WARN, "objection register of %s: the dispositions could not be read",
		        s->forms[form]->id);
	sn->reg = snd_register_json(reg);
	sn->reg_rounds = snd_register_rounds_json(reg);
	snd_register_free(reg);
}

/* Computes a snapshot of questionnaire form on reader rd (no lock held: it
 * may take a while on a big store); nothing of a request, so the tallier
 * calls it too. */
static enum snd_err compute_snap(const struct srv *srv, int form, struct snd_store *rd,
                                 const char *by, enum snd_weight weight, int with_turnout,
                                 int64_t version, struct snap **out, char *err, size_t errlen)
{
	const struct snd_form *f = srv->forms[form];
	struct snd_tally_opts o;
	struct snap *sn;
	enum snd_err rc;

	int64_t t0 = mono_ms();
	if ((sn = calloc(1, sizeof *sn)) == NULL)
		return SND_ENOMEM;
	sn->version = version;
	o.by = by;
	o.weight = weight;
	err[0] = '\0';
	rc = snd_tally_summary(rd, f, &o, &sn->summary, err, errlen);
	if (rc == SND_OK && with_turnout)
		rc = snd_tally_turnout(rd, f, &sn->turnout, err, errlen);
	if (rc == SND_OK && with_turnout)
		compute_register(srv, form, rd, sn);
	if (rc == SND_OK && !with_turnout)
		rc = json_print(sn);
	if (rc != SND_OK) {
		snd_log(SND_LOG_ERROR, "summary of %s failed: %s", f->id,
		        err[0] ? err : snd_strerror(rc));
		cJSON_Delete(sn->summary);
		cJSON_Delete(sn->turnout);
		cJSON_Delete(sn->reg);
		cJSON_Delete(sn->reg_rounds);
		free(sn->json);
		free(sn);
		return rc;
	}
	sn->made_ms = mono_ms();
	/* The time it took, not the calling thread's CPU time: a big tally
	 * runs a second thread (core/tally.c) whose CPU the caller's clock
	 * would miss.  It uses at most ~2x this in CPU; under load, at nice 10,
	 * it takes longer, so the views are tallied less often. */
	sn->cost_ms = mono_ms() - t0;
	sn->made_s = (int64_t)time(NULL);
	pthread_mutex_init(&sn->pages_lock, NULL);
	atomic_init(&sn->refs, 1);
	*out = sn;
	return SND_OK;
}

/* ------------------------------------------------------------ tallier */

/* Queues slot idx for the tallier (the caller holds the slot's lock and
 * sets its computing).  0 when queued, -1 when the tallier is not taking
 * jobs (not started, or stopping): the caller computes. */
static int tallier_queue(struct tally_cache *tc, unsigned idx)
{
	int rc = -1;
	pthread_mutex_lock(&tc->qlock);
	if (atomic_load(&tc->running) && !tc->stop && tc->qlen < TALLY_SLOTS) {
		tc->queue[(tc->qhead + tc->qlen) % TALLY_SLOTS] = idx;
		tc->qlen++;
		pthread_cond_signal(&tc->qcond);
		rc = 0;
	}
	pthread_mutex_unlock(&tc->qlock);
	return rc;
}

/* Recomputes the view of slot idx (queued with computing set: nobody takes
 * the slot over meanwhile) and publishes it. */
static void tallier_job(struct tally_cache *tc, unsigned idx)
{
	struct tslot *sl = &tc->slots[idx];
	struct snd_store *rd = srv_reader(tc->s);
	struct snap *sn = NULL;
	char by[SND_ID_MAX + 1], err[256];
	enum snd_weight weight;
	int64_t version = 0;
	int form, with_turnout;
	enum snd_err rc = SND_EDB;

	pthread_mutex_lock(&sl->lock);
	form = sl->form;
	weight = sl->weight;
	with_turnout = sl->with_turnout;
	memcpy(by, sl->by, sizeof by);
	pthread_mutex_unlock(&sl->lock);

	if (rd != NULL && (rc = snd_store_version(rd, &version)) == SND_OK)
		rc = compute_snap(tc->s, form, rd, by[0] ? by : NULL, weight, with_turnout,
		                  version, &sn, err, sizeof err);

	pthread_mutex_lock(&sl->lock);
	sl->computing = 0;
	if (rc == SND_OK) {
		snap_release(sl->snap); /* the slot's reference passes to sn */
		sl->snap = sn;
	} else {
		/* keep serving the last tally; try again after a while, not on
		 * every view (compute_snap has logged why) */
		sl->retry_ms = mono_ms() + 10 * (int64_t)tc->s->summary_interval_ms;
	}
	pthread_cond_broadcast(&sl->done);
	pthread_mutex_unlock(&sl->lock);
}

static void *tallier_main(void *arg)
{
	struct tally_cache *tc = arg;
	unsigned idx;
	/* below the request threads: a thread may lower its own priority
	 * (Linux: per thread, by its id); on failure it runs at theirs */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	pthread_mutex_lock(&tc->qlock);
	for (;;) {
		while (tc->qlen == 0 && !tc->stop)
			pthread_cond_wait(&tc->qcond, &tc->qlock);
		if (tc->stop)
			break;
		idx = tc->queue[tc->qhead];
		tc->qhead = (tc->qhead + 1) % TALLY_SLOTS;
		tc->qlen--;
		pthread_mutex_unlock(&tc->qlock);
		tallier_job(tc, idx);
		pthread_mutex_lock(&tc->qlock);
	}
	/* Jobs never taken: their views keep their snapshots.  The queue is
	 * emptied under qlock and the slots cleared after it is released: a
	 * request holds a slot's lock while it takes qlock (tallier_queue), so
	 * taking a slot's lock under qlock could deadlock. */
	{
		size_t left[TALLY_SLOTS], n = 0, i;
		while (tc->qlen > 0) {
			left[n++] = tc->queue[tc->qhead];
			tc->qhead = (tc->qhead + 1) % TALLY_SLOTS;
			tc->qlen--;
		}
		pthread_mutex_unlock(&tc->qlock);
		for (i = 0; i < n; i++) {
			struct tslot *sl = &tc->slots[left[i]];
			pthread_mutex_lock(&sl->lock);
			sl->computing = 0;
			pthread_cond_broadcast(&sl->done);
			pthread_mutex_unlock(&sl->lock);
		}
	}
	return NULL;
}

int tallier_start(struct srv *s)
{
	struct tally_cache *tc = s->tallies;
	if (tc == NULL || atomic_load(&tc->running))
		return -1;
	tc->s = s;
	tc->stop = 0;
	if (pthread_create(&tc->thread, NULL, tallier_main, tc) != 0)
		return -1;
	atomic_store(&tc->running, 1);
	return 0;
}

void tallier_stop(struct srv *s)
{
	struct tally_cache *tc = s->tallies;
	if (tc == NULL || !atomic_load(&tc->running))
		return;
	pthread_mutex_lock(&tc->qlock);
	tc->stop = 1;
	pthread_cond_signal(&tc->qcond);
	pthread_mutex_unlock(&tc->qlock);
	pthread_join(tc->thread, NULL); /* after the tally in progress, if any */
	atomic_store(&tc->running, 0);
}

/* --------------------------------------------------------- snapshots */

/* The summary (and turnout) of questionnaire form, from the cache when it is
 * of the current database version.  One thread computes a view at a time;
 * while it does, others get the previous snapshot of that view (a chair's
 * dashboard may lag by one computation) or, when there is none yet, wait
 * for it.  A stale view that has a snapshot goes to the tallier, and this
 * request gets the snapshot it has (invariant 2).  On SND_OK *out holds a
 * reference (snap_release it). */
enum snd_err get_snap(struct srv *s, int form, const char *by, enum snd_weight weight,
                      int with_turnout, struct snap **out, char *err, size_t errlen)
{
	struct tally_cache *tc = s->tallies;
	struct snd_store *rd = srv_reader(s);
	struct snap *sn = NULL;
	struct tslot *sl;
	int64_t version;
	uint32_t h = 2166136261u;
	const char *p, *bykey = by ? by : "";
	enum snd_err rc;
	int mine, fresh;

	if (errlen)
		err[0] = '\0';
	if (rd == NULL)
		return SND_EDB;
	if ((rc = snd_store_version(rd, &version)) != SND_OK)
		return rc;
	for (p = bykey; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ (uint32_t)form) * 16777619u;
	h = (h ^ (uint32_t)weight) * 16777619u;
	h = (h ^ (uint32_t)with_turnout) * 16777619u;
	sl = &tc->slots[h % TALLY_SLOTS];

	pthread_mutex_lock(&sl->lock);
	for (;;) {
		mine = sl->used && sl->form == form && sl->weight == weight &&
		       sl->with_turnout == with_turnout && strcmp(sl->by, bykey) == 0;
		if (mine && sl->snap != NULL) {
			fresh = sl->snap->version == version || sl->computing ||
			        fresh_enough(s, sl->snap) || mono_ms() < sl->retry_ms;
			if (!fresh && s->summary_interval_ms > 0 &&
			    tallier_queue(tc, h % TALLY_SLOTS) == 0) {
				sl->computing = 1; /* the tallier's now */
				fresh = 1;
			}
			if (fresh) {
				sn = sl->snap; /* current, or the previous one while it is recomputed */
				atomic_fetch_add(&sn->refs, 1);
				pthread_mutex_unlock(&sl->lock);
				*out = sn;
				return SND_OK;
			}
		}
		if (!sl->computing)
			break;
		if (!mine) { /* another view holds the slot: compute privately */
			pthread_mutex_unlock(&sl->lock);
			return compute_snap(s, form, rd, by, weight, with_turnout, version, out, err,
			                    errlen);
		}
		pthread_cond_wait(&sl->done, &sl->lock); /* the first computation of this view */
	}
	/* This thread computes the view, and owns the slot meanwhile. */
	if (!mine) {
		snap_release(sl->snap);
		sl->snap = NULL;
		sl->used = 1;
		sl->form = form;
		sl->weight = weight;
		sl->with_turnout = with_turnout;
		snprintf(sl->by, sizeof sl->by, "%s", bykey);
	}
	sl->computing = 1;
	pthread_mutex_unlock(&sl->lock);

	rc = compute_snap(s, form, rd, by, weight, with_turnout, version, &sn, err, errlen);

	pthread_mutex_lock(&sl->lock);
	sl->computing = 0;
	if (rc == SND_OK) {
		atomic_fetch_add(&sn->refs, 1); /* the slot's */
		snap_release(sl->snap);
		sl->snap = sn;
	}
	pthread_cond_broadcast(&sl->done);
	pthread_mutex_unlock(&sl->lock);
	if (rc == SND_OK)
		*out = sn;
	return rc;
}

/* ------------------------------------------------------- rendered pages */

static int key_eq(const struct page_key *a, const struct page_key *b)
{
	return a->lang == b->lang && a->list == b->list && a->page == b->page &&
	       a->window == b->window && a->has_group == b->has_group &&
	       (!a->has_group || strcmp(a->group, b->group) == 0);
}

/* The page of key k in sn's table, with a reference for the caller, or NULL. */
struct page_entry *page_find(struct snap *sn, const struct page_key *k)
{
	struct page_entry *e = NULL;
	size_t i;
	pthread_mutex_lock(&sn->pages_lock);
	for (i = 0; i < SNAP_PAGES; i++)
		if (sn->pages[i] != NULL && key_eq(&sn->pages[i]->key, k)) {
			e = sn->pages[i];
			e->used = ++sn->tick;
			atomic_fetch_add(&e->refs, 1);
			break;
		}
	pthread_mutex_unlock(&sn->pages_lock);
	return e;
}

/* Offers e (the caller keeps its reference) to sn's table: taken when the
 * byte budget allows, in a free slot or the least recently used one's.
 * When another view put the same page there first, that one is returned
 * (with a reference) for the caller to use instead, so that one snapshot
 * and key always answer with one ETag; else NULL. */
struct page_entry *page_offer(struct snap *sn, struct page_entry *e, size_t len)
{
	struct tally_cache *tc = e->tc;
	struct page_entry *old = NULL, *same = NULL;
	size_t i, victim = 0;
	uint64_t oldest = UINT64_MAX;

	if (atomic_fetch_add(&tc->page_bytes, len) + len > PAGE_CACHE_MAX) {
		atomic_fetch_sub(&tc->page_bytes, len);
		return NULL; /* rendered for this view only */
	}
	pthread_mutex_lock(&sn->pages_lock);
	for (i = 0; i < SNAP_PAGES; i++) {
		if (sn->pages[i] == NULL) {
			if (oldest != 0) {
				victim = i;
				oldest = 0;
			}
			continue;
		}
		if (key_eq(&sn->pages[i]->key, &e->key)) {
			same = sn->pages[i];
			atomic_fetch_add(&same->refs, 1);
			break;
		}
		if (sn->pages[i]->used < oldest) {
			oldest = sn->pages[i]->used;
			victim = i;
		}
	}
	if (same == NULL) {
		old = sn->pages[victim];
		e->bytes = len;
		e->used = ++sn->tick;
		atomic_fetch_add(&e->refs, 1); /* the table's */
		sn->pages[victim] = e;
	}
	pthread_mutex_unlock(&sn->pages_lock);
	if (same != NULL)
		atomic_fetch_sub(&tc->page_bytes, len);
	page_release(old);
	return same;
}

/* A new entry for the page in b (taken: b is left empty), its ETag from
 * the database version and the bytes.  NULL when out of memory. */
struct page_entry *page_new(struct req *r, const struct snap *sn, const struct page_key *k,
                            struct snd_buf *b, size_t *lenp)
{
	struct page_entry *e;
	size_t len;
	char *body;

	if (b->failed || (e = calloc(1, sizeof *e)) == NULL) {
		snd_buf_free(b);
		return NULL;
	}
	if ((body = snd_buf_steal(b, &len)) == NULL) {
		free(e);
		return NULL;
	}
	make_etag(e->etag, sn->version, body, len);
	/* MUST_FREE: MHD frees body with the response's last reference */
	e->resp = http_response(r, body, len, MHD_RESPMEM_MUST_FREE, "text/html; charset=utf-8",
	                        CACHE_NONE);
	if (e->resp == NULL ||
	    MHD_add_response_header(e->resp, MHD_HTTP_HEADER_ETAG, e->etag) != MHD_YES) {
		if (e->resp != NULL)
			MHD_destroy_response(e->resp);
		free(e);
		return NULL;
	}
	e->tc = r->s->tallies;
	e->key = *k;
	atomic_init(&e->refs, 1);
	*lenp = len;
	return e;
}
