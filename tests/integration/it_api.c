/* it_api.c - the collector's JSON API against a real server: every question
 * type, revisions, every way a token can be wrong, roles, closed
 * questionnaires, body limits and malformed bodies, receipts checked with
 * `collector token verify` and an independent canonical-JSON hash.
 * After every rejected request the database must be exactly as before. */
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define API "/api/v1/questionnaires/all-types"

static struct h_env E;
static struct h_client *C;

static void up(void)
{
	const char *forms[] = {"all-types.json", "closed.json", "pseudonymous.json", NULL};
	h_up(&E, &C, forms, NULL);
}

static void down(void)
{
	h_down(&E, &C);
}

/* A complete valid answer set: one answer of every type. */
static const char FULL[] =
	"{\"answers\":{\"colour\":\"blue\",\"why_blue\":\"Calm, like the sea \\u00e9t\\u00e9 \\u2603\","
	"\"tools\":[\"wiki\",\"email\"],\"clear\":4,\"per_sg\":{\"sg2\":5,\"sg3\":null},"
	"\"order\":[\"gamma\",\"alpha\"],\"proposal\":{\"position\":\"object\",\"reason\":\"Too early\"},"
	"\"how_many\":12,\"comments\":\"None <b>really</b> & \\\"quoted\\\"\"}}";

static char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	ck_assert_msg(cJSON_IsString(v), "no string %s", key);
	return strdup(v->valuestring);
}

static long json_int(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	ck_assert_msg(cJSON_IsNumber(v), "no number %s", key);
	return (long)v->valuedouble;
}

/* Asserts an API error body of exactly the documented shape. */
static void assert_error(const struct h_resp *r, long status, const char *code)
{
	cJSON *j, *err, *c, *m, *f;
	char *ct;
	ck_assert_msg(r->status == status, "status %ld, wanted %ld: %s", r->status, status, r->body);
	ct = h_header(r, "Content-Type");
	ck_assert_ptr_nonnull(ct);
	ck_assert_str_eq(ct, "application/json; charset=utf-8");
	free(ct);
	j = h_json(r->body);
	err = cJSON_GetObjectItemCaseSensitive(j, "error");
	ck_assert(cJSON_IsObject(err));
	c = cJSON_GetObjectItemCaseSensitive(err, "code");
	m = cJSON_GetObjectItemCaseSensitive(err, "message");
	f = cJSON_GetObjectItemCaseSensitive(err, "fields");
	ck_assert(cJSON_IsString(c) && cJSON_IsString(m) && cJSON_IsObject(f));
	if (code)
		ck_assert_str_eq(c->valuestring, code);
	cJSON_Delete(j);
}

/* POSTs body with token and asserts the status, the error code (when not
 * 201) and that the database did not change. */
static void post_rejected(const char *path, const char *token, const char *ctype,
                          const char *body, long status, const char *code)
{
	struct h_resp r;
	char *before = h_db_state(&E), *after, *auth = NULL;
	const char *hs[2] = {NULL, NULL};
	if (token) {
		size_t n = strlen(token) + 32;
		auth = malloc(n);
		snprintf(auth, n, "Authorization: Bearer %s", token);
		hs[0] = auth;
	}
	h_request(C, "POST", path, ctype, body, body ? strlen(body) : 0, 0, hs, &r);
	assert_error(&r, status, code);
	after = h_db_state(&E);
	ck_assert_msg(strcmp(before, after) == 0, "the database changed after a %ld", status);
	free(before);
	free(after);
	free(auth);
	h_resp_free(&r);
}

static cJSON *post_ok(const char *token, const char *body, long want_rev)
{
	struct h_resp r;
	cJSON *j;
	h_post_json(C, API "/responses", token, body, &r);
	ck_assert_msg(r.status == 201, "status %ld: %s", r.status, r.body);
	j = h_json(r.body);
	ck_assert_int_eq(json_int(j, "revision"), want_rev);
	h_resp_free(&r);
	return j;
}

START_TEST(test_api_serves_the_form_definition)
{
	struct h_resp r;
	cJSON *j;
	char *ct;
	ck_assert_int_eq(h_get(C, API, &r), 200);
	ct = h_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "application/json; charset=utf-8");
	free(ct);
	j = h_json(r.body);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "id")->valuestring, "all-types");
	cJSON_Delete(j);
	h_resp_free(&r);
	h_get(C, "/api/v1/questionnaires/nope", &r);
	assert_error(&r, 404, "not_found");
	h_resp_free(&r);
}
END_TEST

