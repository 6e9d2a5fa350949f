/* summary.c - `tally summary` (text, JSON, CSV, Markdown writers of the
 * engine's summary object) and `tally report` (the HTML report of
 * core/report.c).
 *
 * Owns: the presentation of a summary outside HTML.  The numbers all come
 * from snd_tally_summary; nothing here recomputes a measure, except the
 * below/at/above-midpoint shares shown beside a scale, which are sums of
 * its distribution.
 *
 * Invariants:
 *   1. JSON is the engine's object as is: numbers with enough digits to read
 *      back exactly; text and Markdown round for display only.
 *   2. Text from forms and answers never reaches a terminal raw: control
 *      characters (which could drive the terminal) and bidi controls are
 *      replaced before printing; Markdown cells are escaped.
 *   3. CSV cells go through snd_buf_csv (RFC 4180 and the formula guard).
 */
#include "tally.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_W 34
#define BAR_CELLS 24

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MD, FMT__MAX };
static const char *const fmt_names[FMT__MAX] = {"text", "json", "csv", "md"};

static const char *const pos_text[SND_POS__MAX] = {
	"support", "can live with", "object", "abstain"
};

/* --------------------------------------------------------- json helpers */

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int jnum(const cJSON *o, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v))
		return 0;
	*out = v->valuedouble;
	return 1;
}

static double jnum0(const cJSON *o, const char *key)
{
	double d = 0;
	return jnum(o, key, &d) ? d : 0;
}

/* Pretty JSON with two-space indents; numbers via num_exact. */
static void json_pretty(struct snd_buf *b, const cJSON *v, int depth)
{
	const cJSON *c;
	char n[40];
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		int obj = cJSON_IsObject(v);
		if (v->child == NULL) {
			snd_buf_puts(b, obj ? "{}" : "[]");
			return;
		}
		snd_buf_putc(b, obj ? '{' : '[');
		for (c = v->child; c; c = c->next) {
			snd_buf_printf(b, "\n%*s", (depth + 1) * 2, "");
			if (obj) {
				snd_buf_json_str(b, c->string ? c->string : "");
				snd_buf_puts(b, ": ");
			}
			json_pretty(b, c, depth + 1);
			if (c->next)
				snd_buf_putc(b, ',');
		}
		snd_buf_printf(b, "\n%*s%c", depth * 2, "", obj ? '}' : ']');
	} else if (cJSON_IsString(v)) {
		snd_buf_json_str(b, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		num_exact(n, v->valuedouble);
		snd_buf_puts(b, n);
	} else if (cJSON_IsBool(v)) {
		snd_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
	} else {
		snd_buf_puts(b, "null");
	}
}

/* ------------------------------------------------------ display helpers */

static void fmt_count(char out[40], double v)
{
	if (fabs(v - round(v)) < 1e-9)
		snprintf(out, 40, "%.0f", round(v) == 0 ? 0.0 : round(v));
	else
		snprintf(out, 40, "%.2f", v);
}

static void fmt_pct(char out[40], double share)
{
	snprintf(out, 40, "%.1f%%", isfinite(share) && fabs(share) >= 0.0005 ? share * 100 : 0.0);
}

static void fmt_stat(char out[40], const cJSON *o, const char *key)
{
	double d;
	if (!jnum(o, key, &d))
		snprintf(out, 40, "\xe2\x80\x94");
	else
		snprintf(out, 40, "%.2f", fabs(d) < 0.005 ? 0.0 : d);
}

/* An answer value (min, max, median of a number question): integers bare,
 * else six significant digits. */
static void fmt_value(char out[40], const cJSON *o, const char *key)
{
	double d;
	if (!jnum(o, key, &d))
		snprintf(out, 40, "\xe2\x80\x94");
	else if (fabs(d - round(d)) < 1e-9)
		snprintf(out, 40, "%.0f", round(d) == 0 ? 0.0 : round(d));
	else
		snprintf(out, 40, "%.6g", d);
}

/* Decodes one UTF-8 sequence (input is valid UTF-8: it passed the form
 * loader or the JSON parser); returns its length. */
static size_t utf8_cp(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && s[1]) {
		*cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && s[1] && s[2]) {
		*cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
		return 3;
	}
	if ((s[0] & 0xF8) == 0xF0 && s[1] && s[2] && s[3]) {
		*cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
		      (s[3] & 0x3Fu);
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

/* Terminal columns of a code point: East Asian wide ranges take two,
 * combining marks none.  An approximation of wcwidth that needs no locale. */
static int cp_width(unsigned c)
{
	if ((c >= 0x300 && c <= 0x36F) || (c >= 0x200B && c <= 0x200F) || c == 0xFE0F)
		return 0;
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) || c >= 0x20000)
		return 2;
	return 1;
}

static int unsafe_cp(unsigned c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* Appends s for a terminal: control and bidi characters become U+FFFD (a
 * newline becomes "\n" + indent spaces when indent >= 0, else a space),
 * cut to max_cols columns with an ellipsis when max_cols > 0, padded with
 * spaces to pad_cols.  Returns the columns used. */
static size_t term_text(struct snd_buf *b, const char *s, size_t max_cols, size_t pad_cols,
                        int indent)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t cols = 0, total = 0;
	const unsigned char *q;
	unsigned c;
	int cut = 0;

	if (max_cols > 0) {
		for (q = p; *q;) {
			q += utf8_cp(q, &c);
			total += unsafe_cp(c) ? 1 : (size_t)cp_width(c);
		}
		cut = total > max_cols;
	}
	while (*p) {
		size_t n = utf8_cp(p, &c);
		int w = unsafe_cp(c) ? 1 : cp_width(c);
		if (cut && cols + (size_t)w > max_cols - 1)
			break;
		if (c == '\n' && indent >= 0) {
			snd_buf_printf(b, "\n%*s", indent, "");
			cols = 0;
		} else if (c == '\n' || c == '\t') {
			snd_buf_putc(b, ' ');
			cols++;
		} else if (unsafe_cp(c)) {
			snd_buf_puts(b, "\xef\xbf\xbd");
			cols++;
		} else {
			snd_buf_append(b, p, n);
			cols += (size_t)w;
		}
		p += n;
	}
	if (cut) {
		snd_buf_puts(b, "\xe2\x80\xa6");
		cols++;
	}
	while (cols < pad_cols) {
		snd_buf_putc(b, ' ');
		cols++;
	}
	return cols;
}

