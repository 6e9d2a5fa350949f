/* micro.c - the cost of each step of a submission, one library call at a
 * time on one core, so a request's CPU time can be split into its parts
 * (the load tests only give the sum, and share the 2 cores with wrk).
 *
 *   micro OUT_DIR FORM [STEP...]
 *
 * OUT_DIR is bench/out after run.sh made its data: keys/, tokens.txt,
 * bodies.json, bodies.url.  Prints "micro_<step> <us> us" lines: the mean
 * over many calls after a warm-up, wall clock (CLOCK_MONOTONIC).
 *
 * Steps, in the order a JSON API submission meets them:
 *   token_verify   PASETO v4.public verify + claims parse (a cold token)
 *   body_parse     snd_json_parse of a ~0.9 KB {"answers":...} body
 *   answers_check  snd_form_check_answers (validation, show_if, clean copy)
 *   answers_hash   RFC 8785 canonical JSON + SHA-256
 *   answers_body   snd_answers_from_body: the three steps above in one
 *                  pass from the body text (each body is first checked to
 *                  give the same canonical text and hash as they do)
 *   receipt_sign   PASETO v4.public sign of the receipt claims
 *   store_append   snd_store_append per row in batches of 64, with the
 *                  commit (synchronous=FULL fsync) spread over the rows
 *   store_append_tmpfs   the same on /dev/shm, where fsync costs nothing
 *                  (the CPU part of an append).  Both also canonicalise the
 *                  answers and sign the receipt inside the timed loop, as
 *                  `gen` and imports do (kept so figures compare over time)
 *   writer_row     what the collector's writer thread does per row:
 *                  snd_store_append_signed with canonical answers and a
 *                  receipt made beforehand (a request thread makes both),
 *                  batches of 64, the commit's fsync spread over the rows
 *   writer_row_tmpfs     the same on /dev/shm: the writer's CPU per row
 *   request_reads  a submission's reads before it is queued (revoked?
 *                  the window) on a reader, each in its own read
 *                  transaction, with a commit by another connection before
 *                  each pair (as under load: the reader's cache is stale)
 *   request_reads_snapshot   the same two reads in one snapshot
 *   post_parse     urlencoded form body -> answers (the HTML flow)
 *
 * With STEP names only those steps are timed and printed (the data the
 * later steps need is still made, once); this keeps a callgrind run of one
 * step short:  valgrind --tool=callgrind micro OUT FORM token_verify
 */
#include "sounding.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A fixed salt for writer_row: the store checks its shape, not its use. */
#define MICRO_SALT "00112233445566778899aabbccddeeff"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "micro: %s\n", what);
	exit(1);
}

