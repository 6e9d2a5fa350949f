/* tally.h - the `tally` program's internal seams: one function per
 * subcommand, and the helpers they share.  Layers, each calling only down:
 *   main.c                      usage and dispatch
 *   summary.c export.c verify.c merge.c turnout.c trend.c
 *                               the subcommands
 *   text.c tables.c fmt.c       the summary writers (text, Markdown; cells)
 *   db.c                        the form + store every reading command opens,
 *                               read-only looks at the questionnaire table
 *   cli.c                       messages, options, atomic output files,
 *                               progress on a terminal, times and labels
 *
 * Every command follows interface.md: --help prints usage and exits 0;
 * errors go to stderr as "tally: message" naming the file or field; exit 0
 * success, 1 invalid input or failed check, 2 usage error; data to stdout
 * or --out FILE, diagnostics and progress to stderr. */
#ifndef SND_TALLY_H
#define SND_TALLY_H

#include "sounding.h"

#include <stdio.h>

#define EXIT_USAGE 2

int cmd_summary(int argc, char **argv);  /* summary.c */
int cmd_report(int argc, char **argv);   /* summary.c */
int cmd_export(int argc, char **argv);   /* export.c */
int cmd_verify(int argc, char **argv);   /* verify.c */
int cmd_merge(int argc, char **argv);    /* merge.c */
int cmd_turnout(int argc, char **argv);  /* turnout.c */
int cmd_trend(int argc, char **argv);    /* trend.c */

/* ------------------------------------------------------------- cli.c */

/* "tally: " + message + "\n" on stderr. */
void tally_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error of `tally CMD`: "tally CMD: message" and the hint
 * "try 'tally CMD --help'" on stderr.  Returns EXIT_USAGE. */
int tally_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------- options
 * A tiny long-option parser: "--name VALUE", "--name=VALUE" and flags.
 * Repeated options keep the last value, except those with `multi` set,
 * which collect every value.  Non-option words go to positional. */

struct opt {
	const char *name;       /* without the leading "--" */
	int has_arg;
	const char **value;     /* has_arg: the value; flag: set to "1" */
	const char ***multi;    /* optional: every value, NULL-terminated, malloc'ed */
	size_t *nmulti;
};

/* argv[0] is the subcommand's name.  Returns 0, or EXIT_USAGE after printing
 * why (tally_usage); 1 and *help set on --help (the caller prints its usage
 * to stdout).  positional (may be NULL when none are allowed) receives a
 * malloc'ed NULL-terminated array the caller frees. */
int opts_parse(int argc, char **argv, struct opt *opts, int *help, char ***positional,
               size_t *npositional);

/* ------------------------------------------------------------- output */

/* Where data goes: stdout, or a temporary file beside --out renamed over it
 * only once everything was written (a failed run leaves no half file). */
struct out {
	FILE *fp;
	const char *path;   /* NULL: stdout */
	char *tmp;          /* temporary path while writing; NULL: written in place
	                     * (path is a device or a pipe, not a regular file) */
};

/* 1 (after a message) when --out path names the same file as one of the
 * inputs (a report written over the database would destroy it), else 0. */
int out_clobbers(const char *path, const char *db, const char *form);

/* Opens path (or stdout when NULL).  0 on success, 1 after a message. */
int out_open(struct out *o, const char *path);
/* Flushes, syncs and renames into place.  0 on success, 1 after a message.
 * Always releases o. */
int out_close(struct out *o);
/* Drops a partial output (unlinks the temporary file). */
void out_abort(struct out *o);
/* Writes b (when not failed) to o; 0 or 1 after a message. */
int out_buf(struct out *o, const struct snd_buf *b);

/* ------------------------------------------------------------ progress
 * "\r  N revisions…" on stderr at most four times a second, only when
 * stderr is a terminal; progress_done clears the line. */

struct progress {
	int tty;
	long long n;
	long long last_ms;
	const char *what;
	int shown;
};

void progress_init(struct progress *p, const char *what);
void progress_tick(struct progress *p);
void progress_done(struct progress *p);
/* For one long call with no rows to count: "  what…" at once on a
 * terminal, cleared by progress_done. */