/* A bar of `cells` columns for frac in [0, 1] with eighth-block precision. */
static void bar(struct snd_buf *b, double frac, int cells)
{
	static const char *const part[8] = {
		"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
		"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"
	};
	long eighths, i, used = 0;
	if (!isfinite(frac) || frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	eighths = lround(frac * cells * 8);
	for (i = 0; i < eighths / 8; i++, used++)
		snd_buf_puts(b, "\xe2\x96\x88");
	if (eighths % 8) {
		snd_buf_puts(b, part[eighths % 8]);
		used++;
	}
	for (; used < cells; used++)
		snd_buf_putc(b, ' ');
}

static const char *opt_label(const struct snd_form *f, int lang, const struct snd_option *opts,
                             size_t n, const char *id)
{
	const struct snd_option *o = find_option(opts, n, id);
	const char *l = o ? label_in(f, &o->label, lang) : NULL;
	return l ? l : (id ? id : "?");
}

static const struct snd_question *question_of(const struct snd_form *f, const cJSON *qs)
{
	const char *id = jstr(qs, "id");
	int i = id ? snd_form_question(f, id) : -1;
	return i >= 0 ? &f->questions[i] : NULL;
}

/* ------------------------------------------------------------------ text */

static void text_options(struct snd_buf *b, const struct snd_form *f, int lang,
                         const struct snd_question *q, const cJSON *qs)
{
	const cJSON *it;
	const char *leader = jstr(qs, "leader");
	char c[40], s[40];
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "options")) {
		double share = jnum0(it, "share");
		fmt_count(c, jnum0(it, "count"));
		fmt_pct(s, share);
		snd_buf_puts(b, "  ");
		term_text(b, opt_label(f, lang, q->options, q->noptions, jstr(it, "id")), LABEL_W,
		          LABEL_W + 1, -1);
		bar(b, share, BAR_CELLS);
		snd_buf_printf(b, " %8s %7s\n", c, s);
	}
	snd_buf_puts(b, "  leader: ");
	if (leader) {
		double top = -1, second = -1;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "options")) {
			double n = jnum0(it, "count");
			if (n > top) {
				second = top;
				top = n;
			} else if (n > second) {
				second = n;
			}
		}
		term_text(b, opt_label(f, lang, q->options, q->noptions, leader), 0, 0, -1);
		fmt_count(c, second >= 0 ? top - second : top);
		snd_buf_printf(b, " (ahead of the next by %s)", c);
	} else {
		snd_buf_puts(b, "none (tie or no answers)");
	}
	snd_buf_putc(b, '\n');
}

/* Quartiles from the distribution, like the lower median: the smallest
 * point whose cumulative share reaches 1/4 and 3/4.  0 when empty. */
static int quartiles(const struct snd_question *q, const cJSON *qs, int *q1, int *q3)
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(qs, "distribution");
	double total = 0, cum = 0;
	char key[16];
	int v, have1 = 0;
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		total += jnum0(dist, key);
	}
	if (total <= 0)
		return 0;
	*q1 = *q3 = q->max;
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		cum += jnum0(dist, key);
		if (!have1 && cum >= total * 0.25 - 1e-9) {
			*q1 = v;
			have1 = 1;
		}
		if (cum >= total * 0.75 - 1e-9) {
			*q3 = v;
			break;
		}
	}
	return 1;
}

/* below / at / above the scale's midpoint, as shares of those answering. */
static void midpoint_shares(const struct snd_question *q, const cJSON *qs, double out[3])
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(qs, "distribution");
	double total = 0;
	char key[16];
	int v;
	out[0] = out[1] = out[2] = 0;
	for (v = q->min; v <= q->max; v++) {
		double n;
		snprintf(key, sizeof key, "%d", v);
		n = jnum0(dist, key);
		total += n;
		out[2 * v < q->min + q->max ? 0 : 2 * v == q->min + q->max ? 1 : 2] += n;
	}
	for (v = 0; v < 3; v++)
		out[v] = total > 0 ? out[v] / total : 0;
}

static void text_scale_figures(struct snd_buf *b, const struct snd_question *q, const cJSON *qs)
{
	char m[40], md[40], cs[40], p0[40], p1[40], p2[40];
	double mid[3], med;
	int q1, q3;
	fmt_stat(m, qs, "mean");
	if (jnum(qs, "median", &med))
		fmt_count(md, med);
	else
		snprintf(md, sizeof md, "\xe2\x80\x94");
	fmt_stat(cs, qs, "consensus");
	midpoint_shares(q, qs, mid);
	fmt_pct(p0, mid[0]);
	fmt_pct(p1, mid[1]);
	fmt_pct(p2, mid[2]);
	snd_buf_printf(b, "  mean %s \xc2\xb7 median %s", m, md);
	if (quartiles(q, qs, &q1, &q3))
		snd_buf_printf(b, " \xc2\xb7 IQR %d\xe2\x80\x93%d", q1, q3);
	snd_buf_printf(b, " \xc2\xb7 consensus %s (Tastle\xe2\x80\x93Wierman, 0..1)\n"
	               "  below/at/above midpoint %s / %s / %s\n", cs, p0, p1, p2);
}

