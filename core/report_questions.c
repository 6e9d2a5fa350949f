/* report_questions.c - one question's results as an HTML <section>
 * (snd_report_question, snd_report_question_capped), shared by `tally
 * report` and the collector's chair dashboard, and the renderers of the
 * option, rank, position, number and text types (scale and matrix are
 * report_scale.c).
 *
 * Owns: which figures and charts each question type shows (a number's
 * range and histogram; a position's divided delegations under --weight
 * entity), and the lists of objections and comments.
 *
 * Invariants:
 *   1. Output is a pure function of (form, lang, question summary, cap,
 *      link): no clock, no locale, no addresses, no randomness.
 *   2. The summary's type wins only when the form does not know the
 *      question; an unknown type gets a note, never a crash, and a missing
 *      or odd field shows as a dash (the dashboard renders live data).
 *   3. Objections and comments keep the summary's order (entity, then
 *      text: never time, which on a pseudonymous form would pair texts with
 *      submissions); a pseudonymous form never shows an entity.
 *   4. Every text from a form or an answer is escaped; an answer's text is
 *      in <bdi> so a right-to-left reason cannot reorder the list.
 *   5. Numbers go through core/fmt.c with the report's separator
 *      (snd_rpt_dec); charts through report_charts.c.
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------- single, multi */

static void render_options(struct snd_buf *o, const struct snd_form *f, int lang,
                           const struct snd_question *q, const cJSON *qs)
{
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(qs, "options");
	const cJSON *it;
	struct snd_rpt_bar *rows;
	char (*texts)[2 * SND_FMT_LEN + 4];
	size_t n = 0, i = 0;
	const char *leader = snd_json_str(qs, "leader");
	char a[SND_FMT_LEN], b[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);

	if (!cJSON_IsArray(opts) || (n = (size_t)cJSON_GetArraySize(opts)) == 0) {
		snd_rpt_none(o, T(f, lang, M_NO_OPTIONS));
		return;
	}
	rows = calloc(n, sizeof *rows);
	texts = calloc(n, sizeof *texts);
	if (rows == NULL || texts == NULL) {
		o->failed = 1;
		goto out;
	}
	cJSON_ArrayForEach(it, opts) {
		const char *id = snd_json_str(it, "id");
		double c = snd_json_num0(it, "count"), s = snd_json_num0(it, "share");
		snd_fmt_count(a, c, dec);
		snd_fmt_pct(b, s, dec);
		snprintf(texts[i], sizeof texts[i], "%s (%s)", a, b);
		rows[i].label = q ? snd_rpt_opt_label(f, q->options, q->noptions, id, lang) : (id ? id : "?");
		rows[i].value = s;
		rows[i].text = texts[i];
		i++;
	}
	snd_rpt_hbars(o, T(f, lang, q && q->type == SND_Q_MULTI ? M_SHARE_CHOOSING
	                                                        : M_ANSWERS_PER_OPTION),
	              rows, i, 1.0);
	snd_buf_puts(o, "<dl class=\"snd-figs\">");
	if (leader) {
		/* The plurality's margin: how far the leader is ahead of the next. */
		double top = -1, second = -1;
		cJSON_ArrayForEach(it, opts) {
			double c = snd_json_num0(it, "count");
			if (c > top) {
				second = top;
				top = c;
			} else if (c > second) {
				second = c;
			}
		}
		snd_rpt_figure(o, T(f, lang, M_LEADER),
		               q ? snd_rpt_opt_label(f, q->options, q->noptions, leader, lang) : leader);
		snd_fmt_count(a, second >= 0 ? top - second : top, dec);
		snd_rpt_figure(o, T(f, lang, M_MARGIN), a);
	} else {
		snd_rpt_figure(o, T(f, lang, M_LEADER), T(f, lang, M_NO_LEADER));
	}
	snd_buf_puts(o, "</dl>");
	if (q && q->type == SND_Q_MULTI)
		snd_rpt_explain(o, T(f, lang, M_MULTI_NOTE));
out:
	free(rows);
	free(texts);
}

/* ------------------------------------------------------------------ rank */

