/* serve.c - `collector serve`: loads and checks the questionnaires and keys,
 * opens the database, starts the writer thread and the libmicrohttpd
 * daemon, and stops them cleanly on SIGINT/SIGTERM.
 *
 * Invariants:
 *   1. SIGINT and SIGTERM are blocked before any thread exists, so only the
 *      main thread's sigwait() ever sees them.
 *   2. Shutdown order: refuse new requests (503, http.c) -> let in-flight requests
 *      finish while the writer still runs -> stop the writer (it commits and
 *      answers everything queued) -> let those answers go out -> stop MHD ->
 *      close the read connections and the forms.  So no request that was
 *      acknowledged (201/303) can be lost, and no request waits forever.
 *   3. Secret key material lives in struct srv and is wiped before exit.
 */
#include "auth.h"
#include "commands.h"
#include "http.h"
#include "ratelimit.h"
#include "metrics.h"
#include "sandbox.h"
#include "sounding.h"
#include "tally_cache.h"
#include "writer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_MAX_BODY 65536
#define DEFAULT_MAX_CONNECTIONS 1000
#define DEFAULT_TIMEOUT_S 30
/* Limits per delegate and questionnaire (docs/security.md): far above what a
 * person revising by hand does, far below a disk-filling loop. */
#define DEFAULT_MAX_REVISIONS 200
#define DEFAULT_REVISION_RATE 30
#define DRAIN_WAIT_MS 10000
#define TLS_FILE_MAX ((size_t)1 << 20)
/* Each connection's libmicrohttpd memory pool (request line, headers, read
 * buffer, response headers; bodies are copied out as they arrive).  MHD
 * zeroes the whole pool after every request, so its default of 32 KiB cost
 * ~33k instructions per request; 16 KiB still holds a request with a
 * 4 KiB cookie and a 1 KiB bearer token many times over.  Larger header
 * blocks are refused (431), as before, just sooner. */
#define CONN_MEMORY ((size_t)16 << 10)

static const char usage[] =
	"usage: collector serve --form FORM [--form FORM...] --db DB --issuer-pub FILE\n"
	"                       --receipt-key FILE [--listen ADDR:PORT]\n"
	"                       [--tls-cert FILE --tls-key FILE] [options]\n"
	"\n"
	"Runs the web collector: delegates open their personal links, answer the\n"
	"questionnaires in a browser or through the JSON API, and get signed receipts.\n"
	"Before serving it confines itself: no new privileges, no exec, and (where the\n"
	"kernel has Landlock) writes only below the database's directory.  Stops\n"
	"cleanly on SIGINT or SIGTERM: finishes the requests in flight, commits every\n"
	"accepted submission, closes the database, exits 0.\n"
	"\n"
	"options:\n"
	"  --form FORM           a questionnaire file (repeat for several)\n"
	"  --db DB               the SQLite database (created if absent, WAL mode, in a\n"
	"                        directory that exists; removed again if the start fails)\n"
	"  --issuer-pub FILE     the issuer's public key (PASERK k4.public or hex, or a\n"
	"                        file holding one): tokens must verify with it\n"
	"  --receipt-key FILE    the receipt secret key (k4.secret file) that signs receipts\n"
	"  --listen ADDR:PORT    where to listen (default 127.0.0.1:8080; IPv6 as [::1]:8080;\n"
	"                        port 0 picks a free port, printed once listening)\n"
	"  --tls-cert FILE       serve HTTPS with this PEM certificate (needs --tls-key)\n"
	"  --tls-key FILE        the PEM private key of --tls-cert\n"
	"  --max-body BYTES      largest request body accepted (default 65536); larger: 413\n"
	"  --summary-interval MS least time between two tallies of one chair view while\n"
	"                        answers arrive (default 1000; at least 10x the time\n"
	"                        its last tally took, on a background thread at low\n"
	"                        priority; 0: every view sees every answer)\n"
	"  --threads N           request threads (default: the number of CPU cores)\n"
	"  --max-connections N   open connections at most (default 1000)\n"
	"  --per-ip N            connections per client address at most (default 0: no\n"
	"                        limit, since a meeting room often shares one address)\n"
	"  --timeout S           close connections idle for S seconds (default 30)\n"
	"  --max-revisions N     revisions kept per delegate and questionnaire at most\n"
	"                        (default 200); past it: 429 too_many_revisions; 0: no limit\n"
	"  --revision-rate N     revisions per minute per delegate and questionnaire, with\n"
	"                        a burst of N (default 30); past it: 429 rate_limited with\n"
	"                        Retry-After; 0: no limit\n"
	"  --metrics-listen ADDR:PORT  serve Prometheus metrics at GET /metrics there, on\n"
	"                        a listener and thread of their own (default: off; not\n"
	"                        the port of --listen); see docs/operations.md\n"
	"  --log-level LEVEL     debug, info (default: one access-log line per request),\n"
	"                        warn or error\n"
	"  --allow-root          run even as root (refused otherwise)\n"
	"  --no-sandbox          skip the confinement above (only for tools that cannot\n"
	"                        run a confined process, such as valgrind)\n"
	"  --help                print this help\n"
	"\n"
	"exit status: 0 stopped cleanly, 1 could not start (a form, key or database is\n"
	"invalid, the port is taken), 2 usage error.\n";

