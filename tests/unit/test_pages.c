/* test_pages.c - the collector's HTML pages (collector/page_*.c, linked
 * in by tests/CMakeLists.txt; page_int.h gives the helpers tested directly).
 *
 * A small form with every question type is rendered and the HTML checked the
 * way a browser and a screen reader would meet it: field names exactly as
 * snd_form_answers_from_post reads them (proved by posting the rendered form
 * back through urlenc.c), a label for every control, unique ids, dir="rtl"
 * for Arabic, prefill, errors beside fields and in the summary, hostile text
 * escaped, and no inline script, handler or style anywhere. */
#include "page_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <ctype.h>

static const char form_json[] =
	"{\"id\":\"t-form\",\"languages\":[\"en\",\"ar\",\"fr\"],\"drafts\":[\"ar\",\"fr\"],"
	"\"title\":{\"en\":\"Test <form> & co\",\"ar\":\"\xd8\xa7\xd8\xb3\xd8\xaa\xd8\xa8\xd9\x8a\xd8\xa7\xd9\x86\"},"
	"\"intro\":\"Intro line one.\\nline two\\n\\nSecond para & more\","
	"\"closes\":\"2030-01-01T00:00:00Z\","
	"\"sections\":[{\"id\":\"s1\",\"title\":\"One\",\"questions\":["
	"{\"id\":\"colour\",\"type\":\"single\",\"required\":true,\"text\":\"Colour?\",\"help\":\"Pick one\","
	" \"options\":[{\"id\":\"red\",\"label\":\"Red\"},{\"id\":\"blue\",\"label\":{\"en\":\"Blue\",\"ar\":\"\xd8\xa3\xd8\xb2\xd8\xb1\xd9\x82\"}}]},"
	"{\"id\":\"why_blue\",\"type\":\"text\",\"max_length\":500,\"text\":\"Why blue?\","
	" \"show_if\":{\"question\":\"colour\",\"any_of\":[\"blue\"]}},"
	"{\"id\":\"tools\",\"type\":\"multi\",\"min\":1,\"max\":2,\"text\":\"Tools?\",\"options\":[\"email\",\"wiki\",\"chat\"]},"
	"{\"id\":\"clear\",\"type\":\"scale\",\"min\":1,\"max\":5,\"no_view\":true,\"text\":\"Clear?\","
	" \"labels\":{\"1\":\"Not at all\",\"5\":\"Completely\"}},"
	"{\"id\":\"per_sg\",\"type\":\"matrix\",\"min\":1,\"max\":3,\"no_view\":true,\"text\":\"Per SG\","
	" \"rows\":[{\"id\":\"sg2\",\"label\":\"SG2\"},{\"id\":\"sg3\",\"label\":\"SG3\"}]}]},"
	"{\"id\":\"s2\",\"title\":\"Two\",\"intro\":\"About proposals\",\"questions\":["
	"{\"id\":\"order\",\"type\":\"rank\",\"text\":\"Rank\",\"options\":[\"alpha\",\"beta\",\"gamma\"]},"
	"{\"id\":\"proposal\",\"type\":\"position\",\"required\":true,\"text\":\"Meet on time.\"},"
	"{\"id\":\"proposal2\",\"type\":\"position\",\"text\":\"Meet twice a year.\"},"
	"{\"id\":\"if_object\",\"type\":\"text\",\"text\":\"Why object?\","
	" \"show_if\":{\"question\":\"proposal\",\"any_of\":[\"object\",\"abstain\"]}},"
	"{\"id\":\"how_many\",\"type\":\"number\",\"min\":0,\"max\":20,\"integer\":true,\"text\":\"How many?\"},"
	"{\"id\":\"ratio\",\"type\":\"number\",\"text\":\"Ratio?\"},"
	"{\"id\":\"comments\",\"type\":\"text\",\"text\":\"Comments\"}]}]}";

/* U+202E RIGHT-TO-LEFT OVERRIDE */
#define RLO "\xe2\x80\xae"
#define EVIL "<script>alert(1)</script> \"><img src=x onerror=alert(1)> " RLO "gpj.exe"

static struct snd_form *form;

static void setup(void)
{
	struct snd_diag d;
	size_t i;
	snd_diag_init(&d);
	form = NULL;
	if (snd_form_parse(form_json, sizeof form_json - 1, "test", &form, &d) != SND_OK)
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "form: %s: %s\n", d.items[i].where, d.items[i].msg);
	snd_diag_free(&d);
	ck_assert_ptr_nonnull(form);
}

static void teardown(void)
{
	snd_form_free(form);
	form = NULL;
}

static cJSON *json(const char *s)
{
	cJSON *j = cJSON_Parse(s);
	ck_assert_ptr_nonnull(j);
	return j;
}

