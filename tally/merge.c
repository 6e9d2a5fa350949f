/* merge.c - `tally merge --out DB A.db B.db...`: combines databases from
 * several collectors of the same questionnaire into a new one.
 *
 * How (each step an invariant of the result):
 *   1. --out must not exist (a merge never overwrites); the inputs must
 *      each hold the same questionnaire rows (id and source_hash), else the
 *      first file that differs is named.
 *   2. The questionnaire definitions are copied (parsed from the stored
 *      source and put with snd_store_put_form), then revocations (their
 *      times, re-chained onto the output's revocation chain in each
 *      input's chain order; a jti revoked in two inputs keeps the first
 *      input's time).  Each revision's salt is copied with it.
 *   3. Revisions are imported in one global order: submitted_at, then input
 *      order, then seq; a k-way merge over one read-only cursor per input
 *      (ORDER BY submitted_at, seq), so memory does not grow with the data
 *      except for the conflict index (32 bytes per distinct revision).
 *      snd_store_import re-links each row onto the new chain and skips exact
 *      duplicates, so merging a file twice adds nothing.  The delegate's
 *      latest revision is the one imported last: the latest submitted_at.
 *   4. A conflict - the same (questionnaire, delegate, rev) with another
 *      hash or receipt in another input - is reported on stderr as a
 *      warning; both rows are kept and the later one counts.
 *   5. Any failure removes the half-written output.
 *   6. Each questionnaire's schedule row (`collector open`/`close`: the
 *      open or closed state) is copied.  Inputs that disagree on it (one
 *      has no row, or other times) stop the merge before --out is made,
 *      naming them, unless --schedule-from names the input to keep.
 *
 * The inputs are read with their own SQLite connections (the library has no
 * cursor API); the column list mirrors core/store.c's revision table and
 * docs/schema.md.
 */
#include "tally.h"

#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MERGE_BATCH 20000

static const char merge_usage[] =
	"usage: tally merge --out DB [--schedule-from FILE] A.db B.db...\n"
	"\n"
	"Merges databases from several collectors of the same questionnaire into a\n"
	"new database DB.  Revisions are imported in order of submission time, so each\n"
	"delegate's latest revision wins; exact duplicates are skipped; conflicting\n"
	"revisions (same delegate and revision number, different answers) are reported\n"
	"and both kept.  Merging re-links rows onto a new hash chain, so run `tally\n"
	"verify` on each input first; receipts are kept as issued, so the merged\n"
	"database verifies with the same key(s).  Each questionnaire's schedule (open\n"
	"or closed, from `collector open`/`close`) is kept; when the inputs disagree on\n"
	"it, the merge stops and names them.\n"
	"\n"
	"options:\n"
	"  --out DB              the new database (it must not exist)\n"
	"  --schedule-from FILE  the input whose schedule to keep when they disagree\n"
	"  --help                print this help\n"
	"\n"
	"exit status: 0 merged, 1 invalid input (an input that cannot be read or holds\n"
	"another questionnaire, an existing --out, schedules that disagree), 2 usage\n"
	"error.\n";

static const char *const sql_revisions =
	"SELECT seq, qid, sub, ent, attrs, jti, rev, answers, hash, receipt, submitted_at, "
	"prev, link, salt FROM revision ORDER BY submitted_at, seq";
/* In each input's chain order, so the output's revocation chain keeps it
 * (each copied revocation is re-chained there by snd_store_revoke). */
static const char *const sql_revoked =
	"SELECT jti, revoked_at FROM revoked ORDER BY seq, revoked_at, jti";

struct src {
	const char *path;
	sqlite3 *db;
	sqlite3_stmt *st;
	int has;                /* r holds the current row */
	struct snd_revision r;  /* strings point into st's current row */
};

/* ------------------------------------------------- conflict index
 * Open addressing over BLAKE2b digests: key = (qid, sub, rev), value =
 * (hash, receipt).  Collisions of 128-bit digests are not a concern. */

struct slot {
	uint8_t key[16];
	uint8_t val[12];
	uint32_t src;      /* input index + 1; 0 = empty */
};

struct index {
	struct slot *s;
	size_t cap, n;
};

static void digest3(uint8_t *out, size_t outlen, const char *a, const char *b, const char *c)
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, outlen);
	crypto_generichash_update(&h, (const uint8_t *)a, strlen(a) + 1);
	crypto_generichash_update(&h, (const uint8_t *)b, strlen(b) + 1);
	crypto_generichash_update(&h, (const uint8_t *)c, strlen(c) + 1);
	crypto_generichash_final(&h, out, outlen);
}

