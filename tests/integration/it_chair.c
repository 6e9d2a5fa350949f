/* it_chair.c - the chair's pages against a real server: a page is rendered
 * once per snapshot and view and then served as the same bytes with a
 * strong ETag (If-None-Match: 304), to every chair alike; a new answer
 * makes a new page (at once with the tests' --summary-interval 0, and
 * after the interval with one); the dashboard lists at most 20 objections
 * or comments per question, with the count and a link to the paged full
 * list, which has them all, escaped.  The summary API's JSON has its
 * ETag and 304 too.  With an interval, a stale view is recomputed by the
 * tallier thread: the view that finds it stale gets the previous snapshot,
 * a later one the new; stopping while the tallier works exits 0. */
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define API "/api/v1/questionnaires/all-types"
#define CHAIR "/chair/all-types"

static struct h_env E;
static struct h_client *C;

static void up(void)
{
	const char *forms[] = {"all-types.json", "pseudonymous.json", NULL};
	h_up(&E, &C, forms, NULL);
}

static void down(void)
{
	h_down(&E, &C);
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

/* One accepted answer of delegate sub (its own token). */
static void answer(const char *sub, const char *attrs, const char *body)
{
	char *claims = h_claims(&E, "all-types", sub, "delegate", sub, NULL, -60, 86400, attrs);
	char *tok = h_sign(&E, claims);
	struct h_resp r;
	ck_assert_int_eq(h_post_json(C, API "/responses", tok, body, &r), 201);
	h_resp_free(&r);
	free(tok);
	free(claims);
}

/* GET path as chair tok, with If-None-Match inm when not NULL. */
static long chair_get(const char *path, const char *tok, const char *inm, struct h_resp *r)
{
	char auth[1024], cond[256];
	const char *hs[3] = {auth, NULL, NULL};
	int n = snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
	ck_assert(n > 0 && (size_t)n < sizeof auth);
	if (inm) {
		n = snprintf(cond, sizeof cond, "If-None-Match: %s", inm);
		ck_assert(n > 0 && (size_t)n < sizeof cond);
		hs[1] = cond;
	}
	return h_request(C, "GET", path, NULL, NULL, 0, 0, hs, r);
}

START_TEST(test_chair_page_is_the_same_bytes_for_every_view_of_a_snapshot)
{
	char *c1 = h_token(&E, "all-types", "chair-one", "chair");
	char *c2 = h_token(&E, "all-types", "chair-two", "chair");
	struct h_resp a, b, c;
	char *ea, *eb, *ec;
	answer("d1", NULL, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}");
	ck_assert_int_eq(chair_get(CHAIR, c1, NULL, &a), 200);
	ck_assert_int_eq(chair_get(CHAIR, c1, NULL, &b), 200);
	ck_assert_int_eq(chair_get(CHAIR, c2, NULL, &c), 200); /* another chair: the same page */
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(memcmp(a.body, b.body, a.len) == 0);
	ck_assert_uint_eq(a.len, c.len);
	ck_assert(memcmp(a.body, c.body, a.len) == 0);
	ck_assert_ptr_null(strstr(a.body, "chair-one"));
	ck_assert_ptr_null(strstr(a.body, "_csrf"));
	ea = h_header(&a, "ETag");
	eb = h_header(&b, "ETag");
	ec = h_header(&c, "ETag");
	ck_assert_ptr_nonnull(ea);
	ck_assert_msg(ea[0] == '"' && ea[1] == 'v' && ea[strlen(ea) - 1] == '"', "strong tag: %s", ea);
	ck_assert_str_eq(ea, eb);
	ck_assert_str_eq(ea, ec);
	/* still the security headers of every response, and never stored */
	free(eb);
	eb = h_header(&a, "Cache-Control");
	ck_assert_str_eq(eb, "no-store");
	free(ec);
	ec = h_header(&a, "Content-Security-Policy");
	ck_assert_ptr_nonnull(ec);
	free(ea);
	free(eb);
	free(ec);
	h_resp_free(&a);
	h_resp_free(&b);
	h_resp_free(&c);
	free(c1);
	free(c2);
}
END_TEST

START_TEST(test_chair_if_none_match_gets_304_until_the_page_changes)
{
	char *chair = h_token(&E, "all-types", "chair1", "chair");
	struct h_resp a, r;
	char *etag, *e2, weak[200], list[300];
	answer("d1", NULL, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}");
	ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &a), 200);
	etag = h_header(&a, "ETag");
	ck_assert_ptr_nonnull(etag);

	ck_assert_int_eq(chair_get(CHAIR, chair, etag, &r), 304);
	ck_assert_uint_eq(r.len, 0);
	e2 = h_header(&r, "ETag");
	ck_assert_str_eq(e2, etag);
	free(e2);
	h_resp_free(&r);
	snprintf(weak, sizeof weak, "W/%s", etag); /* If-None-Match compares weakly */
	ck_assert_int_eq(chair_get(CHAIR, chair, weak, &r), 304);
	h_resp_free(&r);
	snprintf(list, sizeof list, "\"other\", %s", etag);
	ck_assert_int_eq(chair_get(CHAIR, chair, list, &r), 304);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(CHAIR, chair, "\"v1-00\"", &r), 200);
	ck_assert_uint_eq(r.len, a.len);
	h_resp_free(&r);
	/* another view (language) is another page, with another tag */
	ck_assert_int_eq(chair_get(CHAIR "?lang=fr", chair, etag, &r), 200);
	e2 = h_header(&r, "ETag");
	ck_assert_str_ne(e2, etag);
	free(e2);
	ck_assert_ptr_nonnull(strstr(r.body, "<html lang=\"fr\""));
	h_resp_free(&r);
	/* a new answer: a new page, the old tag no longer matches */
	answer("d2", NULL, "{\"answers\":{\"colour\":\"blue\",\"why_blue\":\"sea\","
	                   "\"proposal\":{\"position\":\"support\"}}}");
	ck_assert_int_eq(chair_get(CHAIR, chair, etag, &r), 200);
	e2 = h_header(&r, "ETag");
	ck_assert_str_ne(e2, etag);
	ck_assert(r.len != a.len || memcmp(r.body, a.body, a.len) != 0);
	ck_assert_ptr_nonnull(strstr(r.body, "Responses: 2"));
	ck_assert_ptr_nonnull(strstr(a.body, "Responses: 1"));
	free(e2);
	h_resp_free(&r);
	/* a delegate gets neither page nor 304 */
	{
		char *del = h_token(&E, "all-types", "d9", "delegate");
		ck_assert_int_eq(chair_get(CHAIR, del, etag, &r), 403);
		h_resp_free(&r);
		free(del);
	}
	free(etag);
	h_resp_free(&a);
	free(chair);
}
END_TEST