static void render_rank(struct snd_buf *o, const struct snd_form *f, int lang,
                        const struct snd_question *q, const cJSON *qs)
{
	const cJSON *borda = cJSON_GetObjectItemCaseSensitive(qs, "borda");
	const cJSON *schulze = cJSON_GetObjectItemCaseSensitive(qs, "schulze");
	const cJSON *pw = cJSON_GetObjectItemCaseSensitive(qs, "pairwise");
	const char *cw = snd_json_str(qs, "condorcet_winner");
	const cJSON *it, *jt;
	const struct snd_option *opts = q ? q->options : NULL;
	size_t nopts = q ? q->noptions : 0;
	char a[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);

	snd_rpt_elem(o, "h4", NULL, T(f, lang, M_SCHULZE));
	if (cJSON_IsArray(schulze) && cJSON_GetArraySize(schulze) > 0) {
		snd_buf_puts(o, "<ol class=\"snd-schulze\">");
		cJSON_ArrayForEach(it, schulze) {
			snd_buf_puts(o, "<li>");
			snd_buf_html(o, snd_rpt_opt_label(f, opts, nopts,
			                                  cJSON_IsString(it) ? it->valuestring : NULL, lang));
			snd_buf_puts(o, "</li>");
		}
		snd_buf_puts(o, "</ol>");
	} else {
		snd_rpt_none(o, T(f, lang, M_NO_RANKINGS));
	}
	snd_buf_puts(o, "<dl class=\"snd-figs\">");
	snd_rpt_figure(o, T(f, lang, M_CONDORCET),
	               cw ? snd_rpt_opt_label(f, opts, nopts, cw, lang) : T(f, lang, M_NONE));
	snd_buf_puts(o, "</dl>");
	snd_rpt_explain(o, T(f, lang, M_SCHULZE_NOTE));

	if (cJSON_IsArray(borda) && cJSON_GetArraySize(borda) > 0) {
		size_t n = (size_t)cJSON_GetArraySize(borda), i = 0;
		struct snd_rpt_bar *rows = calloc(n, sizeof *rows);
		char (*texts)[SND_FMT_LEN] = calloc(n, sizeof *texts);
		double top = 0;
		if (rows == NULL || texts == NULL) {
			o->failed = 1;
		} else {
			cJSON_ArrayForEach(it, borda) {
				double sc = snd_json_num0(it, "score");
				snd_fmt_count(texts[i], sc, dec);
				rows[i].label = snd_rpt_opt_label(f, opts, nopts, snd_json_str(it, "id"), lang);
				rows[i].value = sc;
				rows[i].text = texts[i];
				if (sc > top)
					top = sc;
				i++;
			}
			snd_rpt_elem(o, "h4", NULL, T(f, lang, M_BORDA));
			snd_rpt_hbars(o, T(f, lang, M_BORDA), rows, i, top);
			snd_rpt_explain(o, T(f, lang, M_BORDA_NOTE));
		}
		free(rows);
		free(texts);
	}

	if (cJSON_IsObject(pw) && cJSON_GetArraySize(pw) > 0) {
		snd_buf_puts(o, "<table class=\"snd-pairwise\"><caption>");
		snd_buf_html(o, T(f, lang, M_PAIRWISE));
		snd_buf_puts(o, "</caption><thead><tr><td></td>");
		cJSON_ArrayForEach(it, pw) {
			snd_buf_puts(o, "<th scope=\"col\">");
			snd_rpt_html_trunc(o, snd_rpt_opt_label(f, opts, nopts, it->string, lang), 24);
			snd_buf_puts(o, "</th>");
		}
		snd_buf_puts(o, "</tr></thead><tbody>");
		cJSON_ArrayForEach(it, pw) {
			snd_buf_puts(o, "<tr><th scope=\"row\">");
			snd_rpt_html_trunc(o, snd_rpt_opt_label(f, opts, nopts, it->string, lang), 40);
			snd_buf_puts(o, "</th>");
			cJSON_ArrayForEach(jt, pw) {
				const cJSON *back = cJSON_GetObjectItemCaseSensitive(jt, it->string);
				double ab, ba;
				if (jt == it) {
					snd_buf_puts(o, "<td class=\"snd-self\">\xe2\x80\x94</td>");
					continue;
				}
				ab = snd_json_num0(it, jt->string);
				ba = cJSON_IsNumber(back) ? back->valuedouble : 0;
				snd_fmt_count(a, ab, dec);
				snd_buf_printf(o, "<td%s>%s</td>", ab > ba ? " class=\"snd-win\"" : "", a);
			}
			snd_buf_puts(o, "</tr>");
		}
		snd_buf_puts(o, "</tbody></table>");
	}
}

