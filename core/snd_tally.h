/* snd_tally.h - part of the public interface of libsounding: the tally engine, rounds and the register, the summary CSV and the report (tally*.c, trend.c, register.c, summary.c, report*.c).
 * Included by sounding.h (include that, never this file directly): split
 * out so that each header stays one room a reader can hold. */
#ifndef SOUNDING_TALLY_H
#define SOUNDING_TALLY_H

#ifndef SOUNDING_H
#error "include sounding.h, not snd_tally.h"
#endif

/* ------------------------------------------------------- tally (tally.c) */

enum snd_weight { SND_WEIGHT_DELEGATE, SND_WEIGHT_ENTITY, SND_WEIGHT__MAX };
extern const char *const snd_weight_names[SND_WEIGHT__MAX];

struct snd_tally_opts {
	const char *by;          /* attribute to break down by ("entity" allowed), or NULL */
	enum snd_weight weight;
};

/* Computes the summary of interface.md for the latest revisions in the store
 * (one streaming pass per weighting need).  *out receives the cJSON object
 * {"questionnaire", "weight", "responses", "revoked", ["revoked_included"],
 * ["invited"], "verified", "questions", ["groups"]}; "invited"
 * (snd_store_invited, the count turnout.c gives too) only when the
 * database holds the roll for f. */
enum snd_err snd_tally_summary(struct snd_store *s, const struct snd_form *f,
                               const struct snd_tally_opts *o, cJSON **out,
                               char *errbuf, size_t errlen);

/* The summary in parts, for output that should not be held whole.
 * snd_tally_run makes one pass over the latest revisions and keeps the
 * counters and the objections and comments; kept_budget bounds the bytes of
 * those texts held in memory (0: no bound, never touching the file system;
 * otherwise sorted runs go to an unlinked temporary file in $TMPDIR or
 * /tmp).  On SND_OK *out is the caller's, for snd_tally_free; it borrows
 * f (and o->by), which must outlive it.  Errors as snd_tally_summary's,
 * plus SND_EIO when the temporary file fails. */
struct snd_tally;
enum snd_err snd_tally_run(struct snd_store *s, const struct snd_form *f,
                           const struct snd_tally_opts *o, size_t kept_budget,
                           struct snd_tally **out, char *errbuf, size_t errlen);
/* snd_tally_run with flags (interface.md, "What the tally may count, and
 * checks before counting"; snd_tally_run and snd_tally_summary pass 0):
 *   SND_TALLY_VERIFY: before anything counts, every stored revision's
 *     answers must match their stored hash (SHA-256) and the chain must be
 *     unbroken (seq dense, each prev the previous link, each link as
 *     snd_chain_link computes it); the reading threads do it in the same
 *     pass.  On a mismatch SND_EINVAL, errbuf naming the first bad
 *     revision (seq, delegate) and `tally verify`.  Receipts are not
 *     checked (verify's job).  The summary then says "verified": true.
 *   SND_TALLY_INCLUDE_REVOKED: count revisions made with revoked tokens
 *     (the summary still says how many delegates that concerns).
 * Without it, a delegate's latest revision made with a revoked token is
 * set aside and its newest revision made with a valid token counts
 * instead (snd_store_walk).
 *   SND_TALLY_BY_MUST_EXIST: a --by attribute that no counted delegate
 *     has (while some delegates answered) is SND_ENOTFOUND, errbuf "no
 *     delegate has this attribute; attributes: a, b" (for the collector's
 *     API: a 400); without it such a breakdown is one group "(none)". */
enum snd_tally_flags {
	SND_TALLY_VERIFY = 1,
	SND_TALLY_INCLUDE_REVOKED = 2,
	SND_TALLY_BY_MUST_EXIST = 4,
};
enum snd_err snd_tally_run_ex(struct snd_store *s, const struct snd_form *f,
                              const struct snd_tally_opts *o, unsigned flags,
                              size_t kept_budget, struct snd_tally **out, char *errbuf,
                              size_t errlen);
/* The check of SND_TALLY_VERIFY alone, over the whole database (`tally
 * export` runs it before writing a record).  SND_EINVAL on a mismatch,
 * errbuf as above. */
enum snd_err snd_tally_check(struct snd_store *s, const struct snd_form *f, char *errbuf,
                             size_t errlen);
/* The token attributes the counted delegates of f carry, sorted, as one
 * malloc'ed ", "-joined string in *names (the caller frees; "" when none);
 * on pseudonymous forms without the ones that name people.  For a message
 * after SND_ENOTFOUND. */