/* The summary API (JSON) is shared the same way: one tag per snapshot,
 * 304 while nothing changed, the new summary once something did. */
START_TEST(test_chair_summary_json_has_an_etag_and_304)
{
	char *chair = h_token(&E, "all-types", "chair1", "chair");
	struct h_resp a, r;
	char *etag, *e2;
	cJSON *j;
	answer("d1", NULL, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}");
	ck_assert_int_eq(chair_get(API "/summary", chair, NULL, &a), 200);
	etag = h_header(&a, "ETag");
	ck_assert_ptr_nonnull(etag);
	ck_assert_int_eq(chair_get(API "/summary", chair, NULL, &r), 200);
	ck_assert_uint_eq(r.len, a.len);
	ck_assert(memcmp(r.body, a.body, a.len) == 0);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(API "/summary", chair, etag, &r), 304);
	ck_assert_uint_eq(r.len, 0);
	h_resp_free(&r);
	/* the CSV download is not conditional; another view has another tag */
	ck_assert_int_eq(chair_get(API "/summary?format=csv", chair, etag, &r), 200);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(API "/summary?weight=entity", chair, etag, &r), 200);
	h_resp_free(&r);
	answer("d2", NULL, "{\"answers\":{\"colour\":\"green\",\"proposal\":{\"position\":\"support\"}}}");
	ck_assert_int_eq(chair_get(API "/summary", chair, etag, &r), 200);
	e2 = h_header(&r, "ETag");
	ck_assert_str_ne(e2, etag);
	j = h_json(r.body);
	ck_assert_int_eq((int)cJSON_GetObjectItemCaseSensitive(j, "responses")->valuedouble, 2);
	cJSON_Delete(j);
	free(e2);
	h_resp_free(&r);
	free(etag);
	h_resp_free(&a);
	free(chair);
}
END_TEST