/* -------------------------------------------------------------- position */


/* One objection or comment as a list item: the entity (never on
 * pseudonymous forms), then the text in <bdi> so an Arabic reason cannot
 * reorder the entity name or the list around it. */
static void entry_item(struct snd_buf *o, const struct snd_form *f, const cJSON *it,
                       const char *text_key)
{
	const char *ent = f->anonymity == SND_PSEUDONYMOUS ? NULL : snd_json_str(it, "entity");
	const char *t = snd_json_str(it, text_key);
	snd_buf_puts(o, "<li>");
	if (ent) {
		snd_buf_puts(o, "<span class=\"snd-ent\" dir=\"auto\">");
		snd_buf_html(o, ent);
		snd_buf_puts(o, "</span> ");
	}
	snd_buf_puts(o, "<bdi>");
	snd_buf_html(o, t ? t : "");
	snd_buf_puts(o, "</bdi></li>");
}

/* The list arr (objections or comments) as <ul class=cls>, at most max
 * items (0: all) in the summary's order (by entity, then text: never by
 * time, which on a pseudonymous form would pair texts with submissions;
 * see tally.c); when arr holds more, a note "N of M shown" and,
 * when more_href is given, a link to all of them.  Counting the items is
 * O(M) pointer steps, escaping them O(max). */
static void entry_list(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *arr,
                       const char *cls, const char *text_key, size_t max, const char *more_href)
{
	const cJSON *it;
	size_t n = 0, total = 0;
	cJSON_ArrayForEach(it, arr)
		total++;
	snd_buf_printf(o, "<ul class=\"%s\">", cls);
	cJSON_ArrayForEach(it, arr) {
		if (max > 0 && n == max)
			break;
		entry_item(o, f, it, text_key);
		n++;
	}
	snd_buf_puts(o, "</ul>");
	if (n < total) {
		const char *args[2];
		char a[SND_FMT_LEN], b[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);
		snd_fmt_count(a, (double)n, dec);
		snd_fmt_count(b, (double)total, dec);
		args[0] = a;
		args[1] = b;
		snd_buf_puts(o, "<p class=\"snd-more\">");
		snd_rpt_html_fill(o, T(f, lang, f->anonymity == SND_PSEUDONYMOUS ? M_SHOWN_OF_PSEUDO
		                                                                 : M_SHOWN_OF), args, 2);
		if (more_href) {
			snd_buf_puts(o, " <a href=\"");
			snd_buf_html(o, more_href);
			snd_buf_puts(o, "\">");
			snd_rpt_html_fill(o, T(f, lang, M_SEE_ALL), args + 1, 1);
			snd_buf_puts(o, "</a>");
		}
		snd_buf_puts(o, "</p>");
	}
}

/* n bytes of s, escaped. */
static void html_span(struct snd_buf *o, const char *s, size_t n)
{
	struct snd_buf t;
	snd_buf_init(&t, 0);
	snd_buf_append(&t, s, n);
	snd_buf_html(o, t.data ? t.data : "");
	if (t.failed)
		o->failed = 1;
	snd_buf_free(&t);
}

/* --weight entity: the divided delegations under the figures, one line
 * each, "Divided: Kenya (support 1, object 1)" - the positions with no
 * delegate left out; the entity in <bdi> as in the objections; at most
 * max (0: all), as the objections.  Nothing on pseudonymous forms,
 * whatever the summary holds. */