enum snd_err snd_tally_attrs(struct snd_store *s, const struct snd_form *f, char **names,
                             char *errbuf, size_t errlen);
/* What the summary says beside its figures: delegates whose latest
 * revision was made with a revoked token (set aside, or counted under
 * SND_TALLY_INCLUDE_REVOKED), the roll's invited count (has_invited 0: no
 * roll), and whether the check ran. */
struct snd_tally_info {
	int64_t revoked;
	int64_t invited;
	int has_invited;
	int revoked_included;
	int verified;
};
void snd_tally_info(const struct snd_tally *t, struct snd_tally_info *out);
void snd_tally_free(struct snd_tally *t);
/* The summary object of snd_tally_summary; with lists 0 every "objections"
 * and "comments" array is left empty (snd_tally_each_item gives them). */
enum snd_err snd_tally_tree(struct snd_tally *t, int lists, cJSON **out);
/* The summary as pretty JSON (two-space indents, as `tally summary --format
 * json` has always printed it) and a newline, written to fp as it is made:
 * memory does not grow with the output.  SND_EIO when a write failed. */
enum snd_err snd_tally_write_json(struct snd_tally *t, FILE *fp);
/* The objections (position) or comments (text) of question qid in the whole
 * (group NULL) or in one --by group, in summary order, each passed to cb
 * with NUL-terminated strings valid during the call; entity is "" on
 * pseudonymous questionnaires, which must not show it.  cb returns nonzero
 * to stop.  SND_ENOTFOUND for an unknown question or group. */
typedef int (*snd_tally_item_cb)(void *ctx, const char *entity, const char *text);
enum snd_err snd_tally_each_item(struct snd_tally *t, const char *group, const char *qid,
                                 snd_tally_item_cb cb, void *ctx);
/* How many items snd_tally_each_item would give (0 for unknown ones). */
size_t snd_tally_count_items(struct snd_tally *t, const char *group, const char *qid);

/* Turnout for the chair's dashboard: {"delegates":N,"entities":M,
 * "by":{"category":{"VALUE":{"delegates":n,"entities":m},...},"sg":{...},
 * "region":{...}}} over the latest revisions (attributes from the tokens).
 * When the database holds the roll for f (turnout.c, invariant 4), also
 * "invited", "answered", "revoked", "rate" (null when invited is 0),
 * "missing_count" and, attributed forms only, "missing": the first
 * SND_TURNOUT_MISSING_MAX of who has not answered, [{"sub","entity"}] by
 * entity then id; and "invited", "answered" in every value of "by" (from
 * the roll's attributes).  Who answered on the roll is a revision made
 * with a link that is not revoked. */
#define SND_TURNOUT_MISSING_MAX 200
enum snd_err snd_tally_turnout(struct snd_store *s, const struct snd_form *f, cJSON **out,
                               char *errbuf, size_t errlen);

/* The roll's turnout (`tally turnout`; interface.md, "The roll, turnout
 * and mail"): {"questionnaire","invited","answered","revoked","rate",
 * ["groups":{VALUE:{"invited","answered","rate"}}],
 * ["missing":[{"sub","entity",ATTR:VALUE...}]]}.  invited: delegate ids
 * of role delegate on the roll; answered: those with a revision made with
 * a link that is not revoked; revoked: the others whose every link is
 * revoked; rate: answered / invited (null when 0).  groups (by set) per
 * value of a roll attribute or "entity", multi-valued attributes split on
 * ';' as in --by, "(none)" for delegates without it, natural order.
 * missing (missing set): invited delegates neither answered nor revoked,
 * by entity then id, with the newest link's attributes.
 * Errors (message in errbuf): SND_ENOTFOUND when the database has no roll
 * for f, or no delegate on it has attribute by (the message names those
 * that exist); SND_EINVAL for missing or by "entity" on a pseudonymous
 * form (identities are never shown).  *out (caller deletes) on SND_OK. */
struct snd_turnout_opts {
	const char *by;      /* NULL: no groups */
	int missing;         /* list who has not answered */
};
enum snd_err snd_turnout_roll(struct snd_store *s, const struct snd_form *f,
                              const struct snd_turnout_opts *o, cJSON **out, char *errbuf,
                              size_t errlen);

/* ---------------------------------------- rounds (trend.c, register.c)
 * A sounding across meetings: forms of one "series", each a "round", the
 * later ones naming their "previous" round; questions matched by id, or
 * by "was" to the previous round's id. */

