/* load.c - the benchmarks' HTTP load client: N keep-alive connections, one
 * request in flight on each (as wrk), for a fixed time, on T threads (2 by
 * default, as run.sh ran wrk), each an epoll loop over its share of the
 * connections (non-blocking sockets).  It replaces wrk + Lua for the API and
 * delegate-flow loads because the Lua request()/response() per request cost
 * the client ~33 us of CPU per cold request on the 2 cores it shares with
 * the collector (bench/README.md, "The load client").
 *
 *   load api  [options] http://HOST:PORT/
 *       POST /api/v1/questionnaires/QID/responses, Authorization: Bearer
 *       TOKEN, one JSON body of --bodies per request (cycled); 201 expected.
 *   load flow [options] http://HOST:PORT/
 *       What a browser does: GET /q/QID with the session cookie of the next
 *       token, take the _csrf hidden field from the page, POST the next
 *       urlencoded body of --bodies with "_csrf=...&" in front; 303 expected.
 *       Each flow uses a new token (cold), on whichever connection is free.
 *   load selftest
 *       Feeds canned responses (Content-Length, chunked, 100 Continue,
 *       read-until-close, malformed) to the response parser split at every
 *       byte, as short reads would; exit 0 when all pass.
 *
 * Options: -c N connections (64), -t T threads (2), -d SECONDS (10; "10s" also accepted),
 * --timeout SECONDS (10), --tokens FILE (gen tokens: fixed-width lines),
 * --bodies FILE (gen answers: one body per line), --limit K (use only the
 * first K tokens, cycled: delegates revising; 0 = every token once, in file
 * order), --offset N (skip the first N tokens), --qid ID (lsg-review).
 *
 * Invariants and the accounting the benchmark's database check relies on:
 *  1. A response counts (REQUESTS, CREATED/FLOWS, latency) only when it was
 *     complete before the deadline; at the deadline the client stops at once
 *     and closes every socket, so a request in flight then is never counted,
 *     exactly as wrk drops them.  The server may still store such a POST:
 *     UNACKED_POSTS counts every POST written (wholly or in part) whose
 *     response was not counted (in flight at the deadline, or lost with a
 *     failed connection), the most the database may hold beyond the acks.
 *  2. A token is used by one request at a time: tokens are taken in file
 *     order by a single counter shared by the threads (the only thing they
 *     share while running), so with --limit K a token comes back only after
 *     K more requests (K >= 2 x connections is checked).  WRAPS counts
 *     how often the tokens ran out and started over (a cold run needs 0).
 *  3. A connection the server closes (or that fails, or times out) with a
 *     request in flight counts one error and is reopened; a response that
 *     says "Connection: close" counts normally and the connection is
 *     reopened (RECONNECTS).  Errors never stop the run.
 *  4. Latency is from the first byte of the request written to the last byte
 *     of the response read, into log buckets: exact below 256 us, within
 *     0.8 % above; percentiles report the bucket's upper edge.
 *  5. CLIENT_CPU_US is this process's user + system CPU (getrusage, all threads) from the
 *     first connect to the stop, so it excludes loading tokens and bodies
 *     (SETUP_CPU_US); wrk's figure in run.sh, from GNU time, includes its
 *     Lua scripts' setup.
 *
 * Output (stdout, one "KEY value" per line, the keys of the wrk scripts'
 * done() so run.sh reads both alike): RPS, P50_US, P90_US, P99_US, MAX_US,
 * ERRORS (transport: connect, read, write, timeout, protocol; unlike wrk,
 * not the 4xx/5xx, which are OTHER), ERR_DETAIL, REQUESTS, CREATED (api) or
 * FLOWS and GETS (flow), OTHER (unexpected status), WRAPS, UNACKED_POSTS,
 * RECONNECTS, CLIENT_CPU_US, CLIENT_CPU_PER_REQ_US, SETUP_CPU_US, and for
 * the flow GET_P50_US ... POST_P99_US; FIRST_BAD with the first unexpected
 * response's status and up to 200 bytes of its body.  Exit 0 after a run
 * (whatever its errors), 1 on bad input files, 2 on a usage error.
 */
#define _GNU_SOURCE 1 /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RBUF_INIT 65536           /* a flow's page is ~43 KB: one read */
#define RBUF_MAX (64u << 20)      /* a response larger than this is an error */
#define MAX_CONNS 10000
#define CSRF_MAX 128
#define TICK_MS 20                /* timeouts and reconnects are checked this often */

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("load: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (p == NULL)
		die(1, "out of memory (%zu bytes)", n);
	return p;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* ------------------------------------------------------------ histogram */

/* HdrHistogram-style log buckets of microseconds: values below 256 have a
 * bucket each; above, each power of two is split in 128 (relative width
 * < 0.8 %).  Values are capped at 2^40 us. */
#define HIST_SUB 256
#define HIST_HALF 128
#define HIST_BUCKETS (HIST_SUB + 33 * HIST_HALF)

struct hist {
	uint64_t n, max;
	uint64_t b[HIST_BUCKETS];
};

static unsigned hist_index(uint64_t v)
{
	unsigned shift;
	if (v < HIST_SUB)
		return (unsigned)v;
	if (v >= (1ull << 40))
		v = (1ull << 40) - 1;
	shift = (unsigned)(63 - __builtin_clzll(v)) - 7; /* v >> shift in [128, 255] */
	return HIST_SUB + (shift - 1) * HIST_HALF + (unsigned)((v >> shift) - HIST_HALF);
}

static uint64_t hist_upper(unsigned i) /* the largest value of bucket i */
{
	unsigned shift;
	uint64_t m;
	if (i < HIST_SUB)
		return i;
	shift = (i - HIST_SUB) / HIST_HALF + 1;
	m = (i - HIST_SUB) % HIST_HALF + HIST_HALF;
	return ((m + 1) << shift) - 1;
}

static void hist_add(struct hist *h, uint64_t us)
{
	h->b[hist_index(us)]++;
	h->n++;
	if (us > h->max)
		h->max = us;
}

/* The smallest bucket edge with at least ceil(p% of n) values at or below. */
static uint64_t hist_pct(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;
	unsigned i;
	if (h->n == 0)
		return 0;
	rank = (uint64_t)(p / 100.0 * (double)h->n + 0.999999);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			return hist_upper(i) < h->max ? hist_upper(i) : h->max;
	}
	return h->max;
}

