/* harness.h - integration tests drive the real `collector serve` over HTTP.
 *
 * A test environment (struct h_env) is a temporary directory with fresh
 * issuer and receipt keys (made with the library, written as PASERK files),
 * a database path, and a collector process listening on a free loopback
 * port.  Tokens for any claims are signed directly with the issuer key, so
 * tests can make expired, not-yet-valid, forged or other-questionnaire
 * tokens.  HTTP goes through libcurl; the database is inspected with the
 * SQLite API so tests can check that a rejected request stored nothing.
 *
 * Environment (set by ctest): SND_COLLECTOR, SND_TALLY, SND_SOURCE_DIR,
 * SND_TEST_DATA.
 */
#ifndef SND_HARNESS_H
#define SND_HARNESS_H

#include "sounding.h"

#include <check.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define H_MAX_FORMS 8

struct h_env {
	char dir[PATH_MAX];            /* the temporary directory */
	char db[PATH_MAX];
	char issuer_secret[PATH_MAX], issuer_public[PATH_MAX];
	char receipt_secret[PATH_MAX], receipt_public[PATH_MAX];
	char log[PATH_MAX];            /* the collector's stderr */
	uint8_t issuer_pk[SND_PK_BYTES], issuer_sk[SND_SK_BYTES];
	uint8_t receipt_pk[SND_PK_BYTES], receipt_sk[SND_SK_BYTES];
	char kid[SND_PASERK_PID_LEN + 1];
	pid_t server;                  /* 0 when not running */
	int port;
	char base[64];                 /* "http://127.0.0.1:PORT" (https with cacert) */
	char cacert[PATH_MAX];         /* set before h_start for TLS: the server's certificate */
	int jti_counter;
};

/* Makes the directory and the keys.  Aborts the test on failure. */
void h_setup(struct h_env *e);
/* Starts the collector on the forms (paths; relative ones are taken from
 * SND_TEST_DATA/forms), with extra arguments (NULL-terminated, may be NULL),
 * and waits until /healthz answers.  Retries on another port if the chosen
 * one was taken meanwhile. */
void h_start(struct h_env *e, const char *const *forms, const char *const *extra);
/* h_start over TLS: a fresh self-signed P-256 certificate for 127.0.0.1
 * (openssl req) in e->dir, set as e->cacert, and --tls-cert/--tls-key. */
void h_start_tls(struct h_env *e, const char *const *forms);
/* SIGTERM, wait; returns the exit status (or -1 when it died of a signal
 * or did not stop within 30 s). */
int h_stop(struct h_env *e);
/* Stops the server if running and removes the directory. */
void h_teardown(struct h_env *e);

struct h_client;

/* The checked fixture most files use: h_setup, h_start on forms with extra
 * arguments (may be NULL), and a client in *c.  h_down frees the client,
 * checks the collector exits 0 on SIGTERM and removes the directory. */
void h_up(struct h_env *e, struct h_client **c, const char *const *forms,
          const char *const *extra);
void h_down(struct h_env *e, struct h_client **c);

/* Runs suite s (CK_NORMAL) and frees it; the exit status for main: 0 when
 * every test passed, else 1. */
int h_run_suite(Suite *s);

/* The path of a form file in SND_TEST_DATA/forms (static buffer per call
 * site is not needed: returns a malloc'ed string). */
char *h_form_path(const char *name);

/* Claims JSON for a token.  times are offsets from now in seconds; pass
 * H_NO_TIME to leave nbf/exp out.  jti NULL picks a fresh one. */
#define H_NO_TIME INT64_MIN
char *h_claims(struct h_env *e, const char *aud, const char *sub, const char *role,
               const char *ent, const char *jti, int64_t nbf_off, int64_t exp_off,
               const char *attrs_json);
/* Signs payload with the issuer key (footer {"kid":...}); malloc'ed. */
char *h_sign(struct h_env *e, const char *payload);
/* Signs with a secret key of the caller's (a forger's). */
char *h_sign_with(const uint8_t sk[SND_SK_BYTES], const char *payload);
/* A valid token in one call: delegate or chair, valid for a day. */
char *h_token(struct h_env *e, const char *aud, const char *sub, const char *role);

/* ------------------------------------------------------------- HTTP */

struct h_resp {
	long status;
	char *body;        /* NUL-terminated */
	size_t len;
	char *headers;     /* raw header block of the final response */
	long new_connections; /* connections curl opened for this request (0: reused) */
};

struct h_client;

/* A client with its own cookie jar (in memory) and a kept-alive connection. */
struct h_client *h_client_new(struct h_env *e);
void h_client_free(struct h_client *c);

/* One request.  ctype may be NULL (no body type); body NULL means no body;
 * chunked sends the body with Transfer-Encoding: chunked; headers is a
 * NULL-terminated list of "Name: value" (may be NULL).  Returns the status,
 * or 0 when the transfer failed (out then holds what arrived). */
long h_request(struct h_client *c, const char *method, const char *path, const char *ctype,
               const char *body, size_t len, int chunked, const char *const *headers,
               struct h_resp *out);
long h_get(struct h_client *c, const char *path, struct h_resp *out);
/* GET/POST with "Authorization: Bearer TOKEN". */
long h_get_bearer(struct h_client *c, const char *path, const char *token, struct h_resp *out);
long h_post_json(struct h_client *c, const char *path, const char *token, const char *json,
                 struct h_resp *out);
void h_resp_free(struct h_resp *r);
/* A libcurl write callback appending to a struct h_resp's body (kept
 * NUL-terminated), for tests that drive their own CURL handles from
 * threads: it never aborts, it returns 0 (curl fails the transfer) when
 * out of memory. */
size_t h_curl_sink(char *d, size_t size, size_t n, void *arg);
/* The value of a response header (case-insensitive name), malloc'ed, or NULL. */
char *h_header(const struct h_resp *r, const char *name);

/* ------------------------------------------------------------- data */

/* A fingerprint of everything the collector may write (row counts, chain
 * head, revocations, delegate timestamps): equal strings mean unchanged. */
char *h_db_state(struct h_env *e);
long h_db_count(struct h_env *e, const char *table);
/* Runs a program (argv[0] a path), captures stdout (malloc'ed into *out,
 * may be NULL); returns its exit status or -1. */
int h_run(const char *const *argv, char **out);
/* The collector binary. */
const char *h_collector(void);
/* Runs `tally verify` on e's database with its receipt key; fails the test
 * (with tally's output) unless it exits 0.  The collector should be stopped. */
void h_tally_verify(struct h_env *e);

/* Small JSON helpers on top of cJSON for assertions. */
cJSON *h_json(const char *text);   /* aborts the test when not JSON */

/* ------------------------------------------------------- raw sockets
 * For what libcurl will not send: lying Content-Length, endless chunked
 * bodies, byte-at-a-time clients, malformed request lines. */

/* A blocking TCP connection to the collector; aborts the test on failure. */
int h_raw_connect(struct h_env *e);
/* Sends all of p[0..n); returns 0, or -1 when the peer closed or reset. */
int h_raw_send(int fd, const void *p, size_t n);
/* Reads one HTTP response (headers, then Content-Length bytes or until
 * close) for at most timeout_ms.  Returns its status; 0 when the server
 * closed the connection without answering; -1 on timeout with nothing.
 * out (may be NULL) receives what arrived (headers and body, raw). */
long h_raw_response(int fd, int timeout_ms, struct h_resp *out);
/* 1 when the server closes the connection (EOF or reset) within
 * timeout_ms (anything it sends meanwhile is read and dropped), else 0. */
int h_raw_closed(int fd, int timeout_ms);

#endif
