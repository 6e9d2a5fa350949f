/* harness.c - see harness.h.  Runs inside Check tests: failures abort the
 * current test with ck_abort_msg.  The collector runs as a child process
 * with PR_SET_PDEATHSIG, so a test that dies does not leave it behind. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

const char *h_collector(void)
{
	const char *p = getenv("SND_COLLECTOR");
	ck_assert_msg(p != NULL, "SND_COLLECTOR is not set (run through ctest)");
	return p;
}

char *h_form_path(const char *name)
{
	const char *data = getenv("SND_TEST_DATA");
	size_t n;
	char *p;
	if (name[0] == '/')
		return strdup(name);
	ck_assert_msg(data != NULL, "SND_TEST_DATA is not set (run through ctest)");
	n = strlen(data) + strlen(name) + 16;
	p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/forms/%s", data, name);
	return p;
}

static void path_in(const struct h_env *e, char *out, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", e->dir, name);
	ck_assert(n > 0 && n < PATH_MAX);
}

static void write_key(const char *path, const char *text, unsigned mode)
{
	ck_assert_msg(snd_write_file(path, text, strlen(text), mode, 1) == SND_OK,
	              "cannot write %s", path);
}

void h_setup(struct h_env *e)
{
	char tmpl[] = "/tmp/snd-it-XXXXXX";
	char pub[SND_PASERK_PUBLIC_LEN + 1], sec[SND_PASERK_SECRET_LEN + 1];

	memset(e, 0, sizeof *e);
	ck_assert(sodium_init() >= 0);
	ck_assert_msg(mkdtemp(tmpl) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(e->dir, sizeof e->dir, "%s", tmpl);
	path_in(e, e->db, "sounding.db");
	path_in(e, e->issuer_secret, "issuer.secret");
	path_in(e, e->issuer_public, "issuer.public");
	path_in(e, e->receipt_secret, "receipt.secret");
	path_in(e, e->receipt_public, "receipt.public");
	path_in(e, e->log, "collector.log");

	ck_assert(snd_keypair(e->issuer_pk, e->issuer_sk) == SND_OK);
	ck_assert(snd_keypair(e->receipt_pk, e->receipt_sk) == SND_OK);
	snd_paserk_public(e->issuer_pk, pub);
	snd_paserk_secret(e->issuer_sk, sec);
	write_key(e->issuer_public, pub, 0644);
	write_key(e->issuer_secret, sec, 0600);
	snd_paserk_public(e->receipt_pk, pub);
	snd_paserk_secret(e->receipt_sk, sec);
	write_key(e->receipt_public, pub, 0644);
	write_key(e->receipt_secret, sec, 0600);
	sodium_memzero(sec, sizeof sec);
	snd_paserk_pid(e->issuer_pk, e->kid);
}

/* The port in the "collector: listening on SCHEME://ADDR:PORT" line of the
 * server's log after offset `from` (the log is appended to across restarts),
 * or 0 while it is not there yet. */
static int logged_port(const char *log, long from)
{
	char line[512];
	int port = 0;
	FILE *f = fopen(log, "r");
	if (f == NULL)
		return 0;
	if (fseek(f, from, SEEK_SET) != 0) {
		fclose(f);
		return 0;
	}
	while (port == 0 && fgets(line, sizeof line, f)) {
		const char *p = strstr(line, "collector: listening on ");
		const char *colon;
		if (p && (colon = strrchr(p, ':')) != NULL)
			port = atoi(colon + 1);
	}
	fclose(f);
	return port;
}

