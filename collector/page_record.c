/* page_record.c - the chair's record page (page_record): for every
 * question its outcome statement and a form to record one, for every
 * proposal (position question) the entities that objected with their
 * dispositions and a form per entity (status, note).  The forms post to
 * /chair/QID/record (record.c), one record each, and work without script.
 *
 * Invariants:
 *   1. Every string from the form, the summary or the record is escaped;
 *      free text is isolated (<bdi>, dir=auto).
 *   2. The page carries the chair's own CSRF value, so it is rendered per
 *      request and never cached or shared (unlike the dashboard, whose
 *      bytes tally_cache.c shares between chairs); it has no refresh, so
 *      nothing a chair types is swept away.
 *   3. On a pseudonymous questionnaire no entity is shown or posted: one
 *      disposition covers the question's objections as a whole.
 */
#include "page_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum msg status_msg[SND_DISP__MAX] = {
	M_REC_ST_OPEN, M_REC_ST_ADDRESSED, M_REC_ST_NOTED, M_REC_ST_RESOLVED,
};

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The latest record of question qid (and entity ent, for dispositions). */
static const cJSON *find_rec(const cJSON *list, const char *qid, const char *ent)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, list) {
		const char *q = snd_json_str(r, "question"), *e = snd_json_str(r, "entity");
		if (q && strcmp(q, qid) == 0 && (ent == NULL || strcmp(e ? e : "", ent) == 0))
			return r;
	}
	return NULL;
}

/* "recorded by X on T" under a record. */
static void rec_by(struct pg *p, const cJSON *rec)
{
	struct snd_buf a, b;
	snd_buf_init(&a, 0);
	snd_buf_init(&b, 0);
	snd_buf_puts(&a, "<bdi>");
	snd_buf_html(&a, snd_json_str(rec, "by") ? snd_json_str(rec, "by") : "");
	snd_buf_puts(&a, "</bdi>");
	snd_buf_html(&b, snd_json_str(rec, "at") ? snd_json_str(rec, "at") : "");
	put(p, " <span class=\"rec-by\">(");
	put_msg(p, M_REC_BY, a.data, b.data);
	put(p, ")</span>");
	snd_buf_free(&a);
	snd_buf_free(&b);
}

/* The opening of one record form: action, CSRF, language, kind, question. */
static void form_open(struct pg *p, const struct page_req *r, const char *kind, const char *qid)
{
	put(p, "<form method=\"post\" class=\"record-form\" action=\"/chair/");
	put_url_part(p->b, r->form->id);
	put(p, "/record\">\n<input type=\"hidden\" name=\"_csrf\" value=\"");
	esc(p, r->csrf);
	put(p, "\"><input type=\"hidden\" name=\"_lang\" value=\"");
	esc(p, p->code);
	put(p, "\"><input type=\"hidden\" name=\"kind\" value=\"");
	put(p, kind);
	put(p, "\"><input type=\"hidden\" name=\"question\" value=\"");
	esc(p, qid);
	put(p, "\">\n");
}

static void outcome_block(struct pg *p, const struct page_req *r, const struct record_view *v,
                          size_t qi)
{
	const char *qid = r->form->questions[qi].id;
	const cJSON *rec = find_rec(v->outcomes, qid, NULL);
	char id[32];

	snprintf(id, sizeof id, "o-%zu", qi);
	put(p, "<div class=\"rec-outcome\"><h3>");
	put(p, tr(p->un, M_REC_OUTCOME));
	put(p, "</h3>\n<p class=\"rec-current\">");
	if (rec) {
		put(p, "<span class=\"free\" dir=\"auto\">");
		esc(p, snd_json_str(rec, "text"));
		put(p, "</span>");
		rec_by(p, rec);
	} else {
		put(p, tr(p->un, M_REC_NO_OUTCOME));
	}
	put(p, "</p>\n");
	form_open(p, r, "outcome", qid);
	snd_buf_printf(p->b, "<label for=\"%s\">", id);
	put(p, tr(p->un, M_REC_OUTCOME));
	snd_buf_printf(p->b, "</label>\n<textarea id=\"%s\" name=\"text\" rows=\"3\" maxlength=\"%d\" "
	               "dir=\"auto\">", id, SND_RECORD_TEXT_MAX);
	if (rec)
		esc_value(p, snd_json_str(rec, "text"));
	put(p, "</textarea>\n<button type=\"submit\">");
	put(p, tr(p->un, M_REC_SAVE_OUTCOME));
	put(p, "</button>\n</form>\n</div>\n");
}

