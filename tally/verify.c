/* verify.c - `tally verify`: checks that a database still holds exactly
 * what was collected.
 *
 * Invariants: the database is opened read-only (SND_STORE_READ); the
 * numbered checks below hold for every revision that verifies.
 * For every revision, in seq order (one pass; memory: one small entry per
 * delegate and per revision, never the rows themselves):
 *   1. the chain: seq follows the previous row's seq (a gap means deleted
 *      rows), prev equals the previous row's link (64 zeros for the first),
 *      and link is the SHA-256 of the documented string over this row;
 *   2. the answers: they parse, their stored text is canonical JSON (RFC
 *      8785) and the SHA-256 of the row's salt bytes followed by that text
 *      (of the text alone for a row stored before salts, salt NULL) equals
 *      the stored hash;
 *   3. the receipt: a PASETO v4.public signed by (one of) the receipt
 *      key(s), whose claims aud, sub, rev, hash and salt (absent when the
 *      row has none) equal the row's and whose
 *      iat is the row's submitted_at (to the second); and no two rows hold
 *      the same receipt - the chain is unkeyed, so an older revision copied
 *      in again as the newest row, relinked, would otherwise pass everything
 *      (one 32-byte entry per revision);
 *   4. the latest pointers the tally counts: each delegate's latest
 *      revision must be its newest (highest seq), named by one pointer only
 *      - otherwise an edited or added delegate row would make the tally
 *      count an older answer, or one answer twice, while every revision row
 *      still verifies.  This needs one 32-byte entry per delegate.
 * Each problem is printed as
 *   tally: revision SEQ (qid, sub, rev N): what is wrong
 * and the run ends with "verified N revisions: ok" or "...: K problems"
 * (exit 1), then "chain head: revision N, link L".  A deleted *last* row
 * leaves no gap, so publish the head: --head L later checks that the chain
 * still contains that link (rows after it are fine; they came later).
 *
 * Then the chair's record (dispositions and outcomes, store_record.c), a
 * chain of its own, in seq order: seq dense from 1, prev the link of the
 * record before (64 zeros for the first), link = snd_record_link of the
 * row, every field well formed.  Its problems are printed as
 *   tally: record SEQ (kind, qid, question): what is wrong
 * and counted with the rest; "verified N records: ..." and "record chain
 * head: record N, link L" follow when there are any.
 *
 * Then the revocations (store_sched.c), a chain of their own checked the
 * same way (link = snd_revocation_link); problems print as
 *   tally: revocation SEQ (jti): what is wrong
 * then "verified N revocations: ..." and "revocation chain head:
 * revocation N, link L".  Deleting the newest revocation(s) leaves no gap,
 * so that head is to be published too (--revocations-head).
 *
 * Cost: one Ed25519 verification per row (~50 us) dominates, so rows are
 * copied in batches and the answers and receipt checks of a batch run on
 * one thread per core (--jobs); the chain is walked on the main thread in
 * seq order, and each row's problems are printed in seq order after its
 * batch, so the output does not depend on the thread count.
 */
#include "tally.h"

#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VERIFY_JSON_MAX ((size_t)4 << 20)
#define BATCH 2048
#define MAX_JOBS 16

static const char verify_usage[] =
	"usage: tally verify --db DB --receipt-pub FILE [--receipt-pub FILE...]\n"
	"                    [--head LINK] [--revocations-head LINK] [--jobs N]\n"
	"\n"
	"Recomputes every answers hash (and checks the stored text is canonical\n"
	"JSON), checks every receipt's signature and claims against the receipt\n"
	"public key(s), and walks the hash chain for altered or missing rows; the\n"
	"chair's record (dispositions, outcomes) and the revocations are checked the\n"
	"same way, each on its own chain.  A salted revision's hash is SHA-256(salt\n"
	"bytes || canonical answers); one stored before salts existed, SHA-256(canonical\n"
	"answers).  Prints each problem, then \"verified N revisions: ok\".  The last\n"
	"lines name the chain heads: publish them, and --head / --revocations-head\n"
	"will later check that the chains still hold them (removing the newest rows\n"
	"leaves no other trace).\n"
	"\n"
	"options:\n"
	"  --db DB             the collector's database (read only)\n"
	"  --receipt-pub FILE  a receipt public key (receipt.public, from keygen); once\n"
	"                      per receipt key the collectors used\n"
	"  --head LINK         a chain head published earlier: 64 lowercase hex digits\n"
	"  --revocations-head LINK  the revocation chain's head published earlier\n"
	"  --jobs N            checking threads, 1 to 16 (default: one per core)\n"
	"  --help              print this help\n"
	"\n"
	"exit status: 0 every check holds, 1 any problem (or a key or database that\n"
	"cannot be read), 2 usage error.\n";

