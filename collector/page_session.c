/* page_session.c - the pages of the session and its limits: the question
 * asked before a personal link replaces another session in the browser
 * (GET /t/TOKEN, delegate.c), and the 429 page of a form post over the
 * revision limits.
 *
 * Invariants (beside page_html.c's):
 *   1. No token appears on these pages: the switch form has no action (it
 *      posts back to the address it was opened at, the link itself), and
 *      the way back names only the current session's page (/q/QID or
 *      /chair/QID).
 *   2. The ids shown are the tokens' own claims (sub), each in a <bdi>,
 *      escaped; nothing else of either delegate is shown.
 *   3. Without JavaScript: a plain form with one button and a plain link.
 */
#include "page_int.h"

#include <stdio.h>

static void put_id(struct snd_buf *o, const char *id)
{
	snd_buf_puts(o, "<bdi>");
	snd_buf_html(o, id ? id : "");
	snd_buf_puts(o, "</bdi>");
}

static void put_who(struct pg *p, enum msg m, const char *sub, int chair)
{
	struct snd_buf id;
	snd_buf_init(&id, 0);
	put_id(&id, sub);
	put(p, "<p>");
	put_msg(p, m, id.failed ? "" : id.data, tr(p->un, chair ? M_ROLE_CHAIR : M_ROLE_DELEGATE));
	put(p, "</p>\n");
	snd_buf_free(&id);
}

void page_switch(struct snd_buf *out, const struct page_req *r, const struct page_switch *sw)
{
	struct pg p;
	struct snd_buf id;

	pg_init(&p, out, r->form, r->lang);
	page_open(&p, tr(p.un, M_SW_TITLE), "page-switch", 0);
	put(&p, "<header class=\"top\">\n");
	lang_nav(&p, NULL);
	put(&p, "</header>\n<main id=\"main\">\n");
	if (r->form) {
		put(&p, "<p class=\"form-title\">");
		esc(&p, lbl(&p, &r->form->title));
		put(&p, "</p>\n");
	}
	put(&p, "<h1>");
	put(&p, tr(p.un, M_SW_TITLE));
	put(&p, "</h1>\n");
	put_who(&p, M_SW_CURRENT, sw->cur_sub, sw->cur_chair);
	put_who(&p, M_SW_NEW, sw->new_sub, sw->new_chair);
	put(&p, "<p>");
	put(&p, tr(p.un, M_SW_WHY));
	put(&p, "</p>\n<form method=\"post\" class=\"switch\">\n"
	        "<input type=\"hidden\" name=\"_csrf\" value=\"");
	esc(&p, sw->csrf);
	put(&p, "\">\n<div class=\"actions\"><button type=\"submit\" class=\"primary\">");
	snd_buf_init(&id, 0);
	put_id(&id, sw->new_sub);
	put_msg(&p, M_SW_CONTINUE, id.failed ? "" : id.data, NULL);
	put(&p, "</button>\n<a class=\"button secondary\" href=\"");
	esc(&p, sw->cur_href);
	put(&p, "\">");
	snd_buf_reset(&id);
	put_id(&id, sw->cur_sub);
	put_msg(&p, M_SW_STAY, id.failed ? "" : id.data, NULL);
	put(&p, "</a></div>\n</form>\n</main>\n");
	snd_buf_free(&id);
	page_close(&p);
}

void page_limit(struct snd_buf *out, const struct page_req *r, int total, unsigned retry_s)
{
	struct pg p;
	char num[16];

	pg_init(&p, out, r->form, r->lang);
	page_open(&p, tr(p.un, M_LIMIT_TITLE), "page-message", 0);
	put(&p, "<main id=\"main\">\n");
	if (r->form) {
		put(&p, "<p class=\"form-title\">");
		esc(&p, lbl(&p, &r->form->title));
		put(&p, "</p>\n");
	}
	put(&p, "<h1>");
	put(&p, tr(p.un, M_LIMIT_TITLE));
	put(&p, "</h1>\n<p class=\"message\">");
	snprintf(num, sizeof num, "%u", retry_s);
	put_msg(&p, total ? M_LIMIT_TOTAL : M_LIMIT_RATE, num, NULL);
	put(&p, "</p>\n");
	if (r->form) {
		put(&p, "<p><a href=\"/q/");
		put_url_part(out, r->form->id);
		put(&p, total ? "/receipt?lang=" : "?lang=");
		put_url_part(out, p.code);
		put(&p, "\">");
		put(&p, tr(p.un, total ? M_LIMIT_RECEIPT : M_LIMIT_FORM));
		put(&p, "</a></p>\n");
	}
	put(&p, "<p class=\"status-code\">HTTP 429</p>\n</main>\n");
	page_close(&p);
}