static int index_grow(struct index *x)
{
	size_t nc = x->cap ? x->cap * 2 : 1024, i, j;
	struct slot *ns = calloc(nc, sizeof *ns);
	if (ns == NULL)
		return -1;
	for (i = 0; i < x->cap; i++) {
		uint64_t h;
		if (x->s[i].src == 0)
			continue;
		memcpy(&h, x->s[i].key, sizeof h);
		for (j = h & (nc - 1); ns[j].src; j = (j + 1) & (nc - 1))
			;
		ns[j] = x->s[i];
	}
	free(x->s);
	x->s = ns;
	x->cap = nc;
	return 0;
}

/* Records r from input src; *other gets the input index + 1 of an earlier
 * different revision with the same key (0 when none).  -1 on no memory. */
static int index_put(struct index *x, const struct snd_revision *r, uint32_t src, uint32_t *other)
{
	uint8_t key[16], val[12];
	char rev[24];
	uint64_t h;
	size_t j;

	*other = 0;
	if ((x->n + 1) * 4 > x->cap * 3 && index_grow(x) != 0)
		return -1;
	snprintf(rev, sizeof rev, "%lld", (long long)r->rev);
	digest3(key, sizeof key, r->qid, r->sub, rev);
	digest3(val, sizeof val, r->hash, r->receipt, "");
	memcpy(&h, key, sizeof h);
	for (j = h & (x->cap - 1); x->s[j].src; j = (j + 1) & (x->cap - 1)) {
		if (memcmp(x->s[j].key, key, sizeof key) != 0)
			continue;
		if (memcmp(x->s[j].val, val, sizeof val) != 0)
			*other = x->s[j].src;
		return 0;
	}
	memcpy(x->s[j].key, key, sizeof key);
	memcpy(x->s[j].val, val, sizeof val);
	x->s[j].src = src;
	x->n++;
	return 0;
}

/* ------------------------------------------------------------ inputs */

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

/* Steps src to its next row; 0 or 1 after a message. */
static int advance(struct src *s)
{
	int rc = sqlite3_step(s->st);
	struct snd_revision *r = &s->r;
	if (rc == SQLITE_DONE) {
		s->has = 0;
		return 0;
	}
	if (rc != SQLITE_ROW) {
		tally_err("%s: reading revisions: %s", s->path, sqlite3_errmsg(s->db));
		s->has = 0;
		return 1;
	}
	memset(r, 0, sizeof *r);
	r->seq = sqlite3_column_int64(s->st, 0);
	r->qid = col(s->st, 1);
	r->sub = col(s->st, 2);
	r->ent = col(s->st, 3);
	r->attrs = col(s->st, 4);
	r->jti = col(s->st, 5);
	r->rev = sqlite3_column_int64(s->st, 6);
	r->answers = col(s->st, 7);
	r->answers_len = (size_t)sqlite3_column_bytes(s->st, 7);
	r->hash = col(s->st, 8);
	r->receipt = col(s->st, 9);
	r->submitted_at = sqlite3_column_int64(s->st, 10);
	r->prev = col(s->st, 11);
	r->link = col(s->st, 12);
	/* NULL for a revision stored before salts: copied as NULL, so its
	 * unsalted hash still verifies */
	r->salt = sqlite3_column_type(s->st, 13) == SQLITE_NULL ? NULL : col(s->st, 13);
	s->has = 1;
	return 0;
}

static int src_open(struct src *s)
{
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, sql_revisions, -1, &s->st, NULL) != SQLITE_OK) {
		tally_err("%s: %s", s->path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		return 1;
	}
	sqlite3_busy_timeout(s->db, 5000);
	return advance(s);
}

static void src_close(struct src *s)
{
	sqlite3_finalize(s->st);
	sqlite3_close(s->db);
	s->st = NULL;
	s->db = NULL;
}

static int cmp_qrow(const void *a, const void *b)
{
	const struct qrow *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : strcmp(x->source_hash, y->source_hash);
}

/* 0 when both lists name the same (id, source_hash) set (both sorted). */
static int same_forms(const struct qrow *a, size_t na, const struct qrow *b, size_t nb)
{
	size_t i;
	if (na != nb)
		return 1;
	for (i = 0; i < na; i++)
		if (cmp_qrow(&a[i], &b[i]) != 0)
			return 1;
	return 0;
}