/* One entity's disposition and its form; n numbers the form's controls. */
static void disposition_item(struct pg *p, const struct page_req *r, const struct record_view *v,
                             size_t qi, const char *ent, size_t n)
{
	const char *qid = r->form->questions[qi].id;
	const cJSON *rec = find_rec(v->dispositions, qid, ent);
	const char *cur = rec ? snd_json_str(rec, "status") : NULL;
	char sid[48], nid[48];
	int i;

	snprintf(sid, sizeof sid, "d-%zu-%zu-s", qi, n);
	snprintf(nid, sizeof nid, "d-%zu-%zu-n", qi, n);
	put(p, "<li class=\"rec-disp\"><p><bdi class=\"ent\">");
	if (ent[0])
		esc(p, ent);
	else
		put(p, tr(p->un, M_REC_ALL_OBJ));
	put(p, "</bdi>: ");
	if (rec) {
		for (i = 0; i < SND_DISP__MAX; i++)
			if (cur && strcmp(cur, snd_disposition_names[i]) == 0)
				break;
		put(p, "<strong>");
		if (i < SND_DISP__MAX)
			put(p, tr(p->un, status_msg[i]));
		else
			esc(p, cur);
		put(p, "</strong>");
		if (snd_json_str(rec, "note") && snd_json_str(rec, "note")[0]) {
			put(p, " \xe2\x80\x94 <bdi class=\"free\" dir=\"auto\">");
			esc(p, snd_json_str(rec, "note"));
			put(p, "</bdi>");
		}
		rec_by(p, rec);
	} else {
		put(p, tr(p->un, M_REC_NONE_YET));
	}
	put(p, "</p>\n");
	form_open(p, r, "disposition", qid);
	if (r->form->anonymity != SND_PSEUDONYMOUS) {
		put(p, "<input type=\"hidden\" name=\"entity\" value=\"");
		esc(p, ent);
		put(p, "\">\n");
	}
	snd_buf_printf(p->b, "<div class=\"control\"><label for=\"%s\">", sid);
	put(p, tr(p->un, M_REC_STATUS));
	snd_buf_printf(p->b, "</label> <select id=\"%s\" name=\"status\">", sid);
	for (i = 0; i < SND_DISP__MAX; i++) {
		snd_buf_printf(p->b, "<option value=\"%s\"%s>", snd_disposition_names[i],
		               (cur ? strcmp(cur, snd_disposition_names[i]) == 0 : i == 0) ? " selected"
		                                                                          : "");
		put(p, tr(p->un, status_msg[i]));
		put(p, "</option>");
	}
	snd_buf_printf(p->b, "</select></div>\n<div class=\"control\"><label for=\"%s\">", nid);
	put(p, tr(p->un, M_REC_NOTE));
	snd_buf_printf(p->b, "</label> <textarea id=\"%s\" name=\"note\" rows=\"2\" maxlength=\"%d\" "
	               "dir=\"auto\">", nid, SND_RECORD_TEXT_MAX);
	if (rec)
		esc_value(p, snd_json_str(rec, "note"));
	put(p, "</textarea></div>\n<button type=\"submit\">");
	put(p, tr(p->un, M_REC_SAVE_DISP));
	put(p, "</button>\n</form>\n</li>\n");
}

/* The entities to show for question qid: those objecting in the summary
 * and those with a disposition, sorted, each once ("" alone on a
 * pseudonymous questionnaire).  *out is malloc'ed (the strings are
 * borrowed); returns the count. */
