/* cmd_roll.c - `collector roll import` and `collector roll list`
 * (interface.md, "The roll, turnout and mail"), and the links file reader
 * that import and `collector mail` share.
 *
 * Owns: reading a links file (the CSV `collector issue` writes: the
 * delegate list's columns plus jti, token and link) and turning its rows
 * into roll entries; the roll itself lives in core/store_roll.c.
 *
 * Invariants:
 *   1. A token is read only to learn its claims (questionnaire, role,
 *      expiry) and, with --pub, to check its signature; it is never stored
 *      or printed.  Errors name the line and the column, never the token.
 *   2. Every row is checked before anything is written, and the rows go
 *      in in one transaction: a file with any bad row changes nothing.
 *   3. Import is idempotent: a row already on the roll is no change; a
 *      different row under an existing jti is an error naming the line.
 *   4. The row's id, entity, jti and attribute columns must equal the
 *      token's claims (sub, ent, jti, attrs), so a hand-edited file cannot
 *      put on the roll something the token does not say.
 */
#include "auth.h"
#include "commands.h"
#include "sounding.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ------------------------------------------------------------ links file */

/* A column is a claim attribute unless it has a meaning of its own. */
static int is_attr_column(const struct links_file *lf, size_t c)
{
	int i = (int)c;
	return i != lf->id && i != lf->ent && i != lf->email && i != lf->lang && i != lf->jti &&
	       i != lf->token && i != lf->link;
}

int links_load(const char *path, struct links_file *lf)
{
	char err[256];
	size_t len = 0, errline = 0, r, c;
	enum snd_err e;
	memset(lf, 0, sizeof *lf);
	lf->id = lf->ent = lf->email = lf->lang = lf->name = lf->jti = lf->token = lf->link = -1;
	errno = 0;
	if ((e = snd_read_file(path, SND_CSV_MAX_BYTES, &lf->text, &len)) != SND_OK) {
		if (e == SND_ETOOBIG)
			die_msg("%s: larger than %zu bytes", path, SND_CSV_MAX_BYTES);
		else
			die_msg("%s: cannot read: %s", path, errno ? strerror(errno) : snd_strerror(e));
		return 1;
	}
	if (snd_csv_parse_sep(lf->text, len, 0, &lf->csv, &errline, err, sizeof err) != SND_OK) {
		die_msg("%s:%zu: %s", path, errline, err);
		goto fail;
	}
	if (lf->csv.nrows == 0) {
		die_msg("%s: empty; expected the links file `collector issue` writes", path);
		goto fail;
	}
	for (c = 0; c < lf->csv.rows[0].nfields; c++) {
		struct {
			const char *name;
			int *col;
		} const known[] = {{"id", &lf->id},       {"entity", &lf->ent}, {"email", &lf->email},
		                   {"lang", &lf->lang},   {"name", &lf->name},  {"jti", &lf->jti},
		                   {"token", &lf->token}, {"link", &lf->link}};
		char *h = trim_cell(lf->csv.rows[0].fields[c]);
		size_t k;
		memmove(lf->csv.rows[0].fields[c], h, strlen(h) + 1);
		for (k = 0; k < sizeof known / sizeof known[0]; k++)
			if (strcmp(lf->csv.rows[0].fields[c], known[k].name) == 0 && *known[k].col < 0)
				*known[k].col = (int)c;
	}
	if (lf->id < 0 || lf->ent < 0 || lf->jti < 0 || lf->token < 0) {
		die_msg("%s:%zu: no '%s' column; expected the links file `collector issue` writes "
		        "(id, entity, ..., jti, token, link)",
		        path, lf->csv.rows[0].line,
		        lf->id < 0 ? "id" : lf->ent < 0 ? "entity" : lf->jti < 0 ? "jti" : "token");
		goto fail;
	}
	for (r = 1; r < lf->csv.nrows; r++) {
		struct snd_csv_row *row = &lf->csv.rows[r];
		if (row->nfields != lf->csv.rows[0].nfields) {
			die_msg("%s:%zu: expected %zu fields (as in the header), found %zu", path,
			        row->line, lf->csv.rows[0].nfields, row->nfields);
			goto fail;
		}
		for (c = 0; c < row->nfields; c++) {
			char *t = trim_cell(row->fields[c]);
			memmove(row->fields[c], t, strlen(t) + 1);
		}
	}
	return 0;
fail:
	links_free(lf);
	return 1;
}