/* Copies the questionnaire definitions of rows into out. */
static int copy_forms(struct snd_store *out, const char *from, const struct qrow *rows, size_t n)
{
	size_t i, j;
	for (i = 0; i < n; i++) {
		struct snd_form *f = NULL;
		struct snd_diag d;
		enum snd_err e;
		if (i > 0 && cmp_qrow(&rows[i - 1], &rows[i]) == 0)
			continue;
		snd_diag_init(&d);
		e = snd_form_parse(rows[i].source, rows[i].source_len, rows[i].id, &f, &d);
		if (e != SND_OK) {
			tally_err("%s: the stored questionnaire '%s' does not load: %s", from, rows[i].id,
			          d.n ? d.items[0].msg : snd_strerror(e));
			for (j = 0; j < d.n && j < 5; j++)
				tally_err("  %s: %s", d.items[j].where, d.items[j].msg);
			snd_diag_free(&d);
			return 1;
		}
		snd_diag_free(&d);
		if (strcmp(f->source_hash, rows[i].source_hash) != 0)
			tally_err("warning: %s: questionnaire '%s' has a stored source_hash that does "
			          "not match its source", from, rows[i].id);
		e = snd_store_put_form(out, f);
		snd_form_free(f);
		if (e != SND_OK) {
			tally_err("copying questionnaire '%s': %s", rows[i].id, snd_store_errmsg(out));
			return 1;
		}
	}
	return 0;
}

static int copy_revocations(struct snd_store *out, struct src *s)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(s->db, sql_revoked, -1, &st, NULL) != SQLITE_OK) {
		tally_err("%s: %s", s->path, sqlite3_errmsg(s->db));
		return 1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (snd_store_revoke(out, col(st, 0), sqlite3_column_int64(st, 1)) != SND_OK) {
			tally_err("copying revocations of %s: %s", s->path, snd_store_errmsg(out));
			sqlite3_finalize(st);
			return 1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		tally_err("%s: reading revocations: %s", s->path, sqlite3_errmsg(s->db));
		return 1;
	}
	return 0;
}

/* The input whose current row comes first: submitted_at, input, seq. */
static struct src *next_src(struct src *in, size_t n)
{
	struct src *best = NULL;
	size_t i;
	for (i = 0; i < n; i++) {
		if (!in[i].has)
			continue;
		if (best == NULL || in[i].r.submitted_at < best->r.submitted_at)
			best = &in[i];
		/* ties keep the earlier input; within one input seq order holds */
	}
	return best;
}

/* ------------------------------------------------------------ schedules */

struct sched {
	char *qid;
	struct snd_schedule row;
};

static int same_schedule(const struct snd_schedule *a, const struct snd_schedule *b)
{
	if (a->found != b->found)
		return 0;
	if (!a->found)
		return 1;
	return a->has_opens == b->has_opens && a->has_closes == b->has_closes &&
	       (!a->has_opens || a->opens_ms == b->opens_ms) &&
	       (!a->has_closes || a->closes_ms == b->closes_ms);
}

static void describe_schedule(char *out, size_t n, const struct snd_schedule *r)
{
	char o[32], c[32];
	if (!r->found) {
		snprintf(out, n, "no schedule set (the form's own times)");
		return;
	}
	if (r->has_opens)
		time_ms(r->opens_ms, o);
	if (r->has_closes)
		time_ms(r->closes_ms, c);
	snprintf(out, n, "opens %s, closes %s", r->has_opens ? o : "any time",
	         r->has_closes ? c : "never");
}

/* The schedule rows to copy: one per questionnaire id of rows[0..n), from
 * input `from` (an index, or -1: they must agree).  0, or 1 after a
 * message. */
