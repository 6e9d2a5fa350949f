/* sounding.h - the public interface of libsounding, the one library that both
 * `collector` and `tally` link.
 *
 * Module map (one concern per file pair):
 *   buf.c     capped growable buffers; HTML/JSON/CSV escaping; UTF-8 checks
 *   fmt.c     numbers for people: counts, shares, statistics (snd_fmt_*)
 *   log.c     the one logging entry point; redacts tokens, keys and answers
 *   json.c    guarded JSON parsing of untrusted text (caps, UTF-8, duplicates)
 *   jdoc.c    the strict flat reader of known shapes (json_int.h)
 *   encoding.c base64url and RFC 3339 times (token_int.h: shared with
 *             keys.c and paseto.c)
 *   keys.c    Ed25519 key pairs, PASERK keys, key files
 *   paseto.c  PASETO v4.public sign and verify
 *   claims.c  the token claim set: parse, check times, write as JSON
 *   canon.c   RFC 8785 canonical JSON and SHA-256 hashes of answers
 *   sha256_many.c  many SHA-256 at once (16 AVX-512 lanes): the tally's check
 *             (sha256_int.h: the message padding it shares with canon.c)
 *   form.c    questionnaire JSON -> immutable form: entry points, top-level
 *             keys, problems (form_int.h: what the form files share)
 *   form_question.c  sections, questions by type, show_if
 *   form_lang.c      labels, languages, drafts, Accept-Language
 *   answers.c answer validation against a form (snd_form_check_answers)
 *   urlenc.c  application/x-www-form-urlencoded parsing; form post -> answers
 *   store.c   SQLite schema, migrations, the statement table, open/close
 *             (store_int.h: struct snd_store, shared by the store files)
 *   store_write.c  batches, append/import, hash chain, receipts, checkpoints
 *   store_read.c   scans: latest rows, every revision, counts, tally walk
 *   store_sched.c  revocations and the schedule (open/close overrides)
 *   store_roll.c   the roll (who was invited) and the mail log
 *   store_draft.c  drafts: partial answers outside the chain
 *   tally.c   the tally engine: layout, scopes, snd_tally_run (tally_int.h);
 *             tally_rows.c adds up a row, tally_groups.c the --by groups,
 *             tally_stream.c the reader and worker thread, tally_json.c the
 *             summary as a tree or streamed JSON, tally_maps.c arena and map
 *   measures.c the measures as pure functions over counts (measures.h):
 *             Tastle-Wierman, medians, Borda, Schulze, Condorcet
 *   turnout.c turnout by category, sg and region (snd_tally_turnout), and
 *             against the roll (snd_turnout_roll)
 *   scan.c    the strict scanner of stored answers, the tally's hot path (scan.h)
 *   kept.c    the tally's objections and comments: budgeted, sorted runs (kept.h)
 *   summary.c the summary as CSV (tally and the chair's download)
 *   mail.c    invitation and reminder messages: templates, RFC 5322/2047/2045
 *   report*.c the HTML report and the chair's charts: report.c the page,
 *             report_questions.c + report_scale.c one question per type,
 *             report_charts.c SVG/HTML primitives, report_i18n.c the words
 *             (report_int.h: what they share)
 *
 * Conventions (see docs/ and style): every fallible function returns
 * enum snd_err (SND_OK == 0) and hands results back through out-parameters;
 * on failure the out-parameters are left untouched unless said otherwise.
 * Every destructor accepts NULL.  Strings are NUL-terminated UTF-8 unless a
 * length is passed with them.  Ownership is stated per function.
 */
#ifndef SOUNDING_H
#define SOUNDING_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#define SND_VERSION "0.1.0"

/* ---------------------------------------------------------------- errors */

