/* report_scale.c - the results of scale and matrix questions: a column per
 * scale point, a diverging bar (below / at / above the midpoint), the end
 * labels, and the figures (answered, no view, mean, median, quartiles,
 * Tastle-Wierman consensus, Leik's dispersion, van der Eijk's agreement); a
 * matrix shows all its rows as diverging bars, then each row as a scale.
 * "No view" answers are written under the distribution ("No view: N"),
 * never drawn as a share of it.
 *
 * Invariants:
 *   1. The scale's points are the question's [min, max] (at most 101); for a
 *      question the form does not know, the distribution's own keys, and
 *      nothing but a note when they span more than 101 points.
 *   2. Shares are of the answers counted in the distribution; with none,
 *      every share is 0 and every bar empty, never a division by zero.
 *   3. Quartiles are read off the distribution like the engine's lower
 *      median: the smallest point whose cumulative share reaches 1/4, 3/4.
 *   4. Numbers go through core/fmt.c with the report's separator
 *      (snd_rpt_dec), the matrix overview's row means included.
 */
#include "report_int.h"

#include <stdio.h>
#include <stdlib.h>

/* ---------------------------------------------------------- scale, matrix */

void snd_rpt_scale(struct snd_buf *o, const struct snd_form *f, int lang,
                   const struct snd_question *q, const cJSON *qs, const char *rowname)
{
	char dec = snd_rpt_dec(f, lang);
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(qs, "distribution");
	int lo, hi, v, k, i;
	double counts[101], total = 0, peak = 0, below = 0, at = 0, above = 0, med, nv = 0;
	char a[SND_FMT_LEN], b[SND_FMT_LEN], c[SND_FMT_LEN], key[16], nvs[SND_FMT_LEN];
	struct snd_buf desc, nvt;
	double cw;
	int mid2;
	/* "No view" answers: shown beside the chart, never in its shares; only
	 * where the question allows them or some were counted. */
	int show_nv = snd_json_num(qs, "no_view", &nv) && (q == NULL || q->no_view || nv > 0);

	if (q && q->max >= q->min && q->max - q->min <= 100) {
		lo = q->min;
		hi = q->max;
	} else {
		/* Unknown question: the distribution's own keys, in their order. */
		const cJSON *it;
		lo = 1;
		hi = 0;
		cJSON_ArrayForEach(it, dist) {
			int kv = atoi(it->string ? it->string : "0");
			if (hi < lo) {
				lo = hi = kv;
			} else {
				if (kv < lo) lo = kv;
				if (kv > hi) hi = kv;
			}
		}
		if (hi < lo || hi - lo > 100) {
			snd_rpt_none(o, T(f, lang, M_NO_DIST));
			return;
		}
	}
	k = hi - lo + 1;
	mid2 = lo + hi; /* twice the midpoint, to stay in integers */
	for (v = lo; v <= hi; v++) {
		snprintf(key, sizeof key, "%d", v);
		counts[v - lo] = snd_json_num0(dist, key);
		total += counts[v - lo];
		if (counts[v - lo] > peak)
			peak = counts[v - lo];
		if (2 * v < mid2)
			below += counts[v - lo];
		else if (2 * v == mid2)
			at += counts[v - lo];
		else
			above += counts[v - lo];
	}

	/* Distribution: one column per scale point. */
	snd_buf_init(&desc, 0);
	snd_buf_printf(&desc, "%s%s%s", T(f, lang, M_DISTRIBUTION), rowname ? " \xe2\x80\x94 " : "",
	               rowname ? rowname : "");
	for (v = lo; v <= hi; v++) {
		snd_fmt_count(a, counts[v - lo], dec);
		snd_fmt_pct(b, total > 0 ? counts[v - lo] / total : 0, dec);
		snd_buf_printf(&desc, "%s %d: %s (%s)", v == lo ? ":" : ";", v, a, b);
	}
	snd_buf_init(&nvt, 0);
	if (show_nv) {
		const char *arg = nvs;
		snd_fmt_count(nvs, nv, dec);
		snd_rpt_fill(&nvt, T(f, lang, M_NO_VIEW_N), &arg, 1);
		snd_buf_printf(&desc, "; %s", nvt.data ? nvt.data : "");
	}
	snd_rpt_svg_open(o, "snd-chart snd-dist", 150, &desc);
	snd_buf_free(&desc);
	cw = (double)(SND_RPT_CHART_W - 40) / k;
	if (cw > 72)
		cw = 72;
	for (v = lo, i = 0; v <= hi; v++, i++) {
		double bh = peak > 0 ? counts[i] / peak * 100.0 : 0;
		double x = 20 + i * cw;
		snd_fmt_count(a, counts[i], dec);
		snd_buf_puts(o, "<g><rect");
		snd_rpt_coord(o, "x", x + 4);
		snd_rpt_coord(o, "y", 118 - bh);
		snd_rpt_coord(o, "width", cw - 8);
		snd_rpt_coord(o, "height", bh);
		snd_buf_printf(o, " fill=\"%s\"/><text", 2 * v < mid2 ? "#d6604d" :
		               2 * v == mid2 ? "#9e9e9e" : "#4393c3");
		snd_rpt_coord(o, "x", x + cw / 2);
		snd_rpt_coord(o, "y", 112 - bh);
		snd_buf_printf(o, " text-anchor=\"middle\" fill=\"#222\">%s</text><text", a);
		snd_rpt_coord(o, "x", x + cw / 2);
		snd_buf_printf(o, " y=\"134\" text-anchor=\"middle\" fill=\"#222\">%d</text></g>", v);
	}
	snd_buf_printf(o, "<line x1=\"20\" y1=\"118.5\" x2=\"%d\" y2=\"118.5\" stroke=\"#888\"/>",
	               SND_RPT_CHART_W - 20);
	if (show_nv) {
		snd_buf_printf(o, "<text x=\"%d\" y=\"148\" text-anchor=\"end\" fill=\"#222\">",
		               SND_RPT_CHART_W - 20);
		snd_buf_html(o, nvt.data ? nvt.data : "");
		snd_buf_puts(o, "</text>");
	}
	if (nvt.failed)
		o->failed = 1;
	snd_buf_free(&nvt);
	snd_buf_puts(o, "</svg>");

	/* Diverging bar: below the midpoint to the left, above it to the right,
	 * answers at the midpoint straddling the centre line. */
	{
		double sp[3], half = 300, cx = SND_RPT_CHART_W / 2.0;
		sp[0] = total > 0 ? below / total : 0;
		sp[1] = total > 0 ? at / total : 0;
		sp[2] = total > 0 ? above / total : 0;
		snd_buf_init(&desc, 0);
		snd_fmt_pct(a, sp[0], dec);
		snd_fmt_pct(b, sp[1], dec);
		snd_fmt_pct(c, sp[2], dec);
		snd_buf_printf(&desc, "%s %s", T(f, lang, M_BELOW), a);
		if (mid2 % 2 == 0)
			snd_buf_printf(&desc, ", %s %s", T(f, lang, M_AT), b);
		snd_buf_printf(&desc, ", %s %s", T(f, lang, M_ABOVE), c);
		snd_rpt_svg_open(o, "snd-chart snd-diverging", 48, &desc);
		snd_buf_free(&desc);
		snd_rpt_diverging(o, 4, 18, cx, half, sp);
		snd_buf_printf(o, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"26\" stroke=\"#222\"/>",
		               cx, cx);
		snd_buf_printf(o, "<text x=\"20\" y=\"40\" fill=\"#222\">%s %s</text>",
		               T(f, lang, M_BELOW), a);
		if (mid2 % 2 == 0)
			snd_buf_printf(o, "<text x=\"%.1f\" y=\"40\" text-anchor=\"middle\" "
			               "fill=\"#222\">%s %s</text>", cx, T(f, lang, M_AT), b);
		snd_buf_printf(o, "<text x=\"%d\" y=\"40\" text-anchor=\"end\" fill=\"#222\">"
		               "%s %s</text></svg>", SND_RPT_CHART_W - 20, T(f, lang, M_ABOVE), c);
	}

	/* Scale end labels, when the form has them. */
	if (q && q->scale_labels) {
		int any = 0;
		for (v = lo; v <= hi; v++) {
			const char *l = snd_rpt_label(f, &q->scale_labels[v - lo], lang);
			if (l == NULL)
				continue;
			if (!any)
				snd_buf_puts(o, "<ul class=\"snd-scale-labels\">");
			any = 1;
			snd_buf_printf(o, "<li><b>%d</b> ", v);
			snd_buf_html(o, l);
			snd_buf_puts(o, "</li>");
		}
		if (any)
			snd_buf_puts(o, "</ul>");
	}

	snd_buf_puts(o, "<dl class=\"snd-figs\">");
	snd_fmt_count(a, snd_json_num0(qs, "answered"), dec);
	snd_rpt_figure(o, T(f, lang, M_ANSWERED), a);
	if (show_nv)
		snd_rpt_figure(o, T(f, lang, M_NO_VIEW), nvs);
	snd_rpt_num(a, qs, "mean", snd_fmt_stat, dec);
	snd_rpt_figure(o, T(f, lang, M_MEAN), a);
	if (snd_json_num(qs, "median", &med)) {
		snd_fmt_count(b, med, dec);
		snd_rpt_figure(o, T(f, lang, M_MEDIAN), b);
	} else {
		snd_rpt_figure(o, T(f, lang, M_MEDIAN), "\xe2\x80\x94");
	}
	if (total > 0) {
		/* Quartiles from the distribution, like the lower median: the
		 * smallest point whose cumulative share reaches 1/4 and 3/4. */
		double cum = 0;
		int q1 = hi, q3 = hi, have1 = 0;
		for (v = lo; v <= hi; v++) {
			cum += counts[v - lo];
			if (!have1 && cum >= total * 0.25 - 1e-9) {
				q1 = v;
				have1 = 1;
			}
			if (cum >= total * 0.75 - 1e-9) {
				q3 = v;
				break;
			}
		}
		snprintf(a, sizeof a, "%d\xe2\x80\x93%d", q1, q3);
		snd_rpt_figure(o, T(f, lang, M_IQR), a);
	}
	snd_rpt_num(c, qs, "consensus", snd_fmt_stat, dec);
	snd_rpt_figure(o, T(f, lang, M_CONSENSUS_TW), c);
	/* Older summaries (a collector not yet upgraded) have no leik or
	 * agreement: no figure rather than a dash for what was never there. */
	if (cJSON_GetObjectItemCaseSensitive(qs, "leik") != NULL) {
		snd_rpt_num(c, qs, "leik", snd_fmt_stat, dec);
		snd_rpt_figure(o, T(f, lang, M_LEIK), c);
	}
	if (cJSON_GetObjectItemCaseSensitive(qs, "agreement") != NULL) {
		snd_rpt_num(c, qs, "agreement", snd_fmt_stat, dec);
		snd_rpt_figure(o, T(f, lang, M_AGREEMENT), c);
	}
	snd_buf_puts(o, "</dl>");
}