START_TEST(test_api_accepts_every_type_and_reads_it_back)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	struct h_resp r;
	cJSON *j, *me, *a;
	char *hash, *me_hash, *canon;
	static const char want[] =
		"{\"clear\":4,\"colour\":\"blue\",\"comments\":\"None <b>really</b> & \\\"quoted\\\"\","
		"\"how_many\":12,\"order\":[\"gamma\",\"alpha\"],\"per_sg\":{\"sg2\":5,\"sg3\":null},"
		"\"proposal\":{\"position\":\"object\",\"reason\":\"Too early\"},"
		"\"tools\":[\"wiki\",\"email\"],\"why_blue\":\"Calm, like the sea \xc3\xa9t\xc3\xa9 \xe2\x98\x83\"}";

	j = post_ok(tok, FULL, 1);
	hash = json_str(j, "hash");
	ck_assert_int_eq(strlen(hash), 64);
	ck_assert(strncmp(cJSON_GetObjectItemCaseSensitive(j, "receipt")->valuestring,
	                  "v4.public.", 10) == 0);

	ck_assert_int_eq(h_get_bearer(C, API "/responses/me", tok, &r), 200);
	me = h_json(r.body);
	ck_assert_int_eq(json_int(me, "revision"), 1);
	me_hash = json_str(me, "hash");
	ck_assert_str_eq(me_hash, hash);
	{ /* the salt is served with the hash, and is the 201's */
		char *s1 = json_str(j, "salt"), *s2 = json_str(me, "salt");
		ck_assert_str_eq(s1, s2);
		free(s1);
		free(s2);
	}
	a = cJSON_GetObjectItemCaseSensitive(me, "answers");
	canon = cJSON_PrintUnformatted(a);
	ck_assert_str_eq(canon, want); /* cJSON keeps the server's (sorted) order */
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(me, "submitted_at"));
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(me, "receipt"));
	ck_assert_int_eq(h_db_count(&E, "revision"), 1);

	free(canon);
	free(me_hash);
	free(hash);
	cJSON_Delete(me);
	cJSON_Delete(j);
	h_resp_free(&r);
	free(tok);
}
END_TEST

START_TEST(test_api_revisions_count_up_and_the_latest_counts)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	struct h_resp r;
	cJSON *j, *me;
	int i;
	for (i = 1; i <= 3; i++) {
		char body[200];
		snprintf(body, sizeof body,
		         "{\"answers\":{\"colour\":\"red\",\"how_many\":%d,"
		         "\"proposal\":{\"position\":\"support\"}}}",
		         i);
		j = post_ok(tok, body, i);
		cJSON_Delete(j);
	}
	ck_assert_int_eq(h_get_bearer(C, API "/responses/me", tok, &r), 200);
	me = h_json(r.body);
	ck_assert_int_eq(json_int(me, "revision"), 3);
	ck_assert_int_eq(
		json_int(cJSON_GetObjectItemCaseSensitive(me, "answers"), "how_many"), 3);
	ck_assert_int_eq(h_db_count(&E, "revision"), 3);
	cJSON_Delete(me);
	h_resp_free(&r);
	free(tok);
}
END_TEST

START_TEST(test_api_me_is_404_before_any_answer)
{
	char *tok = h_token(&E, "all-types", "nobody-yet", "delegate");
	struct h_resp r;
	h_get_bearer(C, API "/responses/me", tok, &r);
	assert_error(&r, 404, "not_found");
	h_resp_free(&r);
	free(tok);
}
END_TEST

START_TEST(test_api_rejects_invalid_answers_of_each_type_with_422)
{
	static const struct {
		const char *body, *field;
	} cases[] = {
		{"{\"answers\":{\"colour\":\"pink\",\"proposal\":{\"position\":\"support\"}}}", "colour"},
		{"{\"answers\":{\"colour\":\"blue\",\"proposal\":{\"position\":\"support\"}}}", "why_blue"},
		{"{\"answers\":{\"colour\":\"red\",\"tools\":[\"email\",\"wiki\",\"chat\"],"
		 "\"proposal\":{\"position\":\"support\"}}}", "tools"},
		{"{\"answers\":{\"colour\":\"red\",\"clear\":7,\"proposal\":{\"position\":\"support\"}}}",
		 "clear"},
		{"{\"answers\":{\"colour\":\"red\",\"per_sg\":{\"sg9\":3},"
		 "\"proposal\":{\"position\":\"support\"}}}", "per_sg"},
		{"{\"answers\":{\"colour\":\"red\",\"order\":[\"alpha\",\"alpha\"],"
		 "\"proposal\":{\"position\":\"support\"}}}", "order"},
		{"{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"object\"}}}", "proposal"},
		{"{\"answers\":{\"colour\":\"red\"}}", "proposal"},
		{"{\"answers\":{\"colour\":\"red\",\"how_many\":2.5,"
		 "\"proposal\":{\"position\":\"support\"}}}", "how_many"},
		{"{\"answers\":{\"colour\":\"red\",\"how_many\":21,"
		 "\"proposal\":{\"position\":\"support\"}}}", "how_many"},
		{"{\"answers\":{\"colour\":\"red\",\"comments\":42,"
		 "\"proposal\":{\"position\":\"support\"}}}", "comments"},
	};
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct h_resp r;
		char *before = h_db_state(&E), *after;
		cJSON *j, *fields;
		h_post_json(C, API "/responses", tok, cases[i].body, &r);
		assert_error(&r, 422, "invalid_answers");
		j = h_json(r.body);
		fields = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"),
		                                          "fields");
		ck_assert_msg(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(fields, cases[i].field)),
		              "case %zu: no reason for %s in %s", i, cases[i].field, r.body);
		after = h_db_state(&E);
		ck_assert_str_eq(before, after);
		cJSON_Delete(j);
		free(before);
		free(after);
		h_resp_free(&r);
	}
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
	free(tok);
}
END_TEST

