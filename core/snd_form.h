/* snd_form.h - part of the public interface of libsounding: questionnaires (form*.c), answer checks (answers.c) and urlencoded bodies (urlenc.c).
 * Included by sounding.h (include that, never this file directly): split
 * out so that each header stays one room a reader can hold. */
#ifndef SOUNDING_FORM_H
#define SOUNDING_FORM_H

#ifndef SOUNDING_H
#error "include sounding.h, not snd_form.h"
#endif

/* ------------------------- forms (form.c, form_question.c, form_lang.c) */

enum snd_qtype {
	SND_Q_SINGLE, SND_Q_MULTI, SND_Q_SCALE, SND_Q_MATRIX,
	SND_Q_RANK, SND_Q_POSITION, SND_Q_NUMBER, SND_Q_TEXT, SND_Q__MAX
};
extern const char *const snd_qtype_names[SND_Q__MAX];

enum snd_position { SND_POS_SUPPORT, SND_POS_LIVE_WITH, SND_POS_OBJECT, SND_POS_ABSTAIN, SND_POS__MAX };
extern const char *const snd_position_names[SND_POS__MAX]; /* "support", "live_with", ... */

enum snd_anonymity { SND_ATTRIBUTED, SND_PSEUDONYMOUS, SND_ANON__MAX };

#define SND_FORM_MAX_LANGS 16
#define SND_ID_MAX 64

/* "results" of a form: who may see the tally besides the chairs.  chairs:
 * nobody else; after_close: delegates with a token for it, once the
 * questionnaire's effective window has closed; live: those delegates at any
 * time. */
enum snd_results { SND_RESULTS_CHAIRS, SND_RESULTS_AFTER_CLOSE, SND_RESULTS_LIVE, SND_RESULTS__MAX };
extern const char *const snd_results_names[SND_RESULTS__MAX];

/* A label in every language of the form: text[i] for languages[i]; missing
 * translations already fall back to the default language at load time, so
 * text[i] is never NULL for a present label. */
struct snd_label {
	char **text;
};

struct snd_option {
	char *id;
	struct snd_label label;
};

struct snd_question {
	char *id;
	enum snd_qtype type;
	int required;
	size_t section;              /* index into form->sections */
	struct snd_label text;
	struct snd_label help;       /* optional; text NULL when absent */
	struct snd_option *options;  /* single, multi, rank */
	size_t noptions;
	struct snd_option *rows;     /* matrix */
	size_t nrows;
	/* multi/rank: min/max counts (defaults 0/noptions; rank min 1);
	 * scale/matrix: the scale's ends */
	int min, max;
	struct snd_label *scale_labels; /* scale/matrix: [max - min + 1], text NULL when unlabelled */
	int no_view;                 /* scale/matrix: a "no view" answer (null) is offered */
	double nmin, nmax;           /* number bounds */
	int integer;                 /* number: integers only */
	size_t max_length;           /* text: in Unicode code points; default 2000; position reason too */
	/* show_if: applies only when question show_if_q's answer matches one of
	 * show_if_values (option ids, position names or scale points as text). */
	int show_if_q;               /* index into form->questions, -1 when none */
	char **show_if_values;
	size_t nshow_if_values;
	/* "was": this question's id in the previous round (a renamed
	 * question), or NULL when it kept its id (or is new). */
	char *was;
};

struct snd_section {
	char *id;
	struct snd_label title;
	struct snd_label intro;      /* optional */
	size_t first, count;         /* its questions: form->questions[first..first+count) */
};

/* Immutable once loaded; safe to share between threads. */
struct snd_form {
	char *id;
	char **languages;            /* languages[0] is the default */
	size_t nlanguages;
	char **draft_languages;      /* languages whose texts are drafts (translations) */
	size_t ndraft_languages;
	struct snd_label title, intro;
	int64_t opens, closes;       /* Unix seconds */
	int has_opens, has_closes;
	enum snd_anonymity anonymity;
	/* Rounds: "series" (an id shared by the rounds, NULL when the form
	 * stands alone), "round" (>= 1 with a series, else 0), "previous"
	 * (the previous round's questionnaire id, or NULL; never on round 1). */
	char *series;
	int round;
	char *previous;
	enum snd_results results;    /* "results": who sees the tally (default chairs) */
	char **public_attributes;    /* "public_attributes": what --by may name (pseudonymous) */
	size_t npublic_attributes;
	int min_group;               /* "min_group": smaller groups show no figures */
	struct snd_section *sections;
	size_t nsections;
	struct snd_question *questions; /* all questions, in form order */
	size_t nquestions;
	char *source;                /* the file's JSON text, NUL-terminated */
	size_t source_len;
	char source_hash[65];        /* SHA-256 hex of source */
};

#define SND_FORM_MAX_BYTES ((size_t)4 << 20)

/* Loads and fully validates a questionnaire.  `name` (the file name) starts
 * every diagnostic.  On SND_EINVAL every problem found is in diag as
 * (JSON path, message); *out is set only on SND_OK (free with snd_form_free). */
enum snd_err snd_form_load(const char *path, struct snd_form **out, struct snd_diag *diag);
enum snd_err snd_form_parse(const char *json, size_t len, const char *name,
                            struct snd_form **out, struct snd_diag *diag);
void snd_form_free(struct snd_form *f);

