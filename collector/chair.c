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
 *   3. The cache has TALLY_SLOTS slots (a view hashes to one; a colliding
 *      view takes it over): memory is bounded whatever ?by= values arrive.
 *   4. Snapshots are immutable once published and shared by reference
 *      count; the last snap_release frees them.
 *   5. The CSV is that of `tally summary --format csv`: both are written
 *      by snd_summary_csv (core/summary.c).
 */
#include "http_int.h"

#include "pages.h"

#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TALLY_SLOTS 64u
#define CHAIR_REFRESH_S 10

struct snap {
	atomic_int refs;
	int64_t version;
	int64_t made_ms, cost_ms;    /* monotonic time it was computed, and how long it took */
	cJSON *summary, *turnout;
	char *json;
	size_t json_len;
};

struct tslot {
	pthread_mutex_t lock;
	pthread_cond_t done;         /* broadcast when a computation ends */
	int used, form, with_turnout;
	int computing;               /* a thread is computing this view */
	enum snd_weight weight;
	char by[SND_ID_MAX + 1];
	struct snap *snap;
};

struct tally_cache {
	struct tslot slots[TALLY_SLOTS];
};

static void snap_release(struct snap *sn)
{
	if (sn != NULL && atomic_fetch_sub(&sn->refs, 1) == 1) {
		cJSON_Delete(sn->summary);
		cJSON_Delete(sn->turnout);
		free(sn->json);
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
	free(tc);
}

/* Computes a snapshot (no lock held: it may take a while on a big store). */
static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when sn, though older than the database, is recent enough to serve:
 * a view is tallied again at most every max(--summary-interval, 10 x its
 * last cost), so under a steady stream of answers the chairs' screens take
 * at most ~10% of a core whatever their number (invariant 2). */
static int fresh_enough(const struct srv *s, const struct snap *sn)
{
	int64_t gap = (int64_t)s->summary_interval_ms;
	if (gap == 0)
		return 0;
	if (gap < 10 * sn->cost_ms)
		gap = 10 * sn->cost_ms;
	return mono_ms() - sn->made_ms < gap;
}

static enum snd_err compute_snap(struct req *r, struct snd_store *rd, const char *by,
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
	rc = snd_tally_summary(rd, form_of(r), &o, &sn->summary, err, errlen);
	if (rc == SND_OK && with_turnout)
		rc = snd_tally_turnout(rd, form_of(r), &sn->turnout, err, errlen);
	if (rc == SND_OK && (sn->json = cJSON_PrintUnformatted(sn->summary)) == NULL)
		rc = SND_ENOMEM;
	if (rc != SND_OK) {
		snd_log(SND_LOG_ERROR, "summary of %s failed: %s", form_of(r)->id,
		        err[0] ? err : snd_strerror(rc));
		cJSON_Delete(sn->summary);
		cJSON_Delete(sn->turnout);
		free(sn);
		return rc;
	}
	sn->json_len = strlen(sn->json);
	sn->made_ms = mono_ms();
	sn->cost_ms = sn->made_ms - t0;
	atomic_init(&sn->refs, 1);
	*out = sn;
	return SND_OK;
}

/* The summary (and turnout) of r's questionnaire, from the cache when it is
 * of the current database version.  One thread computes a view at a time;
 * while it does, others get the previous snapshot of that view (a chair's
 * dashboard may lag by one computation) or, when there is none yet, wait
 * for it.  On SND_OK *out holds a reference (snap_release it). */
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
	int mine;

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
		if (mine && sl->snap != NULL &&
		    (sl->snap->version == version || sl->computing ||
		     fresh_enough(r->s, sl->snap))) {
			sn = sl->snap; /* current, or the previous one while it is recomputed */
			atomic_fetch_add(&sn->refs, 1);
			pthread_mutex_unlock(&sl->lock);
			*out = sn;
			return SND_OK;
		}
		if (!sl->computing)
			break;
		if (!mine) { /* another view holds the slot: compute privately */
			pthread_mutex_unlock(&sl->lock);
			return compute_snap(r, rd, by, weight, with_turnout, version, out, err,
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

	rc = compute_snap(r, rd, by, weight, with_turnout, version, &sn, err, errlen);

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
		ret = http_queue(r, 200,
		                 http_response(r, sn->json, sn->json_len, MHD_RESPMEM_MUST_COPY,
		                               "application/json; charset=utf-8", CACHE_NONE),
		                 0);
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

enum MHD_Result h_chair(struct req *r)
{
	char err[256];
	enum snd_err rc;
	struct page_req p;
	struct snd_buf b;
	struct snap *sn;
	const char *by;
	enum snd_weight weight;
	enum MHD_Result ret;

	r->lang = pick_lang(r, NULL, NULL);
	if (!authenticate(r, 1, 1, SND_ROLE_CHAIR, &ret) || summary_params(r, &by, &weight, &ret))
		return ret;
	if ((rc = get_snap(r, by, weight, 1, &sn, err, sizeof err)) != SND_OK)
		return rc == SND_EINVAL ? http_error(r, 400, "bad_request", err, NULL) : http_busy(r);
	page_req_init(r, &p);
	p.csrf = "";
	snd_buf_init(&b, 0);
	page_chair(&b, &p, sn->summary, sn->turnout, by, weight, CHAIR_REFRESH_S);
	snap_release(sn);
	return http_send_html(r, 200, &b);
}