enum snd_err {
	SND_OK = 0,
	SND_ENOMEM,     /* allocation failed, or a capped buffer hit its cap */
	SND_EINVAL,     /* the input is invalid (details in a diag or errbuf) */
	SND_EIO,        /* a file could not be read or written */
	SND_ETOKEN,     /* a token is malformed (not v4.public, bad base64...) */
	SND_ESIG,       /* a signature does not verify */
	SND_EEXPIRED,   /* a token's exp has passed */
	SND_ENOTYET,    /* a token's nbf is in the future */
	SND_EAUDIENCE,  /* a token is for another questionnaire */
	SND_EREVOKED,   /* a token was revoked */
	SND_EDB,        /* the database failed (message from SQLite in errbuf) */
	SND_EBUSY,      /* the database is locked or the queue is full */
	SND_ETOOBIG,    /* an input passed its size cap */
	SND_ENOTFOUND,  /* nothing stored under that key */
	SND_EEXIST,     /* refusing to overwrite */
	SND_ECLOSED,    /* the questionnaire is not open (before opens/after closes) */
	SND_ELIMIT,     /* a configured limit refuses it (the delegate's revisions) */
	SND_ERR__MAX
};

/* A short English name of the error ("invalid input"); never NULL. */
const char *snd_strerror(enum snd_err e);

/* ------------------------------------------------------------ buffers (buf.c)
 * A growable byte buffer with a hard cap.  Once an append would pass the cap
 * or an allocation fails, the buffer is marked failed and every later append
 * is a no-op returning SND_ENOMEM; the contents stay NUL-terminated. */

struct snd_buf {
	char *data;   /* NUL-terminated; NULL until the first append */
	size_t len;   /* bytes used, without the NUL */
	size_t cap;   /* bytes allocated */
	size_t max;   /* hard cap on len; 0 means SND_BUF_DEFAULT_MAX */
	int failed;   /* sticky: an append failed */
};

#define SND_BUF_DEFAULT_MAX ((size_t)64 << 20)

void snd_buf_init(struct snd_buf *b, size_t max);
void snd_buf_free(struct snd_buf *b);           /* frees data; b reusable */
void snd_buf_reset(struct snd_buf *b);          /* len = 0, keeps memory */
/* Hands the data to the caller (free() it) and resets b.  Never NULL: an
 * empty buffer yields "" (allocated). Returns NULL only on failure. */