/* Shares of a row's answers below / at / above the scale's midpoint. */
static void row_split(const struct snd_question *q, const cJSON *row, double out[3])
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(row, "distribution");
	double total = 0;
	char key[16];
	int v;
	out[0] = out[1] = out[2] = 0;
	if (q == NULL || q->max < q->min || q->max - q->min > 100)
		return;
	for (v = q->min; v <= q->max; v++) {
		double n;
		snprintf(key, sizeof key, "%d", v);
		n = snd_json_num0(dist, key);
		if (n < 0)
			n = 0;
		total += n;
		out[2 * v < q->min + q->max ? 0 : 2 * v == q->min + q->max ? 1 : 2] += n;
	}
	for (v = 0; v < 3; v++)
		out[v] = total > 0 ? out[v] / total : 0;
}

/* Every row of a matrix as one diverging bar, one under the other, so the
 * rows compare at a glance; the details per row follow. */
static void render_matrix_overview(struct snd_buf *o, const struct snd_form *f, int lang,
                                   const struct snd_question *q, const cJSON *rows)
{
	const cJSON *it;
	struct snd_buf desc;
	double cx = 430, half = 180;
	int n = cJSON_GetArraySize(rows), i = 0;
	char a[SND_FMT_LEN], b[SND_FMT_LEN], c[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);

	if (q == NULL)
		return;
	snd_buf_init(&desc, 0);
	cJSON_ArrayForEach(it, rows) {
		double sp[3];
		const char *id = snd_json_str(it, "id");
		row_split(q, it, sp);
		snd_fmt_pct(a, sp[0], dec);
		snd_fmt_pct(b, sp[1], dec);
		snd_fmt_pct(c, sp[2], dec);
		snd_buf_printf(&desc, "%s%s: %s %s, %s %s, %s %s", i++ ? "; " : "",
		               snd_rpt_opt_label(f, q->rows, q->nrows, id, lang), T(f, lang, M_BELOW), a,
		               T(f, lang, M_AT), b, T(f, lang, M_ABOVE), c);
	}
	snd_rpt_svg_open(o, "snd-chart snd-matrix", n * 24 + 8, &desc);
	snd_buf_free(&desc);
	i = 0;
	cJSON_ArrayForEach(it, rows) {
		double sp[3], mean;
		int y = i * 24 + 4;
		const char *id = snd_json_str(it, "id");
		row_split(q, it, sp);
		snd_buf_printf(o, "<g><text x=\"0\" y=\"%d\" fill=\"#222\">", y + 13);
		snd_rpt_html_trunc(o, snd_rpt_opt_label(f, q->rows, q->nrows, id, lang), 30);
		snd_buf_puts(o, "</text>");
		snd_rpt_diverging(o, y, 16, cx, half, sp);
		if (snd_json_num(it, "mean", &mean)) {
			snd_fmt_stat(a, mean, 1, dec);
			snd_buf_printf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#222\">"
			               "%s</text>", SND_RPT_CHART_W, y + 13, a);
		}
		snd_buf_puts(o, "</g>");
		i++;
	}
	snd_buf_printf(o, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>"
	               "</svg>", cx, cx, n * 24 + 8);
}

void snd_rpt_matrix(struct snd_buf *o, const struct snd_form *f, int lang,
                    const struct snd_question *q, const cJSON *qs)
{
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(qs, "rows"), *it;
	if (!cJSON_IsArray(rows) || cJSON_GetArraySize(rows) == 0) {
		snd_rpt_none(o, T(f, lang, M_NO_ROWS));
		return;
	}
	render_matrix_overview(o, f, lang, q, rows);
	cJSON_ArrayForEach(it, rows) {
		const char *id = snd_json_str(it, "id");
		const char *l = q ? snd_rpt_opt_label(f, q->rows, q->nrows, id, lang) : (id ? id : "?");
		snd_buf_puts(o, "<div class=\"snd-row\"><h4>");
		snd_buf_html(o, l);
		snd_buf_puts(o, "</h4>");
		snd_rpt_scale(o, f, lang, q, it, l);
		snd_buf_puts(o, "</div>");
	}
}
