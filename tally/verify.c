/* verify.c - `tally verify`: checks that a database still holds exactly
 * what was collected.
 *
 * For every revision, in seq order (one pass, memory independent of the
 * number of rows):
 *   1. the chain: seq follows the previous row's seq (a gap means deleted
 *      rows), prev equals the previous row's link (64 zeros for the first),
 *      and link is the SHA-256 of the documented string over this row;
 *   2. the answers: they parse, their stored text is canonical JSON (RFC
 *      8785) and its SHA-256 equals the stored hash;
 *   3. the receipt: a PASETO v4.public signed by (one of) the receipt
 *      key(s), whose claims aud, sub, rev and hash equal the row's.
 * Each problem is printed as
 *   tally: revision SEQ (qid, sub, rev N): what is wrong
 * and the run ends with "verified N revisions: ok" or "...: K problems"
 * (exit 1).  A deleted *last* row leaves no gap: compare the chain head
 * (the last row's link) with one published or kept elsewhere.
 */
#include "tally.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define VERIFY_JSON_MAX ((size_t)4 << 20)

static const char verify_usage[] =
	"usage: tally verify --db DB --receipt-pub FILE [--receipt-pub FILE...]\n"
	"\n"
	"Recomputes every answers hash (and checks the stored text is canonical\n"
	"JSON), checks every receipt's signature and claims against the receipt\n"
	"public key(s), and walks the hash chain for altered or missing rows.\n"
	"Prints each problem, then \"verified N revisions: ok\"; exit 1 on any problem.\n"
	"Give --receipt-pub once per receipt key the collectors used.\n";

