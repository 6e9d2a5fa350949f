/* report.c - HTML fragments with inline SVG charts for tally summaries,
 * shared by `tally report` (a whole document) and the collector's chair
 * dashboard (one <section> per question).
 *
 * Owns: the look of every question type's results and the report
 * stylesheet.  The report's own words in the six UN languages (the one-line
 * explanations of the consensus measures among them) are report_i18n.c;
 * labels come from the form.
 *
 * Invariants:
 *   1. Output is a pure function of (form, lang, summary, turnout): no clock,
 *      no locale, no addresses, no randomness, so the same data gives the
 *      same bytes (tests compare them).
 *   2. Every string that came from a form or an answer passes snd_buf_html;
 *      numbers are formatted here with "C" style printf only.
 *   3. No script, no external reference of any kind (no xmlns URL either:
 *      inline SVG in HTML5 does not need it; the one link is the one a
 *      caller of snd_report_question_capped passes, escaped here), no id attributes (a question
 *      may appear several times in one page, once per group), no style
 *      attributes (the chair page runs under a CSP without 'unsafe-inline';
 *      SVG presentation attributes such as fill are not styles).
 *   4. Each chart is <svg role="img"> with a <title> and an aria-label that
 *      spell out the numbers, so a screen reader gets what the bars show.
 *   5. A missing or odd field in the summary degrades to "—", never a crash:
 *      the summary comes from our engine, but the dashboard renders it live.
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHART_W 640
#define BAR_W 440            /* track length of a horizontal bar at share 1 */
#define LABEL_CHARS 72       /* code points of a label shown inside a chart */

static const char *const pos_fill[SND_POS__MAX] = {
	"#2e7d32", "#9ccc65", "#c62828", "#9e9e9e"
};

/* ------------------------------------------------------------ UI texts
 * The report's own words in the six UN languages are report_i18n.c (the
 * form supplies its labels).  Templates hold "%s" slots filled in order by
 * fill(), never passed to printf. */

static const char *T(const struct snd_form *f, int lang, enum msg m)
{
	return snd_report_msg(f, lang, m);
}

/* Appends template tpl with each "%s" replaced, in order, by args[i]
 * (missing args as ""), unescaped: the caller escapes the result. */
static void fill(struct snd_buf *b, const char *tpl, const char *const *args, size_t n)
{
	size_t used = 0;
	const char *p;
	while ((p = strstr(tpl, "%s")) != NULL) {
		snd_buf_append(b, tpl, (size_t)(p - tpl));
		snd_buf_puts(b, used < n ? args[used] : "");
		used++;
		tpl = p + 2;
	}
	snd_buf_puts(b, tpl);
}

/* ------------------------------------------------------------ small helpers */

static const char *label_of(const struct snd_form *f, const struct snd_label *l, int lang)
{
	if (l == NULL || l->text == NULL)
		return NULL;
	if (lang < 0 || (size_t)lang >= f->nlanguages)
		lang = 0;
	return l->text[lang] ? l->text[lang] : l->text[0];
}

static int jnum(const cJSON *o, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return 0;
	*out = v->valuedouble;
	return 1;
}

