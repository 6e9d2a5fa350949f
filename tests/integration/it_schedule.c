/* it_schedule.c - `collector close`, `collector open` and `collector status`
 * against a running collector: a close written by another process takes
 * effect on the next request (409 not_open, nothing stored) without a
 * restart, open makes it accept again, --at in the past or future, the
 * pages' notes and the chair dashboard follow the effective window, status
 * output, and the command-line conventions (usage errors exit 2, a missing
 * DB or an unknown questionnaire exit 1 and say why). */
#include "harness.h"

#include <check.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define API "/api/v1/questionnaires/all-types"
#define ANSWERS "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}"

static struct h_env E;
static struct h_client *C;

static void up(void)
{
	const char *forms[] = {"all-types.json", "closed.json", NULL};
	h_up(&E, &C, forms, NULL);
}

static void down(void)
{
	h_down(&E, &C);
}

/* Runs the collector with args (NULL-terminated); stdout and stderr into
 * *out and *err (malloc'ed, NUL-terminated); returns the exit status. */
static int collector(char **out, char **err, ...)
{
	const char *argv[16];
	char errpath[PATH_MAX + 16];
	va_list ap;
	size_t n = 0;
	int fd, saved, st;
	FILE *f;
	long len;

	argv[n++] = h_collector();
	va_start(ap, err);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(errpath, sizeof errpath, "%s/stderr.txt", E.dir);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	saved = dup(2);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	dup2(fd, 2); /* inherited by the child h_run forks */
	close(fd);
	st = h_run(argv, out);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(errpath, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	*err = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(*err);
	ck_assert_uint_eq(fread(*err, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return st;
}

/* Runs a command expected to succeed; returns its stderr. */
static char *ok(const char *cmd, const char *a1, const char *a2)
{
	char *out = NULL, *err = NULL;
	int st = collector(&out, &err, cmd, "--db", E.db, "--form", "all-types", a1, a2, NULL);
	ck_assert_msg(st == 0, "collector %s: exit %d: %s", cmd, st, err);
	ck_assert_str_eq(out, ""); /* open/close say what they did on stderr */
	ck_assert_msg(strncmp(err, "collector: ", 11) == 0, "%s", err);
	ck_assert_msg(strstr(err, E.db) != NULL && strstr(err, "all-types") != NULL, "%s", err);
	free(out);
	return err;
}

static long submit(const char *token, struct h_resp *r)
{
	return h_post_json(C, API "/responses", token, ANSWERS, r);
}

static void assert_accepted(const char *token, long want_rev)
{
	struct h_resp r;
	cJSON *j;
	submit(token, &r);
	ck_assert_msg(r.status == 201, "status %ld: %s", r.status, r.body);
	j = h_json(r.body);
	ck_assert_int_eq((long)cJSON_GetObjectItemCaseSensitive(j, "revision")->valuedouble, want_rev);
	cJSON_Delete(j);
	h_resp_free(&r);
}

/* 409 with interface.md's error shape, code not_open, the message
 * containing want_msg, and nothing stored. */
static void assert_refused(const char *token, const char *want_msg)
{
	struct h_resp r;
	char *before = h_db_state(&E), *after, *ct;
	cJSON *j, *e, *code, *msg;
	submit(token, &r);
	ck_assert_msg(r.status == 409, "status %ld: %s", r.status, r.body);
	ct = h_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "application/json; charset=utf-8");
	free(ct);
	j = h_json(r.body);
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	code = cJSON_GetObjectItemCaseSensitive(e, "code");
	msg = cJSON_GetObjectItemCaseSensitive(e, "message");
	ck_assert(cJSON_IsString(code) && cJSON_IsString(msg));
	ck_assert(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(e, "fields")));
	ck_assert_str_eq(code->valuestring, "not_open");
	ck_assert_msg(strstr(msg->valuestring, want_msg) != NULL, "message: %s", msg->valuestring);
	cJSON_Delete(j);
	h_resp_free(&r);
	after = h_db_state(&E);
	ck_assert_msg(strcmp(before, after) == 0, "the database changed after a 409");
	free(before);
	free(after);
}

/* An RFC 3339 time off seconds from now, and its "YYYY-MM-DD HH:MM". */
static void rfc3339_in(int64_t off, char out[21], char page[20])
{
	time_t t = time(NULL) + (time_t)off;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (page)
		strftime(page, 20, "%Y-%m-%d %H:%M", &tm);
}

START_TEST(test_schedule_close_takes_effect_at_once_and_open_undoes_it)
{
	char *tok = h_token(&E, "all-types", "d1", "delegate");
	char *chair = h_token(&E, "all-types", "c1", "chair");
	char *err, *before, *after, *path;
	struct h_resp r;
	size_t n;

	assert_accepted(tok, 1);
	err = ok("close", NULL, NULL);
	ck_assert_msg(strstr(err, "closed") != NULL, "%s", err);
	free(err);
	/* the running server refuses the next submission: API and HTML */
	assert_refused(tok, "closed");
	n = strlen(tok) + 4;
	path = malloc(n);
	snprintf(path, n, "/t/%s", tok);
	ck_assert_int_eq(h_get(C, path, &r), 303);
	h_resp_free(&r);
	h_get(C, "/q/all-types", &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert_ptr_nonnull(strstr(r.body, "closed"));
	h_resp_free(&r);
	/* the dashboard shows it closed, by the secretariat */
	ck_assert_int_eq(h_get_bearer(C, "/chair/all-types", chair, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "This questionnaire closed on "));
	ck_assert_ptr_nonnull(strstr(r.body, "Times set by the secretariat on "));
	h_resp_free(&r);
	/* closing again changes nothing and says so */
	before = h_db_state(&E);
	err = ok("close", NULL, NULL);
	ck_assert_msg(strstr(err, "nothing changed") != NULL, "%s", err);
	free(err);
	after = h_db_state(&E);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);

	err = ok("open", NULL, NULL);
	ck_assert_msg(strstr(err, "now open") != NULL, "%s", err);
	free(err);
	assert_accepted(tok, 2);
	err = ok("open", NULL, NULL);
	ck_assert_msg(strstr(err, "nothing changed") != NULL, "%s", err);
	free(err);
	ck_assert_int_eq(h_get(C, "/q/all-types", &r), 200);
	h_resp_free(&r);
	ck_assert_int_eq(h_get_bearer(C, "/chair/all-types", chair, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "This questionnaire is open; no closing time is set."));
	h_resp_free(&r);
	ck_assert_int_eq(h_db_count(&E, "revision"), 2);
	free(path);
	free(tok);
	free(chair);
}
END_TEST

START_TEST(test_schedule_at_in_the_past_and_future)
{
	char *tok = h_token(&E, "all-types", "d2", "delegate");
	char *err, *path;
	char past[21], future[21], future_page[20], later[21], later_page[20];
	struct h_resp r;
	size_t n;

	rfc3339_in(-3600, past, NULL);
	rfc3339_in(86400, future, future_page);
	rfc3339_in(2 * 86400, later, later_page);

	/* closing at a past time closes at once */
	free(ok("close", "--at", past));
	assert_refused(tok, past);
	/* a future opening: still refused, saying when it opens */
	err = ok("open", "--at", future);
	ck_assert_msg(strstr(err, "not open until") != NULL, "%s", err);
	free(err);
	assert_refused(tok, future);
	/* an opening in the past: accepted now */
	free(ok("open", "--at", past));
	assert_accepted(tok, 1);
	/* a future close: still accepted; the form page names that time */
	free(ok("close", "--at", later));
	assert_accepted(tok, 2);
	n = strlen(tok) + 4;
	path = malloc(n);
	snprintf(path, n, "/t/%s", tok);
	ck_assert_int_eq(h_get(C, path, &r), 303);
	h_resp_free(&r);
	ck_assert_int_eq(h_get(C, "/q/all-types", &r), 200);
	ck_assert_msg(strstr(r.body, later_page) != NULL, "no %s in the form page", later_page);
	h_resp_free(&r);
	/* --until on open moves the close; reopening keeps a close still ahead */
	free(ok("open", "--until", future));
	ck_assert_int_eq(h_get(C, "/q/all-types", &r), 200);
	ck_assert_msg(strstr(r.body, future_page) != NULL, "no %s in the form page", future_page);
	h_resp_free(&r);
	free(ok("close", NULL, NULL));
	err = ok("open", NULL, NULL);
	ck_assert_msg(strstr(err, "no closing time") != NULL, "%s", err); /* the old close has passed */
	free(err);
	assert_accepted(tok, 3);

	/* a questionnaire whose form closed long ago can be reopened */
	{
		char *t2 = h_token(&E, "closed-form", "d2", "delegate"), *out = NULL;
		const char *body = "{\"answers\":{\"proposal\":{\"position\":\"support\"}}}";
		h_post_json(C, "/api/v1/questionnaires/closed-form/responses", t2, body, &r);
		ck_assert_int_eq(r.status, 409);
		h_resp_free(&r);
		ck_assert_int_eq(collector(&out, &err, "open", "--db", E.db, "--form", "closed-form",
		                           NULL), 0);
		free(out);
		free(err);
		h_post_json(C, "/api/v1/questionnaires/closed-form/responses", t2, body, &r);
		ck_assert_msg(r.status == 201, "status %ld: %s", r.status, r.body);
		h_resp_free(&r);
		free(t2);
	}
	free(path);
	free(tok);
}
END_TEST

START_TEST(test_schedule_status_prints_each_effective_window)
{
	char *tok = h_token(&E, "all-types", "d3", "delegate"), *tok2;
	char *out = NULL, *err = NULL, *line;
	cJSON *j, *it, *f;

	assert_accepted(tok, 1);
	assert_accepted(tok, 2);
	tok2 = h_token(&E, "all-types", "d4", "delegate");
	assert_accepted(tok2, 1);
	ck_assert_int_eq(collector(&out, &err, "status", "--db", E.db, NULL), 0);
	ck_assert_msg(strncmp(out, "QID ", 4) == 0, "%s", out);
	line = strstr(out, "\nall-types ");
	ck_assert_msg(line != NULL, "%s", out);
	ck_assert_msg(strstr(line, " open ") != NULL && strstr(line, " form ") != NULL, "%s", out);
	/* 2 delegates, 3 revisions */
	ck_assert_msg(strstr(line, "        2          3\n") != NULL, "%s", out);
	line = strstr(out, "\nclosed-form ");
	ck_assert_msg(line != NULL, "%s", out);
	ck_assert_msg(strstr(line, " closed ") != NULL, "%s", out);
	ck_assert_ptr_nonnull(strstr(line, "2020-01-01T00:00:00Z  2020-02-01T00:00:00Z"));
	free(out);
	free(err);

	free(ok("close", "--at", "2021-06-01T12:00:00Z"));
	ck_assert_int_eq(collector(&out, &err, "status", "--db", E.db, "--form", "all-types",
	                           "--format", "json", NULL), 0);
	j = h_json(out);
	ck_assert(cJSON_IsArray(j));
	ck_assert_int_eq(cJSON_GetArraySize(j), 1);
	it = cJSON_GetArrayItem(j, 0);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(it, "qid")->valuestring, "all-types");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(it, "state")->valuestring, "closed");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(it, "closes")->valuestring,
	                 "2021-06-01T12:00:00Z");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(it, "opens")));
	f = cJSON_GetObjectItemCaseSensitive(it, "form");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(f, "closes")));
	ck_assert(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(it, "override")));
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(it, "delegates")->valueint, 2);
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(it, "revisions")->valueint, 3);
	cJSON_Delete(j);
	free(out);
	free(err);
	free(tok);
	free(tok2);
}
END_TEST

