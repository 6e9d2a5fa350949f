/* cmd_keys.c - `collector keygen` and `collector token verify`
 * (interface.md, "Keys and tokens"), and the option parser every cmd_*.c
 * shares (`collector issue` is in cmd_issue.c).
 *
 * Owns: the command-line side of keys and tokens; the cryptography lives
 * in core/keys.c and core/paseto.c.
 *
 * Invariants:
 *   1. keygen writes all four key files or none: it refuses when any exists,
 *      and removes what it wrote if a later write fails.  Secret files are
 *      created 0600.
 *   2. Secret keys are wiped (sodium_memzero) before the command returns.
 *   3. Exit codes: 0 success, 1 invalid input or failed check, 2 usage.
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


/* ---------------------------------------------------------------- options */

/* parse_opts (commands.h) lives here, with the first commands that used it. */
int cmd_parse_opts(const char *cmd, int argc, char **argv, const struct opt *opts, size_t nopts,
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
			if (k == nopts)
				return usage_err(cmd, "unknown option '%s'", a);
			if (*opts[k].val != NULL)
				return usage_err(cmd, "%s given twice", opts[k].name);
			if (eq != NULL) {
				*opts[k].val = eq + 1;
			} else {
				if (i + 1 >= argc)
					return usage_err(cmd, "%s needs a value", opts[k].name);
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
	return usage_err(cmd, "unexpected argument '%s'", argv[i]);
}

/* ---------------------------------------------------------------- keygen */

static const char keygen_usage[] =
	"usage: collector keygen --out DIR\n"
	"\n"
	"Creates two Ed25519 key pairs as PASERK strings, one per file:\n"
	"DIR/issuer.secret signs delegate tokens (keep it offline), DIR/issuer.public\n"
	"lets the collector check them (serve --issuer-pub), DIR/receipt.secret lets\n"
	"the collector sign receipts (serve --receipt-key) and DIR/receipt.public lets\n"
	"anyone check receipts (tally verify --receipt-pub).  Secret files are mode\n"
	"0600.  Refuses to overwrite: if any of the four files exists, nothing is\n"
	"written.\n"
	"\n"
	"options:\n"
	"  --out DIR   the directory (created with mode 0700 if it does not exist)\n"
	"  --help      print this help\n"
	"\n"
	"exit status: 0 keys written, 1 failed (a file exists, DIR cannot be written),\n"
	"2 usage error.\n";

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
	if ((r = cmd_parse_opts("keygen", argc, argv, opts, 1, pos, 0, &npos, keygen_usage)) != 0)
		return r < 0 ? 0 : r;
	if (out == NULL || *out == '\0')
		return usage_err("keygen", "--out DIR is required");
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

/* ---------------------------------------------------------------- token */

static const char token_usage[] =
	"usage: collector token verify --pub KEY [--implicit STRING] TOKEN\n"
	"\n"
	"Checks a PASETO v4.public token's signature (not its times) and prints\n"
	"{\"payload\":...,\"footer\":\"...\"} as JSON.  TOKEN '-' reads the token from\n"
	"stdin (keeps it out of the process list).\n"
	"\n"
	"options:\n"
	"  --pub KEY          the issuer's public key: a k4.public PASERK string, 64 hex\n"
	"                     digits, or a file holding either\n"
	"  --implicit STRING  the implicit assertion the token was signed with (default\n"
	"                     none)\n"
	"  --help             print this help\n"
	"\n"
	"exit status: 0 the signature holds, 1 it does not (the reason on stderr) or\n"
	"KEY cannot be read, 2 usage error.\n";

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
	if (argc < 2 || strcmp(argv[1], "verify") != 0)
		return usage_err("token", "expected the subcommand 'verify'%s%s%s",
		                 argc < 2 ? "" : ", not '", argc < 2 ? "" : argv[1],
		                 argc < 2 ? "" : "'");
	if ((r = cmd_parse_opts("token verify", argc - 1, argv + 1, opts, 2, pos, 1, &npos,
	                        token_usage)) != 0)
		return r < 0 ? 0 : r;
	if (pub == NULL)
		return usage_err("token verify", "--pub KEY is required");
	if (npos != 1)
		return usage_err("token verify", "one TOKEN is required");
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
