/* pages.h - the collector's server-rendered HTML (pages.c, its UI texts in
 * i18n.c) and its static assets (assets.c).  Pages work without
 * JavaScript; every string from a form or an answer is HTML-escaped; the UI
 * chrome is translated into the form's languages (en, fr, es, ar, zh, ru),
 * Arabic pages are dir="rtl".
 * No inline script or style: the CSS and the optional JS are served from
 * /static/ so the Content-Security-Policy can stay 'self'. */
#ifndef SND_PAGES_H
#define SND_PAGES_H

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
};

/* The questionnaire as an HTML form posting to /q/QID: every question type
 * with <fieldset>/<legend> and <label>s, prefilled from answers (may be
 * NULL), each error of errs (may be NULL) beside its field and listed in a
 * summary at the top; rev > 0 shows "your answers (revision N) are saved". */
void page_form(struct snd_buf *out, const struct page_req *r, const cJSON *answers,
               const struct snd_diag *errs, int64_t rev);

/* The receipt page: what was recorded (answers rendered readably), the
 * revision, the hash, and the receipt token in a copyable field, with a
 * line on how to verify it. */
void page_receipt(struct snd_buf *out, const struct page_req *r, int64_t rev,
                  const char *hash, const char *receipt, const cJSON *answers,
                  int64_t submitted_at_ms);

/* A plain page for errors and notices (401 bad link, 404, 409 closed...):
 * title and message in plain words, in English (marked lang="en" on a page
 * in another language).  f may be NULL (then lang indexes the six UN
 * languages in the order en fr es ar zh ru). */
void page_message(struct snd_buf *out, const struct snd_form *f, int lang, int status,
                  const char *title, const char *message);

/* The chair dashboard: turnout, then every question's summary with the
 * charts of snd_report_question, proposals (position questions) sorted by
 * closeness to consensus, objections with entity and reason; links to the
 * CSV/JSON exports; a <meta http-equiv=refresh> every refresh_s seconds.
 * summary is snd_tally_summary's output (with groups when by != NULL),
 * turnout snd_tally_turnout's. */
void page_chair(struct snd_buf *out, const struct page_req *r, const cJSON *summary,
                const cJSON *turnout, const char *by, enum snd_weight weight, int refresh_s);

/* Static assets (assets.c), built once: the stylesheet and the optional
 * script (show_if hiding, "unsaved changes" hints).  Never NULL. */
const char *page_css(size_t *len);
const char *page_js(size_t *len);

#endif
