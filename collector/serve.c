/* serve.c - placeholder until its module lands (being written now). */
#include "commands.h"
int cmd_serve(int argc, char **argv) { (void)argc; (void)argv; die_msg("cmd_serve: not built yet"); return 1; }