static void text_scale(struct snd_buf *b, const struct snd_form *f, int lang,
                       const struct snd_question *q, const cJSON *qs)
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(qs, "distribution");
	double total = 0, n;
	char key[16], c[40], s[40];
	int v;
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		total += jnum0(dist, key);
	}
	for (v = q->min; v <= q->max; v++) {
		const char *l = q->scale_labels ? label_in(f, &q->scale_labels[v - q->min], lang) : NULL;
		snprintf(key, sizeof key, "%d", v);
		n = jnum0(dist, key);
		fmt_count(c, n);
		fmt_pct(s, total > 0 ? n / total : 0);
		snd_buf_printf(b, "  %3d ", v);
		term_text(b, l ? l : "", LABEL_W - 4, LABEL_W - 3, -1);
		bar(b, total > 0 ? n / total : 0, BAR_CELLS);
		snd_buf_printf(b, " %8s %7s\n", c, s);
	}
	text_scale_figures(b, q, qs);
}

static void text_matrix(struct snd_buf *b, const struct snd_form *f, int lang,
                        const struct snd_question *q, const cJSON *qs)
{
	static const char *const spark[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	const cJSON *row;
	char n[40], m[40], md[40], cs[40], key[16];
	double med;
	int v;
	snd_buf_printf(b, "  %-*s %8s %7s %7s %10s  distribution %d..%d\n", LABEL_W - 1, "row",
	               "n", "mean", "median", "consensus", q->min, q->max);
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(qs, "rows")) {
		const cJSON *dist = cJSON_GetObjectItemCaseSensitive(row, "distribution");
		double peak = 0;
		fmt_count(n, jnum0(row, "answered"));
		fmt_stat(m, row, "mean");
		if (jnum(row, "median", &med))
			fmt_count(md, med);
		else
			snprintf(md, sizeof md, "\xe2\x80\x94");
		fmt_stat(cs, row, "consensus");
		snd_buf_puts(b, "  ");
		term_text(b, opt_label(f, lang, q->rows, q->nrows, jstr(row, "id")), LABEL_W - 1,
		          LABEL_W - 1, -1);
		snd_buf_printf(b, " %8s %7s %7s %10s  ", n, m, md, cs);
		for (v = q->min; v <= q->max; v++) {
			snprintf(key, sizeof key, "%d", v);
			if (jnum0(dist, key) > peak)
				peak = jnum0(dist, key);
		}
		for (v = q->min; v <= q->max; v++) {
			double x;
			snprintf(key, sizeof key, "%d", v);
			x = jnum0(dist, key);
			snd_buf_puts(b, x <= 0 || peak <= 0 ? " " : spark[(int)lround(x / peak * 7)]);
		}
		snd_buf_putc(b, '\n');
	}
	snd_buf_puts(b, "  consensus: Tastle\xe2\x80\x93Wierman, 0 = split between the ends, "
	                "1 = all on one point\n");
}

static void text_rank(struct snd_buf *b, const struct snd_form *f, int lang,
                      const struct snd_question *q, const cJSON *qs)
{
	const cJSON *it, *jt, *pw = cJSON_GetObjectItemCaseSensitive(qs, "pairwise");
	const char *cw = jstr(qs, "condorcet_winner");
	double top = 0;
	char c[40];
	int i = 0;
	size_t idw = 4;

	snd_buf_puts(b, "  Schulze order:");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "schulze")) {
		snd_buf_printf(b, "%s %d. ", i ? " \xc2\xb7" : "", i + 1);
		term_text(b, opt_label(f, lang, q->options, q->noptions,
		                       cJSON_IsString(it) ? it->valuestring : NULL), LABEL_W, 0, -1);
		i++;
	}
	snd_buf_puts(b, i ? "\n" : " none\n");
	snd_buf_puts(b, "  Condorcet winner: ");
	term_text(b, cw ? opt_label(f, lang, q->options, q->noptions, cw) : "none", 0, 0, -1);
	snd_buf_puts(b, "\n  Borda scores (p-th of m scores m-p):\n");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "borda"))
		if (jnum0(it, "score") > top)
			top = jnum0(it, "score");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "borda")) {
		fmt_count(c, jnum0(it, "score"));
		snd_buf_puts(b, "    ");
		term_text(b, opt_label(f, lang, q->options, q->noptions, jstr(it, "id")), LABEL_W - 2,
		          LABEL_W - 1, -1);
		bar(b, top > 0 ? jnum0(it, "score") / top : 0, BAR_CELLS);
		snd_buf_printf(b, " %8s\n", c);
	}
	if (!cJSON_IsObject(pw) || pw->child == NULL)
		return;
	cJSON_ArrayForEach(it, pw)
		if (it->string && strlen(it->string) > idw)
			idw = strlen(it->string);
	if (idw > 16)
		idw = 16;
	snd_buf_puts(b, "  pairwise (voters preferring the row over the column):\n    ");
	snd_buf_printf(b, "%*s", (int)idw, "");
	cJSON_ArrayForEach(it, pw) {
		snd_buf_puts(b, " ");
		term_text(b, it->string, idw, idw, -1);
	}
	snd_buf_putc(b, '\n');
	cJSON_ArrayForEach(it, pw) {
		snd_buf_puts(b, "    ");
		term_text(b, it->string, idw, idw, -1);
		cJSON_ArrayForEach(jt, pw) {
			if (jt == it)
				snd_buf_printf(b, " %*s\xe2\x80\x94", (int)idw - 1, "");
			else {
				fmt_count(c, jnum0(it, jt->string));
				snd_buf_printf(b, " %*s", (int)idw, c);
			}
		}
		snd_buf_putc(b, '\n');
	}
}

/* The line that stands for the entries a --limit left out. */
static void more_line(struct snd_buf *b, long n, const char *what)
{
	snd_buf_printf(b, "    \xe2\x80\xa6 and %ld more %s%s (--limit all, or --format md/json)\n", n,
	               what, n == 1 ? "" : "s");
}