/* ------------------------------------------------------ response parser */

/* One HTTP/1.1 response, parsed as bytes arrive in rp->buf[0..len).  The
 * caller appends to buf (growing it as resp_room asks) and calls
 * resp_parse after each read; the parser keeps its place, so nothing is
 * scanned twice.  A chunked body is de-chunked in place: the body is
 * buf[body..body_end) once complete.  1xx responses are skipped. */
enum body_mode { B_LENGTH, B_CHUNKED, B_CLOSE };
enum chunk_state { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILER };

struct resp {
	char *buf;
	size_t cap, len;
	size_t scan;       /* headers: where the search for CRLFCRLF resumes */
	size_t body;       /* 0 while the headers are incomplete */
	size_t body_end;   /* B_LENGTH: body + content-length; chunked: de-chunked end */
	size_t cpos;       /* chunked: raw position */
	uint64_t crem;     /* chunked: bytes left in the current chunk */
	enum body_mode mode;
	enum chunk_state cst;
	int status;
	int conn_close;    /* "Connection: close": reopen after this response */
};

static void resp_reset(struct resp *rp)
{
	rp->len = 0;
	rp->scan = 0;
	rp->body = 0;
	rp->body_end = 0;
	rp->cpos = 0;
	rp->crem = 0;
	rp->mode = B_LENGTH;
	rp->cst = CH_SIZE;
	rp->status = 0;
	rp->conn_close = 0;
}

/* Room for the next read: grows buf up to RBUF_MAX; 0 when full. */
static size_t resp_room(struct resp *rp)
{
	if (rp->len == rp->cap) {
		size_t ncap = rp->cap * 2;
		char *nb;
		if (ncap > RBUF_MAX)
			return 0;
		nb = realloc(rp->buf, ncap);
		if (nb == NULL)
			return 0;
		rp->buf = nb;
		rp->cap = ncap;
	}
	return rp->cap - rp->len;
}

/* Case-insensitive "does the header line [p, e) start with name"; on yes,
 * *val is the value with leading blanks skipped. */
static int header_is(const char *p, const char *e, const char *name, const char **val)
{
	size_t n = strlen(name);
	if ((size_t)(e - p) < n || strncasecmp(p, name, n) != 0)
		return 0;
	p += n;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	*val = p;
	return 1;
}

static int has_token(const char *p, const char *e, const char *tok)
{
	size_t n = strlen(tok);
	for (; p + n <= e; p++)
		if (strncasecmp(p, tok, n) == 0)
			return 1;
	return 0;
}

/* Status line and headers in buf[0..hend) (hend just past CRLFCRLF). */
static int parse_head(struct resp *rp, size_t hend)
{
	const char *p = rp->buf, *end = rp->buf + hend - 2, *eol, *v;
	int have_len = 0, chunked = 0;
	uint64_t clen = 0;
	if (hend < 16 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' ||
	    p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9')
		return -1;
	rp->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	rp->conn_close = p[7] == '0'; /* HTTP/1.0: no keep-alive unless asked */
	eol = memchr(p, '\n', (size_t)(end - p));
	if (eol == NULL)
		return -1;
	for (p = eol + 1; p < end; p = eol + 1) {
		const char *le;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		le = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
		if (header_is(p, le, "content-length:", &v)) {
			if (v == le)
				return -1;
			for (clen = 0; v < le && *v >= '0' && *v <= '9'; v++) {
				if (clen > (uint64_t)RBUF_MAX)
					return -1;
				clen = clen * 10 + (uint64_t)(*v - '0');
			}
			if (v != le)
				return -1;
			have_len = 1;
		} else if (header_is(p, le, "transfer-encoding:", &v)) {
			chunked = has_token(v, le, "chunked");
		} else if (header_is(p, le, "connection:", &v)) {
			if (has_token(v, le, "close"))
				rp->conn_close = 1;
			else if (has_token(v, le, "keep-alive"))
				rp->conn_close = 0;
		}
	}
	rp->body = hend;
	if (chunked) {
		rp->mode = B_CHUNKED;
		rp->cpos = hend;
		rp->body_end = hend;
		rp->cst = CH_SIZE;
	} else if (have_len || rp->status == 204 || rp->status == 304 || rp->status < 200) {
		rp->mode = B_LENGTH;
		rp->body_end = hend + (size_t)clen;
	} else {
		rp->mode = B_CLOSE;
		rp->conn_close = 1;
	}
	return 0;
}

/* The chunked body from cpos on: 1 complete, 0 more needed, -1 malformed. */
static int parse_chunks(struct resp *rp)
{
	for (;;) {
		char *b = rp->buf, *eol;
		switch (rp->cst) {
		case CH_SIZE:
		case CH_TRAILER:
			eol = memchr(b + rp->cpos, '\n', rp->len - rp->cpos);
			if (eol == NULL)
				return rp->len - rp->cpos > 1024 ? -1 : 0;
			if (eol == b + rp->cpos || eol[-1] != '\r')
				return -1;
			if (rp->cst == CH_TRAILER) {
				size_t line = (size_t)(eol - 1 - (b + rp->cpos));
				rp->cpos = (size_t)(eol + 1 - b);
				if (line == 0)
					return 1; /* the empty line after the trailers */
				continue;
			} else {
				const char *q = b + rp->cpos;
				uint64_t n = 0;
				int digits = 0;
				for (; q < eol - 1; q++, digits++) {
					int d;
					if (*q >= '0' && *q <= '9')
						d = *q - '0';
					else if ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'f')
						d = (*q | 0x20) - 'a' + 10;
					else
						break;
					if (n > (uint64_t)RBUF_MAX)
						return -1;
					n = n * 16 + (uint64_t)d;
				}
				if (digits == 0 || (q < eol - 1 && *q != ';' && *q != ' ' && *q != '\t'))
					return -1;
				rp->cpos = (size_t)(eol + 1 - b);
				rp->crem = n;
				rp->cst = n == 0 ? CH_TRAILER : CH_DATA;
			}
			break;
		case CH_DATA: {
			size_t n = rp->len - rp->cpos;
			if (n > rp->crem)
				n = (size_t)rp->crem;
			memmove(b + rp->body_end, b + rp->cpos, n);
			rp->body_end += n;
			rp->cpos += n;
			rp->crem -= n;
			if (rp->crem > 0)
				return 0;
			rp->cst = CH_DATA_END;
			break;
		}
		case CH_DATA_END:
			if (rp->len - rp->cpos < 2)
				return 0;
			if (b[rp->cpos] != '\r' || b[rp->cpos + 1] != '\n')
				return -1;
			rp->cpos += 2;
			rp->cst = CH_SIZE;
			break;
		}
	}
}

