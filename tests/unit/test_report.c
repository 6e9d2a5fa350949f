/* test_report.c - the HTML fragments and report of core/report*.c: tags
 * balance for every question type, hostile strings from forms and answers
 * come out escaped, nothing refers outside the page (no script, no URL),
 * charts carry their numbers for screen readers, pseudonymous forms never
 * show entities, odd summaries degrade without crashing, and the same input
 * gives the same bytes. */
#include "sounding.h"
#include "report_int.h"

#include <check.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char form_json[] =
	"{\"id\":\"r\",\"languages\":[\"en\",\"ar\"],"
	"\"title\":{\"en\":\"Report <script>alert(1)</script> test\",\"ar\":\"\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1\"},"
	"\"sections\":[{\"id\":\"s1\",\"title\":\"Section & one\",\"questions\":["
	"{\"id\":\"colour\",\"type\":\"single\",\"text\":\"Colour \\\"quoted\\\" <i>?</i>\","
	" \"options\":[{\"id\":\"red\",\"label\":\"Red <b>\"},{\"id\":\"blue\",\"label\":\"Blue'\"}]},"
	"{\"id\":\"tools\",\"type\":\"multi\",\"text\":\"Tools\",\"options\":[\"email\",\"wiki\"]},"
	"{\"id\":\"clear\",\"type\":\"scale\",\"min\":1,\"max\":5,\"no_view\":true,\"text\":\"Clear\","
	" \"labels\":{\"1\":\"Not <at> all\",\"5\":\"Fully\"}}]},"
	"{\"id\":\"s2\",\"title\":\"Two\",\"questions\":["
	"{\"id\":\"per_sg\",\"type\":\"matrix\",\"min\":1,\"max\":4,\"text\":\"Per SG\","
	" \"rows\":[{\"id\":\"sg2\",\"label\":\"SG2\"},{\"id\":\"sg3\",\"label\":\"SG3\"}]},"
	"{\"id\":\"order\",\"type\":\"rank\",\"text\":\"Rank\",\"options\":[\"alpha\",\"beta\",\"gamma\"]},"
	"{\"id\":\"proposal\",\"type\":\"position\",\"text\":\"Proposal\"},"
	"{\"id\":\"calm\",\"type\":\"position\",\"text\":\"Calm proposal\"},"
	"{\"id\":\"how_many\",\"type\":\"number\",\"min\":0,\"max\":20,\"text\":\"How many\"},"
	"{\"id\":\"why\",\"type\":\"text\",\"text\":\"Why\"}]}]}";

static const char summary_json[] =
	"{\"questionnaire\":\"r\",\"weight\":\"entity\",\"responses\":3,\"questions\":["
	"{\"id\":\"colour\",\"type\":\"single\",\"answered\":3,\"options\":["
	" {\"id\":\"red\",\"count\":2,\"share\":0.6666666666666666},"
	" {\"id\":\"blue\",\"count\":1,\"share\":0.3333333333333333}],\"leader\":\"red\"},"
	"{\"id\":\"tools\",\"type\":\"multi\",\"answered\":2.5,\"options\":["
	" {\"id\":\"email\",\"count\":1.5,\"share\":0.6},{\"id\":\"wiki\",\"count\":2.5,\"share\":1}],"
	" \"leader\":\"wiki\"},"
	"{\"id\":\"clear\",\"type\":\"scale\",\"answered\":4,\"distribution\":{\"1\":1,\"2\":0,\"3\":1,\"4\":0,\"5\":2},"
	" \"no_view\":2,\"mean\":3.5,\"median\":3,\"consensus\":0.4,\"leik\":0.625,\"agreement\":-0.25},"
	"{\"id\":\"per_sg\",\"type\":\"matrix\",\"answered\":2,\"rows\":["
	" {\"id\":\"sg2\",\"answered\":2,\"distribution\":{\"1\":0,\"2\":1,\"3\":1,\"4\":0},\"no_view\":0,\"mean\":2.5,\"median\":2,\"consensus\":0.8,\"leik\":0.5,\"agreement\":0.5},"
	" {\"id\":\"sg3\",\"answered\":0,\"distribution\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0},\"no_view\":1,\"mean\":null,\"median\":null,\"consensus\":null,\"leik\":null,\"agreement\":null}]},"
	"{\"id\":\"order\",\"type\":\"rank\",\"answered\":3,"
	" \"borda\":[{\"id\":\"alpha\",\"score\":5},{\"id\":\"beta\",\"score\":3},{\"id\":\"gamma\",\"score\":1}],"
	" \"schulze\":[\"alpha\",\"beta\",\"gamma\"],\"condorcet_winner\":\"alpha\","
	" \"pairwise\":{\"alpha\":{\"beta\":2,\"gamma\":3},\"beta\":{\"alpha\":1,\"gamma\":2},\"gamma\":{\"alpha\":0,\"beta\":1}}},"
	"{\"id\":\"proposal\",\"type\":\"position\",\"answered\":4,\"support\":1,\"live_with\":1,\"object\":2,\"abstain\":0,"
	" \"consensus\":false,\"objections\":["
	"  {\"entity\":\"ADM <script>x</script>\",\"reason\":\"Bad & \\\"wrong\\\" \xe2\x80\xae reversed\"},"
	"  {\"entity\":\"ADM-2\",\"reason\":\"<img src=x onerror=alert(1)>\"}],"
	" \"divided\":[{\"entity\":\"ADM <b>3</b>\",\"counts\":{\"support\":1,\"live_with\":0,\"object\":1,\"abstain\":0}},"
	"  {\"entity\":\"ADM-4\",\"counts\":{\"support\":0,\"live_with\":2,\"object\":0,\"abstain\":1}}]},"
	"{\"id\":\"calm\",\"type\":\"position\",\"answered\":2,\"support\":2,\"live_with\":0,\"object\":0,\"abstain\":0,"
	" \"consensus\":true,\"objections\":[]},"
	"{\"id\":\"how_many\",\"type\":\"number\",\"answered\":3,\"min\":2,\"max\":9.5,\"mean\":5.1666666666666667,\"median\":4,"
	" \"histogram\":[{\"from\":0,\"to\":2,\"count\":0},{\"from\":2,\"to\":4,\"count\":1},"
	"  {\"from\":4,\"to\":6,\"count\":1},{\"from\":6,\"to\":8,\"count\":0},{\"from\":8,\"to\":10,\"count\":1},"
	"  {\"from\":10,\"to\":12,\"count\":0},{\"from\":12,\"to\":14,\"count\":0},{\"from\":14,\"to\":16,\"count\":0},"
	"  {\"from\":16,\"to\":18,\"count\":0},{\"from\":18,\"to\":20,\"count\":0}]},"
	"{\"id\":\"why\",\"type\":\"text\",\"answered\":2,\"comments\":["
	" {\"entity\":\"ADM-1\",\"text\":\"line one\\nline <two>\"},{\"entity\":\"ADM-2\",\"text\":\"https://example.com/x\"}]}],"
	"\"groups\":{\"EUR\":{\"responses\":2,\"questions\":["
	" {\"id\":\"colour\",\"type\":\"single\",\"answered\":2,\"options\":["
	"  {\"id\":\"red\",\"count\":2,\"share\":1},{\"id\":\"blue\",\"count\":0,\"share\":0}],\"leader\":\"red\"}]},"
	" \"<AMS>\":{\"responses\":1,\"questions\":[]}}}";