/* With a recompute interval, a new answer shows once the interval (at
 * least 10x the last tally's cost) has passed: polled with a deadline,
 * never timed. */
START_TEST(test_chair_page_follows_a_new_answer_after_the_interval)
{
	const char *forms[] = {"all-types.json", NULL};
	const char *extra[] = {"--summary-interval", "200", NULL};
	char *chair, *etag, *e2 = NULL;
	struct h_resp r;
	int i, changed = 0;
	h_client_free(C);
	ck_assert_int_eq(h_stop(&E), 0);
	h_start(&E, forms, extra);
	C = h_client_new(&E);
	chair = h_token(&E, "all-types", "chair1", "chair");
	answer("d1", NULL, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}");
	ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200);
	etag = h_header(&r, "ETag");
	ck_assert_ptr_nonnull(strstr(r.body, "Responses: 1"));
	h_resp_free(&r);
	answer("d2", NULL, "{\"answers\":{\"colour\":\"green\",\"proposal\":{\"position\":\"support\"}}}");
	for (i = 0; i < 300 && !changed; i++) { /* up to ~30 s */
		ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200);
		free(e2);
		e2 = h_header(&r, "ETag");
		if (strcmp(e2, etag) != 0) {
			changed = 1;
			ck_assert_ptr_nonnull(strstr(r.body, "Responses: 2"));
		} else {
			ck_assert_ptr_nonnull(strstr(r.body, "Responses: 1")); /* the same snapshot */
			usleep(100000);
		}
		h_resp_free(&r);
	}
	ck_assert_msg(changed, "the page never showed the new answer");
	free(e2);
	free(etag);
	free(chair);
}
END_TEST

/* With an interval, the first view after a new answer is answered from the
 * previous snapshot whatever the time (the tallier recomputes it in the
 * background), and a later view shows the answer (polled, never timed); the
 * summary API likewise.  Then a SIGTERM while views are being recomputed:
 * the collector stops cleanly (exit 0; no leak under ASan). */
