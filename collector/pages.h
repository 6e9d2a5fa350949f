/* pages.h - the collector's server-rendered HTML (page_*.c, mapped in
 * page_int.h; its UI texts in i18n.c) and its static assets (assets.c).
 * Pages work without JavaScript; every string from a form or an answer is
 * HTML-escaped; the UI chrome is translated into the form's languages (en,
 * fr, es, ar, zh, ru), Arabic pages are dir="rtl".
 * No inline script or style: the CSS and the optional JS are served from
 * /static/ so the Content-Security-Policy can stay 'self'. */
#ifndef SND_PAGES_H
#define SND_PAGES_H

#include "i18n.h"
#include "sounding.h"

struct page_req {
	const struct snd_form *form;
	int lang;             /* index into form->languages */
	const char *csrf;     /* value of the hidden _csrf field */
	const char *sub;      /* the delegate's id as shown to them (or NULL) */
	const char *ent;      /* their entity (or NULL) */
	int64_t now;          /* Unix seconds, for "closes in ..." notes */
	/* The effective opening times (the schedule override, if any); when
	 * has_window is 0 the form's own opens/closes are shown. */
	int has_window;
	struct snd_window window;
	/* The delegate's answers in the previous round (the form's "previous"
	 * questionnaire), shown beside each question; NULL: none. */
	const cJSON *previous;
	/* Drafts (page_form): > 0 when the answers shown are the delegate's
	 * draft, saved then (Unix seconds); draft_post when errs come from
	 * saving a draft. */
	int64_t draft_saved_at;
	int draft_post;
};

/* The questionnaire as an HTML form posting to /q/QID: every question type
 * with <fieldset>/<legend> and <label>s, prefilled from answers (may be
 * NULL), each error of errs (may be NULL) beside its field and listed in a
 * summary at the top; rev > 0 shows "your answers (revision N) are saved",
 * or, when r->draft_saved_at > 0, that a draft was saved and is not yet
 * submitted (and that revision N counts until then).  A "Save draft"
 * button (name="_draft") posts the same form. */
void page_form(struct snd_buf *out, const struct page_req *r, const cJSON *answers,
               const struct snd_diag *errs, int64_t rev);

/* The receipt page: what was recorded (answers rendered readably), the
 * revision, the hash and its salt (NULL: a revision stored before salts),
 * and the receipt token in a copyable field, with lines on how to verify
 * it and how to recompute the hash. */
void page_receipt(struct snd_buf *out, const struct page_req *r, int64_t rev,
                  const char *hash, const char *salt, const char *receipt,
                  const cJSON *answers, int64_t submitted_at_ms);

/* A plain page for errors and notices (401 bad link, 404, 409 closed...)
 * wholly in the page's language: title and paragraphs are messages of
 * i18n.c, {1} in a paragraph is `when` (Unix seconds, UTC; 0: none).  f may
 * be NULL (then lang indexes the six UN languages in the order en fr es ar
 * zh ru). */
void page_notice(struct snd_buf *out, const struct snd_form *f, int lang, int status,
                 enum msg title, const enum msg *paras, size_t n, int64_t when);
/* page_notice for English words: title and message are looked up in the
 * message table by their English text and shown in the page's language.
 * A title not in the table gives the status's own; a message not in it is
 * shown as is on an English page only, and any other page gets the
 * status's own text (page_status_msgs). */
void page_message(struct snd_buf *out, const struct snd_form *f, int lang, int status,
                  const char *title, const char *message);
/* The page that reloads itself (a cross-site navigation that brought no
 * SameSite=Strict cookie, request.c) with a "Continue" link, in the page's
 * language. */
void page_reload(struct snd_buf *out, const struct snd_form *f, int lang);
/* The title and text an error page of that status shows by default. */
void page_status_msgs(int status, enum msg *title, enum msg *text);

/* page_session.c: the page asking before a personal link replaces the
 * browser's session of another delegate or role (GET /t/TOKEN): who is
 * signed in now and who the link is for (ids from the tokens' claims), a
 * POST button (no action: back to the link's own address) carrying csrf,
 * and a link back to the current session's page (cur_href). */
struct page_switch {
	const char *cur_sub, *new_sub;
	int cur_chair, new_chair;
	const char *cur_href;  /* "/q/QID" or "/chair/QID" of the current session */
	const char *csrf;      /* auth_switch_csrf's value */
};
void page_switch(struct snd_buf *out, const struct page_req *r, const struct page_switch *sw);
/* The 429 page of a form post over a revision limit: total (the most
 * revisions are stored: --max-revisions) or the rate (--revision-rate,
 * retry in about retry_s seconds); nothing was stored either way. */
