/* cmd_issue.c - `collector issue` (interface.md, "Keys and tokens"): one
 * signed personal link per delegate of a registration list, written as
 * CSV and, with --db, recorded in the roll.
 *
 * Owns: the command-line side of issuing; the cryptography and parsing
 * live in core/paseto.c, core/claims.c and core/csv.c, the roll in
 * core/store_roll.c.
 *
 * Invariants:
 *   1. issue checks the whole delegate list before signing anything and
 *      writes nothing (stdout, --out or --db) unless every row is good;
 *      every bad row is reported as "LIST.csv:LINE: ...".
 *   2. --out is written whole or not at all, mode 0600, and never replaces
 *      a file.
 *   3. With --db the links go into the roll in one transaction that
 *      commits only once the links are written: either the roll and the
 *      links file both hold them, or neither (a failed commit removes the
 *      --out file it just made).  The roll never holds a token.
 *   4. The optional email and lang columns are contact details for the
 *      mail command: checked, copied to the output and the roll, never
 *      token claims.
 *   5. The issuer's secret key is wiped (sodium_memzero) before return.
 */
#include "auth.h"
#include "commands.h"
#include "sounding.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BASE_URL "http://127.0.0.1:8080"
#define DEFAULT_TTL (180 * 86400)   /* forms without "closes" */
#define AFTER_CLOSE (30 * 86400)    /* tokens outlive the close by this much */

static int64_t now_seconds(void)
{
	return (int64_t)time(NULL);
}

/* ---------------------------------------------------------------- issue */

static const char issue_usage[] =
	"usage: collector issue --key DIR/issuer.secret --form FORM --delegates LIST.csv\n"
	"                       [--base-url URL] [--role delegate|chair] [--expires RFC3339]\n"
	"                       [--out LINKS.csv] [--db DB]\n"
	"\n"
	"Signs one PASETO v4.public token per delegate of LIST.csv for the questionnaire\n"
	"FORM and writes CSV: the input columns plus `jti` (the token id, for `collector\n"
	"revoke --jti`), `token` and `link` (URL/t/TOKEN).  LIST.csv is UTF-8 with a\n"
	"header row, its cells separated by ',', ';' or tabs (the first of them in the\n"
	"header row decides; spreadsheet exports with a BOM and CRLF are fine) and\n"
	"trimmed of surrounding spaces.  `id` and `entity` are required.\n"
	"`email` and `lang` are optional contact details (for `collector mail`),\n"
	"not token claims: an email must look like name@example.org and a lang must be\n"
	"one of the form's languages (both may be empty).  Every other column becomes\n"
	"an attribute of the token (category, sg, region, hod, ...).  Every bad row is\n"
	"reported as LIST.csv:LINE: ...; if there is any, nothing is written.  The\n"
	"output holds secrets: hand each link only to its delegate.\n"
	"\n"
	"options:\n"
	"  --key FILE       the issuer's secret key (keys/issuer.secret, from keygen)\n"
	"  --form FORM      the questionnaire file (its id is the tokens' audience)\n"
	"  --delegates CSV  the delegate list\n"
	"  --out FILE       write the links to FILE (created with mode 0600; an existing\n"
	"                   file is never replaced) instead of stdout\n"
	"  --base-url URL   the collector's address, http:// or https:// (default\n"
	"                   " DEFAULT_BASE_URL ")\n"
	"  --role ROLE      delegate (default) or chair\n"
	"  --db DB          also record the links in the roll of the collector database\n"
	"                   DB (created if missing): who was invited, for `collector\n"
	"                   revoke --sub`, `collector mail` and `tally turnout`.  The\n"
	"                   roll never holds the tokens.  Recorded only if the links\n"
	"                   are written, and the links kept only if recorded.\n"
	"  --expires TIME   expiry, an RFC 3339 time in the future such as\n"
	"                   2026-03-01T00:00:00Z (default: 30 days after the form\n"
	"                   closes, or 180 days from now if it never closes)\n"
	"  --help           print this help\n"
	"\n"
	"exit status: 0 links written, 1 invalid input (key, form, a bad row, an\n"
	"existing --out), 2 usage error (an unknown option, a missing or bad value).\n";

