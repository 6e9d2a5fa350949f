/* cmd_keys.c - `collector keygen`, `collector issue` and `collector token
 * verify` (interface.md, "Keys and tokens").
 *
 * Owns: the command-line side of keys and tokens; the cryptography and
 * parsing live in core/token.c and core/csv.c.
 *
 * Invariants:
 *   1. keygen writes all four key files or none: it refuses when any exists,
 *      and removes what it wrote if a later write fails.  Secret files are
 *      created 0600.
 *   2. issue checks the whole delegate list before signing anything and
 *      writes nothing (stdout or --out) unless every row is good; every bad
 *      row is reported as "LIST.csv:LINE: ...".  --out is written whole or
 *      not at all, mode 0600, and never replaces a file.
 *   5. The optional email and lang columns are contact details for the
 *      mail command: checked, copied to the output, never token claims.
 *   3. Secret keys are wiped (sodium_memzero) before the command returns.
 *   4. Exit codes: 0 success, 1 invalid input or failed check, 2 usage.
 */
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

/* ---------------------------------------------------------------- options */

struct opt {
	const char *name;   /* "--out" */
	const char **val;
};

/* Parses "--name VALUE" and "--name=VALUE" options and up to maxpos
 * positionals.  Returns 0 to go on, -1 when --help was printed (exit 0),
 * 2 on a usage error (already reported). */
static int parse_opts(int argc, char **argv, const struct opt *opts, size_t nopts,
                      const char **pos, size_t maxpos, size_t *npos, const char *usage)
{
	int i;
	size_t k;
	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return -1;
		}
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				if (*npos == maxpos)
					goto too_many;
				pos[(*npos)++] = argv[i];
			}
			break;
		}
		if (a[0] == '-' && a[1] != '\0') {
			const char *eq = strchr(a, '=');
			size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
			for (k = 0; k < nopts; k++)
				if (strlen(opts[k].name) == nlen && strncmp(a, opts[k].name, nlen) == 0)
					break;
			if (k == nopts) {
				die_msg("unknown option '%s'", a);
				goto usage;
			}
			if (*opts[k].val != NULL) {
				die_msg("%s given twice", opts[k].name);
				goto usage;
			}
			if (eq != NULL) {
				*opts[k].val = eq + 1;
			} else {
				if (i + 1 >= argc) {
					die_msg("%s needs a value", opts[k].name);
					goto usage;
				}
				*opts[k].val = argv[++i];
			}
			continue;
		}
		if (*npos == maxpos)
			goto too_many;
		pos[(*npos)++] = a;
	}
	return 0;
too_many:
	die_msg("unexpected argument '%s'", argv[i]);
usage:
	fputs(usage, stderr);
	return 2;
}

static int64_t now_seconds(void)
{
	return (int64_t)time(NULL);
}

/* ---------------------------------------------------------------- keygen */

static const char keygen_usage[] =
	"usage: collector keygen --out DIR\n"
	"\n"
	"Creates two Ed25519 key pairs as PASERK strings, one per file:\n"
	"  DIR/issuer.secret   signs delegate tokens (keep offline; mode 0600)\n"
	"  DIR/issuer.public   lets the collector check tokens (--issuer-pub)\n"
	"  DIR/receipt.secret  lets the collector sign receipts (--receipt-key; 0600)\n"
	"  DIR/receipt.public  lets anyone check receipts (tally verify --receipt-pub)\n"
	"DIR is created (mode 0700) if it does not exist.  Refuses to overwrite:\n"
	"if any of the four files exists, nothing is written.\n";

static const char *const key_names[4] = {"issuer.secret", "issuer.public", "receipt.secret",
                                         "receipt.public"};

