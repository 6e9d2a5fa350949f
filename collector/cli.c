/* cli.c - what every subcommand (commands.h) shares below main.c's
 * dispatch: the one shape of an error line.
 *
 * Invariants:
 *   1. Errors go to stderr as "collector: message", one line each, never
 *      to stdout (which carries a command's output: tokens, CSV, JSON).
 */
#include "commands.h"

#include <stdarg.h>
#include <stdio.h>

void die_msg(const char *fmt, ...)
{
	va_list ap;
	fputs("collector: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