static const char zero_link[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* One row of a batch: a private copy of the revision (strings in blob) and
 * the problems found, one per line. */
struct vrow {
	struct snd_revision r;
	char *blob;
	struct snd_buf msgs;
};

/* Newest seq per (qid, sub), open addressing over BLAKE2b-128 digests
 * (a collision of 128-bit digests is not a practical concern). */
struct newest {
	uint8_t key[16];
	int64_t seq;       /* 0 = empty slot */
	int64_t seen;      /* set when each_latest named this delegate */
};

struct newest_map {
	struct newest *s;
	size_t cap, n;
	char **qids;       /* distinct questionnaire ids, for each_latest */
	size_t nqids;
};

struct vctx {
	uint8_t (*pks)[SND_PK_BYTES];
	size_t npks;
	int64_t last_seq;       /* 0 before the first row */
	char last_link[65];
	long long rows, problems;
	struct progress prog;
	struct vrow batch[BATCH];
	size_t nbatch;
	int jobs;
	int failed;             /* out of memory: stop */
	struct newest_map newest;
	struct newest_map receipts; /* digest of each receipt -> seq of its row */
	const char *want_head;  /* --head: a link the chain must hold */
	int64_t head_seq;       /* seq of the row whose link is want_head, or 0 */
};

static void delegate_key(uint8_t key[16], const char *qid, const char *sub)
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 16);
	crypto_generichash_update(&h, (const uint8_t *)qid, strlen(qid) + 1);
	crypto_generichash_update(&h, (const uint8_t *)sub, strlen(sub) + 1);
	crypto_generichash_final(&h, key, 16);
}

static struct newest *newest_find(struct newest_map *m, const uint8_t key[16], int add)
{
	uint64_t h;
	size_t j;
	if (add && (m->n + 1) * 4 > m->cap * 3) {
		size_t nc = m->cap ? m->cap * 2 : 1024, i;
		struct newest *ns = calloc(nc, sizeof *ns);
		if (ns == NULL)
			return NULL;
		for (i = 0; i < m->cap; i++) {
			if (m->s[i].seq == 0)
				continue;
			memcpy(&h, m->s[i].key, sizeof h);
			for (j = h & (nc - 1); ns[j].seq; j = (j + 1) & (nc - 1))
				;
			ns[j] = m->s[i];
		}
		free(m->s);
		m->s = ns;
		m->cap = nc;
	}
	if (m->cap == 0)
		return NULL;
	memcpy(&h, key, sizeof h);
	for (j = h & (m->cap - 1); m->s[j].seq; j = (j + 1) & (m->cap - 1))
		if (memcmp(m->s[j].key, key, 16) == 0)
			return &m->s[j];
	if (!add)
		return NULL;
	memcpy(m->s[j].key, key, 16);
	m->n++;
	return &m->s[j];
}

/* Records r as the newest revision of its delegate so far (rows come in
 * seq order).  -1 on no memory. */
static int newest_note(struct newest_map *m, const struct snd_revision *r)
{
	uint8_t key[16];
	struct newest *e;
	size_t i;
	if (r->qid == NULL || r->sub == NULL)
		return 0;
	for (i = 0; i < m->nqids && strcmp(m->qids[i], r->qid) != 0; i++)
		;
	if (i == m->nqids) {
		char **p = realloc(m->qids, (m->nqids + 1) * sizeof *p);
		if (p == NULL)
			return -1;
		m->qids = p;
		if ((m->qids[m->nqids] = strdup(r->qid)) == NULL)
			return -1;
		m->nqids++;
	}
	delegate_key(key, r->qid, r->sub);
	if ((e = newest_find(m, key, 1)) == NULL)
		return -1;
	if (r->seq > e->seq)
		e->seq = r->seq;
	return 0;
}

