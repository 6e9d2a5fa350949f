/* commands.h - the collector's subcommands; each lives in its own file and
 * follows interface.md: --help prints usage and exits 0; errors go to stderr
 * as "collector: message"; exit 0 success, 1 invalid input or failed check,
 * 2 usage error. */
#ifndef SND_COMMANDS_H
#define SND_COMMANDS_H

int cmd_keygen(int argc, char **argv);   /* cmd_keys.c */
int cmd_issue(int argc, char **argv);    /* cmd_keys.c */
int cmd_token(int argc, char **argv);    /* cmd_keys.c: token verify */
int cmd_revoke(int argc, char **argv);   /* cmd_revoke.c */
int cmd_open(int argc, char **argv);     /* cmd_schedule.c */
int cmd_close(int argc, char **argv);    /* cmd_schedule.c */
int cmd_status(int argc, char **argv);   /* cmd_schedule.c */
int cmd_check(int argc, char **argv);    /* cmd_check.c */
int cmd_serve(int argc, char **argv);    /* serve.c */

/* Prints "collector: " + message to stderr (cli.c). */
void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