static int read_schedules(char **inputs, size_t nin, long from, const struct qrow *rows, size_t n,
                          struct sched **out, size_t *nout)
{
	struct snd_store **st = calloc(nin, sizeof *st);
	struct sched *sc = calloc(n ? n : 1, sizeof *sc);
	size_t ns = 0, i, k;
	char err[512];
	int rc = 1;
	if (st == NULL || sc == NULL) {
		tally_err("out of memory");
		goto done;
	}
	for (i = 0; i < nin; i++) {
		if (snd_store_open(inputs[i], SND_STORE_READ, &st[i], err, sizeof err) != SND_OK) {
			tally_err("%s", err);
			goto done;
		}
	}
	for (k = 0; k < n; k++) {
		size_t first = 0;
		struct snd_schedule r0;
		if (k > 0 && strcmp(rows[k - 1].id, rows[k].id) == 0)
			continue;
		for (i = 0; i < nin; i++) {
			struct snd_schedule r;
			if (snd_store_schedule_get(st[i], rows[k].id, &r) != SND_OK) {
				tally_err("%s: reading the schedule: %s", inputs[i], snd_store_errmsg(st[i]));
				goto done;
			}
			if (from >= 0) {
				if ((long)i == from)
					r0 = r;
				continue;
			}
			if (i == 0) {
				r0 = r;
			} else if (!same_schedule(&r0, &r)) {
				char a[160], b[160];
				describe_schedule(a, sizeof a, &r0);
				describe_schedule(b, sizeof b, &r);
				tally_err("questionnaire '%s': %s and %s disagree on its schedule (%s: %s; "
				          "%s: %s); name the database whose schedule to keep with "
				          "--schedule-from FILE", rows[k].id, inputs[first], inputs[i],
				          inputs[first], a, inputs[i], b);
				goto done;
			}
		}
		if ((sc[ns].qid = strdup(rows[k].id)) == NULL) {
			tally_err("out of memory");
			goto done;
		}
		sc[ns++].row = r0;
	}
	rc = 0;
done:
	for (i = 0; st && i < nin; i++)
		snd_store_close(st[i]);
	free(st);
	if (rc != 0) {
		for (i = 0; i < ns; i++)
			free(sc[i].qid);
		free(sc);
		return rc;
	}
	*out = sc;
	*nout = ns;
	return 0;
}

static void remove_db(const char *path)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char p[4096];
	size_t i;
	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		(void)unlink(p);
	}
}