static const char turnout_json[] =
	"{\"delegates\":5,\"entities\":3,\"by\":{\"region\":{\"EUR\":{\"delegates\":3,\"entities\":2},"
	"\"<x>\":{\"delegates\":2,\"entities\":1}},\"sg\":{}}}";

static struct snd_form *form;
static cJSON *summary, *turnout;

static void setup(void)
{
	struct snd_diag d;
	snd_diag_init(&d);
	form = NULL;
	ck_assert_msg(snd_form_parse(form_json, strlen(form_json), "r.json", &form, &d) == SND_OK,
	              "form: %s: %s", d.n ? d.items[0].where : "", d.n ? d.items[0].msg : "");
	snd_diag_free(&d);
	summary = cJSON_Parse(summary_json);
	turnout = cJSON_Parse(turnout_json);
	ck_assert_ptr_nonnull(summary);
	ck_assert_ptr_nonnull(turnout);
}

static void teardown(void)
{
	snd_form_free(form);
	cJSON_Delete(summary);
	cJSON_Delete(turnout);
}

static int is_void(const char *name)
{
	static const char *const v[] = {"meta", "br", "hr", "img", "input", "link", "wbr", "col",
	                                "area", "base", "source"};
	size_t i;
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		if (strcmp(name, v[i]) == 0)
			return 1;
	return 0;
}

/* Checks that every element opened is closed in order, that every '<' in
 * the text starts a tag (text '<' must be escaped), and that no attribute
 * value holds a raw '<' or '>'.  Returns NULL or what is wrong. */
static const char *balanced(const char *html, char *why, size_t whylen)
{
	char stack[128][16];
	int depth = 0;
	const char *p = html;
	while ((p = strchr(p, '<')) != NULL) {
		char name[16];
		size_t n = 0;
		int closing = 0;
		const char *end;
		if (strncmp(p, "<!", 2) == 0) {
			p = strchr(p, '>');
			if (p == NULL)
				return "unterminated <!";
			continue;
		}
		if (p[1] == '/') {
			closing = 1;
			p++;
		}
		p++;
		while (isalnum((unsigned char)*p) && n + 1 < sizeof name)
			name[n++] = (char)tolower((unsigned char)*p++);
		name[n] = '\0';
		if (n == 0) {
			snprintf(why, whylen, "raw '<' in text near: %.30s", p - 1);
			return why;
		}
		end = strchr(p, '>');
		if (end == NULL)
			return "unterminated tag";
		{
			const char *lt = memchr(p, '<', (size_t)(end - p));
			if (lt) {
				snprintf(why, whylen, "'<' inside tag %s", name);
				return why;
			}
		}
		if (closing) {
			if (depth == 0 || strcmp(stack[depth - 1], name) != 0) {
				snprintf(why, whylen, "</%s> closes <%s>", name, depth ? stack[depth - 1] : "");
				return why;
			}
			depth--;
		} else if (end[-1] != '/' && !is_void(name)) {
			if (depth == 128)
				return "too deep";
			memcpy(stack[depth++], name, n + 1);
			if (strcmp(name, "style") == 0 || strcmp(name, "title") == 0) {
				/* raw text elements: skip to their end tag */
				const char *close = strstr(end, strcmp(name, "style") == 0 ? "</style>"
				                                                           : "</title>");
				if (close == NULL)
					return "unclosed raw text element";
				p = close;
				continue;
			}
		}
		p = end + 1;
	}
	if (depth != 0) {
		snprintf(why, whylen, "<%s> never closed", stack[depth - 1]);
		return why;
	}
	return NULL;
}

static char *ci_find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return (char *)hay;
	return NULL;
}

static size_t count(const char *h, const char *needle)
{
	size_t n = 0;
	while ((h = strstr(h, needle)) != NULL) {
		n++;
		h += strlen(needle);
	}
	return n;
}

static void assert_safe(const char *html)
{
	ck_assert_ptr_null(ci_find(html, "<script"));
	ck_assert_ptr_null(ci_find(html, "<img"));
	ck_assert_ptr_null(ci_find(html, "http://"));
	ck_assert_ptr_null(ci_find(html, "src=\""));
	ck_assert_ptr_null(ci_find(html, "href=\""));
	ck_assert_ptr_null(ci_find(html, "url("));
	ck_assert_ptr_null(ci_find(html, "@import"));
	ck_assert_ptr_null(ci_find(html, " style="));
	ck_assert_ptr_null(strstr(html, "\xe2\x80\xae")); /* bidi override */
}

static const cJSON *qsum(const char *id)
{
	const cJSON *q;
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(summary, "questions"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(q, "id")->valuestring, id) == 0)
			return q;
	ck_abort_msg("no %s", id);
	return NULL;
}

START_TEST(test_report_fragments_balance_for_every_type)
{
	const cJSON *q;
	char why[128];
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(summary, "questions")) {
		struct snd_buf b;
		const char *bad;
		const char *type = cJSON_GetObjectItemCaseSensitive(q, "type")->valuestring;
		snd_buf_init(&b, 0);
		snd_report_question(&b, form, 0, q);
		ck_assert(!b.failed);
		bad = balanced(b.data, why, sizeof why);
		ck_assert_msg(bad == NULL, "%s: %s", type, bad ? bad : "");
		ck_assert_ptr_eq(strstr(b.data, "<section"), b.data);
		if (strcmp(type, "text") != 0) {
			ck_assert_msg(strstr(b.data, "<svg") != NULL || strcmp(type, "rank") == 0,
			              "%s has no chart", type);
			ck_assert_ptr_null(strstr(b.data, "xmlns"));
		}
		assert_safe(b.data);
		snd_buf_free(&b);
	}
}
END_TEST

