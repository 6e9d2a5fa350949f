/* it_metrics.c - `collector serve --metrics-listen`: the Prometheus text on
 * a listener of its own.
 *   - Off by default; on, GET /metrics answers 200 with the 0.0.4 content
 *     type, other paths 404, other methods 405.
 *   - The counters move by exactly the requests made: a 201 (twice, one
 *     delegate, the second time from the token cache), a 401 (a forged
 *     token), a 404 (a path no route has): by route and code, the latency
 *     histogram's count, rows written, batches, token cache hits and
 *     misses, delegates with answers per questionnaire.
 *   - Delegates with answers survive a restart (read from the store).
 *   - The text is well-formed: checked here line by line (names, labels
 *     and their escapes, values, HELP/TYPE before samples, cumulative
 *     buckets ending in +Inf = _count), and by `promtool check metrics`
 *     when promtool is installed (Debian's prometheus package;
 *     scripts/deps.sh test installs it), else that part says it skipped.
 *   - --metrics-listen on --listen's port is refused (exit 2). */
#include "harness.h"

#include <check.h>
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define API_POST "/api/v1/questionnaires/all-types/responses"
#define BODY "{\"answers\":{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}}"
#define CTYPE "text/plain; version=0.0.4; charset=utf-8"

static const char *const forms[] = {"all-types.json", NULL};
static const char *const metrics_on[] = {"--metrics-listen", "127.0.0.1:0", NULL};

/* The metrics port the collector printed ("collector: metrics on
 * http://127.0.0.1:PORT/metrics"), the last one in its log; 0: none. */
static int metrics_port(const struct h_env *e)
{
	char line[512];
	int port = 0;
	FILE *f = fopen(e->log, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f)) {
		const char *p = strstr(line, "collector: metrics on http://127.0.0.1:");
		if (p != NULL)
			port = atoi(p + strlen("collector: metrics on http://127.0.0.1:"));
	}
	fclose(f);
	return port;
}

/* method on path of the metrics listener; returns the status. */
static long scrape(int port, const char *method, const char *path, struct h_resp *out)
{
	CURL *c = curl_easy_init();
	char url[128];
	struct h_resp hdr = {0};
	long st = 0;
	memset(out, 0, sizeof *out);
	ck_assert(c != NULL);
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, h_curl_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, h_curl_sink);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hdr);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	curl_easy_cleanup(c);
	out->status = st;
	out->headers = hdr.body;
	if (out->body == NULL)
		out->body = calloc(1, 1);
	return st;
}

/* The value of the sample written exactly `series` (name and labels), or
 * -1 when the text has no such line. */
