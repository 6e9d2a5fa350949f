/* tables.c - the Markdown writer of `tally summary`.
 *
 * Markdown has one table per question, rounded for reading, with every
 * string escaped for inline syntax.  (The CSV of --format csv is
 * snd_summary_csv in core/summary.c, shared with the chair's download.)
 *
 * Invariants:
 *   1. Every string from the form or the answers goes through md_text:
 *      inline syntax is escaped, control characters become spaces.
 *   2. Numbers only through fmt.c's cells and core's snd_fmt_*.
 *   3. The document's order is fmt.c's walk_summary: the whole, then the
 *      groups in the engine's order.
 */
#include "tally.h"

#include <string.h>

/* -------------------------------------------------------------- markdown */

/* A position question's outcome under its table. */
static const struct outcome_words md_outcome = {
	"\n\nNo positions yet.\n", "\n\n**CONSENSUS** (no sustained objection)\n", "\n\n**",
	":**\n\n"};

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
		else if (p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
		                          (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9))) {
			/* bidi embedding/override/isolate controls: shown, not obeyed,
			 * as snd_buf_html does */
			snd_buf_printf(b, "[U+%04X]", p[1] == 0x80 ? 0x202Au + (p[2] - 0xAAu)
			                                          : 0x2066u + (p[2] - 0xA6u));
			p += 2;
		} else if (strchr("\\`*_[]<>|~&", *p) != NULL) {
			snd_buf_putc(b, '\\');
			snd_buf_putc(b, (char)*p);
		} else
			snd_buf_putc(b, (char)*p);
	}
}

/* Under every scale and matrix table: what its measures say. */
static const char md_ordinal_note[] =
	"\nConsensus: Tastle\xe2\x80\x93Wierman, 0 = split between the ends, 1 = all on one point. "
	"Leik: Leik's ordinal dispersion, 0 = all on one point, 1 = split between the ends. "
	"Agreement: van der Eijk's A, \xe2\x88\x92" "1 = split between the ends, 0 = spread evenly, "
	"1 = all on one point. No view: answers \"no view\", not counted in answered.\n";

/* --weight entity: "**Divided delegations:**" and "- **E1**: support 1,
 * object 1" per entity whose delegates disagree. */
static void md_divided(struct snd_buf *b, const cJSON *qs)
{
	static const char *const pos[SND_POS__MAX] = {"support", "can live with", "object",
	                                              "abstain"};
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(qs, "divided"), *it;
	if (!cJSON_IsArray(dv) || dv->child == NULL)
		return;
	snd_buf_puts(b, "\n**Divided delegations** (one entity's delegates disagree):\n\n");
	cJSON_ArrayForEach(it, dv) {
		const cJSON *cn = cJSON_GetObjectItemCaseSensitive(it, "counts");
		char c[SND_FMT_LEN];
		int k = 0;
		snd_buf_puts(b, "- **");
		md_text(b, snd_json_str(it, "entity"));
		snd_buf_puts(b, "**:");
		for (int i = 0; i < SND_POS__MAX; i++) {
			double x = snd_json_num0(cn, snd_position_names[i]);
			if (x <= 0)
				continue;
			snd_fmt_count(c, x, TALLY_DEC);
			snd_buf_printf(b, "%s %s %s", k++ ? "," : "", pos[i], c);
		}
		snd_buf_putc(b, '\n');
	}
}

/* A number question's histogram: "| value | count |" with one value per
 * bin, else "| from | to | count |" ([from, to), the last closed). */
static void md_histogram(struct snd_buf *b, const cJSON *qs)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(qs, "histogram"), *it;
	int per_value = 1;
	if (!cJSON_IsArray(h) || h->child == NULL)
		return;
	cJSON_ArrayForEach(it, h)
		if (snd_json_num0(it, "from") != snd_json_num0(it, "to"))
			per_value = 0;
	snd_buf_puts(b, per_value ? "\n| value | count |\n|---:|---:|\n"
	                          : "\n| from | to | count |\n|---:|---:|---:|\n");
	cJSON_ArrayForEach(it, h) {
		char fr[SND_FMT_LEN], to[SND_FMT_LEN], c[SND_FMT_LEN];
		cell_value(fr, it, "from");
		cell_value(to, it, "to");
		snd_fmt_count(c, snd_json_num0(it, "count"), TALLY_DEC);
		if (per_value)
			snd_buf_printf(b, "| %s | %s |\n", fr, c);
		else
			snd_buf_printf(b, "| %s | %s | %s |\n", fr, to, c);
	}
	if (!per_value)
		snd_buf_puts(b, "\nEach bin holds from \xe2\x89\xa4 value < to; the last also its to.\n");
}

