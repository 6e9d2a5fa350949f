/* page_int.h - what the page files share: the HTML writer of page_html.c
 * (struct pg, escaping, the page skeleton, language switcher, times and
 * numbers) and the few helpers one page file lends another.  Not an
 * interface: the page functions are pages.h's.  test_pages includes it to
 * test the helpers directly.
 *
 *   page_html.c       the writer below every page (this header's first half)
 *   page_questions.c  one renderer per question type (r_question)
 *   page_form.c       the questionnaire page and its cache of unanswered questions
 *   page_receipt.c    the receipt page and the plain message page
 *   page_chair.c      the chair dashboard and its full lists
 *
 * Every page file writes through a struct pg, escapes with esc()/put_lbl()
 * (pages.h's invariant: every string from a form, an answer, a summary or a
 * request is escaped), and appends raw only constants and the chrome table.
 */
#ifndef SND_PAGE_INT_H
#define SND_PAGE_INT_H

#include "i18n.h"
#include "pages.h"

#include <stddef.h>
#include <stdint.h>

/* The chrome of each position (the texts are i18n.c). */
extern const enum msg pos_msg[SND_POS__MAX];

/* One page being written: the form (may be NULL), the form language
 * index, the chrome language and the language code. */
struct pg {
	struct snd_buf *b;
	const struct snd_form *f;
	int lang;
	int un;
	const char *code;
};

/* Inline: the form page calls these a few thousand times per page. */
static inline void put(struct pg *p, const char *s)
{
	snd_buf_puts(p->b, s);
}

static inline void esc(struct pg *p, const char *s)
{
	snd_buf_html(p->b, s ? s : "");
}

/* Escapes the text an editable control starts with (a textarea's content)
 * with snd_buf_html_value: a bidi control becomes a character reference
 * (&#x202E;) instead of a visible "[U+202E]" marker: inside a form control
 * it can only reorder the delegate's own text, and the marker would
 * silently change their answer the next time they save (Arabic text pasted
 * from a word processor often carries U+202B/U+202C).  The raw bytes never
 * reach the page either way. */
static inline void esc_value(struct pg *p, const char *s)
{
	snd_buf_html_value(p->b, s ? s : "");
}

/* The label in the page's language (form.c already filled missing
 * translations with the default language); NULL when the label is absent. */
static inline const char *lbl(const struct pg *p, const struct snd_label *l)
{
	if (l == NULL || l->text == NULL)
		return NULL;
	return l->text[p->lang] ? l->text[p->lang] : l->text[0];
}

/* Member key of a summary or answers object, NULL when o is not an object
 * (core's snd_json_str/snd_json_num read typed members; this one any). */
static inline const cJSON *jget(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* page_html.c */
void pg_init(struct pg *p, struct snd_buf *b, const struct snd_form *f, int lang);
int is_fallback(const struct pg *p, const struct snd_label *l);
void put_lang_attrs(struct pg *p, struct snd_buf *o, const struct snd_label *l);
void put_lbl(struct pg *p, struct snd_buf *o, const struct snd_label *l);
void put_msg(struct pg *p, enum msg m, const char *a1, const char *a2);
void put_url_part(struct snd_buf *b, const char *s);
void put_paras(struct pg *p, const char *text, const char *cls);
enum tfmt { T_DATE_HM, T_DATE_HMS };
void fmt_time(int64_t t, enum tfmt how, char *out, size_t n);
void fmt_number(double v, char out[48]);
const struct snd_option *find_opt(const struct snd_option *o, size_t n, const char *id);
int pos_index(const char *name);
void page_open(struct pg *p, const char *title, const char *body_class, int refresh_s);
void page_close(struct pg *p);
void lang_nav(struct pg *p, const char *extra);
void draft_notice(struct pg *p);

/* page_questions.c */
/* Question qi of p->f as form controls, prefilled from answers[qid] and
 * with errs' message for it (both may be NULL); t is scratch space. */
void r_question(struct pg *p, size_t qi, const cJSON *answers, const struct snd_diag *errs,
                struct snd_buf *t);
/* Where an error summary link lands: the id of a question's first control. */
void first_control_id(const struct snd_question *q, char *out, size_t n);
/* An answer error in the page's language when core's English is known. */
void error_text(struct pg *p, const char *msg);
/* The visible text of a scale point: "4 — Agree", or "4" when unlabelled. */
void point_text(struct pg *p, const struct snd_question *q, int v, struct snd_buf *o);

/* The delegate's previous-round answer to question qi (previous[qid]), as
 * the receipt shows answers, after the question; nothing when absent. */
void r_previous(struct pg *p, size_t qi, const cJSON *previous);
/* page_receipt.c: one answer in words, with the form's labels. */
void answer_text(struct pg *p, const struct snd_question *q, const cJSON *a);

/* page_form.c: the cache of unanswered questions (test_pages looks in) */
struct qcache;
extern int qcache_disabled; /* test_pages renders both ways to compare */
struct qcache *qcache_find(const struct snd_form *f, int lang);

/* page_turnout.c: the dashboard's turnout section from a turnout object. */
void page_chair_turnout(struct pg *p, const cJSON *t);

#endif