static void newest_free(struct newest_map *m)
{
	size_t i;
	for (i = 0; i < m->nqids; i++)
		free(m->qids[i]);
	free(m->qids);
	free(m->s);
}

static void problem(struct vrow *row, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct vrow *row, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	snd_buf_vprintf(&row->msgs, fmt, ap);
	va_end(ap);
	snd_buf_putc(&row->msgs, '\n');
}

/* Notes row's receipt; a receipt already met is a copied-in revision.
 * -1 on no memory. */
static int receipt_note(struct newest_map *m, struct vrow *row)
{
	uint8_t key[16];
	struct newest *e;
	const char *rc = row->r.receipt;
	if (rc == NULL || rc[0] == '\0')
		return 0; /* reported by check_receipt */
	crypto_generichash(key, sizeof key, (const uint8_t *)rc, strlen(rc), NULL, 0);
	if ((e = newest_find(m, key, 1)) == NULL)
		return -1;
	if (e->seq != 0)
		problem(row, "receipt is the same as revision %lld's (an earlier revision was copied "
		             "in again)", (long long)e->seq);
	else
		e->seq = row->r.seq != 0 ? row->r.seq : -1; /* nonzero: the slot is taken */
	return 0;
}

static int str_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static void check_chain(struct vctx *v, struct vrow *row)
{
	const struct snd_revision *r = &row->r;
	char link[65];
	const char *expect_prev = v->last_seq == 0 ? zero_link : v->last_link;
	int64_t expect_seq = v->last_seq + 1;

	if (r->seq != expect_seq) {
		if (r->seq == expect_seq + 1)
			problem(row, "chain gap: revision %lld is missing (deleted)",
			        (long long)expect_seq);
		else if (r->seq > expect_seq)
			problem(row, "chain gap: revisions %lld..%lld are missing (deleted)",
			        (long long)expect_seq, (long long)(r->seq - 1));
		else
			problem(row, "sequence number out of order (after %lld)", (long long)v->last_seq);
	}
	if (!str_eq(r->prev, expect_prev)) {
		if (v->last_seq == 0)
			problem(row, "prev is not the start of a chain (rows before it were removed)");
		else
			problem(row, "prev does not match the link of revision %lld (a row before it "
			              "was removed or altered)", (long long)v->last_seq);
	}
	if (r->prev && r->qid && r->sub && r->hash && r->receipt) {
		snd_chain_link(r, link);
		if (!str_eq(r->link, link))
			problem(row, "chain link does not match the row (the row was altered)");
	} else {
		problem(row, "a chain field is missing");
	}
}

static void check_answers(struct vrow *row)
{
	const struct snd_revision *r = &row->r;
	cJSON *a = NULL;
	struct snd_buf canon;
	char hex[65], err[256];

	if (r->answers == NULL) {
		problem(row, "answers are missing");
		return;
	}
	if (snd_json_parse(r->answers, r->answers_len, VERIFY_JSON_MAX, SND_JSON_MAX_DEPTH, &a, err,
	                   sizeof err) != SND_OK) {
		problem(row, "answers are not valid JSON (%s)", err);
		return;
	}
	snd_buf_init(&canon, VERIFY_JSON_MAX * 2);
	if (snd_canon_json(a, &canon) != SND_OK || canon.failed) {
		problem(row, "answers cannot be put in canonical form");
	} else {
		if (canon.len != r->answers_len || memcmp(canon.data, r->answers, canon.len) != 0)
			problem(row, "stored answers text is not canonical JSON (altered after "
			              "collection)");
		/* salted: SHA-256(salt bytes || canonical JSON); a row stored
		 * before salts (NULL) keeps SHA-256(canonical JSON) */
		if (snd_revision_hash(r->salt, canon.data, canon.len, hex) != SND_OK)
			problem(row, "salt is not 32 lowercase hex digits (altered after collection)");
		else if (!str_eq(hex, r->hash))
			problem(row, "answers do not match their hash (altered after collection)");
	}
	snd_buf_free(&canon);
	cJSON_Delete(a);
}