static pid_t spawn(const char *const *argv, const char *log)
{
	pid_t parent = getpid(), pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		int nul = open("/dev/null", O_RDWR);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		if (fd >= 0)
			dup2(fd, 2);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int healthz_ok(const char *base, const char *cacert)
{
	char url[128];
	long status = 0;
	CURL *c = curl_easy_init();
	FILE *devnull = fopen("/dev/null", "w");
	if (c == NULL || devnull == NULL) {
		if (c)
			curl_easy_cleanup(c);
		if (devnull)
			fclose(devnull);
		return 0;
	}
	snprintf(url, sizeof url, "%s/healthz", base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
	if (cacert && cacert[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, cacert);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	fclose(devnull);
	return status == 200;
}

void h_start(struct h_env *e, const char *const *forms, const char *const *extra)
{
	const char *argv[64];
	char *paths[H_MAX_FORMS] = {0};
	char listen[64];
	size_t n, i, k;
	int attempt;

	/* Port 0: the collector binds a port the kernel picks and prints it;
	 * reading it from the server's own log means no other process's server
	 * can answer in its place (picking a "free" port first races). */
	for (attempt = 0; attempt < 5; attempt++) {
		struct stat before;
		long from = stat(e->log, &before) == 0 ? (long)before.st_size : 0;
		e->port = 0;
		snprintf(listen, sizeof listen, "127.0.0.1:0");
		n = 0;
		argv[n++] = h_collector();
		argv[n++] = "serve";
		for (i = 0; forms[i] && i < H_MAX_FORMS; i++) {
			free(paths[i]);
			paths[i] = h_form_path(forms[i]);
			argv[n++] = "--form";
			argv[n++] = paths[i];
		}
		argv[n++] = "--db";
		argv[n++] = e->db;
		argv[n++] = "--issuer-pub";
		argv[n++] = e->issuer_public;
		argv[n++] = "--receipt-key";
		argv[n++] = e->receipt_secret;
		argv[n++] = "--listen";
		argv[n++] = listen;
		argv[n++] = "--threads";
		argv[n++] = "2";
		argv[n++] = "--allow-root";
		/* every summary reflects the latest commit (no recompute interval) */
		argv[n++] = "--summary-interval";
		argv[n++] = "0";
		for (k = 0; extra && extra[k] && n < 62; k++)
			argv[n++] = extra[k];
		argv[n] = NULL;
		e->server = spawn(argv, e->log);
		for (k = 0; k < 300; k++) { /* up to 15 s */
			int st;
			if (waitpid(e->server, &st, WNOHANG) == e->server) {
				e->server = 0;
				break;
			}
			if (e->port == 0 && (e->port = logged_port(e->log, from)) != 0)
				snprintf(e->base, sizeof e->base, "%s://127.0.0.1:%d",
				         e->cacert[0] ? "https" : "http", e->port);
			if (e->port != 0 && healthz_ok(e->base, e->cacert))
				goto ready;
			sleep_ms(50);
		}
		if (e->server != 0) {
			kill(e->server, SIGKILL);
			waitpid(e->server, NULL, 0);
			e->server = 0;
		}
	}
	for (i = 0; i < H_MAX_FORMS; i++)
		free(paths[i]);
	ck_abort_msg("the collector did not start (see %s)", e->log);
	return;
ready:
	for (i = 0; i < H_MAX_FORMS; i++)
		free(paths[i]);
}

void h_start_tls(struct h_env *e, const char *const *forms)
{
	char key[PATH_MAX], cert[PATH_MAX];
	const char *argv[] = {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
	                      "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
	                      "-out", cert, "-days", "2", "-subj", "/CN=localhost",
	                      "-addext", "subjectAltName=IP:127.0.0.1", NULL};
	const char *extra[] = {"--tls-cert", cert, "--tls-key", key, NULL};
	char *out = NULL;

	ck_assert(strlen(e->dir) < sizeof key - 16);
	snprintf(key, sizeof key, "%.4000s/tls.key", e->dir);
	snprintf(cert, sizeof cert, "%.4000s/tls.crt", e->dir);
	ck_assert_msg(access(argv[0], X_OK) == 0, "the openssl command is needed for this test");
	ck_assert_int_eq(h_run(argv, &out), 0);
	free(out);
	memcpy(e->cacert, cert, strlen(cert) + 1);
	h_start(e, forms, extra);
	ck_assert(strncmp(e->base, "https://", 8) == 0);
}

int h_stop(struct h_env *e)
{
	int st, k;
	if (e->server == 0)
		return -1;
	kill(e->server, SIGTERM);
	for (k = 0; k < 600; k++) {
		pid_t w = waitpid(e->server, &st, WNOHANG);
		if (w == e->server) {
			e->server = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		sleep_ms(50);
	}
	kill(e->server, SIGKILL);
	waitpid(e->server, NULL, 0);
	e->server = 0;
	return -1;
}

void h_up(struct h_env *e, struct h_client **c, const char *const *forms,
          const char *const *extra)
{
	h_setup(e);
	h_start(e, forms, extra);
	*c = h_client_new(e);
}

void h_down(struct h_env *e, struct h_client **c)
{
	h_client_free(*c);
	*c = NULL;
	ck_assert_int_eq(h_stop(e), 0);
	h_teardown(e);
}

int h_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

void h_teardown(struct h_env *e)
{
	const char *argv[] = {"/bin/rm", "-rf", e->dir, NULL};
	if (e->server != 0)
		h_stop(e);
	if (e->dir[0] && strncmp(e->dir, "/tmp/snd-it-", 12) == 0 && getenv("SND_KEEP") == NULL)
		h_run(argv, NULL);
}

/* ------------------------------------------------------------ tokens */

static void iso(int64_t t, char out[21])
{
	snd_time_format(t, out);
}

char *h_claims(struct h_env *e, const char *aud, const char *sub, const char *role,
               const char *ent, const char *jti, int64_t nbf_off, int64_t exp_off,
               const char *attrs_json)
{
	int64_t now = (int64_t)time(NULL);
	char t[21], idbuf[32];
	struct snd_buf b;
	snd_buf_init(&b, 0);
	if (jti == NULL) {
		snprintf(idbuf, sizeof idbuf, "jti-%d-%d", (int)getpid(), ++e->jti_counter);
		jti = idbuf;
	}
	snd_buf_puts(&b, "{\"aud\":");
	snd_buf_json_str(&b, aud);
	snd_buf_puts(&b, ",\"sub\":");
	snd_buf_json_str(&b, sub);
	snd_buf_puts(&b, ",\"jti\":");
	snd_buf_json_str(&b, jti);
	snd_buf_puts(&b, ",\"role\":");
	snd_buf_json_str(&b, role);
	snd_buf_puts(&b, ",\"ent\":");
	snd_buf_json_str(&b, ent);
	snd_buf_printf(&b, ",\"attrs\":%s", attrs_json ? attrs_json : "{}");
	iso(now, t);
	snd_buf_printf(&b, ",\"iat\":\"%s\"", t);
	if (nbf_off != H_NO_TIME) {
		iso(now + nbf_off, t);
		snd_buf_printf(&b, ",\"nbf\":\"%s\"", t);
	}
	if (exp_off != H_NO_TIME) {
		iso(now + exp_off, t);
		snd_buf_printf(&b, ",\"exp\":\"%s\"", t);
	}
	snd_buf_putc(&b, '}');
	ck_assert(!b.failed);
	return snd_buf_steal(&b, NULL);
}

char *h_sign_with(const uint8_t sk[SND_SK_BYTES], const char *payload)
{
	uint8_t pk[SND_PK_BYTES];
	char pid[SND_PASERK_PID_LEN + 1], footer[128], *tok = NULL;
	memcpy(pk, sk + 32, sizeof pk);
	snd_paserk_pid(pk, pid);
	snprintf(footer, sizeof footer, "{\"kid\":\"%s\"}", pid);
	ck_assert(snd_paseto_sign(sk, payload, strlen(payload), footer, NULL, &tok) == SND_OK);
	return tok;
}

char *h_sign(struct h_env *e, const char *payload)
{
	return h_sign_with(e->issuer_sk, payload);
}

char *h_token(struct h_env *e, const char *aud, const char *sub, const char *role)
{
	static const char attrs[] =
		"{\"category\":\"Member State\",\"sg\":\"SG17\",\"region\":\"EUR\",\"hod\":\"no\"}";
	char ent[128];
	char *claims, *tok;
	snprintf(ent, sizeof ent, "Entity of %s", sub);
	claims = h_claims(e, aud, sub, role, ent, NULL, -60, 86400, attrs);
	tok = h_sign(e, claims);
	free(claims);
	return tok;
}

/* -------------------------------------------------------------- HTTP */

struct h_client {
	struct h_env *e;
	CURL *curl;
};

struct sink {
	char *p;
	size_t len, cap;
};

static void sink_add(struct sink *s, const char *d, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		size_t nc = (s->len + n + 1) * 2;
		char *np = realloc(s->p, nc);
		ck_assert_ptr_nonnull(np);
		s->p = np;
		s->cap = nc;
	}
	memcpy(s->p + s->len, d, n);
	s->len += n;
	s->p[s->len] = '\0';
}

size_t h_curl_sink(char *d, size_t size, size_t n, void *arg)
{
	struct h_resp *r = arg;
	size_t k = size * n;
	char *p = realloc(r->body, r->len + k + 1);
	if (p == NULL)
		return 0;
	memcpy(p + r->len, d, k);
	r->body = p;
	r->len += k;
	r->body[r->len] = '\0';
	return k;
}

static size_t on_body(char *d, size_t size, size_t n, void *arg)
{
	sink_add(arg, d, size * n);
	return size * n;
}

static size_t on_header(char *d, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	if (size * n >= 5 && strncmp(d, "HTTP/", 5) == 0)
		s->len = 0; /* a new response (after 100 Continue): keep the final one */
	sink_add(s, d, size * n);
	return size * n;
}

struct upload {
	const char *p;
	size_t left, chunk;
};

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n;
	if (k > u->left)
		k = u->left;
	if (k > u->chunk)
		k = u->chunk;
	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

struct h_client *h_client_new(struct h_env *e)
{
	struct h_client *c = calloc(1, sizeof *c);
	ck_assert_ptr_nonnull(c);
	c->e = e;
	c->curl = curl_easy_init();
	ck_assert_ptr_nonnull(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, "");
	return c;
}

void h_client_free(struct h_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

static int has_header(const char *const *headers, const char *name)
{
	size_t n = strlen(name), i;
	for (i = 0; headers && headers[i]; i++)
		if (strncasecmp(headers[i], name, n) == 0 && headers[i][n] == ':')
			return 1;
	return 0;
}

long h_request(struct h_client *c, const char *method, const char *path, const char *ctype,
               const char *body, size_t len, int chunked, const char *const *headers,
               struct h_resp *out)
{
	struct curl_slist *hl = NULL;
	struct sink bs = {0}, hs = {0};
	struct upload up = {body, len, 997};
	char url[2048], ct[256];
	CURL *k = c->curl;
	CURLcode cc;
	size_t i;

	memset(out, 0, sizeof *out);
	/* Options are reset one by one: curl_easy_reset would leak the cookie
	 * engine's file list (libcurl 7.88) each time it is re-enabled. */
	curl_easy_setopt(k, CURLOPT_POSTFIELDS, NULL); /* implies POST: before HTTPGET */
	curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
	curl_easy_setopt(k, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(k, CURLOPT_READDATA, &up);
	curl_easy_setopt(k, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(k, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST, NULL);
	snprintf(url, sizeof url, "%s%s", c->e->base, path);
	curl_easy_setopt(k, CURLOPT_URL, url);
	curl_easy_setopt(k, CURLOPT_PATH_AS_IS, 1L);
	if (c->e->cacert[0])
		curl_easy_setopt(k, CURLOPT_CAINFO, c->e->cacert);
	curl_easy_setopt(k, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(k, CURLOPT_WRITEDATA, &bs);
	curl_easy_setopt(k, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(k, CURLOPT_HEADERDATA, &hs);
	for (i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	if (!has_header(headers, "Expect"))
		hl = curl_slist_append(hl, "Expect:");
	if (ctype != NULL) {
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		hl = curl_slist_append(hl, ct);
	} else if (body != NULL) {
		hl = curl_slist_append(hl, "Content-Type:");
	}
	if (body != NULL && chunked) {
		hl = curl_slist_append(hl, "Transfer-Encoding: chunked");
		curl_easy_setopt(k, CURLOPT_POST, 1L);
		curl_easy_setopt(k, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(k, CURLOPT_READDATA, &up);
	} else if (body != NULL) {
		curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(k, CURLOPT_POSTFIELDS, body);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(k, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0 && !(strcmp(method, "POST") == 0 && body != NULL))
		curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(k, CURLOPT_HTTPHEADER, hl);
	cc = curl_easy_perform(k);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &out->status);
		curl_easy_getinfo(k, CURLINFO_NUM_CONNECTS, &out->new_connections);
	}
	curl_slist_free_all(hl);
	if (bs.p == NULL)
		sink_add(&bs, "", 0);
	if (hs.p == NULL)
		sink_add(&hs, "", 0);
	out->body = bs.p;
	out->len = bs.len;
	out->headers = hs.p;
	return out->status;
}

long h_get(struct h_client *c, const char *path, struct h_resp *out)
{
	return h_request(c, "GET", path, NULL, NULL, 0, 0, NULL, out);
}

long h_get_bearer(struct h_client *c, const char *path, const char *token, struct h_resp *out)
{
	char *auth;
	long st;
	size_t n = strlen(token) + 32;
	const char *hs[2];
	auth = malloc(n);
	ck_assert_ptr_nonnull(auth);
	snprintf(auth, n, "Authorization: Bearer %s", token);
	hs[0] = auth;
	hs[1] = NULL;
	st = h_request(c, "GET", path, NULL, NULL, 0, 0, hs, out);
	free(auth);
	return st;
}

long h_post_json(struct h_client *c, const char *path, const char *token, const char *json,
                 struct h_resp *out)
{
	char *auth = NULL;
	long st;
	const char *hs[2] = {NULL, NULL};
	if (token != NULL) {
		size_t n = strlen(token) + 32;
		auth = malloc(n);
		ck_assert_ptr_nonnull(auth);
		snprintf(auth, n, "Authorization: Bearer %s", token);
		hs[0] = auth;
	}
	st = h_request(c, "POST", path, "application/json", json, strlen(json), 0, hs, out);
	free(auth);
	return st;
}

void h_resp_free(struct h_resp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof *r);
}

char *h_header(const struct h_resp *r, const char *name)
{
	size_t n = strlen(name);
	const char *p = r->headers;
	while (p && *p) {
		const char *eol = strstr(p, "\r\n");
		size_t linelen = eol ? (size_t)(eol - p) : strlen(p);
		if (linelen > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			return strndup(v, linelen - (size_t)(v - p));
		}
		p = eol ? eol + 2 : p + linelen;
	}
	return NULL;
}

/* -------------------------------------------------------------- data */

static void hash_text(crypto_hash_sha256_state *st, const void *p, size_t n)
{
	uint64_t len = n;
	crypto_hash_sha256_update(st, (const unsigned char *)&len, sizeof len);
	if (n)
		crypto_hash_sha256_update(st, p, n);
}

char *h_db_state(struct h_env *e)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *tables = NULL;
	crypto_hash_sha256_state st;
	unsigned char h[32];
	char *hex = malloc(65);

	ck_assert_ptr_nonnull(hex);
	ck_assert_msg(sqlite3_open_v2(e->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK,
	              "open %s: %s", e->db, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 5000);
	crypto_hash_sha256_init(&st);
	ck_assert(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
	ck_assert(sqlite3_prepare_v2(db,
	                             "SELECT name FROM sqlite_schema WHERE type = 'table' "
	                             "ORDER BY name",
	                             -1, &tables, NULL) == SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);
		char sql[300];
		sqlite3_stmt *rows = NULL;
		int ncol, i;
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
		hash_text(&st, name, strlen(name));
		ck_assert(sqlite3_prepare_v2(db, sql, -1, &rows, NULL) == SQLITE_OK);
		ncol = sqlite3_column_count(rows);
		while (sqlite3_step(rows) == SQLITE_ROW)
			for (i = 0; i < ncol; i++) {
				const void *v = sqlite3_column_blob(rows, i);
				hash_text(&st, v ? v : "", (size_t)sqlite3_column_bytes(rows, i));
			}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, 65, h, sizeof h);
	return hex;
}

long h_db_count(struct h_env *e, const char *table)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char sql[200];
	long n = -1;
	ck_assert(sqlite3_open_v2(e->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s",
	              sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

int h_run(const char *const *argv, char **out)
{
	int fds[2], st;
	pid_t pid;
	struct sink s = {0};
	char buf[4096];
	ssize_t r;

	ck_assert(pipe(fds) == 0);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		close(fds[0]);
		dup2(fds[1], 1);
		if (nul >= 0)
			dup2(nul, 0);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while ((r = read(fds[0], buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0)
			sink_add(&s, buf, (size_t)r);
	close(fds[0]);
	if (waitpid(pid, &st, 0) != pid)
		st = -1;
	if (s.p == NULL)
		sink_add(&s, "", 0);
	if (out)
		*out = s.p;
	else
		free(s.p);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void h_tally_verify(struct h_env *e)
{
	const char *tally = getenv("SND_TALLY");
	const char *argv[] = {tally, "verify", "--db", e->db, "--receipt-pub", e->receipt_public,
	                      NULL};
	char *out = NULL;
	ck_assert_msg(tally != NULL, "SND_TALLY is not set (run through ctest)");
	ck_assert_msg(h_run(argv, &out) == 0, "tally verify: %s", out);
	free(out);
}

cJSON *h_json(const char *text)
{
	cJSON *j = cJSON_Parse(text);
	ck_assert_msg(j != NULL, "not JSON: %.300s", text);
	return j;
}

/* -------------------------------------------------------- raw sockets */

int h_raw_connect(struct h_env *e)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_msg(fd >= 0, "socket: %s", strerror(errno));
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)e->port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s",
	              strerror(errno));
	return fd;
}

int h_raw_send(int fd, const void *p, size_t n)
{
	const char *q = p;
	while (n > 0) {
		ssize_t w = send(fd, q, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for data on fd until the deadline: 1 readable, 0 timed out. */
static int wait_readable(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		int64_t left = deadline - mono_ms();
		int r;
		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1; /* let recv report it */
	}
}

long h_raw_response(int fd, int timeout_ms, struct h_resp *out)
{
	struct sink s = {0};
	int64_t deadline = mono_ms() + timeout_ms;
	long status = -1;
	char buf[4096];

	sink_add(&s, "", 0);
	for (;;) {
		const char *end = strstr(s.p, "\r\n\r\n");
		ssize_t r;
		if (end != NULL) {
			const char *cl = NULL, *p;
			size_t hlen = (size_t)(end - s.p) + 4;
			for (p = s.p; p && p < end; p = strstr(p, "\r\n"), p = p ? p + 2 : NULL)
				if (strncasecmp(p, "Content-Length:", 15) == 0) {
					cl = p + 15;
					break;
				}
			status = strtol(s.p + 9, NULL, 10);
			if (strncmp(s.p, "HTTP/", 5) != 0)
				status = 0;
			if (cl != NULL && s.len >= hlen + strtoul(cl, NULL, 10))
				break;
		}
		if (!wait_readable(fd, deadline)) {
			if (end == NULL)
				status = s.len ? 0 : -1;
			break;
		}
		r = recv(fd, buf, sizeof buf, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) { /* closed (or reset): what arrived is the answer */
			if (strstr(s.p, "\r\n\r\n") == NULL)
				status = 0;
			else if (strncmp(s.p, "HTTP/", 5) == 0)
				status = strtol(s.p + 9, NULL, 10);
			break;
		}
		sink_add(&s, buf, (size_t)r);
	}
	if (out != NULL) {
		const char *end = strstr(s.p, "\r\n\r\n");
		memset(out, 0, sizeof *out);
		out->status = status > 0 ? status : 0;
		if (end != NULL) {
			size_t hlen = (size_t)(end - s.p) + 4;
			out->headers = strndup(s.p, hlen);
			out->body = strdup(s.p + hlen);
			out->len = s.len - hlen;
		} else {
			out->headers = strdup("");
			out->body = strdup(s.p);
			out->len = s.len;
		}
		ck_assert(out->headers != NULL && out->body != NULL);
	}
	free(s.p);
	return status;
}

int h_raw_closed(int fd, int timeout_ms)
{
	int64_t deadline = mono_ms() + timeout_ms;
	char buf[4096];
	for (;;) {
		ssize_t r;
		if (!wait_readable(fd, deadline))
			return 0;
		r = recv(fd, buf, sizeof buf, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 1;
	}
}
