/* text.c - the text writer of `tally summary`: aligned tables a chair can
 * read in a terminal, with bar glyphs, labels in the chosen language,
 * shares rounded for display.
 *
 * Invariants:
 *   1. Text from forms and answers never reaches a terminal raw: control
 *      characters (which could drive the terminal) and bidi controls become
 *      U+FFFD before printing (term_text).
 *   2. Columns are counted in terminal cells (East Asian wide characters
 *      take two), so tables stay aligned in every UN language.
 *   3. At most `limit` objections and comments per question are listed
 *      (the rest are counted), so a large consultation stays readable.
 */
#include "tally.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_W 34
#define BAR_CELLS 24

static const char *const pos_text[SND_POS__MAX] = {
	"support", "can live with", "object", "abstain"
};

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
size_t term_text(struct snd_buf *b, const char *s, size_t max_cols, size_t pad_cols,
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

/* ------------------------------------------------------------------ text */

static void text_options(struct snd_buf *b, const struct snd_form *f, int lang,
                         const struct snd_question *q, const cJSON *qs)
{
	const cJSON *it;
	const char *leader = snd_json_str(qs, "leader");
	char c[SND_FMT_LEN], s[SND_FMT_LEN];
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "options")) {
		double share = snd_json_num0(it, "share");
		snd_fmt_count(c, snd_json_num0(it, "count"), TALLY_DEC);
		snd_fmt_pct(s, share, TALLY_DEC);
		snd_buf_puts(b, "  ");
		term_text(b, opt_label(f, lang, q->options, q->noptions, snd_json_str(it, "id")), LABEL_W,
		          LABEL_W + 1, -1);
		bar(b, share, BAR_CELLS);
		snd_buf_printf(b, " %8s %7s\n", c, s);
	}
	snd_buf_puts(b, "  leader: ");
	if (leader) {
		double top = -1, second = -1;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "options")) {
			double n = snd_json_num0(it, "count");
			if (n > top) {
				second = top;
				top = n;
			} else if (n > second) {
				second = n;
			}
		}
		term_text(b, opt_label(f, lang, q->options, q->noptions, leader), 0, 0, -1);
		snd_fmt_count(c, second >= 0 ? top - second : top, TALLY_DEC);
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
		total += snd_json_num0(dist, key);
	}
	if (total <= 0)
		return 0;
	*q1 = *q3 = q->max;
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		cum += snd_json_num0(dist, key);
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
		n = snd_json_num0(dist, key);
		total += n;
		out[2 * v < q->min + q->max ? 0 : 2 * v == q->min + q->max ? 1 : 2] += n;
	}
	for (v = 0; v < 3; v++)
		out[v] = total > 0 ? out[v] / total : 0;
}

/* Leik's dispersion and van der Eijk's agreement, when the summary has
 * them. */
static void text_ordinal(struct snd_buf *b, const cJSON *qs)
{
	char l[SND_FMT_LEN], a[SND_FMT_LEN];
	if (!cJSON_GetObjectItemCaseSensitive(qs, "leik"))
		return;
	cell_stat(l, qs, "leik");
	cell_stat(a, qs, "agreement");
	snd_buf_printf(b, "  dispersion %s (Leik, 0 = all on one point .. 1 = split between the ends)"
	               " \xc2\xb7 agreement %s (van der Eijk, -1 = split between the ends .. 0 = "
	               "spread evenly .. 1 = all on one point)\n", l, a);
}

/* The "no view" answers of a scale (or matrix row), outside its shares:
 * shown when the question allows them or some were counted. */
static int no_view_shown(const struct snd_question *q, const cJSON *qs, double *n)
{
	return snd_json_num(qs, "no_view", n) && (q->no_view || *n > 0);
}