struct opts {
	const char **forms;
	size_t nforms;
	const char *db, *issuer_pub, *receipt_key, *listen, *tls_cert, *tls_key;
	const char *metrics_listen; /* NULL: no metrics server */
	size_t max_body;
	unsigned summary_interval_ms;
	unsigned threads, max_conn, per_ip, timeout;
	unsigned max_revisions, revision_rate;
	enum snd_log_level level;
	int allow_root;
	int no_sandbox;
};

static int parse_uint(const char *name, const char *s, unsigned long long min,
                      unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;
	errno = 0;
	if (s[0] < '0' || s[0] > '9') {
		usage_err("serve", "%s: '%s' is not a number", name, s);
		return -1;
	}
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max) {
		usage_err("serve", "%s: '%s' is not a number from %llu to %llu", name, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* 0 ok, 1 --help printed, 2 usage error (message printed). */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_FORM = 256, O_DB, O_ISSUER, O_RECEIPT, O_LISTEN, O_CERT, O_KEY, O_MAXBODY, O_SUMINT,
	       O_THREADS, O_MAXCONN, O_PERIP, O_TIMEOUT, O_LOGLEVEL, O_ROOT, O_NOSANDBOX, O_HELP,
	       O_MAXREV, O_REVRATE, O_METRICS };
	static const struct option longopts[] = {
		{"form", required_argument, NULL, O_FORM},
		{"db", required_argument, NULL, O_DB},
		{"issuer-pub", required_argument, NULL, O_ISSUER},
		{"receipt-key", required_argument, NULL, O_RECEIPT},
		{"listen", required_argument, NULL, O_LISTEN},
		{"tls-cert", required_argument, NULL, O_CERT},
		{"tls-key", required_argument, NULL, O_KEY},
		{"max-body", required_argument, NULL, O_MAXBODY},
		{"summary-interval", required_argument, NULL, O_SUMINT},
		{"threads", required_argument, NULL, O_THREADS},
		{"max-connections", required_argument, NULL, O_MAXCONN},
		{"per-ip", required_argument, NULL, O_PERIP},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"log-level", required_argument, NULL, O_LOGLEVEL},
		{"allow-root", no_argument, NULL, O_ROOT},
		{"no-sandbox", no_argument, NULL, O_NOSANDBOX},
		{"help", no_argument, NULL, O_HELP},
		{"max-revisions", required_argument, NULL, O_MAXREV},
		{"revision-rate", required_argument, NULL, O_REVRATE},
		{"metrics-listen", required_argument, NULL, O_METRICS},
		{NULL, 0, NULL, 0},
	};
	static const char *const levels[SND_LOG__MAX] = {"debug", "info", "warn", "error"};
	unsigned long long v;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int c, i;

	o->listen = DEFAULT_LISTEN;
	o->max_body = DEFAULT_MAX_BODY;
	o->summary_interval_ms = 1000;
	o->threads = cores > 0 && cores < 256 ? (unsigned)cores : 2;
	o->max_conn = DEFAULT_MAX_CONNECTIONS;
	o->timeout = DEFAULT_TIMEOUT_S;
	o->level = SND_LOG_INFO;
	o->max_revisions = DEFAULT_MAX_REVISIONS;
	o->revision_rate = DEFAULT_REVISION_RATE;
	if ((o->forms = calloc((size_t)argc + 1, sizeof *o->forms)) == NULL) {
		die_msg("serve: out of memory");
		return 2;
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_FORM: o->forms[o->nforms++] = optarg; break;
		case O_DB: o->db = optarg; break;
		case O_ISSUER: o->issuer_pub = optarg; break;
		case O_RECEIPT: o->receipt_key = optarg; break;
		case O_LISTEN: o->listen = optarg; break;
		case O_CERT: o->tls_cert = optarg; break;
		case O_KEY: o->tls_key = optarg; break;
		case O_MAXBODY:
			if (parse_uint("--max-body", optarg, 64, (unsigned long long)1 << 30, &v))
				return 2;
			o->max_body = (size_t)v;
			break;
		case O_SUMINT:
			if (parse_uint("--summary-interval", optarg, 0, 3600000, &v))
				return 2;
			o->summary_interval_ms = (unsigned)v;
			break;
		case O_THREADS:
			if (parse_uint("--threads", optarg, 1, 256, &v))
				return 2;
			o->threads = (unsigned)v;
			break;
		case O_MAXCONN:
			if (parse_uint("--max-connections", optarg, 1, 1000000, &v))
				return 2;
			o->max_conn = (unsigned)v;
			break;
		case O_PERIP:
			if (parse_uint("--per-ip", optarg, 0, 1000000, &v))
				return 2;
			o->per_ip = (unsigned)v;
			break;
		case O_TIMEOUT:
			if (parse_uint("--timeout", optarg, 1, 86400, &v))
				return 2;
			o->timeout = (unsigned)v;
			break;
		case O_LOGLEVEL:
			for (i = 0; i < SND_LOG__MAX; i++)
				if (strcmp(optarg, levels[i]) == 0)
					break;
			if (i == SND_LOG__MAX) {
				return usage_err("serve", "--log-level: '%s' is not debug, info, warn or error",
				                 optarg);
			}
			o->level = (enum snd_log_level)i;
			break;
		case O_MAXREV:
			if (parse_uint("--max-revisions", optarg, 0, 1000000000, &v))
				return 2;
			o->max_revisions = (unsigned)v;
			break;
		case O_REVRATE:
			if (parse_uint("--revision-rate", optarg, 0, 6000000, &v))
				return 2;
			o->revision_rate = (unsigned)v;
			break;
		case O_ROOT: o->allow_root = 1; break;
		case O_NOSANDBOX: o->no_sandbox = 1; break;
		case O_METRICS: o->metrics_listen = optarg; break;
		case 'h':
		case O_HELP:
			fputs(usage, stdout);
			return 1;
		case ':':
			return usage_err("serve", "%s needs a value", argv[optind - 1]);
		default:
			return usage_err("serve", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_err("serve", "unexpected argument '%s'", argv[optind]);
	if (o->nforms == 0 || !o->db || !o->issuer_pub || !o->receipt_key)
		return usage_err("serve", "%s is required",
		                 o->nforms == 0   ? "--form"
		                 : !o->db         ? "--db"
		                 : !o->issuer_pub ? "--issuer-pub"
		                                  : "--receipt-key");
	if ((o->tls_cert == NULL) != (o->tls_key == NULL))
		return usage_err("serve", "--tls-cert and --tls-key go together");
	return 0;
}

/* "ADDR:PORT" or "[V6]:PORT" into a socket address.  0 ok. */
static int parse_listen(const char *opt, const char *spec, struct sockaddr_storage *ss,
                        socklen_t *sslen, int *v6, char *shown, size_t shownlen)
{
	char host[256], what[64];
	const char *port, *colon;
	struct addrinfo hints, *res = NULL;
	size_t hlen;
	unsigned long long p;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (close == NULL || close[1] != ':')
			goto bad;
		hlen = (size_t)(close - spec - 1);
		if (hlen == 0 || hlen >= sizeof host)
			goto bad;
		memcpy(host, spec + 1, hlen);
		port = close + 2;
	} else {
		colon = strrchr(spec, ':');
		if (colon == NULL)
			goto bad;
		hlen = (size_t)(colon - spec);
		if (hlen == 0 || hlen >= sizeof host || memchr(spec, ':', hlen))
			goto bad;
		memcpy(host, spec, hlen);
		port = colon + 1;
	}
	host[hlen] = '\0';
	/* Port 0: the kernel picks a free one, printed once listening (tests). */
	snprintf(what, sizeof what, "%s port", opt);
	if (parse_uint(what, port, 0, 65535, &p))
		return -1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL) {
		usage_err("serve", "%s: cannot resolve '%s'", opt, host);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	snprintf(shown, shownlen, *v6 ? "[%s]:%llu" : "%s:%llu", host, p);
	return 0;
bad:
	usage_err("serve", "%s: '%s' is not ADDR:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)", opt,
	          spec);
	return -1;
}

