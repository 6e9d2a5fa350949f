/* cmd_check.c - `collector check FORM...`: validates questionnaire files.
 *
 * Each problem is one line on stdout, "FILE: $.json.path: message" (the
 * lines are the command's output, so scripts can collect them); exit 1 when
 * any file has a problem, 0 with no output when all are valid, 2 on a usage
 * error. */
#include "commands.h"
#include "sounding.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: collector check FORM...\n"
	"\n"
	"Validates questionnaire files against the schema of forms/README.md.\n"
	"Prints every problem as FILE: $.json.path: message and exits 1, or\n"
	"prints nothing and exits 0 when every file is valid.\n";

/* argv[i] is a file name (not an option), given whether "--" came before. */
static int is_file(const char *a, int after_dashes)
{
	return after_dashes || a[0] != '-' || a[1] == '\0';
}

static int check_one(const char *path)
{
	struct snd_form *f = NULL;
	struct snd_diag d;
	size_t k;
	enum snd_err e;
	snd_diag_init(&d);
	e = snd_form_load(path, &f, &d);
	if (e != SND_OK) {
		for (k = 0; k < d.n; k++)
			printf("%s: %s: %s\n", path, d.items[k].where, d.items[k].msg);
		if (d.n == 0)
			printf("%s: $: %s\n", path, snd_strerror(e));
	}
	snd_diag_free(&d);
	snd_form_free(f);
	return e == SND_OK ? 0 : 1;
}

int cmd_check(int argc, char **argv)
{
	int i, dashes = 0, status = 0, nfiles = 0;
	for (i = 1; i < argc; i++) {
		if (!dashes && strcmp(argv[i], "--") == 0) {
			dashes = 1;
		} else if (!dashes && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)) {
			fputs(usage, stdout);
			return 0;
		} else if (!is_file(argv[i], dashes)) {
			die_msg("check: unknown option '%s' (try: collector check --help)", argv[i]);
			return 2;
		} else {
			nfiles++;
		}
	}
	if (nfiles == 0) {
		die_msg("check: name at least one questionnaire file (try: collector check --help)");
		return 2;
	}
	dashes = 0;
	for (i = 1; i < argc; i++) {
		if (!dashes && strcmp(argv[i], "--") == 0)
			dashes = 1;
		else if (check_one(argv[i]) != 0)
			status = 1;
	}
	if (fflush(stdout) != 0) {
		die_msg("check: cannot write the report");
		return 1;
	}
	return status;
}