/* The dashboard's cap: at most max_items listed, the count, and the link
 * (escaped like everything else); 0 lists all, as snd_report_question. */
START_TEST(test_report_capped_lists_say_how_many_and_link_to_all)
{
	struct snd_buf b, all;
	snd_buf_init(&b, 0);
	snd_buf_init(&all, 0);
	snd_report_question_capped(&b, form, 0, qsum("proposal"), 1, "?list=proposal&x=\"><b>");
	ck_assert(!b.failed);
	ck_assert_uint_eq(count(b.data, "<li><span"), 1); /* one objection (and one divided) */
	ck_assert_ptr_nonnull(strstr(b.data, "<p class=\"snd-more\">Shown: 1 of 2, in alphabetical "
	                                     "order of entity. <a href=\"?list=proposal&amp;x=&quot;&gt;"
	                                     "&lt;b&gt;\">See all (2)</a></p>"));
	ck_assert_ptr_null(strstr(b.data, "<b>"));
	ck_assert_uint_eq(count(b.data, "href=\""), 1); /* the caller's link, and nothing else */
	/* no link asked for: the note alone */
	snd_buf_reset(&b);
	snd_report_question_capped(&b, form, 0, qsum("proposal"), 1, NULL);
	ck_assert_ptr_nonnull(strstr(b.data, "Shown: 1 of 2, in alphabetical order of entity.</p>"));
	ck_assert_ptr_null(strstr(b.data, "<a "));
	assert_safe(b.data);
	/* a cap the list does not reach, or none: the same bytes as uncapped */
	snd_report_question(&all, form, 0, qsum("proposal"));
	snd_buf_reset(&b);
	snd_report_question_capped(&b, form, 0, qsum("proposal"), 2, "?list=proposal");
	ck_assert_str_eq(b.data, all.data);
	snd_buf_reset(&b);
	snd_report_question_capped(&b, form, 0, qsum("proposal"), 0, "?list=proposal");
	ck_assert_str_eq(b.data, all.data);
	ck_assert_ptr_null(strstr(all.data, "snd-more"));
	snd_buf_free(&b);
	snd_buf_free(&all);
}
END_TEST

START_TEST(test_report_escapes_hostile_strings)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	snd_report_question(&b, form, 0, qsum("proposal"));
	ck_assert_ptr_nonnull(strstr(b.data, "ADM &lt;script&gt;x&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "Bad &amp; &quot;wrong&quot; [U+202E] reversed"));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;img src=x onerror=alert(1)&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "Sustained objections: 2"));
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("colour"));
	ck_assert_ptr_nonnull(strstr(b.data, "Colour &quot;quoted&quot; &lt;i&gt;?&lt;/i&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "Red &lt;b&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "Blue&#39;"));
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("clear"));
	ck_assert_ptr_nonnull(strstr(b.data, "Not &lt;at&gt; all"));
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("calm"));
	ck_assert_ptr_nonnull(strstr(b.data, "CONSENSUS"));
	snd_buf_free(&b);
}
END_TEST

START_TEST(test_report_charts_speak_their_numbers)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	snd_report_question(&b, form, 0, qsum("colour"));
	ck_assert_ptr_nonnull(strstr(b.data, "role=\"img\""));
	ck_assert_ptr_nonnull(strstr(b.data, "<title>"));
	ck_assert_ptr_nonnull(strstr(b.data, "Red &lt;b&gt;: 2 (66.7%)"));
	ck_assert_ptr_nonnull(strstr(b.data, "<dt>margin over the next</dt><dd>1</dd>"));
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("tools"));
	ck_assert_ptr_nonnull(strstr(b.data, "email: 1.50 (60.0%)")); /* entity weights */
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("clear"));
	ck_assert_ptr_nonnull(strstr(b.data, "5: 2 (50.0%)"));
	ck_assert_ptr_nonnull(strstr(b.data, "below the midpoint 25.0%, at the midpoint 25.0%, "
	                                     "above the midpoint 50.0%"));
	ck_assert_ptr_nonnull(strstr(b.data, "Tastle"));
	ck_assert_ptr_nonnull(strstr(b.data, "<dt>interquartile range</dt><dd>1\xe2\x80\x93" "5</dd>"));
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("per_sg"));
	/* the overview of all rows: sg2 is 1 at 2, 1 at 3 on a 1..4 scale */
	ck_assert_ptr_nonnull(strstr(b.data, "SG2: below the midpoint 50.0%, at the midpoint 0.0%, "
	                                     "above the midpoint 50.0%; SG3: "));
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("order"));
	ck_assert_ptr_nonnull(strstr(b.data, "<ol class=\"snd-schulze\"><li>alpha</li><li>beta</li>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<table class=\"snd-pairwise\">"));
	ck_assert_ptr_nonnull(strstr(b.data, "Borda"));
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("proposal"));
	ck_assert_ptr_nonnull(strstr(b.data, "object 2 (50.0%)"));
	snd_buf_free(&b);
}
END_TEST

