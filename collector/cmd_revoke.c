/* cmd_revoke.c - `collector revoke --db DB --jti ID` (interface.md, "Keys
 * and tokens"): the token stops working at once; its earlier responses stay
 * and are marked revoked when read.
 *
 * Owns: the command-line side of revocation; the table lives in
 * core/store.c.
 *
 * Invariants:
 *   1. Idempotent: revoking a revoked token changes nothing (the first
 *      revocation time is kept) and still exits 0.
 *   2. A missing DB is an error unless --create is given, so a mistyped
 *      path cannot leave the real token working while reporting success.
 *   3. What was done goes to stderr as one line naming the token and DB;
 *      stdout stays empty.  Exit 0 done, 1 failed, 2 usage.
 */
#include "commands.h"
#include "sounding.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char revoke_usage[] =
	"usage: collector revoke --db DB --jti ID [--create]\n"
	"\n"
	"Revokes the token whose jti claim is ID in the collector database DB.\n"
	"The token is refused from the next request on, also by a collector that\n"
	"is running on DB now.  Responses already sent with it are kept and shown\n"
	"as revoked by tally and the chair page.  Revoking twice is harmless.\n"
	"\n"
	"  --db DB     the collector's SQLite database (as given to `collector serve`)\n"
	"  --jti ID    the token id (the jti claim; `collector token verify` shows it)\n"
	"  --create    create DB if it does not exist yet (to revoke a token before\n"
	"              the collector first starts)\n"
	"\n"
	"Exit status: 0 revoked (or already revoked), 1 failed, 2 usage error.\n";

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

int cmd_revoke(int argc, char **argv)
{
	const char *db = NULL, *jti = NULL, *why;
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
		if (slot == NULL) {
			die_msg("revoke: unexpected argument '%s'", a);
			goto usage;
		}
		if (*slot != NULL) {
			die_msg("revoke: %.*s given twice", (int)nlen, a);
			goto usage;
		}
		if (eq != NULL) {
			*slot = eq + 1;
		} else if (i + 1 < argc) {
			*slot = argv[++i];
		} else {
			die_msg("revoke: %s needs a value", a);
			goto usage;
		}
	}
	if (db == NULL || jti == NULL) {
		die_msg("revoke: %s is required", db == NULL ? "--db" : "--jti");
		goto usage;
	}
	if ((why = jti_problem(jti)) != NULL) {
		die_msg("revoke: --jti: the token id %s", why);
		return 1;
	}
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
usage:
	fputs(revoke_usage, stderr);
	return 2;
}
