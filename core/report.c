/* report.c - the self-contained HTML report of `tally report`: the page's
 * head and stylesheet, turnout, the proposals overview, every question under
 * its form section, and the groups of a --by breakdown (snd_report_html);
 * the fragments' stylesheet that the chair page serves (snd_report_css).
 *
 * The report is in five files (report_int.h has the map): this page,
 * report_questions.c and report_scale.c (one question's section per type),
 * report_charts.c (SVG and HTML primitives), report_i18n.c (the words).
 *
 * Invariants (of the whole report):
 *   1. Output is a pure function of (form, lang, summary, turnout, when):
 *      no clock (the caller passes the time the report was made), no locale,
 *      no addresses, no randomness, so the same data gives the same bytes
 *      (tests compare them).
 *   2. Every string that came from a form or an answer passes snd_buf_html;
 *      every number shown goes through core/fmt.c with the report's decimal
 *      separator (snd_rpt_dec: the language's), times as ISO dates in UTC;
 *      every word is the report's language's (report_i18n.c), attribute
 *      names included (a word for the well-known ones, else <code>).
 *   3. No script, no external reference of any kind (no xmlns URL either:
 *      inline SVG in HTML5 does not need it; the one link is the one a
 *      caller of snd_report_question_capped passes, escaped), no id
 *      attributes (a question may appear several times in one page, once
 *      per group), no style attributes (the chair page runs under a CSP
 *      without 'unsafe-inline'; SVG presentation attributes are not styles).
 *   4. Each chart is <svg role="img"> with a <title> and an aria-label that
 *      spell out the numbers, so a screen reader gets what the bars show.
 *   5. A missing or odd field in the summary degrades to "—", never a crash:
 *      the summary comes from our engine, but the dashboard renders it live.
 *   6. The page's own rules (doc_css) stay out of snd_report_css, whose every
 *      rule is scoped under .snd-q so the chair page can serve it first.
 */
#include "report_int.h"

#include <stdlib.h>

#include <string.h>
#include <time.h>

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
	snd_rpt_html_fill(o, tpl, &arg, 1);
}

/* "fewer than 3": a group smaller than the form's min_group, whose
 * figures are not shown (tally_json.c, turnout.c). */
static void fewer_than(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *g)
{
	char n[SND_FMT_LEN];
	snd_fmt_count(n, snd_json_num0(g, "fewer_than"), snd_rpt_dec(f, lang));
	html_fill1(o, T(f, lang, M_FEWER_THAN), n);
}