static const char zero_link[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

struct vctx {
	uint8_t (*pks)[SND_PK_BYTES];
	size_t npks;
	int64_t last_seq;       /* 0 before the first row */
	char last_link[65];
	long long rows, problems;
	struct progress prog;
};

/* Copies s for a terminal: control characters become '?'. */
static void safe(char *dst, size_t n, const char *s)
{
	size_t i = 0;
	if (s == NULL)
		s = "(null)";
	for (; *s && i + 1 < n; s++, i++)
		dst[i] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	dst[i] = '\0';
}

static void problem(struct vctx *v, const struct snd_revision *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct vctx *v, const struct snd_revision *r, const char *fmt, ...)
{
	char qid[128], sub[128];
	va_list ap;
	safe(qid, sizeof qid, r->qid);
	safe(sub, sizeof sub, r->sub);
	progress_done(&v->prog);
	fprintf(stderr, "tally: revision %lld (%s, %s, rev %lld): ", (long long)r->seq, qid, sub,
	        (long long)r->rev);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	v->problems++;
}

static int str_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static void check_chain(struct vctx *v, const struct snd_revision *r)
{
	char link[65];
	const char *expect_prev = v->last_seq == 0 ? zero_link : v->last_link;
	int64_t expect_seq = v->last_seq + 1;

	if (r->seq != expect_seq) {
		if (r->seq == expect_seq + 1)
			problem(v, r, "chain gap: revision %lld is missing (deleted)",
			        (long long)expect_seq);
		else if (r->seq > expect_seq)
			problem(v, r, "chain gap: revisions %lld..%lld are missing (deleted)",
			        (long long)expect_seq, (long long)(r->seq - 1));
		else
			problem(v, r, "sequence number out of order (after %lld)", (long long)v->last_seq);
	}
	if (!str_eq(r->prev, expect_prev)) {
		if (v->last_seq == 0)
			problem(v, r, "prev is not the start of a chain (rows before it were removed)");
		else
			problem(v, r, "prev does not match the link of revision %lld (a row before it "
			              "was removed or altered)", (long long)v->last_seq);
	}
	if (r->prev && r->qid && r->sub && r->hash && r->receipt) {
		snd_chain_link(r, link);
		if (!str_eq(r->link, link))
			problem(v, r, "chain link does not match the row (the row was altered)");
	} else {
		problem(v, r, "a chain field is missing");
	}
}

static void check_answers(struct vctx *v, const struct snd_revision *r)
{
	cJSON *a = NULL;
	struct snd_buf canon;
	char hex[65], err[256];

	if (r->answers == NULL) {
		problem(v, r, "answers are missing");
		return;
	}
	if (snd_json_parse(r->answers, r->answers_len, VERIFY_JSON_MAX, SND_JSON_MAX_DEPTH, &a, err,
	                   sizeof err) != SND_OK) {
		problem(v, r, "answers are not valid JSON (%s)", err);
		return;
	}
	snd_buf_init(&canon, VERIFY_JSON_MAX * 2);
	if (snd_answers_hash(a, &canon, hex) != SND_OK) {
		problem(v, r, "answers cannot be put in canonical form");
	} else {
		if (canon.len != r->answers_len || memcmp(canon.data, r->answers, canon.len) != 0)
			problem(v, r, "stored answers text is not canonical JSON (altered after "
			              "collection)");
		if (!str_eq(hex, r->hash))
			problem(v, r, "answers do not match their hash (altered after collection)");
	}
	snd_buf_free(&canon);
	cJSON_Delete(a);
}

static void check_receipt(struct vctx *v, const struct snd_revision *r)
{
	char *payload = NULL;
	size_t plen = 0, i;
	cJSON *c = NULL;
	const cJSON *x;
	char err[256];
	int ok = 0;

	if (r->receipt == NULL || r->receipt[0] == '\0') {
		problem(v, r, "receipt is missing");
		return;
	}
	for (i = 0; i < v->npks && !ok; i++) {
		free(payload);
		payload = NULL;
		ok = snd_paseto_verify(v->pks[i], r->receipt, strlen(r->receipt), NULL, &payload, &plen,
		                       NULL) == SND_OK;
	}
	if (!ok) {
		problem(v, r, "receipt signature does not verify with the receipt key%s",
		        v->npks > 1 ? "s" : "");
		goto out;
	}
	if (snd_json_parse(payload, plen, 65536, 8, &c, err, sizeof err) != SND_OK ||
	    !cJSON_IsObject(c)) {
		problem(v, r, "receipt claims are not a JSON object");
		goto out;
	}
	x = cJSON_GetObjectItemCaseSensitive(c, "aud");
	if (!cJSON_IsString(x) || !str_eq(x->valuestring, r->qid))
		problem(v, r, "receipt is for another questionnaire (aud)");
	x = cJSON_GetObjectItemCaseSensitive(c, "sub");
	if (!cJSON_IsString(x) || !str_eq(x->valuestring, r->sub))
		problem(v, r, "receipt names another delegate (sub)");
	x = cJSON_GetObjectItemCaseSensitive(c, "rev");
	if (!cJSON_IsNumber(x) || x->valuedouble != (double)r->rev)
		problem(v, r, "receipt names another revision (rev)");
	x = cJSON_GetObjectItemCaseSensitive(c, "hash");
	if (!cJSON_IsString(x) || !str_eq(x->valuestring, r->hash))
		problem(v, r, "receipt hash differs from the stored hash");
out:
	cJSON_Delete(c);
	free(payload);
}

static int verify_row(void *vctx, const struct snd_revision *r)
{
	struct vctx *v = vctx;
	check_chain(v, r);
	check_answers(v, r);
	check_receipt(v, r);
	v->last_seq = r->seq;
	if (r->link && strlen(r->link) == 64)
		memcpy(v->last_link, r->link, 65);
	else
		memset(v->last_link, 0, sizeof v->last_link);
	v->rows++;
	progress_tick(&v->prog);
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	const char *db = NULL, **pubs = NULL;
	size_t npubs = 0, i;
	struct opt opts[] = {
		{"db", 1, &db, NULL, NULL},
		{"receipt-pub", 1, NULL, &pubs, &npubs},
		{NULL, 0, NULL, NULL, NULL},
	};
	struct snd_store *s = NULL;
	struct vctx v;
	char err[512];
	int help, rc;
	enum snd_err e;

	memset(&v, 0, sizeof v);
	rc = opts_parse(argc, argv, opts, verify_usage, &help, NULL, NULL);
	if (help) {
		fputs(verify_usage, stdout);
		rc = 0;
		goto done;
	}
	if (rc)
		goto done;
	if (db == NULL || npubs == 0) {
		tally_err("%s is required", db == NULL ? "--db" : "--receipt-pub");
		fputs(verify_usage, stderr);
		rc = EXIT_USAGE;
		goto done;
	}
	rc = 1;
	if ((v.pks = calloc(npubs, sizeof *v.pks)) == NULL) {
		tally_err("out of memory");
		goto done;
	}
	for (i = 0; i < npubs; i++) {
		if (snd_key_load_public(pubs[i], v.pks[i], err, sizeof err) != SND_OK) {
			tally_err("--receipt-pub %s: %s", pubs[i], err);
			goto done;
		}
	}
	v.npks = npubs;
	if (snd_store_open(db, SND_STORE_READ, &s, err, sizeof err) != SND_OK) {
		tally_err("%s: %s", db, err);
		goto done;
	}
	progress_init(&v.prog, "revisions");
	e = snd_store_each_revision(s, verify_row, &v);
	progress_done(&v.prog);
	if (e != SND_OK) {
		tally_err("%s: reading revisions failed after %lld: %s", db, v.rows,
		          snd_store_errmsg(s));
		goto done;
	}
	if (v.problems == 0) {
		printf("verified %lld revision%s: ok\n", v.rows, v.rows == 1 ? "" : "s");
		rc = 0;
	} else {
		printf("verified %lld revision%s: %lld problem%s\n", v.rows, v.rows == 1 ? "" : "s",
		       v.problems, v.problems == 1 ? "" : "s");
		rc = 1;
	}
	if (fflush(stdout) != 0)
		rc = 1;
done:
	snd_store_close(s);
	free(v.pks);
	free(pubs);
	return rc;
}
