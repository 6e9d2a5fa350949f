/* chair.c - the chair's view: GET /chair/QID (the dashboard) and
 * GET /api/v1/questionnaires/QID/summary (JSON, or CSV for the dashboard's
 * download link), over a cache of tally summaries.
 *
 * Invariants:
 *   1. Only a chair token for this questionnaire gets here (authenticate,
 *      routes.c): by bearer or by the session cookie of the chair's link.
 *   2. A summary is computed at most once per view (questionnaire, by,
 *      weight, with turnout) and database version (snd_store_version,
 *      which grows with every committed revision and revocation), and at
 *      most once per max(--summary-interval, 10 x the last tally's cost)
 *      while answers keep arriving.  One
 *      thread computes a view at a time, outside any lock; meanwhile the
 *      others get the previous snapshot of that view (a dashboard may lag
 *      by one computation) or, when there is none yet, wait for it.  So
 *      many chairs polling cost one tally per change, and never stall the
 *      worker threads behind each other.
 *   2a. A view that has a snapshot is recomputed by the tallier: one
 *      background thread at nice 10 with its own read connection, which
 *      touches nothing of any request.  The request that finds the view
 *      stale queues it (marking the slot computing) and answers with the
 *      current snapshot at once, so no worker thread of libmicrohttpd (each
 *      owns its connections) stalls its delegates behind a tally.  Only a
 *      view's first computation runs in the request thread (it needs the
 *      result), and with --summary-interval 0 every computation does, so a
 *      chair sees every committed answer on its next view (the tests rely
 *      on it).  The tallier starts after http_init and is joined before
 *      http_fini (serve.c), which frees the cache and closes the readers.
 *   3. The cache has TALLY_SLOTS slots (a view hashes to one; a colliding
 *      view takes it over): memory is bounded whatever ?by= values arrive.
 *   4. Snapshots are immutable once published and shared by reference
 *      count; the last snap_release frees them.
 *   5. The CSV is that of `tally summary --format csv`: both are written
 *      by snd_summary_csv (core/summary.c).
 *   6. A chair page (the dashboard, or one page of a full list) is rendered
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
 *   7. Its ETag is strong: "v<db version>-<BLAKE2b-128 of the bytes>", so
 *      equal tags mean equal bytes; If-None-Match gets 304.  The summary
 *      API's JSON is the same: one shared response per snapshot, printed
 *      with its tag when the snapshot is made (only for views without
 *      turnout, the API's: the dashboard's snapshots never need it) and
 *      made into a response by the first request that sends it.
 */
#include "http_int.h"

#include "pages.h"

#include "chair.h"

#include <pthread.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TALLY_SLOTS 64u
#define CHAIR_REFRESH_S 10
#define SNAP_PAGES 16u                        /* rendered pages kept per snapshot */
#define PAGE_CACHE_MAX ((size_t)32 << 20)     /* bytes of rendered pages in all */
#define GROUP_MAX 256                         /* bytes of a ?group= value */
#define LIST_PAGE_MAX 1000000L                /* largest ?page= */

struct tally_cache;

/* What selects one rendered page within a snapshot (invariant 6). */
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

struct snap {
	atomic_int refs;
	int64_t version;
	int64_t made_ms, cost_ms;    /* monotonic time it was computed, and how long it took */
	int64_t made_s;              /* Unix time it was computed: the pages' "Updated" */
	cJSON *summary, *turnout;
	/* the summary API's answer, for views without turnout (the dashboard's
	 * own snapshots never print it): the JSON and its tag, printed when the
	 * snapshot is made; the response, shared like a page, made from it by
	 * the first request that sends it (under pages_lock; json is freed then) */
	char *json;
	size_t json_len;
	struct MHD_Response *json_resp;
	char json_etag[64];
	/* the pages rendered from it (invariant 6), and json_resp */
	pthread_mutex_t pages_lock;
	struct page_entry *pages[SNAP_PAGES];
	uint64_t tick;
};

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
	/* the tallier (invariant 2a): slots to recompute, each queued at most
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

static void page_release(struct page_entry *e)
{
	if (e != NULL && atomic_fetch_sub(&e->refs, 1) == 1) {
		if (e->bytes > 0)
			atomic_fetch_sub(&e->tc->page_bytes, e->bytes);
		/* MHD frees the bytes once no connection sends them any more */
		MHD_destroy_response(e->resp);
		free(e);
	}
}

