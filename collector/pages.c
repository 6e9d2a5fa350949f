/* pages.c - the collector's server-rendered HTML (interface in pages.h).
 *
 * Owns: the page skeleton (head, language switcher), one renderer per
 * question type, the form, receipt, message and chair pages.  The table of
 * UI texts ("chrome") in the six UN languages is i18n.c; the stylesheet
 * (ours plus snd_report_css) and the optional script are assets.c.
 *
 * Invariants:
 *   1. Every string that comes from a form, an answer, a summary or a request
 *      passes snd_buf_html (URLs are percent-encoded first, then escaped;
 *      a textarea's editable content passes esc_value, which differs only
 *      in how it neutralises bidi controls).
 *      Only constants (this file's and the chrome table's) are appended
 *      raw; the chrome table holds none of < > & " (test_pages checks it),
 *      so it needs no escaping.
 *   2. No inline script, no style attribute, no event handler attribute: the
 *      Content-Security-Policy is 'self', and the pages work with JS off.
 *   3. Field names are exactly those documented at snd_form_answers_from_post,
 *      so a posted page round-trips through core/urlenc.c.
 *   4. Element ids derive from question, option and row ids, which form.c
 *      restricts to [a-z0-9_]; ids are "q-QID" (the fieldset), "f-QID..." (a
 *      control), "q-QID-help|hint|if|err" (descriptions).
 *   5. Pure functions of their arguments (the clock comes in through
 *      page_req.now).  The one cache here (the form page's unanswered
 *      questions, qcache_get) holds bytes those arguments determine, so it
 *      changes no output; the chair pages' cache is chair.c's.
 */
#include "pages.h"

#include "i18n.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The chrome of each position (the texts are i18n.c). */
static const enum msg pos_msg[SND_POS__MAX] = { M_SUPPORT, M_LIVE_WITH, M_OBJECT, M_ABSTAIN };

/* ---------------------------------------------------------- small helpers */

/* One page being written: the form (may be NULL), the form language
 * index, the chrome language and the language code. */
struct pg {
	struct snd_buf *b;
	const struct snd_form *f;
	int lang;
	int un;
	const char *code;
};

static void pg_init(struct pg *p, struct snd_buf *b, const struct snd_form *f, int lang)
{
	p->b = b;
	p->f = f;
	if (f != NULL && f->nlanguages > 0) {
		if (lang < 0 || (size_t)lang >= f->nlanguages)
			lang = 0;
		p->lang = lang;
		p->code = f->languages[lang];
	} else {
		if (lang < 0 || lang >= UN__MAX)
			lang = 0;
		p->lang = 0;
		p->code = un_codes[lang];
	}
	p->un = un_index(p->code);
}

static void put(struct pg *p, const char *s) { snd_buf_puts(p->b, s); }
static void esc(struct pg *p, const char *s) { snd_buf_html(p->b, s ? s : ""); }

/* The label in the page's language (form.c already filled missing
 * translations with the default language); NULL when the label is absent. */
static const char *lbl(const struct pg *p, const struct snd_label *l)
{
	if (l == NULL || l->text == NULL)
		return NULL;
	return l->text[p->lang] ? l->text[p->lang] : l->text[0];
}

/* 1 when the label has no text of its own in the page's language and shows
 * the default language's (form.c copies the default in at load time). */
static int is_fallback(const struct pg *p, const struct snd_label *l)
{
	return p->lang > 0 && l != NULL && l->text != NULL && l->text[p->lang] && l->text[0] &&
	       strcmp(l->text[p->lang], l->text[0]) == 0;
}

/* lang and dir attributes for an element holding a fallback text, so an
 * English sentence in an Arabic page is read and laid out as English. */
static void put_lang_attrs(struct pg *p, struct snd_buf *o, const struct snd_label *l)
{
	if (!is_fallback(p, l))
		return;
	snd_buf_puts(o, " lang=\"");
	snd_buf_html(o, p->f->languages[0]);
	snd_buf_puts(o, "\" dir=\"auto\"");
}

/* A label, escaped into o; a fallback is wrapped in its own language. */
static void put_lbl(struct pg *p, struct snd_buf *o, const struct snd_label *l)
{
	int fb = is_fallback(p, l);
	if (fb) {
		snd_buf_puts(o, "<span");
		put_lang_attrs(p, o, l);
		snd_buf_puts(o, ">");
	}
	snd_buf_html(o, lbl(p, l));
	if (fb)
		snd_buf_puts(o, "</span>");
}

/* A chrome string with {1}/{2} replaced by a1/a2, which are HTML already
 * (callers escape what they pass). */
static void put_msg(struct pg *p, enum msg m, const char *a1, const char *a2)
{
	const char *s = tr(p->un, m), *hole;
	while ((hole = strchr(s, '{')) != NULL) {
		snd_buf_append(p->b, s, (size_t)(hole - s));
		if ((hole[1] == '1' || hole[1] == '2') && hole[2] == '}') {
			const char *a = hole[1] == '1' ? a1 : a2;
			snd_buf_puts(p->b, a ? a : "");
			s = hole + 3;
		} else {
			snd_buf_putc(p->b, '{');
			s = hole + 1;
		}
	}
	snd_buf_puts(p->b, s);
}

/* Escapes the text an editable control starts with (a textarea's content)
 * with snd_buf_html_value: a bidi control becomes a character reference
 * (&#x202E;) instead of a visible "[U+202E]" marker: inside a form control
 * it can only reorder the delegate's own text, and the marker would
 * silently change their answer the next time they save (Arabic text pasted
 * from a word processor often carries U+202B/U+202C).  The raw bytes never
 * reach the page either way. */
static void esc_value(struct pg *p, const char *s)
{
	snd_buf_html_value(p->b, s ? s : "");
}

/* Percent-encodes everything but RFC 3986 unreserved characters; the
 * result is then safe in an attribute too. */
static void put_url_part(struct snd_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	for (; *u; u++) {
		if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
		    *u == '-' || *u == '_' || *u == '.' || *u == '~') {
			snd_buf_putc(b, (char)*u);
		} else {
			snd_buf_putc(b, '%');
			snd_buf_putc(b, hex[*u >> 4]);
			snd_buf_putc(b, hex[*u & 15]);
		}
	}
}

/* A decimal integer, as "%ld" prints it (without printf: the form page
 * writes a few hundred). */
static void put_long(struct snd_buf *b, long v)
{
	char d[24];
	size_t i = sizeof d;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		d[--i] = '-';
	snd_buf_append(b, d + i, sizeof d - i);
}

/* Plain text with line breaks kept: blank lines separate <p>s, single
 * newlines become <br>.  Labels are plain text (forms/README.md). */
static void put_paras(struct pg *p, const char *text, const char *cls)
{
	struct snd_buf line;
	const char *s = text;
	snd_buf_init(&line, 0);
	snd_buf_printf(p->b, "<p class=\"%s\">", cls);
	while (*s) {
		size_t n = strcspn(s, "\n");
		snd_buf_reset(&line);
		snd_buf_append(&line, s, n);
		esc(p, line.data);
		s += n;
		if (*s == '\n') {
			s++;
			if (*s == '\n') {
				while (*s == '\n')
					s++;
				if (*s)
					snd_buf_printf(p->b, "</p><p class=\"%s\">", cls);
			} else if (*s) {
				put(p, "<br>");
			}
		}
	}
	put(p, "</p>");
	snd_buf_free(&line);
}

enum tfmt { T_DATE_HM, T_DATE_HMS };

/* UTC times in the one unambiguous shape every language reads:
 * 2026-02-06 18:00 (no month names to translate). */
