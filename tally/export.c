/* export.c - `tally export`: one record per delegate's latest revision, as
 * CSV, a JSON array or NDJSON.
 *
 * Owns the record layout (interface.md, "The tally"):
 *   sub, entity, every attribute (the union of keys over all records, sorted
 *   byte-wise), revision, submitted_at (RFC 3339 UTC with milliseconds),
 *   hash, salt (ours: 32 hex digits, empty/null for a revision stored
 *   before salts, so anyone can recompute the hash), then the answers,
 *   then (our addition, last so that the columns
 *   interface.md lists keep their order) revoked.  CSV: one column per
 *   question; multi joined by ";", rank by ">", matrix one column per
 *   "question.row",
 *   position as "question" and "question.reason", a "no view" scale or
 *   matrix answer as "none", an unanswered question as an empty cell.
 *   JSON/NDJSON: {"sub","entity","attrs":{...},"revision","submitted_at",
 *   "hash","salt","answers":{...as stored},"revoked"}.
 *
 * Invariants:
 *   1. Pseudonymous questionnaires: no entity column or field, sub is the
 *      stored pseudonym, and only the attributes the form lists in
 *      "public_attributes" are written (none by default).
 *   2. Streaming: memory is bounded by one record plus the attribute key
 *      set, not by the number of records (CSV reads the database twice:
 *      once for the header's attribute columns).
 *   3. A row whose stored attributes or answers no longer parse (a
 *      hand-edited database) is left out with a warning naming it, as the
 *      engine does; `tally verify` is the tool that judges the data.
 *   4. CSV is RFC 4180 (CRLF, quoting and the formula guard of
 *      snd_buf_csv), UTF-8 without a byte order mark unless --bom is given:
 *      scripts get clean headers; spreadsheet users who double-click the
 *      file pass --bom so Excel reads it as UTF-8.
 *   5. What counts is what the summary counts: each delegate's latest
 *      revision made with a link that is not revoked (snd_store_each_counted;
 *      --include-revoked: the latest, marked revoked), after the check of
 *      every answer hash and the chain (snd_tally_check; --no-verify skips
 *      it, saying so on stderr).
 */
#include "tally.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define EXPORT_JSON_MAX ((size_t)4 << 20)

enum xfmt { X_CSV, X_JSON, X_NDJSON, X__MAX };
static const char *const xfmt_names[X__MAX] = {"csv", "json", "ndjson"};

static const char export_usage[] =
	"usage: tally export --db DB --form FORM --format csv|json|ndjson [--bom]\n"
	"                    [--include-revoked] [--no-verify] [--out FILE]\n"
	"\n"
	"One record per delegate's latest revision: sub, entity, every attribute,\n"
	"revision, submitted_at, hash, salt (empty for revisions stored before salts;\n"
	"hash = SHA-256(salt bytes || canonical answers)), the answers, and whether\n"
	"the delegate's token was revoked since (revoked: true/false).  A revision\n"
	"made with a revoked link\n"
	"is set aside for the delegate's latest one made with a valid link (stderr\n"
	"says how many).  Every stored answer is checked against its hash and the\n"
	"hash chain before the first record (exit 1 naming the first bad revision;\n"
	"`tally verify` tells more).\n"
	"\n"
	"options:\n"
	"  --db DB            the collector's database\n"
	"  --form FORM        the questionnaire file\n"
	"  --format FORMAT    csv (one column per question: multi joined by ';', rank\n"
	"                     by '>', matrix as question.row, position as question and\n"
	"                     question.reason, \"no view\" as none), json or ndjson\n"
	"  --bom              start the CSV with a UTF-8 byte order mark for\n"
	"                     spreadsheet programs\n"
	"  --include-revoked  export a revision made with a revoked link instead,\n"
	"                     marked revoked\n"
	"  --no-verify        skip the check before the first record\n"
	"  --out FILE         write to FILE (whole or not at all) instead of stdout\n"
	"  --help             print this help\n"
	"\n"
	"exit status: 0 written, 1 invalid input (a database, form or check that\n"
	"fails), 2 usage error.\n";