START_TEST(test_chair_stale_view_is_recomputed_in_the_background)
{
	const char *forms[] = {"all-types.json", NULL};
	const char *extra[] = {"--summary-interval", "1", NULL};
	char *chair;
	char sub[32];
	struct h_resp r;
	int i, seen;
	cJSON *j, *n;
	h_client_free(C);
	ck_assert_int_eq(h_stop(&E), 0);
	h_start(&E, forms, extra);
	C = h_client_new(&E);
	chair = h_token(&E, "all-types", "chair1", "chair");
	answer("d1", NULL, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}");
	ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200); /* the first: computed for it */
	ck_assert_ptr_nonnull(strstr(r.body, "Responses: 1"));
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(API "/summary", chair, NULL, &r), 200);
	j = h_json(r.body);
	ck_assert_int_eq((int)cJSON_GetObjectItem(j, "responses")->valuedouble, 1);
	cJSON_Delete(j);
	h_resp_free(&r);
	usleep(20000); /* past the 1-ms interval (not asserted: the snapshot is stale either way) */

	answer("d2", NULL, "{\"answers\":{\"colour\":\"green\",\"proposal\":{\"position\":\"support\"}}}");
	/* stale: queued for the tallier, answered with the snapshot there is */
	ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Responses: 1"));
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(API "/summary", chair, NULL, &r), 200);
	j = h_json(r.body);
	ck_assert_int_eq((int)cJSON_GetObjectItem(j, "responses")->valuedouble, 1);
	cJSON_Delete(j);
	h_resp_free(&r);
	for (i = 0, seen = 0; i < 300 && seen != 3; i++) { /* up to ~30 s */
		if (!(seen & 1)) {
			ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200);
			if (strstr(r.body, "Responses: 2") != NULL)
				seen |= 1;
			else
				ck_assert_ptr_nonnull(strstr(r.body, "Responses: 1"));
			h_resp_free(&r);
		}
		if (!(seen & 2)) {
			ck_assert_int_eq(chair_get(API "/summary", chair, NULL, &r), 200);
			j = h_json(r.body);
			n = cJSON_GetObjectItem(j, "responses");
			ck_assert_ptr_nonnull(n);
			if ((int)n->valuedouble == 2)
				seen |= 2;
			else
				ck_assert_int_eq((int)n->valuedouble, 1);
			cJSON_Delete(j);
			h_resp_free(&r);
		}
		if (seen != 3)
			usleep(100000);
	}
	ck_assert_msg(seen == 3, "the views never showed the new answer (seen %d)", seen);

	/* more answers, every view stale again, and SIGTERM at once */
	for (i = 0; i < 40; i++) {
		snprintf(sub, sizeof sub, "e%d", i);
		answer(sub, NULL, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":"
		                  "\"object\",\"reason\":\"no\"}}}");
	}
	usleep(20000);
	ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(API "/summary", chair, NULL, &r), 200);
	h_resp_free(&r);
	h_client_free(C);
	C = NULL;
	ck_assert_int_eq(h_stop(&E), 0);
	h_start(&E, forms, extra); /* h_down checks a clean stop too */
	C = h_client_new(&E);
	free(chair);
}
END_TEST

START_TEST(test_chair_dashboard_caps_lists_and_links_to_all_of_them)
{
	char *chair = h_token(&E, "all-types", "chair1", "chair");
	char body[512], sub[32], path[256];
	struct h_resp r;
	const char *p;
	int i;
	/* 25 objections and 25 comments, each hostile, in Arabic */
	for (i = 0; i < 25; i++) {
		snprintf(sub, sizeof sub, "d%02d", i);
		snprintf(body, sizeof body,
		         "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"object\","
		         "\"reason\":\"\\u0644\\u0627 %02d <script>x</script> & \\u202e\"},"
		         "\"comments\":\"\\u0646\\u0639\\u0645 %02d <b>c</b>\"}}", i, i);
		answer(sub, "{\"region\":\"<EUR>\"}", body);
	}
	ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Shown: 20 of 25, in alphabetical order of entity. "
	                                     "<a href=\"?list=proposal&amp;lang=en\">See all (25)</a>"));
	ck_assert_ptr_nonnull(strstr(r.body, "<a href=\"?list=comments&amp;lang=en\">See all (25)</a>"));
	ck_assert_ptr_nonnull(strstr(r.body, "<bdi class=\"ent\">d19</bdi>"));
	ck_assert_ptr_null(strstr(r.body, "d20<"));
	ck_assert_ptr_null(strstr(r.body, "<script>x"));
	ck_assert_ptr_null(strstr(r.body, "<b>c"));
	ck_assert_ptr_null(strstr(r.body, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(r.body, "<bdi>\xd9\x86\xd8\xb9\xd9\x85 00 &lt;b&gt;c&lt;/b&gt;</bdi>"));
	h_resp_free(&r);

	/* the full list: every one of them, escaped, in order */
	ck_assert_int_eq(chair_get(CHAIR "?list=proposal&lang=en", chair, NULL, &r), 200);
	ck_assert_uint_eq(count(r.body, "<li><bdi class=\"ent\">"), 25);
	ck_assert_ptr_nonnull(strstr(r.body, "<bdi class=\"ent\">d24</bdi>: <bdi class=\"free\" dir=\"auto\">"
	                                     "\xd9\x84\xd8\xa7 24 &lt;script&gt;x&lt;/script&gt; &amp; [U+202E]</bdi>"));
	ck_assert_ptr_null(strstr(r.body, "<script>x"));
	ck_assert_ptr_nonnull(strstr(r.body, "Back to the dashboard"));
	h_resp_free(&r);
	/* by a breakdown, one group's list */
	ck_assert_int_eq(chair_get(CHAIR "?by=region", chair, NULL, &r), 200);
	p = strstr(r.body, "<a href=\"?list=comments&amp;lang=en&amp;by=region&amp;group=%3CEUR%3E\">");
	ck_assert_ptr_nonnull(p);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(CHAIR "?list=comments&lang=en&by=region&group=%3CEUR%3E", chair,
	                           NULL, &r), 200);
	ck_assert_uint_eq(count(r.body, "<li><bdi class=\"ent\">"), 25);
	ck_assert_ptr_nonnull(strstr(r.body, "<bdi>&lt;EUR&gt;</bdi>"));
	h_resp_free(&r);

	/* what there is not */
	snprintf(path, sizeof path, "%s", CHAIR "?list=colour");
	ck_assert_int_eq(chair_get(path, chair, NULL, &r), 404); /* not a list */
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(CHAIR "?list=nope", chair, NULL, &r), 404);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(CHAIR "?list=proposal&page=2", chair, NULL, &r), 404);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(CHAIR "?list=proposal&by=region&group=nowhere", chair, NULL, &r), 404);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(CHAIR "?list=proposal&page=x", chair, NULL, &r), 400);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(CHAIR "?list=proposal&page=0", chair, NULL, &r), 400);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(CHAIR "?list=proposal&group=x", chair, NULL, &r), 400); /* no by */
	h_resp_free(&r);
	ck_assert_int_eq(chair_get(CHAIR "?page=2", chair, NULL, &r), 400); /* no list */
	h_resp_free(&r);
	free(chair);
}
END_TEST