static unsigned sockaddr_port(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)a)->sin6_port)
	                                : ntohs(((const struct sockaddr_in *)a)->sin_port);
}

/* --metrics-listen: parsed like --listen, on another port than it. */
static int parse_metrics_listen(const struct opts *o, const struct sockaddr_storage *main_ss,
                                struct sockaddr_storage *ss, socklen_t *sslen, int *v6,
                                char *shown, size_t shownlen)
{
	if (parse_listen("--metrics-listen", o->metrics_listen, ss, sslen, v6, shown, shownlen))
		return -1;
	if (sockaddr_port(ss) != 0 && sockaddr_port(ss) == sockaddr_port(main_ss)) {
		usage_err("serve", "--metrics-listen: port %u is --listen's; the metrics need a "
		          "port of their own", sockaddr_port(ss));
		return -1;
	}
	return 0;
}

/* MHD's own messages, through the one logging entry point. */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;
	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	snd_log(SND_LOG_WARN, "microhttpd: %s", line);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until no request is in flight, at most ms milliseconds by the
 * monotonic clock (counting 5-ms naps let a loaded machine stretch the
 * 10-s drain well past 10 s). */
static void drain(struct srv *s, long ms)
{
	int64_t end = mono_ms() + ms;
	while (atomic_load(&s->inflight) > 0 && mono_ms() < end)
		sleep_ms(5);
}