void links_free(struct links_file *lf)
{
	snd_csv_free(&lf->csv);
	free(lf->text);
	lf->text = NULL;
}

const char *links_cell(const struct links_file *lf, size_t r, int col)
{
	return col >= 0 ? lf->csv.rows[r].fields[col] : "";
}

/* The payload of a v4.public token without checking its signature (the
 * claims say which questionnaire, role and expiry; --pub checks them). */
static enum snd_err token_payload(const char *tok, char **payload, size_t *plen)
{
	const char *body, *dot;
	uint8_t *raw = NULL;
	size_t n = 0;
	if (strncmp(tok, "v4.public.", 10) != 0)
		return SND_ETOKEN;
	body = tok + 10;
	dot = strchr(body, '.');
	if (snd_b64url_decode(body, dot ? (size_t)(dot - body) : strlen(body), &raw, &n) !=
	        SND_OK ||
	    n <= 64) {
		free(raw);
		return SND_ETOKEN;
	}
	raw[n - 64] = '\0'; /* the message, without the signature */
	*payload = (char *)raw;
	*plen = n - 64;
	return SND_OK;
}

/* 1 when a links-file cell says what the claim says: the same text, or the
 * text as `collector issue` wrote it through snd_buf_csv, which defuses
 * spreadsheet formulas ("'=..." ) and shows bidi controls as "[U+202E]"
 * markers.  The roll stores the claim, never the cell. */
static int cell_says(const char *claim, const char *cell)
{
	struct snd_buf b;
	struct snd_csv csv;
	size_t line = 0;
	char err[64];
	int same = 0;
	if (strcmp(claim, cell) == 0)
		return 1;
	snd_buf_init(&b, 0);
	if (snd_buf_csv(&b, claim) == SND_OK && b.data != NULL &&
	    snd_csv_parse(b.data, b.len, &csv, &line, err, sizeof err) == SND_OK) {
		same = csv.nrows == 1 && csv.rows[0].nfields == 1 &&
		       strcmp(csv.rows[0].fields[0], cell) == 0;
		snd_csv_free(&csv);
	}
	snd_buf_free(&b);
	return same;
}

int links_claims(const struct links_file *lf, size_t r, const uint8_t *pk,
                 struct snd_claims *cl, char *why, size_t whylen)
{
	const char *tok = links_cell(lf, r, lf->token);
	const struct snd_csv_row *h = &lf->csv.rows[0], *row = &lf->csv.rows[r];
	char *payload = NULL, perr[200];
	size_t plen = 0, c, nattrs = 0, a;
	enum snd_err e;
	if (strlen(tok) > SND_TOKEN_MAX_LEN) {
		snprintf(why, whylen, "column 'token': longer than a token can be");
		return 1;
	}
	if (pk != NULL)
		e = snd_paseto_verify_why(pk, tok, strlen(tok), NULL, &payload, &plen, NULL, perr,
		                          sizeof perr);
	else
		e = token_payload(tok, &payload, &plen);
	if (e != SND_OK) {
		snprintf(why, whylen, "column 'token': %s",
		         pk ? perr : "not a v4.public token");
		free(payload);
		return 1;
	}
	memset(cl, 0, sizeof *cl);
	e = snd_claims_parse(payload, plen, cl, perr, sizeof perr);
	free(payload);
	if (e != SND_OK) {
		snprintf(why, whylen, "column 'token': its claims are malformed: %s", perr);
		return 1;
	}
	/* Invariant 4: the row says what the token says. */
	if (!cell_says(cl->sub, links_cell(lf, r, lf->id))) {
		snprintf(why, whylen, "column 'id' differs from the token's sub claim");
		goto bad;
	}
	if (!cell_says(cl->ent, links_cell(lf, r, lf->ent))) {
		snprintf(why, whylen, "column 'entity' differs from the token's ent claim");
		goto bad;
	}
	if (strcmp(cl->jti, links_cell(lf, r, lf->jti)) != 0) {
		snprintf(why, whylen, "column 'jti' differs from the token's jti claim");
		goto bad;
	}
	for (c = 0; c < row->nfields; c++) {
		if (!is_attr_column(lf, c))
			continue;
		nattrs++;
		for (a = 0; a < cl->nattrs; a++)
			if (strcmp(cl->attrs[a].key, h->fields[c]) == 0)
				break;
		if (a == cl->nattrs || !cell_says(cl->attrs[a].value, row->fields[c])) {
			snprintf(why, whylen, "column '%.64s' differs from the token's attrs claim",
			         h->fields[c]);
			goto bad;
		}
	}
	if (nattrs != cl->nattrs) {
		snprintf(why, whylen, "the token has attributes the row has no column for");
		goto bad;
	}
	return 0;
bad:
	snd_claims_free(cl);
	return 1;
}