START_TEST(test_api_drops_answers_to_questions_that_do_not_apply)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	struct h_resp r;
	cJSON *j, *me;
	j = post_ok(tok,
	            "{\"answers\":{\"colour\":\"red\",\"why_blue\":\"not asked\","
	            "\"proposal\":{\"position\":\"live_with\"}}}",
	            1);
	ck_assert_int_eq(h_get_bearer(C, API "/responses/me", tok, &r), 200);
	me = h_json(r.body);
	ck_assert_ptr_null(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(me, "answers"),
		                                 "why_blue"));
	cJSON_Delete(me);
	cJSON_Delete(j);
	h_resp_free(&r);
	free(tok);
}
END_TEST

START_TEST(test_api_revoked_token_stops_at_once)
{
	char *claims = h_claims(&E, "all-types", "d7", "delegate", "Ghana", "jti-to-revoke", -60,
	                        3600, NULL);
	char *tok = h_sign(&E, claims);
	const char *argv[] = {h_collector(), "revoke", "--db", E.db, "--jti", "jti-to-revoke", NULL};
	struct h_resp r;
	cJSON *j = post_ok(tok, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}",
	                   1);
	cJSON_Delete(j);
	ck_assert_int_eq(h_run(argv, NULL), 0);
	post_rejected(API "/responses", tok, "application/json",
	              "{\"answers\":{\"colour\":\"green\",\"proposal\":{\"position\":\"support\"}}}",
	              401, "token_revoked");
	h_get_bearer(C, API "/responses/me", tok, &r);
	assert_error(&r, 401, "token_revoked");
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "revision"), 1); /* the earlier response stays */
	free(tok);
	free(claims);
}
END_TEST

START_TEST(test_api_rejects_bad_tokens_with_401)
{
	static const char body[] =
		"{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}";
	uint8_t fpk[SND_PK_BYTES], fsk[SND_SK_BYTES];
	char *c, *t;

	c = h_claims(&E, "all-types", "d1", "delegate", "France", NULL, -7200, -3600, NULL);
	t = h_sign(&E, c);
	post_rejected(API "/responses", t, "application/json", body, 401, "token_expired");
	free(t);
	free(c);

	c = h_claims(&E, "all-types", "d1", "delegate", "France", NULL, 3600, 7200, NULL);
	t = h_sign(&E, c);
	post_rejected(API "/responses", t, "application/json", body, 401, "token_not_yet_valid");
	free(t);
	free(c);

	t = h_token(&E, "pseudo-form", "d1", "delegate"); /* another questionnaire here */
	post_rejected(API "/responses", t, "application/json", body, 401,
	              "token_wrong_questionnaire");
	free(t);

	t = h_token(&E, "not-collected-here", "d1", "delegate");
	post_rejected(API "/responses", t, "application/json", body, 401,
	              "token_wrong_questionnaire");
	free(t);

	ck_assert(snd_keypair(fpk, fsk) == SND_OK); /* a forger's key */
	c = h_claims(&E, "all-types", "d1", "delegate", "France", NULL, -60, 3600, NULL);
	t = h_sign_with(fsk, c);
	post_rejected(API "/responses", t, "application/json", body, 401, "token_invalid");
	/* one flipped character in a genuine token */
	free(t);
	t = h_sign(&E, c);
	t[20] = t[20] == 'A' ? 'B' : 'A';
	post_rejected(API "/responses", t, "application/json", body, 401, "token_invalid");
	free(t);
	free(c);

	post_rejected(API "/responses", "not-a-token", "application/json", body, 401,
	              "token_invalid");
	post_rejected(API "/responses", NULL, "application/json", body, 401, "token_missing");
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
}
END_TEST

