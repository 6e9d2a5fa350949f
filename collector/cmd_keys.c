/* cmd_keys.c - placeholder until its module lands (being written now). */
#include "commands.h"
int cmd_keygen(int argc, char **argv) { (void)argc; (void)argv; die_msg("cmd_keygen: not built yet"); return 1; }
int cmd_issue(int argc, char **argv) { (void)argc; (void)argv; die_msg("cmd_issue: not built yet"); return 1; }
int cmd_token(int argc, char **argv) { (void)argc; (void)argv; die_msg("cmd_token: not built yet"); return 1; }