/* ------------------------------------------------------------ roll import */

static const char roll_usage[] =
	"usage: collector roll import --db DB [--pub KEY] LINKS.csv\n"
	"       collector roll list --db DB --form QID\n"
	"\n"
	"The roll is who was invited: one row per issued link (delegate id, entity,\n"
	"attributes, role, jti, expiry, email, lang; never the token).  `collector issue\n"
	"--db DB` writes it; `roll import` loads a links file issued elsewhere (the CSV\n"
	"`collector issue` writes, with its id, entity, jti and token columns): each\n"
	"row's id, entity, jti and attribute columns must match its token's claims;\n"
	"importing a file twice changes nothing; a row whose jti is on the roll with\n"
	"other details is an error, and with any bad row nothing is imported.  `roll\n"
	"list` writes CSV on stdout: id, entity, role, jti, expires, email, lang,\n"
	"issued_at, revoked, answered, attrs (JSON); no tokens.\n"
	"\n"
	"options:\n"
	"  --db DB     the collector's database (import: created if missing)\n"
	"  --pub KEY   import: check each token's signature with the issuer's public key\n"
	"              (a k4.public PASERK string, 64 hex digits, or a file holding\n"
	"              either); without it the claims are read unchecked\n"
	"  --form QID  list: the questionnaire id\n"
	"  --help      print this help\n"
	"\n"
	"exit status: 0 done, 1 invalid input, 2 usage error.\n";

static int roll_import(int argc, char **argv)
{
	const char *db_path = NULL, *pub = NULL, *pos[1] = {NULL};
	const struct opt opts[] = {{"--db", &db_path}, {"--pub", &pub}};
	uint8_t pk[SND_PK_BYTES];
	struct links_file lf;
	struct snd_store *db = NULL;
	char err[600];
	size_t npos, r, added = 0, same = 0, nbad = 0;
	int rc = 1, res, loaded = 0, in_batch = 0;
	int64_t now = (int64_t)time(NULL) * 1000;

	if ((res = cmd_parse_opts("roll import", argc, argv, opts, 2, pos, 1, &npos,
	                          roll_usage)) != 0)
		return res < 0 ? 0 : res;
	if (db_path == NULL)
		return usage_err("roll import", "--db DB is required");
	if (npos != 1)
		return usage_err("roll import", "one LINKS.csv is required");
	if (pub != NULL && snd_key_load_public(pub, pk, err, sizeof err) != SND_OK) {
		die_msg("--pub: %s", err);
		return 1;
	}
	if (links_load(pos[0], &lf) != 0)
		return 1;
	loaded = 1;
	if (snd_store_open(db_path, SND_STORE_WRITE, &db, err, sizeof err) != SND_OK) {
		die_msg("%s", err);
		goto done;
	}
	if (snd_store_begin(db) != SND_OK) {
		die_msg("%s", snd_store_errmsg(db));
		goto done;
	}
	in_batch = 1;
	for (r = 1; r < lf.csv.nrows; r++) {
		struct snd_claims cl;
		struct snd_roll_entry e;
		size_t line = lf.csv.rows[r].line;
		char *attrs;
		int was_added = 0;
		if (links_claims(&lf, r, pub ? pk : NULL, &cl, err, sizeof err) != 0) {
			die_msg("%s:%zu: %s", pos[0], line, err);
			nbad++;
			continue;
		}
		if ((attrs = auth_attrs_json(&cl)) == NULL) {
			snd_claims_free(&cl);
			die_msg("out of memory");
			goto done;
		}
		memset(&e, 0, sizeof e);
		e.qid = cl.aud;
		e.sub = cl.sub;
		e.ent = cl.ent;
		e.attrs = attrs;
		e.role = snd_role_names[cl.role];
		e.jti = cl.jti;
		e.expires = cl.has_exp ? cl.exp : 0;
		e.email = links_cell(&lf, r, lf.email);
		e.lang = links_cell(&lf, r, lf.lang);
		e.issued_at = cl.iat ? cl.iat * 1000 : now;
		if (snd_store_roll_add(db, &e, &was_added) != SND_OK) {
			/* The store's message starts with the DB path; the line is ours. */
			die_msg("%s:%zu: %s", pos[0], line, snd_store_errmsg(db));
			nbad++;
		} else if (was_added) {
			added++;
		} else {
			same++;
		}
		free(attrs);
		snd_claims_free(&cl);
	}
	if (nbad > 0) {
		die_msg("%s: %zu bad row%s; nothing imported", pos[0], nbad, nbad == 1 ? "" : "s");
		goto done;
	}
	in_batch = 0;
	if (snd_store_commit(db) != SND_OK) {
		die_msg("%s (nothing imported)", snd_store_errmsg(db));
		goto done;
	}
	fprintf(stderr, "collector: %s: %zu links added to the roll of %s, %zu already there%s\n",
	        pos[0], added, db_path, same, pub ? " (signatures checked)" : "");
	rc = 0;
done:
	if (in_batch)
		snd_store_rollback(db);
	snd_store_close(db);
	if (loaded)
		links_free(&lf);
	return rc;
}