static void render_divided(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *qs,
                           size_t max)
{
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(qs, "divided"), *it;
	size_t shown = 0, total = (size_t)cJSON_GetArraySize(dv);
	const char *tpl = T(f, lang, M_DIVIDED_ITEM);
	const char *s1 = strstr(tpl, "%s"), *s2 = s1 ? strstr(s1 + 2, "%s") : NULL;
	char dec = snd_rpt_dec(f, lang);
	if (f->anonymity == SND_PSEUDONYMOUS || !cJSON_IsArray(dv) || dv->child == NULL ||
	    s2 == NULL)
		return;
	snd_buf_puts(o, "<ul class=\"snd-divided\">");
	cJSON_ArrayForEach(it, dv) {
		const cJSON *cn = cJSON_GetObjectItemCaseSensitive(it, "counts");
		if (max > 0 && shown++ == max)
			break;
		const char *ent = snd_json_str(it, "entity");
		struct snd_buf t;
		int k = 0;
		snd_buf_init(&t, 0);
		for (int i = 0; i < SND_POS__MAX; i++) {
			char a[SND_FMT_LEN];
			double n = snd_json_num0(cn, snd_position_names[i]);
			if (n <= 0)
				continue;
			snd_fmt_count(a, n, dec);
			snd_buf_printf(&t, "%s%s %s", k++ ? ", " : "", T(f, lang, snd_rpt_pos_msg[i]), a);
		}
		snd_buf_puts(o, "<li>");
		html_span(o, tpl, (size_t)(s1 - tpl));
		snd_buf_puts(o, "<bdi class=\"snd-ent\">");
		snd_buf_html(o, ent ? ent : "?");
		snd_buf_puts(o, "</bdi>");
		html_span(o, s1 + 2, (size_t)(s2 - s1 - 2));
		snd_buf_html(o, t.data ? t.data : "");
		snd_buf_html(o, s2 + 2);
		snd_buf_puts(o, "</li>");
		if (t.failed)
			o->failed = 1;
		snd_buf_free(&t);
	}
	snd_buf_puts(o, "</ul>");
	if (max > 0 && total > max) {
		const char *args[2];
		char a[SND_FMT_LEN], b[SND_FMT_LEN];
		snd_fmt_count(a, (double)max, dec);
		snd_fmt_count(b, (double)total, dec);
		args[0] = a;
		args[1] = b;
		snd_buf_puts(o, "<p class=\"snd-more\">");
		snd_rpt_html_fill(o, T(f, lang, M_SHOWN_OF), args, 2);
		snd_buf_puts(o, "</p>");
	}
	snd_rpt_explain(o, T(f, lang, M_DIVIDED_NOTE));
}

static void render_position(struct snd_buf *o, const struct snd_form *f, int lang,
                            const cJSON *qs, size_t max, const char *more_href)
{
	double c[SND_POS__MAX], total = 0, x = 0;
	const cJSON *objs = cJSON_GetObjectItemCaseSensitive(qs, "objections");
	struct snd_buf desc;
	char a[SND_FMT_LEN], b[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);
	int i;

	for (i = 0; i < SND_POS__MAX; i++) {
		c[i] = snd_json_num0(qs, snd_position_names[i]);
		total += c[i];
	}
	snd_buf_init(&desc, 0);
	snd_buf_puts(&desc, T(f, lang, M_POSITIONS));
	for (i = 0; i < SND_POS__MAX; i++) {
		snd_fmt_count(a, c[i], dec);
		snd_fmt_pct(b, total > 0 ? c[i] / total : 0, dec);
		snd_buf_printf(&desc, "%s %s %s (%s)", i ? ";" : ":", T(f, lang, snd_rpt_pos_msg[i]), a, b);
	}
	snd_rpt_svg_open(o, "snd-chart snd-positions", 64, &desc);
	snd_buf_free(&desc);
	for (i = 0; i < SND_POS__MAX; i++) {
		double w = total > 0 ? c[i] / total * (SND_RPT_CHART_W - 40) : 0;
		snd_buf_printf(o, "<rect y=\"4\" height=\"22\" fill=\"%s\"", snd_rpt_pos_fill[i]);
		snd_rpt_coord(o, "x", 20 + x);
		snd_rpt_coord(o, "width", w);
		snd_buf_puts(o, "/>");
		x += w;
	}
	if (total <= 0)
		snd_buf_printf(o, "<rect x=\"20\" y=\"4\" width=\"%d\" height=\"22\" fill=\"#e6e9ef\"/>",
		               SND_RPT_CHART_W - 40);
	for (i = 0; i < SND_POS__MAX; i++) {
		int lx = 20 + i * 150;
		snd_fmt_count(a, c[i], dec);
		snd_buf_printf(o, "<rect x=\"%d\" y=\"40\" width=\"12\" height=\"12\" fill=\"%s\"/>"
		               "<text x=\"%d\" y=\"50\" fill=\"#222\">%s %s</text>",
		               lx, snd_rpt_pos_fill[i], lx + 16, T(f, lang, snd_rpt_pos_msg[i]), a);
	}
	snd_buf_puts(o, "</svg>");

	snd_rpt_verdict(o, f, lang, qs, "p", "snd-verdict");
	render_divided(o, f, lang, qs, max);
	snd_rpt_explain(o, T(f, lang, M_POS_NOTE));
	if (cJSON_IsArray(objs) && cJSON_GetArraySize(objs) > 0) {
		snd_rpt_elem(o, "h4", NULL, T(f, lang, M_OBJECTIONS));
		entry_list(o, f, lang, objs, "snd-objections", "reason", max, more_href);
	}
}

