/* commands.h - the collector's subcommands; each lives in its own file and
 * follows interface.md: --help prints usage and exits 0; errors go to stderr
 * as "collector: message"; exit 0 success, 1 invalid input or failed check,
 * 2 usage error. */
#ifndef SND_COMMANDS_H
#define SND_COMMANDS_H

#include "sounding.h"

#include <stddef.h>

int cmd_keygen(int argc, char **argv);   /* cmd_keys.c */
int cmd_issue(int argc, char **argv);    /* cmd_issue.c */
int cmd_token(int argc, char **argv);    /* cmd_keys.c: token verify */
int cmd_revoke(int argc, char **argv);   /* cmd_revoke.c */
int cmd_roll(int argc, char **argv);     /* cmd_roll.c: roll import, roll list */
int cmd_mail(int argc, char **argv);     /* cmd_mail.c */
int cmd_open(int argc, char **argv);     /* cmd_schedule.c */
int cmd_close(int argc, char **argv);    /* cmd_schedule.c */
int cmd_status(int argc, char **argv);   /* cmd_schedule.c */
int cmd_check(int argc, char **argv);    /* cmd_check.c */
int cmd_serve(int argc, char **argv);    /* serve.c */

/* Prints "collector: " + message to stderr (cli.c). */
void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error of `collector CMD` (cli.c): "collector CMD: message" and
 * "try 'collector CMD --help'" on stderr.  Returns 2, the exit status. */
int usage_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------- shared by the cmd_*.c files */

/* One "--name VALUE" option; *val stays NULL when not given. */
struct opt {
	const char *name;   /* "--out" */
	const char **val;
};

/* Parses "--name VALUE" and "--name=VALUE" options and up to maxpos
 * positionals (cmd_keys.c) of `collector CMD`.  Returns 0 to go on, -1 when
 * --help printed usage on stdout (exit 0), 2 on a usage error (already
 * reported with usage_err). */
int cmd_parse_opts(const char *cmd, int argc, char **argv, const struct opt *opts, size_t nopts,
                   const char **pos, size_t maxpos, size_t *npos, const char *usage);

/* cmd_issue.c: trims ASCII spaces and tabs in place (returns s moved past
 * the leading ones); 1 when s holds a control character; reports a form
 * that does not load, one line per problem. */
char *trim_cell(char *s);
int has_control(const char *s);
void print_form_diag(const char *path, const struct snd_diag *d, enum snd_err e);

/* cmd_roll.c: a links file as `collector issue` writes it, parsed, header
 * and cells trimmed, every row as wide as the header.  Column indexes are
 * -1 when absent; id, entity, jti and token are always there. */
struct links_file {
	struct snd_csv csv;
	char *text;
	int id, ent, email, lang, name, jti, token, link;
};
/* 0 when loaded (free with links_free); 1 after reporting why not. */
int links_load(const char *path, struct links_file *lf);
void links_free(struct links_file *lf);
/* The cell of row r in column col, "" when col < 0. */
const char *links_cell(const struct links_file *lf, size_t r, int col);
/* The claims of row r's token into *cl (snd_claims_free), checked against
 * the row's id, entity, jti and attribute columns, and with pk (not NULL)
 * its signature.  0 when fine; 1 with what is wrong in why (never the
 * token itself). */
int links_claims(const struct links_file *lf, size_t r, const uint8_t *pk,
                 struct snd_claims *cl, char *why, size_t whylen);

#endif
