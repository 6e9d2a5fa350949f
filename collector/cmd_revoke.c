/* cmd_revoke.c - `collector revoke --db DB (--jti ID | --form QID --sub ID)`
 * (interface.md, "Keys and tokens"): the token, or every token of that
 * delegate in the roll, stops working at once; earlier responses stay and
 * are marked revoked when read.
 *
 * Owns: the command-line side of revocation; the table and its hash chain
 * (each revocation a chained record, checked by `tally verify`) live in
 * core/store.c and core/store_sched.c.
 *
 * Invariants:
 *   1. Idempotent: revoking a revoked token changes nothing (the first
 *      revocation time is kept) and still exits 0.
 *   2. A missing DB is an error unless --create is given, so a mistyped
 *      path cannot leave the real token working while reporting success.
 *   3. What was done goes to stderr as one line per token naming it and
 *      the DB; stdout stays empty.  Exit 0 done, 1 failed, 2 usage.
 *   4. --sub revokes the delegate's tokens in one transaction, every one
 *      through snd_store_revoke (the one entry point of revocation); a
 *      delegate the roll does not know is an error, not a silent no-op.
 */
#include "commands.h"
#include "sounding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char revoke_usage[] =
	"usage: collector revoke --db DB --jti ID [--create]\n"
	"       collector revoke --db DB --form QID --sub ID\n"
	"\n"
	"Revokes the token whose jti claim is ID in the collector database DB, or\n"
	"every token the roll lists for delegate ID of questionnaire QID.\n"
	"The token is refused from the next request on, also by a collector that\n"
	"is running on DB now.  Responses already sent with it are kept and shown\n"
	"as revoked by tally and the chair page.  Revoking twice is harmless.\n"
	"\n"
	"options:\n"
	"  --db DB     the collector's SQLite database (as given to `collector serve`)\n"
	"  --jti ID    the token id (the jti claim; the links file's jti column)\n"
	"  --form QID  with --sub: the questionnaire id\n"
	"  --sub ID    every token of delegate ID on the roll (written by `collector\n"
	"              issue --db` or `collector roll import`)\n"
	"  --create    create DB if it does not exist yet (to revoke a token before\n"
	"              the collector first starts)\n"
	"  --help      print this help\n"
	"\n"
	"exit status: 0 revoked (or already revoked), 1 failed (no such database, or\n"
	"no such delegate on the roll), 2 usage error.\n";

/* A jti as issued: printable UTF-8 text without control characters, within
 * the claim cap.  Returns NULL when fine, else what is wrong. */
static const char *jti_problem(const char *jti)
{
	size_t n = strlen(jti), i;
	if (n == 0)
		return "is empty";
	if (n > SND_CLAIM_MAX_LEN)
		return "is longer than a token id can be";
	if (!snd_utf8_valid(jti, n, NULL))
		return "is not valid UTF-8";
	for (i = 0; i < n; i++)
		if ((unsigned char)jti[i] < 0x20 || jti[i] == 0x7f)
			return "contains a control character";
	return NULL;
}

struct jti_list {
	char **v;
	size_t n, cap;
	int failed;
};

static int collect_jti(void *ctx, const struct snd_roll_entry *e)
{
	struct jti_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		char **v = realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return l->failed = 1;
		l->v = v;
		l->cap = cap;
	}
	if ((l->v[l->n] = strdup(e->jti)) == NULL)
		return l->failed = 1;
	l->n++;
	return 0;
}