static void check_receipt(const struct vctx *v, struct vrow *row)
{
	const struct snd_revision *r = &row->r;
	char *payload = NULL;
	size_t plen = 0, i;
	cJSON *c = NULL;
	const cJSON *x;
	char err[256];
	int ok = 0;

	if (r->receipt == NULL || r->receipt[0] == '\0') {
		problem(row, "receipt is missing");
		return;
	}
	for (i = 0; i < v->npks && !ok; i++) {
		free(payload);
		payload = NULL;
		ok = snd_paseto_verify(v->pks[i], r->receipt, strlen(r->receipt), NULL, &payload, &plen,
		                       NULL) == SND_OK;
	}
	if (!ok) {
		problem(row, "receipt signature does not verify with the receipt key%s",
		        v->npks > 1 ? "s" : "");
		goto out;
	}
	if (snd_json_parse(payload, plen, 65536, 8, &c, err, sizeof err) != SND_OK ||
	    !cJSON_IsObject(c)) {
		problem(row, "receipt claims are not a JSON object");
		goto out;
	}
	x = cJSON_GetObjectItemCaseSensitive(c, "aud");
	if (!cJSON_IsString(x) || !str_eq(x->valuestring, r->qid))
		problem(row, "receipt is for another questionnaire (aud)");
	x = cJSON_GetObjectItemCaseSensitive(c, "sub");
	if (!cJSON_IsString(x) || !str_eq(x->valuestring, r->sub))
		problem(row, "receipt names another delegate (sub)");
	x = cJSON_GetObjectItemCaseSensitive(c, "rev");
	if (!cJSON_IsNumber(x) || x->valuedouble != (double)r->rev)
		problem(row, "receipt names another revision (rev)");
	x = cJSON_GetObjectItemCaseSensitive(c, "hash");
	if (!cJSON_IsString(x) || !str_eq(x->valuestring, r->hash))
		problem(row, "receipt hash differs from the stored hash");
	x = cJSON_GetObjectItemCaseSensitive(c, "salt");
	if (r->salt != NULL ? !cJSON_IsString(x) || !str_eq(x->valuestring, r->salt) : x != NULL)
		problem(row, "receipt salt differs from the stored salt");
	{ /* the collector signs iat from the same clock reading as submitted_at */
		char when[21];
		snd_time_format(r->submitted_at / 1000, when);
		x = cJSON_GetObjectItemCaseSensitive(c, "iat");
		if (!cJSON_IsString(x) || !str_eq(x->valuestring, when))
			problem(row, "receipt time (iat) differs from submitted_at (the time was altered)");
	}
out:
	cJSON_Delete(c);
	free(payload);
}

/* Copies r's strings into one allocation; 0 or -1 on no memory. */
static int copy_row(struct vrow *row, const struct snd_revision *r)
{
	const char *src[10] = {r->qid, r->sub, r->ent, r->attrs, r->jti, r->hash, r->receipt,
	                       r->prev, r->link, r->salt};
	const char **dst[10];
	size_t len[10], total = r->answers_len + 1, i;
	char *p;

	row->r = *r;
	dst[0] = &row->r.qid;
	dst[1] = &row->r.sub;
	dst[2] = &row->r.ent;
	dst[3] = &row->r.attrs;
	dst[4] = &row->r.jti;
	dst[5] = &row->r.hash;
	dst[6] = &row->r.receipt;
	dst[7] = &row->r.prev;
	dst[8] = &row->r.link;
	dst[9] = &row->r.salt;
	for (i = 0; i < 10; i++) {
		len[i] = src[i] ? strlen(src[i]) : 0;
		total += len[i] + 1;
	}
	if ((row->blob = p = malloc(total)) == NULL)
		return -1;
	for (i = 0; i < 10; i++) {
		if (src[i] == NULL) {
			*dst[i] = NULL;
			continue;
		}
		memcpy(p, src[i], len[i] + 1);
		*dst[i] = p;
		p += len[i] + 1;
	}
	if (r->answers) {
		memcpy(p, r->answers, r->answers_len);
		p[r->answers_len] = '\0';
		row->r.answers = p;
	}
	snd_buf_init(&row->msgs, 1 << 16);
	return 0;
}