/* exit status of `collector ARGS...`, with stdout/stderr checked for
 * containing want_out / want_err (either may be NULL). */
static void expect(int want, const char *want_out, const char *want_err, const char *a0,
                   const char *a1, const char *a2, const char *a3, const char *a4,
                   const char *a5, const char *a6, const char *a7)
{
	char *out = NULL, *err = NULL;
	int st = collector(&out, &err, a0, a1, a2, a3, a4, a5, a6, a7, NULL);
	ck_assert_msg(st == want, "collector %s %s %s: exit %d, wanted %d: %s", a0, a1 ? a1 : "",
	              a2 ? a2 : "", st, want, err);
	if (want_out)
		ck_assert_msg(strstr(out, want_out) != NULL, "stdout: %s", out);
	if (want_err)
		ck_assert_msg(strstr(err, want_err) != NULL, "stderr: %s", err);
	free(out);
	free(err);
}

START_TEST(test_schedule_command_line_conventions)
{
	char missing[PATH_MAX + 16];
	char *before = h_db_state(&E), *after;
	snprintf(missing, sizeof missing, "%s/missing.db", E.dir);

	expect(0, "usage: collector close", NULL, "close", "--help", NULL, NULL, NULL, NULL, NULL, NULL);
	expect(0, "usage: collector open", NULL, "open", "--help", NULL, NULL, NULL, NULL, NULL, NULL);
	expect(0, "usage: collector status", NULL, "status", "--help", NULL, NULL, NULL, NULL, NULL, NULL);
	expect(0, "close --db DB --form QID", NULL, "--help", NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	/* usage errors: 2 */
	expect(2, NULL, "collector close: --db is required", "close", NULL, NULL, NULL, NULL, NULL,
	       NULL, NULL);
	expect(2, NULL, "--form is required", "close", "--db", E.db, NULL, NULL, NULL, NULL, NULL);
	expect(2, NULL, "unknown option '--bogus'", "open", "--db", E.db, "--form", "all-types",
	       "--bogus", NULL, NULL);
	expect(2, NULL, "not an RFC 3339 time", "close", "--db", E.db, "--form", "all-types", "--at",
	       "tomorrow", NULL);
	expect(2, NULL, "--at needs a value", "close", "--db", E.db, "--form", "all-types", "--at",
	       NULL, NULL);
	expect(2, NULL, "--form given twice", "open", "--db", E.db, "--form", "a", "--form", "b", NULL);
	expect(2, NULL, "--until", "open", "--db", E.db, "--form", "all-types", "--at",
	       "2030-01-02T00:00:00Z", "--until=2030-01-01T00:00:00Z");
	expect(2, NULL, "expected text or json", "status", "--db", E.db, "--format", "xml", NULL,
	       NULL, NULL);
	expect(2, NULL, "unknown option '--at'", "status", "--db", E.db, "--at",
	       "2030-01-01T00:00:00Z", NULL, NULL, NULL);
	/* invalid input: 1, naming the DB; a missing DB is not created */
	expect(1, NULL, "no such database", "close", "--db", missing, "--form", "all-types", NULL,
	       NULL, NULL);
	expect(1, NULL, "no such database", "status", "--db", missing, NULL, NULL, NULL, NULL, NULL);
	ck_assert(access(missing, F_OK) != 0);
	expect(1, NULL, "no questionnaire 'nope' (known: all-types, closed-form)", "close", "--db",
	       E.db, "--form", "nope", NULL, NULL, NULL);
	expect(1, NULL, "known: all-types, closed-form", "status", "--db", E.db, "--form", "nope",
	       NULL, NULL, NULL);
	after = h_db_state(&E);
	ck_assert_str_eq(before, after); /* none of these wrote anything */
	free(before);
	free(after);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("schedule");
	TCase *t = tcase_create("schedule");
	tcase_add_checked_fixture(t, up, down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_schedule_close_takes_effect_at_once_and_open_undoes_it);
	tcase_add_test(t, test_schedule_at_in_the_past_and_future);
	tcase_add_test(t, test_schedule_status_prints_each_effective_window);
	tcase_add_test(t, test_schedule_command_line_conventions);
	suite_add_tcase(s, t);
	return h_run_suite(s);
}