static void text_scale_figures(struct snd_buf *b, const struct snd_question *q, const cJSON *qs)
{
	char m[SND_FMT_LEN], md[SND_FMT_LEN], cs[SND_FMT_LEN];
	char p0[SND_FMT_LEN], p1[SND_FMT_LEN], p2[SND_FMT_LEN];
	double mid[3];
	int q1, q3;
	cell_stat(m, qs, "mean");
	cell_point(md, qs, "median");
	cell_stat(cs, qs, "consensus");
	midpoint_shares(q, qs, mid);
	snd_fmt_pct(p0, mid[0], TALLY_DEC);
	snd_fmt_pct(p1, mid[1], TALLY_DEC);
	snd_fmt_pct(p2, mid[2], TALLY_DEC);
	snd_buf_printf(b, "  mean %s \xc2\xb7 median %s", m, md);
	if (quartiles(q, qs, &q1, &q3))
		snd_buf_printf(b, " \xc2\xb7 IQR %d\xe2\x80\x93%d", q1, q3);
	snd_buf_printf(b, " \xc2\xb7 consensus %s (Tastle\xe2\x80\x93Wierman, 0..1)\n", cs);
	text_ordinal(b, qs);
	snd_buf_printf(b, "  below/at/above midpoint %s / %s / %s\n", p0, p1, p2);
}

static void text_scale(struct snd_buf *b, const struct snd_form *f, int lang,
                       const struct snd_question *q, const cJSON *qs)
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(qs, "distribution");
	double total = 0, n;
	char key[16], c[SND_FMT_LEN], s[SND_FMT_LEN];
	int v;
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		total += snd_json_num0(dist, key);
	}
	for (v = q->min; v <= q->max; v++) {
		const char *l = q->scale_labels ? label_in(f, &q->scale_labels[v - q->min], lang) : NULL;
		snprintf(key, sizeof key, "%d", v);
		n = snd_json_num0(dist, key);
		snd_fmt_count(c, n, TALLY_DEC);
		snd_fmt_pct(s, total > 0 ? n / total : 0, TALLY_DEC);
		snd_buf_printf(b, "  %3d ", v);
		term_text(b, l ? l : "", LABEL_W - 4, LABEL_W - 3, -1);
		bar(b, total > 0 ? n / total : 0, BAR_CELLS);
		snd_buf_printf(b, " %8s %7s\n", c, s);
	}
	if (no_view_shown(q, qs, &n)) {
		snd_fmt_count(c, n, TALLY_DEC);
		/* the count under the counts: 2 + 59 columns = "  %3d " + label + bar */
		snd_buf_printf(b, "  %-59s %8s\n", "no view (not in the shares)", c);
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
	char n[SND_FMT_LEN], m[SND_FMT_LEN], md[SND_FMT_LEN], cs[SND_FMT_LEN], key[16];
	char nv[SND_FMT_LEN], lk[SND_FMT_LEN], ag[SND_FMT_LEN];
	int v;
	snd_buf_printf(b, "  %-*s %8s %7s %7s %7s %10s %7s %7s  distribution %d..%d\n", LABEL_W - 1,
	               "row", "n", "no view", "mean", "median", "consensus", "leik", "agree", q->min,
	               q->max);
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(qs, "rows")) {
		const cJSON *dist = cJSON_GetObjectItemCaseSensitive(row, "distribution");
		double peak = 0;
		snd_fmt_count(n, snd_json_num0(row, "answered"), TALLY_DEC);
		snd_fmt_count(nv, snd_json_num0(row, "no_view"), TALLY_DEC);
		cell_stat(m, row, "mean");
		cell_point(md, row, "median");
		cell_stat(cs, row, "consensus");
		cell_stat(lk, row, "leik");
		cell_stat(ag, row, "agreement");
		snd_buf_puts(b, "  ");
		term_text(b, opt_label(f, lang, q->rows, q->nrows, snd_json_str(row, "id")), LABEL_W - 1,
		          LABEL_W - 1, -1);
		snd_buf_printf(b, " %8s %7s %7s %7s %10s %7s %7s  ", n, nv, m, md, cs, lk, ag);
		for (v = q->min; v <= q->max; v++) {
			snprintf(key, sizeof key, "%d", v);
			if (snd_json_num0(dist, key) > peak)
				peak = snd_json_num0(dist, key);
		}
		for (v = q->min; v <= q->max; v++) {
			double x;
			snprintf(key, sizeof key, "%d", v);
			x = snd_json_num0(dist, key);
			snd_buf_puts(b, x <= 0 || peak <= 0 ? " " : spark[(int)lround(x / peak * 7)]);
		}
		snd_buf_putc(b, '\n');
	}
	snd_buf_puts(b, "  consensus: Tastle\xe2\x80\x93Wierman, 0 = split between the ends, "
	                "1 = all on one point\n"
	                "  leik: Leik's dispersion, 0 = all on one point, 1 = split between the ends\n"
	                "  agree: van der Eijk's agreement, -1 = split between the ends, 0 = spread "
	                "evenly, 1 = all on one point\n"
	                "  no view: answers \"no view\", not counted in n\n");
}