/* After new bytes: 1 = a final response is complete (and nothing follows
 * it), 0 = more needed, -1 = malformed or unexpected bytes.  eof says the
 * peer closed: that completes a read-until-close body only. */
static int resp_parse(struct resp *rp, int eof)
{
	for (;;) {
		if (rp->body == 0) {
			const char *e;
			size_t from = rp->scan > 3 ? rp->scan - 3 : 0;
			e = rp->len > from ? memmem(rp->buf + from, rp->len - from, "\r\n\r\n", 4) : NULL;
			if (e == NULL) {
				rp->scan = rp->len;
				return rp->len > 65536 ? -1 : 0;
			}
			if (parse_head(rp, (size_t)(e + 4 - rp->buf)) != 0)
				return -1;
		}
		if (rp->status < 200) { /* 1xx: drop it, parse what follows */
			size_t used = rp->body;
			if (rp->status == 101)
				return -1;
			memmove(rp->buf, rp->buf + used, rp->len - used);
			rp->len -= used;
			rp->scan = 0;
			rp->body = 0;
			continue;
		}
		switch (rp->mode) {
		case B_LENGTH:
			if (rp->len < rp->body_end)
				return 0;
			return rp->len == rp->body_end ? 1 : -1;
		case B_CHUNKED: {
			int r = parse_chunks(rp);
			if (r == 1 && rp->cpos != rp->len)
				return -1;
			return r;
		}
		case B_CLOSE:
			rp->body_end = rp->len;
			return eof ? 1 : 0;
		}
		return -1;
	}
}

/* ------------------------------------------------------------- the load */

enum mode { MODE_API, MODE_FLOW };
enum cstate { C_DOWN, C_CONNECTING, C_OPEN };

struct worker;

struct conn {
	struct worker *wk;  /* the thread that owns it */
	int fd;
	uint32_t gen;       /* bumped at each open: tells stale epoll events */
	enum cstate st;
	int inflight;       /* a request is written (in part) or awaited */
	int is_post;        /* the request in flight is a POST */
	int want_out;       /* EPOLLOUT is registered */
	char *w;            /* the request */
	size_t wlen, woff;
	uint64_t start;     /* ns, when its first byte was written (or the connect began) */
	uint64_t retry_at;  /* C_DOWN: reconnect from then on */
	size_t tok;         /* flow: the token of this flow */
	size_t csrf_len;    /* flow: > 0 when the next request is the POST */
	char csrf[CSRF_MAX];
	struct resp r;
};

struct body {
	const char *s;      /* the body */
	size_t len;
	char *seg;          /* api: the rest after the token: "\r\nContent-Length: N\r\n\r\n" + body */
	size_t seg_len;
};

/* One thread: its connections, its epoll set, its counts; the counts are
 * summed after the run, so the threads share nothing but the token counter. */
struct worker {
	pthread_t th;
	int ep, stop, nconn;
	struct conn *conns;
	size_t body_next;
	uint64_t requests, created, flows, gets, other, unacked_posts, reconnects;
	uint64_t e_connect, e_read, e_write, e_timeout, e_protocol;
	struct hist all, get, post;
	char first_bad[256];
};

static struct {
	enum mode mode;
	int nconn, nthreads;
	double duration, timeout;
	const char *tokens_path, *bodies_path, *qid, *url;
	size_t limit, offset;
	/* target */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char host[300];
	/* data */
	const char *tokmap;
	size_t tokwidth, ntok, tokbase, tokspan;
	atomic_size_t tok_taken; /* tokens handed out so far, by all threads */
	struct body *bodies;
	size_t nbodies;
	char *pre_api, *pre_get, *pre_post; /* request heads up to the token */
	size_t pre_api_len, pre_get_len, pre_post_len;
	size_t wcap;
	/* run */
	uint64_t t0, deadline;
	struct worker *workers;
} L;

/* The next token (advancing the shared counter): pointer and length.  When
 * all are used it starts over (as the Lua scripts); WRAPS is derived from
 * the count at the end. */
static const char *next_token(size_t *idx, size_t *len)
{
	const char *p, *sp;
	size_t i = L.tokbase + atomic_fetch_add_explicit(&L.tok_taken, 1, memory_order_relaxed) % L.tokspan;
	p = L.tokmap + i * L.tokwidth;
	sp = memchr(p, ' ', L.tokwidth - 1);
	*len = sp ? (size_t)(sp - p) : L.tokwidth - 1;
	*idx = i;
	return p;
}

static const char *token_at(size_t i, size_t *len)
{
	const char *p = L.tokmap + i * L.tokwidth, *sp = memchr(p, ' ', L.tokwidth - 1);
	*len = sp ? (size_t)(sp - p) : L.tokwidth - 1;
	return p;
}

static char *put(char *w, const void *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
}

static char *put_u(char *w, size_t v) /* decimal, no snprintf on the hot path */
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*w++ = t[--n];
	return w;
}