START_TEST(test_report_html_is_a_whole_self_contained_document)
{
	struct snd_buf b, c;
	char why[128];
	const char *bad;
	cJSON *copy;
	snd_buf_init(&b, 0);
	snd_buf_init(&c, 0);
	ck_assert_int_eq(snd_report_html(&b, form, 0, summary, turnout), SND_OK);
	ck_assert_ptr_eq(strstr(b.data, "<!DOCTYPE html>"), b.data);
	ck_assert_ptr_nonnull(strstr(b.data, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_nonnull(strstr(b.data, "<title>Report &lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "@media print"));
	ck_assert_ptr_nonnull(strstr(b.data, "Turnout"));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;x&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;AMS&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "Section &amp; one"));
	/* proposals at a glance: both position questions, with their outcome */
	ck_assert_ptr_nonnull(strstr(b.data, "Proposals at a glance"));
	ck_assert_ptr_nonnull(strstr(b.data, "<tr><th scope=\"row\">Proposal</th><td>1</td><td>1</td>"
	                                     "<td>2</td><td>0</td><td class=\"snd-objected\">"
	                                     "Sustained objections: 2</td></tr>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<th scope=\"row\">Calm proposal</th><td>2</td>"));
	/* and by group: EUR has no position answers in this summary */
	ck_assert_ptr_nonnull(strstr(b.data, "<th scope=\"col\">EUR</th><th scope=\"col\">&lt;AMS&gt;</th>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<tr><th scope=\"row\">Proposal</th><td>\xe2\x80\x94</td>"));
	/* a comment that is a URL is shown as text, never as a link */
	ck_assert_ptr_nonnull(strstr(b.data, "</span> <bdi>https://example.com/x</bdi></li>"));
	bad = balanced(b.data, why, sizeof why);
	ck_assert_msg(bad == NULL, "%s", bad ? bad : "");
	/* strip the one URL the data holds, then nothing external may remain */
	{
		char *u = strstr(b.data, "https://example.com/x");
		memset(u, 'x', strlen("https://"));
		assert_safe(b.data);
		ck_assert_ptr_null(strstr(b.data, "https://"));
		memcpy(u, "https://", strlen("https://"));
	}
	/* deterministic: the same data (even re-parsed) gives the same bytes */
	copy = cJSON_Parse(summary_json);
	ck_assert_int_eq(snd_report_html(&c, form, 0, copy, turnout), SND_OK);
	ck_assert_str_eq(b.data, c.data);
	cJSON_Delete(copy);
	/* Arabic is right to left */
	snd_buf_reset(&c);
	ck_assert_int_eq(snd_report_html(&c, form, 1, summary, NULL), SND_OK);
	ck_assert_ptr_nonnull(strstr(c.data, "<html lang=\"ar\" dir=\"rtl\">"));
	/* the report's own words follow the language too */
	ck_assert_ptr_nonnull(strstr(c.data, "\xd8\xa7\xd9\x84\xd9\x86\xd8\xaa\xd8\xa7\xd8\xa6\xd8\xac</title>"));
	ck_assert_ptr_null(strstr(c.data, "Sustained objections"));
	ck_assert_ptr_null(strstr(c.data, "Schulze order"));
	ck_assert_ptr_null(strstr(c.data, "Turnout"));
	snd_buf_free(&b);
	snd_buf_free(&c);
}
END_TEST

/* The measures of issue 12: "No view: N" under a scale's chart and in its
 * figures, Leik's and van der Eijk's figures with their sentences, the
 * number histogram, and the divided delegations (escaped, entity in
 * <bdi>, capped like the objections, never on pseudonymous forms). */
START_TEST(test_report_shows_no_view_measures_histogram_and_divided)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	snd_report_question(&b, form, 0, qsum("clear"));
	ck_assert_ptr_nonnull(strstr(b.data, "; No view: 2\"><title>"));
	ck_assert_ptr_nonnull(strstr(b.data, "text-anchor=\"end\" fill=\"#222\">No view: 2</text>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<dt>answered</dt><dd>4</dd><dt>no view</dt><dd>2</dd>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<dt>dispersion (Leik)</dt><dd>0.62</dd>"
	                                     "<dt>agreement (van der Eijk)</dt><dd>-0.25</dd></dl>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<p class=\"snd-explain\">Dispersion (Leik) runs from 0"));
	ck_assert_ptr_nonnull(strstr(b.data, "<p class=\"snd-explain\">Agreement (van der Eijk) runs"));
	snd_buf_reset(&b);
	/* a matrix without no_view allowed shows it only where some were counted */
	snd_report_question(&b, form, 0, qsum("per_sg"));
	ck_assert_int_eq(count(b.data, "No view: 1</text>"), 1);
	ck_assert_int_eq(count(b.data, "No view: 0"), 0);
	ck_assert_int_eq(count(b.data, "<dt>dispersion (Leik)</dt><dd>\xe2\x80\x94</dd>"), 1);
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("how_many"));
	ck_assert_ptr_nonnull(strstr(b.data, "<svg class=\"snd-chart snd-hist\""));
	ck_assert_ptr_nonnull(strstr(b.data, "aria-label=\"Histogram of answers: 0\xe2\x80\x93" "2: 0; "
	                                     "2\xe2\x80\x93" "4: 1;"));
	snd_buf_reset(&b);
	snd_report_question(&b, form, 0, qsum("proposal"));
	ck_assert_ptr_nonnull(strstr(b.data, "<ul class=\"snd-divided\"><li>Divided: <bdi "
	                                     "class=\"snd-ent\">ADM &lt;b&gt;3&lt;/b&gt;</bdi> (support 1, "
	                                     "object 1)</li><li>Divided: <bdi class=\"snd-ent\">ADM-4"
	                                     "</bdi> (can live with 2, abstain 1)</li></ul>"));
	snd_buf_reset(&b);
	snd_report_question(&b, form, 1, qsum("proposal")); /* Arabic */
	ck_assert_ptr_nonnull(strstr(b.data, "<li>\xd9\x88\xd9\x81\xd8\xaf \xd9\x85\xd9\x86\xd9\x82"
	                                     "\xd8\xb3\xd9\x85: <bdi class=\"snd-ent\">ADM-4</bdi>"));
	snd_buf_reset(&b);
	snd_report_question_capped(&b, form, 0, qsum("proposal"), 1, NULL);
	ck_assert_int_eq(count(b.data, "<li>Divided: "), 1);
	ck_assert_ptr_nonnull(strstr(b.data, "Shown: 1 of 2, in alphabetical order of entity."));
	snd_buf_free(&b);
}
END_TEST