/* Many views of many keys: the cache stays bounded and every answer is
 * still the page of its own key. */
START_TEST(test_chair_many_views_stay_correct)
{
	char *chair = h_token(&E, "all-types", "chair1", "chair");
	const char *langs[] = {"en", "fr"};
	char path[128];
	struct h_resp r;
	int i;
	answer("d1", NULL, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"object\","
	                   "\"reason\":\"no\"}}}");
	for (i = 0; i < 60; i++) {
		snprintf(path, sizeof path, CHAIR "?lang=%s&by=a%d%s", langs[i % 2], i % 7,
		         i % 3 ? "" : "&weight=entity");
		ck_assert_int_eq(chair_get(path, chair, NULL, &r), 200);
		ck_assert_ptr_nonnull(strstr(r.body, i % 2 ? "<html lang=\"fr\"" : "<html lang=\"en\""));
		snprintf(path, sizeof path, "<option value=\"a%d\" selected>", i % 7);
		ck_assert_ptr_nonnull(strstr(r.body, path));
		h_resp_free(&r);
	}
	free(chair);
}
END_TEST

/* ------------------------------------------------- turnout against the roll
 * The roll of issue 14 recorded in the serving database (as `collector
 * roll import` would): five delegates; d1-d3 answer, d4 answers with a
 * link revoked since, d5 does not answer. */

static void roll_add(const char *qid, const char *sub, const char *ent, const char *attrs,
                     const char *jti)
{
	struct snd_store *s = NULL;
	struct snd_roll_entry e;
	char err[256];
	int added;
	memset(&e, 0, sizeof e);
	e.qid = qid;
	e.sub = sub;
	e.ent = ent;
	e.attrs = attrs;
	e.role = "delegate";
	e.jti = jti;
	e.expires = 4102444800;
	e.email = "";
	e.lang = "";
	e.issued_at = 1;
	ck_assert_msg(snd_store_open(E.db, SND_STORE_WRITE, &s, err, sizeof err) == SND_OK, "%s", err);
	ck_assert_msg(snd_store_roll_add(s, &e, &added) == SND_OK, "%s", snd_store_errmsg(s));
	snd_store_close(s);
}

