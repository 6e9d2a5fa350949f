/* metrics.c - the collector's metrics (metrics.h): process-wide counters,
 * bumped by the hooks, and the Prometheus text exposition served by `serve
 * --metrics-listen` on a listener and thread of its own, so a scrape never
 * waits behind delegates' connections nor they behind it.
 *
 * Invariants:
 *   1. A hook is relaxed atomic adds (or one store) into fixed arrays:
 *      no lock, no allocation, no system call.  Counters only grow; a
 *      scrape reads each one once and may see a request counted in one
 *      series and not yet in another (the format allows it).
 *   2. Label values come from fixed sets: route names from the route
 *      table (never a path), status codes from the table below (others
 *      as "2xx".."5xx"), questionnaire ids of loaded forms.  They are
 *      escaped anyway (\\, \", \n).
 *   3. A histogram's buckets are counted apart (one add per observation)
 *      and made cumulative at scrape time; its _count is the sum of its
 *      buckets, so _count and the +Inf bucket always agree.
 *   4. The metrics server answers GET and HEAD of /metrics (200), other
 *      methods there 405, every other path 404, and reads no request body
 *      (a request with one is closed).  Its answers are queued on the
 *      second handler call, which keeps the scraper's connection alive.
 *   5. responses[] (delegates with an answer, per loaded form) is read once
 *      from the store by metrics_init, before the writer starts, and from
 *      then on counted by the writer after each commit (a first revision).
 */
#include "metrics.h"

#include "http_int.h"
#include "routes.h"
#include "srv.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ statuses */

/* The statuses the collector sends, each its own series; any other is
 * counted in its class. */
#define STATUS_CODES                                                                         \
	X(200) X(201) X(204) X(301) X(302) X(303) X(304) X(400) X(401) X(403) X(404) X(405)  \
	X(406) X(408) X(409) X(410) X(411) X(413) X(414) X(415) X(422) X(429) X(431) X(500)  \
	X(501) X(503)

enum {
#define X(c) S_##c,
	STATUS_CODES
#undef X
	S_1XX, S_2XX, S_3XX, S_4XX, S_5XX,
	S_OTHER,
	NSTATUS
};

static const char *const status_label[NSTATUS] = {
#define X(c) #c,
	STATUS_CODES
#undef X
	"1xx", "2xx", "3xx", "4xx", "5xx", "other",
};

static unsigned status_slot(unsigned st)
{
	switch (st) {
#define X(c) \
	case c: return S_##c;
	STATUS_CODES
#undef X
	default: return st >= 100 && st < 600 ? S_1XX + st / 100 - 1 : S_OTHER;
	}
}

/* ---------------------------------------------------------- histograms */

/* Request latency, in microseconds (upper bounds; the last bucket +Inf). */
static const uint64_t lat_bounds[] = {500,    1000,   2500,   5000,    10000,   25000,
                                      50000,  100000, 250000, 500000, 1000000, 2500000};
static const char *const lat_le[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
                                     "0.1",    "0.25",  "0.5",    "1",     "2.5",  "+Inf"};
#define LAT_N (sizeof lat_bounds / sizeof lat_bounds[0] + 1)

/* Rows per commit (WRITER_BATCH_MAX is 64). */
static const uint64_t batch_bounds[] = {1, 2, 4, 8, 16, 32, 64};
static const char *const batch_le[] = {"1", "2", "4", "8", "16", "32", "64", "+Inf"};
#define BATCH_N (sizeof batch_bounds / sizeof batch_bounds[0] + 1)

/* COMMIT (with its fsync), in microseconds. */
static const uint64_t commit_bounds[] = {100,   250,   500,    1000,   2500,   5000,  10000,
                                         25000, 50000, 100000, 250000, 500000, 1000000};
static const char *const commit_le[] = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025",
                                        "0.005",  "0.01",    "0.025",  "0.05",  "0.1",
                                        "0.25",   "0.5",     "1",      "+Inf"};
