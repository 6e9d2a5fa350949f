/* page_html.c - the HTML writer under every page (page_int.h): a struct pg
 * over a capped buffer, the page skeleton (page_open/page_close), the
 * language switcher and the draft-translation notice, labels in the page's
 * language with their fallbacks marked, chrome messages with holes, and the
 * small formats pages share (URL parts, paragraphs, UTC times, numbers a
 * form posts back).
 *
 * Invariants:
 *   1. Every string that comes from a form, an answer, a summary or a request
 *      passes snd_buf_html (URLs are percent-encoded first, then escaped;
 *      a textarea's editable content passes esc_value, which differs only
 *      in how it neutralises bidi controls).
 *      Only constants (the page files' and the chrome table's) are appended
 *      raw; the chrome table holds none of < > & " (test_pages checks it),
 *      so it needs no escaping.
 *   2. No inline script, no style attribute, no event handler attribute: the
 *      Content-Security-Policy is 'self', and the pages work with JS off.
 *   3. Pure functions of their arguments: no clock (times come in), no
 *      state; the buffer's cap and failure flag are snd_buf's.
 *   4. fmt_number prints the fewest decimals that read back as the same
 *      double, never an exponent: a prefilled field is posted again and must
 *      not change the delegate's answer.
 */
#include "page_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const enum msg pos_msg[SND_POS__MAX] = { M_SUPPORT, M_LIVE_WITH, M_OBJECT, M_ABSTAIN };

/* ---------------------------------------------------------- small helpers */

void pg_init(struct pg *p, struct snd_buf *b, const struct snd_form *f, int lang)
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

/* 1 when the label has no text of its own in the page's language and shows
 * the default language's (form.c copies the default in at load time). */
int is_fallback(const struct pg *p, const struct snd_label *l)
{
	return p->lang > 0 && l != NULL && l->text != NULL && l->text[p->lang] && l->text[0] &&
	       strcmp(l->text[p->lang], l->text[0]) == 0;
}

/* lang and dir attributes for an element holding a fallback text, so an
 * English sentence in an Arabic page is read and laid out as English. */
void put_lang_attrs(struct pg *p, struct snd_buf *o, const struct snd_label *l)
{
	if (!is_fallback(p, l))
		return;
	snd_buf_puts(o, " lang=\"");
	snd_buf_html(o, p->f->languages[0]);
	snd_buf_puts(o, "\" dir=\"auto\"");
}

/* A label, escaped into o; a fallback is wrapped in its own language. */
void put_lbl(struct pg *p, struct snd_buf *o, const struct snd_label *l)
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
void put_msg(struct pg *p, enum msg m, const char *a1, const char *a2)
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

/* Percent-encodes everything but RFC 3986 unreserved characters; the
 * result is then safe in an attribute too. */
void put_url_part(struct snd_buf *b, const char *s)
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

/* Plain text with line breaks kept: blank lines separate <p>s, single
 * newlines become <br>.  Labels are plain text (forms/README.md). */
void put_paras(struct pg *p, const char *text, const char *cls)
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

/* UTC times in the one unambiguous shape every language reads:
 * 2026-02-06 18:00 (no month names to translate). */
void fmt_time(int64_t t, enum tfmt how, char *out, size_t n)
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
void fmt_number(double v, char out[48])
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

const struct snd_option *find_opt(const struct snd_option *o, size_t n, const char *id)
{
	size_t i;
	for (i = 0; id && i < n; i++)
		if (strcmp(o[i].id, id) == 0)
			return &o[i];
	return NULL;
}

int pos_index(const char *name)
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
void page_open(struct pg *p, const char *title, const char *body_class, int refresh_s)
{
	put(p, "<!doctype html>\n<html lang=\"");
	esc(p, p->code);
	snd_buf_printf(p->b, "\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n",
	               is_rtl(p->code) ? "rtl" : "ltr");
	if (refresh_s > 0)
		snd_buf_printf(p->b, "<noscript><meta http-equiv=\"refresh\" content=\"%d\"></noscript>\n",
		               refresh_s);
	/* The header's policy (http_resp.c): same-origin, so the form's post
	 * carries this site's Origin rather than "null".  An empty icon: saves
	 * every page view a request for /favicon.ico. */
	put(p, "<meta name=\"referrer\" content=\"same-origin\">\n"
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

void page_close(struct pg *p)
{
	put(p, "</body>\n</html>\n");
}

/* The language switcher: one link per form language, in its own name.
 * extra is a query suffix ("&by=sg...", already URL-encoded) kept across
 * the switch. */
void lang_nav(struct pg *p, const char *extra)
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

void draft_notice(struct pg *p)
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