void page_limit(struct snd_buf *out, const struct page_req *r, int total, unsigned retry_s);

/* What a chair page shows: one snapshot of the tally, and the view. */
struct chair_view {
	const cJSON *summary;   /* snd_tally_summary's output (with groups when by != NULL) */
	const cJSON *turnout;   /* snd_tally_turnout's, or NULL */
	const char *by;         /* the breakdown attribute, or NULL */
	enum snd_weight weight;
	int refresh_s;          /* > 0: the page refreshes itself every refresh_s seconds */
	int64_t tallied_at;     /* Unix seconds the summary was computed ("Updated ...") */
	size_t list_max;        /* objections/comments listed per question (0: all) */
	const cJSON *objections;      /* the objection register against the previous
	                               * rounds (snd_register_json), or NULL */
	const cJSON *register_rounds; /* its rounds (snd_register_rounds_json) */
};

/* Objections and comments on the dashboard, per question (and group); the
 * rest is one link away, on the paged list. */
#define PAGE_CHAIR_LIST_MAX 20
/* Items per page of that list. */
#define PAGE_CHAIR_LIST_PAGE 200
/* Groups of a breakdown shown on the dashboard (?by=entity may have
 * thousands); the downloads hold them all. */
#define PAGE_CHAIR_GROUPS_MAX 50

/* The chair dashboard: turnout, then every question's summary with the
 * charts of snd_report_question, proposals (position questions) sorted by
 * closeness to consensus, objections with entity and reason, at most
 * v->list_max of each list, each longer list linking to its full list
 * (?list=QID, page_chair_list); links to the CSV/JSON exports; a
 * <meta http-equiv=refresh> every refresh_s seconds.  The bytes depend on
 * r's form and language, r's window paragraph (page_chair_window) and v
 * only: no clock (r->now only decides the window's wording), no per-user
 * data, so tally_cache.c can cache them. */
void page_chair(struct snd_buf *out, const struct page_req *r, const struct chair_view *v);

/* One question's objections (position) or comments (text), all of them,
 * PAGE_CHAIR_LIST_PAGE per page (page from 1), in the summary's order;
 * within group's breakdown when group is not NULL (v->by names the
 * attribute).  Returns 0, or -1 with nothing written when the summary has
 * no such question, group or page (the caller answers 404). */
int page_chair_list(struct snd_buf *out, const struct page_req *r, const struct chair_view *v,
                    const char *qid, const char *group, long page);

/* The dashboard's paragraph on when the questionnaire accepts answers, as
 * page_chair writes it (from r->window, r->has_window and r->now). */
void page_chair_window(struct snd_buf *out, const struct page_req *r);

/* page_record.c: the chair's record page (GET /chair/QID/record): per
 * question its outcome and a form to record it, per position question each
 * entity that objected (in the summary, or with a disposition already) with
 * its disposition and a form (status select, note); on a pseudonymous
 * questionnaire one form for the question's objections as a whole.  Every
 * form posts to /chair/QID/record with r->csrf, works without script.
 * Per-chair (the CSRF value), never cached. */
struct record_view {
	const cJSON *summary;       /* the tally (for the objecting entities), or NULL */
	const cJSON *dispositions;  /* snd_record_json's latest records */
	const cJSON *outcomes;
	int saved;                  /* show "Recorded." */
};
void page_record(struct snd_buf *out, const struct page_req *r, const struct record_view *v);

/* page_results.c: the results for delegates (GET /q/QID/results): every
 * question's summary through snd_report_question, without entities (the
 * caller strips them) and without the chair's tools, and each outcome. */
void page_results(struct snd_buf *out, const struct page_req *r, const cJSON *summary,
                  int64_t tallied_at);
/* The 403 page saying when results will be available: never to delegates
 * (chairs), or once the questionnaire closes (at closes when has_closes). */
void page_results_unavailable(struct snd_buf *out, const struct page_req *r, int after_close,
                              int has_closes, int64_t closes);

/* Static assets (assets.c), built once: the stylesheet and the optional
 * script (show_if hiding, "unsaved changes" hints).  Never NULL. */
const char *page_css(size_t *len);
const char *page_js(size_t *len);

#endif