static char *render_form(int lang, const cJSON *answers, const struct snd_diag *errs, int64_t rev)
{
	struct snd_buf b;
	struct page_req r = { form, lang, "csrf-123", "del-7", "Ruritania", 1800000000, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
	char *s;
	snd_buf_init(&b, 0);
	page_form(&b, &r, answers, errs, rev);
	ck_assert(!b.failed);
	s = snd_buf_steal(&b, NULL);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* ------------------------------------------------------ tiny HTML helpers */

/* The value of attribute name in the tag starting at tag (up to '>'),
 * unescaped, into out; 0 when absent. */
static int attr(const char *tag, const char *name, char *out, size_t n)
{
	const char *end = strchr(tag, '>'), *p = tag;
	size_t nl = strlen(name), o = 0;
	while ((p = strstr(p, name)) != NULL && p < end) {
		if (isspace((unsigned char)p[-1]) && p[nl] == '=' && p[nl + 1] == '"') {
			p += nl + 2;
			while (*p && *p != '"' && o + 1 < n) {
				if (strncmp(p, "&amp;", 5) == 0) { out[o++] = '&'; p += 5; }
				else if (strncmp(p, "&lt;", 4) == 0) { out[o++] = '<'; p += 4; }
				else if (strncmp(p, "&gt;", 4) == 0) { out[o++] = '>'; p += 4; }
				else if (strncmp(p, "&quot;", 6) == 0) { out[o++] = '"'; p += 6; }
				else if (strncmp(p, "&#39;", 5) == 0) { out[o++] = '\''; p += 5; }
				else out[o++] = *p++;
			}
			out[o] = 0;
			return 1;
		}
		if (isspace((unsigned char)p[-1]) && (p[nl] == ' ' || p[nl] == '>') && p + nl <= end) {
			out[0] = 0;
			return 1; /* boolean attribute */
		}
		p += nl;
	}
	return 0;
}

static int has_attr(const char *tag, const char *name)
{
	char tmp[8];
	return attr(tag, name, tmp, sizeof tmp);
}

/* The tag (from '<' to '>') whose id is id, copied into out. */
static int tag_by_id(const char *html, const char *id, char *out, size_t n)
{
	char pat[300];
	const char *p, *s, *e;
	snprintf(pat, sizeof pat, " id=\"%s\"", id);
	if ((p = strstr(html, pat)) == NULL)
		return 0;
	for (s = p; s > html && *s != '<'; s--)
		;
	e = strchr(p, '>');
	ck_assert_ptr_nonnull(e);
	snprintf(out, n, "%.*s", (int)(e - s + 1), s);
	return 1;
}

static size_t count(const char *h, const char *needle)
{
	size_t n = 0;
	for (; (h = strstr(h, needle)) != NULL; h++)
		n++;
	return n;
}

/* The text between <textarea ...> and </textarea>, unescaped, minus the one
 * newline the HTML parser drops after the start tag. */
static void textarea_text(const char *tag_start, struct snd_buf *out)
{
	const char *p = strchr(tag_start, '>') + 1, *e = strstr(p, "</textarea>");
	if (*p == '\n')
		p++;
	while (p < e) {
		if (strncmp(p, "&amp;", 5) == 0) { snd_buf_putc(out, '&'); p += 5; }
		else if (strncmp(p, "&lt;", 4) == 0) { snd_buf_putc(out, '<'); p += 4; }
		else if (strncmp(p, "&gt;", 4) == 0) { snd_buf_putc(out, '>'); p += 4; }
		else if (strncmp(p, "&quot;", 6) == 0) { snd_buf_putc(out, '"'); p += 6; }
		else if (strncmp(p, "&#39;", 5) == 0) { snd_buf_putc(out, '\''); p += 5; }
		else if (strncmp(p, "&#x", 3) == 0) {
			char *semi;
			unsigned long cp = strtoul(p + 3, &semi, 16);
			ck_assert(*semi == ';' && cp >= 0x800 && cp <= 0xFFFF);
			snd_buf_putc(out, (char)(0xE0 | (cp >> 12)));
			snd_buf_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
			snd_buf_putc(out, (char)(0x80 | (cp & 0x3F)));
			p = semi + 1;
		}
		else snd_buf_putc(out, *p++);
	}
}

static void add_field(struct snd_buf *body, const char *name, const char *value)
{
	if (body->len)
		snd_buf_putc(body, '&');
	put_url_part(body, name);
	snd_buf_putc(body, '=');
	put_url_part(body, value);
}

/* What a browser would post for the first <form method="post"> in html:
 * checked radios and checkboxes, selected options, textareas, other
 * inputs with their value. */
static void serialize_form(const char *html, struct snd_buf *body)
{
	const char *p = strstr(html, "<form method=\"post\""), *end = strstr(html, "</form>");
	char name[256], value[4096], type[32];
	ck_assert_ptr_nonnull(p);
	for (; (p = strchr(p + 1, '<')) != NULL && p < end;) {
		if (strncmp(p, "<input ", 7) == 0) {
			if (!attr(p, "name", name, sizeof name))
				continue;
			if (!attr(p, "type", type, sizeof type))
				snprintf(type, sizeof type, "text");
			if ((strcmp(type, "radio") == 0 || strcmp(type, "checkbox") == 0) && !has_attr(p, "checked"))
				continue;
			if (!attr(p, "value", value, sizeof value))
				value[0] = 0;
			add_field(body, name, value);
		} else if (strncmp(p, "<select ", 8) == 0) {
			const char *se = strstr(p, "</select>"), *o = p;
			ck_assert(attr(p, "name", name, sizeof name));
			value[0] = 0;
			while ((o = strstr(o + 1, "<option ")) != NULL && o < se)
				if (has_attr(o, "selected"))
					attr(o, "value", value, sizeof value);
			add_field(body, name, value);
		} else if (strncmp(p, "<textarea ", 10) == 0) {
			struct snd_buf t;
			ck_assert(attr(p, "name", name, sizeof name));
			snd_buf_init(&t, 0);
			textarea_text(p, &t);
			add_field(body, name, t.data ? t.data : "");
			snd_buf_free(&t);
		}
	}
}

/* Checks every tag: no inline event handler, no style attribute, and the
 * only script is the external one. */
static void assert_no_inline_code(const char *html)
{
	const char *p;
	ck_assert_uint_eq(count(html, "<script"), 1);
	ck_assert_ptr_nonnull(strstr(html, "<script src=\"/static/sounding.js\" defer></script>"));
	ck_assert_ptr_null(strstr(html, "<style"));
	for (p = html; (p = strchr(p, '<')) != NULL; p++) {
		const char *e = strchr(p, '>'), *a;
		ck_assert_ptr_nonnull(e);
		for (a = p; a < e; a++) {
			if (!isspace((unsigned char)*a))
				continue;
			if (strncasecmp(a + 1, "style=", 6) == 0)
				ck_abort_msg("style attribute in %.*s", (int)(e - p + 1), p);
			if (strncasecmp(a + 1, "on", 2) == 0) {
				const char *c = a + 3;
				while (isalpha((unsigned char)*c))
					c++;
				if (c > a + 3 && *c == '=')
					ck_abort_msg("event handler in %.*s", (int)(e - p + 1), p);
			}
		}
		ck_assert_ptr_null(strstr(p, "javascript:") == p ? p : NULL);
	}
	ck_assert_ptr_null(strstr(html, "javascript:"));
}

/* ------------------------------------------------------------------ tests */

START_TEST(test_pages_form_is_a_complete_html5_document)
{
	char *h = render_form(0, NULL, NULL, 0);
	ck_assert(strncmp(h, "<!doctype html>\n<html lang=\"en\" dir=\"ltr\">", 41) == 0);
	ck_assert_ptr_nonnull(strstr(h, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_nonnull(strstr(h, "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"));
	ck_assert_ptr_nonnull(strstr(h, "<link rel=\"stylesheet\" href=\"/static/sounding.css\">"));
	ck_assert_ptr_nonnull(strstr(h, "<title>Test &lt;form&gt; &amp; co</title>"));
	ck_assert_ptr_nonnull(strstr(h, "<form method=\"post\" action=\"/q/t-form\""));
	ck_assert_ptr_nonnull(strstr(h, "<input type=\"hidden\" name=\"_csrf\" value=\"csrf-123\">"));
	ck_assert_ptr_nonnull(strstr(h, "<input type=\"hidden\" name=\"_lang\" value=\"en\">"));
	ck_assert_ptr_nonnull(strstr(h, "<button type=\"submit\" class=\"primary\">Submit answers</button>"));
	/* sections and questions */
	ck_assert_uint_eq(count(h, "<section class=\"sec\""), 2);
	ck_assert_uint_eq(count(h, "<fieldset class=\"q "), form->nquestions);
	ck_assert_uint_eq(count(h, "<legend"), form->nquestions);
	ck_assert_ptr_nonnull(strstr(h, "<h2 id=\"s-s1-h\">One</h2>"));
	/* intro paragraphs and line breaks kept */
	ck_assert_ptr_nonnull(strstr(h, "Intro line one.<br>line two</p><p class=\"intro-p\">Second para &amp; more"));
	/* the switcher names each language in itself */
	ck_assert_ptr_nonnull(strstr(h, ">\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9</a>"));
	ck_assert_ptr_nonnull(strstr(h, "href=\"?lang=fr\""));
	ck_assert_ptr_nonnull(strstr(h, ">Fran\xc3\xa7" "ais</a>"));
	ck_assert_ptr_nonnull(strstr(h, "aria-current=\"true\" lang=\"en\">English</span>"));
	/* English is the original: no draft notice; closes shown */
	ck_assert_ptr_null(strstr(h, "notice draft"));
	ck_assert_ptr_nonnull(strstr(h, "closes on 2030-01-01 00:00 (UTC)"));
	ck_assert_ptr_nonnull(strstr(h, "Answering as <bdi>del-7</bdi> for <bdi>Ruritania</bdi>."));
	ck_assert_ptr_null(strstr(h, "revision"));
	/* required marker is words, not colour */
	ck_assert_ptr_nonnull(strstr(h, "Colour? <span class=\"req\">Required</span></legend>"));
	assert_no_inline_code(h);
	free(h);
}
END_TEST

START_TEST(test_pages_form_uses_the_documented_field_names)
{
	char *h = render_form(0, NULL, NULL, 0);
	char tag[1024], v[256];
	int i;
	/* single: radios named qid */
	ck_assert(tag_by_id(h, "f-colour-red", tag, sizeof tag));
	ck_assert_ptr_nonnull(strstr(tag, "type=\"radio\""));
	ck_assert(attr(tag, "name", v, sizeof v)); ck_assert_str_eq(v, "colour");
	ck_assert(attr(tag, "value", v, sizeof v)); ck_assert_str_eq(v, "red");
	/* multi: checkboxes named qid, with the count hint */
	ck_assert(tag_by_id(h, "f-tools-wiki", tag, sizeof tag));
	ck_assert_ptr_nonnull(strstr(tag, "type=\"checkbox\" id=\"f-tools-wiki\" name=\"tools\" value=\"wiki\""));
	ck_assert_ptr_nonnull(strstr(h, "Choose between 1 and 2 options."));
	/* scale: radios 1..5 and "none" for no view */
	for (i = 1; i <= 5; i++) {
		char id[32], val[8];
		snprintf(id, sizeof id, "f-clear-%d", i);
		snprintf(val, sizeof val, "%d", i);
		ck_assert(tag_by_id(h, id, tag, sizeof tag));
		ck_assert(attr(tag, "name", v, sizeof v)); ck_assert_str_eq(v, "clear");
		ck_assert(attr(tag, "value", v, sizeof v)); ck_assert_str_eq(v, val);
	}
	ck_assert(tag_by_id(h, "f-clear-none", tag, sizeof tag));
	ck_assert(attr(tag, "value", v, sizeof v)); ck_assert_str_eq(v, "none");
	ck_assert_ptr_nonnull(strstr(h, "<span class=\"pt\">1</span> <span class=\"pt-label\">Not at all</span>"));
	/* matrix: qid.row per row, points and none; row headers */
	ck_assert(tag_by_id(h, "f-per_sg-sg3-2", tag, sizeof tag));
	ck_assert(attr(tag, "name", v, sizeof v)); ck_assert_str_eq(v, "per_sg.sg3");
	ck_assert(attr(tag, "value", v, sizeof v)); ck_assert_str_eq(v, "2");
	ck_assert(tag_by_id(h, "f-per_sg-sg2-none", tag, sizeof tag));
	ck_assert(attr(tag, "name", v, sizeof v)); ck_assert_str_eq(v, "per_sg.sg2");
	ck_assert(attr(tag, "value", v, sizeof v)); ck_assert_str_eq(v, "none");
	ck_assert_ptr_nonnull(strstr(h, "<th scope=\"row\">SG2</th>"));
	/* rank: one select per option named qid.opt, places 1..3 and unranked */
	ck_assert(tag_by_id(h, "f-order-beta", tag, sizeof tag));
	ck_assert_ptr_nonnull(strstr(tag, "<select "));
	ck_assert(attr(tag, "name", v, sizeof v)); ck_assert_str_eq(v, "order.beta");
	ck_assert_ptr_nonnull(strstr(h, "<option value=\"\" selected>\xe2\x80\x94 (not ranked)</option>"
	                                "<option value=\"1\">1</option><option value=\"2\">2</option>"
	                                "<option value=\"3\">3</option></select>"));
	ck_assert_ptr_nonnull(strstr(h, "1 for your first choice"));
	/* position: four radios and the reason */
	{
		static const char *const pos[] = { "support", "live_with", "object", "abstain" };
		for (i = 0; i < 4; i++) {
			char id[64];
			snprintf(id, sizeof id, "f-proposal-%s", pos[i]);
			ck_assert(tag_by_id(h, id, tag, sizeof tag));
			ck_assert(attr(tag, "name", v, sizeof v)); ck_assert_str_eq(v, "proposal");
			ck_assert(attr(tag, "value", v, sizeof v)); ck_assert_str_eq(v, pos[i]);
		}
	}
	ck_assert(tag_by_id(h, "f-proposal-reason", tag, sizeof tag));
	ck_assert_ptr_nonnull(strstr(tag, "<textarea "));
	ck_assert(attr(tag, "name", v, sizeof v)); ck_assert_str_eq(v, "proposal.reason");
	ck_assert_ptr_nonnull(strstr(h, ">Reason (required if you object)</label>"));
	ck_assert_ptr_nonnull(strstr(h, ">Can live with</label>"));
	/* number: bounds, step and keyboard */
	ck_assert(tag_by_id(h, "f-how_many", tag, sizeof tag));
	ck_assert_ptr_nonnull(strstr(tag, "type=\"number\""));
	ck_assert(attr(tag, "name", v, sizeof v)); ck_assert_str_eq(v, "how_many");
	ck_assert(attr(tag, "min", v, sizeof v)); ck_assert_str_eq(v, "0");
	ck_assert(attr(tag, "max", v, sizeof v)); ck_assert_str_eq(v, "20");
	ck_assert(attr(tag, "step", v, sizeof v)); ck_assert_str_eq(v, "1");
	ck_assert(attr(tag, "inputmode", v, sizeof v)); ck_assert_str_eq(v, "numeric");
	ck_assert_ptr_nonnull(strstr(h, "A whole number from 0 to 20."));
	ck_assert(tag_by_id(h, "f-ratio", tag, sizeof tag));
	ck_assert(attr(tag, "step", v, sizeof v)); ck_assert_str_eq(v, "any");
	ck_assert(!has_attr(tag, "min") && !has_attr(tag, "max"));
	ck_assert(attr(tag, "inputmode", v, sizeof v)); ck_assert_str_eq(v, "decimal");
	/* text: a textarea with maxlength */
	ck_assert(tag_by_id(h, "f-why_blue", tag, sizeof tag));
	ck_assert(attr(tag, "name", v, sizeof v)); ck_assert_str_eq(v, "why_blue");
	ck_assert(attr(tag, "maxlength", v, sizeof v)); ck_assert_str_eq(v, "500");
	ck_assert(tag_by_id(h, "f-comments", tag, sizeof tag));
	ck_assert(attr(tag, "maxlength", v, sizeof v)); ck_assert_str_eq(v, "2000");
	free(h);
}
END_TEST

/* Every control a person can reach has an accessible name, and ids are
 * unique (a duplicate id breaks label for= and the error links). */
START_TEST(test_pages_every_control_has_a_label_and_ids_are_unique)
{
	int lang;
	for (lang = 0; lang < 3; lang++) {
		struct snd_diag errs;
		cJSON *ans = json("{\"colour\":\"blue\"}");
		char *h;
		const char *p;
		size_t controls = 0;
		snd_diag_init(&errs);
		snd_diag_add(&errs, "per_sg", "answer every row");
		h = render_form(lang, ans, &errs, 2);
		for (p = h; (p = strchr(p, '<')) != NULL; p++) {
			char id[256], type[32], pat[300], ref[256];
			if (strncmp(p, "<input ", 7) != 0 && strncmp(p, "<select ", 8) != 0 &&
			    strncmp(p, "<textarea ", 10) != 0)
				continue;
			if (attr(p, "type", type, sizeof type) && strcmp(type, "hidden") == 0)
				continue;
			controls++;
			ck_assert_msg(attr(p, "id", id, sizeof id), "control without id: %.80s", p);
			snprintf(pat, sizeof pat, "<label for=\"%s\"", id);
			if (strstr(h, pat) == NULL) {
				snprintf(pat, sizeof pat, "class=\"mx-label\" for=\"%s\"", id);
				if (strstr(h, pat))
					continue;
				if (has_attr(p, "aria-label"))
					continue;
				ck_assert_msg(attr(p, "aria-labelledby", ref, sizeof ref),
				              "no label for %s", id);
				snprintf(pat, sizeof pat, " id=\"%s\"", ref);
				ck_assert_msg(strstr(h, pat) != NULL, "aria-labelledby %s dangles", ref);
			}
		}
		ck_assert_uint_eq(controls, 37); /* 2+1+3+6+8+3+5+5+1+2+1 */
		/* ids unique */
		for (p = h; (p = strstr(p, " id=\"")) != NULL; p++) {
			char pat[300];
			const char *e = strchr(p + 5, '"');
			snprintf(pat, sizeof pat, " id=\"%.*s\"", (int)(e - p - 5), p + 5);
			ck_assert_msg(count(h, pat) == 1, "duplicate%s", pat);
		}
		/* every aria-describedby id exists */
		for (p = h; (p = strstr(p, "aria-describedby=\"")) != NULL; p++) {
			char list[400], *tok, *save = NULL;
			ck_assert(attr(p - 1, "aria-describedby", list, sizeof list));
			for (tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
				char pat[300];
				snprintf(pat, sizeof pat, " id=\"%s\"", tok);
				ck_assert_msg(strstr(h, pat) != NULL, "describedby %s dangles", tok);
			}
		}
		free(h);
		cJSON_Delete(ans);
		snd_diag_free(&errs);
	}
}
END_TEST

START_TEST(test_pages_arabic_is_right_to_left_and_translated)
{
	char *h = render_form(1, NULL, NULL, 3);
	ck_assert(strncmp(h, "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">", 41) == 0);
	ck_assert_ptr_nonnull(strstr(h, "<input type=\"hidden\" name=\"_lang\" value=\"ar\">"));
	/* form labels in Arabic, fallback to English where missing */
	ck_assert_ptr_nonnull(strstr(h, "\xd8\xa3\xd8\xb2\xd8\xb1\xd9\x82</label>"));
	/* a fallback is marked as the default language, laid out on its own */
	ck_assert_ptr_nonnull(strstr(h, "><span lang=\"en\" dir=\"auto\">Red</span></label>"));
	ck_assert_ptr_nonnull(strstr(h, "<div class=\"help\" id=\"q-colour-help\" lang=\"en\" dir=\"auto\">"));
	/* chrome in Arabic: "Submit answers" and the draft notice linking English */
	ck_assert_ptr_nonnull(strstr(h, msgs[M_SUBMIT][UN_AR]));
	ck_assert_ptr_nonnull(strstr(h, "class=\"notice draft\""));
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"?lang=en\" hreflang=\"en\" lang=\"en\" dir=\"ltr\">English</a>"));
	ck_assert_ptr_nonnull(strstr(h, msgs[M_NO_VIEW][UN_AR]));
	/* the saved notice with its revision */
	ck_assert_ptr_nonnull(strstr(h, "(\xd8\xa7\xd9\x84\xd9\x85\xd8\xb1\xd8\xa7\xd8\xac\xd8\xb9\xd8\xa9 3)"));
	free(h);
	h = render_form(2, NULL, NULL, 3);
	ck_assert(strncmp(h, "<!doctype html>\n<html lang=\"fr\" dir=\"ltr\">", 41) == 0);
	ck_assert_ptr_nonnull(strstr(h, "Envoyer les r\xc3\xa9ponses"));
	ck_assert_ptr_nonnull(strstr(h, "(r\xc3\xa9vision 3)"));
	free(h);
}
END_TEST

START_TEST(test_pages_saved_notice_names_the_revision)
{
	char *h = render_form(0, NULL, NULL, 4);
	ck_assert_ptr_nonnull(strstr(h, "<p class=\"notice saved\" role=\"status\">Your answers are saved "
	                                "(revision 4). You can change them until the questionnaire closes.</p>"));
	free(h);
}
END_TEST

START_TEST(test_pages_prefill_marks_the_right_options)
{
	cJSON *a = json("{\"colour\":\"blue\",\"tools\":[\"email\",\"chat\"],\"clear\":null,"
	                "\"per_sg\":{\"sg2\":3,\"sg3\":null},\"order\":[\"gamma\",\"alpha\"],"
	                "\"proposal\":{\"position\":\"object\",\"reason\":\"Too early\\nsecond line\"},"
	                "\"how_many\":7,\"ratio\":2.5,\"comments\":\"hello\"}");
	char *h = render_form(0, a, NULL, 1);
	char tag[1024];
	struct { const char *id; int checked; } want[] = {
		{ "f-colour-blue", 1 }, { "f-colour-red", 0 },
		{ "f-tools-email", 1 }, { "f-tools-wiki", 0 }, { "f-tools-chat", 1 },
		{ "f-clear-none", 1 }, { "f-clear-1", 0 },
		{ "f-per_sg-sg2-3", 1 }, { "f-per_sg-sg2-none", 0 }, { "f-per_sg-sg3-none", 1 },
		{ "f-per_sg-sg3-3", 0 },
		{ "f-proposal-object", 1 }, { "f-proposal-support", 0 },
	};
	size_t i;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		ck_assert_msg(tag_by_id(h, want[i].id, tag, sizeof tag), "%s missing", want[i].id);
		ck_assert_msg(has_attr(tag, "checked") == want[i].checked, "%s: %s", want[i].id, tag);
	}
	ck_assert_ptr_nonnull(strstr(h, "name=\"order.gamma\"><option value=\"\">\xe2\x80\x94 (not ranked)</option>"
	                                "<option value=\"1\" selected>1</option>"));
	ck_assert_ptr_nonnull(strstr(h, "name=\"order.alpha\"><option value=\"\">\xe2\x80\x94 (not ranked)</option>"
	                                "<option value=\"1\">1</option><option value=\"2\" selected>2</option>"));
	ck_assert_ptr_nonnull(strstr(h, "name=\"order.beta\"><option value=\"\" selected>"));
	ck_assert_ptr_nonnull(strstr(h, ">\nToo early\nsecond line</textarea>"));
	ck_assert(tag_by_id(h, "f-how_many", tag, sizeof tag));
	ck_assert_ptr_nonnull(strstr(tag, "value=\"7\""));
	ck_assert(tag_by_id(h, "f-ratio", tag, sizeof tag));
	ck_assert_ptr_nonnull(strstr(tag, "value=\"2.5\""));
	ck_assert_ptr_nonnull(strstr(h, ">\nhello</textarea>"));
	free(h);
	cJSON_Delete(a);
}
END_TEST

/* The strongest check that the names are right: post the rendered,
 * prefilled form back through urlenc.c and get the same answers. */
START_TEST(test_pages_posting_the_rendered_form_gives_back_the_answers)
{
	static const char *const cases[] = {
		("{\"colour\":\"blue\",\"why_blue\":\"Because \\\"blue\\\" & <sky>\",\"tools\":[\"email\",\"chat\"],"
		"\"clear\":4,\"per_sg\":{\"sg2\":3,\"sg3\":null},\"order\":[\"gamma\",\"alpha\",\"beta\"],"
		"\"proposal\":{\"position\":\"object\",\"reason\":\"Too early\\nreally\"},"
		"\"proposal2\":{\"position\":\"live_with\"},\"if_object\":\"see above\","
		"\"how_many\":7,\"ratio\":-2.5}"),
		("{\"colour\":\"red\",\"clear\":null,\"per_sg\":{\"sg3\":1},\"order\":[\"beta\"],"
		"\"proposal\":{\"position\":\"support\"},\"how_many\":0,\"ratio\":0.1234567890123456}"),
		"{\"ratio\":1e-7}",
		"{\"ratio\":-123456.75}",
		"{}",
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *a = json(cases[i]), *back = NULL;
		if (i == 0)
			cJSON_AddStringToObject(a, "comments", EVIL " and\nmore");
		char *h = render_form(0, a, NULL, 1), err[256];
		struct snd_buf body;
		struct snd_kvlist kv = { 0 };
		struct snd_diag errs;
		snd_buf_init(&body, 0);
		snd_diag_init(&errs);
		serialize_form(h, &body);
		ck_assert_ptr_nonnull(strstr(body.data, "_csrf=csrf-123"));
		ck_assert_int_eq(snd_urlenc_parse(body.data, body.len, &kv, err, sizeof err), SND_OK);
		ck_assert_int_eq(snd_form_answers_from_post(form, &kv, &back, &errs), SND_OK);
		ck_assert_msg(cJSON_Compare(a, back, 1), "case %zu: posted %s\ngot %s", i, body.data,
		              cJSON_PrintUnformatted(back));
		cJSON_Delete(a);
		cJSON_Delete(back);
		snd_kvlist_free(&kv);
		snd_diag_free(&errs);
		snd_buf_free(&body);
		free(h);
	}
}
END_TEST

START_TEST(test_pages_errors_are_beside_the_field_and_in_the_summary)
{
	struct snd_diag errs;
	cJSON *a = json("{\"how_many\":99}");
	char *h, tag[1024], v[400];
	const char *fs, *fe, *err;
	snd_diag_init(&errs);
	snd_diag_add(&errs, "colour", "answer this question");
	snd_diag_add(&errs, "how_many", "must be at most 20");
	snd_diag_add(&errs, "$", "something about the whole <form>");
	h = render_form(0, a, &errs, 0);

	/* the summary: an alert with a heading, before the form, linking each field */
	ck_assert_ptr_nonnull(strstr(h, "<title>Error: Test &lt;form&gt; &amp; co</title>"));
	ck_assert_ptr_nonnull(strstr(h, "<div class=\"error-summary\" role=\"alert\""));
	ck_assert_ptr_nonnull(strstr(h, "<h2 id=\"error-summary-h\">Some answers need your attention</h2>"));
	ck_assert(strstr(h, "error-summary") < strstr(h, "<form method"));
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"#f-colour-red\"><span class=\"qnum\">1.</span> Colour?</a>: <bdi>answer this question</bdi></li>"));
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"#f-how_many\">"));
	ck_assert_ptr_nonnull(strstr(h, "<li><bdi>something about the whole &lt;form&gt;</bdi></li>"));
	ck_assert_ptr_nonnull(strstr(h, "Nothing has been saved yet."));

	/* beside the field: inside its fieldset, described by it, controls invalid */
	fs = strstr(h, "<fieldset class=\"q q-single has-error\" id=\"q-colour\"");
	ck_assert_ptr_nonnull(fs);
	fe = strstr(fs, "</fieldset>");
	err = strstr(fs, "<p class=\"field-error\" id=\"q-colour-err\"><span class=\"err-prefix\">Error:</span> <bdi>answer this question</bdi></p>");
	ck_assert(err != NULL && err < fe);
	ck_assert(attr(fs, "aria-describedby", v, sizeof v));
	ck_assert_ptr_nonnull(strstr(v, "q-colour-err"));
	ck_assert_ptr_nonnull(strstr(v, "q-colour-help"));
	ck_assert(tag_by_id(h, "f-colour-red", tag, sizeof tag));
	ck_assert(has_attr(tag, "aria-invalid"));

	ck_assert(tag_by_id(h, "f-how_many", tag, sizeof tag));
	ck_assert(has_attr(tag, "aria-invalid"));
	ck_assert(attr(tag, "aria-describedby", v, sizeof v));
	ck_assert_ptr_nonnull(strstr(v, "q-how_many-err"));
	ck_assert_ptr_nonnull(strstr(tag, "value=\"99\"")); /* the answer is kept */

	/* questions without error are not marked */
	ck_assert(tag_by_id(h, "f-tools-email", tag, sizeof tag));
	ck_assert(!has_attr(tag, "aria-invalid"));
	ck_assert_ptr_nonnull(strstr(h, "<fieldset class=\"q q-multi\" id=\"q-tools\""));
	free(h);
	cJSON_Delete(a);
	snd_diag_free(&errs);
}
END_TEST