struct worker {
	struct vctx *v;
	size_t first;
	pthread_t th;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	size_t i;
	for (i = w->first; i < w->v->nbatch; i += (size_t)w->v->jobs) {
		check_answers(&w->v->batch[i]);
		check_receipt(w->v, &w->v->batch[i]);
	}
	return NULL;
}

/* Checks the batch's answers and receipts on v->jobs threads, then prints
 * every row's problems in seq order and frees the rows. */
static void flush(struct vctx *v)
{
	struct worker w[MAX_JOBS];
	int j, started = 0;
	size_t i;

	for (j = 0; j < v->jobs; j++) {
		w[j].v = v;
		w[j].first = (size_t)j;
	}
	/* Thread 0 is this one; when a thread cannot start, this one does its
	 * share after the others (same results, just slower). */
	for (j = 1; j < v->jobs && (size_t)j < v->nbatch; j++) {
		if (pthread_create(&w[j].th, NULL, work, &w[j]) != 0)
			break;
		started = j;
	}
	work(&w[0]);
	for (j = started + 1; j < v->jobs && (size_t)j < v->nbatch; j++)
		work(&w[j]);
	for (j = 1; j <= started; j++)
		pthread_join(w[j].th, NULL);

	for (i = 0; i < v->nbatch; i++) {
		struct vrow *row = &v->batch[i];
		const char *m = row->msgs.data, *nl;
		char qid[128], sub[128];
		if (row->msgs.failed)
			v->failed = 1;
		if (m && *m) {
			progress_done(&v->prog);
			verify_safe(qid, sizeof qid, row->r.qid);
			verify_safe(sub, sizeof sub, row->r.sub);
		}
		for (; m && *m && (nl = strchr(m, '\n')) != NULL; m = nl + 1) {
			fprintf(stderr, "tally: revision %lld (%s, %s, rev %lld): %.*s\n",
			        (long long)row->r.seq, qid, sub, (long long)row->r.rev, (int)(nl - m), m);
			v->problems++;
		}
		snd_buf_free(&row->msgs);
		free(row->blob);
		row->blob = NULL;
	}
	v->nbatch = 0;
}

static int verify_row(void *vctx, const struct snd_revision *r)
{
	struct vctx *v = vctx;
	struct vrow *row = &v->batch[v->nbatch];
	if (copy_row(row, r) != 0) {
		v->failed = 1;
		return 1;
	}
	v->nbatch++;
	check_chain(v, row);
	if (receipt_note(&v->receipts, row) != 0 || newest_note(&v->newest, r) != 0) {
		v->failed = 1;
		return 1;
	}
	v->last_seq = r->seq;
	if (v->want_head && r->link && v->head_seq == 0 && strcmp(r->link, v->want_head) == 0)
		v->head_seq = r->seq;
	if (r->link && strlen(r->link) == 64)
		memcpy(v->last_link, r->link, 65);
	else
		memset(v->last_link, 0, sizeof v->last_link);
	v->rows++;
	progress_tick(&v->prog);
	if (v->nbatch == BATCH)
		flush(v);
	return v->failed;
}

/* each_latest callback: the pointer must name the delegate's newest row. */
static int check_latest(void *vctx, const struct snd_revision *r)
{
	struct vctx *v = vctx;
	uint8_t key[16];
	struct newest *e;
	char qid[128], sub[128];
	verify_safe(qid, sizeof qid, r->qid);
	verify_safe(sub, sizeof sub, r->sub);
	delegate_key(key, r->qid ? r->qid : "", r->sub ? r->sub : "");
	e = newest_find(&v->newest, key, 0);
	/* A collector may still be writing: rows after the walk are not
	 * judged (each statement reads its own snapshot). */
	if (r->seq > v->last_seq) {
		if (e)
			e->seen = 1;
		return 0;
	}
	if (e == NULL) {
		fprintf(stderr, "tally: revision %lld (%s, %s, rev %lld): counted as the delegate's "
		        "latest answer, but the chain walk never met this delegate\n",
		        (long long)r->seq, qid, sub, (long long)r->rev);
		v->problems++;
		return 0;
	}
	if (e->seq != r->seq) {
		fprintf(stderr, "tally: revision %lld (%s, %s, rev %lld): counted as the delegate's "
		        "latest answer, but revision %lld is newer (the latest pointer was altered)\n",
		        (long long)r->seq, qid, sub, (long long)r->rev, (long long)e->seq);
		v->problems++;
	} else if (e->seen) {
		/* another delegate row's pointer names it too: the tally counts it twice */
		fprintf(stderr, "tally: revision %lld (%s, %s, rev %lld): counted more than once (the "
		        "latest pointer of another delegate names it)\n",
		        (long long)r->seq, qid, sub, (long long)r->rev);
		v->problems++;
	}
	e->seen = 1;
	return 0;
}