/* Each connection is a descriptor; the database, MHD's epoll and pipes need
 * a few dozen more.  Raises the soft limit when the hard one allows, else
 * lowers --max-connections to what fits (and says so). */
#define FD_RESERVE 64u
static void fit_fd_limit(struct opts *o)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)o->max_conn + FD_RESERVE;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want)
		rl.rlim_cur = want;
	else
		rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		unsigned fit = rl.rlim_cur > FD_RESERVE + 1 ? (unsigned)(rl.rlim_cur - FD_RESERVE) : 1;
		snd_log(SND_LOG_WARN, "open-file limit %llu: serving at most %u connections, not %u",
		        (unsigned long long)rl.rlim_cur, fit, o->max_conn);
		o->max_conn = fit;
	}
}

/* Opens the listening socket before any thread exists, so the sandbox can
 * be applied to the one thread that will start all the others. */
/* Rewrites the ":PORT" ending of shown with the port lfd is bound to, so
 * "--listen 127.0.0.1:0" reports the port the kernel chose. */
static void show_bound_port(int lfd, char *shown, size_t shownlen)
{
	struct sockaddr_storage a;
	socklen_t alen = sizeof a;
	char *colon = strrchr(shown, ':');
	unsigned port;
	if (colon == NULL || getsockname(lfd, (struct sockaddr *)&a, &alen) != 0)
		return;
	port = a.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&a)->sin6_port)
	                               : ntohs(((struct sockaddr_in *)&a)->sin_port);
	snprintf(colon, shownlen - (size_t)(colon - shown), ":%u", port);
}