START_TEST(test_api_roles_are_enforced)
{
	static const char body[] =
		"{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}";
	char *chair = h_token(&E, "all-types", "chair1", "chair");
	char *del = h_token(&E, "all-types", "d1", "delegate");
	struct h_resp r;
	cJSON *j;

	post_rejected(API "/responses", chair, "application/json", body, 403, "forbidden");
	h_get_bearer(C, API "/responses/me", chair, &r);
	assert_error(&r, 403, "forbidden");
	h_resp_free(&r);
	h_get_bearer(C, API "/summary", del, &r);
	assert_error(&r, 403, "forbidden");
	h_resp_free(&r);

	j = post_ok(del, body, 1);
	cJSON_Delete(j);
	ck_assert_int_eq(h_get_bearer(C, API "/summary", chair, &r), 200);
	j = h_json(r.body);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "questionnaire")->valuestring,
	                 "all-types");
	ck_assert_int_eq(json_int(j, "responses"), 1);
	cJSON_Delete(j);
	h_resp_free(&r);

	ck_assert_int_eq(h_get_bearer(C, API "/summary?by=region&weight=entity", chair, &r), 200);
	j = h_json(r.body);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "weight")->valuestring, "entity");
	ck_assert(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "groups")));
	cJSON_Delete(j);
	h_resp_free(&r);

	h_get_bearer(C, API "/summary?weight=heaviest", chair, &r);
	assert_error(&r, 400, "bad_request");
	h_resp_free(&r);
	free(chair);
	free(del);
}
END_TEST

/* With a recompute interval (the default is 1 s; tests run with 0), a view
 * tallied a moment ago is served again while answers arrive: the chairs'
 * screens cost at most one tally per interval, whatever their number. */
START_TEST(test_api_summary_is_tallied_at_most_once_per_interval)
{
	const char *forms[] = {"all-types.json", "closed.json", "pseudonymous.json", NULL};
	const char *extra[] = {"--summary-interval", "600000", NULL};
	char *chair, *d1, *d2;
	struct h_resp r;
	cJSON *j;
	h_client_free(C);
	ck_assert_int_eq(h_stop(&E), 0);
	h_start(&E, forms, extra);
	C = h_client_new(&E);
	chair = h_token(&E, "all-types", "chair1", "chair");
	d1 = h_token(&E, "all-types", "d1", "delegate");
	d2 = h_token(&E, "all-types", "d2", "delegate");
	j = post_ok(d1, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}", 1);
	cJSON_Delete(j);
	ck_assert_int_eq(h_get_bearer(C, API "/summary", chair, &r), 200);
	j = h_json(r.body);
	ck_assert_int_eq(json_int(j, "responses"), 1);
	cJSON_Delete(j);
	h_resp_free(&r);
	j = post_ok(d2, "{\"answers\":{\"colour\":\"green\",\"proposal\":{\"position\":\"support\"}}}", 1);
	cJSON_Delete(j);
	ck_assert_int_eq(h_get_bearer(C, API "/summary", chair, &r), 200);
	j = h_json(r.body);
	ck_assert_int_eq(json_int(j, "responses"), 1); /* within the interval: the same tally */
	cJSON_Delete(j);
	h_resp_free(&r);
	/* another view is its own tally, of the current data */
	ck_assert_int_eq(h_get_bearer(C, API "/summary?weight=entity", chair, &r), 200);
	j = h_json(r.body);
	ck_assert_int_eq(json_int(j, "responses"), 2);
	cJSON_Delete(j);
	h_resp_free(&r);
	free(chair);
	free(d1);
	free(d2);
}
END_TEST

START_TEST(test_api_summary_follows_new_answers)
{
	char *chair = h_token(&E, "all-types", "chair1", "chair");
	char *d1 = h_token(&E, "all-types", "d1", "delegate");
	char *d2 = h_token(&E, "all-types", "d2", "delegate");
	struct h_resp r;
	cJSON *j;
	j = post_ok(d1, "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}", 1);
	cJSON_Delete(j);
	ck_assert_int_eq(h_get_bearer(C, API "/summary", chair, &r), 200);
	j = h_json(r.body);
	ck_assert_int_eq(json_int(j, "responses"), 1);
	cJSON_Delete(j);
	h_resp_free(&r);
	j = post_ok(d2, "{\"answers\":{\"colour\":\"green\",\"proposal\":{\"position\":\"support\"}}}", 1);
	cJSON_Delete(j);
	ck_assert_int_eq(h_get_bearer(C, API "/summary", chair, &r), 200);
	j = h_json(r.body);
	ck_assert_int_eq(json_int(j, "responses"), 2); /* the cache saw the new version */
	cJSON_Delete(j);
	h_resp_free(&r);
	free(chair);
	free(d1);
	free(d2);
}
END_TEST

START_TEST(test_api_closed_questionnaire_is_409)
{
	char *tok = h_token(&E, "closed-form", "d1", "delegate");
	post_rejected("/api/v1/questionnaires/closed-form/responses", tok, "application/json",
	              "{\"answers\":{\"proposal\":{\"position\":\"support\"}}}", 409, "not_open");
	free(tok);
}
END_TEST

static char *big_body(size_t n)
{
	static const char head[] = "{\"answers\":{\"comments\":\"";
	char *b = malloc(n + 1);
	ck_assert_ptr_nonnull(b);
	memset(b, 'x', n);
	memcpy(b, head, sizeof head - 1);
	memcpy(b + n - 3, "\"}}", 3);
	b[n] = '\0';
	return b;
}