static double sample(const char *text, const char *series)
{
	size_t n = strlen(series);
	const char *p = text;
	while ((p = strstr(p, series)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return -1;
}

/* The scraped text goes to stderr on a mismatch: Check's message has a
 * size limit that the whole exposition passes. */
#define ASSERT_SAMPLE(text, series, want)                                                    \
	do {                                                                                 \
		double got_ = sample((text), (series));                                      \
		if (got_ != (double)(want))                                                  \
			fprintf(stderr, "scraped:\n%s\n", (text));                            \
		ck_assert_msg(got_ == (double)(want), "%s: %g, not %g", (series), got_,      \
		              (double)(want));                                               \
	} while (0)

static long scrape(int port, const char *method, const char *path, struct h_resp *out);

/* A request is counted when libmicrohttpd reports it complete, which may
 * come a moment after its client has read the answer: scrape until the
 * series shows want (or 10 s passed); the scrape is left in m. */
static void scrape_until(int port, const char *series, double want, struct h_resp *m)
{
	int k;
	for (k = 0; k < 200; k++) {
		ck_assert_int_eq(scrape(port, "GET", "/metrics", m), 200);
		if (sample(m->body, series) == want)
			return;
		h_resp_free(m);
		{
			struct timespec ts = {0, 50000000};
			nanosleep(&ts, NULL);
		}
	}
	ck_assert_int_eq(scrape(port, "GET", "/metrics", m), 200);
}

/* ------------------------------------------------- the format, by hand */

static int name_char(int ch, int first)
{
	return isalpha(ch) || ch == '_' || ch == ':' || (!first && isdigit(ch));
}

/* A metric or label name at *p; advances past it.  0 when there is none. */
static size_t take_name(const char **p)
{
	const char *s = *p;
	if (!name_char((unsigned char)*s, 1))
		return 0;
	while (name_char((unsigned char)*s, 0))
		s++;
	{
		size_t n = (size_t)(s - *p);
		*p = s;
		return n;
	}
}

/* Checks the whole exposition; fails the test with the line at fault. */
static void check_format(const char *text)
{
	char families[64][128], types[64][16];
	size_t nfam = 0, i;
	const char *line = text;
	char last_le_name[160] = "";
	double last_cum = -1;
	ck_assert_msg(text[0] != '\0' && text[strlen(text) - 1] == '\n', "not newline-terminated");
	while (*line) {
		const char *end = strchr(line, '\n'), *p = line;
		char name[128];
		size_t n;
		ck_assert(end != NULL);
		if (strncmp(p, "# HELP ", 7) == 0 || strncmp(p, "# TYPE ", 7) == 0) {
			int type = p[2] == 'T';
			p += 7;
			n = take_name(&p);
			ck_assert_msg(n > 0 && n < sizeof name && *p == ' ', "bad comment: %.*s",
			              (int)(end - line), line);
			if (type) {
				const char *t = p + 1;
				size_t tl = (size_t)(end - t);
				ck_assert_msg((tl == 7 && strncmp(t, "counter", 7) == 0) ||
				                  (tl == 5 && strncmp(t, "gauge", 5) == 0) ||
				                  (tl == 9 && strncmp(t, "histogram", 9) == 0),
				              "bad type: %.*s", (int)(end - line), line);
				for (i = 0; i < nfam; i++)
					ck_assert_msg(strncmp(families[i], line + 7, n) != 0 ||
					                  families[i][n] != '\0',
					              "TYPE twice: %.*s", (int)(end - line), line);
				ck_assert(nfam < 64);
				memcpy(families[nfam], line + 7, n);
				families[nfam][n] = '\0';
				memcpy(types[nfam], t, tl);
				types[nfam][tl] = '\0';
				nfam++;
			}
		} else {
			const char *np = p, *le = NULL;
			size_t famlen;
			int found = 0;
			char *vend;
			double v;
			n = take_name(&p);
			ck_assert_msg(n > 0 && n < sizeof name, "bad sample: %.*s", (int)(end - line),
			              line);
			memcpy(name, np, n);
			name[n] = '\0';
			if (*p == '{') {
				p++;
				while (*p != '}') {
					const char *ln = p;
					size_t lnl = take_name(&p);
					ck_assert_msg(lnl > 0 && p[0] == '=' && p[1] == '"', "bad label: %.*s",
					              (int)(end - line), line);
					if (lnl == 2 && strncmp(ln, "le", 2) == 0)
						le = p + 2;
					p += 2;
					while (*p != '"') {
						ck_assert_msg(*p != '\n' && *p != '\0', "unterminated label: %.*s",
						              (int)(end - line), line);
						if (*p == '\\') {
							ck_assert_msg(p[1] == '\\' || p[1] == '"' || p[1] == 'n',
							              "bad escape: %.*s", (int)(end - line), line);
							p++;
						}
						p++;
					}
					p++;
					if (*p == ',')
						p++;
					else
						ck_assert_msg(*p == '}', "bad labels: %.*s", (int)(end - line), line);
				}
				p++;
			}
			ck_assert_msg(*p == ' ', "no value: %.*s", (int)(end - line), line);
			v = strtod(p + 1, &vend);
			ck_assert_msg(vend == end && vend != p + 1, "bad value: %.*s", (int)(end - line),
			              line);
			/* its family: declared before it, with its type's suffixes */
			for (i = 0; i < nfam && !found; i++) {
				famlen = strlen(families[i]);
				if (strncmp(name, families[i], famlen) != 0)
					continue;
				if (name[famlen] == '\0')
					found = strcmp(types[i], "histogram") != 0;
				else if (strcmp(types[i], "histogram") == 0)
					found = strcmp(name + famlen, "_bucket") == 0 ||
					        strcmp(name + famlen, "_sum") == 0 ||
					        strcmp(name + famlen, "_count") == 0;
			}
			ck_assert_msg(found, "sample without its TYPE: %.*s", (int)(end - line), line);
			if (strcmp(types[i - 1], "counter") == 0)
				ck_assert_msg(v >= 0, "negative counter: %.*s", (int)(end - line), line);
			/* buckets: cumulative within a series, +Inf last, = _count */
			if (le != NULL) {
				char key[160];
				size_t k = (size_t)(le - line);
				snprintf(key, sizeof key, "%.*s", (int)(k < 150 ? k : 150), line);
				if (strcmp(key, last_le_name) != 0) {
					ck_assert_msg(last_le_name[0] == '\0' || last_cum < 0,
					              "bucket series without +Inf before: %.*s",
					              (int)(end - line), line);
					snprintf(last_le_name, sizeof last_le_name, "%s", key);
					last_cum = 0;
				}
				ck_assert_msg(v >= last_cum, "buckets not cumulative: %.*s", (int)(end - line),
				              line);
				last_cum = v;
				if (strncmp(le, "+Inf\"", 5) == 0)
					last_cum = -1; /* closed; _count checked below */
			} else if (strlen(name) > 6 && strcmp(name + strlen(name) - 6, "_count") == 0) {
				/* the +Inf bucket of the same labels */
				char inf[256];
				const char *lb = line + n;
				size_t ll = (size_t)(end - lb);
				const char *close = memchr(lb, '}', ll);
				if (close != NULL)
					snprintf(inf, sizeof inf, "%.*s_bucket%.*s,le=\"+Inf\"}", (int)(n - 6),
					         line, (int)(close - lb), lb);
				else
					snprintf(inf, sizeof inf, "%.*s_bucket{le=\"+Inf\"}", (int)(n - 6), line);
				ck_assert_msg(sample(text, inf) == v, "%s is not %.*s", inf,
				              (int)(end - line), line);
			}
		}
		line = end + 1;
	}
	ck_assert(nfam >= 9);
}

/* promtool check metrics on text; 1 ran and passed, 0 skipped. */
static int promtool(const struct h_env *e, const char *text)
{
	char path[PATH_MAX + 32], cmd[2 * (PATH_MAX + 32) + 64];
	FILE *f;
	int rc;
	if (system("command -v promtool > /dev/null 2>&1") != 0) {
		fprintf(stderr, "it_metrics: promtool not found: `promtool check metrics` skipped "
		                "(Debian: apt-get install prometheus, or scripts/deps.sh test)\n");
		return 0;
	}
	snprintf(path, sizeof path, "%s/scraped.txt", e->dir);
	f = fopen(path, "w");
	ck_assert(f != NULL);
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "promtool check metrics < '%s' > '%s.out' 2>&1", path, path);
	rc = system(cmd);
	if (rc != 0) {
		char *out = NULL;
		size_t len = 0;
		snprintf(cmd, sizeof cmd, "%s.out", path);
		snd_read_file(cmd, 1 << 16, &out, &len);
		ck_abort_msg("promtool check metrics failed (%d):\n%s\n--- on ---\n%s", rc,
		             out ? out : "", text);
	}
	return 1;
}

/* ---------------------------------------------------------------- tests */

START_TEST(test_metrics_off_by_default)
{
	struct h_env e;
	struct h_client *c;
	h_up(&e, &c, forms, NULL);
	ck_assert_int_eq(metrics_port(&e), 0);
	h_down(&e, &c);
}
END_TEST

START_TEST(test_metrics_count_exactly_the_requests_made_and_are_well_formed)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r, m;
	uint8_t fpk[SND_PK_BYTES], fsk[SND_SK_BYTES];
	char *tok, *claims, *forged, *ctype, *text;
	int port;

	h_up(&e, &c, forms, metrics_on);
	port = metrics_port(&e);
	ck_assert_msg(port > 0 && port != e.port, "metrics port %d", port);

	tok = h_token(&e, "all-types", "d1", "delegate");
	ck_assert_int_eq(h_post_json(c, API_POST, tok, BODY, &r), 201); /* verified: a miss */
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(c, API_POST, tok, BODY, &r), 201); /* cached: a hit */
	h_resp_free(&r);
	ck_assert(snd_keypair(fpk, fsk) == SND_OK);
	claims = h_claims(&e, "all-types", "d2", "delegate", "France", NULL, -60, 3600, NULL);
	forged = h_sign_with(fsk, claims);
	ck_assert_int_eq(h_post_json(c, API_POST, forged, BODY, &r), 401); /* a miss */
	h_resp_free(&r);
	ck_assert_int_eq(h_get(c, "/no/such/page", &r), 404);
	h_resp_free(&r);

	scrape_until(port, "sounding_http_request_duration_seconds_count{route=\"other\"}", 1, &m);
	ctype = h_header(&m, "Content-Type");
	ck_assert_str_eq(ctype, CTYPE);
	free(ctype);
	text = m.body;
	ASSERT_SAMPLE(text, "sounding_http_requests_total{route=\"api_responses\",code=\"201\"}", 2);
	ASSERT_SAMPLE(text, "sounding_http_requests_total{route=\"api_responses\",code=\"401\"}", 1);
	ASSERT_SAMPLE(text, "sounding_http_requests_total{route=\"other\",code=\"404\"}", 1);
	ck_assert_msg(strstr(text, "/no/such/page") == NULL, "a path became a label");
	ASSERT_SAMPLE(text, "sounding_http_request_duration_seconds_count{route=\"api_responses\"}", 3);
	ASSERT_SAMPLE(text,
	              "sounding_http_request_duration_seconds_bucket{route=\"api_responses\","
	              "le=\"+Inf\"}",
	              3);
	ASSERT_SAMPLE(text, "sounding_http_request_duration_seconds_count{route=\"other\"}", 1);
	ck_assert(sample(text, "sounding_http_request_duration_seconds_sum{route=\"api_responses\"}") >
	          0);
	ck_assert(sample(text, "sounding_http_requests_total{route=\"healthz\",code=\"200\"}") >= 1);
	ASSERT_SAMPLE(text, "sounding_writer_rows_total", 2);
	ASSERT_SAMPLE(text, "sounding_writer_batch_size_sum", 2);
	ASSERT_SAMPLE(text, "sounding_writer_batch_size_count", 2); /* one after the other */
	ASSERT_SAMPLE(text, "sounding_writer_commit_seconds_count", 2);
	ck_assert(sample(text, "sounding_writer_commit_seconds_sum") > 0);
	ASSERT_SAMPLE(text, "sounding_writer_queue_depth", 0);
	ASSERT_SAMPLE(text, "sounding_token_cache_hits_total", 1);
	ASSERT_SAMPLE(text, "sounding_token_cache_misses_total", 2);
	ASSERT_SAMPLE(text, "sounding_responses{questionnaire=\"all-types\"}", 1);
	ASSERT_SAMPLE(text, "sounding_build_info{version=\"" SND_VERSION "\"}", 1);
	ck_assert(sample(text, "process_start_time_seconds") > 1.7e9);
	check_format(text);
	promtool(&e, text);
	h_resp_free(&m);

	/* a scrape is not a request of the collector's */
	ck_assert_int_eq(scrape(port, "GET", "/metrics", &m), 200);
	ASSERT_SAMPLE(m.body, "sounding_http_requests_total{route=\"other\",code=\"404\"}", 1);
	h_resp_free(&m);
	ck_assert_int_eq(scrape(port, "HEAD", "/metrics", &m), 200);
	h_resp_free(&m);
	ck_assert_int_eq(scrape(port, "GET", "/", &m), 404);
	h_resp_free(&m);
	ck_assert_int_eq(scrape(port, "GET", "/metrics/x", &m), 404);
	h_resp_free(&m);
	ck_assert_int_eq(scrape(port, "DELETE", "/metrics", &m), 405);
	h_resp_free(&m);

	free(tok);
	free(claims);
	free(forged);
	h_down(&e, &c);
}
END_TEST