#define COMMIT_N (sizeof commit_bounds / sizeof commit_bounds[0] + 1)

static unsigned bucket(const uint64_t *bounds, size_t n, uint64_t v)
{
	unsigned i = 0;
	while (i < n && v > bounds[i])
		i++;
	return i; /* n: +Inf */
}

/* ------------------------------------------------------------ counters */

typedef atomic_ullong counter;

/* Grouped by who writes them, each group on its own cache lines. */
static struct {
	_Alignas(64) counter req[ROUTES_MAX][NSTATUS];
	counter lat[ROUTES_MAX][LAT_N];
	counter lat_sum_us[ROUTES_MAX];
	_Alignas(64) counter token_hits, token_misses;
	_Alignas(64) atomic_ullong queue_depth;
	counter rows;
	counter batch[BATCH_N];
	counter commit[COMMIT_N];
	counter commit_sum_ns;
} m;

static const struct srv *msrv;          /* set by metrics_init */
static atomic_llong *responses;         /* per msrv->forms[i] */
static double start_time;               /* process_start_time_seconds */

#define ADD(c, v) atomic_fetch_add_explicit(&(c), (v), memory_order_relaxed)
#define GET(c) atomic_load_explicit(&(c), memory_order_relaxed)

void metrics_request(size_t route, unsigned status, int64_t us)
{
	uint64_t u = us > 0 ? (uint64_t)us : 0;
	if (route >= ROUTES_MAX)
		route = ROUTES_MAX - 1;
	ADD(m.req[route][status_slot(status)], 1);
	ADD(m.lat[route][bucket(lat_bounds, LAT_N - 1, u)], 1);
	ADD(m.lat_sum_us[route], u);
}

void metrics_token_cache(int hit)
{
	if (hit)
		ADD(m.token_hits, 1);
	else
		ADD(m.token_misses, 1);
}

void metrics_writer_queue(size_t depth)
{
	atomic_store_explicit(&m.queue_depth, depth, memory_order_relaxed);
}

void metrics_writer_commit(size_t rows, int64_t ns)
{
	uint64_t n = ns > 0 ? (uint64_t)ns : 0;
	ADD(m.rows, rows);
	ADD(m.batch[bucket(batch_bounds, BATCH_N - 1, rows)], 1);
	ADD(m.commit[bucket(commit_bounds, COMMIT_N - 1, n / 1000)], 1);
	ADD(m.commit_sum_ns, n);
}

void metrics_first_answer(const char *qid)
{
	size_t i;
	if (responses == NULL)
		return;
	for (i = 0; i < msrv->nforms; i++)
		if (strcmp(msrv->forms[i]->id, qid) == 0) {
			atomic_fetch_add_explicit(&responses[i], 1, memory_order_relaxed);
			return;
		}
}

int metrics_init(struct srv *s, struct snd_store *ws)
{
	struct timespec ts;
	size_t i;
	clock_gettime(CLOCK_REALTIME, &ts);
	start_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if ((responses = calloc(s->nforms ? s->nforms : 1, sizeof *responses)) == NULL)
		return -1;
	for (i = 0; i < s->nforms; i++) {
		int64_t delegates = 0, revisions = 0;
		if (snd_store_counts(ws, s->forms[i]->id, &delegates, &revisions) != SND_OK) {
			free(responses);
			responses = NULL;
			return -1;
		}
		atomic_init(&responses[i], delegates);
	}
	msrv = s;
	return 0;
}

/* ---------------------------------------------------------- exposition */

/* A label value, escaped as the text format asks. */
static void put_label(struct snd_buf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			snd_buf_puts(b, "\\\\");
		else if (*v == '"')
			snd_buf_puts(b, "\\\"");
		else if (*v == '\n')
			snd_buf_puts(b, "\\n");
		else
			snd_buf_putc(b, *v);
	}
}