static void render_turnout(struct snd_buf *o, const struct snd_form *f, int lang,
                           const cJSON *turnout)
{
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(turnout, "by"), *attr, *val;
	char a[SND_FMT_LEN], b[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);
	int roll = cJSON_GetObjectItemCaseSensitive(turnout, "invited") != NULL;
	snd_buf_puts(o, "<section class=\"snd-turnout\"><h2>");
	snd_buf_html(o, T(f, lang, M_TURNOUT));
	snd_buf_puts(o, "</h2><table><thead><tr><td></td>");
	snd_rpt_th_col(o, T(f, lang, M_DELEGATES));
	snd_rpt_th_col(o, T(f, lang, M_ENTITIES));
	snd_buf_puts(o, "</tr></thead><tbody><tr><th scope=\"row\">");
	snd_buf_html(o, T(f, lang, M_ALL));
	snd_fmt_count(a, snd_json_num0(turnout, "delegates"), dec);
	snd_fmt_count(b, snd_json_num0(turnout, "entities"), dec);
	snd_buf_printf(o, "</th><td>%s</td><td>%s</td></tr></tbody></table>", a, b);
	if (roll) {
		/* Against the roll (turnout.c): counts only, never names, since a
		 * report circulates. */
		const char *args[3];
		char r[SND_FMT_LEN], v[SND_FMT_LEN];
		double rate;
		snd_fmt_count(a, snd_json_num0(turnout, "answered"), dec);
		snd_fmt_count(b, snd_json_num0(turnout, "invited"), dec);
		if (snd_json_num(turnout, "rate", &rate))
			snd_fmt_pct(r, rate, dec);
		else
			snprintf(r, sizeof r, "%s", "\xe2\x80\x94");
		args[0] = a;
		args[1] = b;
		args[2] = r;
		snd_buf_puts(o, "<p class=\"snd-roll\">");
		snd_rpt_html_fill(o, T(f, lang, M_ROLL_ANSWERED), args, 3);
		snd_fmt_count(v, snd_json_num0(turnout, "revoked"), dec);
		snd_buf_puts(o, " \xc2\xb7 ");
		html_fill1(o, T(f, lang, M_ROLL_REVOKED), v);
		snd_buf_puts(o, "</p>");
	}
	cJSON_ArrayForEach(attr, by) {
		if (!cJSON_IsObject(attr) || cJSON_GetArraySize(attr) == 0)
			continue;
		snd_buf_puts(o, "<table class=\"snd-turnout-by\"><caption>");
		snd_rpt_html_attr(o, f, lang, T(f, lang, M_BY), attr->string);
		snd_buf_puts(o, "</caption><thead><tr><th scope=\"col\">");
		snd_rpt_html_attr(o, f, lang, "%s", attr->string);
		snd_buf_puts(o, "</th>");
		snd_rpt_th_col(o, T(f, lang, M_DELEGATES));
		snd_rpt_th_col(o, T(f, lang, M_ENTITIES));
		if (roll) {
			snd_rpt_th_col(o, T(f, lang, M_INVITED));
			snd_rpt_th_col(o, T(f, lang, M_RATE));
		}
		snd_buf_puts(o, "</tr></thead><tbody>");
		cJSON_ArrayForEach(val, attr) {
			snd_buf_puts(o, "<tr><th scope=\"row\">");
			snd_buf_html(o, snd_rpt_group_name(f, lang, val->string));
			if (snd_rpt_suppressed(val)) {
				snd_buf_printf(o, "</th><td colspan=\"%d\">", roll ? 4 : 2);
				fewer_than(o, f, lang, val);
				snd_buf_puts(o, "</td></tr>");
				continue;
			}
			snd_fmt_count(a, snd_json_num0(val, "delegates"), dec);
			snd_fmt_count(b, snd_json_num0(val, "entities"), dec);
			snd_buf_printf(o, "</th><td>%s</td><td>%s</td>", a, b);
			if (roll) {
				/* rate: the roll's answered over invited, a dash for a
				 * value nobody on the roll has */
				double inv = snd_json_num0(val, "invited");
				snd_fmt_count(a, inv, dec);
				if (inv > 0)
					snd_fmt_pct(b, snd_json_num0(val, "answered") / inv, dec);
				else
					snprintf(b, sizeof b, "%s", "\xe2\x80\x94");
				snd_buf_printf(o, "<td>%s</td><td>%s</td>", a, b);
			}
			snd_buf_puts(o, "</tr>");
		}
		snd_buf_puts(o, "</tbody></table>");
	}
	snd_buf_puts(o, "</section>\n");
}

/* The first position question of a summary's questions at or after qs, with
 * its index in the form; NULL when there is none.  Questions the form does
 * not know are skipped: a proposal's row needs its text. */
static const cJSON *next_proposal(const struct snd_form *f, const cJSON *qs, int *qi)
{
	for (; qs != NULL; qs = qs->next) {
		const char *id = snd_json_str(qs, "id");
		int i = id ? snd_form_question(f, id) : -1;
		if (i >= 0 && f->questions[i].type == SND_Q_POSITION) {
			*qi = i;
			return qs;
		}
	}
	return NULL;
}

/* A proposal's cells in the whole summary: its count per position, then
 * its verdict. */
static void overall_cells(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *qs)
{
	char a[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);
	int i;
	for (i = 0; i < SND_POS__MAX; i++) {
		snd_fmt_count(a, snd_json_num0(qs, snd_position_names[i]), dec);
		snd_buf_printf(o, "<td>%s</td>", a);
	}
	snd_rpt_verdict(o, f, lang, qs, "td", NULL);
}

/* A proposal's cells in a breakdown: per group, a tick for consensus, the
 * number of objections, or a dash (no objection, or no answer there). */
