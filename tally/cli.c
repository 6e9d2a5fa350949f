/* cli.c - what every `tally` subcommand shares: messages, option parsing,
 * atomic output files, terminal progress, times and labels for people.
 * The subcommands (summary.c, export.c, verify.c, merge.c) and db.c call
 * down into this file; it calls nothing of tally's own.
 *
 * This file owns:
 *   1. tally_err, the one way a message reaches stderr;
 *   2. opts_parse and the struct opt table each subcommand declares;
 *   3. struct out: --out written to a temporary file and renamed (a device
 *      or a pipe, such as /dev/stdout, in place), or stdout;
 *   4. struct progress: a throttled progress line on a terminal.
 *
 * Invariants:
 *   1. Data goes to stdout or --out; everything else to stderr.
 *   2. An --out file appears whole or not at all (temporary file + rename);
 *      an --out that is not a regular file is written in place, never
 *      replaced.
 *   3. Usage errors are reported here and exit 2 in the caller (EXIT_USAGE):
 *      "tally CMD: message" and "try 'tally CMD --help'", never the whole
 *      usage (that is --help's, on stdout).
 */
#include "tally.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void tally_err(const char *fmt, ...)
{
	va_list ap;
	fputs("tally: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int tally_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "tally %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'tally %s --help'\n", cmd);
	return EXIT_USAGE;
}

/* ------------------------------------------------------------- options */

static struct opt *find_opt_named(struct opt *opts, const char *name, size_t n)
{
	for (; opts->name; opts++)
		if (strlen(opts->name) == n && strncmp(opts->name, name, n) == 0)
			return opts;
	return NULL;
}

static int push_str(const char ***arr, size_t *n, const char *s)
{
	const char **p = realloc(*arr, (*n + 2) * sizeof *p);
	if (p == NULL)
		return -1;
	p[(*n)++] = s;
	p[*n] = NULL;
	*arr = p;
	return 0;
}

int opts_parse(int argc, char **argv, struct opt *opts, int *help, char ***positional,
               size_t *npositional)
{
	const char **pos = NULL, *cmd = argv[0];
	size_t npos = 0;
	int i, only_pos = 0;

	*help = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		struct opt *o;
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (positional == NULL) {
				free(pos);
				return tally_usage(cmd, "unexpected argument '%s'", a);
			}
			if (push_str(&pos, &npos, a) != 0)
				goto nomem;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help = 1;
			free(pos);
			return 1;
		}
		if (a[1] != '-') {
			free(pos);
			return tally_usage(cmd, "unknown option '%s'", a);
		}
		eq = strchr(a + 2, '=');
		o = find_opt_named(opts, a + 2, eq ? (size_t)(eq - (a + 2)) : strlen(a + 2));
		if (o == NULL) {
			free(pos);
			return tally_usage(cmd, "unknown option '%s'", a);
		}
		if (o->has_arg) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				free(pos);
				return tally_usage(cmd, "--%s needs a value", o->name);
			}
			if (o->multi) {
				if (push_str(o->multi, o->nmulti, val) != 0)
					goto nomem;
			}
			if (o->value)
				*o->value = val;
		} else {
			if (eq) {
				free(pos);
				return tally_usage(cmd, "--%s takes no value", o->name);
			}
			*o->value = "1";
		}
	}
	if (positional) {
		*positional = (char **)pos;
		*npositional = npos;
	} else {
		free(pos);
	}
	return 0;
nomem:
	tally_err("out of memory");
	free(pos);
	return EXIT_USAGE;
}

/* ------------------------------------------------------------- output */