/* ---------------------------------------------------------------- number */

/* A number question's histogram as columns, one per bin (interface.md's
 * bins, as the summary gives them): one value per bin labelled under its
 * column, ranges [from, to) labelled at their edges.  Nothing when the
 * summary has no bins (nobody answered, no declared bounds). */
static void render_histogram(struct snd_buf *o, const struct snd_form *f, int lang,
                             const cJSON *qs)
{
	const cJSON *hist = cJSON_GetObjectItemCaseSensitive(qs, "histogram"), *it;
	int n = cJSON_GetArraySize(hist), i = 0, per_value = 1;
	double peak = 0, cw, last_to = 0;
	char a[SND_FMT_LEN], b[SND_FMT_LEN], c[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);
	struct snd_buf desc;

	if (!cJSON_IsArray(hist) || n <= 0 || n > 64)
		return;
	snd_buf_init(&desc, 0);
	snd_buf_puts(&desc, T(f, lang, M_HISTOGRAM));
	cJSON_ArrayForEach(it, hist)
		if (snd_json_num0(it, "from") != snd_json_num0(it, "to"))
			per_value = 0;
	cJSON_ArrayForEach(it, hist) {
		double cnt = snd_json_num0(it, "count");
		if (cnt > peak)
			peak = cnt;
		snd_rpt_num(a, it, "from", snd_fmt_value, dec);
		snd_rpt_num(b, it, "to", snd_fmt_value, dec);
		snd_fmt_count(c, cnt, dec);
		if (per_value)
			snd_buf_printf(&desc, "%s %s: %s", i ? ";" : ":", a, c);
		else
			snd_buf_printf(&desc, "%s %s\xe2\x80\x93%s: %s", i ? ";" : ":", a, b, c);
		i++;
	}
	snd_rpt_svg_open(o, "snd-chart snd-hist", 150, &desc);
	snd_buf_free(&desc);
	cw = (double)(SND_RPT_CHART_W - 40) / n;
	if (cw > 72)
		cw = 72;
	i = 0;
	cJSON_ArrayForEach(it, hist) {
		double cnt = snd_json_num0(it, "count");
		double bh = peak > 0 && cnt > 0 ? cnt / peak * 100.0 : 0, x = 20 + i * cw;
		snd_buf_puts(o, "<g><rect");
		snd_rpt_coord(o, "x", x + (per_value ? 2 : 1));
		snd_rpt_coord(o, "y", 118 - bh);
		snd_rpt_coord(o, "width", cw - (per_value ? 4 : 2));
		snd_rpt_coord(o, "height", bh);
		snd_buf_puts(o, " fill=\"#3b6ea5\"/>");
		if (cnt > 0 && cw >= 40) { /* narrower: the figures are in the label */
			snd_fmt_count(c, cnt, dec);
			snd_buf_puts(o, "<text");
			snd_rpt_coord(o, "x", x + cw / 2);
			snd_rpt_coord(o, "y", 112 - bh);
			snd_buf_printf(o, " text-anchor=\"middle\" fill=\"#222\">%s</text>", c);
		}
		snd_rpt_num(a, it, "from", snd_fmt_value, dec);
		snd_buf_puts(o, "<text");
		snd_rpt_coord(o, "x", per_value ? x + cw / 2 : x);
		snd_buf_printf(o, " y=\"134\" text-anchor=\"middle\" fill=\"#222\">%s</text></g>", a);
		last_to = snd_json_num0(it, "to");
		i++;
	}
	if (!per_value) {
		snd_fmt_value(b, last_to, 1, dec);
		snd_buf_puts(o, "<text");
		snd_rpt_coord(o, "x", 20 + n * cw);
		snd_buf_printf(o, " y=\"134\" text-anchor=\"middle\" fill=\"#222\">%s</text>", b);
	}
	snd_buf_printf(o, "<line x1=\"20\" y1=\"118.5\"");
	snd_rpt_coord(o, "x2", 20 + n * cw);
	snd_buf_puts(o, " y2=\"118.5\" stroke=\"#888\"/></svg>");
}