/* -------------------------------------------------------------- roll list */

static int list_row(void *ctx, const struct snd_roll_entry *e)
{
	struct snd_buf *b = ctx;
	char exp[21], at[21];
	snd_time_format(e->expires, exp);
	snd_time_format(e->issued_at / 1000, at);
	snd_buf_csv(b, e->sub);
	snd_buf_putc(b, ',');
	snd_buf_csv(b, e->ent);
	snd_buf_printf(b, ",%s,", e->role);
	snd_buf_csv(b, e->jti);
	snd_buf_printf(b, ",%s,", exp);
	snd_buf_csv(b, e->email);
	snd_buf_putc(b, ',');
	snd_buf_csv(b, e->lang);
	snd_buf_printf(b, ",%s,%s,%s,", at, e->revoked ? "yes" : "no", e->answered ? "yes" : "no");
	snd_buf_csv(b, e->attrs);
	snd_buf_puts(b, "\r\n");
	return b->failed;
}

static int roll_list(int argc, char **argv)
{
	const char *db_path = NULL, *qid = NULL, *pos[1] = {NULL};
	const struct opt opts[] = {{"--db", &db_path}, {"--form", &qid}};
	struct snd_store *db = NULL;
	struct snd_buf b;
	char err[600];
	size_t npos;
	int rc = 1, res;

	if ((res = cmd_parse_opts("roll list", argc, argv, opts, 2, pos, 0, &npos, roll_usage)) != 0)
		return res < 0 ? 0 : res;
	if (db_path == NULL || qid == NULL)
		return usage_err("roll list", "%s is required", db_path == NULL ? "--db DB" : "--form QID");
	if (snd_store_open(db_path, SND_STORE_READ, &db, err, sizeof err) != SND_OK) {
		die_msg("%s", err);
		return 1;
	}
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, "id,entity,role,jti,expires,email,lang,issued_at,revoked,answered,attrs\r\n");
	if (snd_store_roll_each(db, qid, NULL, list_row, &b) != SND_OK) {
		die_msg("%s", snd_store_errmsg(db));
		goto done;
	}
	if (b.failed) {
		die_msg("out of memory");
		goto done;
	}
	if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
		die_msg("cannot write to stdout: %s", strerror(errno));
		goto done;
	}
	rc = 0;
done:
	snd_buf_free(&b);
	snd_store_close(db);
	return rc;
}

int cmd_roll(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(roll_usage, stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return roll_import(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return roll_list(argc - 1, argv + 1);
	if (argc >= 2)
		return usage_err("roll", "expected the subcommand 'import' or 'list', not '%s'", argv[1]);
	return usage_err("roll", "expected the subcommand 'import' or 'list'");
}