static void text_position(struct snd_buf *b, const struct snd_form *f, const cJSON *qs,
                          long limit)
{
	static const char *const glyph[SND_POS__MAX] = {
		"\xe2\x96\x88", "\xe2\x96\x93", "\xe2\x96\x92", "\xe2\x96\x91"
	};
	double c[SND_POS__MAX], total = 0, acc = 0;
	long drawn = 0, upto, k;
	const cJSON *it, *objs = cJSON_GetObjectItemCaseSensitive(qs, "objections");
	char n[40], s[40];
	int i;
	long shown = 0;

	for (i = 0; i < SND_POS__MAX; i++) {
		c[i] = jnum0(qs, snd_position_names[i]);
		total += c[i];
	}
	snd_buf_puts(b, "  ");
	for (i = 0; i < SND_POS__MAX; i++) {
		fmt_count(n, c[i]);
		fmt_pct(s, total > 0 ? c[i] / total : 0);
		snd_buf_printf(b, "%s%s %s (%s)", i ? " \xc2\xb7 " : "", pos_text[i], n, s);
	}
	snd_buf_puts(b, "\n  ");
	/* One stacked bar; cumulative rounding keeps its length exact. */
	for (i = 0; i < SND_POS__MAX && total > 0; i++) {
		acc += c[i];
		upto = lround(acc / total * 40);
		for (k = drawn; k < upto; k++)
			snd_buf_puts(b, glyph[i]);
		drawn = upto;
	}
	snd_buf_puts(b, "  (\xe2\x96\x88 support \xe2\x96\x93 live with \xe2\x96\x92 object "
	                "\xe2\x96\x91 abstain)\n");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus")))
		snd_buf_puts(b, "  CONSENSUS (no sustained objection)\n");
	else if (c[SND_POS_OBJECT] > 0) {
		fmt_count(n, c[SND_POS_OBJECT]);
		snd_buf_printf(b, "  %s sustained objection%s:\n", n,
		               c[SND_POS_OBJECT] == 1 ? "" : "s");
	} else
		snd_buf_puts(b, "  no positions yet\n");
	cJSON_ArrayForEach(it, objs) {
		const char *ent = f->anonymity == SND_PSEUDONYMOUS ? NULL : jstr(it, "entity");
		if (limit >= 0 && shown++ >= limit) {
			more_line(b, cJSON_GetArraySize(objs) - limit, "objection");
			break;
		}
		snd_buf_puts(b, "    - ");
		if (ent) {
			term_text(b, ent, 0, 0, -1);
			snd_buf_puts(b, ": ");
		}
		term_text(b, jstr(it, "reason"), 0, 0, 6);
		snd_buf_putc(b, '\n');
	}
}

static void text_number(struct snd_buf *b, const cJSON *qs)
{
	char n[40], mn[40], mx[40], me[40], md[40];
	fmt_count(n, jnum0(qs, "answered"));
	fmt_value(mn, qs, "min");
	fmt_value(mx, qs, "max");
	fmt_stat(me, qs, "mean");
	fmt_value(md, qs, "median");
	snd_buf_printf(b, "  n %s \xc2\xb7 min %s \xc2\xb7 max %s \xc2\xb7 mean %s \xc2\xb7 median %s\n",
	               n, mn, mx, me, md);
}

static void text_text(struct snd_buf *b, const struct snd_form *f, const cJSON *qs, long limit)
{
	const cJSON *it, *cm = cJSON_GetObjectItemCaseSensitive(qs, "comments");
	int n = cJSON_GetArraySize(cm);
	long shown = 0;
	snd_buf_printf(b, "  %d comment%s%s\n", n, n == 1 ? "" : "s", n ? ":" : "");
	cJSON_ArrayForEach(it, cm) {
		const char *ent = f->anonymity == SND_PSEUDONYMOUS ? NULL : jstr(it, "entity");
		if (limit >= 0 && shown++ >= limit) {
			more_line(b, n - limit, "comment");
			break;
		}
		snd_buf_puts(b, "    - ");
		if (ent) {
			term_text(b, ent, 0, 0, -1);
			snd_buf_puts(b, ": ");
		}
		term_text(b, jstr(it, "text"), 0, 0, 6);
		snd_buf_putc(b, '\n');
	}
}

static void text_questions(struct snd_buf *b, const struct snd_form *f, int lang,
                           const cJSON *questions, int headings, long limit)
{
	const cJSON *qs;
	size_t cur = (size_t)-1;
	char a[40];
	cJSON_ArrayForEach(qs, questions) {
		const struct snd_question *q = question_of(f, qs);
		if (q == NULL)
			continue;
		if (headings && q->section != cur && q->section < f->nsections) {
			const char *t = label_in(f, &f->sections[q->section].title, lang);
			cur = q->section;
			snd_buf_puts(b, "\n== ");
			term_text(b, t ? t : f->sections[cur].id, 0, 0, -1);
			snd_buf_puts(b, " ==\n");
		}
		fmt_count(a, jnum0(qs, "answered"));
		snd_buf_printf(b, "\n[%s] ", q->id);
		term_text(b, label_in(f, &q->text, lang), 0, 0, 2);
		snd_buf_printf(b, "\n  %s \xc2\xb7 answered %s\n", snd_qtype_names[q->type], a);
		switch (q->type) {
		case SND_Q_SINGLE:
		case SND_Q_MULTI: text_options(b, f, lang, q, qs); break;
		case SND_Q_SCALE: text_scale(b, f, lang, q, qs); break;
		case SND_Q_MATRIX: text_matrix(b, f, lang, q, qs); break;
		case SND_Q_RANK: text_rank(b, f, lang, q, qs); break;
		case SND_Q_POSITION: text_position(b, f, qs, limit); break;
		case SND_Q_NUMBER: text_number(b, qs); break;
		case SND_Q_TEXT: text_text(b, f, qs, limit); break;
		default: break;
		}
	}
}