static void render_number(struct snd_buf *o, const struct snd_form *f, int lang,
                          const struct snd_question *q, const cJSON *qs)
{
	const char *args[4];
	double mn, mx, mean = 0, med = 0, lo, hi;
	int has_mean, has_med;
	char a[SND_FMT_LEN], b[SND_FMT_LEN], c[SND_FMT_LEN], d[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);
	struct snd_buf desc;

	snd_buf_puts(o, "<dl class=\"snd-figs\">");
	snd_fmt_count(a, snd_json_num0(qs, "answered"), dec);
	snd_rpt_figure(o, T(f, lang, M_ANSWERED), a);
	snd_rpt_num(a, qs, "min", snd_fmt_value, dec);
	snd_rpt_num(b, qs, "max", snd_fmt_value, dec);
	snd_rpt_num(c, qs, "mean", snd_fmt_stat, dec);
	snd_rpt_num(d, qs, "median", snd_fmt_value, dec);
	snd_rpt_figure(o, T(f, lang, M_MIN), a);
	snd_rpt_figure(o, T(f, lang, M_MAX), b);
	snd_rpt_figure(o, T(f, lang, M_MEAN), c);
	snd_rpt_figure(o, T(f, lang, M_MEDIAN), d);
	snd_buf_puts(o, "</dl>");
	if (!snd_json_num(qs, "min", &mn) || !snd_json_num(qs, "max", &mx))
		return;
	has_mean = snd_json_num(qs, "mean", &mean);
	has_med = snd_json_num(qs, "median", &med);
	/* The axis spans the question's bounds when they are finite, so two
	 * groups' charts of one question line up. */
	lo = mn;
	hi = mx;
	if (q && isfinite(q->nmin) && isfinite(q->nmax) && q->nmax > q->nmin &&
	    q->nmin <= mn && q->nmax >= mx) {
		lo = q->nmin;
		hi = q->nmax;
	}
	if (hi <= lo)
		hi = lo + 1;
	snd_buf_init(&desc, 0);
	args[0] = a;
	args[1] = b;
	args[2] = c;
	args[3] = d;
	snd_rpt_fill(&desc, T(f, lang, M_RANGE_DESC), args, 4);
	snd_rpt_svg_open(o, "snd-chart snd-range", 56, &desc);
	snd_buf_free(&desc);
#define XOF(v) (20 + ((v) - lo) / (hi - lo) * (SND_RPT_CHART_W - 40))
	snd_buf_printf(o, "<line x1=\"20\" y1=\"20\" x2=\"%d\" y2=\"20\" stroke=\"#bbb\"/>",
	               SND_RPT_CHART_W - 20);
	snd_buf_puts(o, "<rect y=\"14\" height=\"12\" fill=\"#3b6ea5\"");
	snd_rpt_coord(o, "x", XOF(mn));
	snd_rpt_coord(o, "width", XOF(mx) - XOF(mn) < 2 ? 2 : XOF(mx) - XOF(mn));
	snd_buf_puts(o, "/>");
	if (has_med) {
		snd_buf_puts(o, "<rect y=\"8\" width=\"3\" height=\"24\" fill=\"#222\"");
		snd_rpt_coord(o, "x", XOF(med) - 1.5);
		snd_buf_puts(o, "/>");
	}
	if (has_mean) {
		snd_buf_puts(o, "<circle r=\"5\" cy=\"20\" fill=\"#f9a825\" stroke=\"#222\"");
		snd_rpt_coord(o, "cx", XOF(mean));
		snd_buf_puts(o, "/>");
	}
	snd_fmt_count(a, lo, dec);
	snd_fmt_count(b, hi, dec);
	snd_buf_printf(o, "<text x=\"20\" y=\"48\" fill=\"#222\">%s</text><text x=\"%d\" y=\"48\" "
	               "text-anchor=\"end\" fill=\"#222\">%s</text>", a, SND_RPT_CHART_W - 20, b);
	snd_buf_printf(o, "<text x=\"%d\" y=\"48\" text-anchor=\"middle\" fill=\"#222\">",
	               SND_RPT_CHART_W / 2);
	snd_buf_html(o, T(f, lang, M_RANGE_LEGEND));
	snd_buf_puts(o, "</text></svg>");
#undef XOF
	render_histogram(o, f, lang, qs);
}