/* Build c's next request into c->w. */
static void build_request(struct conn *c)
{
	char *w = c->w;
	const char *tok;
	size_t tlen;
	if (L.mode == MODE_API) {
		const struct body *b = &L.bodies[c->wk->body_next];
		if (++c->wk->body_next == L.nbodies)
			c->wk->body_next = 0;
		tok = next_token(&c->tok, &tlen);
		w = put(w, L.pre_api, L.pre_api_len);
		w = put(w, tok, tlen);
		w = put(w, b->seg, b->seg_len);
		c->is_post = 1;
	} else if (c->csrf_len > 0) {
		const struct body *b = &L.bodies[c->wk->body_next];
		if (++c->wk->body_next == L.nbodies)
			c->wk->body_next = 0;
		tok = token_at(c->tok, &tlen);
		w = put(w, L.pre_post, L.pre_post_len);
		w = put(w, tok, tlen);
		w = put(w, "\r\nContent-Length: ", 18);
		w = put_u(w, 6 + c->csrf_len + 1 + b->len);
		w = put(w, "\r\n\r\n_csrf=", 10);
		w = put(w, c->csrf, c->csrf_len);
		*w++ = '&';
		w = put(w, b->s, b->len);
		c->csrf_len = 0;
		c->is_post = 1;
	} else {
		tok = next_token(&c->tok, &tlen);
		w = put(w, L.pre_get, L.pre_get_len);
		w = put(w, tok, tlen);
		w = put(w, "\r\n\r\n", 4);
		c->is_post = 0;
	}
	c->wlen = (size_t)(w - c->w);
	c->woff = 0;
}

static void set_out(struct conn *c, int on)
{
	struct epoll_event ev;
	if (c->want_out == on)
		return;
	ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
	ev.data.u64 = (uint64_t)(c - c->wk->conns) | (uint64_t)c->gen << 32;
	if (epoll_ctl(c->wk->ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
		die(1, "epoll_ctl: %s", strerror(errno));
	c->want_out = on;
}

static void conn_open(struct conn *c);

/* Close c; a request in flight is lost (counted by the caller's error). */
static void conn_drop(struct conn *c, uint64_t retry_delay_ns)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->inflight && c->is_post && c->woff > 0)
		c->wk->unacked_posts++;
	c->inflight = 0;
	c->csrf_len = 0; /* a flow restarts with a new token */
	c->st = C_DOWN;
	c->retry_at = now_ns() + retry_delay_ns;
	if (retry_delay_ns == 0)
		conn_open(c);
}

static void conn_fail(struct conn *c, uint64_t *counter)
{
	(*counter)++;
	conn_drop(c, 10 * 1000000u); /* reopen on a later tick, not in a spin */
}