START_TEST(test_report_pseudonymous_never_shows_entities)
{
	static const char pj[] =
		"{\"id\":\"p\",\"languages\":[\"en\"],\"title\":\"P\",\"anonymity\":\"pseudonymous\","
		"\"sections\":[{\"id\":\"s\",\"title\":\"S\",\"questions\":["
		"{\"id\":\"proposal\",\"type\":\"position\",\"text\":\"P\"},"
		"{\"id\":\"why\",\"type\":\"text\",\"text\":\"W\"}]}]}";
	struct snd_form *pf = NULL;
	struct snd_diag d;
	struct snd_buf b;
	snd_diag_init(&d);
	ck_assert_int_eq(snd_form_parse(pj, strlen(pj), "p.json", &pf, &d), SND_OK);
	snd_buf_init(&b, 0);
	/* even if a summary carried entities, the page leaves them out */
	snd_report_question(&b, pf, 0, qsum("proposal"));
	snd_report_question(&b, pf, 0, qsum("why"));
	ck_assert_ptr_null(strstr(b.data, "ADM"));
	ck_assert_ptr_null(strstr(b.data, "snd-divided"));
	ck_assert_ptr_nonnull(strstr(b.data, "line one"));
	snd_buf_free(&b);
	snd_form_free(pf);
	snd_diag_free(&d);
}
END_TEST

START_TEST(test_report_survives_odd_summaries)
{
	static const char *const odd[] = {
		"{}",
		"{\"id\":\"colour\"}",
		"{\"id\":\"colour\",\"options\":7,\"leader\":3}",
		"{\"id\":\"clear\",\"distribution\":[1,2],\"mean\":\"x\"}",
		"{\"id\":\"per_sg\",\"rows\":[{},{\"id\":5}]}",
		"{\"id\":\"order\",\"schulze\":[1,null],\"borda\":[{}],\"pairwise\":{\"a\":{\"b\":\"x\"}}}",
		"{\"id\":\"proposal\",\"objections\":[{},{\"reason\":3}],\"object\":-1}",
		"{\"id\":\"how_many\",\"min\":5,\"max\":1,\"mean\":1e308,\"median\":-1e308}",
		"{\"id\":\"nope\",\"type\":\"scale\",\"distribution\":{\"3\":1,\"-2\":4}}",
		"{\"id\":\"nope\",\"type\":\"mystery\"}",
		"{\"id\":\"why\",\"comments\":[{\"text\":null},3]}",
		/* long keys where labels are cut (pairwise headers) */
		("{\"id\":\"order\",\"pairwise\":{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":{}}}"),
	};
	size_t i;
	char why[128];
	for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		cJSON *q = cJSON_Parse(odd[i]);
		struct snd_buf b;
		const char *bad;
		ck_assert_ptr_nonnull(q);
		snd_buf_init(&b, 0);
		snd_report_question(&b, form, 0, q);
		ck_assert(!b.failed);
		bad = balanced(b.data, why, sizeof why);
		ck_assert_msg(bad == NULL, "%s: %s", odd[i], bad ? bad : "");
		snd_buf_free(&b);
		cJSON_Delete(q);
	}
}
END_TEST

/* Walks every node of v in order; calls fn on the n-th. */
static cJSON *nth_node(cJSON *v, int *n)
{
	cJSON *c, *r;
	if ((*n)-- == 0)
		return v;
	for (c = v->child; c; c = c->next)
		if ((r = nth_node(c, n)) != NULL)
			return r;
	return NULL;
}

/* Property: whatever value any field of a summary takes, the fragment
 * stays balanced and escaped.  Deterministic (a fixed LCG), 3000 cases. */
START_TEST(test_report_survives_mutated_summaries)
{
	static const char *const strs[] = {
		"<script>alert(1)</script>", "\"><svg onload=x>", "&amp;", "\xe2\x80\xae", "",
		"a\nb", "red", "sg2", "5", "-1"};
	static const double nums[] = {-1, 0, 1, 0.5, 1e300, -1e300, 2147483648.0, 3, 100};
	uint32_t seed = 12345;
	int iter;
	char why[128];
	for (iter = 0; iter < 3000; iter++) {
		cJSON *all = cJSON_Parse(summary_json), *qs, *node;
		int count = 0, pick, kind;
		struct snd_buf b;
		const char *bad;
		seed = seed * 1103515245u + 12345u;
		qs = cJSON_GetObjectItemCaseSensitive(all, "questions");
		qs = cJSON_GetArrayItem(qs, (int)((seed >> 8) % (unsigned)cJSON_GetArraySize(qs)));
		ck_assert_ptr_nonnull(qs);
		pick = 0;
		while (nth_node(qs, &(int){count}) != NULL)
			count++;
		seed = seed * 1103515245u + 12345u;
		pick = (int)((seed >> 8) % (unsigned)count);
		node = nth_node(qs, &pick);
		seed = seed * 1103515245u + 12345u;
		kind = (int)((seed >> 8) % 4);
		if (node != qs && node->string && strcmp(node->string, "id") == 0 && kind == 0)
			kind = 1; /* keep the question findable most of the time */
		if (node->type & (cJSON_Object | cJSON_Array)) {
			/* drop its children */
			while (node->child)
				cJSON_Delete(cJSON_DetachItemViaPointer(node, node->child));
		} else if (kind <= 1) {
			cJSON_SetValuestring(node, NULL);
			node->type = cJSON_Number;
			node->valuedouble = nums[(seed >> 16) % (sizeof nums / sizeof nums[0])];
			node->valueint = 0;
		} else if (kind == 2 && cJSON_IsString(node)) {
			cJSON_SetValuestring(node, strs[(seed >> 16) % (sizeof strs / sizeof strs[0])]);
		} else {
			node->type = cJSON_NULL;
		}
		snd_buf_init(&b, 0);
		snd_report_question(&b, form, (int)(seed >> 20) % 2, qs);
		ck_assert(!b.failed);
		bad = balanced(b.data, why, sizeof why);
		ck_assert_msg(bad == NULL, "case %d: %s", iter, bad ? bad : "");
		ck_assert_ptr_null(ci_find(b.data, "<script"));
		ck_assert_ptr_null(ci_find(b.data, "<svg onload"));
		snd_buf_free(&b);
		cJSON_Delete(all);
	}
}
END_TEST

START_TEST(test_report_css_is_static_and_printable)
{
	const char *css = snd_report_css();
	ck_assert_ptr_nonnull(css);
	ck_assert_ptr_eq(css, snd_report_css());
	ck_assert_ptr_nonnull(strstr(css, "@media print"));
	ck_assert_ptr_null(strchr(css, '<'));
	ck_assert_ptr_null(strstr(css, "url("));
	/* scoped: the chair page serves it before its own rules */
	ck_assert_ptr_null(strstr(css, "body{"));
	{
		const char *line = css;
		while (*line) {
			ck_assert_msg(strncmp(line, ".snd-q", 6) == 0 || strncmp(line, "@media", 6) == 0,
			              "unscoped rule: %.40s", line);
			line = strchr(line, '\n');
			if (line == NULL)
				break;
			line++;
		}
	}
}
END_TEST

