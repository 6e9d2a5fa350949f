/* db.c - read-only looks at a collector database that the library offers
 * no call for: the questionnaire table (which forms a database holds, for
 * the form check of every command and for merge); and open_form_db, the
 * form and the store every reading subcommand starts from.  Calls down
 * into cli.c (messages) and the library only.
 *
 * Invariants:
 *   1. Opened with SQLITE_OPEN_READONLY: the tally never writes here.
 *   2. The file must carry Sounding's application_id, so a stray SQLite
 *      file is refused with a clear message instead of "no such table".
 *   3. SQL is constant text in the table below; nothing is interpolated.
 */
#include "tally.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SND_APP_ID 0x534e4447 /* "SNDG", as core/store.c sets it */

static const char *const sql_app_id = "PRAGMA application_id";
static const char *const sql_forms =
	"SELECT id, source_hash, source FROM questionnaire ORDER BY id, stored_at";

void qrows_free(struct qrow *rows, size_t n)
{
	size_t i;
	if (rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(rows[i].id);
		free(rows[i].source_hash);
		free(rows[i].source);
	}
	free(rows);
}

static char *dup_col(sqlite3_stmt *st, int col, size_t *len)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);
	char *p;
	if (t == NULL)
		t = (const unsigned char *)"";
	if ((p = malloc((size_t)n + 1)) == NULL)
		return NULL;
	memcpy(p, t, (size_t)n);
	p[n] = '\0';
	if (len)
		*len = (size_t)n;
	return p;
}

int db_questionnaires(const char *path, struct qrow **out, size_t *nout)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct qrow *rows = NULL;
	size_t n = 0;
	struct stat sb;
	int rc;

	if (stat(path, &sb) != 0) {
		tally_err("%s: no such database", path);
		return 1;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		tally_err("%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql_app_id, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		/* The words of core/store.c, so both programs say the same. */
		if (sqlite3_errcode(db) == SQLITE_NOTADB)
			tally_err("%s: not a Sounding database (not an SQLite file)", path);
		else
			tally_err("%s: cannot read the database: %s", path, sqlite3_errmsg(db));
		goto fail;
	}
	if (sqlite3_column_int(st, 0) != SND_APP_ID) {
		tally_err("%s: not a Sounding database (an SQLite file of another program)", path);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, sql_forms, -1, &st, NULL) != SQLITE_OK) {
		tally_err("%s: %s", path, sqlite3_errmsg(db));
		goto fail;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct qrow *p = realloc(rows, (n + 1) * sizeof *p);
		if (p == NULL)
			goto nomem;
		rows = p;
		memset(&rows[n], 0, sizeof rows[n]);
		n++;
		rows[n - 1].id = dup_col(st, 0, NULL);
		rows[n - 1].source_hash = dup_col(st, 1, NULL);
		rows[n - 1].source = dup_col(st, 2, &rows[n - 1].source_len);
		if (!rows[n - 1].id || !rows[n - 1].source_hash || !rows[n - 1].source)
			goto nomem;
	}
	if (rc != SQLITE_DONE) {
		tally_err("%s: %s", path, sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	*out = rows;
	*nout = n;
	return 0;
nomem:
	tally_err("%s: out of memory", path);
fail:
	sqlite3_finalize(st);
	sqlite3_close(db);
	qrows_free(rows, n);
	return 1;
}

int open_form_db(const char *form_path, const char *db_path, struct snd_form **fp,
                 struct snd_store **sp)
{
	struct snd_diag d;
	struct snd_form *f = NULL;
	struct snd_store *s = NULL;
	struct qrow *rows = NULL;
	size_t n = 0, i;
	int found = 0, same = 0;
	char err[512];
	enum snd_err e;

	snd_diag_init(&d);
	if ((e = snd_form_load(form_path, &f, &d)) != SND_OK) {
		if (d.n == 0)
			tally_err("%s: %s", form_path, snd_strerror(e));
		for (i = 0; i < d.n; i++)
			tally_err("%s: %s: %s", form_path, d.items[i].where, d.items[i].msg);
		goto fail;
	}
	if (db_questionnaires(db_path, &rows, &n) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].id, f->id) != 0)
			continue;
		found = 1;
		if (strcmp(rows[i].source_hash, f->source_hash) == 0)
			same = 1;
	}
	if (!found) {
		struct snd_buf b;
		snd_buf_init(&b, 4096);
		for (i = 0; i < n; i++)
			snd_buf_printf(&b, "%s%s", i ? ", " : "", rows[i].id);
		tally_err("%s: holds no questionnaire '%s' of %s (it holds: %s)", db_path, f->id,
		          form_path, n ? b.data : "none");
		snd_buf_free(&b);
		goto fail;
	}
	if (!same)
		tally_err("warning: %s differs from the questionnaire '%s' stored in %s "
		          "(another version of the file); tallying with %s", form_path, f->id,
		          db_path, form_path);
	if (snd_store_open(db_path, SND_STORE_READ, &s, err, sizeof err) != SND_OK) {
		tally_err("%s", err);
		goto fail;
	}
	qrows_free(rows, n);
	snd_diag_free(&d);
	*fp = f;
	*sp = s;
	return 0;
fail:
	qrows_free(rows, n);
	snd_diag_free(&d);
	snd_form_free(f);
	return 1;
}
