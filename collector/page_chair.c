/* page_chair.c - the chair's pages: the dashboard (page_chair: turnout,
 * proposals by closeness to consensus, each question's charts from
 * snd_report_question, objections and comments, breakdown and weight
 * controls, downloads) and one page of a question's full list
 * (page_chair_list), over a summary of snd_tally_summary.  The turnout
 * section is page_turnout.c's.
 *
 * Invariants:
 *   1. The bytes depend on the form, the language, the window paragraph
 *      (page_chair_window) and the chair_view only: no clock (page_req.now
 *      only picks the window's wording), no per-user data, so tally_cache.c may
 *      cache and share them between chairs.
 *   2. Counts go through snd_fmt_count with '.' (core/fmt.c), the same rule
 *      as the HTML report, so the two pages agree.
 *   3. Summary members are read with snd_json_str/snd_json_num0: a missing
 *      or mistyped member reads as absent or 0, never crashes.
 *   4. Long lists stop at v->list_max and link to their full list; a
 *      breakdown shows at most PAGE_CHAIR_GROUPS_MAX groups.
 */
#include "page_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------- chair dashboard */

struct prop {
	const cJSON *qs;
	int qi;          /* form index, -1 when the form does not know it */
	size_t order;    /* summary order: the final tie-break, so sorting is stable */
	double object, share;
};