/* Index of the question with that id, or -1. */
int snd_form_question(const struct snd_form *f, const char *id);
/* 1 when attribute `name` may be shown (as --by, in exports, on the chair
 * page): any attribute but "entity" of an attributed form; on a
 * pseudonymous form only those its "public_attributes" lists. */
int snd_form_attr_public(const struct snd_form *f, const char *name);
/* The public attributes as "region, category" (or "none"), for messages. */
const char *snd_form_public_list(const struct snd_form *f, char *buf, size_t len);
/* Index of a language code in f->languages, or -1. */
int snd_form_lang(const struct snd_form *f, const char *code);
/* Picks a language from an Accept-Language header value (q-values honoured),
 * falling back to 0. */
int snd_form_lang_accept(const struct snd_form *f, const char *accept_language);
/* SND_OK when open at `now`, else SND_ECLOSED. */
enum snd_err snd_form_is_open(const struct snd_form *f, int64_t now);

/* Validates an answers object (shapes of interface.md).  On SND_OK *clean is
 * a new object (caller cJSON_Delete's it) holding only the answers that apply
 * (show_if), in form order, unanswered questions omitted.  On SND_EINVAL
 * errs maps each bad question id (or "$" for the whole) to a reason a
 * delegate can act on, and *clean is untouched. */
enum snd_err snd_form_check_answers(const struct snd_form *f, const cJSON *answers,
                                    cJSON **clean, struct snd_diag *errs);
/* The same for a draft: every check but completeness (required questions,
 * every row of a required matrix, a multi's or rank's fewest choices, an
 * objection's reason), so partial answers can be kept; a value that is
 * wrong (type, option id, range, length) is still an error, and show_if
 * still drops the answers of questions that do not apply. */
enum snd_err snd_form_check_draft(const struct snd_form *f, const cJSON *answers, cJSON **clean,
                                  struct snd_diag *errs);

/* The whole of a JSON API submission's body in one pass, without a cJSON
 * tree: body[0..len) parsed as snd_json_parse(body, len, max_len,
 * SND_JSON_MAX_DEPTH) would, its "answers" member checked as
 * snd_form_check_answers would, and the canonical JSON of the clean answers
 * appended to canon with its SHA-256 hex in hex, as snd_answers_hash
 * would.  SND_OK only when that sequence succeeds, and then with the same
 * bytes.  Any other outcome (malformed JSON, no {"answers":{...}}, invalid
 * answers, or input this path does not take, such as a byte order mark)
 * is SND_EINVAL with nothing explained: run the general sequence for the
 * status and the reasons.  SND_ENOMEM when canon failed.  On failure canon
 * is as it was. */
enum snd_err snd_answers_from_body(const struct snd_form *f, const char *body, size_t len,
                                   size_t max_len, struct snd_buf *canon, char hex[65]);
/* The same, the hash salted with salt (NULL: unsalted) as
 * snd_answers_digest: the collector's hot path (one more 16-byte update). */
enum snd_err snd_answers_from_body_salted(const struct snd_form *f, const char *body, size_t len,
                                          size_t max_len, const uint8_t *salt,
                                          struct snd_buf *canon, char hex[65]);

/* -------------------------------------------------- urlencoded (urlenc.c) */

/* Made only by snd_urlenc_parse: name and value share one allocation,
 * which snd_kvlist_free releases (never free them one by one). */
struct snd_kv {
	char *name;
	char *value;
};

struct snd_kvlist {
	struct snd_kv *items;
	size_t n, cap;
};

#define SND_URLENC_MAX_FIELDS 1024

/* Parses application/x-www-form-urlencoded text ('+' is space, %XX).
 * Rejects invalid %-escapes, decoded NUL bytes, invalid UTF-8 and more than
 * SND_URLENC_MAX_FIELDS fields; errbuf says which field. */
enum snd_err snd_urlenc_parse(const char *body, size_t len, struct snd_kvlist *out,
                              char *errbuf, size_t errlen);
void snd_kvlist_free(struct snd_kvlist *l);
const char *snd_kvlist_get(const struct snd_kvlist *l, const char *name);
/* The name of the first field sent more than once, or NULL when none was.
 * A form post's fields are single-valued except a `multi` question's (its
 * id, repeated once per checked option): with f not NULL those may repeat;
 * with f NULL no field may.  Sorts a copy of the names (O(n log n), n at
 * most SND_URLENC_MAX_FIELDS, no allocation). */
const char *snd_kvlist_repeated(const struct snd_kvlist *l, const struct snd_form *f);

/* Turns the fields of an HTML form post into an answers object of
 * interface.md shapes.  Field names (also used by the collector's pages):
 *   single, scale, number, text, position:  <qid>
 *   multi:       <qid> repeated, one per checked option
 *   scale "no view": value "none"
 *   matrix:      <qid>.<rowid> = point | "none"
 *   rank:        <qid>.<optid> = place "1".."n" or "" (unranked)
 *   position:    <qid> = support|live_with|object|abstain, <qid>.reason
 * Empty values mean "not answered".  Fields starting with "_" (such as
 * _csrf, _lang) are ignored.  Conversion errors (e.g. "12x" for a number,
 * two options ranked 2nd) go to errs by question id; the shape checks and
 * required rules are snd_form_check_answers' job.  *answers is always set on
 * SND_OK and SND_EINVAL so a 422 page can be refilled from it. */
enum snd_err snd_form_answers_from_post(const struct snd_form *f, const struct snd_kvlist *fields,
                                        cJSON **answers, struct snd_diag *errs);

#endif /* SOUNDING_FORM_H */