static void fmt_time(int64_t t, enum tfmt how, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, n, "?");
		return;
	}
	if (how == T_DATE_HMS)
		snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(out, n, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* Numbers as a person writes them: 20, 2.5, -0.25, never with an exponent
 * (the form post accepts plain decimals only).  The fewest decimals that
 * read back as the same double, because a prefilled field is posted again
 * and must not change the delegate's answer. */
static void fmt_number(double v, char out[48])
{
	int prec;
	if (!isfinite(v)) {
		snprintf(out, 48, "?");
		return;
	}
	if (fabs(v) >= 1e15) {
		snprintf(out, 48, "%.0f", v);
		return;
	}
	for (prec = 0; prec <= 30; prec++) {
		snprintf(out, 48, "%.*f", prec, v == 0 ? 0.0 : v);
		if (strtod(out, NULL) == v)
			return;
	}
}

/* A count in a summary: integral counts bare, entity weights with two
 * decimals (the same rule as core/report.c, so both pages agree). */
static void fmt_count(double v, char out[40])
{
	if (!isfinite(v))
		snprintf(out, 40, "\xe2\x80\x94");
	else if (fabs(v - round(v)) < 1e-9)
		snprintf(out, 40, "%.0f", round(v) == 0 ? 0.0 : round(v));
	else
		snprintf(out, 40, "%.2f", v);
}

static const cJSON *jget(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static double jnum(const cJSON *o, const char *key)
{
	const cJSON *v = jget(o, key);
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : 0;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = jget(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const struct snd_option *find_opt(const struct snd_option *o, size_t n, const char *id)
{
	size_t i;
	for (i = 0; id && i < n; i++)
		if (strcmp(o[i].id, id) == 0)
			return &o[i];
	return NULL;
}

static int pos_index(const char *name)
{
	int i;
	for (i = 0; name && i < SND_POS__MAX; i++)
		if (strcmp(name, snd_position_names[i]) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------- skeleton */

/* Everything up to and including <body>.  refresh_s > 0 adds the chair
 * page's reload, inside <noscript>: with JS on, sounding.js updates the
 * page in place instead, so the two never both run. */
static void page_open(struct pg *p, const char *title, const char *body_class, int refresh_s)
{
	put(p, "<!doctype html>\n<html lang=\"");
	esc(p, p->code);
	snd_buf_printf(p->b, "\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n",
	               is_rtl(p->code) ? "rtl" : "ltr");
	if (refresh_s > 0)
		snd_buf_printf(p->b, "<noscript><meta http-equiv=\"refresh\" content=\"%d\"></noscript>\n",
		               refresh_s);
	/* An empty icon: saves every page view a request for /favicon.ico. */
	put(p, "<meta name=\"referrer\" content=\"no-referrer\">\n"
	       "<link rel=\"icon\" href=\"data:,\">\n<title>");
	esc(p, title);
	put(p, "</title>\n<link rel=\"stylesheet\" href=\"/static/sounding.css\">\n"
	       "<script src=\"/static/sounding.js\" defer></script>\n</head>\n<body class=\"");
	put(p, body_class);
	put(p, "\"");
	if (refresh_s > 0)
		snd_buf_printf(p->b, " data-refresh=\"%d\"", refresh_s);
	put(p, ">\n");
}

static void page_close(struct pg *p)
{
	put(p, "</body>\n</html>\n");
}

/* The language switcher: one link per form language, in its own name.
 * extra is a query suffix ("&by=sg...", already URL-encoded) kept across
 * the switch. */
static void lang_nav(struct pg *p, const char *extra)
{
	size_t i;
	if (p->f == NULL || p->f->nlanguages < 2)
		return;
	put(p, "<nav class=\"langs\" aria-label=\"");
	put(p, tr(p->un, M_LANG));
	put(p, "\"><ul>");
	for (i = 0; i < p->f->nlanguages; i++) {
		const char *c = p->f->languages[i];
		put(p, "<li>");
		if ((int)i == p->lang) {
			put(p, "<span class=\"current\" aria-current=\"true\" lang=\"");
			esc(p, c);
			put(p, "\">");
			esc(p, lang_name(c));
			put(p, "</span>");
		} else {
			put(p, "<a href=\"?lang=");
			put_url_part(p->b, c);
			if (extra)
				esc(p, extra);
			put(p, "\" hreflang=\"");
			esc(p, c);
			put(p, "\" lang=\"");
			esc(p, c);
			snd_buf_printf(p->b, "\" dir=\"%s\">", is_rtl(c) ? "rtl" : "ltr");
			esc(p, lang_name(c));
			put(p, "</a>");
		}
		put(p, "</li>");
	}
	put(p, "</ul></nav>\n");
}

static int is_draft(const struct snd_form *f, const char *code)
{
	size_t i;
	for (i = 0; i < f->ndraft_languages; i++)
		if (strcmp(f->draft_languages[i], code) == 0)
			return 1;
	return 0;
}

static void draft_notice(struct pg *p)
{
	struct snd_buf a;
	const char *c0;
	if (p->f == NULL || !is_draft(p->f, p->code) || p->lang == 0)
		return;
	c0 = p->f->languages[0];
	snd_buf_init(&a, 0);
	snd_buf_puts(&a, "<a href=\"?lang=");
	put_url_part(&a, c0);
	snd_buf_puts(&a, "\" hreflang=\"");
	snd_buf_html(&a, c0);
	snd_buf_puts(&a, "\" lang=\"");
	snd_buf_html(&a, c0);
	snd_buf_printf(&a, "\" dir=\"%s\">", is_rtl(c0) ? "rtl" : "ltr");
	snd_buf_html(&a, lang_name(c0));
	snd_buf_puts(&a, "</a>");
	put(p, "<p class=\"notice draft\">");
	put_msg(p, M_DRAFT, a.data, NULL);
	put(p, "</p>\n");
	snd_buf_free(&a);
}

/* ----------------------------------------------------------- the form page */

/* The id of a question's first control: where an error summary link
 * lands, so activating it puts the keyboard focus in the field. */
static void first_control_id(const struct snd_question *q, char *out, size_t n)
{
	switch (q->type) {
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
	case SND_Q_RANK:
		if (q->noptions > 0) {
			snprintf(out, n, "f-%s-%s", q->id, q->options[0].id);
			return;
		}
		break;
	case SND_Q_SCALE:
		snprintf(out, n, "f-%s-%d", q->id, q->min);
		return;
	case SND_Q_MATRIX:
		if (q->nrows > 0) {
			snprintf(out, n, "f-%s-%s-%d", q->id, q->rows[0].id, q->min);
			return;
		}
		break;
	case SND_Q_POSITION:
		snprintf(out, n, "f-%s-support", q->id);
		return;
	default:
		snprintf(out, n, "f-%s", q->id);
		return;
	}
	snprintf(out, n, "q-%s", q->id);
}

/* What one question needs while its controls are written. */
struct qctx {
	const struct snd_question *q;
	const cJSON *ans;        /* this question's answer, or NULL */
	const char *err;         /* its error message, or NULL */
	char describedby[400];   /* ids of help, hint, condition and error */
};

/* An answer error in the page's language when it is one of the known
 * English messages of core (matched exactly), else as core wrote it. */
static void error_text(struct pg *p, const char *msg)
{
	static const enum msg known[] = { M_E_REQUIRED, M_E_REASON, M_E_NUMBER, M_E_WHOLE };
	size_t i;
	if (msg && p->un != UN_EN)
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(msg, msgs[known[i]][UN_EN]) == 0) {
				put(p, tr(p->un, known[i]));
				return;
			}
	put(p, "<bdi>");
	esc(p, msg);
	put(p, "</bdi>");
}

static void put_invalid(struct pg *p, const struct qctx *c)
{
	if (c->err)
		put(p, " aria-invalid=\"true\"");
}

/* A radio or checkbox with its <label for>.  Written piece by piece, no
 * printf: a form page has a few hundred of these (the id "f-QID-SUFFIX"
 * is escaped part by part, which gives the same bytes as escaping it
 * whole). */
static void put_choice(struct pg *p, const struct qctx *c, const char *type, const char *name,
                       const char *idsuffix, const char *value, int checked, const char *label_html,
                       const char *cls)
{
	put(p, "<div class=\"choice");
	if (cls) {
		put(p, " ");
		put(p, cls);
	}
	put(p, "\"><input type=\"");
	put(p, type);
	put(p, "\" id=\"f-");
	esc(p, c->q->id);
	put(p, "-");
	esc(p, idsuffix);
	put(p, "\" name=\"");
	esc(p, name);
	put(p, "\" value=\"");
	esc(p, value);
	put(p, "\"");
	if (checked)
		put(p, " checked");
	put_invalid(p, c);
	put(p, "><label for=\"f-");
	esc(p, c->q->id);
	put(p, "-");
	esc(p, idsuffix);
	put(p, "\">");
	put(p, label_html);
	put(p, "</label></div>\n");
}

static void r_single_multi(struct pg *p, const struct qctx *c, struct snd_buf *t)
{
	const struct snd_question *q = c->q;
	int multi = q->type == SND_Q_MULTI;
	size_t i;
	put(p, "<div class=\"choices\">\n");
	for (i = 0; i < q->noptions; i++) {
		const struct snd_option *o = &q->options[i];
		int checked = 0;
		if (multi && cJSON_IsArray(c->ans)) {
			const cJSON *e;
			cJSON_ArrayForEach(e, c->ans)
				if (cJSON_IsString(e) && strcmp(e->valuestring, o->id) == 0)
					checked = 1;
		} else if (!multi && cJSON_IsString(c->ans)) {
			checked = strcmp(c->ans->valuestring, o->id) == 0;
		}
		snd_buf_reset(t);
		put_lbl(p, t, &o->label);
		put_choice(p, c, multi ? "checkbox" : "radio", q->id, o->id, o->id, checked,
		           t->data ? t->data : "", NULL);
	}
	put(p, "</div>\n");
}

/* The visible text of a scale point: "4 — Agree", or "4" when unlabelled. */
static void point_text(struct pg *p, const struct snd_question *q, int v, struct snd_buf *o)
{
	const struct snd_label *l = NULL;
	if (q->scale_labels && v >= q->min && v <= q->max && q->scale_labels[v - q->min].text)
		l = &q->scale_labels[v - q->min];
	snd_buf_puts(o, "<span class=\"pt\">");
	put_long(o, v);
	snd_buf_puts(o, "</span>");
	if (l) {
		snd_buf_puts(o, " <span class=\"pt-label\"");
		put_lang_attrs(p, o, l);
		snd_buf_puts(o, ">");
		snd_buf_html(o, lbl(p, l));
		snd_buf_puts(o, "</span>");
	}
}

static void r_scale(struct pg *p, const struct qctx *c, struct snd_buf *t)
{
	const struct snd_question *q = c->q;
	int v, isnum = cJSON_IsNumber(c->ans);
	char sfx[24], val[24];
	put(p, "<div class=\"choices scale\">\n");
	for (v = q->min; v <= q->max; v++) {
		snd_buf_reset(t);
		point_text(p, q, v, t);
		snprintf(sfx, sizeof sfx, "%d", v);
		snprintf(val, sizeof val, "%d", v);
		put_choice(p, c, "radio", q->id, sfx, val,
		           isnum && c->ans->valuedouble == (double)v, t->data, NULL);
	}
	if (q->no_view)
		put_choice(p, c, "radio", q->id, "none", "none", cJSON_IsNull(c->ans),
		           tr(p->un, M_NO_VIEW), "noview");
	put(p, "</div>\n");
}

/* The matrix is a table for sighted users with wide screens; each radio
 * also has its own <label> naming row and point, visually hidden on wide
 * screens and shown when the stylesheet stacks the rows on a phone. */
static void r_matrix(struct pg *p, const struct qctx *c, struct snd_buf *t)
{
	const struct snd_question *q = c->q;
	size_t r;
	int v;
	put(p, "<div class=\"matrix-wrap\"><table class=\"matrix\"><thead><tr><td></td>");
	for (v = q->min; v <= q->max; v++) {
		snd_buf_reset(t);
		point_text(p, q, v, t);
		put(p, "<th scope=\"col\">");
		put(p, t->data);
		put(p, "</th>");
	}
	if (q->no_view) {
		put(p, "<th scope=\"col\" class=\"noview\">");
		put(p, tr(p->un, M_NO_VIEW));
		put(p, "</th>");
	}
	put(p, "</tr></thead>\n<tbody>\n");
	for (r = 0; r < q->nrows; r++) {
		const struct snd_option *row = &q->rows[r];
		const cJSON *a = jget(c->ans, row->id);
		char name[200];
		snprintf(name, sizeof name, "%s.%s", q->id, row->id);
		put(p, "<tr><th scope=\"row\">");
		put_lbl(p, p->b, &row->label);
		put(p, "</th>");
		for (v = q->min; v <= (q->no_view ? q->max + 1 : q->max); v++) {
			int nv = v > q->max;
			char id[240], val[24];
			if (nv) {
				snprintf(id, sizeof id, "f-%s-%s-none", q->id, row->id);
				snprintf(val, sizeof val, "none");
			} else {
				snprintf(id, sizeof id, "f-%s-%s-%d", q->id, row->id, v);
				snprintf(val, sizeof val, "%d", v);
			}
			put(p, nv ? "<td class=\"noview\"><input type=\"radio\" id=\"" : "<td><input type=\"radio\" id=\"");
			esc(p, id);
			put(p, "\" name=\"");
			esc(p, name);
			put(p, "\" value=\"");
			put(p, val);
			put(p, "\"");
			if (nv ? cJSON_IsNull(a) : (cJSON_IsNumber(a) && a->valuedouble == (double)v))
				put(p, " checked");
			put_invalid(p, c);
			put(p, "><label class=\"mx-label\" for=\"");
			esc(p, id);
			put(p, "\"><span class=\"vh\">");
			put_lbl(p, p->b, &row->label);
			put(p, ": </span>");
			if (nv) {
				put(p, tr(p->un, M_NO_VIEW));
			} else {
				snd_buf_reset(t);
				point_text(p, q, v, t);
				put(p, t->data);
			}
			put(p, "</label></td>");
		}
		put(p, "</tr>\n");
	}
	put(p, "</tbody></table></div>\n");
}

/* Rank: one <select> of places per option; a plain form control works
 * everywhere without script, unlike drag and drop. */
static void r_rank(struct pg *p, const struct qctx *c)
{
	const struct snd_question *q = c->q;
	size_t i, places = q->noptions;
	if (q->max > 0 && (size_t)q->max < places)
		places = (size_t)q->max;
	put(p, "<div class=\"rank\">\n");
	for (i = 0; i < q->noptions; i++) {
		const struct snd_option *o = &q->options[i];
		size_t k, place = 0;
		char id[200], name[200];
		if (cJSON_IsArray(c->ans)) {
			const cJSON *e;
			k = 0;
			cJSON_ArrayForEach(e, c->ans) {
				k++;
				if (cJSON_IsString(e) && strcmp(e->valuestring, o->id) == 0 && place == 0)
					place = k;
			}
		}
		snprintf(id, sizeof id, "f-%s-%s", q->id, o->id);
		snprintf(name, sizeof name, "%s.%s", q->id, o->id);
		put(p, "<div class=\"rank-item\"><label for=\"");
		esc(p, id);
		put(p, "\">");
		put_lbl(p, p->b, &o->label);
		put(p, "</label> <select id=\"");
		esc(p, id);
		put(p, "\" name=\"");
		esc(p, name);
		put(p, "\"");
		put_invalid(p, c);
		put(p, place == 0 ? "><option value=\"\" selected>\xe2\x80\x94 ("
		                  : "><option value=\"\">\xe2\x80\x94 (");
		put(p, tr(p->un, M_NOT_RANKED));
		put(p, ")</option>");
		/* A stored place beyond max (the form changed since) stays visible. */
		for (k = 1; k <= (place > places ? place : places); k++) {
			put(p, "<option value=\"");
			put_long(p->b, (long)k);
			put(p, k == place ? "\" selected>" : "\">");
			put_long(p->b, (long)k);
			put(p, "</option>");
		}
		put(p, "</select></div>\n");
	}
	put(p, "</div>\n");
}

static void r_position(struct pg *p, const struct qctx *c)
{
	const struct snd_question *q = c->q;
	const char *cur = jstr(c->ans, "position"), *reason = jstr(c->ans, "reason");
	int i;
	put(p, "<div class=\"choices position\">\n");
	for (i = 0; i < SND_POS__MAX; i++)
		put_choice(p, c, "radio", q->id, snd_position_names[i], snd_position_names[i],
		           cur && strcmp(cur, snd_position_names[i]) == 0, tr(p->un, pos_msg[i]),
		           snd_position_names[i]);
	put(p, "</div>\n<div class=\"reason\"><label for=\"f-");
	esc(p, q->id);
	put(p, "-reason\">");
	put(p, tr(p->un, M_REASON));
	put(p, "</label><textarea id=\"f-");
	esc(p, q->id);
	put(p, "-reason\" name=\"");
	esc(p, q->id);
	snd_buf_printf(p->b, ".reason\" rows=\"3\" dir=\"auto\" maxlength=\"%zu\"",
	               q->max_length ? q->max_length : 2000);
	if (c->err) {
		put(p, " aria-invalid=\"true\" aria-describedby=\"q-");
		esc(p, q->id);
		put(p, "-err\"");
	}
	/* The newline after the tag is eaten by the HTML parser; without it a
	 * reason that starts with a newline would lose it. */
	put(p, ">\n");
	esc_value(p, reason);
	put(p, "</textarea></div>\n");
}

static void r_number(struct pg *p, const struct qctx *c)
{
	const struct snd_question *q = c->q;
	char a[48];
	put(p, "<input type=\"number\" class=\"num\" id=\"f-");
	esc(p, q->id);
	put(p, "\" name=\"");
	esc(p, q->id);
	put(p, q->integer ? "\" step=\"1\"" : "\" step=\"any\"");
	if (isfinite(q->nmin) && fabs(q->nmin) < 1e15) {
		fmt_number(q->nmin, a);
		snd_buf_printf(p->b, " min=\"%s\"", a);
	}
	if (isfinite(q->nmax) && fabs(q->nmax) < 1e15) {
		fmt_number(q->nmax, a);
		snd_buf_printf(p->b, " max=\"%s\"", a);
	}
	/* A phone's numeric pad has no minus sign: ask for it only when no
	 * negative answer is possible. */
	if (!q->integer)
		put(p, " inputmode=\"decimal\"");
	else if (isfinite(q->nmin) && q->nmin >= 0)
		put(p, " inputmode=\"numeric\"");
	if (cJSON_IsNumber(c->ans)) {
		fmt_number(c->ans->valuedouble, a);
		snd_buf_printf(p->b, " value=\"%s\"", a);
	}
	put(p, " aria-labelledby=\"q-");
	esc(p, q->id);
	put(p, "-legend\"");
	if (c->describedby[0]) {
		put(p, " aria-describedby=\"");
		esc(p, c->describedby);
		put(p, "\"");
	}
	put_invalid(p, c);
	put(p, ">\n");
}

static void r_text(struct pg *p, const struct qctx *c)
{
	const struct snd_question *q = c->q;
	put(p, "<textarea id=\"f-");
	esc(p, q->id);
	put(p, "\" name=\"");
	esc(p, q->id);
	snd_buf_printf(p->b, "\" rows=\"6\" dir=\"auto\" maxlength=\"%zu\"",
	               q->max_length ? q->max_length : 2000);
	put(p, " aria-labelledby=\"q-");
	esc(p, q->id);
	put(p, "-legend\"");
	if (c->describedby[0]) {
		put(p, " aria-describedby=\"");
		esc(p, c->describedby);
		put(p, "\"");
	}
	put_invalid(p, c);
	put(p, ">\n");
	esc_value(p, cJSON_IsString(c->ans) ? c->ans->valuestring : NULL);
	put(p, "</textarea>\n");
}

/* How a show_if value reads: the option's label, the position's name or
 * the scale point, each in <q> so the browser quotes it the local way. */
static void cond_value(struct pg *p, const struct snd_question *cq, const char *v, struct snd_buf *o)
{
	const struct snd_option *op = find_opt(cq->options, cq->noptions, v);
	int pi = pos_index(v);
	snd_buf_puts(o, "<q>");
	if (op)
		put_lbl(p, o, &op->label);
	else if (cq->type == SND_Q_POSITION && pi >= 0)
		snd_buf_puts(o, tr(p->un, pos_msg[pi]));
	else if (cq->type == SND_Q_SCALE) {
		const char *l = NULL;
		int n = atoi(v);
		if (cq->scale_labels && n >= cq->min && n <= cq->max)
			l = lbl(p, &cq->scale_labels[n - cq->min]);
		snd_buf_html(o, v);
		if (l) {
			snd_buf_puts(o, " \xe2\x80\x94 ");
			snd_buf_html(o, l);
		}
	} else
		snd_buf_html(o, v);
	snd_buf_puts(o, "</q>");
}

static void add_id(char *dst, size_t n, const char *prefix, const char *qid, const char *what)
{
	size_t len = strlen(dst);
	if (len < n)
		snprintf(dst + len, n - len, "%s%s%s-%s", len ? " " : "", prefix, qid, what);
}

static void r_question(struct pg *p, size_t qi, const cJSON *answers, const struct snd_diag *errs,
                       struct snd_buf *t)
{
	const struct snd_question *q = &p->f->questions[qi];
	const char *help = lbl(p, &q->help);
	struct qctx c;
	int hint = 0;
	char a1[48], a2[48];
	size_t i;

	memset(&c, 0, sizeof c);
	c.q = q;
	c.ans = jget(answers, q->id);
	c.err = errs ? snd_diag_find(errs, q->id) : NULL;
	if (q->show_if_q >= 0)
		add_id(c.describedby, sizeof c.describedby, "q-", q->id, "if");
	if (help)
		add_id(c.describedby, sizeof c.describedby, "q-", q->id, "help");
	switch (q->type) {
	case SND_Q_MULTI:
		hint = q->min > 0 || (size_t)q->max < q->noptions;
		break;
	case SND_Q_RANK:
	case SND_Q_TEXT:
		hint = 1;
		break;
	case SND_Q_NUMBER:
		hint = q->integer || isfinite(q->nmin) || isfinite(q->nmax);
		break;
	default:
		break;
	}
	if (hint)
		add_id(c.describedby, sizeof c.describedby, "q-", q->id, "hint");
	if (c.err)
		add_id(c.describedby, sizeof c.describedby, "q-", q->id, "err");

	snd_buf_printf(p->b, "<fieldset class=\"q q-%s%s\" id=\"q-", snd_qtype_names[q->type],
	               c.err ? " has-error" : "");
	esc(p, q->id);
	put(p, "\"");
	if (q->show_if_q >= 0 && (size_t)q->show_if_q < p->f->nquestions) {
		put(p, " data-show-if=\"");
		esc(p, p->f->questions[q->show_if_q].id);
		put(p, "\" data-show-values=\"");
		for (i = 0; i < q->nshow_if_values; i++) {
			if (i)
				put(p, " ");
			esc(p, q->show_if_values[i]);
		}
		put(p, "\"");
	}
	/* Group controls take their descriptions from the fieldset; number and
	 * text carry them on the control itself, where readers announce them. */
	if (c.describedby[0] && q->type != SND_Q_NUMBER && q->type != SND_Q_TEXT) {
		put(p, " aria-describedby=\"");
		esc(p, c.describedby);
		put(p, "\"");
	}
	put(p, ">\n<legend id=\"q-");
	esc(p, q->id);
	snd_buf_printf(p->b, "-legend\"><span class=\"qnum\">%zu.</span> ", qi + 1);
	put_lbl(p, p->b, &q->text);
	if (q->required) {
		put(p, " <span class=\"req\">");
		put(p, tr(p->un, M_REQUIRED));
		put(p, "</span>");
	}
	put(p, "</legend>\n");

	if (q->show_if_q >= 0 && (size_t)q->show_if_q < p->f->nquestions) {
		const struct snd_question *cq = &p->f->questions[q->show_if_q];
		struct snd_buf vals, ref;
		snd_buf_init(&vals, 0);
		snd_buf_init(&ref, 0);
		for (i = 0; i < q->nshow_if_values; i++) {
			if (i) {
				snd_buf_putc(&vals, ' ');
				snd_buf_puts(&vals, tr(p->un, M_OR));
				snd_buf_putc(&vals, ' ');
			}
			cond_value(p, cq, q->show_if_values[i], &vals);
		}
		snd_buf_puts(&ref, "<a href=\"#q-");
		snd_buf_html(&ref, cq->id);
		snd_buf_printf(&ref, "\">%d</a>", q->show_if_q + 1);
		put(p, "<p class=\"cond\" id=\"q-");
		esc(p, q->id);
		put(p, "-if\">");
		put_msg(p, M_SHOW_IF, vals.data ? vals.data : "", ref.data);
		put(p, "</p>\n");
		snd_buf_free(&vals);
		snd_buf_free(&ref);
	}
	if (help) {
		put(p, "<div class=\"help\" id=\"q-");
		esc(p, q->id);
		put(p, "-help\"");
		put_lang_attrs(p, p->b, &q->help);
		put(p, ">");
		put_paras(p, help, "help-p");
		put(p, "</div>\n");
	}
	if (hint) {
		put(p, "<p class=\"hint\" id=\"q-");
		esc(p, q->id);
		put(p, "-hint\">");
		switch (q->type) {
		case SND_Q_MULTI:
			snprintf(a1, sizeof a1, "%d", q->min);
			snprintf(a2, sizeof a2, "%d", q->max);
			if (q->min == q->max)
				put_msg(p, M_CHOOSE_EXACTLY, a1, NULL);
			else if (q->min <= 0)
				put_msg(p, M_CHOOSE_UP_TO, a2, NULL);
			else if ((size_t)q->max >= q->noptions)
				put_msg(p, M_CHOOSE_AT_LEAST, a1, NULL);
			else
				put_msg(p, M_CHOOSE_BETWEEN, a1, a2);
			break;
		case SND_Q_RANK:
			put_msg(p, M_RANK_HINT, NULL, NULL);
			snprintf(a1, sizeof a1, "%d", q->min);
			snprintf(a2, sizeof a2, "%d", q->max);
			if (q->min > 1) {
				put(p, " ");
				put_msg(p, M_RANK_AT_LEAST, a1, NULL);
			}
			if (q->max > 0 && (size_t)q->max < q->noptions) {
				put(p, " ");
				put_msg(p, M_RANK_AT_MOST, a2, NULL);
			}
			break;
		case SND_Q_NUMBER:
			fmt_number(q->nmin, a1);
			fmt_number(q->nmax, a2);
			if (isfinite(q->nmin) && isfinite(q->nmax))
				put_msg(p, q->integer ? M_WHOLE_RANGE : M_NUM_RANGE, a1, a2);
			else {
				if (q->integer)
					put_msg(p, M_WHOLE, NULL, NULL);
				if (isfinite(q->nmin)) {
					put(p, q->integer ? " " : "");
					put_msg(p, M_NUM_MIN, a1, NULL);
				} else if (isfinite(q->nmax)) {
					put(p, q->integer ? " " : "");
					put_msg(p, M_NUM_MAX, a2, NULL);
				}
			}
			break;
		case SND_Q_TEXT:
			snprintf(a1, sizeof a1, "%zu", q->max_length ? q->max_length : 2000);
			put_msg(p, M_MAX_CHARS, a1, NULL);
			break;
		default:
			break;
		}
		put(p, "</p>\n");
	}
	if (c.err) {
		put(p, "<p class=\"field-error\" id=\"q-");
		esc(p, q->id);
		put(p, "-err\"><span class=\"err-prefix\">");
		put(p, tr(p->un, M_ERR_PREFIX));
		put(p, "</span> ");
		error_text(p, c.err);
		put(p, "</p>\n");
	}

	switch (q->type) {
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
		r_single_multi(p, &c, t);
		break;
	case SND_Q_SCALE:
		r_scale(p, &c, t);
		break;
	case SND_Q_MATRIX:
		r_matrix(p, &c, t);
		break;
	case SND_Q_RANK:
		r_rank(p, &c);
		break;
	case SND_Q_POSITION:
		r_position(p, &c);
		break;
	case SND_Q_NUMBER:
		r_number(p, &c);
		break;
	case SND_Q_TEXT:
		r_text(p, &c);
		break;
	default:
		break;
	}
	put(p, "</fieldset>\n");
}

/* The form page's questions as they are before anything is answered, each
 * rendered once per (form, language) and reused on every page where that
 * question is unanswered and has no error: r_question depends on nothing
 * else (the answer it shows is answers[q->id] alone), so the bytes are the
 * same as rendering it again.  A new delegate's page is all of these; a
 * returning one's is these plus what they answered.  Keyed by the form's
 * source_hash (a form parsed again from the same text gives the same
 * bytes; a freed form's address is never trusted) and language index.
 * At most QCACHE_SLOTS entries, kept for the life of the process (past
 * that, pages render every question); entries are immutable once
 * published, so readers use them without the lock. */
#define QCACHE_SLOTS 32

struct qcache {
	char hash[65];
	int lang;
	size_t n;           /* questions */
	size_t *off;        /* n + 1 offsets into html */
	char *html;
};

static pthread_mutex_t qcache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct qcache *qcache[QCACHE_SLOTS];
static int qcache_disabled; /* test_pages renders both ways to compare */

static struct qcache *qcache_find(const struct snd_form *f, int lang)
{
	struct qcache *qc = NULL;
	size_t i;
	pthread_mutex_lock(&qcache_lock);
	for (i = 0; i < QCACHE_SLOTS && qcache[i] != NULL; i++)
		if (qcache[i]->lang == lang && strcmp(qcache[i]->hash, f->source_hash) == 0) {
			qc = qcache[i];
			break;
		}
	pthread_mutex_unlock(&qcache_lock);
	return qc;
}

static void qcache_free(struct qcache *qc)
{
	if (qc != NULL) {
		free(qc->off);
		free(qc->html);
		free(qc);
	}
}

/* The entry of (p->f, p->lang), rendered and published on first use; NULL
 * when the table is full or memory is short (the caller renders). */
static const struct qcache *qcache_get(const struct pg *p)
{
	const struct snd_form *f = p->f;
	struct qcache *qc, *won = NULL;
	struct snd_buf b, t;
	struct pg q;
	size_t i;

	if (qcache_disabled || f->source_hash[0] == '\0')
		return NULL;
	if ((qc = qcache_find(f, p->lang)) != NULL)
		return qc;
	/* render outside the lock; another thread may do the same meanwhile */
	if ((qc = calloc(1, sizeof *qc)) == NULL ||
	    (qc->off = malloc((f->nquestions + 1) * sizeof *qc->off)) == NULL) {
		qcache_free(qc);
		return NULL;
	}
	snd_buf_init(&b, 0);
	snd_buf_init(&t, 0);
	q = *p;
	q.b = &b;
	for (i = 0; i < f->nquestions; i++) {
		qc->off[i] = b.len;
		r_question(&q, i, NULL, NULL, &t);
	}
	qc->off[f->nquestions] = b.len;
	snd_buf_free(&t);
	if (b.failed || (qc->html = snd_buf_steal(&b, &i)) == NULL) {
		snd_buf_free(&b);
		qcache_free(qc);
		return NULL;
	}
	snprintf(qc->hash, sizeof qc->hash, "%s", f->source_hash);
	qc->lang = p->lang;
	qc->n = f->nquestions;
	pthread_mutex_lock(&qcache_lock);
	for (i = 0; i < QCACHE_SLOTS; i++) {
		if (qcache[i] == NULL) {
			qcache[i] = qc;
			won = qc;
			break;
		}
		if (qcache[i]->lang == qc->lang && strcmp(qcache[i]->hash, qc->hash) == 0) {
			won = qcache[i]; /* the other thread's */
			break;
		}
	}
	pthread_mutex_unlock(&qcache_lock);
	if (won != qc)
		qcache_free(qc); /* a duplicate, or the table is full */
	return won;
}

/* The summary at the top of a 422 page: a heading, "nothing saved", and a
 * link per error to its field.  role=alert makes readers announce it. */
static void error_summary(struct pg *p, const struct snd_diag *errs)
{
	size_t i;
	if (errs == NULL || errs->n == 0)
		return;
	put(p, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-h\" "
	       "tabindex=\"-1\" id=\"error-summary\">\n<h2 id=\"error-summary-h\">");
	put(p, tr(p->un, M_ERR_HEAD));
	put(p, "</h2>\n<p>");
	put(p, tr(p->un, M_ERR_NOT_SAVED));
	put(p, "</p>\n<ul>\n");
	for (i = 0; i < errs->n; i++) {
		const char *where = errs->items[i].where ? errs->items[i].where : "";
		int qi = snd_form_question(p->f, where);
		put(p, "<li>");
		if (qi >= 0) {
			const struct snd_question *q = &p->f->questions[qi];
			char id[240];
			first_control_id(q, id, sizeof id);
			put(p, "<a href=\"#");
			esc(p, id);
			snd_buf_printf(p->b, "\"><span class=\"qnum\">%d.</span> ", qi + 1);
			put_lbl(p, p->b, &q->text);
			put(p, "</a>: ");
		}
		error_text(p, errs->items[i].msg);
		put(p, "</li>\n");
	}
	put(p, "</ul>\n</div>\n");
}

void page_form(struct snd_buf *out, const struct page_req *r, const cJSON *answers,
               const struct snd_diag *errs, int64_t rev)
{
	const struct snd_form *f = r->form;
	const struct qcache *qc;
	struct pg p;
	struct snd_buf t;
	struct snd_window win;
	char when[40], num[32];
	size_t s, i;

	pg_init(&p, out, f, r->lang);
	qc = qcache_get(&p);
	snd_buf_init(&t, 0);
	/* "Error: ..." in the title is the first thing a screen reader says
	 * after a failed submission. */
	if (errs && errs->n > 0) {
		snd_buf_puts(&t, tr(p.un, M_ERR_PREFIX));
		snd_buf_putc(&t, ' ');
	}
	snd_buf_puts(&t, lbl(&p, &f->title));
	page_open(&p, t.data, "page-form", 0);
	put(&p, "<a class=\"skip\" href=\"#questions\">");
	put(&p, tr(p.un, M_SKIP));
	put(&p, "</a>\n<header class=\"top\">\n");
	lang_nav(&p, NULL);
	put(&p, "</header>\n<main id=\"main\">\n<h1>");
	put_lbl(&p, out, &f->title);
	put(&p, "</h1>\n");
	draft_notice(&p);
	if (rev > 0) {
		snprintf(num, sizeof num, "%lld", (long long)rev);
		put(&p, "<p class=\"notice saved\" role=\"status\">");
		put_msg(&p, M_SAVED, num, NULL);
		put(&p, "</p>\n");
	}
	snd_form_window(f, &win);
	if (r->has_window)
		win = r->window;
	if (win.has_closes) {
		fmt_time(win.closes, T_DATE_HM, when, sizeof when);
		put(&p, "<p class=\"closes\">");
		if (r->now >= win.closes) {
			put_msg(&p, M_CLOSED, NULL, NULL);
		} else {
			put_msg(&p, M_CLOSES, when, NULL);
			if (r->now > 0 && win.closes - r->now < 86400) {
				put(&p, " <strong>");
				put_msg(&p, M_CLOSES_SOON, NULL, NULL);
				put(&p, "</strong>");
			}
		}
		put(&p, "</p>\n");
	}
	if (r->sub) {
		struct snd_buf e2;
		snd_buf_init(&e2, 0);
		put(&p, "<p class=\"who\">");
		/* <bdi>: a Latin id inside Arabic text (or the reverse) must not
		 * reorder the sentence around it. */
		snd_buf_reset(&t);
		snd_buf_puts(&t, "<bdi>");
		snd_buf_html(&t, r->sub);
		snd_buf_puts(&t, "</bdi>");
		if (r->ent) {
			snd_buf_puts(&e2, "<bdi>");
			snd_buf_html(&e2, r->ent);
			snd_buf_puts(&e2, "</bdi>");
			put_msg(&p, M_ANSWERING_AS, t.data, e2.data);
		} else {
			put_msg(&p, M_ANSWERING_AS1, t.data, NULL);
		}
		put(&p, "</p>\n");
		snd_buf_free(&e2);
	}
	if (lbl(&p, &f->intro)) {
		put(&p, "<div class=\"intro\"");
		put_lang_attrs(&p, out, &f->intro);
		put(&p, ">");
		put_paras(&p, lbl(&p, &f->intro), "intro-p");
		put(&p, "</div>\n");
	}
	error_summary(&p, errs);

	put(&p, "<form method=\"post\" action=\"/q/");
	put_url_part(out, f->id);
	put(&p, "\" id=\"questions\" class=\"questionnaire\" novalidate>\n<input type=\"hidden\" "
	        "name=\"_csrf\" value=\"");
	esc(&p, r->csrf);
	put(&p, "\">\n<input type=\"hidden\" name=\"_lang\" value=\"");
	esc(&p, p.code);
	put(&p, "\">\n");
	for (s = 0; s < f->nsections; s++) {
		const struct snd_section *sec = &f->sections[s];
		put(&p, "<section class=\"sec\" id=\"s-");
		esc(&p, sec->id);
		put(&p, "\" aria-labelledby=\"s-");
		esc(&p, sec->id);
		put(&p, "-h\">\n<h2 id=\"s-");
		esc(&p, sec->id);
		put(&p, "-h\">");
		put_lbl(&p, out, &sec->title);
		put(&p, "</h2>\n");
		if (lbl(&p, &sec->intro)) {
			put(&p, "<div class=\"sec-intro\"");
			put_lang_attrs(&p, out, &sec->intro);
			put(&p, ">");
			put_paras(&p, lbl(&p, &sec->intro), "intro-p");
			put(&p, "</div>\n");
		}
		for (i = sec->first; i < sec->first + sec->count && i < f->nquestions; i++) {
			const char *qid = f->questions[i].id;
			if (qc != NULL && jget(answers, qid) == NULL &&
			    (errs == NULL || snd_diag_find(errs, qid) == NULL))
				snd_buf_append(out, qc->html + qc->off[i], qc->off[i + 1] - qc->off[i]);
			else
				r_question(&p, i, answers, errs, &t);
		}
		put(&p, "</section>\n");
	}
	put(&p, "<div class=\"actions\"><button type=\"submit\" class=\"primary\">");
	put(&p, tr(p.un, M_SUBMIT));
	put(&p, "</button></div>\n</form>\n</main>\n");
	page_close(&p);
	snd_buf_free(&t);
}

/* ------------------------------------------------------------ the receipt */

/* The chosen options of a multi (tag "ul") or a rank, in order ("ol"), by
 * their labels; an id the form does not know is shown escaped. */
static void option_list(struct pg *p, const struct snd_question *q, const cJSON *a,
                        const char *tag)
{
	const cJSON *e;
	put(p, "<");
	put(p, tag);
	put(p, ">");
	cJSON_ArrayForEach(e, a) {
		const struct snd_option *o;
		if (!cJSON_IsString(e))
			continue;
		o = find_opt(q->options, q->noptions, e->valuestring);
		put(p, "<li>");
		if (o)
			put_lbl(p, p->b, &o->label);
		else
			esc(p, e->valuestring);
		put(p, "</li>");
	}
	put(p, "</");
	put(p, tag);
	put(p, ">");
}

/* One answer in words, with the form's labels (what the delegate chose,
 * not the ids that were stored). */
static void answer_text(struct pg *p, const struct snd_question *q, const cJSON *a)
{
	char n[48];
	switch (q->type) {
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
		if (cJSON_IsString(a)) {
			const struct snd_option *o = find_opt(q->options, q->noptions, a->valuestring);
			if (o)
				put_lbl(p, p->b, &o->label);
			else
				esc(p, a->valuestring);
		} else if (cJSON_IsArray(a)) {
			option_list(p, q, a, "ul");
		}
		break;
	case SND_Q_SCALE:
		if (cJSON_IsNumber(a)) {
			struct snd_buf t;
			snd_buf_init(&t, 0);
			point_text(p, q, (int)a->valuedouble, &t);
			put(p, t.data);
			snd_buf_free(&t);
		} else {
			put(p, tr(p->un, M_NO_VIEW));
		}
		break;
	case SND_Q_MATRIX: {
		size_t r;
		put(p, "<ul>");
		for (r = 0; r < q->nrows; r++) {
			const cJSON *v = jget(a, q->rows[r].id);
			if (v == NULL)
				continue;
			put(p, "<li>");
			put_lbl(p, p->b, &q->rows[r].label);
			put(p, ": ");
			if (cJSON_IsNumber(v)) {
				struct snd_buf t;
				snd_buf_init(&t, 0);
				point_text(p, q, (int)v->valuedouble, &t);
				put(p, t.data);
				snd_buf_free(&t);
			} else {
				put(p, tr(p->un, M_NO_VIEW));
			}
			put(p, "</li>");
		}
		put(p, "</ul>");
		break;
	}
	case SND_Q_RANK:
		option_list(p, q, a, "ol");
		break;
	case SND_Q_POSITION: {
		int pi = pos_index(jstr(a, "position"));
		const char *reason = jstr(a, "reason");
		put(p, "<strong>");
		if (pi >= 0)
			put(p, tr(p->un, pos_msg[pi]));
		else
			esc(p, jstr(a, "position"));
		put(p, "</strong>");
		if (reason && reason[0]) {
			put(p, "<br><span class=\"label\">");
			put(p, tr(p->un, M_REASON_SHORT));
			put(p, ":</span> <span class=\"free\" dir=\"auto\">");
			esc(p, reason);
			put(p, "</span>");
		}
		break;
	}
	case SND_Q_NUMBER:
		if (cJSON_IsNumber(a)) {
			fmt_number(a->valuedouble, n);
			put(p, n);
		}
		break;
	case SND_Q_TEXT:
		put(p, "<span class=\"free\" dir=\"auto\">");
		esc(p, cJSON_IsString(a) ? a->valuestring : NULL);
		put(p, "</span>");
		break;
	default:
		break;
	}
}

void page_receipt(struct snd_buf *out, const struct page_req *r, int64_t rev,
                  const char *hash, const char *receipt, const cJSON *answers,
                  int64_t submitted_at_ms)
{
	const struct snd_form *f = r->form;
	struct pg p;
	char when[40], num[32];
	size_t i, shown = 0;

	pg_init(&p, out, f, r->lang);
	page_open(&p, tr(p.un, M_RECEIPT_TITLE), "page-receipt", 0);
	put(&p, "<header class=\"top\">\n");
	lang_nav(&p, NULL);
	put(&p, "</header>\n<main id=\"main\">\n<p class=\"form-title\">");
	esc(&p, lbl(&p, &f->title));
	put(&p, "</p>\n<h1>");
	put(&p, tr(p.un, M_RECEIPT_TITLE));
	put(&p, "</h1>\n<p class=\"notice saved\">");
	snprintf(num, sizeof num, "%lld", (long long)rev);
	fmt_time(submitted_at_ms / 1000, T_DATE_HMS, when, sizeof when);
	put_msg(&p, M_RECEIPT_LINE, num, when);
	put(&p, "</p>\n<p><a class=\"button secondary\" href=\"/q/");
	put_url_part(out, f->id);
	put(&p, "?lang=");
	put_url_part(out, p.code);
	put(&p, "\">");
	put(&p, tr(p.un, M_EDIT));
	put(&p, "</a></p>\n");

	put(&p, "<section aria-labelledby=\"recorded-h\">\n<h2 id=\"recorded-h\">");
	put(&p, tr(p.un, M_WHAT_RECORDED));
	put(&p, "</h2>\n<dl class=\"answers\">\n");
	for (i = 0; i < f->nquestions; i++) {
		const struct snd_question *q = &f->questions[i];
		const cJSON *a = jget(answers, q->id);
		if (a == NULL)
			continue;
		shown++;
		snd_buf_printf(out, "<dt><span class=\"qnum\">%zu.</span> ", i + 1);
		put_lbl(&p, out, &q->text);
		put(&p, "</dt>\n<dd>");
		answer_text(&p, q, a);
		put(&p, "</dd>\n");
	}
	put(&p, "</dl>\n");
	if (shown == 0) {
		put(&p, "<p>");
		put(&p, tr(p.un, M_NOTHING_ANSWERED));
		put(&p, "</p>\n");
	}
	put(&p, "</section>\n");

	put(&p, "<section aria-labelledby=\"receipt-h\">\n<h2 id=\"receipt-h\">");
	put(&p, tr(p.un, M_YOUR_RECEIPT));
	put(&p, "</h2>\n<dl class=\"facts\">\n<div><dt>");
	put(&p, tr(p.un, M_REVISION));
	snd_buf_printf(out, "</dt><dd>%s</dd></div>\n<div><dt>", num);
	put(&p, tr(p.un, M_TIME_UTC));
	put(&p, "</dt><dd>");
	put(&p, when);
	put(&p, "</dd></div>\n<div><dt>");
	put(&p, tr(p.un, M_HASH));
	put(&p, "</dt><dd><code class=\"hash\">");
	esc(&p, hash);
	put(&p, "</code></dd></div>\n</dl>\n<label for=\"receipt-token\" class=\"block\">");
	put(&p, tr(p.un, M_TOKEN));
	put(&p, "</label>\n<textarea id=\"receipt-token\" class=\"token\" readonly rows=\"4\" "
	        "spellcheck=\"false\" data-copy-label=\"");
	put(&p, tr(p.un, M_COPY));
	put(&p, "\" data-copied-label=\"");
	put(&p, tr(p.un, M_COPIED));
	put(&p, "\">");
	esc(&p, receipt);
	put(&p, "</textarea>\n<p>");
	put(&p, tr(p.un, M_RECEIPT_KEEP));
	put(&p, "</p>\n<pre><code>collector token verify --pub receipt.public ");
	esc(&p, receipt);
	put(&p, "</code></pre>\n<p>");
	put(&p, tr(p.un, M_RECEIPT_HASH));
	put(&p, "</p>\n</section>\n</main>\n");
	page_close(&p);
}

/* ------------------------------------------------------------ message page */

void page_message(struct snd_buf *out, const struct snd_form *f, int lang, int status,
                  const char *title, const char *message)
{
	struct pg p;
	pg_init(&p, out, f, lang);
	page_open(&p, title, "page-message", 0);
	put(&p, "<main id=\"main\">\n");
	if (f) {
		put(&p, "<p class=\"form-title\">");
		esc(&p, lbl(&p, &f->title));
		put(&p, "</p>\n");
	}
	/* The server's titles and messages are English (http.c, routes.c): on
	 * a page in another language they are marked so, to be read and laid
	 * out as English rather than as, say, Arabic. */
	if (p.un != UN_EN)
		put(&p, "<div class=\"msg\" lang=\"en\" dir=\"ltr\">\n");
	put(&p, "<h1>");
	esc(&p, title);
	put(&p, "</h1>\n");
	if (message && message[0])
		put_paras(&p, message, "message");
	if (p.un != UN_EN)
		put(&p, "</div>\n");
	if (status > 0)
		snd_buf_printf(out, "<p class=\"status-code\">HTTP %d</p>\n", status);
	put(&p, "</main>\n");
	page_close(&p);
}

/* --------------------------------------------------------- chair dashboard */

static void turnout_table(struct pg *p, const cJSON *by, const char *key, enum msg caption)
{
	const cJSON *grp = jget(by, key), *e;
	char a[40], b[40];
	if (!cJSON_IsObject(grp) || grp->child == NULL)
		return;
	/* A box that may scroll sideways (a phone) takes the keyboard focus so
	 * it can be scrolled without a mouse; as a group, it is named. */
	put(p, "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"");
	put(p, tr(p->un, caption));
	put(p, "\"><table class=\"data\"><caption>");
	put(p, tr(p->un, caption));
	put(p, "</caption><thead><tr><th scope=\"col\">");
	put(p, tr(p->un, M_GROUP));
	put(p, "</th><th scope=\"col\">");
	put(p, tr(p->un, M_DELEGATES));
	put(p, "</th><th scope=\"col\">");
	put(p, tr(p->un, M_ENTITIES));
	put(p, "</th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(e, grp) {
		fmt_count(jnum(e, "delegates"), a);
		fmt_count(jnum(e, "entities"), b);
		put(p, "<tr><th scope=\"row\">");
		esc(p, e->string);
		snd_buf_printf(p->b, "</th><td>%s</td><td>%s</td></tr>\n", a, b);
	}
	put(p, "</tbody></table></div>\n");
}

static void turnout(struct pg *p, const cJSON *t)
{
	const cJSON *by = jget(t, "by");
	char a[40], b[40];
	fmt_count(jnum(t, "delegates"), a);
	fmt_count(jnum(t, "entities"), b);
	put(p, "<section class=\"turnout\" aria-labelledby=\"turnout-h\">\n<h2 id=\"turnout-h\">");
	put(p, tr(p->un, M_TURNOUT));
	put(p, "</h2>\n<div class=\"stats\"><p class=\"stat\"><span class=\"stat-n\">");
	put(p, a);
	put(p, "</span> <span class=\"stat-l\">");
	put(p, tr(p->un, M_DELEGATES));
	put(p, "</span></p><p class=\"stat\"><span class=\"stat-n\">");
	put(p, b);
	put(p, "</span> <span class=\"stat-l\">");
	put(p, tr(p->un, M_ENTITIES));
	put(p, "</span></p></div>\n<div class=\"tgrid\">\n");
	turnout_table(p, by, "category", M_BY_CATEGORY);
	turnout_table(p, by, "sg", M_BY_SG);
	turnout_table(p, by, "region", M_BY_REGION);
	put(p, "</div>\n</section>\n");
}

struct prop {
	const cJSON *qs;
	int qi;          /* form index, -1 when the form does not know it */
	size_t order;    /* summary order: the final tie-break, so sorting is stable */
	double object, share;
};

static int prop_cmp(const void *a, const void *b)
{
	const struct prop *x = a, *y = b;
	if (x->object != y->object)
		return x->object < y->object ? -1 : 1;
	if (x->share != y->share)
		return x->share > y->share ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void prop_title(struct pg *p, const struct prop *pr)
{
	if (pr->qi >= 0)
		put_lbl(p, p->b, &p->f->questions[pr->qi].text);
	else
		esc(p, jstr(pr->qs, "id"));
}

static void view_query(struct snd_buf *q, const char *by, enum snd_weight weight, char first);

/* The query of a link to a question's full list of objections or
 * comments (page_chair_list), keeping the view: URL-encoded, not yet
 * HTML-escaped.  group may be NULL; page <= 1 is left out. */
static void list_href(struct snd_buf *o, const struct pg *p, const char *qid, const char *by,
                      enum snd_weight weight, const char *group, long page)
{
	snd_buf_puts(o, "?list=");
	put_url_part(o, qid);
	snd_buf_puts(o, "&lang=");
	put_url_part(o, p->code);
	view_query(o, by, weight, '&');
	if (group) {
		snd_buf_puts(o, "&group=");
		put_url_part(o, group);
	}
	if (page > 1)
		snd_buf_printf(o, "&page=%ld", page);
}

/* "Shown: N of M" under a capped list, and the link to all M. */
static void more_note(struct pg *p, size_t shown, size_t total, const char *href)
{
	char a[32], b[32];
	snprintf(a, sizeof a, "%zu", shown);
	snprintf(b, sizeof b, "%zu", total);
	put(p, "<p class=\"more\">");
	put_msg(p, p->f->anonymity == SND_PSEUDONYMOUS ? M_SHOWN_OF_PSEUDO : M_SHOWN_OF, a, b);
	put(p, " <a href=\"");
	esc(p, href);
	put(p, "\">");
	put_msg(p, M_SEE_ALL, b, NULL);
	put(p, "</a></p>\n");
}

/* One objection or comment of the chair's lists: the entity (or "not
 * shown"), then the text, each isolated so right-to-left text cannot
 * reorder the line around it. */
static void chair_item(struct pg *p, const cJSON *o, const char *text_key)
{
	const char *ent = jstr(o, "entity"), *text = jstr(o, text_key);
	put(p, "<li><bdi class=\"ent\">");
	if (ent)
		esc(p, ent);
	else
		put(p, tr(p->un, M_ENTITY_HIDDEN));
	put(p, "</bdi>: <bdi class=\"free\" dir=\"auto\">");
	esc(p, text);
	put(p, "</bdi></li>\n");
}

/* The proposals (position questions) of one question list, fewest
 * objections first, then by share of support, then in form order.  With
 * v, each proposal's objections follow, at most v->list_max of them. */
static void consensus_table(struct pg *p, const cJSON *questions, const char *hid,
                            const struct chair_view *v)
{
	const cJSON *qs;
	struct prop *pr = NULL;
	size_t n = 0, cap = 0, i;
	int k;

	cJSON_ArrayForEach(qs, questions) {
		const char *type = jstr(qs, "type");
		double answered;
		if (type == NULL || strcmp(type, "position") != 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct prop *np = realloc(pr, nc * sizeof *np);
			if (np == NULL)
				break;
			pr = np;
			cap = nc;
		}
		answered = jnum(qs, "answered");
		pr[n].qs = qs;
		pr[n].qi = jstr(qs, "id") ? snd_form_question(p->f, jstr(qs, "id")) : -1;
		pr[n].order = n;
		pr[n].object = jnum(qs, "object");
		pr[n].share = answered > 0 ? jnum(qs, "support") / answered : 0;
		n++;
	}
	if (n == 0) {
		put(p, "<p class=\"none\">");
		put(p, tr(p->un, M_NO_PROPOSALS));
		put(p, "</p>\n");
		free(pr);
		return;
	}
	qsort(pr, n, sizeof *pr, prop_cmp);

	put(p, "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"");
	put(p, tr(p->un, M_CONS_HEAD));
	put(p, "\"><table class=\"data consensus\"");
	if (hid) {
		put(p, " aria-describedby=\"");
		esc(p, hid);
		put(p, "\"");
	}
	put(p, "><thead><tr><th scope=\"col\">");
	put(p, tr(p->un, M_PROPOSAL));
	put(p, "</th>");
	for (k = 0; k < SND_POS__MAX; k++) {
		snd_buf_printf(p->b, "<th scope=\"col\" class=\"pos-%s\">", snd_position_names[k]);
		put(p, tr(p->un, pos_msg[k]));
		put(p, "</th>");
	}
	put(p, "<th scope=\"col\">");
	put(p, tr(p->un, M_SUPPORT_SHARE));
	put(p, "</th><th scope=\"col\">");
	put(p, tr(p->un, M_CONSENSUS));
	put(p, "</th></tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		char a[40];
		int yes = jget(pr[i].qs, "consensus") ? cJSON_IsTrue(jget(pr[i].qs, "consensus"))
		                                     : (jnum(pr[i].qs, "answered") > 0 && pr[i].object == 0);
		put(p, "<tr><th scope=\"row\">");
		prop_title(p, &pr[i]);
		put(p, "</th>");
		for (k = 0; k < SND_POS__MAX; k++) {
			fmt_count(jnum(pr[i].qs, snd_position_names[k]), a);
			snd_buf_printf(p->b, "<td>%s</td>", a);
		}
		snd_buf_printf(p->b, "<td>%.0f%%</td><td class=\"%s\">", pr[i].share * 100.0,
		               yes ? "cons-yes" : "cons-no");
		put(p, tr(p->un, yes ? M_YES : M_NO));
		put(p, "</td></tr>\n");
	}
	put(p, "</tbody></table></div>\n");

	if (v != NULL) {
		int any = 0;
		for (i = 0; i < n; i++) {
			const cJSON *objs = jget(pr[i].qs, "objections"), *o;
			size_t shown = 0, total = 0;
			if (!cJSON_IsArray(objs) || objs->child == NULL)
				continue;
			if (!any) {
				put(p, "<h3>");
				put(p, tr(p->un, M_OBJECTIONS));
				put(p, "</h3>\n");
				any = 1;
			}
			put(p, "<div class=\"objection-block\"><h4>");
			prop_title(p, &pr[i]);
			put(p, "</h4><ul class=\"objections\">\n");
			cJSON_ArrayForEach(o, objs) {
				if (v->list_max == 0 || shown < v->list_max) {
					chair_item(p, o, "reason");
					shown++;
				}
				total++;
			}
			put(p, "</ul>");
			if (shown < total) {
				struct snd_buf href;
				snd_buf_init(&href, 0);
				list_href(&href, p, jstr(pr[i].qs, "id") ? jstr(pr[i].qs, "id") : "", v->by,
				          v->weight, NULL, 0);
				put(p, "\n");
				more_note(p, shown, total, href.data ? href.data : "");
				snd_buf_free(&href);
			}
			put(p, "</div>\n");
		}
		if (!any) {
			put(p, "<p class=\"none\">");
			put(p, tr(p->un, M_NO_OBJECTIONS));
			put(p, "</p>\n");
		}
	}
	free(pr);
}

static const struct {
	const char *attr;
	enum msg name;
} by_attrs[] = {
	{ "category", M_A_CATEGORY }, { "sg", M_A_SG }, { "region", M_A_REGION }, { "entity", M_A_ENTITY },
};

/* The breakdown attribute's name in the page language (escaped into o). */
static void attr_name(struct snd_buf *o, int un, const char *by)
{
	size_t i;
	for (i = 0; i < sizeof by_attrs / sizeof by_attrs[0]; i++)
		if (strcmp(by, by_attrs[i].attr) == 0) {
			snd_buf_puts(o, tr(un, by_attrs[i].name));
			return;
		}
	snd_buf_html(o, by);
}

/* The query string that keeps the current view (by, weight), URL-encoded
 * but not yet HTML-escaped. */
static void view_query(struct snd_buf *q, const char *by, enum snd_weight weight, char first)
{
	char sep = first;
	if (by && by[0]) {
		snd_buf_putc(q, sep);
		snd_buf_puts(q, "by=");
		put_url_part(q, by);
		sep = '&';
	}
	if (weight == SND_WEIGHT_ENTITY) {
		snd_buf_putc(q, sep);
		snd_buf_puts(q, "weight=entity");
	}
}

static void chair_controls(struct pg *p, const char *by, enum snd_weight weight)
{
	size_t i;
	int known = by == NULL || by[0] == 0;
	put(p, "<form method=\"get\" class=\"controls\">\n<fieldset><legend>");
	put(p, tr(p->un, M_VIEW));
	put(p, "</legend>\n<div class=\"control\"><label for=\"by\">");
	put(p, tr(p->un, M_BREAK_DOWN));
	put(p, "</label> <select id=\"by\" name=\"by\"><option value=\"\"");
	put(p, known ? " selected>" : ">");
	put(p, tr(p->un, M_NO_BREAKDOWN));
	put(p, "</option>");
	for (i = 0; i < sizeof by_attrs / sizeof by_attrs[0]; i++) {
		int sel = by && strcmp(by, by_attrs[i].attr) == 0;
		known |= sel;
		snd_buf_printf(p->b, "<option value=\"%s\"%s>", by_attrs[i].attr, sel ? " selected" : "");
		put(p, tr(p->un, by_attrs[i].name));
		put(p, "</option>");
	}
	if (!known) {
		/* Any delegate attribute works (?by=hod); keep the one asked for. */
		put(p, "<option value=\"");
		esc(p, by);
		put(p, "\" selected>");
		esc(p, by);
		put(p, "</option>");
	}
	put(p, "</select></div>\n<div class=\"control\"><label for=\"weight\">");
	put(p, tr(p->un, M_WEIGHT));
	snd_buf_printf(p->b, "</label> <select id=\"weight\" name=\"weight\"><option value=\"delegate\"%s>",
	               weight == SND_WEIGHT_DELEGATE ? " selected" : "");
	put(p, tr(p->un, M_W_DELEGATE));
	snd_buf_printf(p->b, "</option><option value=\"entity\"%s>",
	               weight == SND_WEIGHT_ENTITY ? " selected" : "");
	put(p, tr(p->un, M_W_ENTITY));
	put(p, "</option></select></div>\n<input type=\"hidden\" name=\"lang\" value=\"");
	esc(p, p->code);
	put(p, "\">\n<button type=\"submit\">");
	put(p, tr(p->un, M_SHOW));
	put(p, "</button>\n</fieldset>\n</form>\n");
}

static void chair_downloads(struct pg *p, const char *by, enum snd_weight weight)
{
	struct snd_buf q, url;
	snd_buf_init(&q, 0);
	snd_buf_init(&url, 0);
	view_query(&q, by, weight, '?');
	snd_buf_puts(&url, "/api/v1/questionnaires/");
	put_url_part(&url, p->f->id);
	snd_buf_puts(&url, "/summary");
	put(p, "<p class=\"downloads\"><span class=\"label\">");
	put(p, tr(p->un, M_DOWNLOAD));
	put(p, ":</span> <a href=\"");
	esc(p, url.data);
	esc(p, q.data ? q.data : "");
	put(p, "\" type=\"application/json\">");
	put(p, tr(p->un, M_DL_JSON));
	put(p, "</a> <a href=\"");
	esc(p, url.data);
	snd_buf_reset(&q);
	view_query(&q, by, weight, '&');
	put(p, "?format=csv");
	esc(p, q.data ? q.data : "");
	put(p, "\" type=\"text/csv\">");
	put(p, tr(p->un, M_DL_CSV));
	put(p, "</a></p>\n");
	snd_buf_free(&q);
	snd_buf_free(&url);
}

/* When the questionnaire accepts answers, as the collector decides it now
 * (the secretariat's override, if any, else the form's times). */
static void chair_window(struct pg *p, const struct page_req *r)
{
	struct snd_window w;
	char a[40], b[40];

	snd_form_window(r->form, &w);
	if (r->has_window)
		w = r->window;
	put(p, "<p class=\"closes window\">");
	if (w.has_closes && r->now >= w.closes) {
		fmt_time(w.closes, T_DATE_HM, a, sizeof a);
		put_msg(p, M_CLOSED_ON, a, NULL);
	} else if (w.has_opens && r->now < w.opens) {
		if (w.has_closes && w.closes <= w.opens) {
			put_msg(p, M_CLOSED, NULL, NULL);
		} else {
			fmt_time(w.opens, T_DATE_HM, a, sizeof a);
			put_msg(p, M_OPENS_ON, a, NULL);
			if (w.has_closes) {
				fmt_time(w.closes, T_DATE_HM, b, sizeof b);
				put(p, " ");
				put_msg(p, M_CLOSES, b, NULL);
			}
		}
	} else if (w.has_closes) {
		fmt_time(w.closes, T_DATE_HM, a, sizeof a);
		put_msg(p, M_CLOSES, a, NULL);
	} else {
		put_msg(p, M_OPEN_NO_CLOSE, NULL, NULL);
	}
	if (w.overridden && w.set_at_ms > 0) {
		fmt_time(w.set_at_ms / 1000, T_DATE_HM, a, sizeof a);
		put(p, " ");
		put_msg(p, M_WINDOW_SET, a, NULL);
	}
	put(p, "</p>\n");
}

void page_chair_window(struct snd_buf *out, const struct page_req *r)
{
	struct pg p;
	pg_init(&p, out, r->form, r->lang);
	chair_window(&p, r);
}

/* The start of both chair pages, up to the end of the lead paragraph
 * (the "updated" line): head, language switcher (keeping extra, a query
 * suffix), h1. */
static void chair_open(struct pg *p, const struct page_req *r, const char *title_word,
                       const char *extra, int refresh_s)
{
	const struct snd_form *f = r->form;
	struct snd_buf title;
	snd_buf_init(&title, 0);
	snd_buf_puts(&title, title_word);
	snd_buf_puts(&title, " \xe2\x80\x94 ");
	snd_buf_puts(&title, lbl(p, &f->title) ? lbl(p, &f->title) : f->id);
	page_open(p, title.data, "page-chair projector", refresh_s);
	snd_buf_free(&title);
	put(p, "<header class=\"top\">\n");
	lang_nav(p, extra);
	put(p, "</header>\n<main id=\"main\">\n<p class=\"form-title\">");
	put(p, tr(p->un, M_CHAIR));
	put(p, "</p>\n<h1>");
	esc(p, lbl(p, &f->title));
	put(p, "</h1>\n");
}

/* "Updated ... UTC. Responses: N": the time is the tally's, so the same
 * snapshot always gives the same bytes. */
static void chair_updated(struct pg *p, const struct chair_view *v, int refresh_s)
{
	char when[40], a[40];
	put(p, "<p class=\"updated\">");
	/* With the date: a printed copy handed to the plenary must say when. */
	fmt_time(v->tallied_at, T_DATE_HMS, when, sizeof when);
	put_msg(p, M_UPDATED, when, NULL);
	if (refresh_s > 0) {
		snprintf(a, sizeof a, "%d", refresh_s);
		put(p, " <span class=\"refresh-note\">");
		put_msg(p, M_REFRESHES, a, NULL);
		put(p, "</span>");
	}
	fmt_count(jnum(v->summary, "responses"), a);
	put(p, " ");
	put_msg(p, M_RESPONSES, a, NULL);
	put(p, "</p>\n");
}

/* The questions of one summary (all, or one group's), each through
 * snd_report_question_capped with its link to the full list. */
static void chair_questions(struct pg *p, const struct chair_view *v, const cJSON *questions,
                            const char *group)
{
	const cJSON *qs;
	struct snd_buf href;
	snd_buf_init(&href, 0);
	cJSON_ArrayForEach(qs, questions) {
		snd_buf_reset(&href);
		list_href(&href, p, jstr(qs, "id") ? jstr(qs, "id") : "", v->by, v->weight, group, 0);
		snd_report_question_capped(p->b, p->f, p->lang, qs, v->list_max,
		                           href.failed ? NULL : href.data);
	}
	snd_buf_free(&href);
}

void page_chair(struct snd_buf *out, const struct page_req *r, const struct chair_view *v)
{
	const struct snd_form *f = r->form;
	const cJSON *summary = v->summary;
	const cJSON *questions = jget(summary, "questions"), *groups = jget(summary, "groups");
	const char *by = v->by;
	struct pg p;
	struct snd_buf extra;
	char a[40];
	int gi = 0;

	pg_init(&p, out, f, r->lang);
	snd_buf_init(&extra, 0);
	view_query(&extra, by, v->weight, '&');
	chair_open(&p, r, tr(p.un, M_CHAIR), extra.data, v->refresh_s);
	chair_controls(&p, by, v->weight);
	chair_downloads(&p, by, v->weight);

	/* #live is what sounding.js swaps in place from a fresh copy of this
	 * page; everything that changes with new answers lives inside it. */
	put(&p, "<div id=\"live\">\n");
	chair_updated(&p, v, v->refresh_s);
	chair_window(&p, r);
	if (v->turnout)
		turnout(&p, v->turnout);

	put(&p, "<section class=\"proposals\" aria-labelledby=\"cons-h\">\n<h2 id=\"cons-h\">");
	put(&p, tr(p.un, M_CONS_HEAD));
	put(&p, "</h2>\n<p class=\"explain\" id=\"cons-x\">");
	put(&p, tr(p.un, M_CONS_INTRO));
	put(&p, "</p>\n");
	consensus_table(&p, questions, "cons-x", v);
	put(&p, "</section>\n");

	put(&p, "<section class=\"all-questions\" aria-labelledby=\"all-h\">\n<h2 id=\"all-h\">");
	put(&p, tr(p.un, M_ALL_QUESTIONS));
	put(&p, "</h2>\n");
	if (jnum(summary, "responses") <= 0) {
		put(&p, "<p class=\"none\">");
		put(&p, tr(p.un, M_NO_RESPONSES));
		put(&p, "</p>\n");
	}
	chair_questions(&p, v, questions, NULL);
	put(&p, "</section>\n");

	if (cJSON_IsObject(groups) && groups->child && by) {
		const cJSON *g;
		struct snd_buf an;
		snd_buf_init(&an, 0);
		put(&p, "<section class=\"groups\" aria-labelledby=\"groups-h\">\n<h2 id=\"groups-h\">");
		attr_name(&an, p.un, by);
		put_msg(&p, M_BREAKDOWN_BY, an.data, NULL);
		put(&p, "</h2>\n");
		/* <details> keeps a long breakdown usable without script; the
		 * ids let sounding.js keep open groups open across updates. */
		cJSON_ArrayForEach(g, groups) {
			if (gi == PAGE_CHAIR_GROUPS_MAX)
				break;
			fmt_count(jnum(g, "responses"), a);
			snd_buf_printf(out, "<details class=\"group\" id=\"g-%d\"><summary><span class=\"gname\">", gi++);
			esc(&p, g->string);
			put(&p, "</span> \xc2\xb7 ");
			put_msg(&p, M_RESPONSES, a, NULL);
			put(&p, "</summary>\n");
			consensus_table(&p, jget(g, "questions"), NULL, NULL);
			chair_questions(&p, v, jget(g, "questions"), g->string ? g->string : "");
			put(&p, "</details>\n");
		}
		if (g != NULL) { /* more than PAGE_CHAIR_GROUPS_MAX */
			char b[32];
			size_t ng = 0;
			cJSON_ArrayForEach(g, groups)
				ng++;
			snprintf(a, sizeof a, "%d", PAGE_CHAIR_GROUPS_MAX);
			snprintf(b, sizeof b, "%zu", ng);
			put(&p, "<p class=\"more\">");
			put_msg(&p, M_GROUPS_SHOWN, a, b);
			put(&p, "</p>\n");
		}
		put(&p, "</section>\n");
		snd_buf_free(&an);
	}
	put(&p, "</div>\n</main>\n");
	page_close(&p);
	snd_buf_free(&extra);
}

/* The summary of question qid in questions, or NULL. */
static const cJSON *find_qsum(const cJSON *questions, const char *qid)
{
	const cJSON *qs;
	cJSON_ArrayForEach(qs, questions) {
		const char *id = jstr(qs, "id");
		if (id && strcmp(id, qid) == 0)
			return qs;
	}
	return NULL;
}

int page_chair_list(struct snd_buf *out, const struct page_req *r, const struct chair_view *v,
                    const char *qid, const char *group, long page)
{
	const struct snd_form *f = r->form;
	const cJSON *questions = jget(v->summary, "questions"), *qs, *items, *it;
	const char *key;
	enum msg head, none;
	struct pg p;
	struct snd_buf extra, href;
	size_t total = 0, first, last, i = 0, npages;
	char a[64], b[32];
	int qi;

	if (qid == NULL || (qi = snd_form_question(f, qid)) < 0 || page < 1)
		return -1;
	if (f->questions[qi].type == SND_Q_POSITION) {
		key = "objections";
		head = M_OBJECTIONS;
		none = M_NO_OBJECTIONS;
	} else if (f->questions[qi].type == SND_Q_TEXT) {
		key = "comments";
		head = M_COMMENTS;
		none = M_NO_COMMENTS;
	} else {
		return -1;
	}
	if (group != NULL) {
		const cJSON *g = jget(v->summary, "groups");
		if (v->by == NULL || !cJSON_IsObject(g) ||
		    !cJSON_IsObject(g = cJSON_GetObjectItemCaseSensitive(g, group)))
			return -1;
		questions = jget(g, "questions");
	}
	if ((qs = find_qsum(questions, qid)) == NULL)
		return -1;
	items = jget(qs, key);
	cJSON_ArrayForEach(it, items)
		total++;
	npages = total == 0 ? 1 : (total + PAGE_CHAIR_LIST_PAGE - 1) / PAGE_CHAIR_LIST_PAGE;
	if ((size_t)page > npages)
		return -1;
	first = (size_t)(page - 1) * PAGE_CHAIR_LIST_PAGE;
	last = first + PAGE_CHAIR_LIST_PAGE < total ? first + PAGE_CHAIR_LIST_PAGE : total;

	pg_init(&p, out, f, r->lang);
	snd_buf_init(&extra, 0);
	snd_buf_init(&href, 0);
	/* the switcher's links keep this list: "&list=...", without the lang */
	snd_buf_puts(&extra, "&list=");
	put_url_part(&extra, qid);
	view_query(&extra, v->by, v->weight, '&');
	if (group) {
		snd_buf_puts(&extra, "&group=");
		put_url_part(&extra, group);
	}
	if (page > 1)
		snd_buf_printf(&extra, "&page=%ld", page);
	chair_open(&p, r, tr(p.un, head), extra.data, 0);

	snd_buf_puts(&href, "?lang=");
	put_url_part(&href, p.code);
	view_query(&href, v->by, v->weight, '&');
	put(&p, "<p class=\"back\"><a href=\"");
	esc(&p, href.data);
	put(&p, "\">");
	put(&p, tr(p.un, M_BACK));
	put(&p, "</a></p>\n");
	chair_updated(&p, v, 0);

	put(&p, "<section class=\"full-list\" aria-labelledby=\"list-h\">\n<h2 id=\"list-h\">");
	put(&p, tr(p.un, head));
	put(&p, " \xe2\x80\x94 ");
	put_lbl(&p, out, &f->questions[qi].text);
	put(&p, "</h2>\n");
	if (group) {
		struct snd_buf an;
		snd_buf_init(&an, 0);
		attr_name(&an, p.un, v->by);
		put(&p, "<p class=\"list-group\">");
		put_msg(&p, M_BREAKDOWN_BY, an.data, NULL);
		put(&p, ": <bdi>");
		esc(&p, group);
		put(&p, "</bdi></p>\n");
		snd_buf_free(&an);
	}
	if (total == 0) {
		put(&p, "<p class=\"none\">");
		put(&p, tr(p.un, none));
		put(&p, "</p>\n");
	} else {
		snprintf(a, sizeof a, "%zu\xe2\x80\x93%zu", first + 1, last);
		snprintf(b, sizeof b, "%zu", total);
		put(&p, "<p class=\"list-range\">");
		put_msg(&p, f->anonymity == SND_PSEUDONYMOUS ? M_SHOWN_OF_PSEUDO : M_ITEMS_OF, a, b);
		put(&p, "</p>\n");
		snd_buf_printf(out, "<ol class=\"%s\" start=\"%zu\">\n",
		               head == M_OBJECTIONS ? "objections" : "comments", first + 1);
		cJSON_ArrayForEach(it, items) {
			if (i >= last)
				break;
			if (i++ >= first)
				chair_item(&p, it, head == M_OBJECTIONS ? "reason" : "text");
		}
		put(&p, "</ol>\n");
	}
	if (npages > 1) {
		put(&p, "<nav class=\"pager\" aria-label=\"");
		put(&p, tr(p.un, M_PAGES));
		put(&p, "\"><ul>");
		if (page > 1) {
			snd_buf_reset(&href);
			list_href(&href, &p, qid, v->by, v->weight, group, page - 1);
			put(&p, "<li><a rel=\"prev\" href=\"");
			esc(&p, href.data);
			put(&p, "\">");
			put(&p, tr(p.un, M_PREV));
			put(&p, "</a></li>");
		}
		snprintf(a, sizeof a, "%ld", page);
		snprintf(b, sizeof b, "%zu", npages);
		put(&p, "<li aria-current=\"page\">");
		put_msg(&p, M_PAGE_OF, a, b);
		put(&p, "</li>");
		if ((size_t)page < npages) {
			snd_buf_reset(&href);
			list_href(&href, &p, qid, v->by, v->weight, group, page + 1);
			put(&p, "<li><a rel=\"next\" href=\"");
			esc(&p, href.data);
			put(&p, "\">");
			put(&p, tr(p.un, M_NEXT));
			put(&p, "</a></li>");
		}
		put(&p, "</ul></nav>\n");
	}
	put(&p, "</section>\n</main>\n");
	page_close(&p);
	snd_buf_free(&extra);
	snd_buf_free(&href);
	return 0;
}