static double jnum0(const cJSON *o, const char *key)
{
	double d = 0;
	return jnum(o, key, &d) ? d : 0;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A count: integral values bare, weights (fractions) with two decimals. */
static void fmt_num(char out[32], double v)
{
	if (!isfinite(v)) {
		snprintf(out, 32, "\xe2\x80\x94");
		return;
	}
	if (fabs(v - round(v)) < 1e-9)
		snprintf(out, 32, "%.0f", round(v) == 0 ? 0.0 : round(v));
	else
		snprintf(out, 32, "%.2f", v);
}

/* A statistic such as a mean: two decimals, trailing zeros kept so columns
 * line up. */
static void fmt_stat(char out[32], const cJSON *o, const char *key)
{
	double d;
	if (!jnum(o, key, &d))
		snprintf(out, 32, "\xe2\x80\x94");
	else
		snprintf(out, 32, "%.2f", fabs(d) < 0.005 ? 0.0 : d);
}

/* An answer value (a number question's min, max, median): integers bare,
 * else six significant digits. */
static void fmt_value(char out[32], const cJSON *o, const char *key)
{
	double d;
	if (!jnum(o, key, &d))
		snprintf(out, 32, "\xe2\x80\x94");
	else if (fabs(d - round(d)) < 1e-9)
		snprintf(out, 32, "%.0f", round(d) == 0 ? 0.0 : round(d));
	else
		snprintf(out, 32, "%.6g", d);
}

static void fmt_pct(char out[32], double share)
{
	if (!isfinite(share))
		share = 0;
	snprintf(out, 32, "%.1f%%", fabs(share) < 0.0005 ? 0.0 : share * 100.0);
}

/* Chart coordinates with one decimal: enough for a screen, stable bytes. */
static void put_coord(struct snd_buf *o, const char *name, double v)
{
	if (!isfinite(v) || fabs(v) < 0.05)
		v = 0;
	if (v > 1e6 || v < -1e6) /* odd data must not print 300-digit numbers */
		v = v > 0 ? 1e6 : -1e6;
	snd_buf_printf(o, " %s=\"%.1f\"", name, v);
}

/* Escaped text cut to at most max code points (with an ellipsis), cutting
 * only between UTF-8 sequences. */
static void html_trunc(struct snd_buf *o, const char *s, size_t max)
{
	char tmp[LABEL_CHARS * 4 + 8];
	size_t i = 0, cps = 0;
	if (max > LABEL_CHARS)
		max = LABEL_CHARS;
	while (s[i] && cps < max) {
		size_t k = 0;
		i++;
		/* at most 3 continuation bytes, so even invalid UTF-8 cannot run
		 * past tmp */
		while ((s[i] & 0xC0) == 0x80 && k++ < 3)
			i++;
		cps++;
	}
	if (s[i] == '\0') {
		snd_buf_html(o, s);
		return;
	}
	memcpy(tmp, s, i);
	memcpy(tmp + i, "\xe2\x80\xa6", 4);
	snd_buf_html(o, tmp);
}

static const struct snd_option *find_opt(const struct snd_option *opts, size_t n, const char *id)
{
	size_t i;
	if (id == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcmp(opts[i].id, id) == 0)
			return &opts[i];
	return NULL;
}

/* The display label of an option (or row) id, falling back to the id. */
static const char *opt_label(const struct snd_form *f, const struct snd_option *opts, size_t n,
                             const char *id, int lang)
{
	const struct snd_option *op = find_opt(opts, n, id);
	const char *l = op ? label_of(f, &op->label, lang) : NULL;
	return l ? l : (id ? id : "?");
}

static void svg_open(struct snd_buf *o, const char *cls, int height, const struct snd_buf *desc)
{
	/* direction="ltr": the charts are drawn left to right in every
	 * language; inherited rtl would anchor labels off the left edge.  An
	 * Arabic label still reads right to left inside its own run. */
	snd_buf_printf(o, "<svg class=\"%s\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	               "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\" "
	               "direction=\"ltr\" aria-label=\"",
	               cls, CHART_W, height, CHART_W, height);
	snd_buf_html(o, desc->data ? desc->data : "");
	snd_buf_puts(o, "\"><title>");
	snd_buf_html(o, desc->data ? desc->data : "");
	snd_buf_puts(o, "</title>");
}

static void figure(struct snd_buf *o, const char *name, const char *value)
{
	snd_buf_puts(o, "<dt>");
	snd_buf_html(o, name);
	snd_buf_puts(o, "</dt><dd>");
	snd_buf_html(o, value);
	snd_buf_puts(o, "</dd>");
}

static void explain(struct snd_buf *o, const char *text)
{
	snd_buf_puts(o, "<p class=\"snd-explain\">");
	snd_buf_html(o, text);
	snd_buf_puts(o, "</p>");
}

/* ------------------------------------------------------- horizontal bars */

struct hbar {
	const char *label;
	double value;        /* bar length is value / full of the track */
	const char *text;    /* the figure printed after the bar */
};

static void hbars(struct snd_buf *o, const char *title, const struct hbar *rows, size_t n,
                  double full)
{
	struct snd_buf desc;
	size_t i;
	int h = (int)n * 38 + 4;
	snd_buf_init(&desc, 0);
	snd_buf_puts(&desc, title);
	for (i = 0; i < n; i++)
		snd_buf_printf(&desc, "%s %s: %s", i ? ";" : ":", rows[i].label, rows[i].text);
	svg_open(o, "snd-chart snd-hbars", h, &desc);
	snd_buf_free(&desc);
	for (i = 0; i < n; i++) {
		int y = (int)i * 38;
		double w = full > 0 ? rows[i].value / full * BAR_W : 0;
		if (w < 0)
			w = 0;
		if (w > BAR_W)
			w = BAR_W;
		snd_buf_printf(o, "<g><text x=\"0\" y=\"%d\" fill=\"#222\">", y + 13);
		html_trunc(o, rows[i].label, LABEL_CHARS);
		snd_buf_printf(o, "</text><rect x=\"0\" y=\"%d\" width=\"%d\" height=\"14\" "
		               "fill=\"#e6e9ef\"/>", y + 18, BAR_W);
		snd_buf_printf(o, "<rect x=\"0\" y=\"%d\"", y + 18);
		put_coord(o, "width", w);
		snd_buf_printf(o, " height=\"14\" fill=\"#3b6ea5\"/><text x=\"%d\" y=\"%d\" "
		               "fill=\"#222\">", BAR_W + 8, y + 30);
		snd_buf_html(o, rows[i].text);
		snd_buf_puts(o, "</text></g>");
	}
	snd_buf_puts(o, "</svg>");
}

/* --------------------------------------------------------- single, multi */

static void render_options(struct snd_buf *o, const struct snd_form *f, int lang,
                           const struct snd_question *q, const cJSON *qs)
{
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(qs, "options");
	const cJSON *it;
	struct hbar *rows;
	char (*texts)[80];
	size_t n = 0, i = 0;
	const char *leader = jstr(qs, "leader");
	char a[32], b[32];

	if (!cJSON_IsArray(opts) || (n = (size_t)cJSON_GetArraySize(opts)) == 0) {
		snd_buf_puts(o, "<p class=\"snd-none\">");
		snd_buf_html(o, T(f, lang, M_NO_OPTIONS));
		snd_buf_puts(o, "</p>");
		return;
	}
	rows = calloc(n, sizeof *rows);
	texts = calloc(n, sizeof *texts);
	if (rows == NULL || texts == NULL) {
		o->failed = 1;
		goto out;
	}
	cJSON_ArrayForEach(it, opts) {
		const char *id = jstr(it, "id");
		double c = jnum0(it, "count"), s = jnum0(it, "share");
		fmt_num(a, c);
		fmt_pct(b, s);
		snprintf(texts[i], sizeof texts[i], "%s (%s)", a, b);
		rows[i].label = q ? opt_label(f, q->options, q->noptions, id, lang) : (id ? id : "?");
		rows[i].value = s;
		rows[i].text = texts[i];
		i++;
	}
	hbars(o, T(f, lang, q && q->type == SND_Q_MULTI ? M_SHARE_CHOOSING : M_ANSWERS_PER_OPTION),
	      rows, i, 1.0);
	snd_buf_puts(o, "<dl class=\"snd-figs\">");
	if (leader) {
		/* The plurality's margin: how far the leader is ahead of the next. */
		double top = -1, second = -1;
		cJSON_ArrayForEach(it, opts) {
			double c = jnum0(it, "count");
			if (c > top) {
				second = top;
				top = c;
			} else if (c > second) {
				second = c;
			}
		}
		figure(o, T(f, lang, M_LEADER),
		       q ? opt_label(f, q->options, q->noptions, leader, lang) : leader);
		fmt_num(a, second >= 0 ? top - second : top);
		figure(o, T(f, lang, M_MARGIN), a);
	} else {
		figure(o, T(f, lang, M_LEADER), T(f, lang, M_NO_LEADER));
	}
	snd_buf_puts(o, "</dl>");
	if (q && q->type == SND_Q_MULTI)
		explain(o, T(f, lang, M_MULTI_NOTE));
out:
	free(rows);
	free(texts);
}

/* ---------------------------------------------------------- scale, matrix */

static void render_scale(struct snd_buf *o, const struct snd_form *f, int lang,
                         const struct snd_question *q, const cJSON *qs, const char *rowname)
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(qs, "distribution");
	int lo, hi, v, k, i;
	double counts[101], total = 0, peak = 0, below = 0, at = 0, above = 0, med;
	char a[32], b[32], c[32], key[16];
	struct snd_buf desc;
	double cw;
	int mid2;

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
			snd_buf_puts(o, "<p class=\"snd-none\">");
			snd_buf_html(o, T(f, lang, M_NO_DIST));
			snd_buf_puts(o, "</p>");
			return;
		}
	}
	k = hi - lo + 1;
	mid2 = lo + hi; /* twice the midpoint, to stay in integers */
	for (v = lo; v <= hi; v++) {
		snprintf(key, sizeof key, "%d", v);
		counts[v - lo] = jnum0(dist, key);
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
		fmt_num(a, counts[v - lo]);
		fmt_pct(b, total > 0 ? counts[v - lo] / total : 0);
		snd_buf_printf(&desc, "%s %d: %s (%s)", v == lo ? ":" : ";", v, a, b);
	}
	svg_open(o, "snd-chart snd-dist", 150, &desc);
	snd_buf_free(&desc);
	cw = (double)(CHART_W - 40) / k;
	if (cw > 72)
		cw = 72;
	for (v = lo, i = 0; v <= hi; v++, i++) {
		double bh = peak > 0 ? counts[i] / peak * 100.0 : 0;
		double x = 20 + i * cw;
		fmt_num(a, counts[i]);
		snd_buf_puts(o, "<g><rect");
		put_coord(o, "x", x + 4);
		put_coord(o, "y", 118 - bh);
		put_coord(o, "width", cw - 8);
		put_coord(o, "height", bh);
		snd_buf_printf(o, " fill=\"%s\"/><text", 2 * v < mid2 ? "#d6604d" :
		               2 * v == mid2 ? "#9e9e9e" : "#4393c3");
		put_coord(o, "x", x + cw / 2);
		put_coord(o, "y", 112 - bh);
		snd_buf_printf(o, " text-anchor=\"middle\" fill=\"#222\">%s</text><text", a);
		put_coord(o, "x", x + cw / 2);
		snd_buf_printf(o, " y=\"134\" text-anchor=\"middle\" fill=\"#222\">%d</text></g>", v);
	}
	snd_buf_printf(o, "<line x1=\"20\" y1=\"118.5\" x2=\"%d\" y2=\"118.5\" stroke=\"#888\"/>",
	               CHART_W - 20);
	snd_buf_puts(o, "</svg>");

	/* Diverging bar: below the midpoint to the left, above it to the right,
	 * answers at the midpoint straddling the centre line. */
	{
		double pb = total > 0 ? below / total : 0, pa = total > 0 ? at / total : 0;
		double pu = total > 0 ? above / total : 0;
		double half = 300, cx = CHART_W / 2.0;
		snd_buf_init(&desc, 0);
		fmt_pct(a, pb);
		fmt_pct(b, pa);
		fmt_pct(c, pu);
		snd_buf_printf(&desc, "%s %s", T(f, lang, M_BELOW), a);
		if (mid2 % 2 == 0)
			snd_buf_printf(&desc, ", %s %s", T(f, lang, M_AT), b);
		snd_buf_printf(&desc, ", %s %s", T(f, lang, M_ABOVE), c);
		svg_open(o, "snd-chart snd-diverging", 48, &desc);
		snd_buf_free(&desc);
		snd_buf_puts(o, "<rect y=\"4\" height=\"18\" fill=\"#d6604d\"");
		put_coord(o, "x", cx - (pb + pa / 2) * half);
		put_coord(o, "width", pb * half);
		snd_buf_puts(o, "/><rect y=\"4\" height=\"18\" fill=\"#bdbdbd\"");
		put_coord(o, "x", cx - pa / 2 * half);
		put_coord(o, "width", pa * half);
		snd_buf_puts(o, "/><rect y=\"4\" height=\"18\" fill=\"#4393c3\"");
		put_coord(o, "x", cx + pa / 2 * half);
		put_coord(o, "width", pu * half);
		snd_buf_printf(o, "/><line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"26\" stroke=\"#222\"/>",
		               cx, cx);
		snd_buf_printf(o, "<text x=\"20\" y=\"40\" fill=\"#222\">%s %s</text>",
		               T(f, lang, M_BELOW), a);
		if (mid2 % 2 == 0)
			snd_buf_printf(o, "<text x=\"%.1f\" y=\"40\" text-anchor=\"middle\" "
			               "fill=\"#222\">%s %s</text>", cx, T(f, lang, M_AT), b);
		snd_buf_printf(o, "<text x=\"%d\" y=\"40\" text-anchor=\"end\" fill=\"#222\">"
		               "%s %s</text></svg>", CHART_W - 20, T(f, lang, M_ABOVE), c);
	}

	/* Scale end labels, when the form has them. */
	if (q && q->scale_labels) {
		int any = 0;
		for (v = lo; v <= hi; v++) {
			const char *l = label_of(f, &q->scale_labels[v - lo], lang);
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
	fmt_num(a, jnum0(qs, "answered"));
	figure(o, T(f, lang, M_ANSWERED), a);
	fmt_stat(a, qs, "mean");
	figure(o, T(f, lang, M_MEAN), a);
	if (jnum(qs, "median", &med)) {
		fmt_num(b, med);
		figure(o, T(f, lang, M_MEDIAN), b);
	} else {
		figure(o, T(f, lang, M_MEDIAN), "\xe2\x80\x94");
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
		figure(o, T(f, lang, M_IQR), a);
	}
	fmt_stat(c, qs, "consensus");
	figure(o, T(f, lang, M_CONSENSUS_TW), c);
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
		n = jnum0(dist, key);
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
	char a[32], b[32], c[32];

	if (q == NULL)
		return;
	snd_buf_init(&desc, 0);
	cJSON_ArrayForEach(it, rows) {
		double sp[3];
		const char *id = jstr(it, "id");
		row_split(q, it, sp);
		fmt_pct(a, sp[0]);
		fmt_pct(b, sp[1]);
		fmt_pct(c, sp[2]);
		snd_buf_printf(&desc, "%s%s: %s %s, %s %s, %s %s", i++ ? "; " : "",
		               opt_label(f, q->rows, q->nrows, id, lang), T(f, lang, M_BELOW), a,
		               T(f, lang, M_AT), b, T(f, lang, M_ABOVE), c);
	}
	svg_open(o, "snd-chart snd-matrix", n * 24 + 8, &desc);
	snd_buf_free(&desc);
	i = 0;
	cJSON_ArrayForEach(it, rows) {
		double sp[3], mean;
		int y = i * 24 + 4;
		const char *id = jstr(it, "id");
		row_split(q, it, sp);
		snd_buf_printf(o, "<g><text x=\"0\" y=\"%d\" fill=\"#222\">", y + 13);
		html_trunc(o, opt_label(f, q->rows, q->nrows, id, lang), 30);
		snd_buf_printf(o, "</text><rect y=\"%d\" height=\"16\" fill=\"#d6604d\"", y);
		put_coord(o, "x", cx - (sp[0] + sp[1] / 2) * half);
		put_coord(o, "width", sp[0] * half);
		snd_buf_printf(o, "/><rect y=\"%d\" height=\"16\" fill=\"#bdbdbd\"", y);
		put_coord(o, "x", cx - sp[1] / 2 * half);
		put_coord(o, "width", sp[1] * half);
		snd_buf_printf(o, "/><rect y=\"%d\" height=\"16\" fill=\"#4393c3\"", y);
		put_coord(o, "x", cx + sp[1] / 2 * half);
		put_coord(o, "width", sp[2] * half);
		snd_buf_puts(o, "/>");
		if (jnum(it, "mean", &mean)) {
			snprintf(a, sizeof a, "%.2f", mean);
			snd_buf_printf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#222\">"
			               "%s</text>", CHART_W, y + 13, a);
		}
		snd_buf_puts(o, "</g>");
		i++;
	}
	snd_buf_printf(o, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>"
	               "</svg>", cx, cx, n * 24 + 8);
}

