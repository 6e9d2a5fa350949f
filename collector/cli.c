/* cli.c - what every subcommand (commands.h) shares below main.c's
 * dispatch: the one shape of an error line.
 *
 * Invariants:
 *   1. Errors go to stderr as "collector: message", one line each, never
 *      to stdout (which carries a command's output: tokens, CSV, JSON).
 *   2. A usage error (unknown option, missing or bad value) is two lines,
 *      "collector CMD: message" and "try 'collector CMD --help'", exit 2;
 *      the full usage is only printed by --help, on stdout.
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

int usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "collector %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'collector %s --help'\n", cmd);
	return 2;
}
