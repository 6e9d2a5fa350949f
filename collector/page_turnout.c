/* page_turnout.c - the turnout section of the chair's dashboard
 * (page_chair_turnout): delegates and entities who answered, answered /
 * invited with the rate when the database holds the roll, revoked links,
 * who has not answered yet (attributed forms only, capped, in a <details>
 * that needs no JavaScript), and the tables by category, study group and
 * region.
 *
 * Invariants (beside page_chair.c's):
 *   1. The bytes depend on the turnout object only (no clock, no user), so
 *      the dashboard that holds them stays cacheable.
 *   2. Names of delegates who have not answered come only from the turnout
 *      object's "missing" list, which the library leaves out on pseudonymous
 *      forms; groups the library suppressed show no figures.
 */
#include "page_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void turnout_table(struct pg *p, const cJSON *by, const char *key, enum msg caption,
                          int roll)
{
	const cJSON *grp = jget(by, key), *e;
	char a[SND_FMT_LEN], b[SND_FMT_LEN];
	if (!cJSON_IsObject(grp) || grp->child == NULL)
		return;
	/* A box that may scroll sideways (a phone) takes the keyboard focus so
	 * it can be scrolled without a mouse; as a group, it is named. */
	put(p, "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"");
	put(p, tr(p->un, caption));
	put(p, "\"><table class=\"data\"><caption>");
	put(p, tr(p->un, caption));
	put(p, "</caption><thead><tr><th scope=\"col\">");
	put(p, tr(p->un, M_GROUP));
	put(p, "</th><th scope=\"col\">");
	put(p, tr(p->un, M_DELEGATES));
	put(p, "</th><th scope=\"col\">");
	put(p, tr(p->un, M_ENTITIES));
	if (roll) {
		put(p, "</th><th scope=\"col\">");
		put(p, tr(p->un, M_ANSWERED_INVITED));
		put(p, "</th><th scope=\"col\">");
		put(p, tr(p->un, M_RATE));
	}
	put(p, "</th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(e, grp) {
		snd_fmt_count(a, snd_json_num0(e, "delegates"), '.');
		snd_fmt_count(b, snd_json_num0(e, "entities"), '.');
		put(p, "<tr><th scope=\"row\">");
		/* "(none)" is the library's name for delegates without the attribute */
		esc(p, strcmp(e->string, "(none)") == 0 ? tr(p->un, M_GROUP_NONE) : e->string);
		if (cJSON_IsTrue(jget(e, "suppressed"))) {
			/* fewer respondents than min_group (turnout.c): no figures */
			snd_fmt_count(a, snd_json_num0(e, "fewer_than"), '.');
			snd_buf_printf(p->b, "</th><td colspan=\"%d\" class=\"suppressed\">", roll ? 4 : 2);
			put_msg(p, M_FEWER_THAN, a, NULL);
			put(p, "</td></tr>\n");
			continue;
		}
		snd_buf_printf(p->b, "</th><td>%s</td><td>%s</td>", a, b);
		if (roll) {
			/* the roll's answered over invited (turnout.c); a dash for a
			 * value nobody on the roll has */
			double inv = snd_json_num0(e, "invited");
			snd_fmt_count(a, snd_json_num0(e, "answered"), '.');
			snd_fmt_count(b, inv, '.');
			snd_buf_printf(p->b, "<td>%s / %s</td><td>", a, b);
			if (inv > 0) {
				snd_fmt_pct(a, snd_json_num0(e, "answered") / inv, '.');
				put(p, a);
			} else {
				put(p, "\xe2\x80\x94");
			}
			put(p, "</td>");
		}
		put(p, "</tr>\n");
	}
	put(p, "</tbody></table></div>\n");
}

/* Who on the roll has not answered: attributed questionnaires only (the
 * library leaves "missing" out of pseudonymous ones; checked here again).
 * A <details>, closed, so the dashboard stays short and it works without
 * script; at most SND_TURNOUT_MISSING_MAX names, then how many more. */
static void turnout_missing(struct pg *p, const cJSON *t)
{
	const cJSON *miss = jget(t, "missing"), *m;
	double total = snd_json_num0(t, "missing_count");
	char a[SND_FMT_LEN];
	int shown = 0;
	if (p->f->anonymity == SND_PSEUDONYMOUS || !cJSON_IsArray(miss) || total <= 0)
		return;
	snd_fmt_count(a, total, '.');
	put(p, "<details class=\"missing\" id=\"missing\"><summary>");
	put_msg(p, M_NOT_ANSWERED, a, NULL);
	put(p, "</summary>\n<ul class=\"missing-list\">\n");
	cJSON_ArrayForEach(m, miss) {
		put(p, "<li><bdi>");
		esc(p, snd_json_str(m, "entity") ? snd_json_str(m, "entity") : "");
		put(p, "</bdi> \xe2\x80\x94 <bdi>");
		esc(p, snd_json_str(m, "sub") ? snd_json_str(m, "sub") : "");
		put(p, "</bdi></li>\n");
		shown++;
	}
	put(p, "</ul>\n");
	if (total > shown) {
		snd_fmt_count(a, total - shown, '.');
		put(p, "<p class=\"more\">");
		put_msg(p, M_NOT_ANSWERED_MORE, a, NULL);
		put(p, "</p>\n");
	}
	put(p, "</details>\n");
}

void page_chair_turnout(struct pg *p, const cJSON *t)
{
	const cJSON *by = jget(t, "by");
	char a[SND_FMT_LEN], b[SND_FMT_LEN];
	/* "invited" is there only when the database holds the roll */
	int roll = jget(t, "invited") != NULL;
	snd_fmt_count(a, snd_json_num0(t, "delegates"), '.');
	snd_fmt_count(b, snd_json_num0(t, "entities"), '.');
	put(p, "<section class=\"turnout\" aria-labelledby=\"turnout-h\">\n<h2 id=\"turnout-h\">");
	put(p, tr(p->un, M_TURNOUT));
	put(p, "</h2>\n<div class=\"stats\">");
	if (roll) {
		char n[SND_FMT_LEN], d[SND_FMT_LEN], r[SND_FMT_LEN];
		double rate;
		snd_fmt_count(n, snd_json_num0(t, "answered"), '.');
		snd_fmt_count(d, snd_json_num0(t, "invited"), '.');
		if (snd_json_num(t, "rate", &rate))
			snd_fmt_pct(r, rate, '.');
		else
			snprintf(r, sizeof r, "%s", "\xe2\x80\x94");
		snd_buf_printf(p->b, "<p class=\"stat stat-roll\"><span class=\"stat-n\">%s / %s</span> "
		               "<span class=\"stat-l\">", n, d);
		put(p, tr(p->un, M_INVITED_ANSWERED));
		snd_buf_printf(p->b, " (%s)</span></p>", r);
	}
	put(p, "<p class=\"stat\"><span class=\"stat-n\">");
	put(p, a);
	put(p, "</span> <span class=\"stat-l\">");
	put(p, tr(p->un, M_DELEGATES));
	put(p, "</span></p><p class=\"stat\"><span class=\"stat-n\">");
	put(p, b);
	put(p, "</span> <span class=\"stat-l\">");
	put(p, tr(p->un, M_ENTITIES));
	put(p, "</span></p></div>\n");
	if (roll && snd_json_num0(t, "revoked") > 0) {
		snd_fmt_count(a, snd_json_num0(t, "revoked"), '.');
		put(p, "<p class=\"explain\">");
		put_msg(p, M_REVOKED_N, a, NULL);
		put(p, "</p>\n");
	}
	if (roll)
		turnout_missing(p, t);
	put(p, "<div class=\"tgrid\">\n");
	turnout_table(p, by, "category", M_BY_CATEGORY, roll);
	turnout_table(p, by, "sg", M_BY_SG, roll);
	turnout_table(p, by, "region", M_BY_REGION, roll);
	put(p, "</div>\n</section>\n");
}
