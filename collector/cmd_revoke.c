/* cmd_revoke.c - placeholder until its module lands (being written now). */
#include "commands.h"
int cmd_revoke(int argc, char **argv) { (void)argc; (void)argv; die_msg("cmd_revoke: not built yet"); return 1; }