/* Lines of a file (trailing spaces cut: token files are padded). */
static char **read_lines(const char *path, size_t max, size_t *n)
{
	FILE *f = fopen(path, "r");
	char **v = calloc(max, sizeof *v), *line = NULL;
	size_t cap = 0;
	ssize_t len;
	*n = 0;
	if (f == NULL || v == NULL)
		die(path);
	while (*n < max && (len = getline(&line, &cap, f)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (len > 0 && (v[(*n)++] = strdup(line)) == NULL)
			die("out of memory");
	}
	free(line);
	fclose(f);
	return v;
}

static char **steps;
static int nsteps;

/* Is this step asked for (all are when none is named)? */
static int want(const char *name)
{
	int i;
	if (nsteps == 0)
		return 1;
	for (i = 0; i < nsteps; i++)
		if (strcmp(steps[i], name) == 0)
			return 1;
	return 0;
}

static void report(const char *name, double t0, long n)
{
	printf("micro_%s %.2f us\n", name, (now_us() - t0) / (double)n);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char path[4400], err[512], db[4200];
	uint8_t pk[SND_PK_BYTES], sk[SND_SK_BYTES];
	struct snd_form *f = NULL;
	struct snd_diag d;
	size_t ntok, nbody, npost, i;
	char **toks, **bodies, **posts;
	cJSON **answers, **clean;
	char (*hashes)[65];
	struct snd_store *s = NULL;
	long n, k;
	double t0;

	if (argc < 3) {
		fputs("usage: micro OUT_DIR FORM [STEP...]\n", stderr);
		return 2;
	}
	steps = argv + 3;
	nsteps = argc - 3;
	if (sodium_init() < 0)
		die("sodium_init");
	snd_diag_init(&d);
	if (snd_form_load(argv[2], &f, &d) != SND_OK)
		die("cannot load the form");
	snprintf(path, sizeof path, "%s/keys/issuer.public", argv[1]);
	if (snd_key_load_public(path, pk, err, sizeof err) != SND_OK)
		die(err);
	snprintf(path, sizeof path, "%s/keys/receipt.secret", argv[1]);
	if (snd_key_load_secret(path, sk, err, sizeof err) != SND_OK)
		die(err);
	snprintf(path, sizeof path, "%s/tokens.txt", argv[1]);
	toks = read_lines(path, 2000, &ntok);
	snprintf(path, sizeof path, "%s/bodies.json", argv[1]);
	bodies = read_lines(path, 1000, &nbody);
	snprintf(path, sizeof path, "%s/bodies.url", argv[1]);
	posts = read_lines(path, 1000, &npost);
	if (ntok == 0 || nbody == 0 || npost == 0)
		die("no tokens or bodies: run bench/run.sh first");
	answers = calloc(nbody, sizeof *answers);
	clean = calloc(nbody, sizeof *clean);
	hashes = calloc(nbody, sizeof *hashes);
	if (!answers || !clean || !hashes)
		die("out of memory");

	/* token_verify: each token once (cold, as a first request is) */
	t0 = now_us();
	for (i = 0; i < ntok && want("token_verify"); i++) {
		struct snd_claims c;
		char *payload = NULL;
		size_t plen;
		if (snd_paseto_verify(pk, toks[i], strlen(toks[i]), NULL, &payload, &plen, NULL) != SND_OK ||
		    snd_claims_parse(payload, plen, &c, err, sizeof err) != SND_OK)
			die("a token does not verify");
		snd_claims_free(&c);
		free(payload);
	}
	if (want("token_verify"))
		report("token_verify", t0, (long)ntok);

	/* body_parse (3 passes over the bodies, the last one kept) */
	n = 0;
	t0 = now_us();
	for (k = want("body_parse") ? 0 : 2; k < 3; k++)
		for (i = 0; i < nbody; i++, n++) {
			cJSON *root = NULL;
			if (snd_json_parse(bodies[i], strlen(bodies[i]), 65536, SND_JSON_MAX_DEPTH, &root,
			                   err, sizeof err) != SND_OK)
				die(err);
			if (k < 2)
				cJSON_Delete(root);
			else
				answers[i] = root;
		}
	if (want("body_parse"))
		report("body_parse", t0, n);

	n = 0;
	t0 = now_us();
	for (k = want("answers_check") ? 0 : 2; k < 3; k++)
		for (i = 0; i < nbody; i++, n++) {
			cJSON *c = NULL;
			snd_diag_init(&d);
			if (snd_form_check_answers(f, cJSON_GetObjectItemCaseSensitive(answers[i], "answers"),
			                           &c, &d) != SND_OK)
				die("answers refused");
			snd_diag_free(&d);
			if (k < 2)
				cJSON_Delete(c);
			else
				clean[i] = c;
		}
	if (want("answers_check"))
		report("answers_check", t0, n);

	n = 0;
	t0 = now_us();
	for (k = want("answers_hash") ? 0 : 2; k < 3; k++)
		for (i = 0; i < nbody; i++, n++) {
			struct snd_buf b;
			snd_buf_init(&b, 0);
			if (snd_answers_hash(clean[i], &b, hashes[i]) != SND_OK)
				die("hash");
			snd_buf_free(&b);
		}
	if (want("answers_hash"))
		report("answers_hash", t0, n);

	/* answers_body: parse + check + canonical JSON + SHA-256 in one call */
	if (want("answers_body")) {
		struct snd_buf b, g;
		char hex[65];
		snd_buf_init(&b, 0);
		snd_buf_init(&g, 0);
		for (i = 0; i < nbody; i++) {
			snd_buf_reset(&b);
			snd_buf_reset(&g);
			if (snd_answers_from_body(f, bodies[i], strlen(bodies[i]), 65536, &b, hex) != SND_OK)
				die("snd_answers_from_body refused a body the general path takes");
			if (snd_canon_json(clean[i], &g) != SND_OK || g.len != b.len ||
			    memcmp(g.data, b.data, b.len) != 0 || strcmp(hex, hashes[i]) != 0)
				die("snd_answers_from_body differs from parse + check + hash");
		}
		n = 0;
		t0 = now_us();
		for (k = 0; k < 3; k++)
			for (i = 0; i < nbody; i++, n++) {
				snd_buf_reset(&b);
				if (snd_answers_from_body(f, bodies[i], strlen(bodies[i]), 65536, &b, hex) !=
				    SND_OK)
					die("answers_body");
			}
		report("answers_body", t0, n);
		snd_buf_free(&b);
		snd_buf_free(&g);
	}

	/* receipt_sign: the claims store.c signs (aud, sub, rev, hash, iat) */
	n = 0;
	t0 = now_us();
	for (i = 0; i < 3000 && want("receipt_sign"); i++, n++) {
		char claims[512], *tok = NULL;
		int len = snprintf(claims, sizeof claims,
		                   "{\"aud\":\"lsg-review\",\"sub\":\"d%07zu\",\"rev\":1,\"hash\":\"%s\","
		                   "\"iat\":\"2026-11-25T18:00:00Z\"}",
		                   i, hashes[i % nbody]);
		if (snd_paseto_sign(sk, claims, (size_t)len,
		                    "{\"kid\":\"k4.pid.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", NULL,
		                    &tok) != SND_OK)
			die("sign");
		free(tok);
	}
	if (want("receipt_sign"))
		report("receipt_sign", t0, n);

	/* store_append (k 0, 1) and writer_row (k 2, 3): through the real
	 * store, batches of 64 like the writer */
	for (k = 0; k < 4; k++) {
		static const char *const name[] = {"store_append", "store_append_tmpfs", "writer_row",
		                                   "writer_row_tmpfs"};
		struct snd_buf canon;
		char **pre = NULL;   /* writer_row: canonical answers per body */
		char **rcpt = NULL;  /* writer_row: receipt per row, signed before */
		if (!want(name[k]))
			continue;
		if (k >= 2) {
			pre = calloc(nbody, sizeof *pre);
			rcpt = calloc(6400, sizeof *rcpt);
			if (pre == NULL || rcpt == NULL)
				die("out of memory");
			for (i = 0; i < nbody; i++) {
				snd_buf_init(&canon, 0);
				snd_canon_json(clean[i], &canon);
				if ((pre[i] = snd_buf_steal(&canon, NULL)) == NULL)
					die("out of memory");
			}
			for (i = 0; i < 6400; i++) {
				struct snd_submission sub = {0};
				char sub_id[32];
				snprintf(sub_id, sizeof sub_id, "d%07zu", i % 3000);
				sub.qid = f->id;
				sub.sub = sub_id;
				sub.hash = hashes[i % nbody];
				sub.salt = MICRO_SALT;
				if (snd_receipt_sign(sk, NULL, &sub, (int64_t)(i / 3000) + 1,
				                     1769414400000 + (int64_t)i, &rcpt[i]) != SND_OK)
					die("sign");
			}
		}
		if (k % 2 == 0)
			snprintf(db, sizeof db, "%s/micro.db", argv[1]);
		else
			snprintf(db, sizeof db, "/dev/shm/sounding-micro-%ld.db", (long)getpid());
		unlink(db);
		snprintf(path, sizeof path, "%s-wal", db);
		unlink(path);
		snprintf(path, sizeof path, "%s-shm", db);
		unlink(path);
		if (snd_store_open(db, SND_STORE_WRITE, &s, err, sizeof err) != SND_OK ||
		    snd_store_put_form(s, f) != SND_OK)
			die(err);
		snd_buf_init(&canon, 0);
		n = 0;
		t0 = now_us();
		for (i = 0; i < 6400; i++, n++) {
			struct snd_submission sub;
			char sub_id[32], jti[32], *receipt = NULL;
			int64_t rev;
			size_t b = i % nbody;
			if (i % 64 == 0 && snd_store_begin(s) != SND_OK)
				die("begin");
			snprintf(sub_id, sizeof sub_id, "d%07zu", i % 3000);
			snprintf(jti, sizeof jti, "jti-%07zu", i % 3000);
			memset(&sub, 0, sizeof sub);
			if (pre == NULL) {
				snd_buf_reset(&canon);
				snd_canon_json(clean[b], &canon);
				sub.answers = canon.data;
				sub.answers_len = canon.len;
			} else {
				sub.answers = pre[b];
				sub.salt = MICRO_SALT; /* the collector salts every hash */
			}
			sub.qid = f->id;
			sub.sub = sub_id;
			sub.ent = "Administration 00001";
			sub.attrs = "{\"category\":\"MS\",\"sg\":\"sg2\",\"region\":\"EUR\",\"hod\":\"yes\"}";
			sub.jti = jti;
			sub.hash = hashes[b];
			if (rcpt == NULL) {
				if (snd_store_append(s, &sub, sk, 1769414400000 + (int64_t)i, &rev,
				                     &receipt) != SND_OK)
					die(snd_store_errmsg(s));
			} else if (snd_store_append_signed(s, &sub, sk, 1769414400000 + (int64_t)i,
			                                   (int64_t)(i / 3000) + 1, rcpt[i], &rev,
			                                   &receipt) != SND_OK) {
				die(snd_store_errmsg(s));
			} else if (receipt != NULL) {
				die("writer_row: the store signed again (the receipt's rev was wrong)");
			}
			free(receipt);
			if (i % 64 == 63 && snd_store_commit(s) != SND_OK)
				die("commit");
		}
		report(name[k], t0, n);
		snd_buf_free(&canon);
		for (i = 0; pre != NULL && i < nbody; i++)
			free(pre[i]);
		for (i = 0; rcpt != NULL && i < 6400; i++)
			free(rcpt[i]);
		free(pre);
		free(rcpt);
		snd_store_close(s);
		s = NULL;
		unlink(db);
		snprintf(path, sizeof path, "%s-wal", db);
		unlink(path);
		snprintf(path, sizeof path, "%s-shm", db);
		unlink(path);
	}

	/* request_reads (k 0) and request_reads_snapshot (k 1): what a
	 * submission reads before it is queued, on a reader connection while
	 * another connection commits a row between two requests (as the writer
	 * does under load, so the reader's page cache is stale each time): is
	 * the token revoked, and the questionnaire's effective window; each in
	 * its own read transaction (k 0) or both in one snapshot (k 1).  Only
	 * the reads are timed. */
	for (k = 0; k < 2; k++) {
		struct snd_store *wr = NULL, *rd = NULL;
		struct snd_buf canon;
		double spent = 0;
		if (!want(k == 0 ? "request_reads" : "request_reads_snapshot"))
			continue;
		snprintf(db, sizeof db, "/dev/shm/sounding-micro-reads-%ld.db", (long)getpid());
		unlink(db);
		if (snd_store_open(db, SND_STORE_WRITE, &wr, err, sizeof err) != SND_OK ||
		    snd_store_put_form(wr, f) != SND_OK ||
		    snd_store_open(db, SND_STORE_READ, &rd, err, sizeof err) != SND_OK)
			die(err);
		snd_buf_init(&canon, 0);
		snd_canon_json(clean[0], &canon);
		n = 0;
		for (i = 0; i < 5000; i++, n++) {
			struct snd_submission sub = {0};
			struct snd_window w;
			char sub_id[32], jti[32], *receipt = NULL;
			int64_t rev;
			int revoked = 0, began = 0;
			snprintf(sub_id, sizeof sub_id, "d%07zu", i);
			snprintf(jti, sizeof jti, "jti-%07zu", i);
			sub.qid = f->id;
			sub.sub = sub_id;
			sub.ent = "Administration 00001";
			sub.attrs = "{}";
			sub.jti = jti;
			sub.answers = canon.data;
			sub.answers_len = canon.len;
			sub.hash = hashes[0];
			if (snd_store_append(wr, &sub, sk, 1769414400000 + (int64_t)i, &rev, &receipt) !=
			    SND_OK)
				die(snd_store_errmsg(wr));
			free(receipt);
			t0 = now_us();
			if (k == 1 && snd_store_snapshot_begin(rd, &began) != SND_OK)
				die("snapshot");
			if (snd_store_is_revoked(rd, jti, &revoked) != SND_OK ||
			    snd_store_effective_window(rd, f, &w) != SND_OK)
				die(snd_store_errmsg(rd));
			if (k == 1)
				snd_store_snapshot_end(rd, began);
			spent += now_us() - t0;
		}
		printf("micro_%s %.2f us\n", k == 0 ? "request_reads" : "request_reads_snapshot",
		       spent / (double)n);
		snd_buf_free(&canon);
		snd_store_close(rd);
		snd_store_close(wr);
		unlink(db);
		snprintf(path, sizeof path, "%s-wal", db);
		unlink(path);
		snprintf(path, sizeof path, "%s-shm", db);
		unlink(path);
	}

	/* post_parse: the HTML flow's body -> answers (then the same check) */
	n = 0;
	t0 = now_us();
	for (k = 0; k < 3 && want("post_parse"); k++)
		for (i = 0; i < npost; i++, n++) {
			struct snd_kvlist kv = {0};
			cJSON *a = NULL;
			snd_diag_init(&d);
			if (snd_urlenc_parse(posts[i], strlen(posts[i]), &kv, err, sizeof err) != SND_OK ||
			    snd_form_answers_from_post(f, &kv, &a, &d) != SND_OK)
				die("post");
			snd_diag_free(&d);
			cJSON_Delete(a);
			snd_kvlist_free(&kv);
		}
	if (want("post_parse"))
		report("post_parse", t0, n);

	snd_form_free(f);
	sodium_memzero(sk, sizeof sk);
	return 0;
}