void progress_note(struct progress *p);

/* ----------------------------------------------------------- helpers */

/* RFC 3339 UTC with milliseconds, from Unix milliseconds. */
void time_ms(int64_t ms, char out[32]);

/* The label of an option/row id in language lang (falls back to the id). */
const char *label_in(const struct snd_form *f, const struct snd_label *l, int lang);
const struct snd_option *find_option(const struct snd_option *opts, size_t n, const char *id);

/* ------------------------------------------- summary writers
 * fmt.c: typed reads of the summary object and display formats;
 * text.c, tables.c: the text and Markdown writers (the CSV is
 * snd_summary_csv in core, shared with the collector). */

/* Displays use core's formats (snd_fmt_*, snd_json_*) with a point: tally's
 * text, Markdown and CSV are the same whatever --lang. */
#define TALLY_DEC '.'
void cell_stat(char out[SND_FMT_LEN], const cJSON *o, const char *key);  /* "3.67" or a dash */
void cell_value(char out[SND_FMT_LEN], const cJSON *o, const char *key); /* an answer value */
void cell_point(char out[SND_FMT_LEN], const cJSON *o, const char *key); /* a median, or a dash */
/* The entity to show beside an objection or comment: NULL on pseudonymous
 * questionnaires, whatever the summary holds. */
const char *entry_entity(const struct snd_form *f, const cJSON *entry);
/* v as pretty JSON in the summary's layout (two-space indents, numbers by
 * snd_num_exact), from indent level depth; no trailing newline. */
void tally_json_pretty(struct snd_buf *b, const cJSON *v, int depth);
/* Where a position question stands; each writer words it its own way.
 * OUTCOME_CONSENSUS when "consensus" is true; else OUTCOME_OBJECTED with
 * the sustained objections in n (fmt_count) and *plural "" or "s" when
 * "object" > 0; else OUTCOME_NONE (no positions yet). */
enum outcome { OUTCOME_NONE, OUTCOME_CONSENSUS, OUTCOME_OBJECTED };
enum outcome position_outcome(const cJSON *qs, char n[SND_FMT_LEN], const char **plural);
/* A position question "at a glance": its counts per position and its
 * outcome, formatted; each writer lays the line out its own way. */
struct glance {
	const struct snd_question *q;
	char count[SND_POS__MAX][SND_FMT_LEN];
	enum outcome oc;
	char n[SND_FMT_LEN]; /* sustained objections, with OUTCOME_OBJECTED */
	const char *plural;
};
typedef void (*glance_fn)(void *ctx, const struct glance *g, int first);
/* Calls fn for every position question of questions, in order. */
void each_glance(const struct snd_form *f, const cJSON *questions, glance_fn fn, void *ctx);
struct lists;
/* A summary writer's parts (text.c, tables.c): the title and totals (and
 * what goes before the details), a list of questions (top: the whole
 * questionnaire's), a group's heading. */
struct summary_writer {
	void (*head)(void *ctx, const char *responses, const char *weight, const cJSON *questions,
	             const cJSON *sum);
	void (*questions)(void *ctx, const cJSON *questions, int top);
	void (*group)(void *ctx, const char *name, const char *responses);
};
/* The summary through w: head, the whole's questions, then each group's
 * heading and questions, with ls->group set to the group (NULL: whole). */
void walk_summary(struct lists *ls, const cJSON *sum, const struct summary_writer *w, void *ctx);
/* How a writer words an outcome: none, consensus, or pre + n + " sustained
 * objection" + plural + post. */
struct outcome_words {
	const char *none, *consensus, *pre, *post;
};
void put_outcome(struct snd_buf *b, enum outcome oc, const char *n, const char *plural,
                 const struct outcome_words *w);
const char *opt_label(const struct snd_form *f, int lang, const struct snd_option *opts,
                      size_t n, const char *id);
const struct snd_question *question_of(const struct snd_form *f, const cJSON *qs);
/* The title of q's section (in lang, else its id) when q opens a section
 * other than *cur and headings is on, *cur then moved to it; else NULL. */