static int prop_cmp(const void *a, const void *b)
{
	const struct prop *x = a, *y = b;
	if (x->object != y->object)
		return x->object < y->object ? -1 : 1;
	if (x->share != y->share)
		return x->share > y->share ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void prop_title(struct pg *p, const struct prop *pr)
{
	if (pr->qi >= 0)
		put_lbl(p, p->b, &p->f->questions[pr->qi].text);
	else
		esc(p, snd_json_str(pr->qs, "id"));
}

static void view_query(struct snd_buf *q, const char *by, enum snd_weight weight, char first);

/* The query of a link to a question's full list of objections or
 * comments (page_chair_list), keeping the view: URL-encoded, not yet
 * HTML-escaped.  group may be NULL; page <= 1 is left out. */
static void list_href(struct snd_buf *o, const struct pg *p, const char *qid, const char *by,
                      enum snd_weight weight, const char *group, long page)
{
	snd_buf_puts(o, "?list=");
	put_url_part(o, qid);
	snd_buf_puts(o, "&lang=");
	put_url_part(o, p->code);
	view_query(o, by, weight, '&');
	if (group) {
		snd_buf_puts(o, "&group=");
		put_url_part(o, group);
	}
	if (page > 1)
		snd_buf_printf(o, "&page=%ld", page);
}

/* "Shown: N of M" under a capped list, and the link to all M. */
static void more_note(struct pg *p, size_t shown, size_t total, const char *href)
{
	char a[32], b[32];
	snprintf(a, sizeof a, "%zu", shown);
	snprintf(b, sizeof b, "%zu", total);
	put(p, "<p class=\"more\">");
	put_msg(p, p->f->anonymity == SND_PSEUDONYMOUS ? M_SHOWN_OF_PSEUDO : M_SHOWN_OF, a, b);
	put(p, " <a href=\"");
	esc(p, href);
	put(p, "\">");
	put_msg(p, M_SEE_ALL, b, NULL);
	put(p, "</a></p>\n");
}

/* One objection or comment of the chair's lists: the entity (or "not
 * shown"), then the text, each isolated so right-to-left text cannot
 * reorder the line around it. */
static void chair_item(struct pg *p, const cJSON *o, const char *text_key)
{
	const char *ent = snd_json_str(o, "entity"), *text = snd_json_str(o, text_key);
	put(p, "<li><bdi class=\"ent\">");
	if (ent)
		esc(p, ent);
	else
		put(p, tr(p->un, M_ENTITY_HIDDEN));
	put(p, "</bdi>: <bdi class=\"free\" dir=\"auto\">");
	esc(p, text);
	put(p, "</bdi></li>\n");
}

/* The proposals (position questions) of one question list, fewest
 * objections first, then by share of support, then in form order.  With
 * v, each proposal's objections follow, at most v->list_max of them. */
static void consensus_table(struct pg *p, const cJSON *questions, const char *hid,
                            const struct chair_view *v)
{
	const cJSON *qs;
	struct prop *pr = NULL;
	size_t n = 0, cap = 0, i;
	int k;

	cJSON_ArrayForEach(qs, questions) {
		const char *type = snd_json_str(qs, "type");
		double answered;
		if (type == NULL || strcmp(type, "position") != 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct prop *np = realloc(pr, nc * sizeof *np);
			if (np == NULL)
				break;
			pr = np;
			cap = nc;
		}
		answered = snd_json_num0(qs, "answered");
		pr[n].qs = qs;
		pr[n].qi = snd_json_str(qs, "id") ? snd_form_question(p->f, snd_json_str(qs, "id")) : -1;
		pr[n].order = n;
		pr[n].object = snd_json_num0(qs, "object");
		pr[n].share = answered > 0 ? snd_json_num0(qs, "support") / answered : 0;
		n++;
	}
	if (n == 0) {
		put(p, "<p class=\"none\">");
		put(p, tr(p->un, M_NO_PROPOSALS));
		put(p, "</p>\n");
		free(pr);
		return;
	}
	qsort(pr, n, sizeof *pr, prop_cmp);

	put(p, "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"");
	put(p, tr(p->un, M_CONS_HEAD));
	put(p, "\"><table class=\"data consensus\"");
	if (hid) {
		put(p, " aria-describedby=\"");
		esc(p, hid);
		put(p, "\"");
	}
	put(p, "><thead><tr><th scope=\"col\">");
	put(p, tr(p->un, M_PROPOSAL));
	put(p, "</th>");
	for (k = 0; k < SND_POS__MAX; k++) {
		snd_buf_printf(p->b, "<th scope=\"col\" class=\"pos-%s\">", snd_position_names[k]);
		put(p, tr(p->un, pos_msg[k]));
		put(p, "</th>");
	}
	put(p, "<th scope=\"col\">");
	put(p, tr(p->un, M_SUPPORT_SHARE));
	put(p, "</th><th scope=\"col\">");
	put(p, tr(p->un, M_CONSENSUS));
	put(p, "</th></tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		char a[SND_FMT_LEN];
		int yes = jget(pr[i].qs, "consensus") ? cJSON_IsTrue(jget(pr[i].qs, "consensus"))
		                                     : (snd_json_num0(pr[i].qs, "answered") > 0 && pr[i].object == 0);
		put(p, "<tr><th scope=\"row\">");
		prop_title(p, &pr[i]);
		put(p, "</th>");
		for (k = 0; k < SND_POS__MAX; k++) {
			snd_fmt_count(a, snd_json_num0(pr[i].qs, snd_position_names[k]), '.');
			snd_buf_printf(p->b, "<td>%s</td>", a);
		}
		snd_buf_printf(p->b, "<td>%.0f%%</td><td class=\"%s\">", pr[i].share * 100.0,
		               yes ? "cons-yes" : "cons-no");
		put(p, tr(p->un, yes ? M_YES : M_NO));
		put(p, "</td></tr>\n");
	}
	put(p, "</tbody></table></div>\n");

	if (v != NULL) {
		int any = 0;
		for (i = 0; i < n; i++) {
			const cJSON *objs = jget(pr[i].qs, "objections"), *o;
			size_t shown = 0, total = 0;
			if (!cJSON_IsArray(objs) || objs->child == NULL)
				continue;
			if (!any) {
				put(p, "<h3>");
				put(p, tr(p->un, M_OBJECTIONS));
				put(p, "</h3>\n");
				any = 1;
			}
			put(p, "<div class=\"objection-block\"><h4>");
			prop_title(p, &pr[i]);
			put(p, "</h4><ul class=\"objections\">\n");
			cJSON_ArrayForEach(o, objs) {
				if (v->list_max == 0 || shown < v->list_max) {
					chair_item(p, o, "reason");
					shown++;
				}
				total++;
			}
			put(p, "</ul>");
			if (shown < total) {
				struct snd_buf href;
				snd_buf_init(&href, 0);
				list_href(&href, p, snd_json_str(pr[i].qs, "id") ? snd_json_str(pr[i].qs, "id") : "", v->by,
				          v->weight, NULL, 0);
				put(p, "\n");
				more_note(p, shown, total, href.data ? href.data : "");
				snd_buf_free(&href);
			}
			put(p, "</div>\n");
		}
		if (!any) {
			put(p, "<p class=\"none\">");
			put(p, tr(p->un, M_NO_OBJECTIONS));
			put(p, "</p>\n");
		}
	}
	free(pr);
}

static const struct {
	const char *attr;
	enum msg name;
} by_attrs[] = {
	{ "category", M_A_CATEGORY }, { "sg", M_A_SG }, { "region", M_A_REGION }, { "entity", M_A_ENTITY },
};

/* The breakdown attribute's name in the page language (escaped into o). */
static void attr_name(struct snd_buf *o, int un, const char *by)
{
	size_t i;
	for (i = 0; i < sizeof by_attrs / sizeof by_attrs[0]; i++)
		if (strcmp(by, by_attrs[i].attr) == 0) {
			snd_buf_puts(o, tr(un, by_attrs[i].name));
			return;
		}
	snd_buf_html(o, by);
}

/* The query string that keeps the current view (by, weight), URL-encoded
 * but not yet HTML-escaped. */
static void view_query(struct snd_buf *q, const char *by, enum snd_weight weight, char first)
{
	char sep = first;
	if (by && by[0]) {
		snd_buf_putc(q, sep);
		snd_buf_puts(q, "by=");
		put_url_part(q, by);
		sep = '&';
	}
	if (weight == SND_WEIGHT_ENTITY) {
		snd_buf_putc(q, sep);
		snd_buf_puts(q, "weight=entity");
	}
}

static void chair_controls(struct pg *p, const char *by, enum snd_weight weight)
{
	size_t i;
	int known = by == NULL || by[0] == 0;
	put(p, "<form method=\"get\" class=\"controls\">\n<fieldset><legend>");
	put(p, tr(p->un, M_VIEW));
	put(p, "</legend>\n<div class=\"control\"><label for=\"by\">");
	put(p, tr(p->un, M_BREAK_DOWN));
	put(p, "</label> <select id=\"by\" name=\"by\"><option value=\"\"");
	put(p, known ? " selected>" : ">");
	put(p, tr(p->un, M_NO_BREAKDOWN));
	put(p, "</option>");
	for (i = 0; i < sizeof by_attrs / sizeof by_attrs[0]; i++) {
		int sel = by && strcmp(by, by_attrs[i].attr) == 0;
		if (!snd_form_attr_public(p->f, by_attrs[i].attr))
			continue; /* pseudonymous: only its public attributes */
		known |= sel;
		snd_buf_printf(p->b, "<option value=\"%s\"%s>", by_attrs[i].attr, sel ? " selected" : "");
		put(p, tr(p->un, by_attrs[i].name));
		put(p, "</option>");
	}
	if (!known) {
		/* Any delegate attribute works (?by=hod); keep the one asked for. */
		put(p, "<option value=\"");
		esc(p, by);
		put(p, "\" selected>");
		esc(p, by);
		put(p, "</option>");
	}
	put(p, "</select></div>\n<div class=\"control\"><label for=\"weight\">");
	put(p, tr(p->un, M_WEIGHT));
	snd_buf_printf(p->b, "</label> <select id=\"weight\" name=\"weight\"><option value=\"delegate\"%s>",
	               weight == SND_WEIGHT_DELEGATE ? " selected" : "");
	put(p, tr(p->un, M_W_DELEGATE));
	snd_buf_printf(p->b, "</option><option value=\"entity\"%s>",
	               weight == SND_WEIGHT_ENTITY ? " selected" : "");
	put(p, tr(p->un, M_W_ENTITY));
	put(p, "</option></select></div>\n<input type=\"hidden\" name=\"lang\" value=\"");
	esc(p, p->code);
	put(p, "\">\n<button type=\"submit\">");
	put(p, tr(p->un, M_SHOW));
	put(p, "</button>\n</fieldset>\n</form>\n");
}

static void chair_downloads(struct pg *p, const char *by, enum snd_weight weight)
{
	struct snd_buf q, url;
	snd_buf_init(&q, 0);
	snd_buf_init(&url, 0);
	view_query(&q, by, weight, '?');
	snd_buf_puts(&url, "/api/v1/questionnaires/");
	put_url_part(&url, p->f->id);
	snd_buf_puts(&url, "/summary");
	put(p, "<p class=\"downloads\"><span class=\"label\">");
	put(p, tr(p->un, M_DOWNLOAD));
	put(p, ":</span> <a href=\"");
	esc(p, url.data);
	esc(p, q.data ? q.data : "");
	put(p, "\" type=\"application/json\">");
	put(p, tr(p->un, M_DL_JSON));
	put(p, "</a> <a href=\"");
	esc(p, url.data);
	snd_buf_reset(&q);
	view_query(&q, by, weight, '&');
	put(p, "?format=csv");
	esc(p, q.data ? q.data : "");
	put(p, "\" type=\"text/csv\">");
	put(p, tr(p->un, M_DL_CSV));
	put(p, "</a></p>\n");
	snd_buf_free(&q);
	snd_buf_free(&url);
}

/* The link to the chair's record page (page_record.c): its forms carry a
 * per-chair CSRF value, so they live there, not on this shared page. */
static void chair_record_link(struct pg *p)
{
	put(p, "<p class=\"record-link\"><a href=\"/chair/");
	put_url_part(p->b, p->f->id);
	put(p, "/record?lang=");
	put_url_part(p->b, p->code);
	put(p, "\">");
	put(p, tr(p->un, M_REC_LINK));
	put(p, "</a></p>\n");
}

/* When the questionnaire accepts answers, as the collector decides it now
 * (the secretariat's override, if any, else the form's times). */
static void chair_window(struct pg *p, const struct page_req *r)
{
	struct snd_window w;
	char a[40], b[40];

	snd_form_window(r->form, &w);
	if (r->has_window)
		w = r->window;
	put(p, "<p class=\"closes window\">");
	if (w.has_closes && r->now >= w.closes) {
		fmt_time(w.closes, T_DATE_HM, a, sizeof a);
		put_msg(p, M_CLOSED_ON, a, NULL);
	} else if (w.has_opens && r->now < w.opens) {
		if (w.has_closes && w.closes <= w.opens) {
			put_msg(p, M_CLOSED, NULL, NULL);
		} else {
			fmt_time(w.opens, T_DATE_HM, a, sizeof a);
			put_msg(p, M_OPENS_ON, a, NULL);
			if (w.has_closes) {
				fmt_time(w.closes, T_DATE_HM, b, sizeof b);
				put(p, " ");
				put_msg(p, M_CLOSES, b, NULL);
			}
		}
	} else if (w.has_closes) {
		fmt_time(w.closes, T_DATE_HM, a, sizeof a);
		put_msg(p, M_CLOSES, a, NULL);
	} else {
		put_msg(p, M_OPEN_NO_CLOSE, NULL, NULL);
	}
	if (w.overridden && w.set_at_ms > 0) {
		fmt_time(w.set_at_ms / 1000, T_DATE_HM, a, sizeof a);
		put(p, " ");
		put_msg(p, M_WINDOW_SET, a, NULL);
	}
	put(p, "</p>\n");
}

void page_chair_window(struct snd_buf *out, const struct page_req *r)
{
	struct pg p;
	pg_init(&p, out, r->form, r->lang);
	chair_window(&p, r);
}

/* The start of both chair pages, up to the end of the lead paragraph
 * (the "updated" line): head, language switcher (keeping extra, a query
 * suffix), h1. */
static void chair_open(struct pg *p, const struct page_req *r, const char *title_word,
                       const char *extra, int refresh_s)
{
	const struct snd_form *f = r->form;
	struct snd_buf title;
	snd_buf_init(&title, 0);
	snd_buf_puts(&title, title_word);
	snd_buf_puts(&title, " \xe2\x80\x94 ");
	snd_buf_puts(&title, lbl(p, &f->title) ? lbl(p, &f->title) : f->id);
	page_open(p, title.data, "page-chair projector", refresh_s);
	snd_buf_free(&title);
	put(p, "<header class=\"top\">\n");
	lang_nav(p, extra);
	put(p, "</header>\n<main id=\"main\">\n<p class=\"form-title\">");
	put(p, tr(p->un, M_CHAIR));
	put(p, "</p>\n<h1>");
	esc(p, lbl(p, &f->title));
	put(p, "</h1>\n");
}

/* "Updated ... UTC. Responses: N": the time is the tally's, so the same
 * snapshot always gives the same bytes. */
static void chair_updated(struct pg *p, const struct chair_view *v, int refresh_s)
{
	char when[40], a[SND_FMT_LEN];
	put(p, "<p class=\"updated\">");
	/* With the date: a printed copy handed to the plenary must say when. */
	fmt_time(v->tallied_at, T_DATE_HMS, when, sizeof when);
	put_msg(p, M_UPDATED, when, NULL);
	if (refresh_s > 0) {
		snprintf(a, sizeof a, "%d", refresh_s);
		put(p, " <span class=\"refresh-note\">");
		put_msg(p, M_REFRESHES, a, NULL);
		put(p, "</span>");
	}
	snd_fmt_count(a, snd_json_num0(v->summary, "responses"), '.');
	put(p, " ");
	put_msg(p, M_RESPONSES, a, NULL);
	put(p, "</p>\n");
}

/* The questions of one summary (all, or one group's), each through
 * snd_report_question_capped with its link to the full list. */
static void chair_questions(struct pg *p, const struct chair_view *v, const cJSON *questions,
                            const char *group)
{
	const cJSON *qs;
	struct snd_buf href;
	snd_buf_init(&href, 0);
	cJSON_ArrayForEach(qs, questions) {
		snd_buf_reset(&href);
		list_href(&href, p, snd_json_str(qs, "id") ? snd_json_str(qs, "id") : "", v->by, v->weight, group, 0);
		snd_report_question_capped(p->b, p->f, p->lang, qs, v->list_max,
		                           href.failed ? NULL : href.data);
		if (group == NULL) /* the chair's record is of the whole */
			snd_report_record(p->b, p->f, p->lang, v->summary, snd_json_str(qs, "id"));
	}
	snd_buf_free(&href);
}

/* The objection register against the previous rounds this collector
 * serves, sustained first (core's renderer, as the report shows it). */
static void chair_register(struct pg *p, const struct chair_view *v)
{
	if (v->objections == NULL)
		return;
	snd_report_register(p->b, p->f, p->lang, v->objections, v->register_rounds, "reg-h");
}

void page_chair(struct snd_buf *out, const struct page_req *r, const struct chair_view *v)
{
	const struct snd_form *f = r->form;
	const cJSON *summary = v->summary;
	const cJSON *questions = jget(summary, "questions"), *groups = jget(summary, "groups");
	const char *by = v->by;
	struct pg p;
	struct snd_buf extra;
	char a[SND_FMT_LEN];
	int gi = 0;

	pg_init(&p, out, f, r->lang);
	snd_buf_init(&extra, 0);
	view_query(&extra, by, v->weight, '&');
	chair_open(&p, r, tr(p.un, M_CHAIR), extra.data, v->refresh_s);
	chair_controls(&p, by, v->weight);
	chair_downloads(&p, by, v->weight);
	chair_record_link(&p);

	/* #live is what sounding.js swaps in place from a fresh copy of this
	 * page; everything that changes with new answers lives inside it. */
	put(&p, "<div id=\"live\">\n");
	chair_updated(&p, v, v->refresh_s);
	chair_window(&p, r);
	if (v->turnout)
		page_chair_turnout(&p, v->turnout);

	put(&p, "<section class=\"proposals\" aria-labelledby=\"cons-h\">\n<h2 id=\"cons-h\">");
	put(&p, tr(p.un, M_CONS_HEAD));
	put(&p, "</h2>\n<p class=\"explain\" id=\"cons-x\">");
	put(&p, tr(p.un, M_CONS_INTRO));
	put(&p, "</p>\n");
	consensus_table(&p, questions, "cons-x", v);
	put(&p, "</section>\n");
	chair_register(&p, v);

	put(&p, "<section class=\"all-questions\" aria-labelledby=\"all-h\">\n<h2 id=\"all-h\">");
	put(&p, tr(p.un, M_ALL_QUESTIONS));
	put(&p, "</h2>\n");
	if (snd_json_num0(summary, "responses") <= 0) {
		put(&p, "<p class=\"none\">");
		put(&p, tr(p.un, M_NO_RESPONSES));
		put(&p, "</p>\n");
	}
	chair_questions(&p, v, questions, NULL);
	put(&p, "</section>\n");

	if (cJSON_IsObject(groups) && groups->child && by) {
		const cJSON *g;
		struct snd_buf an;
		snd_buf_init(&an, 0);
		put(&p, "<section class=\"groups\" aria-labelledby=\"groups-h\">\n<h2 id=\"groups-h\">");
		attr_name(&an, p.un, by);
		put_msg(&p, M_BREAKDOWN_BY, an.data, NULL);
		put(&p, "</h2>\n");
		/* <details> keeps a long breakdown usable without script; the
		 * ids let sounding.js keep open groups open across updates. */
		cJSON_ArrayForEach(g, groups) {
			if (gi == PAGE_CHAIR_GROUPS_MAX)
				break;
			snd_fmt_count(a, snd_json_num0(g, "responses"), '.');
			snd_buf_printf(out, "<details class=\"group\" id=\"g-%d\"><summary><span class=\"gname\">", gi++);
			esc(&p, g->string);
			put(&p, "</span> \xc2\xb7 ");
			if (cJSON_IsTrue(jget(g, "suppressed"))) {
				/* fewer respondents than min_group (tally_json.c) */
				snd_fmt_count(a, snd_json_num0(g, "fewer_than"), '.');
				put_msg(&p, M_FEWER_THAN, a, NULL);
				put(&p, "</summary>\n</details>\n");
				continue;
			}
			put_msg(&p, M_RESPONSES, a, NULL);
			put(&p, "</summary>\n");
			consensus_table(&p, jget(g, "questions"), NULL, NULL);
			chair_questions(&p, v, jget(g, "questions"), g->string ? g->string : "");
			put(&p, "</details>\n");
		}
		if (g != NULL) { /* more than PAGE_CHAIR_GROUPS_MAX */
			char b[32];
			size_t ng = 0;
			cJSON_ArrayForEach(g, groups)
				ng++;
			snprintf(a, sizeof a, "%d", PAGE_CHAIR_GROUPS_MAX);
			snprintf(b, sizeof b, "%zu", ng);
			put(&p, "<p class=\"more\">");
			put_msg(&p, M_GROUPS_SHOWN, a, b);
			put(&p, "</p>\n");
		}
		put(&p, "</section>\n");
		snd_buf_free(&an);
	}
	put(&p, "</div>\n</main>\n");
	page_close(&p);
	snd_buf_free(&extra);
}

/* The summary of question qid in questions, or NULL. */
static const cJSON *find_qsum(const cJSON *questions, const char *qid)
{
	const cJSON *qs;
	cJSON_ArrayForEach(qs, questions) {
		const char *id = snd_json_str(qs, "id");
		if (id && strcmp(id, qid) == 0)
			return qs;
	}
	return NULL;
}

int page_chair_list(struct snd_buf *out, const struct page_req *r, const struct chair_view *v,
                    const char *qid, const char *group, long page)
{
	const struct snd_form *f = r->form;
	const cJSON *questions = jget(v->summary, "questions"), *qs, *items, *it;
	const char *key;
	enum msg head, none;
	struct pg p;
	struct snd_buf extra, href;
	size_t total = 0, first, last, i = 0, npages;
	char a[64], b[32];
	int qi;

	if (qid == NULL || (qi = snd_form_question(f, qid)) < 0 || page < 1)
		return -1;
	if (f->questions[qi].type == SND_Q_POSITION) {
		key = "objections";
		head = M_OBJECTIONS;
		none = M_NO_OBJECTIONS;
	} else if (f->questions[qi].type == SND_Q_TEXT) {
		key = "comments";
		head = M_COMMENTS;
		none = M_NO_COMMENTS;
	} else {
		return -1;
	}
	if (group != NULL) {
		const cJSON *g = jget(v->summary, "groups");
		if (v->by == NULL || !cJSON_IsObject(g) ||
		    !cJSON_IsObject(g = cJSON_GetObjectItemCaseSensitive(g, group)))
			return -1;
		questions = jget(g, "questions");
	}
	if ((qs = find_qsum(questions, qid)) == NULL)
		return -1;
	items = jget(qs, key);
	cJSON_ArrayForEach(it, items)
		total++;
	npages = total == 0 ? 1 : (total + PAGE_CHAIR_LIST_PAGE - 1) / PAGE_CHAIR_LIST_PAGE;
	if ((size_t)page > npages)
		return -1;
	first = (size_t)(page - 1) * PAGE_CHAIR_LIST_PAGE;
	last = first + PAGE_CHAIR_LIST_PAGE < total ? first + PAGE_CHAIR_LIST_PAGE : total;

	pg_init(&p, out, f, r->lang);
	snd_buf_init(&extra, 0);
	snd_buf_init(&href, 0);
	/* the switcher's links keep this list: "&list=...", without the lang */
	snd_buf_puts(&extra, "&list=");
	put_url_part(&extra, qid);
	view_query(&extra, v->by, v->weight, '&');
	if (group) {
		snd_buf_puts(&extra, "&group=");
		put_url_part(&extra, group);
	}
	if (page > 1)
		snd_buf_printf(&extra, "&page=%ld", page);
	chair_open(&p, r, tr(p.un, head), extra.data, 0);

	snd_buf_puts(&href, "?lang=");
	put_url_part(&href, p.code);
	view_query(&href, v->by, v->weight, '&');
	put(&p, "<p class=\"back\"><a href=\"");
	esc(&p, href.data);
	put(&p, "\">");
	put(&p, tr(p.un, M_BACK));
	put(&p, "</a></p>\n");
	chair_updated(&p, v, 0);

	put(&p, "<section class=\"full-list\" aria-labelledby=\"list-h\">\n<h2 id=\"list-h\">");
	put(&p, tr(p.un, head));
	put(&p, " \xe2\x80\x94 ");
	put_lbl(&p, out, &f->questions[qi].text);
	put(&p, "</h2>\n");
	if (group) {
		struct snd_buf an;
		snd_buf_init(&an, 0);
		attr_name(&an, p.un, v->by);
		put(&p, "<p class=\"list-group\">");
		put_msg(&p, M_BREAKDOWN_BY, an.data, NULL);
		put(&p, ": <bdi>");
		esc(&p, group);
		put(&p, "</bdi></p>\n");
		snd_buf_free(&an);
	}
	if (total == 0) {
		put(&p, "<p class=\"none\">");
		put(&p, tr(p.un, none));
		put(&p, "</p>\n");
	} else {
		snprintf(a, sizeof a, "%zu\xe2\x80\x93%zu", first + 1, last);
		snprintf(b, sizeof b, "%zu", total);
		put(&p, "<p class=\"list-range\">");
		put_msg(&p, f->anonymity == SND_PSEUDONYMOUS ? M_SHOWN_OF_PSEUDO : M_ITEMS_OF, a, b);
		put(&p, "</p>\n");
		snd_buf_printf(out, "<ol class=\"%s\" start=\"%zu\">\n",
		               head == M_OBJECTIONS ? "objections" : "comments", first + 1);
		cJSON_ArrayForEach(it, items) {
			if (i >= last)
				break;
			if (i++ >= first)
				chair_item(&p, it, head == M_OBJECTIONS ? "reason" : "text");
		}
		put(&p, "</ol>\n");
	}
	if (npages > 1) {
		put(&p, "<nav class=\"pager\" aria-label=\"");
		put(&p, tr(p.un, M_PAGES));
		put(&p, "\"><ul>");
		if (page > 1) {
			snd_buf_reset(&href);
			list_href(&href, &p, qid, v->by, v->weight, group, page - 1);
			put(&p, "<li><a rel=\"prev\" href=\"");
			esc(&p, href.data);
			put(&p, "\">");
			put(&p, tr(p.un, M_PREV));
			put(&p, "</a></li>");
		}
		snprintf(a, sizeof a, "%ld", page);
		snprintf(b, sizeof b, "%zu", npages);
		put(&p, "<li aria-current=\"page\">");
		put_msg(&p, M_PAGE_OF, a, b);
		put(&p, "</li>");
		if ((size_t)page < npages) {
			snd_buf_reset(&href);
			list_href(&href, &p, qid, v->by, v->weight, group, page + 1);
			put(&p, "<li><a rel=\"next\" href=\"");
			esc(&p, href.data);
			put(&p, "\">");
			put(&p, tr(p.un, M_NEXT));
			put(&p, "</a></li>");
		}
		put(&p, "</ul></nav>\n");
	}
	put(&p, "</section>\n</main>\n");
	page_close(&p);
	snd_buf_free(&extra);
	snd_buf_free(&href);
	return 0;
}