/* An objection or comment list: "- **entity**: text" per entry (no
 * entity on pseudonymous questionnaires). */
static void md_entry(void *ctx, const char *ent, const char *text)
{
	struct snd_buf *b = ctx;
	snd_buf_puts(b, "- ");
	if (ent) {
		snd_buf_puts(b, "**");
		md_text(b, ent);
		snd_buf_puts(b, "**: ");
	}
	md_text(b, text);
	snd_buf_putc(b, '\n');
}

static void md_entries(struct snd_buf *b, struct lists *ls, const struct snd_form *f,
                       const cJSON *qs, const char *list, const char *key)
{
	entries_each(ls, f, qs, list, key, -1, md_entry, b);
}

static void md_scale_row(struct snd_buf *b, const struct snd_question *q, const cJSON *o)
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(o, "distribution");
	char n[SND_FMT_LEN], m[SND_FMT_LEN], md[SND_FMT_LEN], cs[SND_FMT_LEN], key[16];
	char nv[SND_FMT_LEN], lk[SND_FMT_LEN], ag[SND_FMT_LEN];
	int v;
	snd_fmt_count(n, snd_json_num0(o, "answered"), TALLY_DEC);
	snd_fmt_count(nv, snd_json_num0(o, "no_view"), TALLY_DEC);
	cell_stat(m, o, "mean");
	cell_point(md, o, "median");
	cell_stat(cs, o, "consensus");
	cell_stat(lk, o, "leik");
	cell_stat(ag, o, "agreement");
	snd_buf_printf(b, " | %s | %s | %s | %s | %s | %s | %s |", n, nv, m, md, cs, lk, ag);
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		snd_fmt_count(n, snd_json_num0(dist, key), TALLY_DEC);
		snd_buf_printf(b, " %s |", n);
	}
	snd_buf_putc(b, '\n');
}

static void md_scale_head(struct snd_buf *b, const struct snd_question *q, const char *first)
{
	int v;
	snd_buf_printf(b, "| %s | answered | no view | mean | median | consensus | leik | agreement |",
	               first);
	for (v = q->min; v <= q->max; v++)
		snd_buf_printf(b, " %d |", v);
	snd_buf_puts(b, "\n|---|---:|---:|---:|---:|---:|---:|---:|");
	for (v = q->min; v <= q->max; v++)
		snd_buf_puts(b, "---:|");
	snd_buf_putc(b, '\n');
}

static void md_questions(struct snd_buf *b, struct lists *ls, const struct snd_form *f,
                         int lang, const cJSON *questions, int headings)
{
	const cJSON *qs, *it, *jt;
	size_t cur = (size_t)-1;
	enum outcome oc;
	const char *pl;
	char a[SND_FMT_LEN], s[SND_FMT_LEN];
	int i;
	cJSON_ArrayForEach(qs, questions) {
		const struct snd_question *q = question_of(f, qs);
		if (q == NULL)
			continue;
		const char *sec = section_heading(f, lang, q, headings, &cur);
		if (sec != NULL) {
			snd_buf_puts(b, "\n## ");
			md_text(b, sec);
			snd_buf_putc(b, '\n');
		}
		snd_fmt_count(a, snd_json_num0(qs, "answered"), TALLY_DEC);
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
				md_text(b, opt_label(f, lang, q->options, q->noptions, snd_json_str(it, "id")));
				snd_fmt_count(a, snd_json_num0(it, "count"), TALLY_DEC);
				snd_fmt_pct(s, snd_json_num0(it, "share"), TALLY_DEC);
				snd_buf_printf(b, " | %s | %s |\n", a, s);
			}
			snd_buf_puts(b, "\n**Leader:** ");
			if (snd_json_str(qs, "leader"))
				md_text(b, opt_label(f, lang, q->options, q->noptions, snd_json_str(qs, "leader")));
			else
				snd_buf_puts(b, "none (tie or no answers)");
			snd_buf_putc(b, '\n');
			break;
		case SND_Q_SCALE:
			md_scale_head(b, q, "");
			snd_buf_puts(b, "| all");
			md_scale_row(b, q, qs);
			snd_buf_puts(b, md_ordinal_note);
			break;
		case SND_Q_MATRIX:
			md_scale_head(b, q, "row");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "rows")) {
				snd_buf_puts(b, "| ");
				md_text(b, opt_label(f, lang, q->rows, q->nrows, snd_json_str(it, "id")));
				md_scale_row(b, q, it);
			}
			snd_buf_puts(b, md_ordinal_note);
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
			if (snd_json_str(qs, "condorcet_winner"))
				md_text(b, opt_label(f, lang, q->options, q->noptions,
				                     snd_json_str(qs, "condorcet_winner")));
			else
				snd_buf_puts(b, "none");
			snd_buf_puts(b, "\n\n| option | Borda score |\n|---|---:|\n");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "borda")) {
				snd_buf_puts(b, "| ");
				md_text(b, opt_label(f, lang, q->options, q->noptions, snd_json_str(it, "id")));
				snd_fmt_count(a, snd_json_num0(it, "score"), TALLY_DEC);
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
					snd_fmt_count(a, snd_json_num0(it, jt->string), TALLY_DEC);
					snd_buf_printf(b, " %s |", a);
				}
				snd_buf_putc(b, '\n');
			}
			break;
		case SND_Q_POSITION:
			snd_buf_puts(b, "| support | can live with | object | abstain |\n"
			                "|---:|---:|---:|---:|\n|");
			for (i = 0; i < SND_POS__MAX; i++) {
				snd_fmt_count(a, snd_json_num0(qs, snd_position_names[i]), TALLY_DEC);
				snd_buf_printf(b, " %s |", a);
			}
			oc = position_outcome(qs, a, &pl);
			put_outcome(b, oc, a, pl, &md_outcome);
			md_entries(b, ls, f, qs, "objections", "reason");
			md_divided(b, qs);
			break;
		case SND_Q_NUMBER: {
			char mn[SND_FMT_LEN], mx[SND_FMT_LEN], me[SND_FMT_LEN], md[SND_FMT_LEN];
			cell_value(mn, qs, "min");
			cell_value(mx, qs, "max");
			cell_stat(me, qs, "mean");
			cell_value(md, qs, "median");
			snd_buf_printf(b, "| n | min | max | mean | median |\n|---:|---:|---:|---:|---:|\n"
			               "| %s | %s | %s | %s | %s |\n", a, mn, mx, me, md);
			md_histogram(b, qs);
			break;
		}
		case SND_Q_TEXT:
			md_entries(b, ls, f, qs, "comments", "text");
			break;
		default:
			break;
		}
		lists_flush(ls, 0);
	}
}