static void head(struct snd_buf *b, const char *name, const char *type, const char *help)
{
	snd_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One histogram's series from its (not cumulative) bucket counts;
 * label_name NULL: no label. */
static void histogram(struct snd_buf *b, const char *name, const char *label_name,
                      const char *label, const uint64_t *counts, size_t n,
                      const char *const *le, double sum)
{
	uint64_t cum = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		cum += counts[i];
		snd_buf_printf(b, "%s_bucket{", name);
		if (label_name != NULL) {
			snd_buf_printf(b, "%s=\"", label_name);
			put_label(b, label);
			snd_buf_puts(b, "\",");
		}
		snd_buf_printf(b, "le=\"%s\"} %llu\n", le[i], (unsigned long long)cum);
	}
	if (label_name != NULL) {
		snd_buf_printf(b, "%s_sum{%s=\"", name, label_name);
		put_label(b, label);
		snd_buf_printf(b, "\"} %.9g\n%s_count{%s=\"", sum, name, label_name);
		put_label(b, label);
		snd_buf_printf(b, "\"} %llu\n", (unsigned long long)cum);
	} else {
		snd_buf_printf(b, "%s_sum %.9g\n%s_count %llu\n", name, sum, name,
		               (unsigned long long)cum);
	}
}

static void snapshot(uint64_t *out, counter *c, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		out[i] = GET(c[i]);
}

/* The first index with route i's name: rows that share a name ("static")
 * are one series, summed. */
static size_t name_first(size_t i)
{
	size_t j;
	for (j = 0; j < i; j++)
		if (strcmp(route_name(j), route_name(i)) == 0)
			return j;
	return i;
}

int metrics_render(const struct srv *s, struct snd_buf *b)
{
	size_t nr = route_count() + 1, i, j, k;  /* the rows and "other" */
	uint64_t snap[COMMIT_N > BATCH_N ? COMMIT_N : BATCH_N];
	static const char dur[] = "sounding_http_request_duration_seconds";

	if (nr > ROUTES_MAX)
		nr = ROUTES_MAX;
	head(b, "sounding_http_requests_total", "counter",
	     "Requests answered, by route (a row of the route table; other: none matched) and "
	     "status code.");
	for (i = 0; i < nr; i++) {
		if (name_first(i) != i)
			continue;
		for (k = 0; k < NSTATUS; k++) {
			uint64_t v = 0;
			for (j = i; j < nr; j++)
				if (name_first(j) == i)
					v += GET(m.req[j][k]);
			if (v == 0)
				continue;
			snd_buf_puts(b, "sounding_http_requests_total{route=\"");
			put_label(b, route_name(i));
			snd_buf_printf(b, "\",code=\"%s\"} %llu\n", status_label[k], (unsigned long long)v);
		}
	}

	head(b, dur, "histogram",
	     "Time from the request line to the last byte of the answer, by route.");
	for (i = 0; i < nr; i++) {
		uint64_t counts[LAT_N] = {0}, n = 0, sum_us = 0;
		if (name_first(i) != i)
			continue;
		for (j = i; j < nr; j++) {
			if (name_first(j) != i)
				continue;
			for (k = 0; k < LAT_N; k++) {
				uint64_t v = GET(m.lat[j][k]);
				counts[k] += v;
				n += v;
			}
			sum_us += GET(m.lat_sum_us[j]);
		}
		if (n == 0)
			continue;
		histogram(b, dur, "route", route_name(i), counts, LAT_N, lat_le,
		          (double)sum_us / 1e6);
	}

	head(b, "sounding_writer_queue_depth", "gauge",
	     "Submissions waiting for the writer (at most 4096; past that: 503).");
	snd_buf_printf(b, "sounding_writer_queue_depth %llu\n",
	               (unsigned long long)GET(m.queue_depth));
	head(b, "sounding_writer_rows_total", "counter", "Revisions committed to the database.");
	snd_buf_printf(b, "sounding_writer_rows_total %llu\n", (unsigned long long)GET(m.rows));
	head(b, "sounding_writer_batch_size", "histogram",
	     "Revisions per committed transaction (group commit).");
	snapshot(snap, m.batch, BATCH_N);
	histogram(b, "sounding_writer_batch_size", NULL, NULL, snap, BATCH_N, batch_le,
	          (double)GET(m.rows));
	head(b, "sounding_writer_commit_seconds", "histogram",
	     "Time of each COMMIT, with its fsync (synchronous=FULL).");
	snapshot(snap, m.commit, COMMIT_N);
	histogram(b, "sounding_writer_commit_seconds", NULL, NULL, snap, COMMIT_N, commit_le,
	          (double)GET(m.commit_sum_ns) / 1e9);

	head(b, "sounding_token_cache_hits_total", "counter",
	     "Tokens found in the verified-token cache (no signature check).");
	snd_buf_printf(b, "sounding_token_cache_hits_total %llu\n",
	               (unsigned long long)GET(m.token_hits));
	head(b, "sounding_token_cache_misses_total", "counter",
	     "Well-formed tokens not in the cache, whose signature was checked.");
	snd_buf_printf(b, "sounding_token_cache_misses_total %llu\n",
	               (unsigned long long)GET(m.token_misses));

	head(b, "sounding_responses", "gauge",
	     "Delegates with at least one stored answer, by questionnaire.");
	if (responses != NULL)
		for (i = 0; i < s->nforms; i++) {
			snd_buf_puts(b, "sounding_responses{questionnaire=\"");
			put_label(b, s->forms[i]->id);
			snd_buf_printf(b, "\"} %lld\n",
			               (long long)atomic_load_explicit(&responses[i], memory_order_relaxed));
		}

	head(b, "sounding_build_info", "gauge", "The collector's version; always 1.");
	snd_buf_printf(b, "sounding_build_info{version=\"%s\"} 1\n", SND_VERSION);
	head(b, "process_start_time_seconds", "gauge",
	     "Start time of the process since the Unix epoch, in seconds.");
	snd_buf_printf(b, "process_start_time_seconds %.3f\n", start_time);
	return b->failed ? -1 : 0;
}