char *snd_buf_steal(struct snd_buf *b, size_t *len);
enum snd_err snd_buf_append(struct snd_buf *b, const void *p, size_t n);
enum snd_err snd_buf_puts(struct snd_buf *b, const char *s);
enum snd_err snd_buf_putc(struct snd_buf *b, char c);
enum snd_err snd_buf_printf(struct snd_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum snd_err snd_buf_vprintf(struct snd_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* HTML text and attribute escaping (& < > " ' escaped).  Bidi controls
 * (U+202A..U+202E, U+2066..U+2069) are shown as visible inert markers like
 * "[U+202E]" so free text cannot reorder what surrounds it. */
enum snd_err snd_buf_html(struct snd_buf *b, const char *s);
/* snd_buf_html for the text an editable control starts with (a textarea's
 * content): a bidi control becomes a character reference ("&#x202E;")
 * instead of a marker, so saving the form again does not change the text
 * (inside a control it can only reorder the delegate's own words). */
enum snd_err snd_buf_html_value(struct snd_buf *b, const char *s);
/* A JSON string literal with quotes (control chars as \u00XX). */
enum snd_err snd_buf_json_str(struct snd_buf *b, const char *s);
/* One RFC 4180 CSV field: quoted when needed; a cell starting with
 * = + - @ TAB CR LF or full-width = + - @ (U+FF1D U+FF0B U+FF0D U+FF20),
 * also after leading blanks (space, U+00A0, U+3000), is prefixed with ' to
 * defuse spreadsheet formulas (a plain negative number stays bare); bidi
 * controls become visible markers "[U+202E]" as in snd_buf_html. */
enum snd_err snd_buf_csv(struct snd_buf *b, const char *s);

/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF)
 * and contains no NUL byte; 0 otherwise.  On 0, *bad_at (if not NULL) gets
 * the offset of the first bad byte. */
int snd_utf8_valid(const char *s, size_t n, size_t *bad_at);
/* Length of the valid multi-byte UTF-8 sequence starting s[0..n) (2..4), or
 * 0 (ASCII bytes, overlongs, surrogates, past U+10FFFF, truncated). */
size_t snd_utf8_seq(const unsigned char *s, size_t n);

/* Reads a whole file into a NUL-terminated malloc'ed buffer (caller frees),
 * refusing files over max bytes with SND_ETOOBIG. */
enum snd_err snd_read_file(const char *path, size_t max, char **out, size_t *len);

/* Writes data to path atomically (temp file in the same dir, fsync, rename)
 * with the given mode; refuses to replace an existing file when excl. */
enum snd_err snd_write_file(const char *path, const void *data, size_t len,
                            unsigned mode, int excl);

/* ------------------------------------------------------------ logging (log.c)
 * One entry point.  Everything logged passes a redaction filter: PASETO
 * tokens (v4.*), PASERK keys (k4.*) and /t/<token> paths become
 * "[redacted]".  Callers must still never pass answers or free text. */

enum snd_log_level { SND_LOG_DEBUG, SND_LOG_INFO, SND_LOG_WARN, SND_LOG_ERROR, SND_LOG__MAX };

void snd_log_set_level(enum snd_log_level min);
/* Writes "TIME LEVEL message\n" to stderr with one write(2), thread-safe. */
void snd_log(enum snd_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Redacts secrets in s (in place, shrinking it); exposed for tests. */
void snd_log_redact(char *s);

/* ----------------------------------------------------------- diagnostics
 * A list of (where, message) pairs: for form files `where` is a JSON path
 * like "$.sections[0].questions[2].id"; for answers it is a question id. */

struct snd_diag_item {
	char *where;
	char *msg;
};

struct snd_diag {
	struct snd_diag_item *items;
	size_t n, cap;
};

void snd_diag_init(struct snd_diag *d);
void snd_diag_free(struct snd_diag *d);
/* Appends a copy of where and the formatted message.  Allocation failures
 * are absorbed (the item is dropped) so reporting never fails. */
void snd_diag_add(struct snd_diag *d, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The message for `where`, or NULL. */
const char *snd_diag_find(const struct snd_diag *d, const char *where);

/* ------------------------------------------------------------ JSON (json.c)
 * cJSON parsing fenced for untrusted text: the text must be valid UTF-8
 * without NUL bytes (and without "\u0000" escapes), at most `max_len` bytes
 * and `max_depth` levels deep (checked before cJSON recurses), objects may
 * not repeat a key, and the whole text must be one value (trailing space
 * only).  On failure errbuf says where ("line 3, column 7: ...") and *out is
 * untouched. */

#define SND_JSON_MAX_DEPTH 32

enum snd_err snd_json_parse(const char *text, size_t len, size_t max_len, int max_depth,
                            cJSON **out, char *errbuf, size_t errlen);

/* ------------------------------------------------- display numbers (fmt.c)
 * How numbers are shown to people (chair page, report, tally text/Markdown):
 * one place, so they never drift apart.  `dec` is the decimal separator of
 * the output language (snd_fmt_decimal); '.' gives C-locale printf bytes.
 * Absent or non-finite values show as an em dash (a share as 0.0%). */

#define SND_FMT_LEN 48

/* ',' for fr, es, ru; '.' otherwise (and for NULL). */
char snd_fmt_decimal(const char *lang);
/* A count: integral values bare ("12"), weights with two decimals ("1.50"). */
void snd_fmt_count(char out[SND_FMT_LEN], double v, char dec);
/* A share in [0,1] as a percentage with one decimal: "37.5%"; with a
 * decimal comma, a no-break space (U+00A0) before the sign: "37,5 %". */
void snd_fmt_pct(char out[SND_FMT_LEN], double share, char dec);
/* A statistic (mean, consensus): two decimals, or a dash when !defined. */
void snd_fmt_stat(char out[SND_FMT_LEN], double v, int defined, char dec);
/* An answer value (a number question's min/max/median): integers bare,
 * else six significant digits; a dash when !defined. */
void snd_fmt_value(char out[SND_FMT_LEN], double v, int defined, char dec);
/* Typed reads of a summary object: NULL / 0 when absent or mistyped
 * (snd_json_num also refuses non-finite numbers). */
const char *snd_json_str(const cJSON *o, const char *key);
int snd_json_num(const cJSON *o, const char *key, double *out);
double snd_json_num0(const cJSON *o, const char *key);

/* The rest of the interface, one concern per header, in dependency order. */
#include "snd_crypto.h"
#include "snd_csv.h"
#include "snd_form.h"
#include "snd_store.h"
#include "snd_tally.h"

#endif /* SOUNDING_H */