int cmd_merge(int argc, char **argv)
{
	const char *outp = NULL;
	char **inputs = NULL;
	size_t nin = 0, i;
	const char *sched_from = NULL;
	struct opt opts[] = {{"out", 1, &outp, NULL, NULL},
	                     {"schedule-from", 1, &sched_from, NULL, NULL},
	                     {NULL, 0, NULL, NULL, NULL}};
	struct sched *sched = NULL;
	size_t nsched = 0;
	long from = -1;
	struct src *in = NULL;
	struct qrow *first = NULL, *rows = NULL;
	size_t nfirst = 0, nrows = 0;
	struct snd_store *out = NULL;
	struct index idx = {NULL, 0, 0};
	struct progress prog;
	long long imported = 0, dups = 0, conflicts = 0, in_batch = 0;
	int help, rc, created = 0, batch = 0;
	char err[512];
	struct stat sb;

	rc = opts_parse(argc, argv, opts, &help, &inputs, &nin);
	if (help) {
		fputs(merge_usage, stdout);
		return 0;
	}
	if (rc)
		return rc;
	if (outp == NULL || nin == 0) {
		free(inputs);
		return tally_usage("merge", "%s",
		                   outp == NULL ? "--out is required" : "name at least one input database");
	}
	progress_init(&prog, "revisions");
	rc = 1;
	if (stat(outp, &sb) == 0 || errno != ENOENT) {
		tally_err("%s: already exists; merge writes a new database and never overwrites one",
		          outp);
		goto done;
	}
	if ((in = calloc(nin, sizeof *in)) == NULL) {
		tally_err("out of memory");
		goto done;
	}
	for (i = 0; i < nin; i++) {
		in[i].path = inputs[i];
		if (db_questionnaires(inputs[i], &rows, &nrows) != 0)
			goto done;
		if (nrows == 0) {
			tally_err("%s: holds no questionnaire", inputs[i]);
			goto done;
		}
		qsort(rows, nrows, sizeof *rows, cmp_qrow);
		if (i == 0) {
			first = rows;
			nfirst = nrows;
		} else {
			if (same_forms(first, nfirst, rows, nrows) != 0) {
				tally_err("%s: holds another questionnaire (or another version of it) than "
				          "%s: '%s' (source %.12s...) vs '%s' (source %.12s...)", inputs[i],
				          inputs[0], rows[0].id, rows[0].source_hash, first[0].id,
				          first[0].source_hash);
				goto done;
			}
			qrows_free(rows, nrows);
		}
		rows = NULL;
		nrows = 0;
	}
	if (sched_from != NULL) {
		struct stat a, b;
		if (stat(sched_from, &a) != 0) {
			tally_err("--schedule-from %s: %s", sched_from, strerror(errno));
			goto done; /* a missing file: invalid input, exit 1 */
		}
		for (i = 0; i < nin && from < 0; i++)
			if (strcmp(inputs[i], sched_from) == 0 ||
			    (stat(inputs[i], &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino))
				from = (long)i;
		if (from < 0) {
			rc = tally_usage("merge", "--schedule-from %s: not one of the databases to merge",
			                 sched_from);
			goto done;
		}
	}
	if (read_schedules(inputs, nin, from, first, nfirst, &sched, &nsched) != 0)
		goto done;
	for (i = 0; i < nin; i++)
		if (src_open(&in[i]) != 0)
			goto done;

	created = 1; /* it did not exist: whatever appears there now is ours */
	if (snd_store_open(outp, SND_STORE_WRITE, &out, err, sizeof err) != SND_OK) {
		tally_err("%s", err);
		goto done;
	}
	if (copy_forms(out, inputs[0], first, nfirst) != 0)
		goto done;
	for (i = 0; i < nin; i++)
		if (copy_revocations(out, &in[i]) != 0)
			goto done;
	for (i = 0; i < nsched; i++) {
		const struct snd_schedule *r = &sched[i].row;
		if (r->found && snd_store_set_window(out, sched[i].qid, r->has_opens, r->opens_ms,
		                                     r->has_closes, r->closes_ms,
		                                     r->set_at_ms) != SND_OK) {
			tally_err("copying the schedule of '%s': %s", sched[i].qid, snd_store_errmsg(out));
			goto done;
		}
	}

	for (;;) {
		struct src *s = next_src(in, nin);
		int64_t before = 0, after = 0;
		uint32_t other = 0;
		if (s == NULL)
			break;
		if (!batch) {
			if (snd_store_begin(out) != SND_OK) {
				tally_err("%s", snd_store_errmsg(out));
				goto done;
			}
			batch = 1;
		}
		if (index_put(&idx, &s->r, (uint32_t)(s - in) + 1, &other) != 0) {
			tally_err("out of memory");
			goto done;
		}
		if (snd_store_version(out, &before) != SND_OK ||
		    snd_store_import(out, &s->r) != SND_OK ||
		    snd_store_version(out, &after) != SND_OK) {
			tally_err("importing revision %lld of %s: %s", (long long)s->r.seq, s->path,
			          snd_store_errmsg(out));
			goto done;
		}
		if (after == before) {
			dups++;
		} else {
			imported++;
			if (other) {
				char sub[128];
				size_t k;
				for (k = 0; s->r.sub[k] && k + 1 < sizeof sub; k++)
					sub[k] = (unsigned char)s->r.sub[k] < 0x20 ? '?' : s->r.sub[k];
				sub[k] = '\0';
				progress_done(&prog);
				tally_err("warning: conflict: %s, delegate %s, rev %lld differs between %s "
				          "and %s (both kept; the later submission counts)", s->r.qid, sub,
				          (long long)s->r.rev, in[other - 1].path, s->path);
				conflicts++;
			}
		}
		progress_tick(&prog);
		if (++in_batch >= MERGE_BATCH) {
			if (snd_store_commit(out) != SND_OK) {
				tally_err("%s", snd_store_errmsg(out));
				goto done;
			}
			batch = 0;
			in_batch = 0;
		}
		if (advance(s) != 0)
			goto done;
	}
	if (batch) {
		if (snd_store_commit(out) != SND_OK) {
			tally_err("%s", snd_store_errmsg(out));
			goto done;
		}
		batch = 0;
	}
	progress_done(&prog);
	printf("merged %zu database%s into %s: %lld revision%s imported, %lld duplicate%s "
	       "skipped, %lld conflict%s\n", nin, nin == 1 ? "" : "s", outp, imported,
	       imported == 1 ? "" : "s", dups, dups == 1 ? "" : "s", conflicts,
	       conflicts == 1 ? "" : "s");
	rc = 0;
done:
	progress_done(&prog);
	if (batch)
		snd_store_rollback(out);
	snd_store_close(out);
	if (rc != 0 && created)
		remove_db(outp);
	for (i = 0; in && i < nin; i++)
		src_close(&in[i]);
	free(in);
	qrows_free(first, nfirst);
	qrows_free(rows, nrows);
	free(idx.s);
	free(inputs);
	for (i = 0; i < nsched; i++)
		free(sched[i].qid);
	free(sched);
	return rc;
}
