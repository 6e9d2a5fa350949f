/* chair.c - the chair's view over HTTP: GET /chair/QID (the dashboard,
 * or with ?list= one page of a question's objections or comments) and GET
 * /api/v1/questionnaires/QID/summary (JSON, or CSV for the dashboard's
 * download link), both answered from the chair views' cache
 * (tally_cache.c).
 *
 * Invariants:
 *   1. Only a chair token for this questionnaire gets here (authenticate,
 *      request.c): by bearer or by the session cookie of the chair's link.
 *   2. The query is checked before any tally: ?by= an attribute name
 *      (on a pseudonymous questionnaire one of its public_attributes), ?weight= delegate or
 *      entity, ?list=/?group=/?page= within bounds; else 400 or 404.
 *   3. The CSV is that of `tally summary --format csv`: both are written
 *      by snd_summary_csv (core/summary.c).
 *   4. Every answer carries the strong ETag of its bytes (tally_cache.c);
 *      If-None-Match naming it gets 304, with the headers every response
 *      carries.
 *   5. The window paragraph, the one part of a page that follows the clock,
 *      is part of the page's cache key, so a cached page is never stale.
 */
#include "request.h"
#include "routes.h"
#include "tally_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAIR_REFRESH_S 10
#define LIST_PAGE_MAX 1000000L                /* largest ?page= */

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
		if (!snd_form_attr_public(form_of(r), b)) {
			/* pseudonymous: only its "public_attributes" break it down */
			char pub[512], msg[700];
			snprintf(msg, sizeof msg, "this questionnaire is pseudonymous: a breakdown by %s "
			         "is not allowed; its public attributes: %s", b,
			         snd_form_public_list(form_of(r), pub, sizeof pub));
			*ret = http_error(r, 400, "bad_request", msg, NULL);
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
	if ((rc = get_snap(r->s, r->form, by, weight, 0, &sn, err, sizeof err)) != SND_OK)
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
 * question's objections or comments; both from the
 * cache of tally_cache.c (its invariant 5). */
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
	if ((rc = get_snap(r->s, r->form, by, weight, 1, &sn, err, sizeof err)) != SND_OK)
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
		v.objections = sn->reg;
		v.register_rounds = sn->reg_rounds;
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
