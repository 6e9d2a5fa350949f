/* report_charts.c - the report's drawing primitives: the SVG frame of a
 * chart, coordinates, labels cut to fit, horizontal and diverging bars, and
 * the small HTML blocks (figure lists, notes, headings, verdicts) that every
 * question renderer and the page share.
 *
 * Owns: how a chart is framed and how a bar is drawn; the renderers decide
 * what to draw (report_questions.c, report_scale.c, report.c).
 *
 * Invariants:
 *   1. Deterministic bytes: coordinates are printed with one decimal, tiny
 *      and non-finite values as 0, huge ones clamped to +-1e6, so odd data
 *      can neither print 300-digit numbers nor vary between runs.
 *   2. Every chart is <svg role="img"> with a <title> and an aria-label
 *      that spell out its numbers; direction="ltr" in every language.
 *   3. Every string passes snd_buf_html; a label inside a chart is cut to at
 *      most SND_RPT_LABEL_CHARS code points, never inside a UTF-8 sequence.
 *   4. No id and no style attributes (a question may appear once per group
 *      on one page; the chair page's CSP forbids inline styles).
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const snd_rpt_pos_fill[SND_POS__MAX] = {
	"#2e7d32", "#9ccc65", "#c62828", "#9e9e9e"
};

/* ------------------------------------------------------------ SVG pieces */

void snd_rpt_coord(struct snd_buf *o, const char *name, double v)
{
	if (!isfinite(v) || fabs(v) < 0.05)
		v = 0;
	if (v > 1e6 || v < -1e6) /* odd data must not print 300-digit numbers */
		v = v > 0 ? 1e6 : -1e6;
	snd_buf_printf(o, " %s=\"%.1f\"", name, v);
}