static void snap_release(struct snap *sn)
{
	size_t i;
	if (sn != NULL && atomic_fetch_sub(&sn->refs, 1) == 1) {
		for (i = 0; i < SNAP_PAGES; i++)
			page_release(sn->pages[i]);
		pthread_mutex_destroy(&sn->pages_lock);
		cJSON_Delete(sn->summary);
		cJSON_Delete(sn->turnout);
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
 * number (invariant 2). */
static int fresh_enough(const struct srv *s, const struct snap *sn)
{
	int64_t gap = (int64_t)s->summary_interval_ms;
	if (gap == 0)
		return 0;
	if (gap < 10 * sn->cost_ms)
		gap = 10 * sn->cost_ms;
	return mono_ms() - sn->made_ms < gap;
}

/* "v<version>-<BLAKE2b-128 of the bytes, hex>" (invariant 7). */
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

/* The summary API's shared response of sn (invariant 7), made by the first
 * request that sends it; NULL when out of memory. */
static struct MHD_Response *json_response(struct req *r, struct snap *sn)
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

/* Computes a snapshot of form f on reader rd (no lock held: it may take a
 * while on a big store); nothing of a request, so the tallier calls it too. */
static enum snd_err compute_snap(const struct snd_form *f, struct snd_store *rd, const char *by,
                                 enum snd_weight weight, int with_turnout, int64_t version,
                                 struct snap **out, char *err, size_t errlen)
{
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
	if (rc == SND_OK && !with_turnout)
		rc = json_print(sn);
	if (rc != SND_OK) {
		snd_log(SND_LOG_ERROR, "summary of %s failed: %s", f->id,
		        err[0] ? err : snd_strerror(rc));
		cJSON_Delete(sn->summary);
		cJSON_Delete(sn->turnout);
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
	sn->made_s = now_s();
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
	struct snd_store *rd = http_reader(tc->s);
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
		rc = compute_snap(tc->s->forms[form], rd, by[0] ? by : NULL, weight, with_turnout,
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

/* The summary (and turnout) of r's questionnaire, from the cache when it is
 * of the current database version.  One thread computes a view at a time;
 * while it does, others get the previous snapshot of that view (a chair's
 * dashboard may lag by one computation) or, when there is none yet, wait
 * for it.  A stale view that has a snapshot goes to the tallier, and this
 * request gets the snapshot it has (invariant 2a).  On SND_OK *out holds a
 * reference (snap_release it). */
static enum snd_err get_snap(struct req *r, const char *by, enum snd_weight weight,
                             int with_turnout, struct snap **out, char *err, size_t errlen)
{
	struct tally_cache *tc = r->s->tallies;
	struct snd_store *rd = http_reader(r->s);
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
	h = (h ^ (uint32_t)r->form) * 16777619u;
	h = (h ^ (uint32_t)weight) * 16777619u;
	h = (h ^ (uint32_t)with_turnout) * 16777619u;
	sl = &tc->slots[h % TALLY_SLOTS];

	pthread_mutex_lock(&sl->lock);
	for (;;) {
		mine = sl->used && sl->form == r->form && sl->weight == weight &&
		       sl->with_turnout == with_turnout && strcmp(sl->by, bykey) == 0;
		if (mine && sl->snap != NULL) {
			fresh = sl->snap->version == version || sl->computing ||
			        fresh_enough(r->s, sl->snap) || mono_ms() < sl->retry_ms;
			if (!fresh && r->s->summary_interval_ms > 0 &&
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
			return compute_snap(form_of(r), rd, by, weight, with_turnout, version, out, err,
			                    errlen);
		}
		pthread_cond_wait(&sl->done, &sl->lock); /* the first computation of this view */
	}
	/* This thread computes the view, and owns the slot meanwhile. */
	if (!mine) {
		snap_release(sl->snap);
		sl->snap = NULL;
		sl->used = 1;
		sl->form = r->form;
		sl->weight = weight;
		sl->with_turnout = with_turnout;
		snprintf(sl->by, sizeof sl->by, "%s", bykey);
	}
	sl->computing = 1;
	pthread_mutex_unlock(&sl->lock);

	rc = compute_snap(form_of(r), rd, by, weight, with_turnout, version, &sn, err, errlen);

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

/* 1 when the If-None-Match header (a list of entity tags, or "*") names
 * etag; weak comparison, as RFC 9110 13.1.2 asks of If-None-Match. */
static int etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = inm;
	if (inm == NULL)
		return 0;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' ||
		                                 p[n] == '\t'))
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

/* 304 with the tag and the headers every response carries.  (libmicrohttpd
 * 0.9.75 adds "Content-Length: 0" to it, and a second one when we set the
 * page's; harmless: the page is no-store, so no cache keeps a length to
 * update, and the one client that asks is the page's own script.) */
static enum MHD_Result not_modified(struct req *r, const char *etag, const char *ctype)
{
	struct MHD_Response *resp = http_response(r, "", 0, MHD_RESPMEM_PERSISTENT, ctype,
	                                          CACHE_NONE);
	if (resp == NULL)
		return MHD_NO;
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	return http_queue(r, 304, resp, 0);
}

/* ?by= and ?weight=; 0 ok, else the 400 answer is queued into *ret. */
static int summary_params(struct req *r, const char **by, enum snd_weight *weight,
                          enum MHD_Result *ret)
{
	const char *b = query(r, "by"), *w = query(r, "weight"), *p;
	int i;
	*by = NULL;
	*weight = SND_WEIGHT_DELEGATE;
	if (b != NULL && b[0] != '\0') {
		for (p = b; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
				break;
		if (*p != '\0' || p - b > SND_ID_MAX) {
			*ret = http_error(r, 400, "bad_request",
			                  "by must be an attribute name ([A-Za-z0-9_-], at most 64)", NULL);
			return -1;
		}
		if (form_of(r)->anonymity == SND_PSEUDONYMOUS && strcmp(b, "entity") == 0) {
			*ret = http_error(r, 400, "bad_request",
			                  "this questionnaire is pseudonymous: a breakdown by entity would "
			                  "reveal who answered what",
			                  NULL);
			return -1;
		}
		*by = b;
	}
	if (w != NULL && w[0] != '\0') {
		for (i = 0; i < SND_WEIGHT__MAX; i++)
			if (strcmp(w, snd_weight_names[i]) == 0)
				break;
		if (i == SND_WEIGHT__MAX) {
			*ret = http_error(r, 400, "bad_request", "weight must be delegate or entity",
			                  NULL);
			return -1;
		}
		*weight = (enum snd_weight)i;
	}
	return 0;
}

/* Chairs poll this (bearer), and the dashboard's download links reach it
 * with the session cookie.  ?format=json (default) or csv. */
enum MHD_Result h_api_summary(struct req *r)
{
	char err[256];
	enum snd_err rc;
	struct snap *sn;
	struct snd_buf b;
	const char *by, *format = query(r, "format");
	enum snd_weight weight;
	enum MHD_Result ret;
	int csv;

	if (!authenticate(r, 1, 1, SND_ROLE_CHAIR, &ret) || summary_params(r, &by, &weight, &ret))
		return ret;
	csv = format != NULL && strcmp(format, "csv") == 0;
	if (format != NULL && !csv && strcmp(format, "json") != 0)
		return http_error(r, 400, "bad_request", "format must be json or csv", NULL);
	if ((rc = get_snap(r, by, weight, 0, &sn, err, sizeof err)) != SND_OK)
		return rc == SND_EINVAL ? http_error(r, 400, "bad_request", err, NULL) : http_busy(r);
	if (!csv) {
		struct MHD_Response *resp;
		if (etag_matches(MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_IF_NONE_MATCH),
		                 sn->json_etag))
			ret = not_modified(r, sn->json_etag, "application/json; charset=utf-8");
		else if ((resp = json_response(r, sn)) != NULL)
			ret = http_queue(r, 200, resp, 1);
		else
			ret = http_busy(r);
		snap_release(sn);
		return ret;
	}
	snd_buf_init(&b, 0);
	snd_summary_csv(&b, form_of(r), sn->summary);
	snap_release(sn);
	{
		struct MHD_Response *resp;
		char disp[SND_ID_MAX + 64], *p;
		size_t len;
		if (b.failed || (p = snd_buf_steal(&b, &len)) == NULL) {
			snd_buf_free(&b);
			return http_busy(r);
		}
		resp = http_response(r, p, len, MHD_RESPMEM_MUST_FREE, "text/csv; charset=utf-8",
		                     CACHE_NONE);
		if (resp == NULL)
			return MHD_NO;
		snprintf(disp, sizeof disp, "attachment; filename=\"%s-summary.csv\"", form_of(r)->id);
		MHD_add_response_header(resp, "Content-Disposition", disp);
		return http_queue(r, 200, resp, 0);
	}
}

/* ---------------------------------------------------------- chair pages */

static uint64_t fnv64(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037u;
	size_t i;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

static int key_eq(const struct page_key *a, const struct page_key *b)
{
	return a->lang == b->lang && a->list == b->list && a->page == b->page &&
	       a->window == b->window && a->has_group == b->has_group &&
	       (!a->has_group || strcmp(a->group, b->group) == 0);
}

/* The page of key k in sn's table, with a reference for the caller, or NULL. */
static struct page_entry *page_find(struct snap *sn, const struct page_key *k)
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
static struct page_entry *page_offer(struct snap *sn, struct page_entry *e, size_t len)
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
static struct page_entry *page_new(struct req *r, const struct snap *sn,
                                   const struct page_key *k, struct snd_buf *b, size_t *lenp)
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

/* ?list=, ?group=, ?page= into k; 0 ok, else the answer is queued into *ret. */
static int list_params(struct req *r, const char *by, struct page_key *k, enum MHD_Result *ret)
{
	const char *l = query(r, "list"), *g = query(r, "group"), *pg = query(r, "page"), *c;
	const struct snd_form *f = form_of(r);
	long n = 0;
	k->list = -1;
	k->page = 1;
	k->has_group = 0;
	k->group[0] = '\0';
	if (l == NULL || l[0] == '\0') {
		if ((g && g[0]) || (pg && pg[0])) {
			*ret = http_error(r, 400, "bad_request", "group and page go with list", NULL);
			return -1;
		}
		return 0;
	}
	k->list = snd_form_question(f, l);
	if (k->list < 0 || (f->questions[k->list].type != SND_Q_POSITION &&
	                    f->questions[k->list].type != SND_Q_TEXT)) {
		*ret = http_error(r, 404, "not_found",
		                  "This questionnaire has no proposal or comment question by that id.",
		                  NULL);
		return -1;
	}
	if (g != NULL && g[0] != '\0') {
		if (by == NULL || strlen(g) > GROUP_MAX) {
			*ret = http_error(r, 400, "bad_request",
			                  by ? "group is too long" : "group needs by (the breakdown)", NULL);
			return -1;
		}
		k->has_group = 1;
		snprintf(k->group, sizeof k->group, "%s", g);
	}
	if (pg != NULL && pg[0] != '\0') {
		for (c = pg; *c >= '0' && *c <= '9' && n <= LIST_PAGE_MAX; c++)
			n = n * 10 + (*c - '0');
		if (*c != '\0' || n < 1 || n > LIST_PAGE_MAX) {
			*ret = http_error(r, 400, "bad_request", "page must be a number from 1", NULL);
			return -1;
		}
		k->page = n;
	}
	return 0;
}

/* GET /chair/QID: the dashboard, or with ?list=QUESTION one page of that
 * question's objections or comments; both from the cache of invariant 6. */
enum MHD_Result h_chair(struct req *r)
{
	char err[256];
	enum snd_err rc;
	struct page_req p;
	struct page_key k;
	struct page_entry *e, *same;
	struct chair_view v;
	struct snd_buf b;
	struct snap *sn;
	const char *by;
	enum snd_weight weight;
	enum MHD_Result ret;
	size_t len;

	r->lang = pick_lang(r, NULL, NULL);
	if (!authenticate(r, 1, 1, SND_ROLE_CHAIR, &ret) || summary_params(r, &by, &weight, &ret) ||
	    list_params(r, by, &k, &ret))
		return ret;
	if ((rc = get_snap(r, by, weight, 1, &sn, err, sizeof err)) != SND_OK)
		return rc == SND_EINVAL ? http_error(r, 400, "bad_request", err, NULL) : http_busy(r);
	page_req_init(r, &p);
	p.csrf = "";
	k.lang = r->lang;
	/* the one part of the page that follows the clock: part of the key */
	snd_buf_init(&b, 0);
	page_chair_window(&b, &p);
	k.window = fnv64(b.data ? b.data : "", b.len);
	snd_buf_free(&b);

	if ((e = page_find(sn, &k)) == NULL) {
		v.summary = sn->summary;
		v.turnout = sn->turnout;
		v.by = by;
		v.weight = weight;
		v.refresh_s = CHAIR_REFRESH_S;
		v.tallied_at = sn->made_s;
		v.list_max = PAGE_CHAIR_LIST_MAX;
		snd_buf_init(&b, 0);
		if (k.list < 0) {
			page_chair(&b, &p, &v);
		} else if (page_chair_list(&b, &p, &v, form_of(r)->questions[k.list].id,
		                           k.has_group ? k.group : NULL, k.page) != 0) {
			snd_buf_free(&b);
			snap_release(sn);
			return http_error(r, 404, "not_found",
			                  "There is no such page of this list (or no such group).", NULL);
		}
		if ((e = page_new(r, sn, &k, &b, &len)) == NULL) {
			snap_release(sn);
			return http_busy(r);
		}
		if ((same = page_offer(sn, e, len)) != NULL) {
			page_release(e);
			e = same;
		}
	}
	snap_release(sn);
	if (etag_matches(MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	                                             MHD_HTTP_HEADER_IF_NONE_MATCH),
	                 e->etag))
		ret = not_modified(r, e->etag, "text/html; charset=utf-8");
	else
		ret = http_queue(r, 200, e->resp, 1);
	page_release(e);
	return ret;
}
