/* cmd_check.c - `collector check FORM...`: validates questionnaire files.
 *
 * Each problem is one line on stdout, "FILE: $.json.path: message" (the
 * lines are the command's output, so scripts can collect them); exit 1 when
 * any file has a problem, 0 with no output when all are valid, 2 on a usage
 * error.
 *
 * Rounds of a series are checked together: a form whose "previous" names
 * a round must be given with that round's file, and its "was" keys must
 * name questions of it (snd_series_check). */
#include "commands.h"
#include "sounding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: collector check FORM...\n"
	"\n"
	"Validates questionnaire files against the schema of forms/README.md (and\n"
	"sounding-form(5)).  Prints every problem on stdout as\n"
	"FILE: $.json.path: message, or nothing when every file is valid.  Rounds of\n"
	"a series are checked together: give a round's file with its previous\n"
	"round's (collector check R1.json R2.json), whose questions its \"was\" keys\n"
	"name.\n"
	"\n"
	"options:\n"
	"  --help   print this help\n"
	"  --       the names after it are files, even if they start with '-'\n"
	"\n"
	"exit status: 0 every file is valid, 1 a file has a problem (or cannot be\n"
	"read), 2 usage error.\n";

/* argv[i] is a file name (not an option), given whether "--" came before. */
static int is_file(const char *a, int after_dashes)
{
	return after_dashes || a[0] != '-' || a[1] == '\0';
}

/* Loads path into *f (NULL when it has problems), printing them; 0 or 1. */
static int check_one(const char *path, struct snd_form **f)
{
	struct snd_diag d;
	size_t k;
	enum snd_err e;
	snd_diag_init(&d);
	*f = NULL;
	e = snd_form_load(path, f, &d);
	if (e != SND_OK) {
		for (k = 0; k < d.n; k++)
			printf("%s: %s: %s\n", path, d.items[k].where, d.items[k].msg);
		if (d.n == 0)
			printf("%s: $: %s\n", path, snd_strerror(e));
	}
	snd_diag_free(&d);
	return e == SND_OK ? 0 : 1;
}

/* The checks across the valid files: "previous" and "was" (rounds). */
static int check_series(struct snd_form **forms, const char **paths, size_t n)
{
	const struct snd_form **ok = calloc(n ? n : 1, sizeof *ok);
	const char **okp = calloc(n ? n : 1, sizeof *okp);
	struct snd_diag *d = calloc(n ? n : 1, sizeof *d);
	size_t i, k, m = 0;
	int bad = 0;
	if (ok == NULL || okp == NULL || d == NULL) {
		free(ok);
		free(okp);
		free(d);
		die_msg("check: out of memory");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (forms[i] == NULL)
			continue;
		okp[m] = paths[i];
		ok[m] = forms[i];
		snd_diag_init(&d[m++]);
	}
	snd_series_check(ok, m, d);
	for (i = 0; i < m; i++) {
		for (k = 0; k < d[i].n; k++)
			printf("%s: %s: %s\n", okp[i], d[i].items[k].where, d[i].items[k].msg);
		bad |= d[i].n > 0;
		snd_diag_free(&d[i]);
	}
	free(ok);
	free(okp);
	free(d);
	return bad;
}

int cmd_check(int argc, char **argv)
{
	int i, dashes = 0, status = 0, nfiles = 0;
	struct snd_form **forms;
	const char **paths;
	size_t n = 0;
	for (i = 1; i < argc; i++) {
		if (!dashes && strcmp(argv[i], "--") == 0) {
			dashes = 1;
		} else if (!dashes && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)) {
			fputs(usage, stdout);
			return 0;
		} else if (!is_file(argv[i], dashes)) {
			return usage_err("check", "unknown option '%s'", argv[i]);
		} else {
			nfiles++;
		}
	}
	if (nfiles == 0)
		return usage_err("check", "name at least one questionnaire file");
	forms = calloc((size_t)nfiles, sizeof *forms);
	paths = calloc((size_t)nfiles, sizeof *paths);
	if (forms == NULL || paths == NULL) {
		free(forms);
		free(paths);
		die_msg("check: out of memory");
		return 1;
	}
	dashes = 0;
	for (i = 1; i < argc; i++) {
		if (!dashes && strcmp(argv[i], "--") == 0)
			dashes = 1;
		else {
			paths[n] = argv[i];
			if (check_one(argv[i], &forms[n]) != 0)
				status = 1;
			n++;
		}
	}
	if (check_series(forms, paths, n) != 0)
		status = 1;
	for (i = 0; i < (int)n; i++)
		snd_form_free(forms[i]);
	free(forms);
	free(paths);
	if (fflush(stdout) != 0) {
		die_msg("check: cannot write the report");
		return 1;
	}
	return status;
}