START_TEST(test_pages_known_core_errors_are_translated)
{
	struct snd_diag errs;
	char *h;
	snd_diag_init(&errs);
	snd_diag_add(&errs, "colour", "this question is required");
	snd_diag_add(&errs, "proposal", "give a reason for your objection");
	snd_diag_add(&errs, "how_many", "enter a number from 0 to 20");
	h = render_form(2, NULL, &errs, 0);
	ck_assert_ptr_nonnull(strstr(h, "Erreur :</span> Cette question est obligatoire.</p>"));
	ck_assert_ptr_nonnull(strstr(h, "Erreur :</span> Indiquez le motif de votre objection.</p>"));
	/* not in the table: as core wrote it, isolated */
	ck_assert_ptr_nonnull(strstr(h, "Erreur :</span> <bdi>enter a number from 0 to 20</bdi></p>"));
	free(h);
	h = render_form(0, NULL, &errs, 0);
	ck_assert_ptr_nonnull(strstr(h, "Error:</span> <bdi>this question is required</bdi></p>"));
	free(h);
	snd_diag_free(&errs);
}
END_TEST

START_TEST(test_pages_show_if_is_marked_in_words_and_data)
{
	char *h = render_form(0, NULL, NULL, 0);
	const char *fs = strstr(h, "id=\"q-why_blue\"");
	char v[256], tag[1024];
	ck_assert_ptr_nonnull(fs);
	fs = strstr(h, "<fieldset class=\"q q-text\" id=\"q-why_blue\"");
	ck_assert_ptr_nonnull(fs);
	ck_assert(attr(fs, "data-show-if", v, sizeof v)); ck_assert_str_eq(v, "colour");
	ck_assert(attr(fs, "data-show-values", v, sizeof v)); ck_assert_str_eq(v, "blue");
	ck_assert_ptr_nonnull(strstr(h, "<p class=\"cond\" id=\"q-why_blue-if\">Answer this only if you chose "
	                                "<q>Blue</q> in question <a href=\"#q-colour\">1</a>.</p>"));
	ck_assert(tag_by_id(h, "q-if_object", tag, sizeof tag));
	ck_assert(attr(tag, "data-show-values", v, sizeof v));
	ck_assert_str_eq(v, "object abstain");
	ck_assert_ptr_nonnull(strstr(h, "you chose <q>Object</q> or <q>Abstain</q> in question"));
	free(h);
}
END_TEST

