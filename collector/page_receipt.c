/* page_receipt.c - the receipt page (what was recorded, in words, with
 * the revision, hash and receipt token) and the plain message page for
 * errors and notices (http_resp.c's error pages are these).
 *
 * Invariants:
 *   1. Answers are shown with the form's labels in the page's language; an
 *      id the form does not know is shown escaped, never dropped.
 *   2. Error and notice pages are wholly in the page's language: the
 *      handlers' English wordings are found in the message table
 *      (msg_by_en) and shown translated; a wording the table does not hold
 *      is shown only on an English page, any other page shows the status's
 *      own title and text instead, so no English reaches it.
 *   3. Pure functions of their arguments (the time comes in).
 */
#include "page_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
void answer_text(struct pg *p, const struct snd_question *q, const cJSON *a)
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
		int pi = pos_index(snd_json_str(a, "position"));
		const char *reason = snd_json_str(a, "reason");
		put(p, "<strong>");
		if (pi >= 0)
			put(p, tr(p->un, pos_msg[pi]));
		else
			esc(p, snd_json_str(a, "position"));
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
                  const char *hash, const char *salt, const char *receipt,
                  const cJSON *answers, int64_t submitted_at_ms)
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
	put(&p, "</code></dd></div>\n");
	if (salt != NULL) {
		put(&p, "<div><dt>");
		put(&p, tr(p.un, M_SALT));
		put(&p, "</dt><dd><code class=\"hash\">");
		esc(&p, salt);
		put(&p, "</code></dd></div>\n");
	}
	put(&p, "</dl>\n<label for=\"receipt-token\" class=\"block\">");
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
	put(&p, tr(p.un, salt != NULL ? M_RECEIPT_SALT : M_RECEIPT_HASH));
	put(&p, "</p>\n</section>\n</main>\n");
	page_close(&p);
}

/* ------------------------------------------------------------ message page */

/* The title and the text of an error page by status, when the handler's
 * words are not among the messages (e.g. an API-only wording). */
void page_status_msgs(int status, enum msg *title, enum msg *text)
{
	static const struct {
		int status;
		enum msg title, text;
	} by_status[] = {
		{400, M_T_400, M_X_BAD_REQUEST}, {401, M_T_401, M_X_LINK_MALFORMED},
		{403, M_T_403, M_X_FORBIDDEN},   {404, M_T_404, M_X_NOT_FOUND},
		{405, M_T_405, M_X_METHOD},      {409, M_T_409, M_X_NOT_YET},
		{413, M_T_413, M_X_TOO_BIG},     {422, M_ERR_HEAD, M_X_BAD_REQUEST},
		{429, M_T_429, M_X_RATE},        {503, M_T_503, M_X_BUSY},
	};
	size_t i;
	*title = M_T_ERROR;
	*text = M_X_ERROR;
	for (i = 0; i < sizeof by_status / sizeof by_status[0]; i++)
		if (by_status[i].status == status) {
			*title = by_status[i].title;
			*text = by_status[i].text;
		}
	if (status == 409) /* no generic "not open" wording fits both ways */
		*text = M_T_409;
}

/* A message page's head (the form's title when there is one, then the
 * title) and its foot (the status, when one is given). */
static void notice_open(struct pg *p, enum msg title)
{
	page_open(p, tr(p->un, title), "page-message", 0);
	put(p, "<main id=\"main\">\n");
	if (p->f) {
		put(p, "<p class=\"form-title\">");
		esc(p, lbl(p, &p->f->title));
		put(p, "</p>\n");
	}
	put(p, "<h1>");
	put(p, tr(p->un, title));
	put(p, "</h1>\n");
}

static void notice_close(struct pg *p, int status)
{
	if (status > 0)
		snd_buf_printf(p->b, "<p class=\"status-code\">HTTP %d</p>\n", status);
	put(p, "</main>\n");
	page_close(p);
}

void page_notice(struct snd_buf *out, const struct snd_form *f, int lang, int status,
                 enum msg title, const enum msg *paras, size_t n, int64_t when)
{
	struct pg p;
	char at[40] = "";
	size_t i;
	if (when != 0)
		fmt_time(when, T_DATE_HM, at, sizeof at);
	pg_init(&p, out, f, lang);
	notice_open(&p, title);
	for (i = 0; i < n; i++) {
		put(&p, "<p class=\"message\">");
		put_msg(&p, paras[i], at, NULL);
		put(&p, "</p>\n");
	}
	notice_close(&p, status);
}

void page_message(struct snd_buf *out, const struct snd_form *f, int lang, int status,
                  const char *title, const char *message)
{
	enum msg t = msg_by_en(title), m = msg_by_en(message), dt, dm;
	struct pg p;

	page_status_msgs(status, &dt, &dm);
	if (t == M__MAX)
		t = dt;
	pg_init(&p, out, f, lang);
	if (m != M__MAX || p.un != UN_EN || message == NULL || message[0] == '\0') {
		/* In the page's language; words the table does not hold give way
		 * to the status's own (invariant 2). */
		if (m == M__MAX)
			m = dm;
		page_notice(out, f, lang, status, t, &m, 1, 0);
		return;
	}
	/* An English page keeps a wording the table does not hold. */
	notice_open(&p, t);
	put_paras(&p, message, "message");
	notice_close(&p, status);
}

void page_reload(struct snd_buf *out, const struct snd_form *f, int lang)
{
	struct pg p;
	pg_init(&p, out, f, lang);
	put(&p, "<!doctype html>\n<html lang=\"");
	esc(&p, p.code);
	snd_buf_printf(out, "\" dir=\"%s\">\n<head><meta charset=\"utf-8\">"
	               "<meta http-equiv=\"refresh\" content=\"0\">"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	               "<title>", is_rtl(p.code) ? "rtl" : "ltr");
	esc(&p, f ? lbl(&p, &f->title) : "Sounding");
	put(&p, "</title><link rel=\"stylesheet\" href=\"/static/sounding.css\"></head>"
	        "<body><main><p><a href=\"\">");
	put(&p, tr(p.un, M_CONTINUE));
	put(&p, "</a></p></main></body></html>\n");
}