const char *section_heading(const struct snd_form *f, int lang, const struct snd_question *q,
                            int headings, size_t *cur);

/* Where the objections and comments of a summary come from: the tree
 * itself (t NULL), or the engine (a tree made without lists), in which
 * case the writers flush b to fp as they go so the lists are never held. */
struct lists {
	struct snd_tally *t;
	const char *group;      /* the group being written (NULL: the whole) */
	FILE *fp;               /* NULL: everything stays in b */
	struct snd_buf *b;
	int failed;             /* reading the lists or writing fp failed */
};
/* The entries of qs's list ("objections" or "comments") and their count;
 * each gives fn the entity (NULL on pseudonymous questionnaires) and the
 * field ("reason" or "text"); at most max entries (-1: all). */
typedef void (*entry_fn)(void *ctx, const char *entity, const char *text);
long entries_count(struct lists *ls, const cJSON *qs, const char *list);
void entries_each(struct lists *ls, const struct snd_form *f, const cJSON *qs, const char *list,
                  const char *field, long max, entry_fn fn, void *ctx);
/* Writes b out to ls->fp (when set) once it holds a megabyte or more. */
void lists_flush(struct lists *ls, int force);

/* Appends s for a terminal (text.c): control and bidi characters become
 * U+FFFD (a newline "\n" + indent spaces when indent >= 0, else a space),
 * cut to max_cols columns with an ellipsis when max_cols > 0, padded with
 * spaces to pad_cols.  Returns the columns used. */
size_t term_text(struct snd_buf *b, const char *s, size_t max_cols, size_t pad_cols,
                 int indent);
/* "3 of 5 invited answered (60.0%)" between pre and post when the summary
 * has "invited" (a roll): answered is "invited_answered", which cmd_summary
 * puts in the text and Markdown tree from snd_turnout_roll, else
 * "responses".  Nothing without a roll. */
void invited_line(struct snd_buf *b, const cJSON *sum, const char *pre, const char *post);
/* limit: objections and comments listed per question (-1: all). */
/* The head's lines about answers set aside (revoked links) and a skipped
 * integrity check, each between pre and post; nothing when neither. */
void trust_lines(struct snd_buf *b, const cJSON *sum, const char *pre, const char *post);
void write_text(struct snd_buf *b, struct lists *ls, const struct snd_form *f, int lang,
                const cJSON *sum, const char *by, long limit);
void write_md(struct snd_buf *b, struct lists *ls, const struct snd_form *f, int lang,
              const cJSON *sum, const char *by);

/* ------------------------------------------------------------- db.c
 * Read-only looks at the tables the library has no call for: which
 * questionnaires a database holds.  Uses its own SQLite connection. */

struct qrow {
	char *id;
	char *source_hash;
	char *source;
	size_t source_len;
};

/* Every (id, source_hash, source) row, ordered by id then stored_at.
 * 0, or 1 after a message naming path. */
int db_questionnaires(const char *path, struct qrow **rows, size_t *n);
void qrows_free(struct qrow *rows, size_t n);

/* Loads the form file (errors printed per diagnostic) and opens the store
 * read-only, checking the database holds a questionnaire with the form's id
 * (and warning when its source differs).  0, or 1 after messages; on 0 the
 * caller frees both. */
int open_form_db(const char *form_path, const char *db_path, struct snd_form **f,
                 struct snd_store **s);

/* verify_chains.c: the record and revocation chain walks of `tally verify`
 * (callbacks of snd_store_each_record / snd_store_each_revocation), and a
 * copy of stored text safe for a terminal. */
/* The record chain's walk (the header's last paragraph). */
struct rverify {
	long long n, problems;
	int64_t last_seq;
	char last_link[65];
};
/* The revocation chain's walk (the header's revocation paragraph). */
struct kverify {
	long long n, problems;
	int64_t last_seq;
	char last_link[65];
	const char *want_head;  /* --revocations-head: a link the chain must hold */
	int64_t head_seq;
};
int verify_record(void *ctx, const struct snd_record *r);
int verify_revocation(void *ctx, const struct snd_revocation *k);
void verify_safe(char *dst, size_t n, const char *s);

#endif