START_TEST(test_pages_hostile_text_is_only_ever_escaped)
{
	cJSON *a = cJSON_CreateObject();
	struct snd_diag errs;
	struct snd_buf b;
	struct page_req r = { form, 0, "\"><script>x</script>", EVIL, EVIL, 1800000000, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
	char *h;
	cJSON_AddStringToObject(a, "comments", EVIL);
	cJSON_AddStringToObject(a, "why_blue", EVIL);
	cJSON *pos = cJSON_AddObjectToObject(a, "proposal");
	cJSON_AddStringToObject(pos, "position", "object");
	cJSON_AddStringToObject(pos, "reason", EVIL);
	cJSON_AddStringToObject(a, "colour", EVIL);
	snd_diag_init(&errs);
	snd_diag_add(&errs, "comments", "%s", EVIL);
	snd_buf_init(&b, 0);
	page_form(&b, &r, a, &errs, 1);
	page_receipt(&b, &r, 1, EVIL, EVIL, EVIL, a, 0);
	page_message(&b, form, 0, 400, EVIL, EVIL);
	page_message(&b, NULL, 3, 401, EVIL, EVIL);
	h = b.data;
	ck_assert_ptr_null(strstr(h, "<script>"));
	ck_assert_ptr_null(strstr(h, "<img"));
	ck_assert_ptr_null(strstr(h, "\"><img"));
	ck_assert_ptr_null(strstr(h, "\"><script"));
	ck_assert_ptr_null(strstr(h, RLO));
	/* displayed (receipt, error, message): a visible inert marker */
	ck_assert_ptr_nonnull(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; [U+202E]gpj.exe"));
	/* being edited (textarea): a character reference, so saving again keeps it */
	ck_assert_ptr_nonnull(strstr(h, ">\n&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; &#x202E;gpj.exe</textarea>"));
	ck_assert_uint_eq(count(h, "<script src=\"/static/sounding.js\" defer></script>"), 4);
	ck_assert_uint_eq(count(h, "<script"), 4);
	/* no handler or style in any tag (escaped text has no tags) */
	{
		const char *p;
		for (p = h; (p = strstr(p, "<!doctype")) != NULL; p++) {
			const char *e = strstr(p, "</html>");
			char *one = strndup(p, (size_t)(e - p) + 7);
			assert_no_inline_code(one);
			free(one);
		}
	}
	snd_buf_free(&b);
	cJSON_Delete(a);
	snd_diag_free(&errs);
}
END_TEST

/* The form page reuses each unanswered question's markup (rendered once
 * per form and language): the bytes must be exactly those of rendering
 * every question, whatever is answered, wrong or in which language; and a
 * form parsed again from other text must not get the first one's markup. */
START_TEST(test_pages_form_reuses_unanswered_questions_byte_for_byte)
{
	const char *sets[] = {
		NULL,
		"{}",
		"{\"colour\":\"blue\",\"why_blue\":\"sea <b>\"}",
		"{\"clear\":null,\"per_sg\":{\"sg2\":2},\"order\":[\"beta\"],"
		"\"proposal\":{\"position\":\"object\",\"reason\":\"<script>x</script> \\\"> " RLO "\"},"
		"\"how_many\":3}",
		"{\"tools\":\"not a list\",\"ratio\":\"x\",\"comments\":7}",
	};
	static const char other_json[] =
		"{\"id\":\"t-form\",\"languages\":[\"en\"],\"title\":\"T\",\"sections\":[{\"id\":\"s\","
		"\"title\":\"S\",\"questions\":[{\"id\":\"colour\",\"type\":\"text\","
		"\"text\":\"Another question\"}]}]}";
	struct snd_diag errs;
	struct snd_form *other = NULL;
	struct snd_diag d;
	size_t i;
	int lang, e;
	snd_diag_init(&errs);
	snd_diag_add(&errs, "colour", "this question is required");
	snd_diag_add(&errs, "how_many", "enter a whole number");
	for (lang = 0; lang < 3; lang++)
		for (i = 0; i < sizeof sets / sizeof sets[0]; i++)
			for (e = 0; e < 2; e++) {
				cJSON *a = sets[i] ? json(sets[i]) : NULL;
				char *cached, *fresh;
				cached = render_form(lang, a, e ? &errs : NULL, 0);
				qcache_disabled = 1;
				fresh = render_form(lang, a, e ? &errs : NULL, 0);
				qcache_disabled = 0;
				ck_assert_msg(strcmp(cached, fresh) == 0, "lang %d, answers %zu, errors %d", lang,
				              i, e);
				free(cached);
				free(fresh);
				cJSON_Delete(a);
			}
	ck_assert_ptr_nonnull(qcache_find(form, 0));
	ck_assert_ptr_nonnull(qcache_find(form, 2));
	/* the same id, other text: its own markup */
	snd_diag_init(&d);
	ck_assert_int_eq(snd_form_parse(other_json, strlen(other_json), "other", &other, &d), SND_OK);
	{
		struct snd_buf b;
		struct page_req r = { other, 0, "c", NULL, NULL, 1800000000, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
		snd_buf_init(&b, 0);
		page_form(&b, &r, NULL, NULL, 0);
		ck_assert_ptr_nonnull(strstr(b.data, "Another question"));
		ck_assert_ptr_null(strstr(b.data, "Colour?"));
		snd_buf_free(&b);
	}
	snd_form_free(other);
	snd_diag_free(&d);
	snd_diag_free(&errs);
}
END_TEST

START_TEST(test_pages_receipt_shows_answers_token_and_how_to_verify)
{
	cJSON *a = json("{\"colour\":\"blue\",\"tools\":[\"email\"],\"clear\":5,\"per_sg\":{\"sg2\":null},"
	                "\"order\":[\"beta\",\"alpha\"],\"proposal\":{\"position\":\"live_with\",\"reason\":\"ok\"},"
	                "\"how_many\":3,\"comments\":\"Line\\nnext\"}");
	struct page_req r = { form, 0, "c", "del-7", "Ruritania", 1800000000, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
	struct snd_buf b;
	const char *h;
	snd_buf_init(&b, 0);
	page_receipt(&b, &r, 3, "ab12cd", "00112233445566778899aabbccddeeff", "v4.public.TOKEN", a,
	             1769420103000LL);
	h = b.data;
	/* the salt, so the delegate can recompute the hash, and how */
	ck_assert_ptr_nonnull(strstr(h, "<dt>Salt</dt><dd><code class=\"hash\">"
	                                "00112233445566778899aabbccddeeff</code>"));
	ck_assert_ptr_nonnull(strstr(h, "To check the hash: SHA-256 of the salt's 16 bytes"));
	ck_assert(strncmp(h, "<!doctype html>\n<html lang=\"en\" dir=\"ltr\">", 41) == 0);
	ck_assert_ptr_nonnull(strstr(h, "<h1>Your answers are recorded</h1>"));
	ck_assert_ptr_nonnull(strstr(h, "Revision 3, recorded on 2026-01-26 09:35:03 (UTC)."));
	ck_assert_ptr_nonnull(strstr(h, "<code class=\"hash\">ab12cd</code>"));
	ck_assert_ptr_nonnull(strstr(h, "<label for=\"receipt-token\" class=\"block\">Receipt token</label>"));
	ck_assert_ptr_nonnull(strstr(h, "readonly rows=\"4\""));
	ck_assert_ptr_nonnull(strstr(h, ">v4.public.TOKEN</textarea>"));
	ck_assert_ptr_nonnull(strstr(h, "collector token verify --pub receipt.public v4.public.TOKEN"));
	ck_assert_ptr_nonnull(strstr(h, "RFC 8785"));
	ck_assert_ptr_nonnull(strstr(h, "href=\"/q/t-form?lang=en\">Change your answers</a>"));
	/* answers in words, with labels */
	ck_assert_ptr_nonnull(strstr(h, "Colour?</dt>\n<dd>Blue</dd>"));
	ck_assert_ptr_nonnull(strstr(h, "<dd><ul><li>email</li></ul></dd>"));
	ck_assert_ptr_nonnull(strstr(h, "<span class=\"pt\">5</span> <span class=\"pt-label\">Completely</span>"));
	ck_assert_ptr_nonnull(strstr(h, "<li>SG2: No view</li>"));
	ck_assert_ptr_nonnull(strstr(h, "<ol><li>beta</li><li>alpha</li></ol>"));
	ck_assert_ptr_nonnull(strstr(h, "<strong>Can live with</strong><br><span class=\"label\">Reason:</span> "
	                                "<span class=\"free\" dir=\"auto\">ok</span>"));
	ck_assert_ptr_nonnull(strstr(h, "<span class=\"free\" dir=\"auto\">Line\nnext</span>"));
	ck_assert_ptr_null(strstr(h, "Why blue?")); /* unanswered questions are left out */
	assert_no_inline_code(h);
	snd_buf_free(&b);
	cJSON_Delete(a);
}
END_TEST

START_TEST(test_pages_message_page_without_a_form_uses_the_un_languages)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	/* a wording the table does not hold: English pages keep it ... */
	page_message(&b, NULL, 0, 401, "Bad link", "This link is odd.\nAsk the secretariat.");
	ck_assert(strncmp(b.data, "<!doctype html>\n<html lang=\"en\" dir=\"ltr\">", 41) == 0);
	ck_assert_ptr_nonnull(strstr(b.data, "<h1>This link does not work</h1>"));
	ck_assert_ptr_nonnull(strstr(b.data, "This link is odd.<br>Ask the secretariat."));
	snd_buf_reset(&b);
	/* ... any other page gives the status's own words instead */
	page_message(&b, NULL, 3, 401, "Bad link", "This link is odd.\nAsk the secretariat.");
	ck_assert(strncmp(b.data, "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">", 41) == 0);
	ck_assert_ptr_nonnull(strstr(b.data, tr(UN_AR, M_T_401)));
	ck_assert_ptr_nonnull(strstr(b.data, tr(UN_AR, M_X_LINK_MALFORMED)));
	ck_assert_ptr_null(strstr(b.data, "odd"));
	ck_assert_ptr_nonnull(strstr(b.data, "HTTP 401"));
	assert_no_inline_code(b.data);
	snd_buf_reset(&b);
	/* a handler's wording in the table is shown translated */
	page_message(&b, NULL, 1, 401, NULL, msgs[M_X_LINK_EXPIRED][UN_EN]);
	ck_assert_ptr_nonnull(strstr(b.data, tr(UN_FR, M_X_LINK_EXPIRED)));
	snd_buf_reset(&b);
	page_message(&b, NULL, 99, 404, "Not found", NULL);
	ck_assert(strncmp(b.data, "<!doctype html>\n<html lang=\"en\" dir=\"ltr\">", 41) == 0);
	snd_buf_reset(&b);
	page_message(&b, form, 2, 409, "Ferm\xc3\xa9", "Trop tard.");
	ck_assert(strncmp(b.data, "<!doctype html>\n<html lang=\"fr\" dir=\"ltr\">", 41) == 0);
	snd_buf_free(&b);
}
END_TEST

/* A form in the six languages, for the pages-in-every-language test. */
static const char six_json[] =
	"{\"id\":\"six\",\"languages\":[\"en\",\"fr\",\"es\",\"ar\",\"zh\",\"ru\"],"
	"\"title\":{\"en\":\"T-en\",\"fr\":\"T-fr\",\"es\":\"T-es\",\"ar\":\"T-ar\",\"zh\":\"T-zh\","
	"\"ru\":\"T-ru\"},\"sections\":[{\"id\":\"s\",\"title\":\"S\",\"questions\":["
	"{\"id\":\"p\",\"type\":\"position\",\"required\":true,\"text\":\"P\"},"
	"{\"id\":\"n\",\"type\":\"number\",\"min\":0,\"max\":9,\"integer\":true,\"text\":\"N\"},"
	"{\"id\":\"c\",\"type\":\"text\",\"max_length\":40,\"text\":\"C\"}]}]}";

/* No English message text in a page of language un: every message whose
 * English differs from its un text, cut at its placeholders, must not
 * appear (pieces of 10 bytes or more: shorter ones are common words). */
static void assert_no_english(const char *page, int un, const char *what)
{
	int m;
	for (m = 0; m < M__MAX; m++) {
		const char *en = msgs[m][UN_EN], *s = en;
		if (strcmp(en, tr(un, (enum msg)m)) == 0)
			continue;
		while (*s) {
			const char *hole = strstr(s, "{");
			size_t n = hole ? (size_t)(hole - s) : strlen(s);
			if (n >= 10) {
				char piece[512];
				snprintf(piece, sizeof piece, "%.*s", (int)(n < 500 ? n : 500), s);
				ck_assert_msg(strstr(page, piece) == NULL, "%s in %s: English \"%s\"", what,
				              un_codes[un], piece);
			}
			s += n;
			if (*s)
				s += hole[1] && hole[2] ? 3 : 1;
		}
	}
}

START_TEST(test_pages_every_delegate_page_in_every_language)
{
	static const int statuses[] = {400, 401, 403, 404, 405, 409, 413, 422, 429, 503, 500};
	struct snd_form *six = NULL;
	struct snd_diag d, errs;
	struct snd_buf b;
	cJSON *a = json("{\"p\":{\"position\":\"object\"},\"n\":3}");
	size_t i;
	int lang, m;

	snd_diag_init(&d);
	ck_assert_int_eq(snd_form_parse(six_json, sizeof six_json - 1, "six", &six, &d), SND_OK);
	snd_diag_free(&d);
	snd_diag_init(&errs);
	snd_diag_add(&errs, "n", "enter a whole number");
	snd_buf_init(&b, 0);
	for (lang = 0; lang < UN__MAX; lang++) {
		struct page_req r = { six, lang, "c", "del-7", "Ruritania", 1800000000, 0,
		                      {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
		char want[64];
		snprintf(want, sizeof want, "<html lang=\"%s\" dir=\"%s\">", un_codes[lang],
		         lang == UN_AR ? "rtl" : "ltr");
#define CHECK(what)                                                                    \
		do {                                                                           \
			ck_assert(!b.failed);                                                      \
			ck_assert_msg(strstr(b.data, want) != NULL, "%s: %s", what, want);         \
			if (lang != UN_EN)                                                         \
				assert_no_english(b.data, lang, what);                                 \
			snd_buf_reset(&b);                                                         \
		} while (0)
		page_form(&b, &r, NULL, NULL, 0);
		ck_assert_ptr_nonnull(strstr(b.data, tr(lang, M_SAVE_DRAFT)));
		CHECK("form");
		r.draft_saved_at = 1790000000; /* the draft-saved page: 303 back to the form */
		page_form(&b, &r, a, NULL, 2);
		ck_assert_ptr_nonnull(strstr(b.data, "class=\"notice draft unsent\""));
		CHECK("draft saved");
		r.draft_saved_at = 0;
		r.draft_post = 1;
		page_form(&b, &r, a, &errs, 0);
		ck_assert_ptr_nonnull(strstr(b.data, tr(lang, M_DRAFT_NOT_SAVED)));
		CHECK("draft 422");
		r.draft_post = 0;
		page_form(&b, &r, a, &errs, 0);
		CHECK("form 422");
		page_receipt(&b, &r, 3, "ab12", "00112233445566778899aabbccddeeff", "v4.public.x", a,
		             1790000000000LL);
		CHECK("receipt");
		page_reload(&b, six, lang);
		CHECK("reload");
		for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
			enum msg t, x;
			page_status_msgs(statuses[i], &t, &x);
			page_notice(&b, six, lang, statuses[i], t, &x, 1, 0);
			CHECK("status page");
			page_notice(&b, NULL, lang, statuses[i], t, &x, 1, 0); /* the fixed ones */
			CHECK("fixed status page");
			/* what the handlers pass: any wording, translated or replaced */
			page_message(&b, six, lang, statuses[i], "Some English title",
			             "Something only the API would say.");
			ck_assert(lang == UN_EN || strstr(b.data, "API would") == NULL);
			CHECK("unknown wording");
		}
		for (m = M_T_400; m <= M_X_CROSS_ORIGIN; m++) {
			if (m > M_CONTINUE && m < M_X_SWITCH_CSRF)
				continue; /* the drafts' words are not error texts */
			page_message(&b, six, lang, 400, NULL, msgs[m][UN_EN]);
			ck_assert_ptr_nonnull(strstr(b.data, tr(lang, (enum msg)m)));
			CHECK("handler wording");
		}
		{ /* the 409s, with their times */
			static const enum msg closed[] = {M_CLOSED_ON, M_X_KEPT};
			static const enum msg notyet[] = {M_X_NOT_YET, M_OPENS_ON};
			page_notice(&b, six, lang, 409, M_T_409, closed, 2, 1790000000);
			ck_assert_ptr_nonnull(strstr(b.data, "2026-09-21 14:13"));
			CHECK("409 closed");
			page_notice(&b, six, lang, 409, M_T_409, notyet, 2, 1790000000);
			CHECK("409 not yet");
		}
#undef CHECK
	}
	snd_buf_free(&b);
	snd_diag_free(&errs);
	cJSON_Delete(a);
	snd_form_free(six);
}
END_TEST

START_TEST(test_pages_form_shows_a_newer_draft_and_what_counts)
{
	struct snd_buf b;
	struct page_req r = { form, 0, "c", "del-7", NULL, 1800000000, 0, {0, 0, 0, 0, 0, 0},
	                      NULL, 1790000000, 0 };
	cJSON *a = json("{\"colour\":\"blue\"}");
	snd_buf_init(&b, 0);
	page_form(&b, &r, a, NULL, 4);
	ck_assert_ptr_nonnull(strstr(b.data, "Draft saved on 2026-09-21 14:13 (UTC)"));
	ck_assert_ptr_nonnull(strstr(b.data, "revision 4"));
	ck_assert_ptr_null(strstr(b.data, "Your answers are saved"));
	ck_assert_ptr_nonnull(strstr(b.data, "name=\"_draft\" value=\"1\""));
	snd_buf_reset(&b);
	r.draft_saved_at = 0;
	page_form(&b, &r, a, NULL, 4);
	ck_assert_ptr_null(strstr(b.data, "Draft saved"));
	ck_assert_ptr_nonnull(strstr(b.data, "Your answers are saved (revision 4)"));
	snd_buf_free(&b);
	cJSON_Delete(a);
}
END_TEST

static const char summary_json[] =
	"{\"questionnaire\":\"t-form\",\"weight\":\"delegate\",\"responses\":5,\"questions\":["
	"{\"id\":\"colour\",\"type\":\"single\",\"answered\":5,\"options\":[{\"id\":\"red\",\"count\":2,\"share\":0.4},"
	"{\"id\":\"blue\",\"count\":3,\"share\":0.6}],\"leader\":\"blue\"},"
	"{\"id\":\"proposal\",\"type\":\"position\",\"answered\":5,\"support\":2,\"live_with\":1,\"object\":2,"
	"\"abstain\":0,\"consensus\":false,\"objections\":[{\"entity\":\"X&Y <Admin>\",\"reason\":\""
	"<script>alert(1)</script>\"},{\"entity\":\"Z\",\"reason\":\"Too soon\"}]},"
	"{\"id\":\"proposal2\",\"type\":\"position\",\"answered\":4,\"support\":3,\"live_with\":1,\"object\":0,"
	"\"abstain\":0,\"consensus\":true,\"objections\":[]},"
	"{\"id\":\"how_many\",\"type\":\"number\",\"answered\":3,\"min\":1,\"max\":9,\"mean\":4,\"median\":3}],"
	"\"groups\":{\"SG13\":{\"responses\":2,\"questions\":[{\"id\":\"proposal\",\"type\":\"position\","
	"\"answered\":2,\"support\":2,\"live_with\":0,\"object\":0,\"abstain\":0,\"consensus\":true,\"objections\":[]}]},"
	"\"<SG&17>\":{\"responses\":3,\"questions\":[]}}}";

static const char turnout_json[] =
	"{\"delegates\":12,\"entities\":7,\"by\":{\"category\":{\"Member State\":{\"delegates\":9,\"entities\":5},"
	"\"Sector Member\":{\"delegates\":3,\"entities\":2}},\"sg\":{\"SG13\":{\"delegates\":4,\"entities\":3}},"
	"\"region\":{\"<EUR>\":{\"delegates\":12,\"entities\":7}}}}";

/* page_chair for one snapshot "tallied" at r->now, lists capped as the
 * collector caps them. */
static void chair(struct snd_buf *b, const struct page_req *r, const cJSON *s, const cJSON *t,
                  const char *by, enum snd_weight weight, int refresh_s)
{
	struct chair_view v = { s, t, by, weight, refresh_s, r->now, PAGE_CHAIR_LIST_MAX, NULL, NULL };
	page_chair(b, r, &v);
}

START_TEST(test_pages_chair_dashboard)
{
	cJSON *s = json(summary_json), *t = json(turnout_json);
	struct page_req r = { form, 0, NULL, "chair", NULL, 1800000000, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
	struct snd_buf b;
	const char *h, *p2, *p1;
	snd_buf_init(&b, 0);
	chair(&b, &r, s, t, "sg", SND_WEIGHT_ENTITY, 7);
	h = b.data;
	ck_assert(!b.failed);
	ck_assert_ptr_nonnull(strstr(h, "<meta http-equiv=\"refresh\" content=\"7\">"));
	ck_assert_ptr_nonnull(strstr(h, "data-refresh=\"7\""));
	ck_assert_ptr_nonnull(strstr(h, "<body class=\"page-chair projector\""));
	ck_assert_ptr_nonnull(strstr(h, "Updated 2027-01-15 08:00:00 UTC. <span class=\"refresh-note\">Refreshes every 7 s.</span>"));
	/* turnout */
	ck_assert_ptr_nonnull(strstr(h, "<span class=\"stat-n\">12</span> <span class=\"stat-l\">Delegates</span>"));
	ck_assert_ptr_nonnull(strstr(h, "<th scope=\"row\">Member State</th><td>9</td><td>5</td>"));
	ck_assert_ptr_nonnull(strstr(h, "<th scope=\"row\">&lt;EUR&gt;</th>"));
	/* proposals: the one without objections first */
	p2 = strstr(h, "<tr><th scope=\"row\">Meet twice a year.</th>");
	p1 = strstr(h, "<tr><th scope=\"row\">Meet on time.</th>");
	ck_assert(p2 != NULL && p1 != NULL && p2 < p1);
	ck_assert_ptr_nonnull(strstr(p2, "<td>75%</td><td class=\"cons-yes\">Yes</td>"));
	ck_assert_ptr_nonnull(strstr(p1, "<td>40%</td><td class=\"cons-no\">No</td>"));
	/* objections escaped, with entity */
	ck_assert_ptr_nonnull(strstr(h, "<bdi class=\"ent\">X&amp;Y &lt;Admin&gt;</bdi>: <bdi class=\"free\" dir=\"auto\">"
	                                "&lt;script&gt;alert(1)&lt;/script&gt;</bdi>"));
	ck_assert_ptr_nonnull(strstr(h, "<bdi class=\"ent\">Z</bdi>: <bdi class=\"free\" dir=\"auto\">Too soon</bdi>"));
	/* two objections: under the cap, so no "shown" note */
	ck_assert_ptr_null(strstr(h, "Shown:"));
	/* the report's sections for every question */
	ck_assert_uint_ge(count(h, "<section class=\"snd-q "), 4);
	/* controls keep the view; downloads carry it */
	ck_assert_ptr_nonnull(strstr(h, "<option value=\"sg\" selected>Study group</option>"));
	ck_assert_ptr_nonnull(strstr(h, "<option value=\"entity\" selected>One voice per administration</option>"));
	ck_assert_ptr_nonnull(strstr(h, "href=\"/api/v1/questionnaires/t-form/summary?by=sg&amp;weight=entity\""));
	ck_assert_ptr_nonnull(strstr(h, "href=\"/api/v1/questionnaires/t-form/summary?format=csv&amp;by=sg&amp;weight=entity\""));
	ck_assert_ptr_nonnull(strstr(h, "href=\"?lang=ar&amp;by=sg&amp;weight=entity\""));
	/* groups */
	ck_assert_ptr_nonnull(strstr(h, "<h2 id=\"groups-h\">Breakdown by Study group</h2>"));
	ck_assert_ptr_nonnull(strstr(h, "<span class=\"gname\">&lt;SG&amp;17&gt;</span>"));
	ck_assert_ptr_null(strstr(h, "<script>"));
	ck_assert_ptr_null(strstr(h, "<SG"));
	assert_no_inline_code(h);

	/* a hostile ?by= is escaped everywhere it appears */
	snd_buf_reset(&b);
	chair(&b, &r, s, NULL, "\"><b>x", SND_WEIGHT_DELEGATE, 0);
	h = b.data;
	ck_assert_ptr_null(strstr(h, "<b>x"));
	ck_assert_ptr_null(strstr(h, "http-equiv=\"refresh\""));
	ck_assert_ptr_nonnull(strstr(h, "<option value=\"&quot;&gt;&lt;b&gt;x\" selected>"));
	ck_assert_ptr_nonnull(strstr(h, "summary?by=%22%3E%3Cb%3Ex\""));
	assert_no_inline_code(h);

	/* Arabic chrome on the dashboard too */
	snd_buf_reset(&b);
	r.lang = 1;
	chair(&b, &r, s, t, NULL, SND_WEIGHT_DELEGATE, 5);
	ck_assert(strncmp(b.data, "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">", 41) == 0);
	ck_assert_ptr_nonnull(strstr(b.data, msgs[M_CONS_HEAD][UN_AR]));
	snd_buf_free(&b);
	cJSON_Delete(s);
	cJSON_Delete(t);
}
END_TEST

START_TEST(test_pages_chair_with_empty_summary_does_not_crash)
{
	cJSON *s = json("{\"questionnaire\":\"t-form\",\"responses\":0,\"questions\":[]}");
	struct page_req r = { form, 0, NULL, NULL, NULL, 0, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
	struct snd_buf b;
	snd_buf_init(&b, 0);
	chair(&b, &r, s, NULL, NULL, SND_WEIGHT_DELEGATE, 10);
	ck_assert_ptr_nonnull(strstr(b.data, "No responses yet."));
	ck_assert_ptr_nonnull(strstr(b.data, "This questionnaire has no proposals."));
	snd_buf_reset(&b);
	chair(&b, &r, NULL, NULL, NULL, SND_WEIGHT_DELEGATE, 10);
	ck_assert(!b.failed);
	snd_buf_free(&b);
	cJSON_Delete(s);
}
END_TEST

/* A summary whose proposal has n objections and whose comments question
 * has n comments, each hostile, one group "<G&1>" with the same lists. */
static cJSON *long_lists(int n)
{
	cJSON *s = cJSON_CreateObject(), *qs = cJSON_AddArrayToObject(s, "questions");
	cJSON *g, *gq, *prop, *com, *objs, *cms;
	int i, k;
	cJSON_AddStringToObject(s, "questionnaire", "t-form");
	cJSON_AddNumberToObject(s, "responses", n);
	g = cJSON_AddObjectToObject(cJSON_AddObjectToObject(s, "groups"), "<G&1>");
	cJSON_AddNumberToObject(g, "responses", n);
	gq = cJSON_AddArrayToObject(g, "questions");
	for (k = 0; k < 2; k++) {
		cJSON *arr = k ? gq : qs;
		prop = cJSON_CreateObject();
		cJSON_AddStringToObject(prop, "id", "proposal");
		cJSON_AddStringToObject(prop, "type", "position");
		cJSON_AddNumberToObject(prop, "answered", n);
		cJSON_AddNumberToObject(prop, "support", 0);
		cJSON_AddNumberToObject(prop, "live_with", 0);
		cJSON_AddNumberToObject(prop, "object", n);
		cJSON_AddNumberToObject(prop, "abstain", 0);
		cJSON_AddFalseToObject(prop, "consensus");
		objs = cJSON_AddArrayToObject(prop, "objections");
		com = cJSON_CreateObject();
		cJSON_AddStringToObject(com, "id", "comments");
		cJSON_AddStringToObject(com, "type", "text");
		cJSON_AddNumberToObject(com, "answered", n);
		cms = cJSON_AddArrayToObject(com, "comments");
		for (i = 0; i < n; i++) {
			char ent[32], text[160];
			cJSON *o = cJSON_CreateObject(), *c = cJSON_CreateObject();
			snprintf(ent, sizeof ent, "E%03d <&>", i);
			/* Arabic text with a hostile tail */
			snprintf(text, sizeof text, "\xd9\x84\xd8\xa7 %03d <script>x</script> \"q\" " RLO "r", i);
			cJSON_AddStringToObject(o, "entity", ent);
			cJSON_AddStringToObject(o, "reason", text);
			cJSON_AddItemToArray(objs, o);
			cJSON_AddStringToObject(c, "entity", ent);
			cJSON_AddStringToObject(c, "text", text);
			cJSON_AddItemToArray(cms, c);
		}
		cJSON_AddItemToArray(arr, prop);
		cJSON_AddItemToArray(arr, com);
	}
	return s;
}

START_TEST(test_pages_chair_caps_long_lists_and_links_to_the_full_list)
{
	cJSON *s = long_lists(450);
	struct page_req r = { form, 0, NULL, NULL, NULL, 1800000000, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
	struct chair_view v = { s, NULL, "sg", SND_WEIGHT_ENTITY, 10, 1800000000, PAGE_CHAIR_LIST_MAX, NULL, NULL };
	struct snd_buf b;
	const char *h, *obj, *all;
	size_t small;

	snd_buf_init(&b, 0);
	page_chair(&b, &r, &v);
	ck_assert(!b.failed);
	h = b.data;
	/* the proposals' objection block: 20 items, the count and the link */
	obj = strstr(h, "<div class=\"objection-block\">");
	all = strstr(h, "<section class=\"all-questions\"");
	ck_assert(obj != NULL && all != NULL && obj < all);
	ck_assert_ptr_nonnull(strstr(obj, "<bdi class=\"ent\">E019 &lt;&amp;&gt;</bdi>"));
	ck_assert_ptr_null(strstr(h, "E020 &lt;"));
	ck_assert_ptr_nonnull(strstr(obj, "<p class=\"more\">Shown: 20 of 450, in alphabetical order of "
	                                  "entity. <a href=\"?list=proposal&amp;lang=en&amp;by=sg&amp;"
	                                  "weight=entity\">See all (450)</a></p>"));
	/* the report's lists: capped the same way, each with its own link */
	ck_assert_ptr_nonnull(strstr(all, "Shown: 20 of 450, in alphabetical order of entity. "
	                                  "<a href=\"?list=comments&amp;lang=en&amp;by=sg&amp;"
	                                  "weight=entity\">See all (450)</a>"));
	ck_assert_ptr_nonnull(strstr(all, "<a href=\"?list=proposal&amp;lang=en&amp;by=sg&amp;"
	                                  "weight=entity&amp;group=%3CG%261%3E\">See all (450)</a>"));
	/* 20 per list: proposals block, report's objections and comments,
	 * the group's objections and comments */
	ck_assert_uint_eq(count(h, "E000 &lt;&amp;&gt;"), 5);
	ck_assert_uint_eq(count(h, "E019 &lt;&amp;&gt;"), 5);
	/* escaped, right-to-left text isolated */
	ck_assert_ptr_null(strstr(h, "<script>"));
	ck_assert_ptr_null(strstr(h, RLO));
	ck_assert_ptr_nonnull(strstr(h, "<bdi>\xd9\x84\xd8\xa7 000 &lt;script&gt;x&lt;/script&gt; "
	                                "&quot;q&quot; [U+202E]r</bdi>"));
	ck_assert_ptr_nonnull(strstr(h, "<bdi class=\"free\" dir=\"auto\">\xd9\x84\xd8\xa7 000"));
	assert_no_inline_code(h);
	small = b.len;
	/* the page does not grow with the lists */
	cJSON_Delete(s);
	s = long_lists(5000);
	v.summary = s;
	snd_buf_reset(&b);
	page_chair(&b, &r, &v);
	ck_assert_uint_le(b.len, small + 200);
	snd_buf_free(&b);
	cJSON_Delete(s);
}
END_TEST

/* ?by=entity may give thousands of groups: the dashboard shows the first
 * PAGE_CHAIR_GROUPS_MAX and says how many there are. */
START_TEST(test_pages_chair_shows_at_most_50_groups)
{
	cJSON *s = json("{\"questionnaire\":\"t-form\",\"responses\":60,\"questions\":[]}");
	cJSON *g = cJSON_AddObjectToObject(s, "groups");
	struct page_req r = { form, 0, NULL, NULL, NULL, 1800000000, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
	struct snd_buf b;
	char name[32];
	int i;
	for (i = 0; i < 60; i++) {
		cJSON *one;
		snprintf(name, sizeof name, "Entity %02d", i);
		one = cJSON_AddObjectToObject(g, name);
		cJSON_AddNumberToObject(one, "responses", 1);
		cJSON_AddArrayToObject(one, "questions");
	}
	snd_buf_init(&b, 0);
	chair(&b, &r, s, NULL, "entity", SND_WEIGHT_DELEGATE, 0);
	ck_assert_uint_eq(count(b.data, "<details class=\"group\""), PAGE_CHAIR_GROUPS_MAX);
	ck_assert_ptr_nonnull(strstr(b.data, "Entity 49<"));
	ck_assert_ptr_null(strstr(b.data, "Entity 50<"));
	ck_assert_ptr_nonnull(strstr(b.data, "<p class=\"more\">Shown: the first 50 of 60 groups. "
	                                     "The downloads hold every group.</p>"));
	/* up to the cap: all of them, no note */
	cJSON_DeleteItemFromObject(s, "groups");
	g = cJSON_AddObjectToObject(s, "groups");
	for (i = 0; i < PAGE_CHAIR_GROUPS_MAX; i++) {
		snprintf(name, sizeof name, "E%02d", i);
		cJSON_AddArrayToObject(cJSON_AddObjectToObject(g, name), "questions");
	}
	snd_buf_reset(&b);
	chair(&b, &r, s, NULL, "entity", SND_WEIGHT_DELEGATE, 0);
	ck_assert_uint_eq(count(b.data, "<details class=\"group\""), PAGE_CHAIR_GROUPS_MAX);
	ck_assert_ptr_null(strstr(b.data, "groups. The downloads"));
	snd_buf_free(&b);
	cJSON_Delete(s);
}
END_TEST

START_TEST(test_pages_chair_full_list_is_paged)
{
	cJSON *s = long_lists(450);
	struct page_req r = { form, 0, NULL, NULL, NULL, 1800000000, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
	struct chair_view v = { s, NULL, "sg", SND_WEIGHT_DELEGATE, 10, 1800000000, PAGE_CHAIR_LIST_MAX, NULL, NULL };
	struct snd_buf b;
	const char *h;

	snd_buf_init(&b, 0);
	ck_assert_int_eq(page_chair_list(&b, &r, &v, "proposal", NULL, 1), 0);
	h = b.data;
	ck_assert_ptr_nonnull(strstr(h, "<title>Objections \xe2\x80\x94 Test &lt;form&gt; &amp; co</title>"));
	ck_assert_ptr_null(strstr(h, "http-equiv=\"refresh\""));
	ck_assert_ptr_nonnull(strstr(h, "<p class=\"back\"><a href=\"?lang=en&amp;by=sg\">Back to the dashboard</a></p>"));
	ck_assert_ptr_nonnull(strstr(h, "Items 1\xe2\x80\x93" "200 of 450, in alphabetical order of entity."));
	ck_assert_ptr_nonnull(strstr(h, "<ol class=\"objections\" start=\"1\">"));
	ck_assert_uint_eq(count(h, "<li><bdi class=\"ent\">"), PAGE_CHAIR_LIST_PAGE);
	ck_assert_ptr_nonnull(strstr(h, "E199 &lt;"));
	ck_assert_ptr_null(strstr(h, "E200 &lt;"));
	ck_assert_ptr_null(strstr(h, "rel=\"prev\""));
	ck_assert_ptr_nonnull(strstr(h, "<a rel=\"next\" href=\"?list=proposal&amp;lang=en&amp;by=sg&amp;page=2\">"));
	ck_assert_ptr_nonnull(strstr(h, "Page 1 of 3"));
	/* the language switcher keeps the list */
	ck_assert_ptr_nonnull(strstr(h, "href=\"?lang=ar&amp;list=proposal&amp;by=sg\""));
	ck_assert_ptr_null(strstr(h, "<script>"));
	assert_no_inline_code(h);

	/* the last page, of one group's comments */
	snd_buf_reset(&b);
	ck_assert_int_eq(page_chair_list(&b, &r, &v, "comments", "<G&1>", 3), 0);
	h = b.data;
	ck_assert_ptr_nonnull(strstr(h, "<ol class=\"comments\" start=\"401\">"));
	ck_assert_uint_eq(count(h, "<li><bdi class=\"ent\">"), 50);
	ck_assert_ptr_nonnull(strstr(h, "E449 &lt;"));
	ck_assert_ptr_nonnull(strstr(h, "<bdi>&lt;G&amp;1&gt;</bdi>"));
	ck_assert_ptr_nonnull(strstr(h, "<a rel=\"prev\" href=\"?list=comments&amp;lang=en&amp;by=sg&amp;group=%3CG%261%3E&amp;page=2\">"));
	ck_assert_ptr_null(strstr(h, "rel=\"next\""));
	ck_assert_ptr_null(strstr(h, "<G&1>"));

	/* nothing such: no question, not a list question, no group, no page */
	snd_buf_free(&b);
	snd_buf_init(&b, 0);
	ck_assert_int_eq(page_chair_list(&b, &r, &v, "nope", NULL, 1), -1);
	ck_assert_int_eq(page_chair_list(&b, &r, &v, "colour", NULL, 1), -1);
	ck_assert_int_eq(page_chair_list(&b, &r, &v, "proposal", "other", 1), -1);
	ck_assert_int_eq(page_chair_list(&b, &r, &v, "proposal", NULL, 4), -1);
	ck_assert_int_eq(page_chair_list(&b, &r, &v, "proposal", NULL, 0), -1);
	ck_assert_uint_eq(b.len, 0);
	/* a question nobody answered: an empty first page */
	ck_assert_int_eq(page_chair_list(&b, &r, &v, "why_blue", NULL, 1), -1); /* not in the summary */
	snd_buf_free(&b);
	cJSON_Delete(s);
}
END_TEST

/* The chrome is appended unescaped (invariant 1 of page_html.c), so it must
 * hold no markup characters; and every language must have every text. */
START_TEST(test_pages_chrome_table_is_complete_and_plain)
{
	int m, l;
	for (m = 0; m < M__MAX; m++)
		for (l = 0; l < UN__MAX; l++) {
			const char *s = msgs[m][l];
			ck_assert_msg(s != NULL && s[0], "message %d missing in %s", m, un_codes[l]);
			ck_assert_msg(strpbrk(s, "<>&\"") == NULL, "message %d/%s has markup", m, un_codes[l]);
			ck_assert(snd_utf8_valid(s, strlen(s), NULL));
			/* the same placeholders in every language */
			ck_assert_msg((strstr(s, "{1}") != NULL) == (strstr(msgs[m][UN_EN], "{1}") != NULL),
			              "message %d/%s placeholders", m, un_codes[l]);
			ck_assert_msg((strstr(s, "{2}") != NULL) == (strstr(msgs[m][UN_EN], "{2}") != NULL),
			              "message %d/%s placeholders", m, un_codes[l]);
		}
	ck_assert_int_eq(un_index("fr-CH"), UN_FR);
	ck_assert_int_eq(un_index("de"), UN_EN);
	ck_assert(is_rtl("ar") && is_rtl("ar-EG") && !is_rtl("ru"));
}
END_TEST

START_TEST(test_pages_static_assets)
{
	size_t n = 0, n2 = 0;
	const char *css = page_css(&n), *js = page_js(&n2);
	ck_assert_ptr_nonnull(css);
	ck_assert_uint_eq(strlen(css), n);
	ck_assert_ptr_eq(css, page_css(NULL)); /* built once */
	ck_assert_ptr_nonnull(strstr(css, ".snd-q"));          /* the report's chart styles */
	ck_assert_ptr_nonnull(strstr(css, "margin-inline"));   /* logical properties for RTL */
	ck_assert_ptr_nonnull(strstr(css, "@media print"));
	ck_assert_ptr_nonnull(strstr(css, ":focus-visible"));
	ck_assert_ptr_nonnull(strstr(css, ".projector"));
	ck_assert_ptr_null(strstr(css, "</style"));
	ck_assert_uint_eq(strlen(js), n2);
	ck_assert_ptr_nonnull(strstr(js, "data-show-if"));
	ck_assert_ptr_null(strstr(js, "eval("));
	ck_assert_ptr_null(strstr(js, "innerHTML"));
	ck_assert(snd_utf8_valid(css, n, NULL) && snd_utf8_valid(js, n2, NULL));
}
END_TEST

/* The secretariat's override (page_req.window) decides the notes on the
 * form and the dashboard, not the form's own opens/closes. */
START_TEST(test_pages_window_notes_follow_the_override)
{
	cJSON *s = json("{\"questionnaire\":\"t-form\",\"responses\":0,\"questions\":[]}");
	struct page_req r = { form, 0, "c", "del-7", "Ruritania", 1800000000, 0, {0, 0, 0, 0, 0, 0}, NULL, 0, 0 };
	struct snd_buf b;

	/* the form page: closes in an hour, by the override */
	r.has_window = 1;
	r.window.has_closes = 1;
	r.window.closes = 1800000000 + 3600;
	r.window.overridden = 1;
	r.window.set_at_ms = 1799990000000LL;
	snd_buf_init(&b, 0);
	page_form(&b, &r, NULL, NULL, 0);
	ck_assert(!b.failed);
	ck_assert_ptr_nonnull(strstr(b.data, "This questionnaire closes on 2027-01-15 09:00 (UTC). <strong>"));
	snd_buf_free(&b);

	/* the dashboard: closed by the override, and says who set it */
	r.window.closes = 1800000000 - 60;
	snd_buf_init(&b, 0);
	chair(&b, &r, s, NULL, NULL, SND_WEIGHT_DELEGATE, 0);
	ck_assert(!b.failed);
	ck_assert_ptr_nonnull(strstr(b.data, "<p class=\"closes window\">This questionnaire closed on "
	                                     "2027-01-15 07:59 (UTC). Times set by the secretariat on "
	                                     "2027-01-15 05:13 (UTC).</p>"));
	snd_buf_free(&b);

	/* scheduled to open, no end */
	r.window.has_opens = 1;
	r.window.opens = 1800000000 + 86400;
	r.window.has_closes = 0;
	snd_buf_init(&b, 0);
	chair(&b, &r, s, NULL, NULL, SND_WEIGHT_DELEGATE, 0);
	ck_assert_ptr_nonnull(strstr(b.data, "This questionnaire opens on 2027-01-16 08:00 (UTC)."));
	snd_buf_free(&b);

	/* no window at all */
	memset(&r.window, 0, sizeof r.window);
	snd_buf_init(&b, 0);
	chair(&b, &r, s, NULL, NULL, SND_WEIGHT_DELEGATE, 0);
	ck_assert_ptr_nonnull(strstr(b.data, "This questionnaire is open; no closing time is set."));
	ck_assert_ptr_null(strstr(b.data, "Times set by the secretariat"));
	snd_buf_free(&b);
	cJSON_Delete(s);
}
END_TEST

static Suite *pages_suite(void)
{
	Suite *s = suite_create("pages");
	TCase *tc = tcase_create("pages");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pages_form_is_a_complete_html5_document);
	tcase_add_test(tc, test_pages_form_uses_the_documented_field_names);
	tcase_add_test(tc, test_pages_every_control_has_a_label_and_ids_are_unique);
	tcase_add_test(tc, test_pages_arabic_is_right_to_left_and_translated);
	tcase_add_test(tc, test_pages_saved_notice_names_the_revision);
	tcase_add_test(tc, test_pages_prefill_marks_the_right_options);
	tcase_add_test(tc, test_pages_posting_the_rendered_form_gives_back_the_answers);
	tcase_add_test(tc, test_pages_errors_are_beside_the_field_and_in_the_summary);
	tcase_add_test(tc, test_pages_known_core_errors_are_translated);
	tcase_add_test(tc, test_pages_show_if_is_marked_in_words_and_data);
	tcase_add_test(tc, test_pages_hostile_text_is_only_ever_escaped);
	tcase_add_test(tc, test_pages_receipt_shows_answers_token_and_how_to_verify);
	tcase_add_test(tc, test_pages_message_page_without_a_form_uses_the_un_languages);
	tcase_add_test(tc, test_pages_chair_dashboard);
	tcase_add_test(tc, test_pages_chair_with_empty_summary_does_not_crash);
	tcase_add_test(tc, test_pages_chrome_table_is_complete_and_plain);
	tcase_add_test(tc, test_pages_static_assets);
	tcase_add_test(tc, test_pages_window_notes_follow_the_override);
	tcase_add_test(tc, test_pages_chair_caps_long_lists_and_links_to_the_full_list);
	tcase_add_test(tc, test_pages_chair_full_list_is_paged);
	tcase_add_test(tc, test_pages_chair_shows_at_most_50_groups);
	tcase_add_test(tc, test_pages_form_reuses_unanswered_questions_byte_for_byte);
	tcase_add_test(tc, test_pages_every_delegate_page_in_every_language);
	tcase_add_test(tc, test_pages_form_shows_a_newer_draft_and_what_counts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pages_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