/* Revokes every token of (qid, sub) in the roll, in one transaction. */
static int revoke_sub(const char *db, const char *qid, const char *sub, int64_t now)
{
	struct jti_list l = {NULL, 0, 0, 0};
	struct snd_store *s = NULL;
	char err[600];
	size_t i, fresh = 0;
	int rc = 1, in_batch = 0;
	enum snd_err e;

	if ((e = snd_store_open(db, SND_STORE_WRITE, &s, err, sizeof err)) != SND_OK) {
		die_msg("%s", err);
		return 1;
	}
	if ((e = snd_store_begin(s)) != SND_OK)
		goto fail;
	in_batch = 1;
	if ((e = snd_store_roll_each(s, qid, sub, collect_jti, &l)) != SND_OK)
		goto fail;
	if (l.failed) {
		die_msg("out of memory");
		goto out;
	}
	if (l.n == 0) {
		die_msg("%s: delegate '%s' of questionnaire '%s' is not on the roll (nothing "
		        "revoked); check the id, or revoke by --jti", db, sub, qid);
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		int was = 0;
		if ((e = snd_store_is_revoked(s, l.v[i], &was)) != SND_OK)
			goto fail;
		if (!was && (e = snd_store_revoke(s, l.v[i], now)) != SND_OK)
			goto fail;
		fresh += !was;
	}
	in_batch = 0;
	if ((e = snd_store_commit(s)) != SND_OK)
		goto fail;
	for (i = 0; i < l.n; i++)
		die_msg("%s: token %s of delegate '%s' revoked", db, l.v[i], sub);
	die_msg("%s: delegate '%s': %zu token%s revoked now, %zu already revoked", db, sub, fresh,
	        fresh == 1 ? "" : "s", l.n - fresh);
	rc = 0;
	goto out;
fail:
	die_msg("%s (revoking delegate '%s': %s; nothing revoked)", snd_store_errmsg(s), sub,
	        snd_strerror(e));
out:
	if (in_batch)
		snd_store_rollback(s);
	snd_store_close(s);
	for (i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	return rc;
}

int cmd_revoke(int argc, char **argv)
{
	const char *db = NULL, *jti = NULL, *qid = NULL, *sub = NULL, *why;
	struct snd_store *s = NULL;
	struct timespec ts;
	struct stat sb;
	char err[600];
	int create = 0, was = 0, i, rc = 1;
	enum snd_err e;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		size_t nlen;
		const char *eq;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(revoke_usage, stdout);
			return 0;
		}
		if (strcmp(a, "--create") == 0) {
			create = 1;
			continue;
		}
		eq = strchr(a, '=');
		nlen = eq ? (size_t)(eq - a) : strlen(a);
		if (nlen == 4 && strncmp(a, "--db", 4) == 0)
			slot = &db;
		else if (nlen == 5 && strncmp(a, "--jti", 5) == 0)
			slot = &jti;
		else if (nlen == 6 && strncmp(a, "--form", 6) == 0)
			slot = &qid;
		else if (nlen == 5 && strncmp(a, "--sub", 5) == 0)
			slot = &sub;
		if (slot == NULL)
			return usage_err("revoke", "%s '%s'",
			                 a[0] == '-' ? "unknown option" : "unexpected argument", a);
		if (*slot != NULL)
			return usage_err("revoke", "%.*s given twice", (int)nlen, a);
		if (eq != NULL)
			*slot = eq + 1;
		else if (i + 1 < argc)
			*slot = argv[++i];
		else
			return usage_err("revoke", "%s needs a value", a);
	}
	if (db == NULL || (jti == NULL && sub == NULL))
		return usage_err("revoke", "%s is required",
		                 db == NULL ? "--db" : "--jti or --form with --sub");
	if (jti != NULL && (sub != NULL || qid != NULL))
		return usage_err("revoke", "give --jti, or --form with --sub, not both");
	if (sub != NULL && qid == NULL)
		return usage_err("revoke", "--sub needs --form QID (delegate ids are per questionnaire)");
	if (jti == NULL && qid != NULL && sub == NULL)
		return usage_err("revoke", "--form needs --sub ID");
	if (sub != NULL) {
		if ((why = jti_problem(sub)) != NULL)
			return usage_err("revoke", "--sub %s", why);
		if ((why = jti_problem(qid)) != NULL)
			return usage_err("revoke", "--form %s", why);
		if (stat(db, &sb) != 0) {
			die_msg("%s: no such database (check the path)", db);
			return 1;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		return revoke_sub(db, qid, sub, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	}
	if ((why = jti_problem(jti)) != NULL)
		return usage_err("revoke", "--jti: the token id %s", why);
	if (!create && stat(db, &sb) != 0) {
		die_msg("%s: no such database (check the path, or pass --create to make it)", db);
		return 1;
	}

	if ((e = snd_store_open(db, SND_STORE_WRITE, &s, err, sizeof err)) != SND_OK) {
		die_msg("%s", err);
		return 1;
	}
	if ((e = snd_store_is_revoked(s, jti, &was)) != SND_OK)
		goto fail;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!was &&
	    (e = snd_store_revoke(s, jti, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000)) != SND_OK)
		goto fail;
	if (was)
		die_msg("%s: token %s was already revoked; nothing changed", db, jti);
	else
		die_msg("%s: revoked token %s; it is refused from now on", db, jti);
	rc = 0;
	snd_store_close(s);
	return rc;
fail:
	/* The store's message starts with the DB path already. */
	die_msg("%s (revoking token %s: %s)", snd_store_errmsg(s), jti, snd_strerror(e));
	snd_store_close(s);
	return rc;
}