START_TEST(test_api_body_over_the_limit_is_413)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	char *body = big_body(65536 + 100), *before, *after, auth[4200];
	const char *hs[3] = {auth, "Expect: 100-continue", NULL};
	struct h_resp r;
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
	before = h_db_state(&E);

	/* announced by Content-Length: refused before the body is sent */
	h_request(C, "POST", API "/responses", "application/json", body, strlen(body), 0, hs, &r);
	assert_error(&r, 413, "too_large");
	h_resp_free(&r);
	/* chunked: refused once the received bytes pass the limit */
	hs[1] = NULL;
	h_request(C, "POST", API "/responses", "application/json", body, strlen(body), 1, hs, &r);
	assert_error(&r, 413, "too_large");
	h_resp_free(&r);
	/* and the connection still works */
	ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
	h_resp_free(&r);

	after = h_db_state(&E);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(body);
	free(tok);
}
END_TEST

START_TEST(test_api_malformed_bodies_are_400)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	char deep[200];
	size_t i;
	post_rejected(API "/responses", tok, "application/json", "{\"answers\":{", 400, "bad_request");
	post_rejected(API "/responses", tok, "application/json", "", 400, "bad_request");
	post_rejected(API "/responses", tok, "application/json", "[1,2]", 400, "bad_request");
	post_rejected(API "/responses", tok, "application/json", "{\"answers\":[]}", 400,
	              "bad_request");
	post_rejected(API "/responses", tok, "application/json",
	              "{\"answers\":{\"colour\":\"red\"},\"answers\":{}}", 400, "bad_request");
	post_rejected(API "/responses", tok, "application/json",
	              "{\"answers\":{\"comments\":\"\xff\xfe\",\"colour\":\"red\"}}", 400,
	              "bad_request");
	post_rejected(API "/responses", tok, "application/json",
	              "{\"answers\":{\"comments\":\"\xc0\xaf\"}}", 400, "bad_request");
	post_rejected(API "/responses", tok, "text/plain",
	              "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}", 400,
	              "bad_request");
	post_rejected(API "/responses", tok, NULL,
	              "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}", 400,
	              "bad_request");
	for (i = 0; i < 100; i++)
		deep[i] = '[';
	deep[i] = '\0';
	post_rejected(API "/responses", tok, "application/json", deep, 400, "bad_request");
	free(tok);
}
END_TEST

START_TEST(test_api_wrong_method_is_405_with_allow)
{
	struct h_resp r;
	char *allow;
	h_get(C, API "/responses", &r);
	assert_error(&r, 405, "method_not_allowed");
	allow = h_header(&r, "Allow");
	ck_assert_ptr_nonnull(allow);
	ck_assert_str_eq(allow, "POST");
	free(allow);
	h_resp_free(&r);
	h_request(C, "DELETE", "/q/all-types", NULL, NULL, 0, 0, NULL, &r);
	ck_assert_int_eq(r.status, 405);
	allow = h_header(&r, "Allow");
	ck_assert_str_eq(allow, "GET, HEAD, POST");
	free(allow);
	h_resp_free(&r);
}
END_TEST

/* sha256sum of a file: the independent SHA-256. */
static char *sha256_file(const char *path)
{
	const char *argv[] = {"/usr/bin/sha256sum", path, NULL};
	char *out = NULL;
	ck_assert_int_eq(h_run(argv, &out), 0);
	ck_assert(strlen(out) >= 64);
	out[64] = '\0';
	return out;
}

/* A file holding the 16 bytes of salt_hex followed by the bytes of the
 * file at canon: what the hash is the SHA-256 of. */
static void salted_file(const char *canon, const char *salt_hex, const char *out)
{
	FILE *in = fopen(canon, "rb"), *o = fopen(out, "wb");
	int c;
	size_t i;
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(strlen(salt_hex), 32);
	for (i = 0; i < 16; i++) {
		unsigned v;
		ck_assert_int_eq(sscanf(salt_hex + 2 * i, "%2x", &v), 1);
		fputc((int)v, o);
	}
	while ((c = fgetc(in)) != EOF)
		fputc(c, o);
	fclose(in);
	fclose(o);
}