static void revoke_jti(const char *jti)
{
	struct snd_store *s = NULL;
	char err[256];
	ck_assert_msg(snd_store_open(E.db, SND_STORE_WRITE, &s, err, sizeof err) == SND_OK, "%s", err);
	ck_assert_int_eq(snd_store_revoke(s, jti, 1), SND_OK);
	snd_store_close(s);
}

/* One accepted answer of delegate sub of qid with link jti. */
static void answer_as(const char *qid, const char *sub, const char *ent, const char *jti,
                      const char *attrs, const char *body)
{
	char *claims = h_claims(&E, qid, sub, "delegate", ent, jti, -60, 86400, attrs);
	char *tok = h_sign(&E, claims);
	char path[128];
	struct h_resp r;
	snprintf(path, sizeof path, "/api/v1/questionnaires/%s/responses", qid);
	ck_assert_int_eq(h_post_json(C, path, tok, body, &r), 201);
	h_resp_free(&r);
	free(tok);
	free(claims);
}

START_TEST(test_chair_turnout_shows_answered_of_invited_and_who_has_not_answered)
{
	static const char *const who[5][3] = {
		{"d1", "ADM-A", "{\"region\":\"EUR\"}"}, {"d2", "ADM-B", "{\"region\":\"AMS\"}"},
		{"d3", "ADM-A", "{\"region\":\"EUR\"}"}, {"d4", "ADM-C", "{\"region\":\"AFR\"}"},
		{"d5", "ADM-D", "{\"region\":\"AMS\"}"},
	};
	const char *body = "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}";
	char *chair = h_token(&E, "all-types", "chair1", "chair");
	char jti[32];
	struct h_resp r;
	int i;
	/* before the roll: no denominator, no list */
	answer_as("all-types", "d1", "ADM-A", "jt-d1", who[0][2], body);
	ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200);
	ck_assert_ptr_null(strstr(r.body, "stat-roll"));
	ck_assert_ptr_null(strstr(r.body, "class=\"missing\""));
	h_resp_free(&r);
	for (i = 0; i < 5; i++) {
		snprintf(jti, sizeof jti, "jt-%s", who[i][0]);
		roll_add("all-types", who[i][0], who[i][1], who[i][2], jti);
	}
	/* the roll alone makes a new version: the page has the denominator */
	ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "<span class=\"stat-n\">1 / 5</span>"));
	h_resp_free(&r);
	answer_as("all-types", "d2", "ADM-B", "jt-d2", who[1][2], body);
	answer_as("all-types", "d3", "ADM-A", "jt-d3", who[2][2], body);
	answer_as("all-types", "d4", "ADM-C", "jt-d4", who[3][2], body);
	revoke_jti("jt-d4");
	ck_assert_int_eq(chair_get(CHAIR, chair, NULL, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "<span class=\"stat-n\">3 / 5</span>"));
	ck_assert_ptr_nonnull(strstr(r.body, "of the invited answered (60.0%)"));
	ck_assert_ptr_nonnull(strstr(r.body, "Revoked links: 1"));
	/* per region: answered / invited and the rate */
	ck_assert_ptr_nonnull(strstr(r.body, "<th scope=\"row\">AMS</th><td>1</td><td>1</td>"
	                                     "<td>1 / 2</td><td>50.0%</td>"));
	ck_assert_ptr_nonnull(strstr(r.body, "<th scope=\"row\">EUR</th><td>2</td><td>1</td>"
	                                     "<td>2 / 2</td><td>100.0%</td>"));
	/* attributed: who has not answered, in a <details> (no script needed);
	 * d4's link was revoked: not listed */
	ck_assert_ptr_nonnull(strstr(r.body, "<details class=\"missing\" id=\"missing\"><summary>"
	                                     "Not answered yet: 1</summary>"));
	ck_assert_ptr_nonnull(strstr(r.body, "<li><bdi>ADM-D</bdi> \xe2\x80\x94 <bdi>d5</bdi></li>"));
	ck_assert_ptr_null(strstr(r.body, "<bdi>d4</bdi>"));
	h_resp_free(&r);
	/* in French */
	ck_assert_int_eq(chair_get(CHAIR "?lang=fr", chair, NULL, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Pas encore répondu : 1"));
	h_resp_free(&r);
	free(chair);
}
END_TEST

START_TEST(test_chair_turnout_of_a_pseudonymous_form_shows_counts_and_no_names)
{
	const char *body = "{\"answers\":{\"proposal\":{\"position\":\"support\"}}}";
	char *chair = h_token(&E, "pseudo-form", "chair1", "chair");
	struct h_resp r;
	roll_add("pseudo-form", "p1", "ADM-P", "{\"region\":\"EUR\"}", "jp-1");
	roll_add("pseudo-form", "p2", "ADM-Q", "{\"region\":\"EUR\"}", "jp-2");
	roll_add("pseudo-form", "p3", "ADM-R", "{\"region\":\"AMS\"}", "jp-3");
	answer_as("pseudo-form", "p1", "ADM-P", "jp-1", "{\"region\":\"EUR\"}", body);
	ck_assert_int_eq(chair_get("/chair/pseudo-form", chair, NULL, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "<span class=\"stat-n\">1 / 3</span>"));
	/* one answer in EUR, none in AMS: fewer than the form's min_group (3) */
	ck_assert_ptr_null(strstr(r.body, "<td>1 / 2</td>"));
	ck_assert_ptr_nonnull(strstr(r.body, "class=\"suppressed\">fewer than 3</td>"));
	ck_assert_ptr_null(strstr(r.body, "class=\"missing\""));
	ck_assert_ptr_null(strstr(r.body, "ADM-Q"));
	ck_assert_ptr_null(strstr(r.body, "ADM-R"));
	ck_assert_ptr_null(strstr(r.body, "<bdi>p2"));
	ck_assert_ptr_null(strstr(r.body, "<bdi>p3"));
	h_resp_free(&r);
	free(chair);
}
END_TEST

/* Issue 13 item 1: on a pseudonymous form only its public_attributes break
 * the results down (400 for any other, in the API and on the chair page,
 * which offers only those), and a group with fewer respondents than
 * min_group (3) shows no figures, only "fewer than 3". */
START_TEST(test_chair_pseudonymous_breakdowns_only_public_and_small_groups_hidden)
{
	static const char *const who[][3] = {
		{"q1", "{\"region\":\"EUR\",\"full_name\":\"Ann Archer\"}", "support"},
		{"q2", "{\"region\":\"EUR\",\"full_name\":\"Bo Baker\"}", "support"},
		{"q3", "{\"region\":\"EUR\",\"full_name\":\"Cy Cole\"}", "live_with"},
		{"q4", "{\"region\":\"AMS\",\"full_name\":\"Zoe Zimmer\"}", "abstain"},
	};
	char *chair = h_token(&E, "pseudo-form", "chair1", "chair");
	struct h_resp r;
	cJSON *sum, *g;
	char body[128], jti[16];
	size_t i;
	for (i = 0; i < 4; i++) {
		snprintf(body, sizeof body, "{\"answers\":{\"proposal\":{\"position\":\"%s\"}}}",
		         who[i][2]);
		snprintf(jti, sizeof jti, "jq-%zu", i);
		answer_as("pseudo-form", who[i][0], "ADM-Q", jti, who[i][1], body);
	}
	/* full_name is not public: 400 everywhere, naming the public ones */
	ck_assert_int_eq(chair_get("/api/v1/questionnaires/pseudo-form/summary?by=full_name", chair,
	                           NULL, &r), 400);
	ck_assert_msg(strstr(r.body, "region, category, sg") != NULL, "%s", r.body);
	ck_assert_ptr_null(strstr(r.body, "Zimmer"));
	h_resp_free(&r);
	ck_assert_int_eq(chair_get("/chair/pseudo-form?by=full_name", chair, NULL, &r), 400);
	ck_assert_ptr_null(strstr(r.body, "Zimmer"));
	h_resp_free(&r);
	ck_assert_int_eq(chair_get("/chair/pseudo-form?list=proposal&by=full_name&group=Zoe%20Zimmer",
	                           chair, NULL, &r), 400);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get("/api/v1/questionnaires/pseudo-form/summary?by=entity", chair,
	                           NULL, &r), 400);
	h_resp_free(&r);
	/* region is: AMS (one answer) shows no figures */
	ck_assert_int_eq(chair_get("/api/v1/questionnaires/pseudo-form/summary?by=region", chair,
	                           NULL, &r), 200);
	sum = cJSON_Parse(r.body);
	ck_assert_ptr_nonnull(sum);
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sum, "groups"), "AMS");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(g, "responses")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "suppressed")));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(g, "questions"));
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sum, "groups"), "EUR");
	ck_assert_int_eq((int)cJSON_GetObjectItemCaseSensitive(g, "responses")->valuedouble, 3);
	cJSON_Delete(sum);
	h_resp_free(&r);
	ck_assert_int_eq(chair_get("/api/v1/questionnaires/pseudo-form/summary?by=region&format=csv",
	                           chair, NULL, &r), 200);
	ck_assert_msg(strstr(r.body, "AMS,,,,responses,fewer than 3\r\n") != NULL, "%s", r.body);
	ck_assert_ptr_null(strstr(r.body, "AMS,proposal"));
	h_resp_free(&r);
	ck_assert_int_eq(chair_get("/chair/pseudo-form?by=region", chair, NULL, &r), 200);
	ck_assert_msg(strstr(r.body, "AMS</span> \xc2\xb7 fewer than 3</summary>") != NULL, "%s",
	              r.body);
	ck_assert_ptr_nonnull(strstr(r.body, "<option value=\"region\" selected>"));
	{ /* "entity" is offered once: as the weighting, not as a breakdown */
		const char *e1 = strstr(r.body, "<option value=\"entity\"");
		ck_assert_ptr_nonnull(e1);
		ck_assert_ptr_null(strstr(e1 + 1, "<option value=\"entity\""));
		ck_assert_ptr_null(strstr(r.body, "<option value=\"sg\" selected"));
	}
	ck_assert_ptr_null(strstr(r.body, "Zimmer"));
	h_resp_free(&r);
	/* the list of a suppressed group is not there either */
	ck_assert_int_ne(chair_get("/chair/pseudo-form?list=proposal&by=region&group=AMS", chair,
	                           NULL, &r), 200);
	h_resp_free(&r);
	free(chair);
}
END_TEST

static Suite *chair_suite(void)
{
	Suite *s = suite_create("chair");
	TCase *tc = tcase_create("chair");
	tcase_add_checked_fixture(tc, up, down);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_chair_page_is_the_same_bytes_for_every_view_of_a_snapshot);
	tcase_add_test(tc, test_chair_if_none_match_gets_304_until_the_page_changes);
	tcase_add_test(tc, test_chair_page_follows_a_new_answer_after_the_interval);
	tcase_add_test(tc, test_chair_stale_view_is_recomputed_in_the_background);
	tcase_add_test(tc, test_chair_summary_json_has_an_etag_and_304);
	tcase_add_test(tc, test_chair_dashboard_caps_lists_and_links_to_all_of_them);
	tcase_add_test(tc, test_chair_many_views_stay_correct);
	tcase_add_test(tc, test_chair_turnout_shows_answered_of_invited_and_who_has_not_answered);
	tcase_add_test(tc, test_chair_turnout_of_a_pseudonymous_form_shows_counts_and_no_names);
	tcase_add_test(tc, test_chair_pseudonymous_breakdowns_only_public_and_small_groups_hidden);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return h_run_suite(chair_suite());
}