/* ------------------------------------------------------- the server */

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, char *body, size_t len,
                              enum MHD_ResponseMemoryMode mode, const char *ctype)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result rc;
	if (resp == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version,
                               const char *upload_data, size_t *upload_data_size,
                               void **con_cls)
{
	static int seen; /* *con_cls: the first call has been (invariant 4) */
	static const char text[] = "text/plain; charset=utf-8";
	static char not_found[] = "not found: the metrics are at /metrics\n";
	static char not_allowed[] = "method not allowed: GET /metrics\n";
	struct snd_buf b;
	char *body;
	size_t len;

	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (*upload_data_size != 0)
		return MHD_NO;
	if (strcmp(url, "/metrics") != 0)
		return answer(c, 404, not_found, sizeof not_found - 1, MHD_RESPMEM_PERSISTENT, text);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return answer(c, 405, not_allowed, sizeof not_allowed - 1, MHD_RESPMEM_PERSISTENT,
		              text);
	snd_buf_init(&b, (size_t)4 << 20);
	if (metrics_render(cls, &b) != 0 || (body = snd_buf_steal(&b, &len)) == NULL) {
		snd_buf_free(&b);
		return MHD_NO;
	}
	return answer(c, 200, body, len, MHD_RESPMEM_MUST_FREE,
	              "text/plain; version=0.0.4; charset=utf-8");
}

struct MHD_Daemon *metrics_start(struct srv *s, int lfd, int v6)
{
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (v6)
		flags |= MHD_USE_IPv6;
	/* One thread (no pool), a few connections: Prometheus keeps one. */
	return MHD_start_daemon(flags, 0, NULL, NULL, handler, s,
	                        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
	                        MHD_OPTION_CONNECTION_LIMIT, 16u,
	                        MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	                        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 << 10,
	                        MHD_OPTION_END);
}

void metrics_stop(struct MHD_Daemon *d)
{
	if (d != NULL)
		MHD_stop_daemon(d);
	free(responses);
	responses = NULL;
	msrv = NULL;
}