START_TEST(test_api_receipt_verifies_and_hash_is_independent_sha256_of_jcs)
{
	/* RFC 8785 by node: keys sorted by UTF-16 code units, JSON.stringify
	 * for strings and numbers (which is what JCS specifies). */
	static const char jcs_js[] =
		"const fs=require('fs');"
		"const c=v=>Array.isArray(v)?'['+v.map(c).join(',')+']':"
		"(v!==null&&typeof v==='object')?'{'+Object.keys(v).sort().map(k=>JSON.stringify(k)+':'+c(v[k])).join(',')+'}':"
		"JSON.stringify(v);"
		"fs.writeFileSync(process.argv[2],c(JSON.parse(fs.readFileSync(process.argv[1],'utf8')).answers));";
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	char in[PATH_MAX + 16], canon_path[PATH_MAX + 16], salted[PATH_MAX + 16], *out = NULL;
	char *receipt, *hash, *salt, *sha;
	cJSON *j, *v, *payload;
	FILE *f;

	j = post_ok(tok, FULL, 1);
	receipt = json_str(j, "receipt");
	hash = json_str(j, "hash");
	salt = json_str(j, "salt");
	ck_assert_int_eq(strlen(salt), 32);
	ck_assert_int_eq(strspn(salt, "0123456789abcdef"), 32);
	cJSON_Delete(j);
	{
		const char *argv[] = {h_collector(), "token", "verify", "--pub", E.receipt_public,
		                      receipt, NULL};
		ck_assert_int_eq(h_run(argv, &out), 0);
	}
	v = h_json(out);
	payload = cJSON_GetObjectItemCaseSensitive(v, "payload");
	if (cJSON_IsString(payload)) { /* payload given as text */
		cJSON *p = h_json(payload->valuestring);
		cJSON_Delete(v);
		v = p;
		payload = p;
	}
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(payload, "aud")->valuestring, "all-types");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(payload, "sub")->valuestring, "d1");
	ck_assert_int_eq(json_int(payload, "rev"), 1);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(payload, "hash")->valuestring, hash);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(payload, "salt")->valuestring, salt);
	cJSON_Delete(v);
	free(out);

	/* The hash, recomputed outside the project: node canonicalises the
	 * answers as sent, sha256sum hashes the salt's bytes and them. */
	snprintf(in, sizeof in, "%s/sent.json", E.dir);
	snprintf(canon_path, sizeof canon_path, "%s/canon.json", E.dir);
	snprintf(salted, sizeof salted, "%s/salted.bin", E.dir);
	f = fopen(in, "w");
	ck_assert_ptr_nonnull(f);
	fputs(FULL, f);
	fclose(f);
	{
		const char *argv[] = {"/usr/bin/node", "-e", jcs_js, in, canon_path, NULL};
		if (access("/usr/bin/node", X_OK) == 0) {
			ck_assert_int_eq(h_run(argv, NULL), 0);
			salted_file(canon_path, salt, salted);
			sha = sha256_file(salted);
			ck_assert_str_eq(sha, hash);
			free(sha);
		}
	}
	/* And a canonical form written by hand (members sorted, no spaces). */
	{
		cJSON *k = post_ok(tok,
		                   "{\"answers\":{\"proposal\":{\"position\":\"support\"},"
		                   "\"colour\":\"red\",\"how_many\":20}}",
		                   2);
		char *h2 = json_str(k, "hash"), *s2 = json_str(k, "salt");
		f = fopen(canon_path, "w");
		ck_assert_ptr_nonnull(f);
		fputs("{\"colour\":\"red\",\"how_many\":20,\"proposal\":{\"position\":\"support\"}}", f);
		fclose(f);
		salted_file(canon_path, s2, salted);
		sha = sha256_file(salted);
		ck_assert_str_eq(sha, h2);
		free(sha);
		/* another delegate with the very same answers: another salt, another hash */
		{
			char *tok3 = h_token(&E, "all-types", "d3", "delegate");
			cJSON *k3 = post_ok(tok3,
			                    "{\"answers\":{\"proposal\":{\"position\":\"support\"},"
			                    "\"colour\":\"red\",\"how_many\":20}}",
			                    1);
			char *h3 = json_str(k3, "hash"), *s3 = json_str(k3, "salt");
			ck_assert_str_ne(h3, h2);
			ck_assert_str_ne(s3, s2);
			salted_file(canon_path, s3, salted);
			sha = sha256_file(salted);
			ck_assert_str_eq(sha, h3);
			free(sha);
			free(h3);
			free(s3);
			cJSON_Delete(k3);
			free(tok3);
		}
		free(h2);
		free(s2);
		cJSON_Delete(k);
	}
	free(receipt);
	free(hash);
	free(salt);
	free(tok);
}
END_TEST

START_TEST(test_api_pseudonymous_form_stores_a_pseudonym)
{
	char *tok = h_token(&E, "pseudo-form", "delegate-42", "delegate");
	struct h_resp r;
	char pseud[33], *receipt, *out = NULL;
	cJSON *j, *v, *payload;

	h_post_json(C, "/api/v1/questionnaires/pseudo-form/responses", tok,
	            "{\"answers\":{\"proposal\":{\"position\":\"support\"}}}", &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	j = h_json(r.body);
	receipt = json_str(j, "receipt");
	cJSON_Delete(j);
	h_resp_free(&r);

	snd_pseudonym(E.receipt_sk, "pseudo-form", "delegate-42", pseud);
	{
		const char *argv[] = {h_collector(), "token", "verify", "--pub", E.receipt_public,
		                      receipt, NULL};
		ck_assert_int_eq(h_run(argv, &out), 0);
	}
	v = h_json(out);
	payload = cJSON_GetObjectItemCaseSensitive(v, "payload");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(payload, "sub")->valuestring, pseud);
	ck_assert(strstr(out, "delegate-42") == NULL);
	cJSON_Delete(v);
	free(out);
	/* no breakdown by entity of a pseudonymous questionnaire */
	{
		char *chair = h_token(&E, "pseudo-form", "chair1", "chair");
		h_get_bearer(C, "/api/v1/questionnaires/pseudo-form/summary?by=entity", chair, &r);
		assert_error(&r, 400, "bad_request");
		h_resp_free(&r);
		ck_assert_int_eq(
			h_get_bearer(C, "/api/v1/questionnaires/pseudo-form/summary?by=region", chair, &r),
			200);
		h_resp_free(&r);
		free(chair);
	}
	/* the delegate still reads their own answers */
	ck_assert_int_eq(
		h_get_bearer(C, "/api/v1/questionnaires/pseudo-form/responses/me", tok, &r), 200);
	h_resp_free(&r);
	free(receipt);
	free(tok);
}
END_TEST