int out_clobbers(const char *path, const char *db, const char *form)
{
	const char *in[2];
	struct stat a, b;
	size_t i;
	in[0] = db;
	in[1] = form;
	if (path == NULL || strcmp(path, "-") == 0 || stat(path, &a) != 0)
		return 0;
	for (i = 0; i < 2; i++) {
		if (in[i] && stat(in[i], &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			tally_err("--out %s is the input %s; refusing to overwrite it", path, in[i]);
			return 1;
		}
	}
	return 0;
}

int out_open(struct out *o, const char *path)
{
	struct stat st;
	size_t n;
	int fd;
	o->fp = NULL;
	o->path = path;
	o->tmp = NULL;
	if (path == NULL || strcmp(path, "-") == 0) {
		o->path = NULL;
		o->fp = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device, a pipe, /dev/stdout: written in place.  Renaming a
		 * temporary file over it would replace it (as root, even
		 * /dev/stdout) with a regular file. */
		if ((o->fp = fopen(path, "w")) == NULL) {
			tally_err("%s: cannot open: %s", path, strerror(errno));
			return 1;
		}
		return 0;
	}
	n = strlen(path) + 16;
	if ((o->tmp = malloc(n)) == NULL) {
		tally_err("out of memory");
		return 1;
	}
	snprintf(o->tmp, n, "%s.tmp-XXXXXX", path);
	if ((fd = mkstemp(o->tmp)) < 0) {
		tally_err("%s: cannot create: %s", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return 1;
	}
	(void)fchmod(fd, 0644);
	if ((o->fp = fdopen(fd, "w")) == NULL) {
		tally_err("%s: %s", path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return 1;
	}
	return 0;
}

void out_abort(struct out *o)
{
	if (o->path == NULL) {
		fflush(stdout);
		return;
	}
	if (o->fp)
		fclose(o->fp);
	if (o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
	}
	o->fp = NULL;
	o->tmp = NULL;
}

int out_close(struct out *o)
{
	int bad;
	if (o->path == NULL) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			tally_err("writing to standard output failed: %s", strerror(errno));
			return 1;
		}
		return 0;
	}
	/* in place (o->tmp NULL): no fsync (a pipe refuses it), no rename */
	bad = fflush(o->fp) != 0 || ferror(o->fp) || (o->tmp && fsync(fileno(o->fp)) != 0);
	if (fclose(o->fp) != 0)
		bad = 1;
	o->fp = NULL;
	if (o->tmp == NULL) {
		if (bad)
			tally_err("%s: writing failed: %s", o->path, strerror(errno));
		return bad;
	}
	if (bad || rename(o->tmp, o->path) != 0) {
		tally_err("%s: writing failed: %s", o->path, strerror(errno));
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return 1;
	}
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

int out_buf(struct out *o, const struct snd_buf *b)
{
	if (b->failed) {
		tally_err("out of memory building the output");
		return 1;
	}
	if (b->len > 0 && fwrite(b->data, 1, b->len, o->fp) != b->len) {
		tally_err("%s: writing failed: %s", o->path ? o->path : "standard output",
		          strerror(errno));
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ progress */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_init(struct progress *p, const char *what)
{
	p->tty = isatty(STDERR_FILENO);
	p->n = 0;
	p->last_ms = now_ms();
	p->what = what;
	p->shown = 0;
}

void progress_tick(struct progress *p)
{
	long long t;
	p->n++;
	/* Looking at the clock every 1024 rows keeps the cost out of profiles;
	 * the first line waits one second so short runs stay silent. */
	if (!p->tty || (p->n & 1023) != 0)
		return;
	t = now_ms();
	if (t - p->last_ms < (p->shown ? 250 : 1000))
		return;
	p->last_ms = t;
	p->shown = 1;
	fprintf(stderr, "\r  %lld %s\xe2\x80\xa6", p->n, p->what);
	fflush(stderr);
}

void progress_note(struct progress *p)
{
	if (!p->tty)
		return;
	p->shown = 1;
	fprintf(stderr, "\r  %s\xe2\x80\xa6", p->what);
	fflush(stderr);
}

void progress_done(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}

/* ----------------------------------------------------------- helpers */

void time_ms(int64_t ms, char out[32])
{
	char base[21];
	int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	int frac = (int)(ms - sec * 1000);
	snd_time_format(sec, base);
	/* base ends in 'Z': put the milliseconds before it. */
	base[strlen(base) - 1] = '\0';
	snprintf(out, 32, "%s.%03dZ", base, frac);
}

const char *label_in(const struct snd_form *f, const struct snd_label *l, int lang)
{
	if (l == NULL || l->text == NULL)
		return NULL;
	if (lang < 0 || (size_t)lang >= f->nlanguages)
		lang = 0;
	return l->text[lang] ? l->text[lang] : l->text[0];
}

const struct snd_option *find_option(const struct snd_option *opts, size_t n, const char *id)
{
	size_t i;
	if (id == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcmp(opts[i].id, id) == 0)
			return &opts[i];
	return NULL;
}