static void render_matrix(struct snd_buf *o, const struct snd_form *f, int lang,
                          const struct snd_question *q, const cJSON *qs)
{
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(qs, "rows"), *it;
	if (!cJSON_IsArray(rows) || cJSON_GetArraySize(rows) == 0) {
		snd_buf_puts(o, "<p class=\"snd-none\">");
		snd_buf_html(o, T(f, lang, M_NO_ROWS));
		snd_buf_puts(o, "</p>");
		return;
	}
	render_matrix_overview(o, f, lang, q, rows);
	cJSON_ArrayForEach(it, rows) {
		const char *id = jstr(it, "id");
		const char *l = q ? opt_label(f, q->rows, q->nrows, id, lang) : (id ? id : "?");
		snd_buf_puts(o, "<div class=\"snd-row\"><h4>");
		snd_buf_html(o, l);
		snd_buf_puts(o, "</h4>");
		render_scale(o, f, lang, q, it, l);
		snd_buf_puts(o, "</div>");
	}
}

/* ------------------------------------------------------------------ rank */

static void render_rank(struct snd_buf *o, const struct snd_form *f, int lang,
                        const struct snd_question *q, const cJSON *qs)
{
	const cJSON *borda = cJSON_GetObjectItemCaseSensitive(qs, "borda");
	const cJSON *schulze = cJSON_GetObjectItemCaseSensitive(qs, "schulze");
	const cJSON *pw = cJSON_GetObjectItemCaseSensitive(qs, "pairwise");
	const char *cw = jstr(qs, "condorcet_winner");
	const cJSON *it, *jt;
	const struct snd_option *opts = q ? q->options : NULL;
	size_t nopts = q ? q->noptions : 0;
	char a[32];

	snd_buf_puts(o, "<h4>");
	snd_buf_html(o, T(f, lang, M_SCHULZE));
	snd_buf_puts(o, "</h4>");
	if (cJSON_IsArray(schulze) && cJSON_GetArraySize(schulze) > 0) {
		snd_buf_puts(o, "<ol class=\"snd-schulze\">");
		cJSON_ArrayForEach(it, schulze) {
			snd_buf_puts(o, "<li>");
			snd_buf_html(o, opt_label(f, opts, nopts,
			                          cJSON_IsString(it) ? it->valuestring : NULL, lang));
			snd_buf_puts(o, "</li>");
		}
		snd_buf_puts(o, "</ol>");
	} else {
		snd_buf_puts(o, "<p class=\"snd-none\">");
		snd_buf_html(o, T(f, lang, M_NO_RANKINGS));
		snd_buf_puts(o, "</p>");
	}
	snd_buf_puts(o, "<dl class=\"snd-figs\">");
	figure(o, T(f, lang, M_CONDORCET),
	       cw ? opt_label(f, opts, nopts, cw, lang) : T(f, lang, M_NONE));
	snd_buf_puts(o, "</dl>");
	explain(o, T(f, lang, M_SCHULZE_NOTE));

	if (cJSON_IsArray(borda) && cJSON_GetArraySize(borda) > 0) {
		size_t n = (size_t)cJSON_GetArraySize(borda), i = 0;
		struct hbar *rows = calloc(n, sizeof *rows);
		char (*texts)[32] = calloc(n, sizeof *texts);
		double top = 0;
		if (rows == NULL || texts == NULL) {
			o->failed = 1;
		} else {
			cJSON_ArrayForEach(it, borda) {
				double sc = jnum0(it, "score");
				fmt_num(texts[i], sc);
				rows[i].label = opt_label(f, opts, nopts, jstr(it, "id"), lang);
				rows[i].value = sc;
				rows[i].text = texts[i];
				if (sc > top)
					top = sc;
				i++;
			}
			snd_buf_puts(o, "<h4>");
			snd_buf_html(o, T(f, lang, M_BORDA));
			snd_buf_puts(o, "</h4>");
			hbars(o, T(f, lang, M_BORDA), rows, i, top);
			explain(o, T(f, lang, M_BORDA_NOTE));
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
			html_trunc(o, opt_label(f, opts, nopts, it->string, lang), 24);
			snd_buf_puts(o, "</th>");
		}
		snd_buf_puts(o, "</tr></thead><tbody>");
		cJSON_ArrayForEach(it, pw) {
			snd_buf_puts(o, "<tr><th scope=\"row\">");
			html_trunc(o, opt_label(f, opts, nopts, it->string, lang), 40);
			snd_buf_puts(o, "</th>");
			cJSON_ArrayForEach(jt, pw) {
				const cJSON *back = cJSON_GetObjectItemCaseSensitive(jt, it->string);
				double ab, ba;
				if (jt == it) {
					snd_buf_puts(o, "<td class=\"snd-self\">\xe2\x80\x94</td>");
					continue;
				}
				ab = jnum0(it, jt->string);
				ba = cJSON_IsNumber(back) ? back->valuedouble : 0;
				fmt_num(a, ab);
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
	const char *ent = f->anonymity == SND_PSEUDONYMOUS ? NULL : jstr(it, "entity");
	const char *t = jstr(it, text_key);
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
		char a[32], b[32];
		struct snd_buf t;
		snprintf(a, sizeof a, "%zu", n);
		snprintf(b, sizeof b, "%zu", total);
		args[0] = a;
		args[1] = b;
		snd_buf_init(&t, 0);
		fill(&t, T(f, lang, f->anonymity == SND_PSEUDONYMOUS ? M_SHOWN_OF_PSEUDO : M_SHOWN_OF),
		     args, 2);
		snd_buf_puts(o, "<p class=\"snd-more\">");
		snd_buf_html(o, t.data ? t.data : "");
		if (more_href) {
			snd_buf_reset(&t);
			fill(&t, T(f, lang, M_SEE_ALL), args + 1, 1);
			snd_buf_puts(o, " <a href=\"");
			snd_buf_html(o, more_href);
			snd_buf_puts(o, "\">");
			snd_buf_html(o, t.data ? t.data : "");
			snd_buf_puts(o, "</a>");
		}
		snd_buf_puts(o, "</p>");
		snd_buf_free(&t);
	}
}

static void render_position(struct snd_buf *o, const struct snd_form *f, int lang,
                            const cJSON *qs, size_t max, const char *more_href)
{
	static const enum msg pos_msg[SND_POS__MAX] = {M_SUPPORT, M_LIVE_WITH, M_OBJECT, M_ABSTAIN};
	double c[SND_POS__MAX], total = 0, x = 0;
	const cJSON *objs = cJSON_GetObjectItemCaseSensitive(qs, "objections");
	const cJSON *cons = cJSON_GetObjectItemCaseSensitive(qs, "consensus");
	struct snd_buf desc;
	char a[32], b[32];
	int i;

	for (i = 0; i < SND_POS__MAX; i++) {
		c[i] = jnum0(qs, snd_position_names[i]);
		total += c[i];
	}
	snd_buf_init(&desc, 0);
	snd_buf_puts(&desc, T(f, lang, M_POSITIONS));
	for (i = 0; i < SND_POS__MAX; i++) {
		fmt_num(a, c[i]);
		fmt_pct(b, total > 0 ? c[i] / total : 0);
		snd_buf_printf(&desc, "%s %s %s (%s)", i ? ";" : ":", T(f, lang, pos_msg[i]), a, b);
	}
	svg_open(o, "snd-chart snd-positions", 64, &desc);
	snd_buf_free(&desc);
	for (i = 0; i < SND_POS__MAX; i++) {
		double w = total > 0 ? c[i] / total * (CHART_W - 40) : 0;
		snd_buf_printf(o, "<rect y=\"4\" height=\"22\" fill=\"%s\"", pos_fill[i]);
		put_coord(o, "x", 20 + x);
		put_coord(o, "width", w);
		snd_buf_puts(o, "/>");
		x += w;
	}
	if (total <= 0)
		snd_buf_printf(o, "<rect x=\"20\" y=\"4\" width=\"%d\" height=\"22\" fill=\"#e6e9ef\"/>",
		               CHART_W - 40);
	for (i = 0; i < SND_POS__MAX; i++) {
		int lx = 20 + i * 150;
		fmt_num(a, c[i]);
		snd_buf_printf(o, "<rect x=\"%d\" y=\"40\" width=\"12\" height=\"12\" fill=\"%s\"/>"
		               "<text x=\"%d\" y=\"50\" fill=\"#222\">%s %s</text>",
		               lx, pos_fill[i], lx + 16, T(f, lang, pos_msg[i]), a);
	}
	snd_buf_puts(o, "</svg>");

	if (cJSON_IsTrue(cons)) {
		snd_buf_puts(o, "<p class=\"snd-verdict snd-consensus\">");
		snd_buf_html(o, T(f, lang, M_CONSENSUS_YES));
		snd_buf_puts(o, "</p>");
	} else if (c[SND_POS_OBJECT] > 0) {
		const char *args[1];
		struct snd_buf t;
		fmt_num(a, c[SND_POS_OBJECT]);
		args[0] = a;
		snd_buf_init(&t, 0);
		fill(&t, T(f, lang, M_OBJECTIONS_N), args, 1);
		snd_buf_puts(o, "<p class=\"snd-verdict snd-objected\">");
		snd_buf_html(o, t.data ? t.data : "");
		snd_buf_puts(o, "</p>");
		snd_buf_free(&t);
	} else {
		snd_buf_puts(o, "<p class=\"snd-verdict\">");
		snd_buf_html(o, T(f, lang, M_NO_POSITIONS));
		snd_buf_puts(o, "</p>");
	}
	explain(o, T(f, lang, M_POS_NOTE));
	if (cJSON_IsArray(objs) && cJSON_GetArraySize(objs) > 0) {
		snd_buf_puts(o, "<h4>");
		snd_buf_html(o, T(f, lang, M_OBJECTIONS));
		snd_buf_puts(o, "</h4>");
		entry_list(o, f, lang, objs, "snd-objections", "reason", max, more_href);
	}
}

/* ---------------------------------------------------------------- number */

static void render_number(struct snd_buf *o, const struct snd_form *f, int lang,
                          const struct snd_question *q, const cJSON *qs)
{
	const char *args[4];
	double mn, mx, mean = 0, med = 0, lo, hi;
	int has_mean, has_med;
	char a[32], b[32], c[32], d[32];
	struct snd_buf desc;

	snd_buf_puts(o, "<dl class=\"snd-figs\">");
	fmt_num(a, jnum0(qs, "answered"));
	figure(o, T(f, lang, M_ANSWERED), a);
	fmt_value(a, qs, "min");
	fmt_value(b, qs, "max");
	fmt_stat(c, qs, "mean");
	fmt_value(d, qs, "median");
	figure(o, T(f, lang, M_MIN), a);
	figure(o, T(f, lang, M_MAX), b);
	figure(o, T(f, lang, M_MEAN), c);
	figure(o, T(f, lang, M_MEDIAN), d);
	snd_buf_puts(o, "</dl>");
	if (!jnum(qs, "min", &mn) || !jnum(qs, "max", &mx))
		return;
	has_mean = jnum(qs, "mean", &mean);
	has_med = jnum(qs, "median", &med);
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
	fill(&desc, T(f, lang, M_RANGE_DESC), args, 4);
	svg_open(o, "snd-chart snd-range", 56, &desc);
	snd_buf_free(&desc);
#define XOF(v) (20 + ((v) - lo) / (hi - lo) * (CHART_W - 40))
	snd_buf_printf(o, "<line x1=\"20\" y1=\"20\" x2=\"%d\" y2=\"20\" stroke=\"#bbb\"/>",
	               CHART_W - 20);
	snd_buf_puts(o, "<rect y=\"14\" height=\"12\" fill=\"#3b6ea5\"");
	put_coord(o, "x", XOF(mn));
	put_coord(o, "width", XOF(mx) - XOF(mn) < 2 ? 2 : XOF(mx) - XOF(mn));
	snd_buf_puts(o, "/>");
	if (has_med) {
		snd_buf_puts(o, "<rect y=\"8\" width=\"3\" height=\"24\" fill=\"#222\"");
		put_coord(o, "x", XOF(med) - 1.5);
		snd_buf_puts(o, "/>");
	}
	if (has_mean) {
		snd_buf_puts(o, "<circle r=\"5\" cy=\"20\" fill=\"#f9a825\" stroke=\"#222\"");
		put_coord(o, "cx", XOF(mean));
		snd_buf_puts(o, "/>");
	}
	fmt_num(a, lo);
	fmt_num(b, hi);
	snd_buf_printf(o, "<text x=\"20\" y=\"48\" fill=\"#222\">%s</text><text x=\"%d\" y=\"48\" "
	               "text-anchor=\"end\" fill=\"#222\">%s</text>", a, CHART_W - 20, b);
	snd_buf_printf(o, "<text x=\"%d\" y=\"48\" text-anchor=\"middle\" fill=\"#222\">",
	               CHART_W / 2);
	snd_buf_html(o, T(f, lang, M_RANGE_LEGEND));
	snd_buf_puts(o, "</text></svg>");
#undef XOF
}

/* ------------------------------------------------------------------ text */

static void render_text(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *qs,
                        size_t max, const char *more_href)
{
	const cJSON *cm = cJSON_GetObjectItemCaseSensitive(qs, "comments");
	if (!cJSON_IsArray(cm) || cJSON_GetArraySize(cm) == 0) {
		snd_buf_puts(o, "<p class=\"snd-none\">");
		snd_buf_html(o, T(f, lang, M_NO_COMMENTS));
		snd_buf_puts(o, "</p>");
		return;
	}
	entry_list(o, f, lang, cm, "snd-comments", "text", max, more_href);
}

/* --------------------------------------------------------------- public */

void snd_report_question(struct snd_buf *out, const struct snd_form *f, int lang,
                         const cJSON *qsum)
{
	snd_report_question_capped(out, f, lang, qsum, 0, NULL);
}

void snd_report_question_capped(struct snd_buf *out, const struct snd_form *f, int lang,
                                const cJSON *qsum, size_t max_items, const char *more_href)
{
	const char *id = jstr(qsum, "id"), *type = jstr(qsum, "type");
	int qi = id ? snd_form_question(f, id) : -1;
	const struct snd_question *q = qi >= 0 ? &f->questions[qi] : NULL;
	const char *text = q ? label_of(f, &q->text, lang) : NULL;
	enum snd_qtype t = SND_Q__MAX;
	char a[32];
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
	fmt_num(a, jnum0(qsum, "answered"));
	snd_buf_printf(out, "</code> \xc2\xb7 %s \xc2\xb7 ",
	               t < SND_Q__MAX ? snd_qtype_names[t] : "unknown");
	snd_buf_html(out, T(f, lang, M_ANSWERED));
	snd_buf_printf(out, ": %s</p>", a);
	switch (t) {
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
		render_options(out, f, lang, q, qsum);
		break;
	case SND_Q_SCALE:
		render_scale(out, f, lang, q, qsum, NULL);
		explain(out, T(f, lang, M_TW_NOTE));
		break;
	case SND_Q_MATRIX:
		render_matrix(out, f, lang, q, qsum);
		explain(out, T(f, lang, M_ROW_NOTE));
		explain(out, T(f, lang, M_TW_NOTE));
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
		snd_buf_puts(out, "<p class=\"snd-none\">");
		snd_buf_html(out, T(f, lang, M_UNKNOWN));
		snd_buf_puts(out, "</p>");
		break;
	}
	snd_buf_puts(out, "</section>\n");
}

/* The fragments' rules, every one scoped under .snd-q: the chair page
 * serves this stylesheet before its own, so nothing here may restyle its
 * body, headings or form tables. */
static const char report_css[] =
	".snd-q{border:1px solid #d8dde6;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}\n"
	".snd-q h3{font-size:1.1rem;margin:.2rem 0}.snd-q h4{font-size:.95rem;margin:.8rem 0 .3rem}\n"
	".snd-q .snd-meta{color:#5a6472;font-size:.85rem;margin:.1rem 0 .6rem}\n"
	".snd-q .snd-chart{display:block;max-width:100%;height:auto;margin:.4rem 0}\n"
	".snd-q .snd-figs{display:flex;flex-wrap:wrap;gap:.3rem 1.5rem;margin:.4rem 0}"
	".snd-q .snd-figs dt{font-weight:600}.snd-q .snd-figs dt::after{content:\":\"}"
	".snd-q .snd-figs dd{margin:0 0 0 .3rem}\n"
	".snd-q .snd-explain{color:#5a6472;font-size:.85rem;margin:.3rem 0}\n"
	".snd-q .snd-verdict{font-weight:700;margin:.4rem 0}.snd-q .snd-consensus{color:#2e7d32}"
	".snd-q .snd-objected{color:#c62828}\n"
	".snd-q .snd-objections li,.snd-q .snd-comments li{margin:.3rem 0;white-space:pre-wrap}"
	".snd-q .snd-more{font-style:italic}"
	".snd-q .snd-ent{font-weight:600}.snd-q .snd-ent::after{content:\":\"}\n"
	".snd-q .snd-row{border-top:1px dashed #d8dde6;margin-top:.5rem}\n"
	".snd-q table{border-collapse:collapse;margin:.5rem 0}.snd-q th,.snd-q td{border:1px solid "
	"#d8dde6;padding:.2rem .5rem;text-align:end}.snd-q th{background:#f3f5f8}"
	".snd-q th[scope=row]{text-align:start}"
	".snd-q caption{text-align:start;color:#5a6472;font-size:.85rem;padding:.2rem 0}\n"
	".snd-q .snd-win{background:#e3f0fb;font-weight:600}.snd-q .snd-self{color:#767676}\n"
	".snd-q .snd-scale-labels{list-style:none;padding:0;font-size:.85rem;color:#5a6472}\n"
	".snd-q .snd-none{color:#5a6472;font-style:italic}\n"
	"@media print{.snd-q{break-inside:avoid;border-color:#999}.snd-q h3,.snd-q h4"
	"{break-after:avoid}}\n";

/* The whole report's page rules (only in snd_report_html's document). */
static const char doc_css[] =
	":root{color-scheme:light}\n"
	"body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\","
	"\"Noto Sans Arabic\",\"Noto Sans CJK SC\",sans-serif;color:#1d2228;background:#fff;"
	"margin:0 auto;max-width:60rem;padding:1rem 1.5rem}\n"
	"h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;border-bottom:2px solid #3b6ea5;"
	"padding-bottom:.2rem;margin-top:2rem}\n"
	".snd-meta{color:#5a6472;font-size:.85rem}\n"
	".snd-turnout table{border-collapse:collapse;margin:.5rem 0}.snd-turnout th,"
	".snd-turnout td{border:1px solid #d8dde6;padding:.2rem .5rem;text-align:end}"
	".snd-turnout th{background:#f3f5f8}.snd-turnout th[scope=row]{text-align:start}"
	".snd-turnout caption{text-align:start;color:#5a6472;font-size:.85rem;padding:.2rem 0}\n"
	".snd-proposals table{border-collapse:collapse;margin:.5rem 0;width:100%}.snd-proposals th,"
	".snd-proposals td{border:1px solid #d8dde6;padding:.25rem .5rem;text-align:end}"
	".snd-proposals th{background:#f3f5f8}.snd-proposals thead th:first-child{text-align:start}"
	".snd-proposals th[scope=row]{text-align:start;"
	"font-weight:400;background:none}.snd-proposals .snd-consensus{color:#2e7d32;font-weight:600}"
	".snd-proposals .snd-objected{color:#c62828;font-weight:600}\n"
	"@media print{body{max-width:none;font-size:11pt;padding:0}"
	".snd-section,.snd-group{break-before:page}h2{break-after:avoid}}\n";

const char *snd_report_css(void)
{
	return report_css;
}

static const char *lang_dir(const char *code)
{
	static const char *const rtl[] = {"ar", "he", "fa", "ur"};
	size_t i;
	for (i = 0; i < sizeof rtl / sizeof rtl[0]; i++)
		if (strncmp(code, rtl[i], 2) == 0 && (code[2] == '\0' || code[2] == '-'))
			return "rtl";
	return "ltr";
}

/* Escaped template text with its one "%s" slot filled. */
static void html_fill1(struct snd_buf *o, const char *tpl, const char *arg)
{
	struct snd_buf t;
	snd_buf_init(&t, 0);
	fill(&t, tpl, &arg, 1);
	snd_buf_html(o, t.data ? t.data : "");
	if (t.failed)
		o->failed = 1;
	snd_buf_free(&t);
}

static void th_col(struct snd_buf *o, const char *text)
{
	snd_buf_puts(o, "<th scope=\"col\">");
	snd_buf_html(o, text);
	snd_buf_puts(o, "</th>");
}

static void render_turnout(struct snd_buf *o, const struct snd_form *f, int lang,
                           const cJSON *turnout)
{
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(turnout, "by"), *attr, *val;
	char a[32], b[32];
	snd_buf_puts(o, "<section class=\"snd-turnout\"><h2>");
	snd_buf_html(o, T(f, lang, M_TURNOUT));
	snd_buf_puts(o, "</h2><table><thead><tr><td></td>");
	th_col(o, T(f, lang, M_DELEGATES));
	th_col(o, T(f, lang, M_ENTITIES));
	snd_buf_puts(o, "</tr></thead><tbody><tr><th scope=\"row\">");
	snd_buf_html(o, T(f, lang, M_ALL));
	fmt_num(a, jnum0(turnout, "delegates"));
	fmt_num(b, jnum0(turnout, "entities"));
	snd_buf_printf(o, "</th><td>%s</td><td>%s</td></tr></tbody></table>", a, b);
	cJSON_ArrayForEach(attr, by) {
		if (!cJSON_IsObject(attr) || cJSON_GetArraySize(attr) == 0)
			continue;
		snd_buf_puts(o, "<table class=\"snd-turnout-by\"><caption>");
		html_fill1(o, T(f, lang, M_BY), attr->string ? attr->string : "?");
		snd_buf_puts(o, "</caption><thead><tr>");
		th_col(o, attr->string ? attr->string : "?");
		th_col(o, T(f, lang, M_DELEGATES));
		th_col(o, T(f, lang, M_ENTITIES));
		snd_buf_puts(o, "</tr></thead><tbody>");
		cJSON_ArrayForEach(val, attr) {
			snd_buf_puts(o, "<tr><th scope=\"row\">");
			snd_buf_html(o, val->string ? val->string : "?");
			fmt_num(a, jnum0(val, "delegates"));
			fmt_num(b, jnum0(val, "entities"));
			snd_buf_printf(o, "</th><td>%s</td><td>%s</td></tr>", a, b);
		}
		snd_buf_puts(o, "</tbody></table>");
	}
	snd_buf_puts(o, "</section>\n");
}

/* One row per position question: the counts and whether it has consensus,
 * so the plenary sees every proposal's standing before the details. */
static void render_proposals(struct snd_buf *o, const struct snd_form *f, int lang,
                             const cJSON *questions)
{
	static const enum msg pos_msg[SND_POS__MAX] = {M_SUPPORT, M_LIVE_WITH, M_OBJECT, M_ABSTAIN};
	const cJSON *qs;
	char a[32];
	int i, any = 0;
	cJSON_ArrayForEach(qs, questions) {
		const char *id = jstr(qs, "id");
		int qi = id ? snd_form_question(f, id) : -1;
		const char *text;
		if (qi < 0 || f->questions[qi].type != SND_Q_POSITION)
			continue;
		if (!any) {
			snd_buf_puts(o, "<section class=\"snd-proposals\"><h2>");
			snd_buf_html(o, T(f, lang, M_PROPOSALS));
			snd_buf_puts(o, "</h2><table><thead><tr>");
			th_col(o, T(f, lang, M_PROPOSAL));
			for (i = 0; i < SND_POS__MAX; i++)
				th_col(o, T(f, lang, pos_msg[i]));
			th_col(o, T(f, lang, M_VERDICT));
			snd_buf_puts(o, "</tr></thead><tbody>");
			any = 1;
		}
		text = label_of(f, &f->questions[qi].text, lang);
		snd_buf_puts(o, "<tr><th scope=\"row\">");
		snd_buf_html(o, text ? text : id);
		snd_buf_puts(o, "</th>");
		for (i = 0; i < SND_POS__MAX; i++) {
			fmt_num(a, jnum0(qs, snd_position_names[i]));
			snd_buf_printf(o, "<td>%s</td>", a);
		}
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus"))) {
			snd_buf_puts(o, "<td class=\"snd-consensus\">");
			snd_buf_html(o, T(f, lang, M_CONSENSUS_YES));
		} else if (jnum0(qs, "object") > 0) {
			fmt_num(a, jnum0(qs, "object"));
			snd_buf_puts(o, "<td class=\"snd-objected\">");
			html_fill1(o, T(f, lang, M_OBJECTIONS_N), a);
		} else {
			snd_buf_puts(o, "<td>");
			snd_buf_html(o, T(f, lang, M_NO_POSITIONS));
		}
		snd_buf_puts(o, "</td></tr>");
	}
	if (any)
		snd_buf_puts(o, "</tbody></table></section>\n");
}

/* Proposals down, groups across: where each proposal meets objections, so a
 * chair sees at once which study group or region blocks which proposal. */
static void render_group_proposals(struct snd_buf *o, const struct snd_form *f, int lang,
                                   const cJSON *questions, const cJSON *groups)
{
	const cJSON *qs, *g;
	char a[32];
	int any = 0;
	cJSON_ArrayForEach(qs, questions) {
		const char *id = jstr(qs, "id");
		int qi = id ? snd_form_question(f, id) : -1;
		const char *text;
		if (qi < 0 || f->questions[qi].type != SND_Q_POSITION)
			continue;
		if (!any) {
			snd_buf_puts(o, "<div class=\"snd-proposals\"><table><caption>");
			snd_buf_html(o, T(f, lang, M_GROUP_LEGEND));
			snd_buf_puts(o, "</caption><thead><tr>");
			th_col(o, T(f, lang, M_PROPOSAL));
			cJSON_ArrayForEach(g, groups)
				th_col(o, g->string ? g->string : "?");
			snd_buf_puts(o, "</tr></thead><tbody>");
			any = 1;
		}
		text = label_of(f, &f->questions[qi].text, lang);
		snd_buf_puts(o, "<tr><th scope=\"row\">");
		snd_buf_html(o, text ? text : id);
		snd_buf_puts(o, "</th>");
		cJSON_ArrayForEach(g, groups) {
			const cJSON *gq = NULL, *it;
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(g, "questions")) {
				const char *gid = jstr(it, "id");
				if (gid && strcmp(gid, id) == 0) {
					gq = it;
					break;
				}
			}
			if (gq && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(gq, "consensus"))) {
				snd_buf_puts(o, "<td class=\"snd-consensus\">\xe2\x9c\x93</td>");
			} else if (gq && jnum0(gq, "object") > 0) {
				fmt_num(a, jnum0(gq, "object"));
				snd_buf_printf(o, "<td class=\"snd-objected\">%s</td>", a);
			} else {
				snd_buf_puts(o, "<td>\xe2\x80\x94</td>");
			}
		}
		snd_buf_puts(o, "</tr>");
	}
	if (any)
		snd_buf_puts(o, "</tbody></table></div>\n");
}