/* A pseudonymous questionnaire: the chair's live summary and dashboard refuse
 * every breakdown that names people or administrations, as `tally summary`
 * does, not only "entity" (a delegate list with a name or email column puts
 * it in the token's attrs, and a group of one shows that person's answers). */
START_TEST(test_api_pseudonymous_summary_refuses_identifying_breakdowns)
{
	char *chair = h_token(&E, "pseudo-form", "chair1", "chair");
	char *claims = h_claims(&E, "pseudo-form", "delegate-7", "delegate", "Freedonia", NULL,
	                        H_NO_TIME, 86400, "{\"name\":\"Rufus T. Firefly\",\"region\":\"B\"}");
	char *tok = h_sign(&E, claims);
	const char *bys[] = {"name", "email", "id", "sub", "ent", "entity", "Name"};
	char path[200];
	struct h_resp r;
	size_t i;

	h_post_json(C, "/api/v1/questionnaires/pseudo-form/responses", tok,
	            "{\"answers\":{\"proposal\":{\"position\":\"support\"}}}", &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	h_resp_free(&r);
	for (i = 0; i < sizeof bys / sizeof bys[0]; i++) {
		snprintf(path, sizeof path, "/api/v1/questionnaires/pseudo-form/summary?by=%s", bys[i]);
		h_get_bearer(C, path, chair, &r);
		assert_error(&r, 400, "bad_request");
		ck_assert_msg(strstr(r.body, "Firefly") == NULL, "by=%s: %s", bys[i], r.body);
		h_resp_free(&r);
		snprintf(path, sizeof path, "/chair/pseudo-form?by=%s", bys[i]);
		h_get_bearer(C, path, chair, &r);
		ck_assert_msg(r.status == 400, "chair page by=%s: %ld", bys[i], r.status);
		ck_assert_msg(strstr(r.body, "Firefly") == NULL, "chair page by=%s names the delegate",
		              bys[i]);
		h_resp_free(&r);
	}
	ck_assert_int_eq(
		h_get_bearer(C, "/api/v1/questionnaires/pseudo-form/summary?by=region", chair, &r), 200);
	h_resp_free(&r);
	free(tok);
	free(claims);
	free(chair);
}
END_TEST

/* Content-Length together with Transfer-Encoding (RFC 9112 6.1): a proxy
 * in front that goes by the length forwards the whole body as one request,
 * while libmicrohttpd goes by the chunks and would serve what follows the
 * last chunk as a second request (request smuggling).  Refused, and the
 * connection closed, before anything after the headers is read. */
START_TEST(test_api_content_length_with_transfer_encoding_is_refused)
{
	static const char body[] = "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
	char head[4096];
	char *tok = h_token(&E, "all-types", "d-smuggle", "delegate");
	struct h_resp r;
	char *before = h_db_state(&E), *after;
	long st;
	int fd;

	snprintf(head, sizeof head,
	         "POST " API "/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	         "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	         "Transfer-Encoding: chunked\r\n\r\n",
	         tok, sizeof body - 1);
	fd = h_raw_connect(&E);
	ck_assert_int_eq(h_raw_send(fd, head, strlen(head)), 0);
	h_raw_send(fd, body, sizeof body - 1);
	st = h_raw_response(fd, 10000, &r);
	ck_assert_msg(st == 400 && r.body && strstr(r.body, "Transfer-Encoding") != NULL,
	              "CL + TE: %ld %s", st, r.body ? r.body : "");
	h_resp_free(&r);
	/* no second answer: the smuggled request is never served */
	ck_assert_msg(h_raw_closed(fd, 3000), "the connection stayed open after CL + TE");
	close(fd);
	after = h_db_state(&E);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(tok);
}
END_TEST

START_TEST(test_api_every_answer_has_the_security_headers)
{
	struct h_resp r;
	char *v;
	const char *paths[] = {"/healthz", API, API "/responses/me", "/nowhere",
	                       "/static/sounding.css"};
	size_t i;
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		h_get(C, paths[i], &r);
		v = h_header(&r, "Content-Security-Policy");
		ck_assert_msg(v && strstr(v, "default-src 'none'") && strstr(v, "frame-ancestors 'none'"),
		              "%s: CSP %s", paths[i], v ? v : "missing");
		free(v);
		v = h_header(&r, "X-Content-Type-Options");
		ck_assert_str_eq(v, "nosniff");
		free(v);
		v = h_header(&r, "Referrer-Policy");
		ck_assert_str_eq(v, "same-origin");
		free(v);
		v = h_header(&r, "Content-Type");
		ck_assert_msg(v && strstr(v, "charset=utf-8"), "%s: %s", paths[i], v ? v : "none");
		free(v);
		v = h_header(&r, "Cache-Control");
		ck_assert_ptr_nonnull(v);
		if (i < 4)
			ck_assert_str_eq(v, "no-store");
		else
			ck_assert(strstr(v, "max-age=") != NULL);
		free(v);
		h_resp_free(&r);
	}
}
END_TEST

