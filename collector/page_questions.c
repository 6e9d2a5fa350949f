/* page_questions.c - one renderer per question type (r_single_multi,
 * r_scale, r_matrix, r_rank, r_position, r_number, r_text) and r_question,
 * which wraps one in its <fieldset>, legend, help, hint, show_if note and
 * error.  Used by the form page (page_form.c), directly and through its
 * cache of unanswered questions.
 *
 * Invariants:
 *   1. Field names are exactly those documented at snd_form_answers_from_post,
 *      so a posted page round-trips through core/urlenc.c.
 *   2. Element ids derive from question, option and row ids, which form.c
 *      restricts to [a-z0-9_]; ids are "q-QID" (the fieldset), "f-QID..." (a
 *      control), "q-QID-help|hint|if|err" (descriptions).
 *   3. r_question's bytes depend on the form, the language, answers[qid] and
 *      errs' message for qid only: page_form.c caches them on that promise.
 *   4. Every control has a <label for> or sits in a labelled group; an error
 *      is tied to its controls by aria-describedby and aria-invalid.
 */
#include "page_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ------------------------------------------------------------ renderers */

/* The id of a question's first control: where an error summary link
 * lands, so activating it puts the keyboard focus in the field. */
void first_control_id(const struct snd_question *q, char *out, size_t n)
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
void error_text(struct pg *p, const char *msg)
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
void point_text(struct pg *p, const struct snd_question *q, int v, struct snd_buf *o)
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
	const char *cur = snd_json_str(c->ans, "position"), *reason = snd_json_str(c->ans, "reason");
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

/* The end of a lone control's tag (a number field, a textarea): named by
 * the question's legend, described by its help, hint, condition and error. */
static void put_control_aria(struct pg *p, const struct qctx *c)
{
	put(p, " aria-labelledby=\"q-");
	esc(p, c->q->id);
	put(p, "-legend\"");
	if (c->describedby[0]) {
		put(p, " aria-describedby=\"");
		esc(p, c->describedby);
		put(p, "\"");
	}
	put_invalid(p, c);
	put(p, ">\n");
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
	put_control_aria(p, c);
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
	put_control_aria(p, c);
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

void r_question(struct pg *p, size_t qi, const cJSON *answers, const struct snd_diag *errs,
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

void r_previous(struct pg *p, size_t qi, const cJSON *previous)
{
	const struct snd_question *q = &p->f->questions[qi];
	const cJSON *a = jget(previous, q->id);
	if (a == NULL || cJSON_IsNull(a))
		return;
	/* after the question's block: the cached bytes of the question stay
	 * as they are (page_form.c invariant 1) */
	put(p, "<div class=\"previous\" role=\"note\"><span class=\"label\">");
	put(p, tr(p->un, M_PREV_ANSWER));
	put(p, "</span> ");
	answer_text(p, q, a);
	put(p, "</div>\n");
}