void snd_rpt_html_trunc(struct snd_buf *o, const char *s, size_t max)
{
	char tmp[SND_RPT_LABEL_CHARS * 4 + 8];
	size_t i = 0, cps = 0;
	if (max > SND_RPT_LABEL_CHARS)
		max = SND_RPT_LABEL_CHARS;
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

void snd_rpt_svg_open(struct snd_buf *o, const char *cls, int height, const struct snd_buf *desc)
{
	/* direction="ltr": the charts are drawn left to right in every
	 * language; inherited rtl would anchor labels off the left edge.  An
	 * Arabic label still reads right to left inside its own run. */
	snd_buf_printf(o, "<svg class=\"%s\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	               "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\" "
	               "direction=\"ltr\" aria-label=\"",
	               cls, SND_RPT_CHART_W, height, SND_RPT_CHART_W, height);
	snd_buf_html(o, desc->data ? desc->data : "");
	snd_buf_puts(o, "\"><title>");
	snd_buf_html(o, desc->data ? desc->data : "");
	snd_buf_puts(o, "</title>");
}

/* ------------------------------------------------------------------ bars */

void snd_rpt_hbars(struct snd_buf *o, const char *title, const struct snd_rpt_bar *rows, size_t n,
                   double full)
{
	struct snd_buf desc;
	size_t i;
	int h = (int)n * 38 + 4;
	snd_buf_init(&desc, 0);
	snd_buf_puts(&desc, title);
	for (i = 0; i < n; i++)
		snd_buf_printf(&desc, "%s %s: %s", i ? ";" : ":", rows[i].label, rows[i].text);
	snd_rpt_svg_open(o, "snd-chart snd-hbars", h, &desc);
	snd_buf_free(&desc);
	for (i = 0; i < n; i++) {
		int y = (int)i * 38;
		double w = full > 0 ? rows[i].value / full * SND_RPT_BAR_W : 0;
		if (w < 0)
			w = 0;
		if (w > SND_RPT_BAR_W)
			w = SND_RPT_BAR_W;
		snd_buf_printf(o, "<g><text x=\"0\" y=\"%d\" fill=\"#222\">", y + 13);
		snd_rpt_html_trunc(o, rows[i].label, SND_RPT_LABEL_CHARS);
		snd_buf_printf(o, "</text><rect x=\"0\" y=\"%d\" width=\"%d\" height=\"14\" "
		               "fill=\"#e6e9ef\"/>", y + 18, SND_RPT_BAR_W);
		snd_buf_printf(o, "<rect x=\"0\" y=\"%d\"", y + 18);
		snd_rpt_coord(o, "width", w);
		snd_buf_printf(o, " height=\"14\" fill=\"#3b6ea5\"/><text x=\"%d\" y=\"%d\" "
		               "fill=\"#222\">", SND_RPT_BAR_W + 8, y + 30);
		snd_buf_html(o, rows[i].text);
		snd_buf_puts(o, "</text></g>");
	}
	snd_buf_puts(o, "</svg>");
}

void snd_rpt_diverging(struct snd_buf *o, int y, int h, double cx, double half, const double sp[3])
{
	snd_buf_printf(o, "<rect y=\"%d\" height=\"%d\" fill=\"#d6604d\"", y, h);
	snd_rpt_coord(o, "x", cx - (sp[0] + sp[1] / 2) * half);
	snd_rpt_coord(o, "width", sp[0] * half);
	snd_buf_printf(o, "/><rect y=\"%d\" height=\"%d\" fill=\"#bdbdbd\"", y, h);
	snd_rpt_coord(o, "x", cx - sp[1] / 2 * half);
	snd_rpt_coord(o, "width", sp[1] * half);
	snd_buf_printf(o, "/><rect y=\"%d\" height=\"%d\" fill=\"#4393c3\"", y, h);
	snd_rpt_coord(o, "x", cx + sp[1] / 2 * half);
	snd_rpt_coord(o, "width", sp[2] * half);
	snd_buf_puts(o, "/>");
}

/* ------------------------------------------------------------ HTML blocks */

void snd_rpt_figure(struct snd_buf *o, const char *name, const char *value)
{
	snd_buf_puts(o, "<dt>");
	snd_buf_html(o, name);
	snd_buf_puts(o, "</dt><dd>");
	snd_buf_html(o, value);
	snd_buf_puts(o, "</dd>");
}

void snd_rpt_elem(struct snd_buf *o, const char *tag, const char *cls, const char *text)
{
	if (cls)
		snd_buf_printf(o, "<%s class=\"%s\">", tag, cls);
	else
		snd_buf_printf(o, "<%s>", tag);
	snd_buf_html(o, text);
	snd_buf_printf(o, "</%s>", tag);
}

void snd_rpt_explain(struct snd_buf *o, const char *text)
{
	snd_rpt_elem(o, "p", "snd-explain", text);
}

void snd_rpt_none(struct snd_buf *o, const char *text)
{
	snd_rpt_elem(o, "p", "snd-none", text);
}

void snd_rpt_th_col(struct snd_buf *o, const char *text)
{
	snd_buf_puts(o, "<th scope=\"col\">");
	snd_buf_html(o, text);
	snd_buf_puts(o, "</th>");
}

void snd_rpt_verdict(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *qs,
                     const char *tag, const char *base)
{
	double objections = snd_json_num0(qs, snd_position_names[SND_POS_OBJECT]);
	char cls[64], a[SND_FMT_LEN];
	const char *arg = a;
	struct snd_buf t;

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus"))) {
		snprintf(cls, sizeof cls, "%s%ssnd-consensus", base ? base : "", base ? " " : "");
		snd_rpt_elem(o, tag, cls, T(f, lang, M_CONSENSUS_YES));
	} else if (objections > 0) {
		snprintf(cls, sizeof cls, "%s%ssnd-objected", base ? base : "", base ? " " : "");
		snd_fmt_count(a, objections, snd_rpt_dec(f, lang));
		snd_buf_init(&t, 0);
		snd_rpt_fill(&t, T(f, lang, M_OBJECTIONS_N), &arg, 1);
		snd_rpt_elem(o, tag, cls, t.data ? t.data : "");
		if (t.failed)
			o->failed = 1;
		snd_buf_free(&t);
	} else {
		snd_rpt_elem(o, tag, base, T(f, lang, M_NO_POSITIONS));
	}
}