START_TEST(test_metrics_responses_survive_a_restart)
{
	struct h_env e;
	struct h_client *c;
	struct h_resp r, m;
	char *t1 = NULL, *t2 = NULL, *t3 = NULL;

	h_up(&e, &c, forms, metrics_on);
	t1 = h_token(&e, "all-types", "d1", "delegate");
	t2 = h_token(&e, "all-types", "d2", "delegate");
	ck_assert_int_eq(h_post_json(c, API_POST, t1, BODY, &r), 201);
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(c, API_POST, t2, BODY, &r), 201);
	h_resp_free(&r);
	h_client_free(c);
	ck_assert_int_eq(h_stop(&e), 0);

	h_start(&e, forms, metrics_on);
	c = h_client_new(&e);
	ck_assert_int_eq(scrape(metrics_port(&e), "GET", "/metrics", &m), 200);
	ASSERT_SAMPLE(m.body, "sounding_responses{questionnaire=\"all-types\"}", 2);
	ASSERT_SAMPLE(m.body, "sounding_writer_rows_total", 0); /* counters start again */
	h_resp_free(&m);
	t3 = h_token(&e, "all-types", "d3", "delegate");
	ck_assert_int_eq(h_post_json(c, API_POST, t1, BODY, &r), 201); /* a revision */
	h_resp_free(&r);
	ck_assert_int_eq(h_post_json(c, API_POST, t3, BODY, &r), 201); /* a new delegate */
	h_resp_free(&r);
	ck_assert_int_eq(scrape(metrics_port(&e), "GET", "/metrics", &m), 200);
	ASSERT_SAMPLE(m.body, "sounding_responses{questionnaire=\"all-types\"}", 3);
	ASSERT_SAMPLE(m.body, "sounding_writer_rows_total", 2);
	h_resp_free(&m);
	free(t1);
	free(t2);
	free(t3);
	h_down(&e, &c);
}
END_TEST

START_TEST(test_metrics_listen_on_the_main_port_is_refused)
{
	struct h_env e;
	const char *argv[] = {h_collector(), "serve", NULL, NULL, "--db", NULL, "--issuer-pub", NULL,
	                      "--receipt-key", NULL, "--listen", "127.0.0.1:39987",
	                      "--metrics-listen", "127.0.0.1:39987", "--allow-root", NULL};
	char *form;
	h_setup(&e);
	form = h_form_path("all-types.json");
	argv[2] = "--form";
	argv[3] = form;
	argv[5] = e.db;
	argv[7] = e.issuer_public;
	argv[9] = e.receipt_secret;
	ck_assert_int_eq(h_run(argv, NULL), 2);
	argv[13] = "nowhere";
	ck_assert_int_eq(h_run(argv, NULL), 2);
	free(form);
	h_teardown(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("metrics");
	TCase *t = tcase_create("metrics");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_metrics_off_by_default);
	tcase_add_test(t, test_metrics_count_exactly_the_requests_made_and_are_well_formed);
	tcase_add_test(t, test_metrics_responses_survive_a_restart);
	tcase_add_test(t, test_metrics_listen_on_the_main_port_is_refused);
	suite_add_tcase(s, t);
	return h_run_suite(s);
}