/* The report shows numbers as core/fmt.c does, so it reads like the chair
 * page and `tally`: a huge mean is shown as 1e+30 (the report's own copy of
 * the formatting used to cut "%.2f" of it at 31 bytes, dropping digits). */
START_TEST(test_report_numbers_are_formatted_by_fmt)
{
	cJSON *q = cJSON_Parse("{\"id\":\"how_many\",\"type\":\"number\",\"answered\":2.5,"
	                       "\"min\":-0.0001,\"max\":1e30,\"mean\":1e30,\"median\":3.25}");
	char want[SND_FMT_LEN];
	struct snd_buf b;
	ck_assert_ptr_nonnull(q);
	snd_buf_init(&b, 0);
	snd_report_question(&b, form, 0, q);
	ck_assert(!b.failed);
	snd_fmt_stat(want, 1e30, 1, '.');
	ck_assert_str_eq(want, "1e+30");
	ck_assert_ptr_nonnull(strstr(b.data, want));
	snd_fmt_count(want, 2.5, '.');
	ck_assert_ptr_nonnull(strstr(b.data, want));
	snd_fmt_value(want, -0.0001, 1, '.');
	ck_assert_ptr_nonnull(strstr(b.data, want));
	snd_fmt_value(want, 3.25, 1, '.');
	ck_assert_ptr_nonnull(strstr(b.data, want));
	snd_buf_free(&b);
	cJSON_Delete(q);
}
END_TEST

/* ------------------------------------------ issue 12, item 9: the language */

/* Every message has its text in the six languages, with as many "%s"
 * slots as the English one. */
START_TEST(test_report_every_message_is_translated)
{
	static const char *const langs[] = {"en", "fr", "es", "ar", "zh", "ru"};
	int m;
	size_t i;
	for (m = 0; m < M__MAX; m++) {
		const char *en = snd_rpt_msg_raw("en", (enum msg)m), *p;
		int slots_en = 0;
		ck_assert_msg(en != NULL, "message %d has no English text", m);
		for (p = en; (p = strstr(p, "%s")) != NULL; p += 2)
			slots_en++;
		for (i = 1; i < sizeof langs / sizeof langs[0]; i++) {
			const char *t = snd_rpt_msg_raw(langs[i], (enum msg)m);
			int slots = 0;
			ck_assert_msg(t != NULL, "message %d (%s) has no %s text", m, en, langs[i]);
			for (p = t; (p = strstr(p, "%s")) != NULL; p += 2)
				slots++;
			ck_assert_msg(slots == slots_en, "message %d in %s: %d slots, English %d", m,
			              langs[i], slots, slots_en);
		}
	}
}
END_TEST

/* A questionnaire in French and Arabic whose own texts hold no English
 * word, its summary with a breakdown by category ("(none)", "(other)"). */
static const char l10n_form_json[] =
	"{\"id\":\"l\",\"languages\":[\"fr\",\"ar\"],\"title\":\"Consultation\","
	"\"sections\":[{\"id\":\"s1\",\"title\":\"Partie un\",\"questions\":["
	"{\"id\":\"q1\",\"type\":\"single\",\"text\":\"Couleur\","
	" \"options\":[{\"id\":\"o1\",\"label\":\"Rouge\"},{\"id\":\"o2\",\"label\":\"Bleu\"}]},"
	"{\"id\":\"q2\",\"type\":\"multi\",\"text\":\"Outils\","
	" \"options\":[{\"id\":\"o3\",\"label\":\"Courriel\"},{\"id\":\"o4\",\"label\":\"Wiki\"}]},"
	"{\"id\":\"q3\",\"type\":\"scale\",\"min\":1,\"max\":5,\"text\":\"Clair\","
	" \"labels\":{\"1\":\"Pas du tout\",\"5\":\"Tout à fait\"}},"
	"{\"id\":\"q4\",\"type\":\"matrix\",\"min\":1,\"max\":4,\"text\":\"Par commission\","
	" \"rows\":[{\"id\":\"r1\",\"label\":\"CE2\"},{\"id\":\"r2\",\"label\":\"CE3\"}]},"
	"{\"id\":\"q5\",\"type\":\"rank\",\"text\":\"Ordre\",\"options\":[{\"id\":\"o5\",\"label\":"
	"\"Premier\"},{\"id\":\"o6\",\"label\":\"Second\"},{\"id\":\"o7\",\"label\":\"Tiers\"}]},"
	"{\"id\":\"q6\",\"type\":\"position\",\"text\":\"Proposition\"},"
	"{\"id\":\"q7\",\"type\":\"number\",\"min\":0,\"max\":20,\"text\":\"Combien\"},"
	"{\"id\":\"q8\",\"type\":\"text\",\"text\":\"Pourquoi\"}]}]}";

#define L10N_QUESTIONS(a) \
	"[{\"id\":\"q1\",\"type\":\"single\",\"answered\":3,\"options\":[" \
	" {\"id\":\"o1\",\"count\":2,\"share\":0.6666666666666666}," \
	" {\"id\":\"o2\",\"count\":1,\"share\":0.3333333333333333}],\"leader\":\"o1\"}," \
	"{\"id\":\"q2\",\"type\":\"multi\",\"answered\":2.5,\"options\":[" \
	" {\"id\":\"o3\",\"count\":1.5,\"share\":0.6},{\"id\":\"o4\",\"count\":2.5,\"share\":1}]," \
	" \"leader\":\"o4\"}," \
	"{\"id\":\"q3\",\"type\":\"scale\",\"answered\":4,\"distribution\":{\"1\":1,\"2\":0,\"3\":1," \
	" \"4\":0,\"5\":2},\"mean\":3.5,\"median\":3,\"consensus\":0.4}," \
	"{\"id\":\"q4\",\"type\":\"matrix\",\"answered\":2,\"rows\":[" \
	" {\"id\":\"r1\",\"answered\":2,\"distribution\":{\"1\":0,\"2\":1,\"3\":1,\"4\":0}," \
	"  \"mean\":2.5,\"median\":2,\"consensus\":0.8}," \
	" {\"id\":\"r2\",\"answered\":0,\"distribution\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0}," \
	"  \"mean\":null,\"median\":null,\"consensus\":null}]}," \
	"{\"id\":\"q5\",\"type\":\"rank\",\"answered\":3," \
	" \"borda\":[{\"id\":\"o5\",\"score\":5},{\"id\":\"o6\",\"score\":3},{\"id\":\"o7\",\"score\":1}]," \
	" \"schulze\":[\"o5\",\"o6\",\"o7\"],\"condorcet_winner\":null," \
	" \"pairwise\":{\"o5\":{\"o6\":2,\"o7\":3},\"o6\":{\"o5\":1,\"o7\":2},\"o7\":{\"o5\":0,\"o6\":1}}}," \
	"{\"id\":\"q6\",\"type\":\"position\",\"answered\":4,\"support\":1,\"live_with\":1," \
	" \"object\":1.5,\"abstain\":0.5,\"consensus\":false,\"objections\":[" \
	"  {\"entity\":\"ADM-1\",\"reason\":\"Trop vite\"}]}," \
	"{\"id\":\"q7\",\"type\":\"number\",\"answered\":3,\"min\":2,\"max\":9.5,\"mean\":5.25," \
	" \"median\":4.5}," \
	"{\"id\":\"q8\",\"type\":\"text\",\"answered\":" a ",\"comments\":[" \
	" {\"entity\":\"ADM-1\",\"text\":\"Bien\"}]}]"