struct keyset {
	char **k;
	size_t n, cap;
};

struct xctx {
	const struct snd_form *f;
	enum xfmt fmt;
	struct keyset keys;
	struct out *o;
	struct snd_buf b;
	struct progress prog;
	long long records;
	long long skipped;   /* damaged rows left out */
	int failed;          /* 1: stop, message printed */
};

static int hidden_attr(const struct snd_form *f, const char *key)
{
	/* Pseudonymous: only the attributes its "public_attributes" lists
	 * (names compare exactly: "Region" is not "region"). */
	return f->anonymity == SND_PSEUDONYMOUS && !snd_form_attr_public(f, key);
}

/* Adds key to the sorted set; -1 on allocation failure.  O(n) insertion
 * is fine: a delegate list has a handful of attribute columns. */
static int keyset_add(struct keyset *s, const char *key)
{
	size_t lo = 0, hi = s->n, mid;
	while (lo < hi) {
		int c;
		mid = (lo + hi) / 2;
		c = strcmp(s->k[mid], key);
		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		char **p = realloc(s->k, nc * sizeof *p);
		if (p == NULL)
			return -1;
		s->k = p;
		s->cap = nc;
	}
	memmove(s->k + lo + 1, s->k + lo, (s->n - lo) * sizeof *s->k);
	if ((s->k[lo] = strdup(key)) == NULL) {
		memmove(s->k + lo, s->k + lo + 1, (s->n - lo) * sizeof *s->k);
		return -1;
	}
	s->n++;
	return 0;
}

static void keyset_free(struct keyset *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		free(s->k[i]);
	free(s->k);
}

/* The stored JSON object text of a row, or NULL (with a warning unless
 * quiet) when it is damaged: like the engine, the export leaves such a row
 * out rather than failing; `tally verify` says what happened to it. */