static size_t entities_of(const struct page_req *r, const struct record_view *v, const char *qid,
                          const char ***out)
{
	const cJSON *qs = NULL, *o;
	const char **ents = NULL;
	size_t n = 0, cap = 0, i, k;

	*out = NULL;
	if (r->form->anonymity == SND_PSEUDONYMOUS) {
		static const char *const none[1] = {""};
		if ((ents = malloc(sizeof *ents)) == NULL)
			return 0;
		ents[0] = none[0];
		*out = ents;
		return 1;
	}
	cJSON_ArrayForEach(qs, jget(v->summary, "questions")) {
		const char *id = snd_json_str(qs, "id");
		if (id && strcmp(id, qid) == 0)
			break;
	}
	for (k = 0; k < 2; k++) {
		const cJSON *list = k == 0 ? jget(qs, "objections") : v->dispositions;
		cJSON_ArrayForEach(o, list) {
			const char *e = snd_json_str(o, "entity"), *q = snd_json_str(o, "question");
			if (e == NULL || e[0] == '\0' || (k == 1 && (q == NULL || strcmp(q, qid) != 0)))
				continue;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				const char **ne = realloc(ents, nc * sizeof *ne);
				if (ne == NULL)
					break;
				ents = ne;
				cap = nc;
			}
			ents[n++] = e;
		}
	}
	if (n > 1)
		qsort(ents, n, sizeof *ents, strp_cmp);
	for (i = k = 0; i < n; i++)
		if (k == 0 || strcmp(ents[k - 1], ents[i]) != 0)
			ents[k++] = ents[i];
	*out = ents;
	return k;
}

void page_record(struct snd_buf *out, const struct page_req *r, const struct record_view *v)
{
	const struct snd_form *f = r->form;
	struct pg p;
	struct snd_buf title;
	size_t qi;

	pg_init(&p, out, f, r->lang);
	snd_buf_init(&title, 0);
	snd_buf_puts(&title, tr(p.un, M_REC_TITLE));
	snd_buf_puts(&title, " \xe2\x80\x94 ");
	snd_buf_puts(&title, lbl(&p, &f->title) ? lbl(&p, &f->title) : f->id);
	page_open(&p, title.data, "page-chair page-record", 0);
	snd_buf_free(&title);
	put(&p, "<header class=\"top\">\n");
	lang_nav(&p, NULL);
	put(&p, "</header>\n<main id=\"main\">\n<p class=\"form-title\">");
	put(&p, tr(p.un, M_CHAIR));
	put(&p, "</p>\n<h1>");
	put(&p, tr(p.un, M_REC_TITLE));
	put(&p, " \xe2\x80\x94 ");
	esc(&p, lbl(&p, &f->title));
	put(&p, "</h1>\n<p class=\"back\"><a href=\"/chair/");
	put_url_part(out, f->id);
	put(&p, "?lang=");
	put_url_part(out, p.code);
	put(&p, "\">");
	put(&p, tr(p.un, M_BACK));
	put(&p, "</a></p>\n");
	if (v->saved) {
		put(&p, "<p class=\"notice saved\" role=\"status\">");
		put(&p, tr(p.un, M_REC_SAVED));
		put(&p, "</p>\n");
	}
	put(&p, "<p class=\"explain\">");
	put(&p, tr(p.un, M_REC_INTRO));
	put(&p, "</p>\n");
	for (qi = 0; qi < f->nquestions; qi++) {
		const struct snd_question *q = &f->questions[qi];
		snd_buf_printf(out, "<section class=\"rec-question\" id=\"q-%zu\" aria-labelledby=\"q-%zu-h\">\n"
		               "<h2 id=\"q-%zu-h\"><span class=\"qnum\">%zu.</span> ", qi, qi, qi, qi + 1);
		put_lbl(&p, out, &q->text);
		put(&p, "</h2>\n");
		if (q->type == SND_Q_POSITION) {
			const char **ents;
			size_t n = entities_of(r, v, q->id, &ents), i;
			put(&p, "<h3>");
			put(&p, tr(p.un, M_REC_OBJ_HEAD));
			put(&p, "</h3>\n");
			if (n == 0) {
				put(&p, "<p class=\"none\">");
				put(&p, tr(p.un, M_REC_NO_OBJ));
				put(&p, "</p>\n");
			} else {
				put(&p, "<ul class=\"rec-disps\">\n");
				for (i = 0; i < n; i++)
					disposition_item(&p, r, v, qi, ents[i], i);
				put(&p, "</ul>\n");
			}
			free(ents);
		}
		outcome_block(&p, r, v, qi);
		put(&p, "</section>\n");
	}
	put(&p, "</main>\n");
	page_close(&p);
}