static const char l10n_summary_json[] =
	"{\"questionnaire\":\"l\",\"weight\":\"entity\",\"responses\":3.5,\"by\":\"category\","
	"\"questions\":" L10N_QUESTIONS("2") ","
	"\"groups\":{\"ms\":{\"responses\":2,\"questions\":" L10N_QUESTIONS("1") "},"
	" \"(none)\":{\"responses\":1,\"questions\":" L10N_QUESTIONS("1") "},"
	" \"(other)\":{\"responses\":0.5,\"questions\":[]}}}";

static const char l10n_turnout_json[] =
	"{\"delegates\":5,\"entities\":3,\"by\":{\"region\":{\"EUR\":{\"delegates\":3,\"entities\":2},"
	"\"(none)\":{\"delegates\":2,\"entities\":1}},\"category\":{\"ms\":{\"delegates\":5,"
	"\"entities\":3}},\"sg\":{\"SG2\":{\"delegates\":1,\"entities\":1}},"
	"\"grade\":{\"x\":{\"delegates\":1,\"entities\":1}}}}";

static int word_byte(unsigned char c)
{
	return isalpha(c) || c >= 0x80;
}

/* 1 when word occurs in text as a whole word (no letter either side). */
static int has_word(const char *text, const char *word, size_t n)
{
	const char *p = text;
	while ((p = strstr(p, word)) != NULL) {
		int before = p > text && word_byte((unsigned char)p[-1]);
		int after = word_byte((unsigned char)p[n]);
		if (!before && !after)
			return 1;
		p++;
	}
	return 0;
}

/* No English word of the report's table (a word of 4 letters or more
 * that no message of language code uses) appears in html. */
static void assert_no_english_words(const char *page, const char *code)
{
	struct snd_buf theirs;
	char *html = strdup(page), *c;
	int m, in_tag = 0;
	/* words only: the stylesheet and markup (class names such as snd-none)
	 * become spaces; the charts' aria-labels repeat their <title> */
	ck_assert_ptr_nonnull(html);
	if ((c = strstr(html, "<style>")) != NULL && strstr(c, "</style>") != NULL)
		memset(c, ' ', (size_t)(strstr(c, "</style>") - c));
	for (c = html; *c; c++) {
		if (*c == '<')
			in_tag = 1;
		if (in_tag) {
			if (*c == '>')
				in_tag = 0;
			*c = ' ';
		}
	}
	snd_buf_init(&theirs, 0);
	for (m = 0; m < M__MAX; m++) {
		const char *t = snd_rpt_msg_raw(code, (enum msg)m);
		snd_buf_puts(&theirs, t ? t : "");
		snd_buf_putc(&theirs, '\n');
	}
	for (m = 0; m < M__MAX; m++) {
		const char *en = snd_rpt_msg_raw("en", (enum msg)m), *p = en;
		while (*p) {
			char w[64];
			size_t n = 0;
			while (*p && !isalpha((unsigned char)*p))
				p++;
			while (isalpha((unsigned char)p[n]) && n < sizeof w - 1)
				n++;
			memcpy(w, p, n);
			w[n] = '\0';
			p += n;
			if (n < 4 || word_byte((unsigned char)*p) || has_word(theirs.data, w, n))
				continue;
			ck_assert_msg(!has_word(html, w, n), "%s report shows the English word '%s' (of '%s')",
			              code, w, en);
		}
	}
	snd_buf_free(&theirs);
	free(html);
}

static void l10n_report(struct snd_buf *b, int lang, const struct snd_report_when *when)
{
	struct snd_form *f = NULL;
	struct snd_diag d;
	cJSON *sum = cJSON_Parse(l10n_summary_json), *tn = cJSON_Parse(l10n_turnout_json);
	ck_assert_ptr_nonnull(sum);
	ck_assert_ptr_nonnull(tn);
	snd_diag_init(&d);
	ck_assert_msg(snd_form_parse(l10n_form_json, strlen(l10n_form_json), "l.json", &f, &d) ==
	                  SND_OK,
	              "form: %s: %s", d.n ? d.items[0].where : "", d.n ? d.items[0].msg : "");
	snd_diag_free(&d);
	ck_assert_int_eq(snd_report_page(b, f, lang, sum, tn, when), SND_OK);
	snd_form_free(f);
	cJSON_Delete(sum);
	cJSON_Delete(tn);
}