static void text_rank(struct snd_buf *b, const struct snd_form *f, int lang,
                      const struct snd_question *q, const cJSON *qs)
{
	const cJSON *it, *jt, *pw = cJSON_GetObjectItemCaseSensitive(qs, "pairwise");
	const char *cw = snd_json_str(qs, "condorcet_winner");
	double top = 0;
	char c[SND_FMT_LEN];
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
		if (snd_json_num0(it, "score") > top)
			top = snd_json_num0(it, "score");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "borda")) {
		snd_fmt_count(c, snd_json_num0(it, "score"), TALLY_DEC);
		snd_buf_puts(b, "    ");
		term_text(b, opt_label(f, lang, q->options, q->noptions, snd_json_str(it, "id")), LABEL_W - 2,
		          LABEL_W - 1, -1);
		bar(b, top > 0 ? snd_json_num0(it, "score") / top : 0, BAR_CELLS);
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
				snd_fmt_count(c, snd_json_num0(it, jt->string), TALLY_DEC);
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

/* An objection or comment list: "    - entity: text" per entry (no entity
 * on pseudonymous questionnaires), at most limit entries (-1: all) and a
 * line counting the rest. */
static void text_entry(void *ctx, const char *ent, const char *text)
{
	struct snd_buf *b = ctx;
	snd_buf_puts(b, "    - ");
	if (ent) {
		term_text(b, ent, 0, 0, -1);
		snd_buf_puts(b, ": ");
	}
	term_text(b, text, 0, 0, 6);
	snd_buf_putc(b, '\n');
}

static void text_entries(struct snd_buf *b, struct lists *ls, const struct snd_form *f,
                         const cJSON *qs, const char *list, const char *key, const char *what,
                         long limit)
{
	long total = limit >= 0 ? entries_count(ls, qs, list) : 0;
	entries_each(ls, f, qs, list, key, limit, text_entry, b);
	if (limit >= 0 && total > limit)
		more_line(b, total - limit, what);
}

/* --weight entity: the entities whose delegates took different positions,
 * "    - E1: support 1, object 1" each, at most limit (-1: all).  The
 * engine leaves the list out on pseudonymous questionnaires. */
static void text_divided(struct snd_buf *b, const cJSON *qs, long limit)
{
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(qs, "divided"), *it;
	long n = 0, total = cJSON_GetArraySize(dv);
	if (!cJSON_IsArray(dv) || total == 0)
		return;
	snd_buf_puts(b, "  divided delegations (one entity's delegates disagree):\n");
	cJSON_ArrayForEach(it, dv) {
		const cJSON *cn = cJSON_GetObjectItemCaseSensitive(it, "counts");
		char c[SND_FMT_LEN];
		int k = 0;
		if (limit >= 0 && n == limit)
			break;
		n++;
		snd_buf_puts(b, "    - ");
		term_text(b, snd_json_str(it, "entity"), 0, 0, -1);
		snd_buf_puts(b, ":");
		for (int i = 0; i < SND_POS__MAX; i++) {
			double x = snd_json_num0(cn, snd_position_names[i]);
			if (x <= 0)
				continue;
			snd_fmt_count(c, x, TALLY_DEC);
			snd_buf_printf(b, "%s %s %s", k++ ? "," : "", pos_text[i], c);
		}
		snd_buf_putc(b, '\n');
	}
	if (limit >= 0 && total > limit)
		more_line(b, total - limit, "divided delegation");
}

static void text_position(struct snd_buf *b, struct lists *ls, const struct snd_form *f,
                          const cJSON *qs, long limit)
{
	static const char *const glyph[SND_POS__MAX] = {
		"\xe2\x96\x88", "\xe2\x96\x93", "\xe2\x96\x92", "\xe2\x96\x91"
	};
	double c[SND_POS__MAX], total = 0, acc = 0;
	long drawn = 0, upto, k;
	enum outcome oc;
	const char *pl;
	char n[SND_FMT_LEN], s[SND_FMT_LEN];
	int i;

	for (i = 0; i < SND_POS__MAX; i++) {
		c[i] = snd_json_num0(qs, snd_position_names[i]);
		total += c[i];
	}
	snd_buf_puts(b, "  ");
	for (i = 0; i < SND_POS__MAX; i++) {
		snd_fmt_count(n, c[i], TALLY_DEC);
		snd_fmt_pct(s, total > 0 ? c[i] / total : 0, TALLY_DEC);
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
	static const struct outcome_words w = {"  no positions yet\n",
	                                       "  CONSENSUS (no sustained objection)\n", "  ", ":\n"};
	oc = position_outcome(qs, n, &pl);
	put_outcome(b, oc, n, pl, &w);
	text_entries(b, ls, f, qs, "objections", "reason", "objection", limit);
	text_divided(b, qs, limit);
}

/* The histogram's bins as bars: one value per line ("   4"), or a range
 * ("[0, 3)", the last "[27, 30]"), with the count and share. */
static void text_histogram(struct snd_buf *b, const cJSON *qs)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(qs, "histogram"), *it;
	double total = 0;
	int n = cJSON_GetArraySize(h), i = 0;
	if (!cJSON_IsArray(h) || n == 0)
		return;
	cJSON_ArrayForEach(it, h)
		total += snd_json_num0(it, "count");
	snd_buf_puts(b, "  histogram:\n");
	cJSON_ArrayForEach(it, h) {
		char fr[SND_FMT_LEN], to[SND_FMT_LEN], c[SND_FMT_LEN], s[SND_FMT_LEN], lab[2 * SND_FMT_LEN + 8];
		double x = snd_json_num0(it, "count");
		cell_value(fr, it, "from");
		cell_value(to, it, "to");
		if (snd_json_num0(it, "from") == snd_json_num0(it, "to"))
			snprintf(lab, sizeof lab, "%s", fr);
		else
			snprintf(lab, sizeof lab, "[%s, %s%c", fr, to, ++i == n ? ']' : ')');
		snd_fmt_count(c, x, TALLY_DEC);
		snd_fmt_pct(s, total > 0 ? x / total : 0, TALLY_DEC);
		snd_buf_printf(b, "    %-*s", LABEL_W - 1, lab); /* the bars line up with a scale's */
		bar(b, total > 0 ? x / total : 0, BAR_CELLS);
		snd_buf_printf(b, " %8s %7s\n", c, s);
	}
}

static void text_number(struct snd_buf *b, const cJSON *qs)
{
	char n[SND_FMT_LEN], mn[SND_FMT_LEN], mx[SND_FMT_LEN], me[SND_FMT_LEN], md[SND_FMT_LEN];
	snd_fmt_count(n, snd_json_num0(qs, "answered"), TALLY_DEC);
	cell_value(mn, qs, "min");
	cell_value(mx, qs, "max");
	cell_stat(me, qs, "mean");
	cell_value(md, qs, "median");
	snd_buf_printf(b, "  n %s \xc2\xb7 min %s \xc2\xb7 max %s \xc2\xb7 mean %s \xc2\xb7 median %s\n",
	               n, mn, mx, me, md);
	text_histogram(b, qs);
}

static void text_text(struct snd_buf *b, struct lists *ls, const struct snd_form *f,
                      const cJSON *qs, long limit)
{
	int n = (int)entries_count(ls, qs, "comments");
	snd_buf_printf(b, "  %d comment%s%s\n", n, n == 1 ? "" : "s", n ? ":" : "");
	text_entries(b, ls, f, qs, "comments", "text", "comment", limit);
}

static void text_questions(struct snd_buf *b, struct lists *ls, const struct snd_form *f,
                           int lang, const cJSON *questions, int headings, long limit)
{
	const cJSON *qs;
	size_t cur = (size_t)-1;
	char a[SND_FMT_LEN];
	cJSON_ArrayForEach(qs, questions) {
		const struct snd_question *q = question_of(f, qs);
		if (q == NULL)
			continue;
		const char *sec = section_heading(f, lang, q, headings, &cur);
		if (sec != NULL) {
			snd_buf_puts(b, "\n== ");
			term_text(b, sec, 0, 0, -1);
			snd_buf_puts(b, " ==\n");
		}
		snd_fmt_count(a, snd_json_num0(qs, "answered"), TALLY_DEC);
		snd_buf_printf(b, "\n[%s] ", q->id);
		term_text(b, label_in(f, &q->text, lang), 0, 0, 2);
		snd_buf_printf(b, "\n  %s \xc2\xb7 answered %s\n", snd_qtype_names[q->type], a);
		switch (q->type) {
		case SND_Q_SINGLE:
		case SND_Q_MULTI: text_options(b, f, lang, q, qs); break;
		case SND_Q_SCALE: text_scale(b, f, lang, q, qs); break;
		case SND_Q_MATRIX: text_matrix(b, f, lang, q, qs); break;
		case SND_Q_RANK: text_rank(b, f, lang, q, qs); break;
		case SND_Q_POSITION: text_position(b, ls, f, qs, limit); break;
		case SND_Q_NUMBER: text_number(b, qs); break;
		case SND_Q_TEXT: text_text(b, ls, f, qs, limit); break;
		default: break;
		}
		lists_flush(ls, 0);
	}
}

/* Every position question on one line: where each proposal stands, before
 * the details. */
struct tx {
	struct snd_buf *b;
	struct lists *ls;
	const struct snd_form *f;
	int lang;
	const char *by;
	long limit;
};

static void text_glance(void *ctx, const struct glance *g, int first)
{
	struct snd_buf *b = ((struct tx *)ctx)->b;
	if (first)
		snd_buf_puts(b, "\nProposals at a glance (support / can live with / object / "
		                "abstain)\n");
	snd_buf_printf(b, "  %-24s %8s %8s %8s %8s  ", g->q->id, g->count[0], g->count[1],
	               g->count[2], g->count[3]);
	static const struct outcome_words w = {"no positions yet\n", "CONSENSUS\n", "", "\n"};
	put_outcome(b, g->oc, g->n, g->plural, &w);
}

static void text_head(void *ctx, const char *responses, const char *weight, const cJSON *questions,
                      const cJSON *sum)
{
	struct tx *x = ctx;
	const char *t = label_in(x->f, &x->f->title, x->lang);
	term_text(x->b, t ? t : x->f->id, 0, 0, -1);
	snd_buf_printf(x->b, "\nquestionnaire %s \xc2\xb7 responses %s \xc2\xb7 one voice per %s%s\n",
	               x->f->id, responses, weight,
	               x->f->anonymity == SND_PSEUDONYMOUS ? " \xc2\xb7 pseudonymous" : "");
	invited_line(x->b, sum, "", "\n");
	trust_lines(x->b, sum, "", "\n");
	each_glance(x->f, questions, text_glance, x);
}

static void text_list(void *ctx, const cJSON *questions, int top)
{
	struct tx *x = ctx;
	text_questions(x->b, x->ls, x->f, x->lang, questions, top, x->limit);
}

static void text_group(void *ctx, const char *name, const char *responses)
{
	struct tx *x = ctx;
	snd_buf_puts(x->b, "\n\n######## ");
	term_text(x->b, x->by ? x->by : "group", 0, 0, -1);
	snd_buf_puts(x->b, " = ");
	term_text(x->b, name, 0, 0, -1);
	snd_buf_printf(x->b, " (responses %s) ########\n", responses);
}

void write_text(struct snd_buf *b, struct lists *ls, const struct snd_form *f, int lang,
                const cJSON *sum, const char *by, long limit)
{
	static const struct summary_writer w = {text_head, text_list, text_group};
	struct tx x = {b, ls, f, lang, by, limit};
	walk_summary(ls, sum, &w, &x);
}
