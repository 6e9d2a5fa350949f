/* routes.c - the one table of the collector's routes (interface.md): each
 * path pattern with the handler of each method it answers, and the
 * matching of a request's path against it.  Adding a route is adding a row.
 *
 * Invariants:
 *   1. Rows do not overlap: a path matches at most one row, so their order
 *      decides nothing but speed.
 *   2. A questionnaire id in a path is looked up once per request (rows
 *      sharing a prefix share the lookup): [A-Za-z0-9_.-], 1..SND_ID_MAX
 *      bytes, equal to a loaded form's id; r->form is that form's index, or
 *      -1 when no row matched.
 *   3. A route that answers POST reads a body (http.c); HEAD goes with GET.
 *   4. Matching allocates nothing and copies nothing.
 *   5. Every row has a name, the `route` label of its metrics (metrics.c):
 *      a fixed word, never the path; rows may share one ("static").
 */
#include "routes.h"

#include <string.h>

#define P(s) s, sizeof s - 1

/* Shared prefixes: rows with the same prefix pointer share a qid lookup. */
static const char P_Q[] = "/q/";
static const char P_CHAIR[] = "/chair/";
static const char P_API_Q[] = "/api/v1/questionnaires/";

static const struct route routes[] = {
	/* prefix              suffix          flags      GET/HEAD        POST         committed         name (metrics) */
	{P("/healthz"),        NULL,           0,         http_healthz,   NULL,        NULL,             "healthz"},
	{P("/static/sounding.css"), NULL,      0,         http_css,       NULL,        NULL,             "static"},
	{P("/static/sounding.js"), NULL,       0,         http_js,        NULL,        NULL,             "static"},
	{P("/api/v1/openapi.json"), NULL,      0,         http_openapi,   NULL,        NULL,             "api_openapi"},
	{P("/t/"),             NULL,           ROUTE_ARG, h_token,        h_token_post, NULL,            "token"},
	{P(P_Q),               "",             ROUTE_QID, h_form_get,     h_form_post, h_form_committed, "form"},
	{P(P_Q),               "/receipt",     ROUTE_QID, h_receipt,      NULL,        NULL,             "receipt"},
	{P(P_Q),               "/results",     ROUTE_QID, h_results_page, NULL,        NULL,             "results"},
	{P(P_CHAIR),           "",             ROUTE_QID, h_chair,        NULL,        NULL,             "chair"},
	{P(P_CHAIR),           "/record",      ROUTE_QID, h_record_page,  h_record_post, h_record_committed, "record"},
	{P(P_API_Q),           "",             ROUTE_QID, http_form_json, NULL,        NULL,             "api_form"},
	{P(P_API_Q),           "/responses",   ROUTE_QID, NULL,           h_api_post,  h_api_committed,  "api_responses"},
	{P(P_API_Q),           "/responses/me", ROUTE_QID, h_api_me,      NULL,        NULL,             "api_me"},
	{P(P_API_Q),           "/summary",     ROUTE_QID, h_api_summary,  NULL,        NULL,             "api_summary"},
	{P(P_API_Q),           "/dispositions", ROUTE_QID, h_api_dispositions, h_api_disposition_post, h_api_record_committed, "api_dispositions"},
	{P(P_API_Q),           "/outcomes",    ROUTE_QID, h_api_outcomes, h_api_outcome_post, h_api_record_committed, "api_outcomes"},
	{P(P_API_Q),           "/results",     ROUTE_QID, h_api_results,  NULL,        NULL,             "api_results"},
	{P(P_API_Q),           "/draft",       ROUTE_QID, h_api_draft_get, h_api_draft_post, NULL,      "api_draft"},
};

_Static_assert(sizeof routes / sizeof routes[0] < ROUTES_MAX, "raise ROUTES_MAX");

size_t route_count(void)
{
	return sizeof routes / sizeof routes[0];
}

size_t route_index(const struct route *rt)
{
	return rt != NULL ? (size_t)(rt - routes) : route_count();
}

const char *route_name(size_t i)
{
	return i < route_count() && routes[i].name != NULL ? routes[i].name : "other";
}

static int qid_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch == '.';
}

/* Matches the questionnaire id at the start of p (up to '/' or the end) to
 * a loaded form; sets r->form and returns the rest, or NULL. */
static const char *match_qid(struct req *r, const char *p)
{
	size_t n = 0, i;
	while (p[n] && p[n] != '/') {
		if (!qid_char(p[n]))
			return NULL;
		n++;
	}
	if (n == 0 || n > SND_ID_MAX)
		return NULL;
	for (i = 0; i < r->s->nforms; i++) {
		const char *id = r->s->forms[i]->id;
		if (strlen(id) == n && memcmp(id, p, n) == 0) {
			r->form = (int)i;
			return p + n;
		}
	}
	return NULL;
}

const struct route *route_match(struct req *r, const char *url)
{
	const char *looked_up = NULL; /* the prefix whose qid was looked up */
	const char *rest = NULL;      /* what follows that qid, NULL: no such form */
	size_t i;

	r->api = strncmp(url, "/api/", 5) == 0;
	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		if (rt->flags & ROUTE_QID) {
			if (rt->prefix != looked_up) {
				if (strncmp(url, rt->prefix, rt->plen) != 0)
					continue;
				looked_up = rt->prefix;
				rest = match_qid(r, url + rt->plen);
			}
			if (rest != NULL && strcmp(rest, rt->suffix) == 0)
				return rt;
		} else if (rt->flags & ROUTE_ARG) {
			if (strncmp(url, rt->prefix, rt->plen) == 0 && url[rt->plen] != '\0' &&
			    strchr(url + rt->plen, '/') == NULL) {
				r->arg = url + rt->plen;
				return rt;
			}
		} else if (strcmp(url, rt->prefix) == 0) {
			return rt;
		}
	}
	r->form = -1;
	return NULL;
}

handler_fn route_handler(const struct route *rt, enum method m)
{
	if (m == M_POST)
		return rt->post;
	if (m == M_GET || m == M_HEAD)
		return rt->get;
	return NULL;
}

const char *route_allow(const struct route *rt)
{
	if (rt->post == NULL)
		return "GET, HEAD";
	return rt->get != NULL ? "GET, HEAD, POST" : "POST";
}