static cJSON *parse_stored(const char *text, size_t len, const struct snd_revision *r,
                           const char *what, int quiet)
{
	cJSON *v = NULL;
	char err[256] = "not a JSON object";
	if (text == NULL ||
	    snd_json_parse(text, len, EXPORT_JSON_MAX, SND_JSON_MAX_DEPTH, &v, err, sizeof err) !=
	    SND_OK || !cJSON_IsObject(v)) {
		if (!quiet)
			tally_err("warning: revision %lld (rev %lld): stored %s are damaged (%s); "
			          "record left out (run tally verify)", (long long)r->seq,
			          (long long)r->rev, what, err);
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

static int collect_keys(void *vctx, const struct snd_revision *r)
{
	struct xctx *x = vctx;
	cJSON *attrs = parse_stored(r->attrs, r->attrs ? strlen(r->attrs) : 0, r, "attributes", 1);
	cJSON *it;
	if (attrs == NULL)
		return 0; /* write_record warns about it */
	cJSON_ArrayForEach(it, attrs) {
		if (hidden_attr(x->f, it->string))
			continue;
		if (keyset_add(&x->keys, it->string) != 0) {
			tally_err("out of memory");
			x->failed = 1;
			break;
		}
	}
	cJSON_Delete(attrs);
	progress_tick(&x->prog);
	return x->failed;
}

static void csv_header(struct xctx *x)
{
	struct snd_buf *b = &x->b;
	size_t i, j;
	snd_buf_puts(b, "sub");
	if (x->f->anonymity != SND_PSEUDONYMOUS)
		snd_buf_puts(b, ",entity");
	for (i = 0; i < x->keys.n; i++) {
		const char *k = x->keys.k[i];
		snd_buf_putc(b, ',');
		/* An attribute named like a fixed column keeps its own column. */
		if (strcmp(k, "sub") == 0 || strcmp(k, "entity") == 0 || strcmp(k, "revision") == 0 ||
		    strcmp(k, "submitted_at") == 0 || strcmp(k, "hash") == 0 ||
		    strcmp(k, "salt") == 0 ||
		    strcmp(k, "revoked") == 0 || snd_form_question(x->f, k) >= 0) {
			struct snd_buf t;
			snd_buf_init(&t, 0);
			snd_buf_printf(&t, "attr.%s", k);
			snd_buf_csv(b, t.data ? t.data : "");
			snd_buf_free(&t);
		} else {
			snd_buf_csv(b, k);
		}
	}
	snd_buf_puts(b, ",revision,submitted_at,hash,salt");
	for (i = 0; i < x->f->nquestions; i++) {
		const struct snd_question *q = &x->f->questions[i];
		if (q->type == SND_Q_MATRIX) {
			for (j = 0; j < q->nrows; j++)
				snd_buf_printf(b, ",%s.%s", q->id, q->rows[j].id);
		} else if (q->type == SND_Q_POSITION) {
			snd_buf_printf(b, ",%s,%s.reason", q->id, q->id);
		} else {
			snd_buf_printf(b, ",%s", q->id);
		}
	}
	snd_buf_puts(b, ",revoked\r\n");
}

/* A scalar answer as cell text: strings as is, numbers exactly, null as
 * "none" (a "no view" answer), anything else as compact JSON. */
static void cell_text(struct snd_buf *t, const cJSON *v)
{
	char n[40];
	char *js;
	if (v == NULL)
		return;
	if (cJSON_IsString(v)) {
		snd_buf_puts(t, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		snd_num_exact(n, v->valuedouble);
		snd_buf_puts(t, n);
	} else if (cJSON_IsNull(v)) {
		snd_buf_puts(t, "none");
	} else if (cJSON_IsBool(v)) {
		snd_buf_puts(t, cJSON_IsTrue(v) ? "true" : "false");
	} else if ((js = cJSON_PrintUnformatted(v)) != NULL) {
		snd_buf_puts(t, js);
		free(js);
	} else {
		t->failed = 1;
	}
}

static void csv_cell(struct snd_buf *b, struct snd_buf *t)
{
	snd_buf_putc(b, ',');
	snd_buf_csv(b, t->data ? t->data : "");
	if (t->failed)
		b->failed = 1;
	snd_buf_reset(t);
}

static void csv_answers(struct snd_buf *b, const struct snd_form *f, const cJSON *answers)
{
	struct snd_buf t;
	size_t i, j;
	snd_buf_init(&t, 0);
	for (i = 0; i < f->nquestions; i++) {
		const struct snd_question *q = &f->questions[i];
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(answers, q->id), *it;
		switch (q->type) {
		case SND_Q_MATRIX:
			for (j = 0; j < q->nrows; j++) {
				cell_text(&t, cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(
				                                      a, q->rows[j].id) : NULL);
				csv_cell(b, &t);
			}
			break;
		case SND_Q_POSITION:
			if (cJSON_IsObject(a)) {
				cell_text(&t, cJSON_GetObjectItemCaseSensitive(a, "position"));
				csv_cell(b, &t);
				cell_text(&t, cJSON_GetObjectItemCaseSensitive(a, "reason"));
				csv_cell(b, &t);
			} else {
				cell_text(&t, a);
				csv_cell(b, &t);
				csv_cell(b, &t);
			}
			break;
		case SND_Q_MULTI:
		case SND_Q_RANK:
			if (cJSON_IsArray(a)) {
				int first = 1;
				cJSON_ArrayForEach(it, a) {
					if (!first)
						snd_buf_puts(&t, q->type == SND_Q_MULTI ? ";" : ">");
					first = 0;
					cell_text(&t, it);
				}
			} else {
				cell_text(&t, a);
			}
			csv_cell(b, &t);
			break;
		default:
			cell_text(&t, a);
			csv_cell(b, &t);
			break;
		}
	}
	snd_buf_free(&t);
}

static int write_record(void *vctx, const struct snd_revision *r)
{
	struct xctx *x = vctx;
	struct snd_buf *b = &x->b;
	cJSON *attrs = NULL, *answers = NULL, *it;
	char when[32];
	size_t i;
	int pseudo = x->f->anonymity == SND_PSEUDONYMOUS, first = 1;

	snd_buf_reset(b);
	if ((attrs = parse_stored(r->attrs, r->attrs ? strlen(r->attrs) : 0, r, "attributes", 0)) ==
	        NULL ||
	    (answers = parse_stored(r->answers, r->answers_len, r, "answers", 0)) == NULL) {
		cJSON_Delete(attrs);
		x->skipped++;
		progress_tick(&x->prog);
		return 0;
	}
	time_ms(r->submitted_at, when);
	if (x->fmt == X_CSV) {
		snd_buf_csv(b, r->sub);
		if (!pseudo) {
			snd_buf_putc(b, ',');
			snd_buf_csv(b, r->ent);
		}
		for (i = 0; i < x->keys.n; i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(attrs, x->keys.k[i]);
			snd_buf_putc(b, ',');
			snd_buf_csv(b, cJSON_IsString(v) ? v->valuestring : "");
		}
		snd_buf_printf(b, ",%lld,%s,", (long long)r->rev, when);
		snd_buf_csv(b, r->hash);
		snd_buf_putc(b, ',');
		snd_buf_csv(b, r->salt ? r->salt : ""); /* empty: stored before salts */
		csv_answers(b, x->f, answers);
		snd_buf_puts(b, r->revoked ? ",true\r\n" : ",false\r\n");
	} else {
		if (x->fmt == X_JSON)
			snd_buf_puts(b, x->records ? ",\n" : "\n");
		snd_buf_puts(b, "{\"sub\":");
		snd_buf_json_str(b, r->sub);
		if (!pseudo) {
			snd_buf_puts(b, ",\"entity\":");
			snd_buf_json_str(b, r->ent);
		}
		snd_buf_puts(b, ",\"attrs\":{");
		cJSON_ArrayForEach(it, attrs) {
			if (!cJSON_IsString(it) || hidden_attr(x->f, it->string))
				continue;
			if (!first)
				snd_buf_putc(b, ',');
			first = 0;
			snd_buf_json_str(b, it->string);
			snd_buf_putc(b, ':');
			snd_buf_json_str(b, it->valuestring);
		}
		snd_buf_printf(b, "},\"revision\":%lld,\"submitted_at\":\"%s\",\"hash\":",
		               (long long)r->rev, when);
		snd_buf_json_str(b, r->hash);
		snd_buf_puts(b, ",\"salt\":");
		if (r->salt != NULL)
			snd_buf_json_str(b, r->salt);
		else
			snd_buf_puts(b, "null"); /* stored before salts */
		snd_buf_puts(b, ",\"answers\":");
		/* As stored: the canonical text the hash was computed over (it
		 * parsed above, so it is one JSON value). */
		snd_buf_append(b, r->answers, r->answers_len);
		snd_buf_printf(b, ",\"revoked\":%s}", r->revoked ? "true" : "false");
		if (x->fmt == X_NDJSON)
			snd_buf_putc(b, '\n');
	}
	if (out_buf(x->o, b) != 0)
		goto fail;
	x->records++;
	cJSON_Delete(attrs);
	cJSON_Delete(answers);
	progress_tick(&x->prog);
	return 0;
fail:
	cJSON_Delete(attrs);
	cJSON_Delete(answers);
	x->failed = 1;
	return 1;
}

int cmd_export(int argc, char **argv)
{
	const char *db = NULL, *form = NULL, *format = NULL, *outp = NULL, *bom = NULL;
	const char *include_revoked = NULL, *no_verify = NULL;
	struct opt opts[] = {
		{"db", 1, &db, NULL, NULL},         {"form", 1, &form, NULL, NULL},
		{"format", 1, &format, NULL, NULL}, {"out", 1, &outp, NULL, NULL},
		{"bom", 0, &bom, NULL, NULL},
		{"include-revoked", 0, &include_revoked, NULL, NULL},
		{"no-verify", 0, &no_verify, NULL, NULL},
		{NULL, 0, NULL, NULL, NULL},
	};
	int64_t revoked = 0;
	char err[512] = "";
	struct snd_form *f = NULL;
	struct snd_store *s = NULL;
	struct xctx x;
	struct out o;
	int help, rc, opened = 0, i;
	enum snd_err e;

	rc = opts_parse(argc, argv, opts, &help, NULL, NULL);
	if (help) {
		fputs(export_usage, stdout);
		return 0;
	}
	if (rc)
		return rc;
	if (db == NULL || form == NULL || format == NULL)
		return tally_usage("export", "%s is required",
		                   db == NULL ? "--db" : form == NULL ? "--form" : "--format");
	memset(&x, 0, sizeof x);
	for (i = 0; i < X__MAX && strcmp(format, xfmt_names[i]) != 0; i++)
		;
	if (i == X__MAX)
		return tally_usage("export", "--format must be csv, json or ndjson, not '%s'", format);
	x.fmt = (enum xfmt)i;
	if (bom && x.fmt != X_CSV)
		return tally_usage("export", "--bom applies to --format csv only");
	if (out_clobbers(outp, db, form))
		return EXIT_USAGE;
	if (open_form_db(form, db, &f, &s) != 0)
		return 1;
	x.f = f;
	x.o = &o;
	snd_buf_init(&x.b, 0);
	rc = 1;
	progress_init(&x.prog, "checking");
	if (no_verify) {
		tally_err("integrity check skipped (--no-verify)");
	} else {
		progress_note(&x.prog);
		e = snd_tally_check(s, f, err, sizeof err);
		progress_done(&x.prog);
		if (e != SND_OK) {
			tally_err("%s: %s", db, err[0] ? err : snd_strerror(e));
			goto done;
		}
	}
	progress_init(&x.prog, "records");
	if (x.fmt == X_CSV) {
		if ((e = snd_store_each_counted(s, f->id, include_revoked != NULL, collect_keys, &x,
		                                NULL)) != SND_OK && !x.failed) {
			tally_err("%s", snd_store_errmsg(s));
			goto done;
		}
		if (x.failed)
			goto done;
		progress_done(&x.prog);
		progress_init(&x.prog, "records");
	}
	if (out_open(&o, outp) != 0)
		goto done;
	opened = 1;
	/* Records on the same terminal: a progress line would garble them. */
	if (o.path == NULL && isatty(STDOUT_FILENO))
		x.prog.tty = 0;
	if (x.fmt == X_CSV) {
		if (bom)
			snd_buf_puts(&x.b, "\xef\xbb\xbf");
		csv_header(&x);
	} else if (x.fmt == X_JSON) {
		snd_buf_putc(&x.b, '[');
	}
	if (out_buf(&o, &x.b) != 0)
		goto done;
	if ((e = snd_store_each_counted(s, f->id, include_revoked != NULL, write_record, &x,
	                                &revoked)) != SND_OK && !x.failed) {
		tally_err("%s", snd_store_errmsg(s));
		goto done;
	}
	if (x.failed)
		goto done;
	if (x.fmt == X_JSON) {
		snd_buf_reset(&x.b);
		snd_buf_puts(&x.b, x.records ? "\n]\n" : "]\n");
		if (out_buf(&o, &x.b) != 0)
			goto done;
	}
	opened = 0;
	rc = out_close(&o);
	if (rc == 0 && revoked > 0)
		tally_err("%lld record%s %s: made with a revoked link%s", (long long)revoked,
		          revoked == 1 ? "" : "s", include_revoked ? "exported" : "set aside",
		          include_revoked ? " (--include-revoked; column revoked)"
		                          : " (--include-revoked exports them)");
done:
	progress_done(&x.prog);
	if (opened)
		out_abort(&o);
	snd_buf_free(&x.b);
	keyset_free(&x.keys);
	snd_store_close(s);
	snd_form_free(f);
	return rc;
}