static void write_text(struct snd_buf *b, const struct snd_form *f, int lang, const cJSON *sum,
                       const char *by, long limit)
{
	const cJSON *g;
	const char *t = label_in(f, &f->title, lang);
	const char *w = jstr(sum, "weight");
	char a[40];
	term_text(b, t ? t : f->id, 0, 0, -1);
	fmt_count(a, jnum0(sum, "responses"));
	snd_buf_printf(b, "\nquestionnaire %s \xc2\xb7 responses %s \xc2\xb7 one voice per %s%s\n",
	               f->id, a, w && strcmp(w, "entity") == 0 ? "entity" : "delegate",
	               f->anonymity == SND_PSEUDONYMOUS ? " \xc2\xb7 pseudonymous" : "");
	text_questions(b, f, lang, cJSON_GetObjectItemCaseSensitive(sum, "questions"), 1, limit);
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(sum, "groups")) {
		fmt_count(a, jnum0(g, "responses"));
		snd_buf_puts(b, "\n\n######## ");
		term_text(b, by ? by : "group", 0, 0, -1);
		snd_buf_puts(b, " = ");
		term_text(b, g->string, 0, 0, -1);
		snd_buf_printf(b, " (responses %s) ########\n", a);
		text_questions(b, f, lang, cJSON_GetObjectItemCaseSensitive(g, "questions"), 0, limit);
	}
}

/* ------------------------------------------------------------------- csv */

struct csvw {
	struct snd_buf *b;
	const char *group;
	const char *qid;
	const char *type;
};

static void csv_row(struct csvw *w, const char *item, const char *measure, const char *value)
{
	snd_buf_csv(w->b, w->group);
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, w->qid);
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, w->type);
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, item ? item : "");
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, measure);
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, value ? value : "");
	snd_buf_puts(w->b, "\r\n");
}

static void csv_num(struct csvw *w, const char *item, const char *measure, const cJSON *o,
                    const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char n[40];
	if (cJSON_IsNumber(v))
		num_exact(n, v->valuedouble);
	else
		n[0] = '\0';
	csv_row(w, item, measure, n);
}

static void csv_scale(struct csvw *w, const struct snd_question *q, const cJSON *o,
                      const char *row)
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(o, "distribution");
	char item[SND_ID_MAX + 24], key[16];
	int v;
	csv_num(w, row, "answered", o, "answered");
	csv_num(w, row, "mean", o, "mean");
	csv_num(w, row, "median", o, "median");
	csv_num(w, row, "consensus", o, "consensus");
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		snprintf(item, sizeof item, "%s%s%d", row ? row : "", row ? ":" : "", v);
		csv_num(w, item, "count", dist, key);
	}
}

static void csv_questions(struct snd_buf *b, const struct snd_form *f, const cJSON *questions,
                          const char *group)
{
	const cJSON *qs, *it, *jt;
	char n[40], item[2 * SND_ID_MAX + 8];
	int i;
	cJSON_ArrayForEach(qs, questions) {
		const struct snd_question *q = question_of(f, qs);
		struct csvw w;
		if (q == NULL)
			continue;
		w.b = b;
		w.group = group;
		w.qid = q->id;
		w.type = snd_qtype_names[q->type];
		switch (q->type) {
		case SND_Q_SINGLE:
		case SND_Q_MULTI:
			csv_num(&w, NULL, "answered", qs, "answered");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "options")) {
				csv_num(&w, jstr(it, "id"), "count", it, "count");
				csv_num(&w, jstr(it, "id"), "share", it, "share");
			}
			csv_row(&w, NULL, "leader", jstr(qs, "leader"));
			break;
		case SND_Q_SCALE:
			csv_scale(&w, q, qs, NULL);
			break;
		case SND_Q_MATRIX:
			csv_num(&w, NULL, "answered", qs, "answered");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "rows"))
				csv_scale(&w, q, it, jstr(it, "id"));
			break;
		case SND_Q_RANK:
			csv_num(&w, NULL, "answered", qs, "answered");
			i = 0;
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "schulze")) {
				snprintf(n, sizeof n, "%d", ++i);
				csv_row(&w, cJSON_IsString(it) ? it->valuestring : "", "schulze_place", n);
			}
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "borda"))
				csv_num(&w, jstr(it, "id"), "borda", it, "score");
			csv_row(&w, NULL, "condorcet_winner", jstr(qs, "condorcet_winner"));
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "pairwise"))
				cJSON_ArrayForEach(jt, it) {
					snprintf(item, sizeof item, "%s>%s", it->string, jt->string);
					csv_num(&w, item, "pairwise", it, jt->string);
				}
			break;
		case SND_Q_POSITION:
			csv_num(&w, NULL, "answered", qs, "answered");
			for (i = 0; i < SND_POS__MAX; i++)
				csv_num(&w, NULL, snd_position_names[i], qs, snd_position_names[i]);
			csv_row(&w, NULL, "consensus",
			        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus")) ? "true"
			                                                                       : "false");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "objections"))
				csv_row(&w, f->anonymity == SND_PSEUDONYMOUS ? NULL : jstr(it, "entity"),
				        "objection", jstr(it, "reason"));
			break;
		case SND_Q_NUMBER:
			csv_num(&w, NULL, "answered", qs, "answered");
			csv_num(&w, NULL, "min", qs, "min");
			csv_num(&w, NULL, "max", qs, "max");
			csv_num(&w, NULL, "mean", qs, "mean");
			csv_num(&w, NULL, "median", qs, "median");
			break;
		case SND_Q_TEXT:
			csv_num(&w, NULL, "answered", qs, "answered");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "comments"))
				csv_row(&w, f->anonymity == SND_PSEUDONYMOUS ? NULL : jstr(it, "entity"),
				        "comment", jstr(it, "text"));
			break;
		default:
			break;
		}
	}
}

static void write_csv(struct snd_buf *b, const struct snd_form *f, const cJSON *sum)
{
	const cJSON *g;
	struct csvw w;
	snd_buf_puts(b, "group,question,type,item,measure,value\r\n");
	w.b = b;
	w.group = "";
	w.qid = "";
	w.type = "";
	csv_num(&w, NULL, "responses", sum, "responses");
	csv_questions(b, f, cJSON_GetObjectItemCaseSensitive(sum, "questions"), "");
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(sum, "groups")) {
		w.group = g->string;
		csv_num(&w, NULL, "responses", g, "responses");
		csv_questions(b, f, cJSON_GetObjectItemCaseSensitive(g, "questions"), g->string);
	}
}

/* -------------------------------------------------------------- markdown */