START_TEST(test_report_in_french_has_no_english_word_and_decimal_commas)
{
	struct snd_window w = {1796000000, 1796700000, 1, 1, 0, 0};
	struct snd_report_when when = {1796638500, &w};
	struct snd_buf b;
	char why[128];
	const char *bad;
	snd_buf_init(&b, 0);
	l10n_report(&b, 0, &when);
	ck_assert(!b.failed);
	bad = balanced(b.data, why, sizeof why);
	ck_assert_msg(bad == NULL, "%s", bad ? bad : "");
	assert_no_english_words(b.data, "fr");
	ck_assert_ptr_nonnull(strstr(b.data, "Établi le 2026-12-07 10:15 UTC \xc2\xb7 "
	                                     "Ouvert jusqu’au 2026-12-08 03:20 UTC"));
	/* attributes in words, or as names; group values in words */
	ck_assert_ptr_nonnull(strstr(b.data, "Ventilation par catégorie"));
	ck_assert_ptr_nonnull(strstr(b.data, "<caption>par région</caption>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<caption>par commission d’études</caption>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<caption>par <code>grade</code></caption>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<h2>catégorie = (sans valeur)</h2>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<h2>catégorie = (autres)</h2>"));
	ck_assert_ptr_null(strstr(b.data, "(none)"));
	ck_assert_ptr_null(strstr(b.data, "(other)"));
	ck_assert_ptr_null(strstr(b.data, "category"));
	/* numbers with a decimal comma, shares "66,7 %", in charts too */
	ck_assert_ptr_nonnull(strstr(b.data, "2 (66,7\xc2\xa0%)"));
	ck_assert_ptr_nonnull(strstr(b.data, "<dd>3,50</dd>"));
	ck_assert_ptr_nonnull(strstr(b.data, ">2,50</text>")); /* the matrix overview's mean */
	ck_assert_ptr_nonnull(strstr(b.data, "moyenne 5,25, médiane 4,5"));
	ck_assert_ptr_nonnull(strstr(b.data, "Objections maintenues\xc2\xa0: 1,50"));
	ck_assert_ptr_nonnull(strstr(b.data, "réponses: 3,50"));
	ck_assert_ptr_null(strstr(b.data, "66.7"));
	ck_assert_ptr_null(strstr(b.data, "3.50"));
	/* but SVG coordinates keep their point */
	ck_assert_ptr_nonnull(strstr(b.data, "width=\""));
	ck_assert_ptr_null(strstr(b.data, "width=\"293,3\""));
	ck_assert_ptr_nonnull(strstr(b.data, "x1=\"430.0\""));
	snd_buf_free(&b);
}
END_TEST

START_TEST(test_report_in_arabic_has_no_english_word_western_digits_and_points)
{
	struct snd_window w = {1796700000, 0, 1, 0, 0, 0};
	struct snd_report_when when = {1796638500, &w};
	struct snd_buf b;
	const unsigned char *p;
	snd_buf_init(&b, 0);
	l10n_report(&b, 1, &when);
	ck_assert(!b.failed);
	assert_no_english_words(b.data, "ar");
	ck_assert_ptr_nonnull(strstr(b.data, "<html lang=\"ar\" dir=\"rtl\">"));
	ck_assert_ptr_nonnull(strstr(b.data, "\xd9\x8a\xd9\x8f\xd9\x81\xd8\xaa\xd8\xad \xd9\x81\xd9\x8a "
	                                     "2026-12-08 03:20 UTC")); /* "opens ..." */
	ck_assert_ptr_nonnull(strstr(b.data, "2 (66.7%)"));
	ck_assert_ptr_nonnull(strstr(b.data, "<dd>3.50</dd>"));
	ck_assert_ptr_null(strstr(b.data, "(none)"));
	ck_assert_ptr_null(strstr(b.data, "66,7"));
	/* Western digits: no Arabic-Indic digit (U+0660..U+0669) anywhere */
	for (p = (const unsigned char *)b.data; *p; p++)
		ck_assert(!(p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9));
	snd_buf_free(&b);
}
END_TEST

/* Without a time the page is snd_report_html's, byte for byte; with one,
 * only the head line is new, and a questionnaire past its end is closed. */
START_TEST(test_report_page_adds_only_the_head_line)
{
	struct snd_window w = {0, 1796638500, 0, 1, 1, 5};
	struct snd_report_when when = {1796638500, &w}, bare = {1796638500, NULL};
	struct snd_buf a, b;
	const char *line = "<p class=\"snd-meta snd-when\">Made 2026-12-07 10:15 UTC \xc2\xb7 "
	                   "Closed since 2026-12-07 10:15 UTC</p>";
	char *at;
	snd_buf_init(&a, 0);
	snd_buf_init(&b, 0);
	ck_assert_int_eq(snd_report_html(&a, form, 0, summary, turnout), SND_OK);
	ck_assert_int_eq(snd_report_page(&b, form, 0, summary, turnout, NULL), SND_OK);
	ck_assert_str_eq(a.data, b.data);
	ck_assert_ptr_null(strstr(a.data, "snd-when"));
	snd_buf_reset(&b);
	ck_assert_int_eq(snd_report_page(&b, form, 0, summary, turnout, &when), SND_OK);
	at = strstr(b.data, line);
	ck_assert_ptr_nonnull(at);
	memmove(at, at + strlen(line), strlen(at + strlen(line)) + 1);
	ck_assert_str_eq(a.data, b.data);
	snd_buf_reset(&b);
	ck_assert_int_eq(snd_report_page(&b, form, 0, summary, turnout, &bare), SND_OK);
	ck_assert_ptr_nonnull(strstr(b.data, "<p class=\"snd-meta snd-when\">Made 2026-12-07 10:15 "
	                                     "UTC</p>"));
	snd_buf_free(&a);
	snd_buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report");
	TCase *t = tcase_create("report");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_report_fragments_balance_for_every_type);
	tcase_add_test(t, test_report_escapes_hostile_strings);
	tcase_add_test(t, test_report_charts_speak_their_numbers);
	tcase_add_test(t, test_report_html_is_a_whole_self_contained_document);
	tcase_add_test(t, test_report_shows_no_view_measures_histogram_and_divided);
	tcase_add_test(t, test_report_pseudonymous_never_shows_entities);
	tcase_add_test(t, test_report_survives_odd_summaries);
	tcase_add_test(t, test_report_survives_mutated_summaries);
	tcase_add_test(t, test_report_css_is_static_and_printable);
	tcase_add_test(t, test_report_capped_lists_say_how_many_and_link_to_all);
	tcase_add_test(t, test_report_numbers_are_formatted_by_fmt);
	tcase_add_test(t, test_report_every_message_is_translated);
	tcase_add_test(t, test_report_in_french_has_no_english_word_and_decimal_commas);
	tcase_add_test(t, test_report_in_arabic_has_no_english_word_western_digits_and_points);
	tcase_add_test(t, test_report_page_adds_only_the_head_line);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	int failed;
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