static void group_cells(struct snd_buf *o, const struct snd_form *f, int lang, const char *id,
                        const cJSON *groups)
{
	const cJSON *g;
	char a[SND_FMT_LEN], dec = snd_rpt_dec(f, lang);
	cJSON_ArrayForEach(g, groups) {
		const cJSON *gq = NULL, *it;
		if (snd_rpt_suppressed(g)) {
			snd_buf_puts(o, "<td class=\"snd-suppressed\">");
			fewer_than(o, f, lang, g);
			snd_buf_puts(o, "</td>");
			continue;
		}
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(g, "questions")) {
			const char *gid = snd_json_str(it, "id");
			if (gid && strcmp(gid, id) == 0) {
				gq = it;
				break;
			}
		}
		if (gq && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(gq, "consensus"))) {
			snd_buf_puts(o, "<td class=\"snd-consensus\">\xe2\x9c\x93</td>");
		} else if (gq && snd_json_num0(gq, "object") > 0) {
			snd_fmt_count(a, snd_json_num0(gq, "object"), dec);
			snd_buf_printf(o, "<td class=\"snd-objected\">%s</td>", a);
		} else {
			snd_buf_puts(o, "<td>\xe2\x80\x94</td>");
		}
	}
}

/* One row per position question, so the plenary sees every proposal's
 * standing before the details.  groups NULL: the whole summary's counts and
 * verdicts, as the report's own section.  Else proposals down, groups
 * across (inside the breakdown's section): where each proposal meets
 * objections, so a chair sees at once which study group or region blocks
 * which proposal.  Nothing when the form has no position question. */
static void render_proposals(struct snd_buf *o, const struct snd_form *f, int lang,
                             const cJSON *questions, const cJSON *groups)
{
	const cJSON *qs, *g;
	int i, qi = -1, any = 0;
	for (qs = next_proposal(f, questions ? questions->child : NULL, &qi); qs != NULL;
	     qs = next_proposal(f, qs->next, &qi)) {
		const char *text = snd_rpt_label(f, &f->questions[qi].text, lang);
		if (!any && groups) {
			snd_buf_puts(o, "<div class=\"snd-proposals\"><table><caption>");
			snd_buf_html(o, T(f, lang, M_GROUP_LEGEND));
			snd_buf_puts(o, "</caption><thead><tr>");
			snd_rpt_th_col(o, T(f, lang, M_PROPOSAL));
			cJSON_ArrayForEach(g, groups)
				snd_rpt_th_col(o, snd_rpt_group_name(f, lang, g->string));
		} else if (!any) {
			snd_buf_puts(o, "<section class=\"snd-proposals\"><h2>");
			snd_buf_html(o, T(f, lang, M_PROPOSALS));
			snd_buf_puts(o, "</h2><table><thead><tr>");
			snd_rpt_th_col(o, T(f, lang, M_PROPOSAL));
			for (i = 0; i < SND_POS__MAX; i++)
				snd_rpt_th_col(o, T(f, lang, snd_rpt_pos_msg[i]));
			snd_rpt_th_col(o, T(f, lang, M_VERDICT));
		}
		if (!any)
			snd_buf_puts(o, "</tr></thead><tbody>");
		any = 1;
		snd_buf_puts(o, "<tr><th scope=\"row\">");
		snd_buf_html(o, text ? text : f->questions[qi].id);
		snd_buf_puts(o, "</th>");
		if (groups)
			group_cells(o, f, lang, f->questions[qi].id, groups);
		else
			overall_cells(o, f, lang, qs);
		snd_buf_puts(o, "</tr>");
	}
	if (any)
		snd_buf_puts(o, groups ? "</tbody></table></div>\n" : "</tbody></table></section>\n");
}

/* The questions of one summary (overall or one group), under their form
 * section headings. */
static void render_questions(struct snd_buf *o, const struct snd_form *f, int lang,
                             const cJSON *questions, int hlevel_sections, const cJSON *record)
{
	const cJSON *qs;
	size_t cur = (size_t)-1;
	cJSON_ArrayForEach(qs, questions) {
		const char *id = snd_json_str(qs, "id");
		int qi = id ? snd_form_question(f, id) : -1;
		if (hlevel_sections && qi >= 0 && f->questions[qi].section != cur &&
		    f->questions[qi].section < f->nsections) {
			const struct snd_section *sec = &f->sections[f->questions[qi].section];
			const char *t = snd_rpt_label(f, &sec->title, lang);
			if (cur != (size_t)-1)
				snd_buf_puts(o, "</section>\n");
			cur = f->questions[qi].section;
			snd_buf_puts(o, "<section class=\"snd-section\"><h2>");
			snd_buf_html(o, t ? t : sec->id);
			snd_buf_puts(o, "</h2>\n");
		}
		snd_report_question(o, f, lang, qs);
		if (record)
			snd_report_record(o, f, lang, record, id);
	}
	if (cur != (size_t)-1)
		snd_buf_puts(o, "</section>\n");
}