START_TEST(test_api_odd_urls_are_refused)
{
	struct h_resp r;
	char longpath[3000];
	size_t i;
	/* curl would normalise "..": send the path as is */
	h_get(C, "/q/all-types/../../etc/passwd", &r);
	ck_assert(r.status == 400 || r.status == 404);
	h_resp_free(&r);
	h_get(C, "/static/..%2f..%2fetc%2fpasswd", &r);
	ck_assert(r.status == 400 || r.status == 404);
	h_resp_free(&r);
	h_get(C, "/q/all-types%00/receipt", &r);
	ck_assert(r.status == 400 || r.status == 404);
	h_resp_free(&r);
	h_get(C, "/api/v1/questionnaires/all-types/", &r);
	ck_assert_int_eq(r.status, 404);
	h_resp_free(&r);
	memcpy(longpath, "/q/", 3);
	for (i = 3; i < sizeof longpath - 1; i++)
		longpath[i] = 'a';
	longpath[i] = '\0';
	h_get(C, longpath, &r);
	ck_assert(r.status == 400 || r.status == 404 || r.status == 414);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
	h_resp_free(&r);
}
END_TEST

/* libmicrohttpd drops keep-alive when a response is queued on the first
 * handler call; every answer here must leave the connection open. */
START_TEST(test_api_answers_keep_the_connection_alive)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	struct h_resp r;
	cJSON *j;
	ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
	ck_assert_int_eq(r.new_connections, 0);
	h_resp_free(&r);
	h_post_json(C, API "/responses", tok,
	            "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}", &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_int_eq(r.new_connections, 0);
	h_resp_free(&r);
	h_post_json(C, API "/responses", tok, "{\"answers\":{\"colour\":\"pink\"}}", &r);
	ck_assert_int_eq(r.status, 422);
	ck_assert_int_eq(r.new_connections, 0);
	h_resp_free(&r);
	h_get_bearer(C, API "/responses/me", tok, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.new_connections, 0);
	j = h_json(r.body);
	cJSON_Delete(j);
	h_resp_free(&r);
	h_get(C, "/nowhere", &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_int_eq(r.new_connections, 0);
	h_resp_free(&r);
	free(tok);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("api");
	TCase *t = tcase_create("api");
	tcase_add_checked_fixture(t, up, down);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_api_serves_the_form_definition);
	tcase_add_test(t, test_api_accepts_every_type_and_reads_it_back);
	tcase_add_test(t, test_api_revisions_count_up_and_the_latest_counts);
	tcase_add_test(t, test_api_me_is_404_before_any_answer);
	tcase_add_test(t, test_api_rejects_invalid_answers_of_each_type_with_422);
	tcase_add_test(t, test_api_drops_answers_to_questions_that_do_not_apply);
	tcase_add_test(t, test_api_revoked_token_stops_at_once);
	tcase_add_test(t, test_api_rejects_bad_tokens_with_401);
	tcase_add_test(t, test_api_roles_are_enforced);
	tcase_add_test(t, test_api_summary_follows_new_answers);
	tcase_add_test(t, test_api_summary_is_tallied_at_most_once_per_interval);
	tcase_add_test(t, test_api_closed_questionnaire_is_409);
	tcase_add_test(t, test_api_body_over_the_limit_is_413);
	tcase_add_test(t, test_api_malformed_bodies_are_400);
	tcase_add_test(t, test_api_wrong_method_is_405_with_allow);
	tcase_add_test(t, test_api_receipt_verifies_and_hash_is_independent_sha256_of_jcs);
	tcase_add_test(t, test_api_pseudonymous_form_stores_a_pseudonym);
	tcase_add_test(t, test_api_pseudonymous_summary_refuses_identifying_breakdowns);
	tcase_add_test(t, test_api_content_length_with_transfer_encoding_is_refused);
	tcase_add_test(t, test_api_every_answer_has_the_security_headers);
	tcase_add_test(t, test_api_odd_urls_are_refused);
	tcase_add_test(t, test_api_answers_keep_the_connection_alive);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return h_run_suite(suite());
}
