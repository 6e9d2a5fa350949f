/* page_results.c - results for delegates (page_results) and the page
 * saying when they will be available (page_results_unavailable).
 *
 * Invariants:
 *   1. The questions are core's report sections (snd_report_question), the
 *      chair dashboard's charts without its tools: no breakdown, no
 *      downloads, no links to full lists, no entity (results.c strips them
 *      before; a missing entity reads as "not shown").
 *   2. Every string from the form or the summary is escaped; the words are
 *      i18n.c's in the page's language.
 *   3. A pure function of its arguments (the time comes in).
 */
#include "page_int.h"

#include <stdio.h>
#include <string.h>

static void results_open(struct pg *p, const struct page_req *r)
{
	const struct snd_form *f = r->form;
	struct snd_buf title;
	snd_buf_init(&title, 0);
	snd_buf_puts(&title, tr(p->un, M_RES_TITLE));
	snd_buf_puts(&title, " \xe2\x80\x94 ");
	snd_buf_puts(&title, lbl(p, &f->title) ? lbl(p, &f->title) : f->id);
	page_open(p, title.data, "page-results", 0);
	snd_buf_free(&title);
	put(p, "<header class=\"top\">\n");
	lang_nav(p, NULL);
	put(p, "</header>\n<main id=\"main\">\n<p class=\"form-title\">");
	put(p, tr(p->un, M_RES_TITLE));
	put(p, "</p>\n<h1>");
	put_lbl(p, p->b, &f->title);
	put(p, "</h1>\n");
}

void page_results(struct snd_buf *out, const struct page_req *r, const cJSON *summary,
                  int64_t tallied_at)
{
	const cJSON *qs;
	struct pg p;
	char when[40], a[SND_FMT_LEN];

	pg_init(&p, out, r->form, r->lang);
	results_open(&p, r);
	put(&p, "<p class=\"updated\">");
	fmt_time(tallied_at, T_DATE_HMS, when, sizeof when);
	put_msg(&p, M_UPDATED, when, NULL);
	snd_fmt_count(a, snd_json_num0(summary, "responses"), '.');
	put(&p, " ");
	put_msg(&p, M_RESPONSES, a, NULL);
	put(&p, "</p>\n<section class=\"all-questions\">\n");
	cJSON_ArrayForEach(qs, jget(summary, "questions")) {
		snd_report_question(out, r->form, r->lang, qs);
		snd_report_record(out, r->form, r->lang, summary, snd_json_str(qs, "id"));
	}
	put(&p, "</section>\n</main>\n");
	page_close(&p);
}

void page_results_unavailable(struct snd_buf *out, const struct page_req *r, int after_close,
                              int has_closes, int64_t closes)
{
	struct pg p;
	char when[40];

	pg_init(&p, out, r->form, r->lang);
	results_open(&p, r);
	put(&p, "<p class=\"notice\" role=\"status\">");
	if (!after_close) {
		put(&p, tr(p.un, M_RES_CHAIRS));
	} else if (has_closes) {
		fmt_time(closes, T_DATE_HM, when, sizeof when);
		put_msg(&p, M_RES_AFTER_AT, when, NULL);
	} else {
		put(&p, tr(p.un, M_RES_AFTER));
	}
	put(&p, "</p>\n<p class=\"back\"><a href=\"/q/");
	put_url_part(out, r->form->id);
	put(&p, "?lang=");
	put_url_part(out, p.code);
	put(&p, "\">");
	put(&p, tr(p.un, M_LIMIT_FORM));
	put(&p, "</a></p>\n</main>\n");
	page_close(&p);
}