static int open_listener(const struct sockaddr_storage *ss, socklen_t len, const char *shown)
{
	int fd, one = 1;
	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		die_msg("serve: socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, 1024) != 0) {
		die_msg("serve: cannot listen on %s: %s", shown, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* 1 after saying so when the directory --db would be created in does not
 * exist (SQLite's own message names neither). */
static int db_dir_missing(const char *db)
{
	char *copy = strdup(db);
	const char *dir;
	struct stat st;
	int missing;
	if (copy == NULL)
		return 0;
	dir = dirname(copy);
	missing = stat(dir, &st) != 0 || !S_ISDIR(st.st_mode);
	if (missing)
		die_msg("serve: --db %s: the directory %s does not exist", db, dir);
	free(copy);
	return missing;
}

/* A database a failed start created, with its WAL and shared-memory files. */
static void remove_db(const char *db)
{
	static const char *const ext[] = {"-wal", "-shm", "-journal"};
	char path[PATH_MAX];
	size_t i;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (snprintf(path, sizeof path, "%s%s", db, ext[i]) < (int)sizeof path)
			(void)unlink(path);
	(void)unlink(db);
}

static int load_forms(const struct opts *o, struct srv *s)
{
	size_t i, j;
	if ((s->forms = calloc(o->nforms, sizeof *s->forms)) == NULL) {
		die_msg("serve: out of memory");
		return -1;
	}
	for (i = 0; i < o->nforms; i++) {
		struct snd_diag d;
		enum snd_err e;
		size_t k;
		snd_diag_init(&d);
		e = snd_form_load(o->forms[i], &s->forms[i], &d);
		if (e != SND_OK) {
			for (k = 0; k < d.n; k++)
				fprintf(stderr, "%s: %s: %s\n", o->forms[i], d.items[k].where,
				        d.items[k].msg);
			if (d.n == 0)
				fprintf(stderr, "%s: $: %s\n", o->forms[i], snd_strerror(e));
			snd_diag_free(&d);
			s->nforms = i;
			return -1;
		}
		snd_diag_free(&d);
		for (j = 0; j < i; j++)
			if (strcmp(s->forms[j]->id, s->forms[i]->id) == 0) {
				die_msg("serve: %s and %s both define questionnaire '%s'", o->forms[j],
				        o->forms[i], s->forms[i]->id);
				s->nforms = i + 1;
				return -1;
			}
	}
	s->nforms = o->nforms;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct opts o;
	struct srv s;
	struct snd_store *ws = NULL;
	struct MHD_Daemon *d = NULL, *md = NULL;
	struct sockaddr_storage ss, mss;
	socklen_t sslen = 0, msslen = 0;
	sigset_t stop;
	char shown[300], mshown[300], err[512];
	char *cert = NULL, *key = NULL;
	size_t i, certlen, keylen;
	unsigned flags;
	int v6 = 0, mv6 = 0, sig, status = 1, http_ready = 0, pr;
	uint8_t pk[SND_PK_BYTES];
	int lfd = -1, mfd = -1, db_created = 0;

	memset(&o, 0, sizeof o);
	memset(&s, 0, sizeof s);
	atomic_init(&s.inflight, 0);
	atomic_init(&s.stopping, 0);
	if ((pr = parse_opts(argc, argv, &o)) != 0) {
		free(o.forms);
		return pr == 1 ? 0 : 2;
	}
	if (parse_listen("--listen", o.listen, &ss, &sslen, &v6, shown, sizeof shown) != 0 ||
	    (o.metrics_listen != NULL &&
	     parse_metrics_listen(&o, &ss, &mss, &msslen, &mv6, mshown, sizeof mshown) != 0)) {
		free(o.forms);
		return 2;
	}
	if (sandbox_check_user(o.allow_root, err, sizeof err) != 0) {
		die_msg("serve: %s", err);
		free(o.forms);
		return 1;
	}
	snd_log_set_level(o.level);
	fit_fd_limit(&o);
	/* Under the sandbox only the database's directory is writable: SQLite's
	 * temporary files (large sorts in a tally) must go there too. */
	if (getenv("SQLITE_TMPDIR") == NULL) {
		char *dbcopy = strdup(o.db);
		if (dbcopy != NULL)
			setenv("SQLITE_TMPDIR", dirname(dbcopy), 1);
		free(dbcopy);
	}

	/* Before SQLite initialises: no global allocation statistics.  They
	 * take one process-wide mutex on every SQLite malloc/free (Debian's
	 * build has no lookaside), which the request threads' readers and the
	 * writer would contend on. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

	/* 1. Before any thread: the stop signals go to sigwait only. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (load_forms(&o, &s) != 0)
		goto out;
	if (snd_key_load_public(o.issuer_pub, s.issuer_pk, err, sizeof err) != SND_OK) {
		die_msg("serve: --issuer-pub: %s", err);
		goto out;
	}
	snd_paserk_pid(s.issuer_pk, s.issuer_pid);
	if (snd_key_load_secret(o.receipt_key, s.receipt_sk, err, sizeof err) != SND_OK) {
		die_msg("serve: --receipt-key: %s", err);
		goto out;
	}
	/* The receipt key must not be the issuer's: a receipt could pass as a token. */
	memcpy(pk, s.receipt_sk + 32, sizeof pk);
	if (sodium_memcmp(pk, s.issuer_pk, sizeof pk) == 0) {
		die_msg("serve: the receipt key is the issuer key; use separate keys (collector keygen)");
		goto out;
	}
	auth_derive_csrf_key(s.receipt_sk, s.csrf_key);
	s.db_path = o.db;
	s.max_body = o.max_body;
	s.summary_interval_ms = o.summary_interval_ms;
	s.tls = o.tls_cert != NULL;
	s.max_revisions = o.max_revisions;
	if (s.tls) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			die_msg("serve: this libmicrohttpd was built without TLS support");
			goto out;
		}
		if (snd_read_file(o.tls_cert, TLS_FILE_MAX, &cert, &certlen) != SND_OK) {
			die_msg("serve: --tls-cert: cannot read %s", o.tls_cert);
			goto out;
		}
		if (snd_read_file(o.tls_key, TLS_FILE_MAX, &key, &keylen) != SND_OK) {
			die_msg("serve: --tls-key: cannot read %s", o.tls_key);
			goto out;
		}
	}

	/* The listeners before the database: a port that is taken leaves no
	 * new database behind (4. below removes one made by a failed start). */
	if ((lfd = open_listener(&ss, sslen, shown)) < 0)
		goto out;
	show_bound_port(lfd, shown, sizeof shown);
	if (o.metrics_listen != NULL) {
		if ((mfd = open_listener(&mss, msslen, mshown)) < 0)
			goto out;
		show_bound_port(mfd, mshown, sizeof mshown);
	}
	if (db_dir_missing(o.db))
		goto out;
	db_created = access(o.db, F_OK) != 0;
	if (snd_store_open(o.db, SND_STORE_WRITE, &ws, err, sizeof err) != SND_OK) {
		die_msg("serve: --db: %s", err);
		goto out;
	}
	for (i = 0; i < s.nforms; i++)
		if (snd_store_put_form(ws, s.forms[i]) != SND_OK) {
			die_msg("serve: %s: cannot record questionnaire '%s': %s", o.db, s.forms[i]->id,
			        snd_store_errmsg(ws));
			goto out;
		}
	/* 2. Everything the server needs is open: confine the process before
	 * the first thread starts (Landlock and seccomp bind per thread). */
	{
		char what[400], *dbcopy = strdup(o.db);
		int sb;
		if (dbcopy == NULL)
			goto out;
		if (o.no_sandbox) { /* valgrind has neither seccomp(2) nor Landlock */
			sb = 0;
			snprintf(what, sizeof what, "disabled (--no-sandbox)");
		} else {
			sb = sandbox_apply(dirname(dbcopy), what, sizeof what, err, sizeof err);
		}
		free(dbcopy);
		if (sb != 0) {
			die_msg("serve: cannot confine the process: %s", err);
			goto out;
		}
		snd_log(o.no_sandbox ? SND_LOG_WARN : SND_LOG_INFO, "sandbox: %s", what);
	}
	snd_store_set_max_revisions(ws, s.max_revisions);
	if (o.metrics_listen != NULL && metrics_init(&s, ws) != 0) {
		die_msg("serve: --metrics-listen: cannot count the stored responses");
		goto out;
	}
	if (writer_start(ws, s.receipt_sk, &s.writer) != SND_OK) {
		die_msg("serve: cannot start the writer thread");
		goto out;
	}
	ws = NULL; /* the writer owns it now */
	http_ready = 1; /* http_fini undoes a partial init too */
	if (http_init(&s) != 0 || (s.tokens = auth_cache_new()) == NULL ||
	    (s.tallies = tally_cache_new()) == NULL ||
	    (o.revision_rate > 0 && (s.rate = ratelimit_new(o.revision_rate)) == NULL)) {
		die_msg("serve: out of memory");
		goto out;
	}
	/* The chair views' background tallies (tally_cache.c); without it they
	 * are computed in the request threads. */
	if (tallier_start(&s) != 0)
		snd_log(SND_LOG_WARN, "cannot start the tallier thread: chair views tally in the "
		                      "request threads");

	flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
	        MHD_USE_ITC;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (s.tls)
		flags |= MHD_USE_TLS;
	{
		struct MHD_OptionItem tlsopts[] = {
			{s.tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
			{MHD_OPTION_HTTPS_MEM_KEY, 0, key},
			{MHD_OPTION_END, 0, NULL},
		};
		d = MHD_start_daemon(
			flags, 0, NULL, NULL, http_handler, &s,
			MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, to catch everything */
			MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
			MHD_OPTION_THREAD_POOL_SIZE, o.threads,
			MHD_OPTION_CONNECTION_LIMIT, o.max_conn,
			MHD_OPTION_PER_IP_CONNECTION_LIMIT, o.per_ip,
			MHD_OPTION_CONNECTION_TIMEOUT, o.timeout,
			MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY,
			MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
			MHD_OPTION_NOTIFY_COMPLETED, http_completed, &s,
			MHD_OPTION_URI_LOG_CALLBACK, http_uri_log, &s,
			MHD_OPTION_ARRAY, tlsopts,
			MHD_OPTION_END);
	}
	if (d == NULL) {
		die_msg("serve: cannot start the HTTP server on %s", shown);
		goto out;
	}
	lfd = -1; /* MHD's now: MHD_stop_daemon closes it */
	if (mfd >= 0) {
		if ((md = metrics_start(&s, mfd, mv6)) == NULL) {
			die_msg("serve: cannot start the metrics server on %s", mshown);
			goto out;
		}
		mfd = -1;
		fprintf(stderr, "collector: metrics on http://%s/metrics\n", mshown);
	}
	fprintf(stderr, "collector: listening on %s://%s\n", s.tls ? "https" : "http", shown);
	fflush(stderr);
	db_created = 0; /* serving: the database is the delegates' now */

	while (sigwait(&stop, &sig) != 0) {
	}
	snd_log(SND_LOG_INFO, "stopping (signal %d): finishing requests in flight", sig);

	/* 2. Stop accepting, finish, commit, stop. */
	/* Not MHD_quiesce_daemon: in libmicrohttpd 0.9.75 it races the pool's
	 * workers removing the listen socket from their epoll sets, and the
	 * loser aborts the process ("Failed to remove listen FD from epoll
	 * set").  Instead every request that starts from now on is answered
	 * 503 with Connection: close (http.c), and the listen socket closes
	 * with MHD_stop_daemon. */
	atomic_store(&s.stopping, 1);
	drain(&s, DRAIN_WAIT_MS);
	/* Commits and resumes everything still queued.  The writer stays
	 * allocated until MHD has stopped: a request whose body is still
	 * arriving may submit late, and gets 503. */
	writer_stop(s.writer);
	drain(&s, 2000);
	MHD_stop_daemon(d);
	d = NULL;
	snd_log(SND_LOG_INFO, "stopped");
	status = 0;

out:
	if (d != NULL)
		MHD_stop_daemon(d);
	if (lfd >= 0)
		close(lfd);
	if (mfd >= 0)
		close(mfd);
	writer_stop(s.writer);
	metrics_stop(md); /* after the writer, which counts into it */
	/* After MHD (no request queues a tally any more), before the cache is
	 * freed and the read connections closed, the tallier's too. */
	tallier_stop(&s);
	writer_free(s.writer);
	if (http_ready)
		http_fini(&s);
	auth_cache_free(s.tokens);
	s.tokens = NULL;
	tally_cache_free(s.tallies);
	s.tallies = NULL;
	ratelimit_free(s.rate);
	s.rate = NULL;
	srv_readers_close();
	snd_store_close(ws);
	/* 4. A database this run created, and that never served, goes again. */
	if (db_created)
		remove_db(o.db);
	for (i = 0; i < s.nforms; i++)
		snd_form_free(s.forms[i]);
	free(s.forms);
	free(o.forms);
	if (key != NULL) {
		sodium_memzero(key, keylen);
		free(key);
	}
	free(cert);
	sodium_memzero(s.receipt_sk, sizeof s.receipt_sk);
	sodium_memzero(s.csrf_key, sizeof s.csrf_key);
	return status;
}