/* ------------------------------------------------------------------ text */

static void render_text(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *qs,
                        size_t max, const char *more_href)
{
	const cJSON *cm = cJSON_GetObjectItemCaseSensitive(qs, "comments");
	if (!cJSON_IsArray(cm) || cJSON_GetArraySize(cm) == 0) {
		snd_rpt_none(o, T(f, lang, M_NO_COMMENTS));
		return;
	}
	entry_list(o, f, lang, cm, "snd-comments", "text", max, more_href);
}

/* --------------------------------------------------------------- public */

/* What a chair should read from the scale's three measures, one sentence
 * each; Leik's and van der Eijk's only when the summary (qs: the scale,
 * or a matrix's first row) has them. */
static void ordinal_notes(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *qs)
{
	snd_rpt_explain(o, T(f, lang, M_TW_NOTE));
	if (cJSON_GetObjectItemCaseSensitive(qs, "leik") != NULL)
		snd_rpt_explain(o, T(f, lang, M_LEIK_NOTE));
	if (cJSON_GetObjectItemCaseSensitive(qs, "agreement") != NULL)
		snd_rpt_explain(o, T(f, lang, M_AGREEMENT_NOTE));
}

void snd_report_question(struct snd_buf *out, const struct snd_form *f, int lang,
                         const cJSON *qsum)
{
	snd_report_question_capped(out, f, lang, qsum, 0, NULL);
}

void snd_report_question_capped(struct snd_buf *out, const struct snd_form *f, int lang,
                                const cJSON *qsum, size_t max_items, const char *more_href)
{
	const char *id = snd_json_str(qsum, "id"), *type = snd_json_str(qsum, "type");
	int qi = id ? snd_form_question(f, id) : -1;
	const struct snd_question *q = qi >= 0 ? &f->questions[qi] : NULL;
	const char *text = q ? snd_rpt_label(f, &q->text, lang) : NULL;
	enum snd_qtype t = SND_Q__MAX;
	char a[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);
	int i;

	if (q)
		t = q->type;
	else if (type)
		for (i = 0; i < SND_Q__MAX; i++)
			if (strcmp(type, snd_qtype_names[i]) == 0)
				t = (enum snd_qtype)i;
	snd_buf_printf(out, "<section class=\"snd-q snd-q-%s\"><h3>",
	               t < SND_Q__MAX ? snd_qtype_names[t] : "unknown");
	snd_buf_html(out, text ? text : (id ? id : "?"));
	snd_buf_puts(out, "</h3><p class=\"snd-meta\"><code>");
	snd_buf_html(out, id ? id : "?");
	snd_fmt_count(a, snd_json_num0(qsum, "answered"), dec);
	snd_buf_puts(out, "</code> \xc2\xb7 ");
	snd_buf_html(out, T(f, lang, t < SND_Q__MAX ? snd_rpt_type_msg[t] : M_TYPE_UNKNOWN));
	snd_buf_puts(out, " \xc2\xb7 ");
	snd_buf_html(out, T(f, lang, M_ANSWERED));
	snd_buf_printf(out, ": %s</p>", a);
	switch (t) {
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
		render_options(out, f, lang, q, qsum);
		break;
	case SND_Q_SCALE:
		snd_rpt_scale(out, f, lang, q, qsum, NULL);
		ordinal_notes(out, f, lang, qsum);
		break;
	case SND_Q_MATRIX:
		snd_rpt_matrix(out, f, lang, q, qsum);
		snd_rpt_explain(out, T(f, lang, M_ROW_NOTE));
		ordinal_notes(out, f, lang, cJSON_GetArrayItem(
		                                 cJSON_GetObjectItemCaseSensitive(qsum, "rows"), 0));
		break;
	case SND_Q_RANK:
		render_rank(out, f, lang, q, qsum);
		break;
	case SND_Q_POSITION:
		render_position(out, f, lang, qsum, max_items, more_href);
		break;
	case SND_Q_NUMBER:
		render_number(out, f, lang, q, qsum);
		break;
	case SND_Q_TEXT:
		render_text(out, f, lang, qsum, max_items, more_href);
		break;
	default:
		snd_rpt_none(out, T(f, lang, M_UNKNOWN));
		break;
	}
	snd_buf_puts(out, "</section>\n");
}