/* One table row per position question, before the details. */
struct md {
	struct snd_buf *b;
	struct lists *ls;
	const struct snd_form *f;
	int lang;
	const char *by;
};

static void md_glance(void *ctx, const struct glance *g, int first)
{
	struct md *m = ctx;
	struct snd_buf *b = m->b;
	if (first)
		snd_buf_puts(b, "\n## Proposals at a glance\n\n| proposal | support | can live "
		                "with | object | abstain | outcome |\n"
		                "|---|---:|---:|---:|---:|---|\n");
	snd_buf_puts(b, "| ");
	md_text(b, label_in(m->f, &g->q->text, m->lang));
	snd_buf_puts(b, " |");
	for (int i = 0; i < SND_POS__MAX; i++)
		snd_buf_printf(b, " %s |", g->count[i]);
	static const struct outcome_words w = {" no positions yet |\n", " **CONSENSUS** |\n",
	                                       " ", " |\n"};
	put_outcome(b, g->oc, g->n, g->plural, &w);
}

static void md_head(void *ctx, const char *responses, const char *weight, const cJSON *questions,
                    const cJSON *sum)
{
	struct md *m = ctx;
	const char *t = label_in(m->f, &m->f->title, m->lang);
	snd_buf_puts(m->b, "# ");
	md_text(m->b, t ? t : m->f->id);
	snd_buf_printf(m->b, "\n\nQuestionnaire `%s` \xc2\xb7 responses %s \xc2\xb7 one voice per %s\n",
	               m->f->id, responses, weight);
	invited_line(m->b, sum, "\n", "\n");
	trust_lines(m->b, sum, "\n", "\n");
	each_glance(m->f, questions, md_glance, m);
}

static void md_list(void *ctx, const cJSON *questions, int top)
{
	struct md *m = ctx;
	md_questions(m->b, m->ls, m->f, m->lang, questions, top);
}

static void md_group(void *ctx, const char *name, const char *responses)
{
	struct md *m = ctx;
	snd_buf_puts(m->b, "\n## ");
	md_text(m->b, m->by ? m->by : "group");
	snd_buf_puts(m->b, " = ");
	md_text(m->b, name);
	snd_buf_printf(m->b, " (responses %s)\n", responses);
}

void write_md(struct snd_buf *b, struct lists *ls, const struct snd_form *f, int lang,
              const cJSON *sum, const char *by)
{
	static const struct summary_writer w = {md_head, md_list, md_group};
	struct md m = {b, ls, f, lang, by};
	walk_summary(ls, sum, &w, &m);
}