/* Escapes text for a Markdown table cell or inline text: the punctuation
 * that can start inline syntax (emphasis, code, links, HTML, entities,
 * strikethrough) or end a table cell gets a backslash, which CommonMark
 * allows before any ASCII punctuation; control characters become spaces.
 * Line-start syntax (lists, headings) cannot trigger: every call follows a
 * prefix such as "| ", "- " or "### ". */
static void md_text(struct snd_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			snd_buf_putc(b, ' ');
		else if (strchr("\\`*_[]<>|~&", *p) != NULL) {
			snd_buf_putc(b, '\\');
			snd_buf_putc(b, (char)*p);
		} else
			snd_buf_putc(b, (char)*p);
	}
}

static void md_scale_row(struct snd_buf *b, const struct snd_question *q, const cJSON *o)
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(o, "distribution");
	char n[40], m[40], md[40], cs[40], key[16];
	double med;
	int v;
	fmt_count(n, jnum0(o, "answered"));
	fmt_stat(m, o, "mean");
	if (jnum(o, "median", &med))
		fmt_count(md, med);
	else
		snprintf(md, sizeof md, "\xe2\x80\x94");
	fmt_stat(cs, o, "consensus");
	snd_buf_printf(b, " | %s | %s | %s | %s |", n, m, md, cs);
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		fmt_count(n, jnum0(dist, key));
		snd_buf_printf(b, " %s |", n);
	}
	snd_buf_putc(b, '\n');
}

static void md_scale_head(struct snd_buf *b, const struct snd_question *q, const char *first)
{
	int v;
	snd_buf_printf(b, "| %s | answered | mean | median | consensus |", first);
	for (v = q->min; v <= q->max; v++)
		snd_buf_printf(b, " %d |", v);
	snd_buf_puts(b, "\n|---|---:|---:|---:|---:|");
	for (v = q->min; v <= q->max; v++)
		snd_buf_puts(b, "---:|");
	snd_buf_putc(b, '\n');
}

static void md_questions(struct snd_buf *b, const struct snd_form *f, int lang,
                         const cJSON *questions, int headings)
{
	const cJSON *qs, *it, *jt;
	size_t cur = (size_t)-1;
	char a[40], s[40];
	int i;
	cJSON_ArrayForEach(qs, questions) {
		const struct snd_question *q = question_of(f, qs);
		if (q == NULL)
			continue;
		if (headings && q->section != cur && q->section < f->nsections) {
			const char *t = label_in(f, &f->sections[q->section].title, lang);
			cur = q->section;
			snd_buf_puts(b, "\n## ");
			md_text(b, t ? t : f->sections[cur].id);
			snd_buf_putc(b, '\n');
		}
		fmt_count(a, jnum0(qs, "answered"));
		snd_buf_printf(b, "\n### ");
		md_text(b, label_in(f, &q->text, lang));
		snd_buf_printf(b, "\n\n`%s` \xc2\xb7 %s \xc2\xb7 answered %s\n\n", q->id,
		               snd_qtype_names[q->type], a);
		switch (q->type) {
		case SND_Q_SINGLE:
		case SND_Q_MULTI:
			snd_buf_puts(b, "| option | count | share |\n|---|---:|---:|\n");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "options")) {
				snd_buf_puts(b, "| ");
				md_text(b, opt_label(f, lang, q->options, q->noptions, jstr(it, "id")));
				fmt_count(a, jnum0(it, "count"));
				fmt_pct(s, jnum0(it, "share"));
				snd_buf_printf(b, " | %s | %s |\n", a, s);
			}
			snd_buf_puts(b, "\n**Leader:** ");
			if (jstr(qs, "leader"))
				md_text(b, opt_label(f, lang, q->options, q->noptions, jstr(qs, "leader")));
			else
				snd_buf_puts(b, "none (tie or no answers)");
			snd_buf_putc(b, '\n');
			break;
		case SND_Q_SCALE:
			md_scale_head(b, q, "");
			snd_buf_puts(b, "| all");
			md_scale_row(b, q, qs);
			snd_buf_puts(b, "\nConsensus: Tastle\xe2\x80\x93Wierman, 0 = split between the "
			                "ends, 1 = all on one point.\n");
			break;
		case SND_Q_MATRIX:
			md_scale_head(b, q, "row");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "rows")) {
				snd_buf_puts(b, "| ");
				md_text(b, opt_label(f, lang, q->rows, q->nrows, jstr(it, "id")));
				md_scale_row(b, q, it);
			}
			snd_buf_puts(b, "\nConsensus: Tastle\xe2\x80\x93Wierman, 0 = split between the "
			                "ends, 1 = all on one point.\n");
			break;
		case SND_Q_RANK:
			snd_buf_puts(b, "**Schulze order:**\n\n");
			i = 0;
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "schulze")) {
				snd_buf_printf(b, "%d. ", ++i);
				md_text(b, opt_label(f, lang, q->options, q->noptions,
				                     cJSON_IsString(it) ? it->valuestring : NULL));
				snd_buf_putc(b, '\n');
			}
			snd_buf_puts(b, "\n**Condorcet winner:** ");
			if (jstr(qs, "condorcet_winner"))
				md_text(b, opt_label(f, lang, q->options, q->noptions,
				                     jstr(qs, "condorcet_winner")));
			else
				snd_buf_puts(b, "none");
			snd_buf_puts(b, "\n\n| option | Borda score |\n|---|---:|\n");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "borda")) {
				snd_buf_puts(b, "| ");
				md_text(b, opt_label(f, lang, q->options, q->noptions, jstr(it, "id")));
				fmt_count(a, jnum0(it, "score"));
				snd_buf_printf(b, " | %s |\n", a);
			}
			snd_buf_puts(b, "\nPairwise (voters preferring the row over the column):\n\n|   |");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "pairwise")) {
				snd_buf_puts(b, " ");
				md_text(b, it->string);
				snd_buf_puts(b, " |");
			}
			snd_buf_puts(b, "\n|---|");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "pairwise"))
				snd_buf_puts(b, "---:|");
			snd_buf_putc(b, '\n');
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "pairwise")) {
				snd_buf_puts(b, "| ");
				md_text(b, it->string);
				snd_buf_puts(b, " |");
				cJSON_ArrayForEach(jt, cJSON_GetObjectItemCaseSensitive(qs, "pairwise")) {
					if (jt == it) {
						snd_buf_puts(b, " \xe2\x80\x94 |");
						continue;
					}
					fmt_count(a, jnum0(it, jt->string));
					snd_buf_printf(b, " %s |", a);
				}
				snd_buf_putc(b, '\n');
			}
			break;
		case SND_Q_POSITION:
			snd_buf_puts(b, "| support | can live with | object | abstain |\n"
			                "|---:|---:|---:|---:|\n|");
			for (i = 0; i < SND_POS__MAX; i++) {
				fmt_count(a, jnum0(qs, snd_position_names[i]));
				snd_buf_printf(b, " %s |", a);
			}
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus")))
				snd_buf_puts(b, "\n\n**CONSENSUS** (no sustained objection)\n");
			else if (jnum0(qs, "object") > 0) {
				fmt_count(a, jnum0(qs, "object"));
				snd_buf_printf(b, "\n\n**%s sustained objection%s:**\n\n", a,
				               jnum0(qs, "object") == 1 ? "" : "s");
			} else
				snd_buf_puts(b, "\n\nNo positions yet.\n");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "objections")) {
				const char *ent = f->anonymity == SND_PSEUDONYMOUS ? NULL : jstr(it, "entity");
				snd_buf_puts(b, "- ");
				if (ent) {
					snd_buf_puts(b, "**");
					md_text(b, ent);
					snd_buf_puts(b, "**: ");
				}
				md_text(b, jstr(it, "reason"));
				snd_buf_putc(b, '\n');
			}
			break;
		case SND_Q_NUMBER: {
			char mn[40], mx[40], me[40], md[40];
			fmt_value(mn, qs, "min");
			fmt_value(mx, qs, "max");
			fmt_stat(me, qs, "mean");
			fmt_value(md, qs, "median");
			snd_buf_printf(b, "| n | min | max | mean | median |\n|---:|---:|---:|---:|---:|\n"
			               "| %s | %s | %s | %s | %s |\n", a, mn, mx, me, md);
			break;
		}
		case SND_Q_TEXT:
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "comments")) {
				const char *ent = f->anonymity == SND_PSEUDONYMOUS ? NULL : jstr(it, "entity");
				snd_buf_puts(b, "- ");
				if (ent) {
					snd_buf_puts(b, "**");
					md_text(b, ent);
					snd_buf_puts(b, "**: ");
				}
				md_text(b, jstr(it, "text"));
				snd_buf_putc(b, '\n');
			}
			break;
		default:
			break;
		}
	}
}