/* SND_OK when forms[0..n) (n >= 1) are rounds of one series in strictly
 * increasing round order; else SND_EINVAL with the problem in errbuf. */
enum snd_err snd_series_order(const struct snd_form *const *forms, size_t n, char *errbuf,
                              size_t errlen);
/* The checks across files of `collector check`: every "previous" names
 * another of forms[0..n) of the same series and an earlier round, every
 * "was" names a question of that previous round, no two questions
 * continue the same one, no two forms share an id.  Problems go to
 * diags[i] (one diag per form) as (JSON path, message). */
void snd_series_check(const struct snd_form *const *forms, size_t n, struct snd_diag *diags);

/* The objection register (register.c).  Statuses in output order. */
enum snd_objection_status {
	SND_OBJ_SUSTAINED,  /* objects in the last round and the one before */
	SND_OBJ_NEW,        /* objects in the last round, not the one before */
	SND_OBJ_SILENT,     /* objected before, no answer in the last round */
	SND_OBJ_WITHDRAWN,  /* objected before, answered otherwise in the last round */
	SND_OBJ__MAX
};
extern const char *const snd_objection_status_names[SND_OBJ__MAX];

struct snd_register_round {
	int answered;                /* the entity answered the question in this round */
	enum snd_position position;  /* when answered: object when any of its delegates
	                              * objects, else the most reserved one taken */
	char *reason;                /* object: its delegates' distinct reasons, one per
	                              * line; else NULL */
};

struct snd_register_entry {
	char *question;              /* the question's id in the last round asking it */
	char *entity;                /* NULL in a pseudonymous register */
	size_t count;                /* entities this entry stands for (1; pseudonymous: more) */
	enum snd_objection_status status;
	struct snd_register_round *rounds; /* one per round (NULL when pseudonymous) */
	/* The chair's record of this objection (its disposition), or NULL.  The
	 * register never fills it: a caller that has the record sets it (a
	 * cJSON the register then owns and frees) before snd_register_json,
	 * which writes it as "disposition" (null when NULL). */
	cJSON *disposition;
	size_t track_;               /* internal: the question's place across rounds */
};

struct snd_register {
	size_t nrounds;
	char **round_ids;            /* questionnaire id of each round */
	int *round_numbers;          /* its "round" */
	int pseudonymous;            /* any round is: entries carry counts, no entities */
	struct snd_register_entry *entries; /* sorted: status, question, entity */
	size_t n;
};

/* Builds the register of forms[0..n) (snd_series_order's rule) from the
 * revision that counts for each delegate (snd_store_each_counted: revoked
 * ones set aside).  On SND_OK *out is the caller's
 * (snd_register_free); errors as snd_tally_run's, errbuf saying why. */
enum snd_err snd_register_build(struct snd_store *s, const struct snd_form *const *forms,
                                size_t n, struct snd_register **out, char *errbuf,
                                size_t errlen);
void snd_register_free(struct snd_register *r);
/* The entry of (question, entity) (entity NULL: a pseudonymous entry's
 * first), or NULL; the hook for the chair's dispositions. */
struct snd_register_entry *snd_register_find(struct snd_register *r, const char *question,
                                             const char *entity);
/* Fills each entry's disposition with the latest disposition the chairs
 * recorded for (question, entity) on the last round's questionnaire
 * (snd_store_each_disposition): {"status","note","by","at"}.  Nothing on a
 * pseudonymous register.  SND_OK, or the store's error / SND_ENOMEM. */
enum snd_err snd_register_fill_dispositions(struct snd_register *r, struct snd_store *s);
/* The register as the "objections" array of interface.md: entries
 * {"question","entity","status","rounds":[{"round","questionnaire",
 * "position","reason"}],"disposition"}; pseudonymous ones
 * {"question","status","count","disposition"}.  NULL when out of memory. */
cJSON *snd_register_json(const struct snd_register *r);
/* The register's rounds: [{"round","questionnaire"}...]; NULL when out of
 * memory. */
cJSON *snd_register_rounds_json(const struct snd_register *r);

/* The trend of interface.md: {"series","weight","rounds":[QID...],
 * "responses":[N...],"questions":[{"id","type","rounds":[summary|null...],
 * "change":{...}|null}],["by","groups":{VALUE:{"responses","questions"}}],
 * "objections":[register]}, each round tallied once by the engine with o
 * and flags (snd_tally_run_ex's: SND_TALLY_VERIFY checks before counting).
 * reg: the register to show (with its dispositions), or NULL to build one.
 * On SND_OK *out is the caller's (cJSON_Delete). */