/* Where the columns with a meaning are; -1 when absent. */
struct issue_cols {
	int id, ent, email, lang;
};

char *trim_cell(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

struct id_ref {
	const char *id;
	size_t row;
};

static int cmp_id_ref(const void *a, const void *b)
{
	const struct id_ref *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	if (c != 0)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* Checks the header; fills *k; reports every problem. */
static int check_header(const char *list, struct snd_csv_row *h, struct issue_cols *k)
{
	size_t i, j, nattrs;
	int bad = 0;
	k->id = k->ent = k->email = k->lang = -1;
	for (i = 0; i < h->nfields; i++) {
		char *name = trim_cell(h->fields[i]);
		if (name != h->fields[i])
			memmove(h->fields[i], name, strlen(name) + 1);
		name = h->fields[i];
		if (*name == '\0') {
			die_msg("%s:%zu: column %zu has no name", list, h->line, i + 1);
			bad = 1;
			continue;
		}
		if (strlen(name) > SND_CLAIM_MAX_LEN || has_control(name)) {
			die_msg("%s:%zu: column %zu: name too long or holds control characters", list,
			        h->line, i + 1);
			bad = 1;
			continue;
		}
		for (j = 0; j < i; j++)
			if (strcmp(h->fields[j], name) == 0)
				break;
		if (j < i) {
			die_msg("%s:%zu: column '%s' appears twice", list, h->line, name);
			bad = 1;
		}
		if (strcmp(name, "jti") == 0 || strcmp(name, "token") == 0 ||
		    strcmp(name, "link") == 0) {
			die_msg("%s:%zu: column '%s' is reserved: the output adds it", list, h->line,
			        name);
			bad = 1;
		}
		if (strcmp(name, "id") == 0 && k->id < 0)
			k->id = (int)i;
		if (strcmp(name, "entity") == 0 && k->ent < 0)
			k->ent = (int)i;
		if (strcmp(name, "email") == 0 && k->email < 0)
			k->email = (int)i;
		if (strcmp(name, "lang") == 0 && k->lang < 0)
			k->lang = (int)i;
	}
	if (k->id < 0) {
		die_msg("%s:%zu: no 'id' column (required)", list, h->line);
		bad = 1;
	}
	if (k->ent < 0) {
		die_msg("%s:%zu: no 'entity' column (required)", list, h->line);
		bad = 1;
	}
	nattrs = h->nfields - 2 - (k->email >= 0) - (k->lang >= 0);
	if (h->nfields >= 2 && nattrs > SND_CLAIMS_MAX_ATTRS) {
		die_msg("%s:%zu: %zu attribute columns; at most %d besides id, entity, email and "
		        "lang", list, h->line, nattrs, SND_CLAIMS_MAX_ATTRS);
		bad = 1;
	}
	return bad;
}

/* The contact columns of one row: an email of the shape mail can use, a
 * lang the form has; both may be empty.  1 when bad (reported). */
static int check_contact(const char *list, const struct snd_csv_row *row,
                         const struct issue_cols *k, const struct snd_form *form)
{
	char why[160];
	size_t i;
	int bad = 0;
	if (k->email >= 0 && row->fields[k->email][0] != '\0' &&
	    snd_mail_addr_check(row->fields[k->email], why, sizeof why) != SND_OK) {
		die_msg("%s:%zu: column 'email': %s", list, row->line, why);
		bad = 1;
	}
	if (k->lang >= 0 && row->fields[k->lang][0] != '\0' &&
	    snd_form_lang(form, row->fields[k->lang]) < 0) {
		char langs[256] = "";
		for (i = 0; i < form->nlanguages && strlen(langs) + 8 < sizeof langs; i++)
			snprintf(langs + strlen(langs), sizeof langs - strlen(langs), "%s%s",
			         i ? ", " : "", form->languages[i]);
		die_msg("%s:%zu: column 'lang': '%.16s' is not one of the form's languages (%s)",
		        list, row->line, has_control(row->fields[k->lang]) ? "?" : row->fields[k->lang],
		        langs);
		bad = 1;
	}
	return bad;
}

/* Checks every data row; reports each problem with its line.  Returns the
 * number of bad rows. */
static size_t check_rows(const char *list, struct snd_csv *csv, const struct issue_cols *cols,
                         const struct snd_form *form)
{
	int col_id = cols->id, col_ent = cols->ent;
	size_t ncols = csv->rows[0].nfields, r, c, nbad = 0, nref = 0, k;
	struct id_ref *refs;
	size_t *dup_of;
	if ((refs = calloc(csv->nrows, sizeof *refs)) == NULL ||
	    (dup_of = calloc(csv->nrows, sizeof *dup_of)) == NULL) {
		free(refs);
		die_msg("out of memory");
		return csv->nrows;
	}
	for (r = 1; r < csv->nrows; r++) {
		struct snd_csv_row *row = &csv->rows[r];
		if (row->nfields != ncols)
			continue;
		for (c = 0; c < ncols; c++) {
			char *t = trim_cell(row->fields[c]);
			if (t != row->fields[c])
				memmove(row->fields[c], t, strlen(t) + 1);
		}
		if (row->fields[col_id][0] != '\0') {
			refs[nref].id = row->fields[col_id];
			refs[nref].row = r;
			nref++;
		}
	}
	/* Duplicates: sort by (id, row); every later row of a run is a duplicate
	 * of the first.  O(n log n) for lists of any size. */
	qsort(refs, nref, sizeof *refs, cmp_id_ref);
	for (k = 1; k < nref; k++) {
		size_t first = k - 1;
		while (first > 0 && strcmp(refs[first - 1].id, refs[k].id) == 0)
			first--;
		if (strcmp(refs[first].id, refs[k].id) == 0)
			dup_of[refs[k].row] = refs[first].row;
	}
	for (r = 1; r < csv->nrows; r++) {
		struct snd_csv_row *row = &csv->rows[r];
		int bad = 0;
		if (row->nfields != ncols) {
			die_msg("%s:%zu: expected %zu fields (as in the header), found %zu", list,
			        row->line, ncols, row->nfields);
			nbad++;
			continue;
		}
		if (row->fields[col_id][0] == '\0') {
			die_msg("%s:%zu: missing id", list, row->line);
			bad = 1;
		} else if (dup_of[r] != 0) {
			die_msg("%s:%zu: duplicate id '%s' (first on line %zu)", list, row->line,
			        row->fields[col_id], csv->rows[dup_of[r]].line);
			bad = 1;
		}
		if (row->fields[col_ent][0] == '\0') {
			die_msg("%s:%zu: missing entity", list, row->line);
			bad = 1;
		}
		for (c = 0; c < ncols; c++) {
			const char *v = row->fields[c];
			if (strlen(v) > SND_CLAIM_MAX_LEN) {
				die_msg("%s:%zu: column '%s' is longer than %d bytes", list, row->line,
				        csv->rows[0].fields[c], SND_CLAIM_MAX_LEN);
				bad = 1;
			} else if (((int)c == col_id || (int)c == col_ent) && has_control(v)) {
				die_msg("%s:%zu: column '%s' holds a line break or control character",
				        list, row->line, csv->rows[0].fields[c]);
				bad = 1;
			}
		}
		bad |= check_contact(list, row, cols, form);
		nbad += (size_t)bad;
	}
	free(refs);
	free(dup_of);
	return nbad;
}

void print_form_diag(const char *path, const struct snd_diag *d, enum snd_err e)
{
	size_t i;
	if (d->n == 0) {
		die_msg("%s: cannot load the questionnaire: %s", path, snd_strerror(e));
		return;
	}
	for (i = 0; i < d->n; i++) {
		if (d->items[i].where && d->items[i].where[0])
			die_msg("%s: %s: %s", path, d->items[i].where, d->items[i].msg);
		else
			die_msg("%s: %s", path, d->items[i].msg);
	}
}

/* Adds one issued link to the roll (inside the caller's batch). */
static enum snd_err record_link(struct snd_store *db, const struct snd_claims *cl,
                                const char *jti, const struct snd_csv_row *row,
                                const struct issue_cols *k, int64_t now, size_t *recorded)
{
	struct snd_roll_entry e;
	char *attrs = auth_attrs_json(cl);
	int added = 0;
	enum snd_err err;
	if (attrs == NULL)
		return SND_ENOMEM;
	memset(&e, 0, sizeof e);
	e.qid = cl->aud;
	e.sub = cl->sub;
	e.ent = cl->ent;
	e.attrs = attrs;
	e.role = snd_role_names[cl->role];
	e.jti = jti;
	e.expires = cl->exp;
	e.email = k->email >= 0 ? row->fields[k->email] : "";
	e.lang = k->lang >= 0 ? row->fields[k->lang] : "";
	e.issued_at = now * 1000;
	err = snd_store_roll_add(db, &e, &added);
	free(attrs);
	*recorded += (size_t)added;
	return err;
}

int cmd_issue(int argc, char **argv)
{
	const char *key = NULL, *form_path = NULL, *list = NULL, *base = NULL, *role_s = NULL,
	           *expires = NULL, *out_path = NULL, *db_path = NULL, *pos[1] = {NULL};
	const struct opt opts[] = {{"--key", &key},         {"--form", &form_path},
	                           {"--delegates", &list},  {"--base-url", &base},
	                           {"--role", &role_s},     {"--expires", &expires},
	                           {"--out", &out_path},    {"--db", &db_path}};
	uint8_t sk[SND_SK_BYTES], pk[SND_PK_BYTES];
	char errbuf[512], kid[SND_PASERK_PID_LEN + 1], footer[SND_PASERK_PID_LEN + 16];
	char when[21];
	struct snd_form *form = NULL;
	struct snd_diag diag;
	struct snd_csv csv = {NULL, 0, ','};
	struct snd_buf out;
	struct snd_claims cl;
	struct snd_store *db = NULL;
	char *text = NULL;
	int in_batch = 0, wrote_out = 0;
	size_t recorded = 0;
	size_t npos, len = 0, r, c, blen, errline = 0;
	struct issue_cols k;
	struct stat st;
	int rc = 1, res;
	enum snd_role role = SND_ROLE_DELEGATE;
	int64_t now = now_seconds(), exp = 0;
	enum snd_err e;

	memset(&cl, 0, sizeof cl);
	snd_diag_init(&diag);
	/* ~1 KiB a row (two copies of the token): room for the largest list. */
	snd_buf_init(&out, (size_t)SND_CSV_MAX_ROWS * 2 * (SND_TOKEN_MAX_LEN + 256));
	if ((res = cmd_parse_opts("issue", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0,
	                          &npos, issue_usage)) != 0) {
		rc = res < 0 ? 0 : res;
		goto done;
	}
	if (key == NULL || form_path == NULL || list == NULL) {
		rc = usage_err("issue", "%s is required",
		               key == NULL ? "--key" : form_path == NULL ? "--form" : "--delegates");
		goto done;
	}
	if (base == NULL)
		base = DEFAULT_BASE_URL;
	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	if ((strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) ||
	    blen <= (size_t)(base[4] == 's' ? 8 : 7) || has_control(base) ||
	    strpbrk(base, " \"<>") != NULL) {
		rc = usage_err("issue", "--base-url '%s': expected an http:// or https:// URL", base);
		goto done;
	}
	if (role_s != NULL) {
		for (r = 0; r < SND_ROLE__MAX; r++)
			if (strcmp(role_s, snd_role_names[r]) == 0)
				break;
		if (r == SND_ROLE__MAX) {
			rc = usage_err("issue", "--role '%s': expected delegate or chair", role_s);
			goto done;
		}
		role = (enum snd_role)r;
	}
	if (expires != NULL && snd_time_parse(expires, &exp) != SND_OK) {
		rc = usage_err("issue", "--expires '%s': not an RFC 3339 time (e.g. "
		               "2026-03-01T00:00:00Z)", expires);
		goto done;
	}
	if (expires != NULL && exp <= now) {
		snd_time_format(now, when);
		rc = usage_err("issue", "--expires '%s': that time has passed (it is now %s); links "
		               "must expire in the future", expires, when);
		goto done;
	}
	if (out_path != NULL && *out_path == '\0') {
		rc = usage_err("issue", "--out: needs a file name");
		goto done;
	}
	if (out_path != NULL && lstat(out_path, &st) == 0) { /* say so before signing */
		die_msg("--out %s: the file exists; refusing to overwrite it (nothing written)",
		        out_path);
		goto done;
	}

	if (snd_key_load_secret(key, sk, errbuf, sizeof errbuf) != SND_OK) {
		die_msg("%s", errbuf);
		goto done;
	}
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	snd_paserk_pid(pk, kid);
	snprintf(footer, sizeof footer, "{\"kid\":\"%s\"}", kid);

	if ((e = snd_form_load(form_path, &form, &diag)) != SND_OK) {
		print_form_diag(form_path, &diag, e);
		goto done;
	}
	if (expires == NULL) {
		exp = form->has_closes ? form->closes + AFTER_CLOSE : now + DEFAULT_TTL;
	}
	if (exp <= now) {
		snd_time_format(exp, when);
		die_msg("the tokens would expire at %s, which has passed%s", when,
		        expires ? "" : " (the form closed long ago); give --expires");
		goto done;
	}

	errno = 0;
	if ((e = snd_read_file(list, SND_CSV_MAX_BYTES, &text, &len)) != SND_OK) {
		if (e == SND_ETOOBIG)
			die_msg("%s: larger than %zu bytes", list, SND_CSV_MAX_BYTES);
		else
			die_msg("%s: cannot read: %s", list, errno ? strerror(errno) : snd_strerror(e));
		goto done;
	}
	if (snd_csv_parse_sep(text, len, 0, &csv, &errline, errbuf, sizeof errbuf) != SND_OK) {
		die_msg("%s:%zu: %s", list, errline, errbuf);
		goto done;
	}
	if (csv.nrows == 0) {
		die_msg("%s: empty; expected a header row with 'id' and 'entity' columns", list);
		goto done;
	}
	if (check_header(list, &csv.rows[0], &k))
		goto done;
	if (csv.nrows == 1) {
		die_msg("%s: no delegates (only the header row)", list);
		goto done;
	}
	if (check_rows(list, &csv, &k, form) > 0)
		goto done;
	if (db_path != NULL) {
		if (snd_store_open(db_path, SND_STORE_WRITE, &db, errbuf, sizeof errbuf) != SND_OK) {
			die_msg("--db: %s (nothing written)", errbuf);
			goto done;
		}
		if (snd_store_begin(db) != SND_OK) {
			die_msg("--db: %s (nothing written)", snd_store_errmsg(db));
			goto done;
		}
		in_batch = 1;
	}

	/* Every row is good: sign them all, then write at once. */
	for (c = 0; c < csv.rows[0].nfields; c++) {
		snd_buf_csv(&out, csv.rows[0].fields[c]);
		snd_buf_putc(&out, ',');
	}
	snd_buf_puts(&out, "jti,token,link\r\n");
	if ((cl.attrs = calloc(csv.rows[0].nfields, sizeof *cl.attrs)) == NULL) {
		die_msg("out of memory");
		goto done;
	}
	for (r = 1; r < csv.nrows; r++) {
		struct snd_csv_row *row = &csv.rows[r];
		uint8_t rnd[16];
		char *jti, *payload, *token = NULL;
		cl.aud = form->id;
		cl.sub = row->fields[k.id];
		cl.ent = row->fields[k.ent];
		cl.role = role;
		cl.nattrs = 0;
		for (c = 0; c < row->nfields; c++) {
			if ((int)c == k.id || (int)c == k.ent || (int)c == k.email || (int)c == k.lang)
				continue; /* contact details are not claims */
			cl.attrs[cl.nattrs].key = csv.rows[0].fields[c];
			cl.attrs[cl.nattrs].value = row->fields[c];
			cl.nattrs++;
		}
		cl.iat = cl.nbf = now;
		cl.exp = exp;
		cl.has_nbf = cl.has_exp = 1;
		/* A jti never starts with '-' (base64url's 62nd letter): a CSV
		 * writer guards such a cell against spreadsheet formulas ("'-..."),
		 * and a jti copied from `roll list` into `revoke --jti` must work. */
		do
			randombytes_buf(rnd, sizeof rnd);
		while ((rnd[0] >> 2) == 62);
		if ((jti = snd_b64url_encode(rnd, sizeof rnd)) == NULL) {
			die_msg("out of memory");
			goto done;
		}
		cl.jti = jti;
		payload = snd_claims_json(&cl);
		cl.jti = NULL;
		if (payload == NULL) {
			free(jti);
			die_msg("out of memory");
			goto done;
		}
		e = snd_paseto_sign(sk, payload, strlen(payload), footer, NULL, &token);
		free(payload);
		if (e != SND_OK) {
			free(jti);
			die_msg("%s:%zu: cannot sign the token: %s", list, row->line,
			        e == SND_ETOOBIG ? "its claims are too large" : snd_strerror(e));
			goto done;
		}
		if (db != NULL && record_link(db, &cl, jti, row, &k, now, &recorded) != SND_OK) {
			die_msg("%s:%zu: cannot record the link in the roll: %s (nothing written)",
			        list, row->line, snd_store_errmsg(db));
			free(jti);
			free(token);
			goto done;
		}
		for (c = 0; c < row->nfields; c++) {
			snd_buf_csv(&out, row->fields[c]);
			snd_buf_putc(&out, ',');
		}
		/* jti is base64url and the token and link ASCII without ',' or '"' */
		snd_buf_printf(&out, "%s,%s,%.*s/t/%s\r\n", jti, token, (int)blen, base, token);
		free(jti);
		free(token);
	}
	if (out.failed) {
		die_msg("out of memory");
		goto done;
	}
	if (out_path != NULL) {
		errno = 0;
		e = snd_write_file(out_path, out.data, out.len, 0600, 1);
		if (e == SND_EEXIST) {
			die_msg("--out %s: the file exists; refusing to overwrite it (nothing written)",
			        out_path);
			goto done;
		} else if (e != SND_OK) {
			die_msg("--out %s: cannot write: %s (nothing written)", out_path,
			        errno ? strerror(errno) : snd_strerror(e));
			goto done;
		}
		wrote_out = 1;
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		die_msg("cannot write to stdout: %s%s", strerror(errno),
		        db ? " (nothing recorded in the roll)" : "");
		goto done;
	}
	if (db != NULL) {
		in_batch = 0;
		if (snd_store_commit(db) != SND_OK) {
			if (wrote_out)
				unlink(out_path);
			die_msg("--db: cannot record the roll: %s; %s", snd_store_errmsg(db),
			        wrote_out ? "the links file was removed (nothing written)"
			                  : "discard the links printed above and issue again");
			goto done;
		}
	}
	snd_time_format(exp, when);
	fprintf(stderr, "collector: issued %zu %s tokens for '%s'; they expire %s%s%s\n",
	        csv.nrows - 1, snd_role_names[role], form->id, when,
	        csv.sep == ';' ? " (list read as ';'-separated)" : "",
	        csv.sep == '\t' ? " (list read as tab-separated)" : "");
	if (out_path != NULL)
		fprintf(stderr, "collector: links written to %s (mode 0600)\n", out_path);
	if (db != NULL)
		fprintf(stderr, "collector: %zu new links recorded in the roll of %s\n", recorded,
		        db_path);
	rc = 0;
done:
	if (in_batch)
		snd_store_rollback(db);
	snd_store_close(db);
	/* cl's strings belong to csv and form. */
	free(cl.attrs);
	sodium_memzero(sk, sizeof sk);
	snd_buf_free(&out);
	snd_csv_free(&csv);
	free(text);
	snd_form_free(form);
	snd_diag_free(&diag);
	return rc;
}