/* Write what is left of c's request; 0 ok (done or waiting), -1 failed. */
static int flush(struct conn *c)
{
	while (c->woff < c->wlen) {
		ssize_t n;
		if (c->woff == 0)
			c->start = now_ns();
		n = send(c->fd, c->w + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
		if (n > 0) {
			c->woff += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			set_out(c, 1);
			return 0;
		}
		return -1;
	}
	set_out(c, 0);
	return 0;
}

static void send_next(struct conn *c)
{
	build_request(c);
	c->inflight = 1;
	resp_reset(&c->r);
	if (flush(c) != 0)
		conn_fail(c, &c->wk->e_write);
}

static void conn_open(struct conn *c)
{
	struct epoll_event ev;
	int one = 1;
	c->fd = socket(L.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die(1, "socket: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->want_out = 1;
	c->gen++;
	c->start = now_ns();
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.u64 = (uint64_t)(c - c->wk->conns) | (uint64_t)c->gen << 32;
	if (epoll_ctl(c->wk->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
		die(1, "epoll_ctl: %s", strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&L.addr, L.addrlen) == 0) {
		c->st = C_OPEN;
		send_next(c);
	} else if (errno == EINPROGRESS) {
		c->st = C_CONNECTING;
	} else {
		conn_fail(c, &c->wk->e_connect);
	}
}

static void note_bad(const struct conn *c, const char *what)
{
	size_t i, n, o;
	if (c->wk->first_bad[0])
		return;
	o = (size_t)snprintf(c->wk->first_bad, sizeof c->wk->first_bad, "%s %d ", what, c->r.status);
	n = c->r.body_end > c->r.body ? c->r.body_end - c->r.body : 0;
	if (n > 200)
		n = 200;
	for (i = 0; i < n && o + 1 < sizeof c->wk->first_bad; i++) {
		unsigned char ch = (unsigned char)c->r.buf[c->r.body + i];
		c->wk->first_bad[o++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	c->wk->first_bad[o] = 0;
}

/* flow: the _csrf hidden field of the page into c->csrf. */
static int take_csrf(struct conn *c)
{
	static const char mark[] = "name=\"_csrf\" value=\"";
	const char *b = c->r.buf + c->r.body, *e = c->r.buf + c->r.body_end, *p, *q;
	p = memmem(b, (size_t)(e - b), mark, sizeof mark - 1);
	if (p == NULL)
		return 0;
	p += sizeof mark - 1;
	for (q = p; q < e && q - p < CSRF_MAX &&
	            ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'));
	     q++)
		;
	if (q == p || q == e || *q != '"')
		return 0;
	c->csrf_len = (size_t)(q - p);
	memcpy(c->csrf, p, c->csrf_len);
	return 1;
}

/* A complete response on c, at time t (before the deadline). */
static void on_response(struct conn *c, uint64_t t)
{
	uint64_t us = (t - c->start) / 1000;
	int st = c->r.status;
	c->wk->requests++;
	hist_add(&c->wk->all, us);
	c->inflight = 0;
	if (L.mode == MODE_API) {
		if (st == 201) {
			c->wk->created++;
		} else {
			c->wk->other++;
			note_bad(c, "POST");
		}
	} else if (c->is_post) {
		hist_add(&c->wk->post, us);
		if (st == 303) {
			c->wk->flows++;
		} else {
			c->wk->other++;
			note_bad(c, "POST");
		}
	} else {
		hist_add(&c->wk->get, us);
		if (st == 200 && take_csrf(c)) {
			c->wk->gets++;
		} else {
			c->wk->other++;
			note_bad(c, "GET");
		}
	}
	if (c->r.conn_close) {
		c->wk->reconnects++;
		conn_drop(c, 0);
		return;
	}
	send_next(c);
}

static void on_readable(struct conn *c)
{
	for (;;) {
		size_t room = resp_room(&c->r);
		ssize_t n;
		int r;
		if (room == 0) {
			conn_fail(c, &c->wk->e_protocol);
			return;
		}
		n = recv(c->fd, c->r.buf + c->r.len, room, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			conn_fail(c, &c->wk->e_read);
			return;
		}
		if (!c->inflight) { /* data or a close with nothing asked */
			if (n > 0)
				conn_fail(c, &c->wk->e_protocol);
			else {
				c->wk->reconnects++;
				conn_drop(c, 0);
			}
			return;
		}
		c->r.len += (size_t)n;
		r = resp_parse(&c->r, n == 0);
		if (r < 0) {
			conn_fail(c, &c->wk->e_protocol);
			return;
		}
		if (r == 1) {
			uint64_t t = now_ns();
			if (t >= L.deadline) { /* too late to count: stop here */
				c->wk->stop = 1;
				return;
			}
			on_response(c, t);
			return;
		}
		if (n == 0) { /* closed mid-response */
			conn_fail(c, &c->wk->e_read);
			return;
		}
		if ((size_t)n < room)
			return; /* the socket is drained: wait for epoll */
	}
}

static void on_event(struct conn *c, uint32_t ev)
{
	if (c->st == C_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
			conn_fail(c, &c->wk->e_connect);
			return;
		}
		c->st = C_OPEN;
		send_next(c);
		return;
	}
	if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		on_readable(c);
		if (c->st != C_OPEN || c->wk->stop)
			return;
	}
	if ((ev & EPOLLOUT) && c->inflight && c->woff < c->wlen && flush(c) != 0)
		conn_fail(c, &c->wk->e_write);
}

/* Every TICK_MS: requests past --timeout, connections to reopen. */
static void tick(struct worker *wk, uint64_t t)
{
	uint64_t tmo = (uint64_t)(L.timeout * 1e9);
	int i;
	for (i = 0; i < wk->nconn; i++) {
		struct conn *c = &wk->conns[i];
		if (c->st == C_DOWN && t >= c->retry_at)
			conn_open(c);
		else if (c->st == C_OPEN && c->inflight && c->woff > 0 && t - c->start > tmo)
			conn_fail(c, &wk->e_timeout);
		else if (c->st == C_CONNECTING && t - c->start > tmo)
			conn_fail(c, &wk->e_connect);
	}
}

/* One thread's loop, from its first connect to the deadline. */
static void *worker_run(void *arg)
{
	struct worker *wk = arg;
	struct epoll_event evs[256];
	uint64_t last_tick = L.t0, t;
	int i;
	for (i = 0; i < wk->nconn; i++) {
		wk->conns[i].retry_at = L.t0;
		conn_open(&wk->conns[i]);
	}
	while (!wk->stop) {
		uint64_t left;
		int n, timeout_ms;
		t = now_ns();
		if (t >= L.deadline)
			break;
		left = (L.deadline - t + 999999) / 1000000;
		timeout_ms = left < TICK_MS ? (int)left : TICK_MS;
		n = epoll_wait(wk->ep, evs, (int)(sizeof evs / sizeof evs[0]), timeout_ms);
		if (n < 0 && errno != EINTR)
			die(1, "epoll_wait: %s", strerror(errno));
		for (i = 0; i < n && !wk->stop; i++) {
			struct conn *c = &wk->conns[(uint32_t)evs[i].data.u64];
			if ((uint32_t)(evs[i].data.u64 >> 32) == c->gen && c->fd >= 0)
				on_event(c, evs[i].events);
		}
		t = now_ns();
		if (t - last_tick >= (uint64_t)TICK_MS * 1000000u && t < L.deadline && !wk->stop) {
			tick(wk, t);
			last_tick = t;
		}
	}
	/* the deadline: whatever is in flight is not counted (invariant 1) */
	for (i = 0; i < wk->nconn; i++) {
		struct conn *c = &wk->conns[i];
		if (c->inflight && c->is_post && c->woff > 0)
			wk->unacked_posts++;
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
	}
	return NULL;
}

/* ------------------------------------------------------------ the setup */

static double parse_secs(const char *s, const char *opt)
{
	char *e;
	double v = strtod(s, &e);
	if (e == s || (*e && strcmp(e, "s") != 0) || !(v > 0))
		die(2, "%s: expected seconds, e.g. 10 or 10s, got '%s'", opt, s);
	return v;
}

static size_t parse_count(const char *s, const char *opt)
{
	char *e;
	unsigned long long v;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (e == s || *e || errno || s[0] == '-')
		die(2, "%s: expected a count, got '%s'", opt, s);
	return (size_t)v;
}

static void usage(FILE *f)
{
	fputs("usage: load api|flow [-c CONNS] [-t THREADS] [-d SECS] [--timeout SECS] --tokens FILE\n"
	      "                     --bodies FILE [--limit K] [--offset N] [--qid ID] http://HOST:PORT/\n"
	      "       load selftest\n"
	      "See the comment at the top of bench/load.c and bench/README.md.\n",
	      f);
}

static void parse_url(const char *url)
{
	const char *p, *colon, *slash;
	char host[256], port[16];
	struct addrinfo hints, *res;
	int rc;
	if (strncmp(url, "http://", 7) != 0)
		die(2, "the URL must be http://HOST:PORT/ (got '%s')", url);
	p = url + 7;
	slash = strchr(p, '/');
	if (slash == NULL)
		slash = p + strlen(p);
	colon = memchr(p, ':', (size_t)(slash - p));
	if (colon == NULL || colon == p || (size_t)(colon - p) >= sizeof host ||
	    (size_t)(slash - colon - 1) >= sizeof port || slash == colon + 1)
		die(2, "the URL must be http://HOST:PORT/ (got '%s')", url);
	memcpy(host, p, (size_t)(colon - p));
	host[colon - p] = 0;
	memcpy(port, colon + 1, (size_t)(slash - colon - 1));
	port[slash - colon - 1] = 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		die(2, "%s: %s", url, gai_strerror(rc));
	memcpy(&L.addr, res->ai_addr, res->ai_addrlen);
	L.addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	snprintf(L.host, sizeof L.host, "%s:%s", host, port);
}

static void load_tokens(void)
{
	int fd = open(L.tokens_path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	const char *nl;
	size_t avail, span;
	if (fd < 0 || fstat(fd, &sb) != 0)
		die(1, "%s: %s", L.tokens_path, strerror(errno));
	if (sb.st_size == 0)
		die(1, "%s: empty", L.tokens_path);
	L.tokmap = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (L.tokmap == MAP_FAILED)
		die(1, "%s: mmap: %s", L.tokens_path, strerror(errno));
	close(fd);
	nl = memchr(L.tokmap, '\n', (size_t)sb.st_size);
	if (nl == NULL || nl == L.tokmap)
		die(1, "%s: not a token file (gen tokens: one token per line, padded)", L.tokens_path);
	L.tokwidth = (size_t)(nl - L.tokmap) + 1;
	if ((size_t)sb.st_size % L.tokwidth != 0)
		die(1, "%s: lines are not all %zu bytes (gen tokens pads them)", L.tokens_path, L.tokwidth);
	L.ntok = (size_t)sb.st_size / L.tokwidth;
	if (L.offset >= L.ntok)
		die(1, "%s: --offset %zu, but only %zu tokens", L.tokens_path, L.offset, L.ntok);
	avail = L.ntok - L.offset;
	span = L.limit > 0 && L.limit < avail ? L.limit : avail;
	if (span < (size_t)L.nconn * 2)
		die(1, "%s: %zu tokens in use for %d connections: a token could be in flight twice",
		    L.tokens_path, span, L.nconn);
	L.tokbase = L.offset;
	L.tokspan = span;
	/* fault the pages in now (page cache to page tables), not in the run */
	madvise((void *)L.tokmap, (size_t)sb.st_size, MADV_WILLNEED);
	{
		volatile char sink = 0;
		size_t off, from = L.tokbase * L.tokwidth, to = (L.tokbase + span) * L.tokwidth;
		for (off = from; off < to; off += 4096)
			sink ^= L.tokmap[off];
		(void)sink;
	}
}

static void load_bodies(void)
{
	FILE *f = fopen(L.bodies_path, "rb");
	char *all, *p, *end;
	long sz = -1;
	size_t n = 0, cap = 1024, maxlen = 0;
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		die(1, "%s: %s", L.bodies_path, strerror(errno));
	all = xmalloc((size_t)sz + 1);
	if (fread(all, 1, (size_t)sz, f) != (size_t)sz)
		die(1, "%s: read failed", L.bodies_path);
	fclose(f);
	all[sz] = 0;
	L.bodies = xmalloc(cap * sizeof *L.bodies);
	for (p = all, end = all + sz; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > 0) {
			struct body *b;
			if (n == cap) {
				cap *= 2;
				L.bodies = realloc(L.bodies, cap * sizeof *L.bodies);
				if (L.bodies == NULL)
					die(1, "out of memory");
			}
			b = &L.bodies[n++];
			b->s = p;
			b->len = len;
			b->seg = xmalloc(len + 48);
			b->seg_len = (size_t)snprintf(b->seg, len + 48, "\r\nContent-Length: %zu\r\n\r\n", len);
			memcpy(b->seg + b->seg_len, p, len);
			b->seg_len += len;
			if (len > maxlen)
				maxlen = len;
		}
		p += (nl ? (size_t)(nl - p) + 1 : (size_t)(end - p));
	}
	if (n == 0)
		die(1, "%s: no bodies", L.bodies_path);
	L.nbodies = n;
	L.wcap = maxlen + L.tokwidth + 1024 + CSRF_MAX;
}

static char *fmt_head(size_t *len, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *fmt_head(size_t *len, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		die(2, "--qid or the host is too long");
	*len = (size_t)n;
	return strdup(tmp);
}

/* The threads' counts summed into one worker, printed. */
static void print_results(uint64_t cpu, uint64_t setup_cpu, double secs)
{
	static struct worker sum;
	struct worker *T = &sum;
	uint64_t errs, wraps, taken = atomic_load(&L.tok_taken);
	int k;
	unsigned b;
	for (k = 0; k < L.nthreads; k++) {
		const struct worker *w = &L.workers[k];
		T->requests += w->requests;
		T->created += w->created;
		T->flows += w->flows;
		T->gets += w->gets;
		T->other += w->other;
		T->unacked_posts += w->unacked_posts;
		T->reconnects += w->reconnects;
		T->e_connect += w->e_connect;
		T->e_read += w->e_read;
		T->e_write += w->e_write;
		T->e_timeout += w->e_timeout;
		T->e_protocol += w->e_protocol;
		for (b = 0; b < HIST_BUCKETS; b++) {
			T->all.b[b] += w->all.b[b];
			T->get.b[b] += w->get.b[b];
			T->post.b[b] += w->post.b[b];
		}
		T->all.n += w->all.n;
		T->get.n += w->get.n;
		T->post.n += w->post.n;
		T->all.max = w->all.max > T->all.max ? w->all.max : T->all.max;
		T->get.max = w->get.max > T->get.max ? w->get.max : T->get.max;
		T->post.max = w->post.max > T->post.max ? w->post.max : T->post.max;
		if (!T->first_bad[0] && w->first_bad[0])
			memcpy(T->first_bad, w->first_bad, sizeof T->first_bad);
	}
	wraps = taken > L.tokspan ? (taken - 1) / L.tokspan : 0;
	errs = T->e_connect + T->e_read + T->e_write + T->e_timeout + T->e_protocol;
	printf("RPS %.0f\n", secs > 0 ? (double)T->requests / secs : 0.0);
	printf("P50_US %" PRIu64 "\nP90_US %" PRIu64 "\nP99_US %" PRIu64 "\nMAX_US %" PRIu64 "\n",
	       hist_pct(&T->all, 50), hist_pct(&T->all, 90), hist_pct(&T->all, 99), T->all.max);
	printf("ERRORS %" PRIu64 "\nREQUESTS %" PRIu64 "\n", errs, T->requests);
	printf("ERR_DETAIL connect=%" PRIu64 ",read=%" PRIu64 ",write=%" PRIu64 ",timeout=%" PRIu64
	       ",protocol=%" PRIu64 "\n",
	       T->e_connect, T->e_read, T->e_write, T->e_timeout, T->e_protocol);
	if (L.mode == MODE_API) {
		printf("CREATED %" PRIu64 "\n", T->created);
	} else {
		printf("FLOWS %" PRIu64 "\nGETS %" PRIu64 "\n", T->flows, T->gets);
		printf("GET_P50_US %" PRIu64 "\nGET_P99_US %" PRIu64 "\n", hist_pct(&T->get, 50),
		       hist_pct(&T->get, 99));
		printf("POST_P50_US %" PRIu64 "\nPOST_P99_US %" PRIu64 "\n", hist_pct(&T->post, 50),
		       hist_pct(&T->post, 99));
	}
	printf("OTHER %" PRIu64 "\nWRAPS %" PRIu64 "\nUNACKED_POSTS %" PRIu64 "\nRECONNECTS %" PRIu64 "\n",
	       T->other, wraps, T->unacked_posts, T->reconnects);
	printf("DURATION_S %.3f\nCONNECTIONS %d\nTHREADS %d\n", secs, L.nconn, L.nthreads);
	printf("CLIENT_CPU_US %" PRIu64 "\nCLIENT_CPU_PER_REQ_US %.1f\nSETUP_CPU_US %" PRIu64 "\n", cpu,
	       T->requests ? (double)cpu / (double)T->requests : 0.0, setup_cpu);
	if (T->first_bad[0])
		printf("FIRST_BAD %s\n", T->first_bad);
}

static int selftest(void);

int main(int argc, char **argv)
{
	uint64_t cpu0, setup_cpu;
	int i, k;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "selftest") == 0)
		return selftest();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "api") == 0)
		L.mode = MODE_API;
	else if (strcmp(argv[1], "flow") == 0)
		L.mode = MODE_FLOW;
	else
		die(2, "unknown mode '%s' (api, flow or selftest)", argv[1]);
	L.nconn = 64;
	L.nthreads = 2;
	L.duration = 10;
	L.timeout = 10;
	L.qid = "lsg-review";
	for (i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (o[0] != '-') {
			if (L.url)
				die(2, "one URL only ('%s')", o);
			L.url = o;
			continue;
		}
		if (v == NULL)
			die(2, "%s needs a value", o);
		i++;
		if (strcmp(o, "-c") == 0) {
			size_t n = parse_count(v, o);
			if (n < 1 || n > MAX_CONNS)
				die(2, "-c: 1 to %d connections", MAX_CONNS);
			L.nconn = (int)n;
		} else if (strcmp(o, "-t") == 0) {
			size_t n = parse_count(v, o);
			if (n < 1 || n > 64)
				die(2, "-t: 1 to 64 threads");
			L.nthreads = (int)n;
		} else if (strcmp(o, "-d") == 0)
			L.duration = parse_secs(v, o);
		else if (strcmp(o, "--timeout") == 0)
			L.timeout = parse_secs(v, o);
		else if (strcmp(o, "--tokens") == 0)
			L.tokens_path = v;
		else if (strcmp(o, "--bodies") == 0)
			L.bodies_path = v;
		else if (strcmp(o, "--limit") == 0)
			L.limit = parse_count(v, o);
		else if (strcmp(o, "--offset") == 0)
			L.offset = parse_count(v, o);
		else if (strcmp(o, "--qid") == 0)
			L.qid = v;
		else
			die(2, "unknown option '%s' (try --help)", o);
	}
	if (L.url == NULL || L.tokens_path == NULL || L.bodies_path == NULL)
		die(2, "needs --tokens, --bodies and the URL (try --help)");
	if (L.nthreads > L.nconn)
		L.nthreads = L.nconn;
	parse_url(L.url);
	load_tokens();
	load_bodies();
	L.pre_api = fmt_head(&L.pre_api_len,
	                     "POST /api/v1/questionnaires/%s/responses HTTP/1.1\r\nHost: %s\r\n"
	                     "Content-Type: application/json\r\nAuthorization: Bearer ",
	                     L.qid, L.host);
	L.pre_get = fmt_head(&L.pre_get_len,
	                     "GET /q/%s HTTP/1.1\r\nHost: %s\r\nAccept: text/html\r\n"
	                     "Accept-Language: en\r\nCookie: snd_session=",
	                     L.qid, L.host);
	L.pre_post = fmt_head(&L.pre_post_len,
	                      "POST /q/%s HTTP/1.1\r\nHost: %s\r\n"
	                      "Content-Type: application/x-www-form-urlencoded\r\nAccept: text/html\r\n"
	                      "Cookie: snd_session=",
	                      L.qid, L.host);
	L.wcap += L.pre_api_len + L.pre_get_len + L.pre_post_len;
	/* thread k: connections [k*n/T, (k+1)*n/T), its own epoll set */
	L.workers = calloc((size_t)L.nthreads, sizeof *L.workers);
	if (L.workers == NULL)
		die(1, "out of memory");
	for (k = 0; k < L.nthreads; k++) {
		struct worker *wk = &L.workers[k];
		int from = k * L.nconn / L.nthreads, to = (k + 1) * L.nconn / L.nthreads;
		wk->nconn = to - from;
		wk->conns = calloc((size_t)wk->nconn, sizeof *wk->conns);
		if (wk->conns == NULL)
			die(1, "out of memory");
		wk->body_next = (size_t)k * 7 % L.nbodies;
		for (i = 0; i < wk->nconn; i++) {
			struct conn *c = &wk->conns[i];
			c->wk = wk;
			c->fd = -1;
			c->w = xmalloc(L.wcap);
			c->r.cap = RBUF_INIT;
			c->r.buf = xmalloc(c->r.cap);
		}
		wk->ep = epoll_create1(EPOLL_CLOEXEC);
		if (wk->ep < 0)
			die(1, "epoll_create1: %s", strerror(errno));
	}
	signal(SIGPIPE, SIG_IGN);

	setup_cpu = cpu_us();
	cpu0 = setup_cpu;
	L.t0 = now_ns();
	L.deadline = L.t0 + (uint64_t)(L.duration * 1e9);
	for (k = 0; k < L.nthreads; k++)
		if (pthread_create(&L.workers[k].th, NULL, worker_run, &L.workers[k]) != 0)
			die(1, "pthread_create failed");
	for (k = 0; k < L.nthreads; k++)
		pthread_join(L.workers[k].th, NULL);
	print_results(cpu_us() - cpu0, setup_cpu, (double)(L.deadline - L.t0) / 1e9);
	return 0;
}

/* ------------------------------------------------------------- selftest */

struct case_ {
	const char *name, *raw;
	int want;        /* 1 complete, -1 malformed */
	int status;
	const char *body;
	int eof;         /* the peer closes after raw */
	int conn_close;
};

static const struct case_ cases[] = {
	{"length", "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX: y\r\n\r\nhello", 1, 201, "hello", 0, 0},
	{"length0", "HTTP/1.1 303 See Other\r\nLocation: /r\r\ncontent-length: 0\r\n\r\n", 1, 303, "", 0, 0},
	{"close", "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno", 1, 503, "no", 0, 1},
	{"chunked",
	 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nname\r\n1a;x=y\r\n=\"_csrf\" value=\"00ff\">....\r\n0\r\nT: 1\r\n\r\n",
	 1, 200, "name=\"_csrf\" value=\"00ff\">....", 0, 0},
	{"continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 1, 201, "ok", 0, 0},
	{"until-close", "HTTP/1.1 200 OK\r\n\r\nabc", 1, 200, "abc", 1, 1},
	{"http10", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 1, 200, "x", 0, 1},
	{"extra", "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nxy", -1, 0, NULL, 0, 0},
	{"bad-status", "HTTP/1.1 2x1 Created\r\nContent-Length: 0\r\n\r\n", -1, 0, NULL, 0, 0},
	{"bad-length", "HTTP/1.1 201 Created\r\nContent-Length: 1x\r\n\r\nx", -1, 0, NULL, 0, 0},
	{"bad-chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", -1, 0, NULL, 0, 0},
	{"not-http", "SSH-2.0-OpenSSH_9.2\r\n\r\n", -1, 0, NULL, 0, 0},
};

/* Run case k with the input split into pieces of `step` bytes; 0 = pass. */
static int run_case(const struct case_ *k, size_t step)
{
	struct resp rp;
	size_t total = strlen(k->raw), fed = 0;
	int r = 0;
	memset(&rp, 0, sizeof rp);
	rp.cap = 8; /* small, so resp_room's growth is exercised */
	rp.buf = xmalloc(rp.cap);
	resp_reset(&rp);
	while (fed < total && r == 0) { /* reads as short as step, or as room */
		size_t n = total - fed < step ? total - fed : step, room = resp_room(&rp);
		if (room == 0)
			die(1, "selftest: no room");
		if (n > room)
			n = room;
		memcpy(rp.buf + rp.len, k->raw + fed, n);
		rp.len += n;
		fed += n;
		r = resp_parse(&rp, 0);
	}
	if (r == 0 && k->eof)
		r = resp_parse(&rp, 1);
	if (r == 1 && fed < total) /* bytes after a complete response: the client */
		r = -1;                /* takes them as a malformed next response */
	if (r != k->want) {
		fprintf(stderr, "selftest %s (pieces of %zu): got %d, want %d\n", k->name, step, r, k->want);
		free(rp.buf);
		return 1;
	}
	if (r == 1 && (rp.status != k->status || rp.conn_close != k->conn_close ||
	               rp.body_end - rp.body != strlen(k->body) ||
	               memcmp(rp.buf + rp.body, k->body, strlen(k->body)) != 0)) {
		fprintf(stderr, "selftest %s (pieces of %zu): status %d close %d body '%.*s'\n", k->name,
		        step, rp.status, rp.conn_close, (int)(rp.body_end - rp.body), rp.buf + rp.body);
		free(rp.buf);
		return 1;
	}
	free(rp.buf);
	return 0;
}

static int selftest(void)
{
	size_t k, step;
	int fails = 0, runs = 0;
	struct hist *h = calloc(1, sizeof *h);
	if (h == NULL)
		die(1, "out of memory");
	for (k = 0; k < sizeof cases / sizeof cases[0]; k++)
		for (step = 1; step <= strlen(cases[k].raw); step++, runs++)
			fails += run_case(&cases[k], step);
	/* the histogram: exact below 256, upper edges above, percentiles */
	if (hist_upper(hist_index(255)) != 255 || hist_upper(hist_index(256)) != 257 ||
	    hist_upper(hist_index(511)) != 511 || hist_upper(hist_index(512)) != 515 ||
	    hist_index(1ull << 50) >= HIST_BUCKETS) {
		fprintf(stderr, "selftest histogram: bucket edges wrong\n");
		fails++;
	}
	for (k = 1; k <= 1000; k++)
		hist_add(h, k);
	if (hist_pct(h, 50) != 501 || hist_pct(h, 99) < 990 || hist_pct(h, 99) > 998 ||
	    hist_pct(h, 100) != 1000) {
		fprintf(stderr, "selftest histogram: p50 %" PRIu64 " p99 %" PRIu64 " p100 %" PRIu64 "\n",
		        hist_pct(h, 50), hist_pct(h, 99), hist_pct(h, 100));
		fails++;
	}
	free(h);
	printf("selftest: %d parses, %d failures\n", runs, fails);
	return fails ? 1 : 0;
}