/* The questions of one summary (overall or one group), under their form
 * section headings. */
static void render_questions(struct snd_buf *o, const struct snd_form *f, int lang,
                             const cJSON *questions, int hlevel_sections)
{
	const cJSON *qs;
	size_t cur = (size_t)-1;
	cJSON_ArrayForEach(qs, questions) {
		const char *id = jstr(qs, "id");
		int qi = id ? snd_form_question(f, id) : -1;
		if (hlevel_sections && qi >= 0 && f->questions[qi].section != cur &&
		    f->questions[qi].section < f->nsections) {
			const struct snd_section *sec = &f->sections[f->questions[qi].section];
			const char *t = label_of(f, &sec->title, lang);
			if (cur != (size_t)-1)
				snd_buf_puts(o, "</section>\n");
			cur = f->questions[qi].section;
			snd_buf_puts(o, "<section class=\"snd-section\"><h2>");
			snd_buf_html(o, t ? t : sec->id);
			snd_buf_puts(o, "</h2>\n");
		}
		snd_report_question(o, f, lang, qs);
	}
	if (cur != (size_t)-1)
		snd_buf_puts(o, "</section>\n");
}

enum snd_err snd_report_html(struct snd_buf *out, const struct snd_form *f, int lang,
                             const cJSON *summary, const cJSON *turnout)
{
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(summary, "groups"), *g;
	const char *title, *weight = jstr(summary, "weight"), *by = jstr(summary, "by");
	char a[32];

	if (f == NULL || summary == NULL)
		return SND_EINVAL;
	if (lang < 0 || (size_t)lang >= f->nlanguages)
		lang = 0;
	title = label_of(f, &f->title, lang);
	if (title == NULL)
		title = f->id;
	snd_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"");
	snd_buf_html(out, f->languages[lang]);
	snd_buf_printf(out, "\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<title>", lang_dir(f->languages[lang]));
	snd_buf_html(out, title);
	snd_buf_puts(out, " \xe2\x80\x94 ");
	snd_buf_html(out, T(f, lang, M_RESULTS));
	snd_buf_puts(out, "</title>\n<style>\n");
	snd_buf_puts(out, doc_css);
	snd_buf_puts(out, report_css);
	snd_buf_puts(out, "</style>\n</head>\n<body>\n<header><h1>");
	snd_buf_html(out, title);
	snd_buf_puts(out, "</h1><p class=\"snd-meta\">");
	snd_buf_html(out, T(f, lang, M_QUESTIONNAIRE));
	snd_buf_puts(out, " <code>");
	snd_buf_html(out, f->id);
	fmt_num(a, jnum0(summary, "responses"));
	snd_buf_puts(out, "</code> \xc2\xb7 ");
	snd_buf_html(out, T(f, lang, M_RESPONSES));
	snd_buf_printf(out, ": %s \xc2\xb7 ", a);
	snd_buf_html(out, T(f, lang, weight && strcmp(weight, "entity") == 0 ? M_VOICE_ENTITY
	                                                                     : M_VOICE_DELEGATE));
	if (f->anonymity == SND_PSEUDONYMOUS) {
		snd_buf_puts(out, " \xc2\xb7 ");
		snd_buf_html(out, T(f, lang, M_PSEUDO));
	}
	snd_buf_puts(out, "</p>");
	if (f->ndraft_languages > 0) {
		size_t i;
		for (i = 0; i < f->ndraft_languages; i++)
			if (strcmp(f->draft_languages[i], f->languages[lang]) == 0)
			{
				snd_buf_puts(out, "<p class=\"snd-meta\">");
				snd_buf_html(out, T(f, lang, M_DRAFT));
				snd_buf_puts(out, "</p>");
			}
	}
	snd_buf_puts(out, "</header>\n<main>\n");
	if (turnout)
		render_turnout(out, f, lang, turnout);
	render_proposals(out, f, lang, cJSON_GetObjectItemCaseSensitive(summary, "questions"));
	render_questions(out, f, lang, cJSON_GetObjectItemCaseSensitive(summary, "questions"), 1);
	if (cJSON_IsObject(groups) && cJSON_GetArraySize(groups) > 0) {
		snd_buf_puts(out, "<section class=\"snd-groups\"><h2>");
		if (by)
			html_fill1(out, T(f, lang, M_BREAKDOWN_BY), by);
		else
			snd_buf_html(out, T(f, lang, M_BREAKDOWN));
		snd_buf_puts(out, "</h2>\n");
		render_group_proposals(out, f, lang,
		                       cJSON_GetObjectItemCaseSensitive(summary, "questions"), groups);
		cJSON_ArrayForEach(g, groups) {
			snd_buf_puts(out, "<section class=\"snd-group\"><h2>");
			if (by) {
				snd_buf_html(out, by);
				snd_buf_puts(out, " = ");
			}
			snd_buf_html(out, g->string ? g->string : "?");
			fmt_num(a, jnum0(g, "responses"));
			snd_buf_puts(out, "</h2><p class=\"snd-meta\">");
			snd_buf_html(out, T(f, lang, M_RESPONSES));
			snd_buf_printf(out, ": %s</p>\n", a);
			render_questions(out, f, lang, cJSON_GetObjectItemCaseSensitive(g, "questions"), 0);
			snd_buf_puts(out, "</section>\n");
		}
		snd_buf_puts(out, "</section>\n");
	}
	snd_buf_puts(out, "</main>\n<footer><p class=\"snd-meta\">");
	html_fill1(out, T(f, lang, M_GENERATED), SND_VERSION);
	snd_buf_puts(out, "</p></footer>\n</body>\n</html>\n");
	return out->failed ? SND_ENOMEM : SND_OK;
}