/* t (Unix seconds) as "2026-12-07 10:15 UTC": ISO 8601 order, Western
 * digits and UTC in every language, so no reader mistakes day for month
 * and nothing depends on the machine's zone or locale. */
static void utc_minute(char out[32], int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, 32, "\xe2\x80\x94");
}

/* The head's line about time: when the report was made, and whether the
 * questionnaire was open then (by snd_window_is_open's rule: open from
 * opens, closed from closes on). */
static void render_when(struct snd_buf *o, const struct snd_form *f, int lang,
                        const struct snd_report_when *when)
{
	const struct snd_window *w = when->window;
	char a[32], b[32];
	const char *args[2] = {a, b};
	utc_minute(a, when->made);
	snd_buf_puts(o, "<p class=\"snd-meta snd-when\">");
	snd_rpt_html_fill(o, T(f, lang, M_MADE), args, 1);
	if (w != NULL) {
		snd_buf_puts(o, " \xc2\xb7 ");
		if (w->has_opens && when->made < w->opens) {
			utc_minute(a, w->opens);
			utc_minute(b, w->closes);
			snd_rpt_html_fill(o, T(f, lang, w->has_closes ? M_OPENS_CLOSES : M_OPENS), args,
			                  2);
		} else if (w->has_closes && when->made >= w->closes) {
			utc_minute(a, w->closes);
			snd_rpt_html_fill(o, T(f, lang, M_CLOSED_SINCE), args, 1);
		} else if (w->has_closes) {
			utc_minute(a, w->closes);
			snd_rpt_html_fill(o, T(f, lang, M_OPEN_UNTIL), args, 1);
		} else {
			snd_buf_html(o, T(f, lang, M_OPEN_NO_CLOSE));
		}
	}
	snd_buf_puts(o, "</p>");
}

/* What the tally set aside or did not check (interface.md, "What the
 * tally may count"): one paragraph, only when there is something to say.
 * English for now, like `tally`'s own lines. */
static void report_set_aside(struct snd_buf *out, const cJSON *summary, char dec)
{
	double rv = snd_json_num0(summary, "revoked");
	int inc = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(summary, "revoked_included"));
	int skipped = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(summary, "verified"));
	char a[SND_FMT_LEN];
	if (rv <= 0 && !skipped)
		return;
	snd_fmt_count(a, rv, dec);
	snd_buf_puts(out, "<p class=\"snd-meta\">");
	if (rv > 0)
		snd_buf_printf(out, inc ? "%s answer%s made with a revoked link counted "
		                          "(--include-revoked).%s"
		                        : "%s answer%s set aside: made with a revoked link.%s",
		               a, rv == 1 ? "" : "s", skipped ? " " : "");
	if (skipped)
		snd_buf_puts(out, "Integrity check skipped (--no-verify).");
	snd_buf_puts(out, "</p>");
}

/* ------------------------------------------------------ objection register */

/* The words of a register status ("sustained"...), or the status itself. */
static const char *status_word(const struct snd_form *f, int lang, const char *st)
{
	static const enum msg m[SND_OBJ__MAX] = {M_ST_SUSTAINED, M_ST_NEW, M_ST_SILENT,
	                                         M_ST_WITHDRAWN};
	int i;
	for (i = 0; st && i < SND_OBJ__MAX; i++)
		if (strcmp(st, snd_objection_status_names[i]) == 0)
			return T(f, lang, m[i]);
	return st ? st : "?";
}

/* One round's cell: the position's word, and under an objection its
 * reasons, one per line as the register joins them. */
static void register_cell(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *r)
{
	const char *pos = snd_json_str(r, "position"), *why = snd_json_str(r, "reason");
	int k;
	snd_buf_puts(o, "<td>");
	for (k = 0; pos && k < SND_POS__MAX && strcmp(pos, snd_position_names[k]) != 0; k++)
		;
	if (pos == NULL || k == SND_POS__MAX) {
		snd_buf_puts(o, "<span class=\"snd-reg-none\">");
		snd_buf_html(o, T(f, lang, M_REG_NO_ANSWER));
		snd_buf_puts(o, "</span>");
	} else {
		snd_buf_printf(o, "<span class=\"snd-pos-%s\">", pos);
		snd_buf_html(o, T(f, lang, snd_rpt_pos_msg[k]));
		snd_buf_puts(o, "</span>");
	}
	while (why && *why) {
		const char *nl = strchr(why, '\n');
		size_t n = nl ? (size_t)(nl - why) : strlen(why);
		char *line = strndup(why, n);
		snd_buf_puts(o, "<br><q>");
		snd_buf_html(o, line ? line : "");
		snd_buf_puts(o, "</q>");
		free(line);
		why = nl ? nl + 1 : NULL;
	}
	snd_buf_puts(o, "</td>");
}