static void write_md(struct snd_buf *b, const struct snd_form *f, int lang, const cJSON *sum,
                     const char *by)
{
	const cJSON *g;
	const char *t = label_in(f, &f->title, lang);
	const char *w = jstr(sum, "weight");
	char a[40];
	snd_buf_puts(b, "# ");
	md_text(b, t ? t : f->id);
	fmt_count(a, jnum0(sum, "responses"));
	snd_buf_printf(b, "\n\nQuestionnaire `%s` \xc2\xb7 responses %s \xc2\xb7 one voice per %s\n",
	               f->id, a, w && strcmp(w, "entity") == 0 ? "entity" : "delegate");
	md_questions(b, f, lang, cJSON_GetObjectItemCaseSensitive(sum, "questions"), 1);
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(sum, "groups")) {
		fmt_count(a, jnum0(g, "responses"));
		snd_buf_puts(b, "\n## ");
		md_text(b, by ? by : "group");
		snd_buf_puts(b, " = ");
		md_text(b, g->string);
		snd_buf_printf(b, " (responses %s)\n", a);
		md_questions(b, f, lang, cJSON_GetObjectItemCaseSensitive(g, "questions"), 0);
	}
}

/* -------------------------------------------------------------- commands */

static const char summary_usage[] =
	"usage: tally summary --db DB --form FORM [--by ATTR] [--weight delegate|entity]\n"
	"                     [--format text|json|csv|md] [--lang xx] [--limit N|all]\n"
	"                     [--out FILE]\n"
	"\n"
	"Aggregates every delegate's latest revision.  text: tables for a terminal;\n"
	"json: the summary object of interface.md; csv: one row per (group, question,\n"
	"item, measure); md: Markdown tables.  --by ATTR adds a breakdown by a token\n"
	"attribute (or entity); --weight entity gives each administration one voice.\n"
	"--limit caps the objections and comments listed per question in text output\n"
	"(default 20; \"all\" lists every one; the other formats always list all).\n";

static const char report_usage[] =
	"usage: tally report --db DB --form FORM --out report.html [--by ATTR]\n"
	"                    [--weight delegate|entity] [--lang xx]\n"
	"\n"
	"Writes one self-contained HTML file (inline CSS and SVG charts, no script,\n"
	"no external requests) with turnout, every question and the breakdown.\n"
	"Without --out the HTML goes to standard output.\n";

struct common {
	const char *db, *form, *by, *weight, *format, *out, *lang, *limit;
};

/* Parses the shared options and validates the choices; 0, 1 (help shown)
 * or EXIT_USAGE. */