/* After the walk: every delegate's latest pointer names its newest row,
 * and no delegate with revisions is left out of the count. */
static enum snd_err verify_latest(struct vctx *v, struct snd_store *s)
{
	size_t i;
	enum snd_err e;
	for (i = 0; i < v->newest.nqids; i++)
		if ((e = snd_store_each_latest(s, v->newest.qids[i], check_latest, v)) != SND_OK)
			return e;
	for (i = 0; i < v->newest.cap; i++) {
		const struct newest *n = &v->newest.s[i];
		if (n->seq == 0 || n->seen)
			continue;
		fprintf(stderr, "tally: revision %lld: its delegate has no latest answer, so the "
		        "tally leaves it out (the latest pointer was removed or altered)\n",
		        (long long)n->seq);
		v->problems++;
	}
	return SND_OK;
}

int cmd_verify(int argc, char **argv)
{
	struct rverify rv;
	struct kverify kv;
	const char *db = NULL, **pubs = NULL, *jobs = NULL, *head = NULL, *khead = NULL;
	size_t npubs = 0, i;
	struct opt opts[] = {
		{"db", 1, &db, NULL, NULL},
		{"receipt-pub", 1, NULL, &pubs, &npubs},
		{"jobs", 1, &jobs, NULL, NULL},
		{"head", 1, &head, NULL, NULL},
		{"revocations-head", 1, &khead, NULL, NULL},
		{NULL, 0, NULL, NULL, NULL},
	};
	struct snd_store *s = NULL;
	struct vctx *v = NULL;
	char err[512], *end;
	int help, rc;
	long nj;
	enum snd_err e;

	memset(&rv, 0, sizeof rv);
	memcpy(rv.last_link, zero_link, sizeof rv.last_link);
	memset(&kv, 0, sizeof kv);
	memcpy(kv.last_link, zero_link, sizeof kv.last_link);
	rc = opts_parse(argc, argv, opts, &help, NULL, NULL);
	if (help) {
		fputs(verify_usage, stdout);
		rc = 0;
		goto done;
	}
	if (rc)
		goto done;
	if (db == NULL || npubs == 0) {
		rc = tally_usage("verify", "%s is required", db == NULL ? "--db" : "--receipt-pub");
		goto done;
	}
	nj = sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs) {
		nj = strtol(jobs, &end, 10);
		if (*jobs == '\0' || *end != '\0' || nj < 1 || nj > MAX_JOBS) {
			rc = tally_usage("verify", "--jobs must be a number from 1 to %d, not '%s'",
			                 MAX_JOBS, jobs);
			goto done;
		}
	}
	rc = 1;
	if ((v = calloc(1, sizeof *v)) == NULL || (v->pks = calloc(npubs, sizeof *v->pks)) == NULL) {
		tally_err("out of memory");
		goto done;
	}
	v->jobs = nj < 1 ? 1 : nj > MAX_JOBS ? MAX_JOBS : (int)nj;
	v->want_head = head;
	if (head && (strlen(head) != 64 || strspn(head, "0123456789abcdef") != 64)) {
		rc = tally_usage("verify", "--head must be a chain link: 64 lowercase hex digits");
		goto done;
	}
	if (khead && (strlen(khead) != 64 || strspn(khead, "0123456789abcdef") != 64)) {
		tally_err("--revocations-head must be a chain link: 64 lowercase hex digits");
		rc = EXIT_USAGE;
		goto done;
	}
	kv.want_head = khead;
	for (i = 0; i < npubs; i++) {
		if (snd_key_load_public(pubs[i], v->pks[i], err, sizeof err) != SND_OK) {
			tally_err("--receipt-pub %s: %s", pubs[i], err);
			goto done;
		}
	}
	v->npks = npubs;
	if (snd_store_open(db, SND_STORE_READ, &s, err, sizeof err) != SND_OK) {
		tally_err("%s", err);
		goto done;
	}
	progress_init(&v->prog, "revisions");
	e = snd_store_each_revision(s, verify_row, v);
	if (!v->failed)
		flush(v);
	progress_done(&v->prog);
	if (v->failed) {
		tally_err("out of memory after %lld revisions", v->rows);
		goto done;
	}
	if (e != SND_OK) {
		tally_err("reading revisions failed after %lld: %s", v->rows, snd_store_errmsg(s));
		goto done;
	}
	if ((e = verify_latest(v, s)) != SND_OK) {
		tally_err("reading the latest revisions failed: %s", snd_store_errmsg(s));
		goto done;
	}
	if ((e = snd_store_each_record(s, verify_record, &rv)) != SND_OK) {
		tally_err("reading the chair's record failed: %s", snd_store_errmsg(s));
		goto done;
	}
	v->problems += rv.problems;
	if ((e = snd_store_each_revocation(s, verify_revocation, &kv)) != SND_OK) {
		tally_err("reading the revocations failed: %s", snd_store_errmsg(s));
		goto done;
	}
	if (khead && kv.head_seq == 0) {
		fprintf(stderr, "tally: the revocation chain does not hold the published head %s: "
		        "revocations were removed or altered\n", khead);
		kv.problems++;
	}
	v->problems += kv.problems;
	if (head && v->head_seq == 0) {
		fprintf(stderr, "tally: the chain does not hold the published head %s: revisions "
		        "were removed or altered\n", head);
		v->problems++;
	}
	if (v->problems == 0) {
		printf("verified %lld revision%s: ok\n", v->rows, v->rows == 1 ? "" : "s");
		rc = 0;
	} else {
		printf("verified %lld revision%s: %lld problem%s\n", v->rows, v->rows == 1 ? "" : "s",
		       v->problems, v->problems == 1 ? "" : "s");
		rc = 1;
	}
	if (v->rows > 0)
		printf("chain head: revision %lld, link %s\n", (long long)v->last_seq, v->last_link);
	if (rv.n > 0 || rv.problems > 0) {
		printf("verified %lld record%s: ", rv.n, rv.n == 1 ? "" : "s");
		if (rv.problems == 0)
			printf("ok\n");
		else
			printf("%lld problem%s\n", rv.problems, rv.problems == 1 ? "" : "s");
		printf("record chain head: record %lld, link %s\n", (long long)rv.last_seq,
		       rv.last_link);
	}
	if (kv.n > 0 || kv.problems > 0) {
		printf("verified %lld revocation%s: ", kv.n, kv.n == 1 ? "" : "s");
		if (kv.problems == 0)
			printf("ok\n");
		else
			printf("%lld problem%s\n", kv.problems, kv.problems == 1 ? "" : "s");
		if (kv.n > 0)
			printf("revocation chain head: revocation %lld, link %s\n",
			       (long long)kv.last_seq, kv.last_link);
	}
	if (head && v->head_seq > 0 && v->head_seq < v->last_seq)
		printf("published head found at revision %lld; %lld revision%s added since\n",
		       (long long)v->head_seq, (long long)(v->last_seq - v->head_seq),
		       v->last_seq - v->head_seq == 1 ? "" : "s");
	if (fflush(stdout) != 0)
		rc = 1;
done:
	if (v) {
		for (i = 0; i < v->nbatch; i++) {
			snd_buf_free(&v->batch[i].msgs);
			free(v->batch[i].blob);
		}
		free(v->pks);
		newest_free(&v->newest);
		newest_free(&v->receipts);
	}
	free(v);
	snd_store_close(s);
	free(pubs);
	return rc;
}
