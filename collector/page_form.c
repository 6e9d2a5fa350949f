/* page_form.c - the questionnaire page (page_form): title, intro,
 * language switcher, the window and revision notes, the error summary of a
 * 422, and every question through r_question (page_questions.c); and the
 * cache of unanswered questions that makes a new delegate's page a copy.
 *
 * Invariants:
 *   1. The cache (qcache_get) holds bytes that the form's text and the
 *      language determine (page_questions.c invariant 3), so a cached page
 *      is byte for byte the page rendered afresh (test_pages renders both).
 *   2. At most QCACHE_SLOTS entries, kept for the process's life; an entry
 *      is immutable once published and read without the lock.
 *   3. The page posts to /q/QID with the _csrf and _lang hidden fields;
 *      its "Save draft" button adds _draft=1 (delegate.c saves a draft).
 */
#include "page_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
int qcache_disabled; /* test_pages renders both ways to compare */

struct qcache *qcache_find(const struct snd_form *f, int lang)
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
static void error_summary(struct pg *p, const struct snd_diag *errs, int draft)
{
	size_t i;
	if (errs == NULL || errs->n == 0)
		return;
	put(p, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-h\" "
	       "tabindex=\"-1\" id=\"error-summary\">\n<h2 id=\"error-summary-h\">");
	put(p, tr(p->un, M_ERR_HEAD));
	put(p, "</h2>\n<p>");
	put(p, tr(p->un, draft ? M_DRAFT_NOT_SAVED : M_ERR_NOT_SAVED));
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
	snprintf(num, sizeof num, "%lld", (long long)rev);
	if (r->draft_saved_at > 0) {
		/* the answers below are the draft: say so, and what counts */
		fmt_time(r->draft_saved_at, T_DATE_HM, when, sizeof when);
		put(&p, "<div class=\"notice draft unsent\" role=\"status\"><p>");
		put_msg(&p, M_DRAFT_SAVED, when, NULL);
		put(&p, "</p><p>");
		put_msg(&p, rev > 0 ? M_DRAFT_COUNTS : M_DRAFT_UNCOUNTED, num, NULL);
		put(&p, "</p></div>\n");
	} else if (rev > 0) {
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
	error_summary(&p, errs, r->draft_post);

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
			if (r->previous)
				r_previous(&p, i, r->previous);
		}
		put(&p, "</section>\n");
	}
	/* Submit first: it is the form's default button (Enter in a field). */
	put(&p, "<div class=\"actions\"><button type=\"submit\" class=\"primary\">");
	put(&p, tr(p.un, M_SUBMIT));
	put(&p, "</button> <button type=\"submit\" name=\"_draft\" value=\"1\" "
	        "class=\"secondary\">");
	put(&p, tr(p.un, M_SAVE_DRAFT));
	put(&p, "</button></div>\n</form>\n</main>\n");
	page_close(&p);
	snd_buf_free(&t);
}
