/* routes.h - the table of routes (routes.c) and the handlers it names
 * (delegate.c, api.c, chair.c; the static routes' are http_resp.c's).
 * A handler is called on the request's last handler call, with the body
 * (if the route takes one) in r->body, and queues exactly one answer. */
#ifndef SND_ROUTES_H
#define SND_ROUTES_H

#include "http_int.h"

typedef enum MHD_Result (*handler_fn)(struct req *r);

enum {
	ROUTE_QID = 1, /* prefix QID suffix: QID names a loaded questionnaire (r->form) */
	ROUTE_ARG = 2, /* prefix ARG: ARG is one non-empty segment (r->arg, copied) */
};

/* One row: a path pattern and what answers each method.  Without flags
 * the path is prefix exactly. */
struct route {
	const char *prefix;
	size_t plen;
	const char *suffix;   /* ROUTE_QID: what follows the id ("" for nothing) */
	unsigned flags;
	handler_fn get;       /* GET and HEAD; NULL: not answered */
	handler_fn post;      /* POST, whose body is read first; NULL: not answered */
	handler_fn committed; /* after the writer committed what post handed it, or
	                       * refused it for the revision limit (r->item.rc ==
	                       * SND_ELIMIT, nothing stored) */
	const char *name;     /* the metrics' route label (metrics.c): fixed, never the path */
};

/* More than the table's rows (routes.c checks): metrics.c's counters are
 * sized by it, the last index being "other" (no row matched). */
#define ROUTES_MAX 32

/* The table's rows; a row's index (route_count() for NULL: "other"); the
 * name of index i ("other" past the rows). */
size_t route_count(void);
size_t route_index(const struct route *rt);
const char *route_name(size_t i);

/* The row of url (checked by http.c: printable ASCII, no "..", "//"),
 * setting r->form (or -1), r->arg and r->api (every /api/ path answers in
 * JSON, matched or not); NULL when no row matches (404). */
const struct route *route_match(struct req *r, const char *url);
/* The handler of method m, NULL when the route does not answer it (405). */
handler_fn route_handler(const struct route *rt, enum method m);
/* The Allow header of a 405 from rt. */
const char *route_allow(const struct route *rt);

/* delegate.c */
enum MHD_Result h_token(struct req *r);
enum MHD_Result h_token_post(struct req *r);
enum MHD_Result h_form_get(struct req *r);
enum MHD_Result h_form_post(struct req *r);
enum MHD_Result h_form_committed(struct req *r);
enum MHD_Result h_receipt(struct req *r);
/* api.c */
enum MHD_Result h_api_post(struct req *r);
enum MHD_Result h_api_committed(struct req *r);
enum MHD_Result h_api_me(struct req *r);
enum MHD_Result h_api_draft_post(struct req *r);
enum MHD_Result h_api_draft_get(struct req *r);
/* chair.c */
enum MHD_Result h_chair(struct req *r);
enum MHD_Result h_api_summary(struct req *r);
/* record.c: the chair's record (dispositions, outcomes) */
enum MHD_Result h_api_dispositions(struct req *r);
enum MHD_Result h_api_outcomes(struct req *r);
enum MHD_Result h_api_disposition_post(struct req *r);
enum MHD_Result h_api_outcome_post(struct req *r);
enum MHD_Result h_api_record_committed(struct req *r);
enum MHD_Result h_record_page(struct req *r);
enum MHD_Result h_record_post(struct req *r);
enum MHD_Result h_record_committed(struct req *r);
/* results.c: results for delegates */
enum MHD_Result h_results_page(struct req *r);
enum MHD_Result h_api_results(struct req *r);

#endif