int cmd_keygen(int argc, char **argv)
{
	const char *out = NULL, *pos[1] = {NULL};
	const struct opt opts[] = {{"--out", &out}};
	char paths[4][4096];
	char text[4][SND_PASERK_SECRET_LEN + 2];
	uint8_t pk[2][SND_PK_BYTES], sk[2][SND_SK_BYTES];
	int written[4] = {0, 0, 0, 0};
	size_t npos, i;
	struct stat st;
	int rc = 1, r;
	if ((r = parse_opts(argc, argv, opts, 1, pos, 0, &npos, keygen_usage)) != 0)
		return r < 0 ? 0 : r;
	if (out == NULL || *out == '\0') {
		die_msg("keygen: --out DIR is required");
		fputs(keygen_usage, stderr);
		return 2;
	}
	memset(text, 0, sizeof text);
	for (i = 0; i < 4; i++) {
		int n = snprintf(paths[i], sizeof paths[i], "%s/%s", out, key_names[i]);
		if (n < 0 || (size_t)n >= sizeof paths[i]) {
			die_msg("%s: path too long", out);
			return 1;
		}
	}
	if (stat(out, &st) != 0) {
		if (errno != ENOENT || mkdir(out, 0700) != 0) {
			die_msg("%s: cannot create directory: %s", out, strerror(errno));
			return 1;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		die_msg("%s: exists and is not a directory", out);
		return 1;
	}
	for (i = 0; i < 4; i++) {
		if (lstat(paths[i], &st) == 0) {
			die_msg("%s already exists; refusing to overwrite keys (nothing written)",
			        paths[i]);
			return 1;
		}
	}
	if (snd_keypair(pk[0], sk[0]) != SND_OK || snd_keypair(pk[1], sk[1]) != SND_OK) {
		die_msg("cannot generate keys (libsodium failed)");
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		snd_paserk_secret(sk[i], text[2 * i]);
		snd_paserk_public(pk[i], text[2 * i + 1]);
	}
	for (i = 0; i < 4; i++) {
		size_t n = strlen(text[i]);
		unsigned mode = (i % 2 == 0) ? 0600 : 0644;
		enum snd_err e;
		text[i][n] = '\n';
		e = snd_write_file(paths[i], text[i], n + 1, mode, 1);
		if (e != SND_OK) {
			if (e == SND_EEXIST)
				die_msg("%s already exists; refusing to overwrite keys", paths[i]);
			else
				die_msg("%s: cannot write: %s", paths[i], strerror(errno));
			goto fail;
		}
		written[i] = 1;
	}
	{
		char kid[SND_PASERK_PID_LEN + 1];
		snd_paserk_pid(pk[0], kid);
		fprintf(stderr, "collector: wrote %s, %s, %s, %s (issuer key id %s); keep the .secret "
		        "files private\n", paths[0], paths[1], paths[2], paths[3], kid);
	}
	rc = 0;
fail:
	if (rc != 0)
		for (i = 0; i < 4; i++)
			if (written[i])
				unlink(paths[i]);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(text, sizeof text);
	return rc;
}

/* ---------------------------------------------------------------- issue */

static const char issue_usage[] =
	"usage: collector issue --key DIR/issuer.secret --form FORM --delegates LIST.csv\n"
	"                       [--base-url URL] [--role delegate|chair] [--expires RFC3339]\n"
	"                       [--out LINKS.csv]\n"
	"\n"
	"Signs one PASETO v4.public token per delegate of LIST.csv for the questionnaire\n"
	"FORM and writes CSV: the input columns plus `jti` (the token id, for `collector\n"
	"revoke --jti`), `token` and `link` (URL/t/TOKEN).\n"
	"\n"
	"LIST.csv is UTF-8 with a header row, its cells separated by ',', ';' or tabs\n"
	"(the first of them in the header row decides; spreadsheet exports with a BOM\n"
	"and CRLF are fine).  `id` and `entity` are required.  `email` and `lang` are\n"
	"optional contact details for `collector mail`, not token claims: an email must\n"
	"look like name@example.org and a lang must be one of the form's languages (both\n"
	"may be empty).  Every other column becomes an attribute of the token (category,\n"
	"sg, region, hod, ...).  Cells are trimmed of surrounding spaces.\n"
	"\n"
	"  --out FILE       write the links to FILE (created with mode 0600; an existing\n"
	"                   file is never replaced) instead of stdout\n"
	"  --base-url URL   the collector's address (default " DEFAULT_BASE_URL ")\n"
	"  --role ROLE      delegate (default) or chair\n"
	"  --expires TIME   expiry, e.g. 2026-03-01T00:00:00Z, in the future (default:\n"
	"                   30 days after the form closes, or 180 days from now if it\n"
	"                   never closes)\n"
	"\n"
	"Every bad row is reported as LIST.csv:LINE: ...; if there is any, nothing is\n"
	"written.  The output holds secrets: hand each link only to its delegate.\n";

/* Where the columns with a meaning are; -1 when absent. */
struct issue_cols {
	int id, ent, email, lang;
};

/* Trims ASCII spaces and tabs in place. */
static char *trim_cell(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int has_control(const char *s)
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

static void print_form_diag(const char *path, const struct snd_diag *d, enum snd_err e)
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

int cmd_issue(int argc, char **argv)
{
	const char *key = NULL, *form_path = NULL, *list = NULL, *base = NULL, *role_s = NULL,
	           *expires = NULL, *out_path = NULL, *pos[1] = {NULL};
	const struct opt opts[] = {{"--key", &key},         {"--form", &form_path},
	                           {"--delegates", &list},  {"--base-url", &base},
	                           {"--role", &role_s},     {"--expires", &expires},
	                           {"--out", &out_path}};
	uint8_t sk[SND_SK_BYTES], pk[SND_PK_BYTES];
	char errbuf[512], kid[SND_PASERK_PID_LEN + 1], footer[SND_PASERK_PID_LEN + 16];
	char when[21];
	struct snd_form *form = NULL;
	struct snd_diag diag;
	struct snd_csv csv = {NULL, 0, ','};
	struct snd_buf out;
	struct snd_claims cl;
	char *text = NULL;
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
	if ((res = parse_opts(argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0, &npos,
	                      issue_usage)) != 0) {
		rc = res < 0 ? 0 : res;
		goto done;
	}
	if (key == NULL || form_path == NULL || list == NULL) {
		die_msg("issue: --key, --form and --delegates are required");
		fputs(issue_usage, stderr);
		rc = 2;
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
		die_msg("--base-url '%s': expected an http:// or https:// URL", base);
		rc = 2;
		goto done;
	}
	if (role_s != NULL) {
		for (r = 0; r < SND_ROLE__MAX; r++)
			if (strcmp(role_s, snd_role_names[r]) == 0)
				break;
		if (r == SND_ROLE__MAX) {
			die_msg("--role '%s': expected delegate or chair", role_s);
			rc = 2;
			goto done;
		}
		role = (enum snd_role)r;
	}
	if (expires != NULL && snd_time_parse(expires, &exp) != SND_OK) {
		die_msg("--expires '%s': not an RFC 3339 time (e.g. 2026-03-01T00:00:00Z)", expires);
		rc = 2;
		goto done;
	}
	if (expires != NULL && exp <= now) {
		snd_time_format(now, when);
		die_msg("--expires '%s': that time has passed (it is now %s); links must expire "
		        "in the future", expires, when);
		rc = 2;
		goto done;
	}
	if (out_path != NULL && *out_path == '\0') {
		die_msg("--out: needs a file name");
		rc = 2;
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
		randombytes_buf(rnd, sizeof rnd);
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
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		die_msg("cannot write to stdout: %s", strerror(errno));
		goto done;
	}
	snd_time_format(exp, when);
	fprintf(stderr, "collector: issued %zu %s tokens for '%s'; they expire %s%s%s\n",
	        csv.nrows - 1, snd_role_names[role], form->id, when,
	        csv.sep == ';' ? " (list read as ';'-separated)" : "",
	        csv.sep == '\t' ? " (list read as tab-separated)" : "");
	if (out_path != NULL)
		fprintf(stderr, "collector: links written to %s (mode 0600)\n", out_path);
	rc = 0;
done:
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

/* ---------------------------------------------------------------- token */

static const char token_usage[] =
	"usage: collector token verify --pub KEY [--implicit STRING] TOKEN\n"
	"\n"
	"Checks a PASETO v4.public token's signature (not its times) and prints\n"
	"{\"payload\":...,\"footer\":\"...\"} as JSON.  KEY is a k4.public PASERK string,\n"
	"64 hex digits, or a file holding either.  TOKEN '-' reads the token from\n"
	"stdin (keeps it out of the process list).  Exit 0 when the signature holds,\n"
	"1 (with the reason on stderr) when it does not.\n";

static char *read_stdin_token(void)
{
	struct snd_buf b;
	char chunk[1024];
	size_t n;
	snd_buf_init(&b, SND_TOKEN_MAX_LEN + 64);
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		if (snd_buf_append(&b, chunk, n) != SND_OK)
			break;
	if (b.failed || ferror(stdin)) {
		snd_buf_free(&b);
		return NULL;
	}
	return snd_buf_steal(&b, NULL);
}

int cmd_token(int argc, char **argv)
{
	const char *pub = NULL, *implicit = NULL, *pos[1] = {NULL};
	const struct opt opts[] = {{"--pub", &pub}, {"--implicit", &implicit}};
	uint8_t pk[SND_PK_BYTES];
	char errbuf[512], *payload = NULL, *footer = NULL, *stdin_tok = NULL;
	const char *tok;
	size_t npos, plen = 0, tlen;
	struct snd_buf out;
	cJSON *j = NULL;
	int rc = 1, r;
	snd_buf_init(&out, 0);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(token_usage, stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		die_msg("token: expected the subcommand 'verify'");
		fputs(token_usage, stderr);
		return 2;
	}
	if ((r = parse_opts(argc - 1, argv + 1, opts, 2, pos, 1, &npos, token_usage)) != 0)
		return r < 0 ? 0 : r;
	if (pub == NULL || npos != 1) {
		die_msg("token verify: --pub KEY and one TOKEN are required");
		fputs(token_usage, stderr);
		return 2;
	}
	if (snd_key_load_public(pub, pk, errbuf, sizeof errbuf) != SND_OK) {
		die_msg("--pub: %s", errbuf);
		return 1;
	}
	tok = pos[0];
	if (strcmp(tok, "-") == 0) {
		if ((stdin_tok = read_stdin_token()) == NULL) {
			die_msg("stdin: cannot read a token (over %d bytes?)", SND_TOKEN_MAX_LEN);
			goto done;
		}
		tok = stdin_tok;
	}
	/* Surrounding whitespace (a newline from a file or paste) is not part of it. */
	while (*tok == ' ' || *tok == '\t' || *tok == '\n' || *tok == '\r')
		tok++;
	tlen = strlen(tok);
	while (tlen > 0 && (tok[tlen - 1] == ' ' || tok[tlen - 1] == '\t' ||
	                    tok[tlen - 1] == '\n' || tok[tlen - 1] == '\r'))
		tlen--;
	if (snd_paseto_verify_why(pk, tok, tlen, implicit, &payload, &plen, &footer, errbuf,
	                          sizeof errbuf) != SND_OK) {
		die_msg("token does not verify: %s", errbuf);
		goto done;
	}
	if (!snd_utf8_valid(payload, plen, NULL) || !snd_utf8_valid(footer, strlen(footer), NULL)) {
		die_msg("the signature holds, but the payload or footer is not UTF-8 text");
		goto done;
	}
	snd_buf_puts(&out, "{\"payload\":");
	if (snd_json_parse(payload, plen, SND_TOKEN_MAX_LEN, SND_JSON_MAX_DEPTH, &j, errbuf,
	                   sizeof errbuf) == SND_OK) {
		size_t a = 0, b = plen;
		while (a < b && (payload[a] == ' ' || payload[a] == '\n' || payload[a] == '\r' ||
		                 payload[a] == '\t'))
			a++;
		while (b > a && (payload[b - 1] == ' ' || payload[b - 1] == '\n' ||
		                 payload[b - 1] == '\r' || payload[b - 1] == '\t'))
			b--;
		snd_buf_append(&out, payload + a, b - a);
	} else {
		snd_buf_json_str(&out, payload); /* not JSON: shown as a string */
	}
	snd_buf_puts(&out, ",\"footer\":");
	snd_buf_json_str(&out, footer);
	snd_buf_puts(&out, "}\n");
	if (out.failed) {
		die_msg("out of memory");
		goto done;
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		die_msg("cannot write to stdout: %s", strerror(errno));
		goto done;
	}
	rc = 0;
done:
	cJSON_Delete(j);
	free(payload);
	free(footer);
	free(stdin_tok);
	snd_buf_free(&out);
	return rc;
}
