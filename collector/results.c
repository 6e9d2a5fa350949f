/* results.c - results for delegates (the form's "results" key):
 *
 *   GET /q/QID/results                      HTML, the delegate's session cookie
 *   GET /api/v1/questionnaires/QID/results  the summary JSON, delegate bearer token
 *
 * Invariants:
 *   1. Only a delegate token of this questionnaire gets here (request.c
 *      invariant 1); chairs have their dashboard and summary API.
 *   2. Allowed only as the form says: "live" always, "after_close" once
 *      the effective window (the schedule override, read on every request)
 *      has closed, "chairs" never; otherwise 403 saying when.
 *   3. What a delegate sees names nobody: every "entity" of the objections
 *      and comments is removed, the dispositions (one per objecting entity)
 *      are left out and the outcomes lose their recorder.  The figures are
 *      the chair's (the same cached snapshot, tally_cache.c).
 */
#include "request.h"
#include "routes.h"
#include "tally_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when results may be shown now; else 0 with *w the effective window
 * (for the 403's wording), or -1 when the database could not be read. */
static int allowed(struct req *r, struct snd_window *w)
{
	const struct snd_form *f = form_of(r);
	struct snd_store *rd;
	memset(w, 0, sizeof *w);
	if (f->results == SND_RESULTS_LIVE)
		return 1;
	if (f->results != SND_RESULTS_AFTER_CLOSE)
		return 0;
	if ((rd = srv_reader(r->s)) == NULL || snd_store_effective_window(rd, f, w) != SND_OK)
		return -1;
	return w->has_closes && now_s() >= w->closes;
}

/* The summary without identities (invariant 3): a copy the caller deletes. */
static cJSON *strip(const cJSON *summary)
{
	cJSON *c = cJSON_Duplicate(summary, 1), *qs, *it, *g;
	if (c == NULL)
		return NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(c, "dispositions");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "outcomes"))
		cJSON_DeleteItemFromObjectCaseSensitive(it, "by");
	cJSON_ArrayForEach(qs, cJSON_GetObjectItemCaseSensitive(c, "questions")) {
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "objections"))
			cJSON_DeleteItemFromObjectCaseSensitive(it, "entity");
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "comments"))
			cJSON_DeleteItemFromObjectCaseSensitive(it, "entity");
	}
	/* no breakdown is asked for, but never pass one on */
	g = cJSON_DetachItemFromObjectCaseSensitive(c, "groups");
	cJSON_Delete(g);
	return c;
}

/* The 403 of invariant 2, as JSON or as the page in the delegate's language. */
static enum MHD_Result not_yet(struct req *r, const struct snd_window *w)
{
	const struct snd_form *f = form_of(r);
	int after = f->results == SND_RESULTS_AFTER_CLOSE;
	struct snd_buf b;
	struct page_req p;

	snd_buf_init(&b, 0);
	if (r->api) {
		char when[21];
		snd_buf_printf(&b, "{\"error\":{\"code\":\"results_not_available\",\"message\":");
		if (!after) {
			snd_buf_json_str(&b, "the results of this questionnaire are for the chairs only");
		} else if (w->has_closes) {
			char msg[120];
			snd_time_format(w->closes, when);
			snprintf(msg, sizeof msg, "the results will be available once the questionnaire "
			         "closes at %s", when);
			snd_buf_json_str(&b, msg);
		} else {
			snd_buf_json_str(&b, "the results will be available once the questionnaire closes");
		}
		snd_buf_puts(&b, ",\"fields\":{}}}\n");
		return http_send_json(r, 403, &b);
	}
	page_req_init(r, &p);
	page_results_unavailable(&b, &p, after, w->has_closes, w->closes);
	return http_send_html(r, 403, &b);
}

/* The snapshot for results (with the tally's time) and its stripped copy. */
static int results_summary(struct req *r, cJSON **out, int64_t *made_s)
{
	struct snap *sn;
	char err[256];
	if (get_snap(r->s, r->form, NULL, SND_WEIGHT_DELEGATE, 0, &sn, err, sizeof err) != SND_OK)
		return -1;
	*out = strip(sn->summary);
	*made_s = sn->made_s;
	snap_release(sn);
	return *out ? 0 : -1;
}

enum MHD_Result h_results_page(struct req *r)
{
	struct snd_window w;
	struct page_req p;
	struct snd_buf b;
	enum MHD_Result ret;
	cJSON *sum;
	int64_t made;
	int ok;

	r->lang = pick_lang(r, NULL, NULL);
	if (!authenticate(r, 0, 1, SND_ROLE_DELEGATE, &ret))
		return ret;
	if ((ok = allowed(r, &w)) < 0)
		return http_busy(r);
	if (!ok)
		return not_yet(r, &w);
	if (results_summary(r, &sum, &made) != 0)
		return http_busy(r);
	page_req_init(r, &p);
	snd_buf_init(&b, 0);
	page_results(&b, &p, sum, made);
	cJSON_Delete(sum);
	return http_send_html(r, 200, &b);
}

enum MHD_Result h_api_results(struct req *r)
{
	struct snd_window w;
	struct snd_buf b;
	enum MHD_Result ret;
	cJSON *sum;
	int64_t made;
	char *text;
	int ok;

	if (!authenticate(r, 1, 0, SND_ROLE_DELEGATE, &ret))
		return ret;
	if ((ok = allowed(r, &w)) < 0)
		return http_busy(r);
	if (!ok)
		return not_yet(r, &w);
	if (results_summary(r, &sum, &made) != 0)
		return http_busy(r);
	text = cJSON_PrintUnformatted(sum);
	cJSON_Delete(sum);
	if (text == NULL)
		return http_busy(r);
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, text);
	snd_buf_putc(&b, '\n');
	cJSON_free(text);
	return http_send_json(r, 200, &b);
}