void snd_report_register(struct snd_buf *o, const struct snd_form *f, int lang,
                         const cJSON *objections, const cJSON *rounds, const char *hid)
{
	const cJSON *e, *r;
	int pseudo = 0, disp = 0;
	cJSON_ArrayForEach(e, objections) {
		if (cJSON_GetObjectItemCaseSensitive(e, "entity") == NULL)
			pseudo = 1;
		if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(e, "disposition")))
			disp = 1;
	}
	snd_buf_puts(o, "<section class=\"snd-register\"");
	if (hid) {
		snd_buf_puts(o, " aria-labelledby=\"");
		snd_buf_html(o, hid);
		snd_buf_puts(o, "\"><h2 id=\"");
		snd_buf_html(o, hid);
		snd_buf_puts(o, "\">");
	} else {
		snd_buf_puts(o, "><h2>");
	}
	snd_buf_html(o, T(f, lang, M_REGISTER));
	snd_buf_puts(o, "</h2><p class=\"snd-meta\">");
	snd_buf_html(o, T(f, lang, M_REGISTER_NOTE));
	snd_buf_puts(o, "</p>");
	if (cJSON_GetArraySize(objections) == 0) {
		snd_buf_puts(o, "<p>");
		snd_buf_html(o, T(f, lang, M_REG_NONE));
		snd_buf_puts(o, "</p></section>\n");
		return;
	}
	snd_buf_puts(o, "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"");
	snd_buf_html(o, T(f, lang, M_REGISTER));
	snd_buf_puts(o, "\"><table class=\"data\"><thead><tr>");
	snd_rpt_th_col(o, T(f, lang, M_REG_STATUS));
	snd_rpt_th_col(o, T(f, lang, M_PROPOSAL));
	snd_rpt_th_col(o, T(f, lang, pseudo ? M_REG_ENTITIES : M_REG_ENTITY));
	if (!pseudo) {
		cJSON_ArrayForEach(r, rounds) {
			char n[SND_FMT_LEN];
			const char *args[1] = {n};
			struct snd_buf h;
			snd_fmt_count(n, snd_json_num0(r, "round"), '.');
			snd_buf_init(&h, 0);
			snd_rpt_html_fill(&h, T(f, lang, M_REG_ROUND), args, 1);
			snd_buf_puts(o, "<th scope=\"col\">");
			snd_buf_puts(o, h.data ? h.data : "");
			snd_buf_puts(o, "</th>");
			snd_buf_free(&h);
		}
	}
	if (disp)
		snd_rpt_th_col(o, T(f, lang, M_REG_DISPOSITION));
	snd_buf_puts(o, "</tr></thead><tbody>");
	cJSON_ArrayForEach(e, objections) {
		const char *q = snd_json_str(e, "question"), *st = snd_json_str(e, "status");
		const char *text = NULL;
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "disposition");
		int qi = q ? snd_form_question(f, q) : -1;
		if (qi >= 0)
			text = snd_rpt_label(f, &f->questions[qi].text, lang);
		snd_buf_puts(o, "<tr class=\"snd-reg-");
		snd_buf_html(o, st ? st : "unknown");
		snd_buf_puts(o, "\"><td><strong>");
		snd_buf_html(o, status_word(f, lang, st));
		snd_buf_puts(o, "</strong></td><th scope=\"row\">");
		snd_buf_html(o, text ? text : q ? q : "?");
		snd_buf_puts(o, "</th><td>");
		if (pseudo) {
			char n[SND_FMT_LEN];
			snd_fmt_count(n, snd_json_num0(e, "count"), snd_rpt_dec(f, lang));
			snd_buf_puts(o, n);
			snd_buf_puts(o, "</td>");
		} else {
			snd_buf_html(o, snd_json_str(e, "entity") ? snd_json_str(e, "entity") : "");
			snd_buf_puts(o, "</td>");
			cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(e, "rounds"))
				register_cell(o, f, lang, r);
		}
		if (disp) {
			snd_buf_puts(o, "<td>");
			if (cJSON_IsObject(d)) {
				snd_buf_html(o, snd_rpt_disposition_word(f, lang, snd_json_str(d, "status")));
				if (snd_json_str(d, "note")) {
					snd_buf_puts(o, "<br>");
					snd_buf_html(o, snd_json_str(d, "note"));
				}
			}
			snd_buf_puts(o, "</td>");
		}
		snd_buf_puts(o, "</tr>");
	}
	snd_buf_puts(o, "</tbody></table></div></section>\n");
}