enum snd_err snd_trend_build(struct snd_store *s, const struct snd_form *const *forms, size_t n,
                             const struct snd_tally_opts *o, unsigned flags,
                             const struct snd_register *reg, cJSON **out, char *errbuf,
                             size_t errlen);

/* ------------------------------------------------ summary CSV (summary.c)
 * The one writer of a summary as CSV, shared by `tally summary --format
 * csv` and the chair's download so both give the same bytes. */

/* A number as JSON would print it: integers bare, other values with the
 * fewest significant digits (15..17) that read back exactly; "null" when
 * not finite. */
void snd_num_exact(char out[40], double v);
/* Appends summary (of snd_tally_summary, for form f) in long format: the
 * header group,question,type,item,measure,value, then one CRLF row per
 * (group, question, item, measure), every cell through snd_buf_csv,
 * numbers by snd_num_exact.  Entities are left out of objections and
 * comments of pseudonymous questionnaires.  SND_ENOMEM when out failed. */
enum snd_err snd_summary_csv(struct snd_buf *out, const struct snd_form *f,
                             const cJSON *summary);
/* The same bytes for a finished tally, written to fp as they are made (the
 * objections and comments straight from snd_tally_each_item, never held).
 * SND_EIO when a write failed. */
enum snd_err snd_summary_csv_write(FILE *fp, const struct snd_form *f, struct snd_tally *t);

/* ---------------------------------------------------- report (report*.c)
 * HTML with inline SVG charts for summaries: shared by `tally report` and
 * the collector's chair dashboard so both show the same charts.  No
 * external requests, no script; every string escaped; numbers as fmt.c
 * shows them; deterministic bytes for the same input. */

/* One question's summary (an element of summary["questions"]) as an HTML
 * <section> with its chart and figures; labels from f in language lang. */
void snd_report_question(struct snd_buf *out, const struct snd_form *f, int lang,
                         const cJSON *qsum);
/* The same with at most max_items objections or comments listed (0: all);
 * a longer list ends with "N of M shown" and, when more_href is not NULL,
 * a link to it (the chair dashboard's link to the full list). */
void snd_report_question_capped(struct snd_buf *out, const struct snd_form *f, int lang,
                                const cJSON *qsum, size_t max_items, const char *more_href);
/* The chair's record of question qid (report_record.c): its outcome and the
 * dispositions of its objections from summary's "outcomes" and
 * "dispositions", in language lang; nothing when it has none. */
void snd_report_record(struct snd_buf *out, const struct snd_form *f, int lang,
                       const cJSON *summary, const char *qid);
/* The CSS the fragments need (screen + print); a static string. */
const char *snd_report_css(void);
/* The whole self-contained report: title, turnout (may be NULL), every
 * question, the groups of a --by breakdown when present. */
enum snd_err snd_report_html(struct snd_buf *out, const struct snd_form *f, int lang,
                             const cJSON *summary, const cJSON *turnout);
/* The objection register as a <section> (heading id hid, or none when
 * NULL): objections is snd_register_json's array, rounds an array of
 * {"round": N} (one per round, for the column heads; the register's
 * rounds).  Sustained first, as the register orders it; question texts
 * from f (the last round's form).  A report shows it when its summary
 * holds "register" (and "register_rounds"): `tally report --previous`. */
void snd_report_register(struct snd_buf *out, const struct snd_form *f, int lang,
                         const cJSON *objections, const cJSON *rounds, const char *hid);
/* What the report's head says about time: when it was made, and the
 * questionnaire's effective schedule (snd_store_effective_window) then.
 * The caller reads the clock, so the report stays a pure function of its
 * inputs (`tally report` takes SOURCE_DATE_EPOCH when set). */
struct snd_report_when {
	int64_t made;                     /* Unix seconds */
	const struct snd_window *window;  /* NULL: the schedule is not shown */
};
/* snd_report_html with a head line "Made 2026-12-07 10:15 UTC · Open until
 * ..." (Closed since ..., Opens ...) in the report's language; when NULL,
 * exactly snd_report_html's bytes. */
enum snd_err snd_report_page(struct snd_buf *out, const struct snd_form *f, int lang,
                             const cJSON *summary, const cJSON *turnout,
                             const struct snd_report_when *when);

#endif /* SOUNDING_TALLY_H */