static int parse_common(int argc, char **argv, struct common *c, const char *use, int report)
{
	struct opt opts[] = {
		{"db", 1, &c->db, NULL, NULL},         {"form", 1, &c->form, NULL, NULL},
		{"by", 1, &c->by, NULL, NULL},         {"weight", 1, &c->weight, NULL, NULL},
		{"format", 1, &c->format, NULL, NULL}, {"out", 1, &c->out, NULL, NULL},
		{"lang", 1, &c->lang, NULL, NULL},     {"limit", 1, &c->limit, NULL, NULL},
		{NULL, 0, NULL, NULL, NULL},
	};
	int help, rc;
	memset(c, 0, sizeof *c);
	if (report) { /* the report has every format and limit fixed */
		opts[4].name = "no-such-option-format";
		opts[7].name = "no-such-option-limit";
	}
	rc = opts_parse(argc, argv, opts, use, &help, NULL, NULL);
	if (help) {
		fputs(use, stdout);
		return 1;
	}
	if (rc)
		return rc;
	if (c->db == NULL || c->form == NULL) {
		tally_err("%s is required", c->db == NULL ? "--db" : "--form");
		fputs(use, stderr);
		return EXIT_USAGE;
	}
	if (c->weight && strcmp(c->weight, "delegate") != 0 && strcmp(c->weight, "entity") != 0) {
		tally_err("--weight must be delegate or entity, not '%s'", c->weight);
		return EXIT_USAGE;
	}
	if (c->by && c->by[0] == '\0') {
		tally_err("--by needs an attribute name");
		return EXIT_USAGE;
	}
	return 0;
}

/* Loads form and database, finds the language, runs the engine. */
static int run_summary(const struct common *c, struct snd_form **f, struct snd_store **s,
                       int *lang, cJSON **sum)
{
	struct snd_tally_opts o;
	struct progress prog;
	char err[512] = "";
	enum snd_err e;

	if (open_form_db(c->form, c->db, f, s) != 0)
		return 1;
	*lang = 0;
	if (c->lang && (*lang = snd_form_lang(*f, c->lang)) < 0) {
		size_t i;
		tally_err("--lang %s: %s has no such language (it has:", c->lang, c->form);
		for (i = 0; i < (*f)->nlanguages; i++)
			fprintf(stderr, " %s", (*f)->languages[i]);
		fputs(")\n", stderr);
		return EXIT_USAGE;
	}
	o.by = c->by;
	o.weight = c->weight && strcmp(c->weight, "entity") == 0 ? SND_WEIGHT_ENTITY
	                                                         : SND_WEIGHT_DELEGATE;
	progress_init(&prog, "tallying");
	progress_note(&prog);
	e = snd_tally_summary(*s, *f, &o, sum, err, sizeof err);
	progress_done(&prog);
	if (e != SND_OK) {
		tally_err("%s: %s", c->db, err[0] ? err : snd_strerror(e));
		return 1;
	}
	return 0;
}

int cmd_summary(int argc, char **argv)
{
	struct common c;
	struct snd_form *f = NULL;
	struct snd_store *s = NULL;
	cJSON *sum = NULL;
	struct snd_buf b;
	struct out o;
	enum fmt fmt = FMT_TEXT;
	int rc, lang = 0, i;
	long limit = 20;

	if ((rc = parse_common(argc, argv, &c, summary_usage, 0)) != 0)
		return rc == 1 ? 0 : rc;
	if (c.format) {
		for (i = 0; i < FMT__MAX && strcmp(c.format, fmt_names[i]) != 0; i++)
			;
		fmt = (enum fmt)i;
		if (i == FMT__MAX) {
			tally_err("--format must be text, json, csv or md, not '%s'", c.format);
			return EXIT_USAGE;
		}
	}
	if (c.limit) {
		char *end;
		if (strcmp(c.limit, "all") == 0) {
			limit = -1;
		} else {
			limit = strtol(c.limit, &end, 10);
			if (c.limit[0] == '\0' || *end != '\0' || limit < 0) {
				tally_err("--limit must be a count or all, not '%s'", c.limit);
				return EXIT_USAGE;
			}
		}
	}
	snd_buf_init(&b, (size_t)1 << 30);
	if ((rc = run_summary(&c, &f, &s, &lang, &sum)) != 0)
		goto done;
	rc = 1;
	switch (fmt) {
	case FMT_JSON:
		json_pretty(&b, sum, 0);
		snd_buf_putc(&b, '\n');
		break;
	case FMT_CSV:
		write_csv(&b, f, sum);
		break;
	case FMT_MD:
		write_md(&b, f, lang, sum, c.by);
		break;
	default:
		write_text(&b, f, lang, sum, c.by, limit);
		break;
	}
	if (out_open(&o, c.out) != 0)
		goto done;
	if (out_buf(&o, &b) != 0) {
		out_abort(&o);
		goto done;
	}
	rc = out_close(&o);
done:
	snd_buf_free(&b);
	cJSON_Delete(sum);
	snd_store_close(s);
	snd_form_free(f);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct common c;
	struct snd_form *f = NULL;
	struct snd_store *s = NULL;
	cJSON *sum = NULL, *turnout = NULL;
	struct snd_buf b;
	struct out o;
	char err[512] = "";
	enum snd_err e;
	int rc, lang = 0;

	if ((rc = parse_common(argc, argv, &c, report_usage, 1)) != 0)
		return rc == 1 ? 0 : rc;
	snd_buf_init(&b, (size_t)1 << 30);
	if ((rc = run_summary(&c, &f, &s, &lang, &sum)) != 0)
		goto done;
	rc = 1;
	if ((e = snd_tally_turnout(s, f, &turnout, err, sizeof err)) != SND_OK) {
		tally_err("%s: turnout: %s", c.db, err[0] ? err : snd_strerror(e));
		goto done;
	}
	/* The report names the --by attribute in its breakdown headings. */
	if (c.by && cJSON_GetObjectItemCaseSensitive(sum, "by") == NULL)
		cJSON_AddStringToObject(sum, "by", c.by);
	if ((e = snd_report_html(&b, f, lang, sum, turnout)) != SND_OK) {
		tally_err("building the report failed: %s", snd_strerror(e));
		goto done;
	}
	if (out_open(&o, c.out) != 0)
		goto done;
	if (out_buf(&o, &b) != 0) {
		out_abort(&o);
		goto done;
	}
	rc = out_close(&o);
done:
	snd_buf_free(&b);
	cJSON_Delete(sum);
	cJSON_Delete(turnout);
	snd_store_close(s);
	snd_form_free(f);
	return rc;
}