enum snd_err snd_report_html(struct snd_buf *out, const struct snd_form *f, int lang,
                             const cJSON *summary, const cJSON *turnout)
{
	return snd_report_page(out, f, lang, summary, turnout, NULL);
}

enum snd_err snd_report_page(struct snd_buf *out, const struct snd_form *f, int lang,
                             const cJSON *summary, const cJSON *turnout,
                             const struct snd_report_when *when)
{
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(summary, "groups"), *g;
	const char *title, *weight = snd_json_str(summary, "weight"), *by = snd_json_str(summary, "by");
	char a[SND_FMT_LEN], dec;

	if (f == NULL || summary == NULL)
		return SND_EINVAL;
	if (lang < 0 || (size_t)lang >= f->nlanguages)
		lang = 0;
	dec = snd_rpt_dec(f, lang);
	title = snd_rpt_label(f, &f->title, lang);
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
	snd_fmt_count(a, snd_json_num0(summary, "responses"), dec);
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
	if (when)
		render_when(out, f, lang, when);
	report_set_aside(out, summary, dec);
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
	render_proposals(out, f, lang, cJSON_GetObjectItemCaseSensitive(summary, "questions"), NULL);
	if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(summary, "register")))
		snd_report_register(out, f, lang, cJSON_GetObjectItemCaseSensitive(summary, "register"),
		                    cJSON_GetObjectItemCaseSensitive(summary, "register_rounds"), NULL);
	render_questions(out, f, lang, cJSON_GetObjectItemCaseSensitive(summary, "questions"), 1,
	                 summary);
	if (cJSON_IsObject(groups) && cJSON_GetArraySize(groups) > 0) {
		snd_buf_puts(out, "<section class=\"snd-groups\"><h2>");
		if (by)
			snd_rpt_html_attr(out, f, lang, T(f, lang, M_BREAKDOWN_BY), by);
		else
			snd_buf_html(out, T(f, lang, M_BREAKDOWN));
		snd_buf_puts(out, "</h2>\n");
		render_proposals(out, f, lang, cJSON_GetObjectItemCaseSensitive(summary, "questions"),
		                 groups);
		cJSON_ArrayForEach(g, groups) {
			snd_buf_puts(out, "<section class=\"snd-group\"><h2>");
			if (by) {
				snd_rpt_html_attr(out, f, lang, "%s", by);
				snd_buf_puts(out, " = ");
			}
			snd_buf_html(out, snd_rpt_group_name(f, lang, g->string));
			snd_fmt_count(a, snd_json_num0(g, "responses"), dec);
			snd_buf_puts(out, "</h2><p class=\"snd-meta\">");
			snd_buf_html(out, T(f, lang, M_RESPONSES));
			if (snd_rpt_suppressed(g)) {
				/* fewer respondents than the form's min_group: no figures */
				snd_buf_puts(out, ": ");
				fewer_than(out, f, lang, g);
				snd_buf_puts(out, "</p>\n</section>\n");
				continue;
			}
			snd_buf_printf(out, ": %s</p>\n", a);
			render_questions(out, f, lang, cJSON_GetObjectItemCaseSensitive(g, "questions"), 0,
			                 NULL);
			snd_buf_puts(out, "</section>\n");
		}
		snd_buf_puts(out, "</section>\n");
	}
	snd_buf_puts(out, "</main>\n<footer><p class=\"snd-meta\">");
	html_fill1(out, T(f, lang, M_GENERATED), SND_VERSION);
	snd_buf_puts(out, "</p></footer>\n</body>\n</html>\n");
	return out->failed ? SND_ENOMEM : SND_OK;
}
