/* cmd_check.c - placeholder until its module lands (being written now). */
#include "commands.h"
int cmd_check(int argc, char **argv) { (void)argc; (void)argv; die_msg("cmd_check: not built yet"); return 1; }
