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

/* ------------------- tokens (encoding.c, keys.c, paseto.c, claims.c) */

#define SND_PK_BYTES 32
#define SND_SK_BYTES 64
/* "k4.public." + 43 base64url chars; "k4.secret." + 86 */
#define SND_PASERK_PUBLIC_LEN 53
#define SND_PASERK_SECRET_LEN 96
/* "k4.pid." + 44 base64url chars (BLAKE2b-264 of the PASERK public string) */
#define SND_PASERK_PID_LEN 51
/* Caps on untrusted token input: a whole token (and so its payload), one
 * claim string (aud, sub, jti, ent, an attrs key or value), attrs entries. */
#define SND_TOKEN_MAX_LEN 8192
#define SND_CLAIM_MAX_LEN 1024
#define SND_CLAIMS_MAX_ATTRS 64

/* base64url without padding (RFC 4648 section 5).  encode returns a malloc'ed
 * string; decode rejects padding, whitespace and non-canonical trailing bits. */
char *snd_b64url_encode(const uint8_t *p, size_t n);
enum snd_err snd_b64url_decode(const char *s, size_t n, uint8_t **out, size_t *outlen);

/* RFC 3339 times <-> Unix seconds (UTC).  parse accepts "Z" or +hh:mm
 * offsets and fractional seconds (truncated); format writes
 * "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
enum snd_err snd_time_parse(const char *s, int64_t *out);
void snd_time_format(int64_t t, char out[21]);

/* Key generation and PASERK strings.  Secret key material is wiped with
 * sodium_memzero by every function that copies it. */
enum snd_err snd_keypair(uint8_t pk[SND_PK_BYTES], uint8_t sk[SND_SK_BYTES]);
void snd_paserk_public(const uint8_t pk[SND_PK_BYTES], char out[SND_PASERK_PUBLIC_LEN + 1]);
void snd_paserk_secret(const uint8_t sk[SND_SK_BYTES], char out[SND_PASERK_SECRET_LEN + 1]);
/* k4.pid.<...> of a public key: the kid in token footers. */
void snd_paserk_pid(const uint8_t pk[SND_PK_BYTES], char out[SND_PASERK_PID_LEN + 1]);
/* Parses "k4.public.<b64>" or 64 hex digits (surrounding whitespace ok). */
enum snd_err snd_paserk_parse_public(const char *s, uint8_t pk[SND_PK_BYTES]);
/* Parses "k4.secret.<b64>"; checks the embedded public half matches. */
enum snd_err snd_paserk_parse_secret(const char *s, uint8_t sk[SND_SK_BYTES]);
/* Loads a key given as a PASERK string / hex, or a path to a file holding
 * one.  errbuf names the file and what is wrong. */
enum snd_err snd_key_load_public(const char *arg, uint8_t pk[SND_PK_BYTES], char *errbuf, size_t errlen);
enum snd_err snd_key_load_secret(const char *path, uint8_t sk[SND_SK_BYTES], char *errbuf, size_t errlen);

/* PASETO v4.public.  sign: *out is a malloc'ed token; footer and implicit
 * may be NULL (= empty).  verify: checks the header, base64url, length and
 * the Ed25519 signature over PAE(h, m, f, i); on success *payload and
 * *footer (malloc'ed, NUL-terminated, either may be passed as NULL to skip)
 * receive the message and footer.  No claim is looked at here. */
enum snd_err snd_paseto_sign(const uint8_t sk[SND_SK_BYTES], const char *payload, size_t plen,
                             const char *footer, const char *implicit, char **out);
enum snd_err snd_paseto_verify(const uint8_t pk[SND_PK_BYTES], const char *token, size_t tlen,
                               const char *implicit, char **payload, size_t *plen,
                               char **footer);
/* snd_paseto_verify that also writes why a token was refused, in plain
 * words ("wrong version or purpose: ...", "the footer is not valid
 * base64url", "the signature does not verify ..."), into errbuf. */
enum snd_err snd_paseto_verify_why(const uint8_t pk[SND_PK_BYTES], const char *token,
                                   size_t tlen, const char *implicit, char **payload,
                                   size_t *plen, char **footer, char *errbuf, size_t errlen);

enum snd_role { SND_ROLE_DELEGATE, SND_ROLE_CHAIR, SND_ROLE__MAX };
extern const char *const snd_role_names[SND_ROLE__MAX];

struct snd_attr {
	char *key;
	char *value;
};

/* The claim set of interface.md.  All strings owned by the struct. */
struct snd_claims {
	char *aud;            /* questionnaire id */
	char *sub;            /* delegate id */
	char *jti;            /* token id */
	char *ent;            /* entity */
	enum snd_role role;
	struct snd_attr *attrs; /* in payload order */
	size_t nattrs;
	int64_t iat, nbf, exp; /* Unix seconds; 0 when absent (iat) */
	int has_nbf, has_exp;
};

/* Parses and checks the claim set: required aud, sub, jti, role, ent;
 * attrs string->string; times RFC 3339.  errbuf names the claim at fault. */
enum snd_err snd_claims_parse(const char *payload, size_t len, struct snd_claims *c,
                              char *errbuf, size_t errlen);
/* SND_OK, SND_EEXPIRED or SND_ENOTYET against `now` (Unix seconds), with
 * 60 s of clock skew allowed. */
enum snd_err snd_claims_check_time(const struct snd_claims *c, int64_t now);
const char *snd_claims_attr(const struct snd_claims *c, const char *key);
void snd_claims_free(struct snd_claims *c);
/* Serialises claims to the JSON payload (malloc'ed). */
char *snd_claims_json(const struct snd_claims *c);

/* ------------------------------------------------------------ CSV (csv.c)
 * An RFC 4180 reader for delegate lists: fields separated by ',' (or, with
 * snd_csv_parse_sep, by ';' or TAB as spreadsheets export them), records by
 * CRLF, LF or a lone CR; quoted fields may hold the separator, '"' (as "")
 * and line breaks.  A UTF-8 BOM at the start is skipped; completely empty lines are
 * skipped.  The whole text must be valid UTF-8 without NUL bytes.  Rows may
 * differ in field count (the caller decides what a short row means). */

#define SND_CSV_MAX_BYTES ((size_t)16 << 20)
#define SND_CSV_MAX_ROWS 100000
#define SND_CSV_MAX_FIELDS 256
#define SND_CSV_MAX_FIELD_LEN 65536

struct snd_csv_row {
	char **fields;   /* nfields NUL-terminated strings */
	size_t nfields;
	size_t line;     /* 1-based line on which the record starts */
};

struct snd_csv {
	struct snd_csv_row *rows;  /* rows[0] is the header row when nrows > 0 */
	size_t nrows;
	char sep;                  /* the separator read: ',', ';' or '\t' */
};

/* Parses text[0..len) into *out (free with snd_csv_free).  On failure *out
 * is untouched, *errline (if not NULL) gets the 1-based line at fault and
 * errbuf what is wrong there (no line number in it): SND_EINVAL for bad
 * syntax or encoding, SND_ETOOBIG past a cap, SND_ENOMEM. */
enum snd_err snd_csv_parse(const char *text, size_t len, struct snd_csv *out, size_t *errline,
                           char *errbuf, size_t errlen);
/* snd_csv_parse with another separator: sep is ',', ';' or '\t', or 0 to
 * detect it from the header record (the first of ',' ';' TAB outside
 * quotes; ',' when it has none, i.e. one column).  out->sep tells which was
 * used.  snd_csv_parse is snd_csv_parse_sep with ','. */
enum snd_err snd_csv_parse_sep(const char *text, size_t len, int sep, struct snd_csv *out,
                               size_t *errline, char *errbuf, size_t errlen);
void snd_csv_free(struct snd_csv *c);
/* Index of the header field equal to name, or -1. */
int snd_csv_column(const struct snd_csv *c, const char *name);

/* ------------------------------------------------------------ mail (mail.c)
 * Invitations and reminders as RFC 5322 messages, composed without any I/O
 * (sending is the caller's): built-in templates in the six UN languages,
 * override templates checked like any untrusted file, placeholders filled
 * with plain-text values that can never add a header, subjects as RFC 2047
 * encoded-words, bodies as quoted-printable UTF-8 text/plain.
 *
 * A template is UTF-8 text whose first line is "Subject: ..." and whose
 * other lines are the body (blank lines right after the subject line are
 * dropped).  {name}, {link}, {closes} and {title} are replaced by their
 * values; any other {word} (letters, digits, '_') is an error; a '{' not
 * starting such a word is kept as is.  The body must hold {link}; the
 * subject may not (a link is a secret: subjects end up in logs). */

enum snd_mail_kind { SND_MAIL_INVITE, SND_MAIL_REMIND, SND_MAIL_KIND__MAX };
extern const char *const snd_mail_kind_names[SND_MAIL_KIND__MAX]; /* "invite", "remind" */

#define SND_MAIL_TEMPLATE_MAX ((size_t)64 << 10) /* bytes of a template file */
#define SND_MAIL_SUBJECT_MAX 900                 /* bytes of a filled subject */
#define SND_MAIL_BODY_MAX ((size_t)1 << 20)      /* bytes of a filled body */
#define SND_MAIL_ADDR_MAX 254                    /* RFC 5321 path limit */
#define SND_MAIL_MSGID_MAX 320                   /* "<...@...>" with the NUL */

/* The built-in template text of kind in language lang ("en" "fr" "es" "ar"
 * "zh" "ru"; a region subtag as in "fr-CA" is ignored), a static string to
 * pass to snd_mail_template_parse; NULL for another language or kind. */
const char *snd_mail_template_builtin(enum snd_mail_kind kind, const char *lang);

struct snd_mail_template {
	char *subject;  /* after "Subject: ", trimmed, placeholders unfilled */
	char *body;     /* LF line ends, placeholders unfilled */
};

/* Parses template text[0..len) (at most SND_MAIL_TEMPLATE_MAX bytes, valid
 * UTF-8 without NUL, no control characters but TAB and line breaks; a BOM
 * is skipped; CRLF and CR read as LF).  On SND_OK *out owns two malloc'ed
 * strings (snd_mail_template_free).  On failure *out is untouched,
 * *errline (if not NULL) gets the 1-based line at fault and err what is
 * wrong (no line number in it): SND_EINVAL or SND_ETOOBIG. */
enum snd_err snd_mail_template_parse(const char *text, size_t len,
                                     struct snd_mail_template *out, size_t *errline,
                                     char *err, size_t errlen);
void snd_mail_template_free(struct snd_mail_template *t); /* NULL ok; t reusable */

/* Placeholder values, plain UTF-8 text (NULL reads as ""). */
struct snd_mail_values {
	const char *name;    /* how the delegate is addressed */
	const char *link;    /* the personal link */
	const char *closes;  /* when the questionnaire closes, as shown */
	const char *title;   /* the questionnaire's title in the message's language */
};

/* Fills t with v.  In the subject every control character and line
 * separator of a value (CR, LF, TAB, U+0085, U+2028, U+2029...) becomes a
 * space; in the body CRLF and CR become LF and other controls but TAB a
 * space.  On SND_OK *subject and *body are malloc'ed (the caller frees);
 * on failure both are untouched and err names the value or part at fault:
 * SND_EINVAL (a value is not UTF-8), SND_ETOOBIG (past SND_MAIL_SUBJECT_MAX
 * or SND_MAIL_BODY_MAX), SND_ENOMEM. */
enum snd_err snd_mail_fill(const struct snd_mail_template *t, const struct snd_mail_values *v,
                           char **subject, char **body, char *err, size_t errlen);

/* SND_OK when addr is a plain addr-spec "local@domain.tld" this code can
 * put in a header safely: ASCII only, no space, control, CR, LF or NUL; a
 * dot-atom local part of at most 64 bytes; a domain of letters, digits and
 * hyphens in at least two labels; at most SND_MAIL_ADDR_MAX bytes.  Quoted
 * local parts, domain literals and display names are refused.  SND_EINVAL
 * with the reason in err otherwise (NULL addr included). */
enum snd_err snd_mail_addr_check(const char *addr, char *err, size_t errlen);

/* A fresh Message-ID "<32 hex digits from libsodium@DOMAIN>", DOMAIN being
 * the one of the address from (checked as snd_mail_addr_check does), into
 * out[0..outlen).  SND_EINVAL for a bad address, SND_ETOOBIG if out is too
 * small (SND_MAIL_MSGID_MAX always suffices). */
enum snd_err snd_mail_message_id(const char *from, char *out, size_t outlen);

/* One message to compose.  Strings are borrowed. */
struct snd_mail {
	const char *from;        /* addr-spec (snd_mail_addr_check) */
	const char *from_name;   /* display name, or NULL */
	const char *to;          /* addr-spec */
	const char *to_name;     /* display name, or NULL */
	const char *subject;     /* filled UTF-8 text; controls become spaces */
	const char *body;        /* filled UTF-8 text, any line ends */
	const char *message_id;  /* "<left@right>", or NULL to make one */
};

/* Appends the whole message to out: From, To, Subject (plain when short
 * printable ASCII, else RFC 2047 "B" encoded-words of at most 75 chars cut
 * on character boundaries), Date (of `now`, Unix seconds, in UTC), Message-ID,
 * MIME-Version, Content-Type text/plain; charset=UTF-8,
 * Content-Transfer-Encoding quoted-printable, an empty line, then the body
 * (snd_mail_qp, ending in CRLF).  Every line ends in CRLF, every body line
 * is at most 76 chars and every header line 78, but for an address too
 * long to fit, which goes whole on a line of its own (an addr-spec cannot
 * be folded; still far below RFC 5322's 998).  On failure out is
 * unchanged (unless it was already failed) and err says which field is at
 * fault: SND_EINVAL, SND_ETOOBIG, SND_ENOMEM. */
enum snd_err snd_mail_compose(const struct snd_mail *m, int64_t now, struct snd_buf *out,
                              char *err, size_t errlen);

/* The encoders compose uses, for tests and callers that need them.
 * snd_mail_qp appends s[0..n) as quoted-printable (RFC 2045 6.7): line
 * breaks (CRLF, LF or CR) become CRLF, encoded lines are at most 76 chars
 * with soft breaks that never split a UTF-8 character, '=' and every byte
 * but printable ASCII are escaped, as is a space or tab ending a line, a
 * '.' starting one and the 'F' of a line starting "From ".
 * snd_mail_encode_words appends s[0..n) (UTF-8) as RFC 2047 "B"
 * encoded-words, each at most 75 chars and a whole number of characters,
 * separated by CRLF SP; `col` is the column the first word starts at, and
 * words are sized so that no line passes 78 chars. */
enum snd_err snd_mail_qp(const char *s, size_t n, struct snd_buf *out);
enum snd_err snd_mail_encode_words(const char *s, size_t n, size_t col, struct snd_buf *out);

/* ------------------------------------------------ canonical JSON (canon.c)
 * RFC 8785 (JCS): object members sorted by UTF-16 code units, no
 * insignificant whitespace, ES6 number formatting, minimal string escapes. */
enum snd_err snd_canon_json(const cJSON *v, struct snd_buf *out);
/* Lowercase hex SHA-256 of p[0..n). */
void snd_sha256_hex(const void *p, size_t n, char out[65]);
/* SHA-256 in pieces: init, update as often as needed, final (which wipes
 * the context).  Uses the CPU's SHA instructions when it has them (x86-64
 * SHA-NI), about 3x libsodium's portable code; same digests. */
struct snd_sha256 {
	uint32_t h[8];
	uint64_t total;       /* bytes so far */
	uint8_t block[64];    /* a partial block */
	size_t fill;          /* bytes in block */
};
void snd_sha256_init(struct snd_sha256 *c);
void snd_sha256_update(struct snd_sha256 *c, const void *p, size_t n);
void snd_sha256_final(struct snd_sha256 *c, uint8_t out[32]);
/* 32 bytes as 64 lowercase hex digits and a NUL. */
void snd_hex32(const uint8_t h[32], char out[65]);
/* Salts (interface.md, "The collector"): each revision gets 16 fresh
 * random bytes, and its stored `hash` is the lowercase hex SHA-256 of those
 * bytes followed by the canonical JSON of its answers, so equal answers
 * never show equal hashes.  Revisions stored before salts existed have no
 * salt, and their hash is the SHA-256 of the canonical JSON alone. */
#define SND_SALT_BYTES 16
#define SND_SALT_HEX 32
/* 16 fresh random bytes (randombytes_buf) and their 32 lowercase hex digits. */
void snd_salt_new(uint8_t salt[SND_SALT_BYTES], char hex[SND_SALT_HEX + 1]);
/* Exactly 32 lowercase hex digits into 16 bytes: 0, else -1. */
int snd_salt_parse(const char *hex, uint8_t salt[SND_SALT_BYTES]);
/* Lowercase hex SHA-256 of salt[0..16) followed by canon[0..n); salt NULL:
 * of canon alone (an unsalted revision). */
void snd_answers_digest(const uint8_t *salt, const void *canon, size_t n, char hex[65]);
/* The hash a stored row must carry: salt_hex is the row's salt column
 * (NULL: unsalted).  SND_EINVAL when salt_hex is not 32 lowercase hex. */
enum snd_err snd_revision_hash(const char *salt_hex, const void *canon, size_t n, char hex[65]);
/* Canonical JSON of answers into canon (if not NULL) and its SHA-256 hex
 * (unsalted). */
enum snd_err snd_answers_hash(const cJSON *answers, struct snd_buf *canon, char hex[65]);
/* The same with a salt (NULL: unsalted), as snd_answers_digest. */
enum snd_err snd_answers_hash_salted(const cJSON *answers, const uint8_t *salt,
                                     struct snd_buf *canon, char hex[65]);

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

/* ---------- store (store.c, store_write.c, store_read.c, store_sched.c,
 * store_roll.c)
 * The SQLite database: see docs/schema.md.  A struct snd_store is one
 * connection and must be used by one thread at a time.  The collector has
 * one writer connection (owned by its writer thread) and one read
 * connection per request thread. */

struct snd_store;

enum snd_store_mode {
	SND_STORE_READ,     /* read only; the file must exist */
	SND_STORE_WRITE,    /* read/write; creates and migrates the schema */
};

enum snd_err snd_store_open(const char *path, enum snd_store_mode mode, struct snd_store **out,
                            char *errbuf, size_t errlen);
void snd_store_close(struct snd_store *s);
/* The last SQLite error message of this connection. */
const char *snd_store_errmsg(const struct snd_store *s);

/* Records the questionnaire definition (id, source, hash); idempotent. */
enum snd_err snd_store_put_form(struct snd_store *s, const struct snd_form *f);

/* One stored revision.  Strings owned by whoever produced the struct: rows
 * handed to a callback are valid only during the callback. */
struct snd_revision {
	int64_t seq;            /* position in the database's hash chain, 1.. */
	const char *qid;
	const char *sub;        /* delegate id, or pseudonym in pseudonymous mode */
	const char *ent;
	const char *attrs;      /* JSON object text of string attributes */
	const char *jti;
	int64_t rev;            /* 1.. per (qid, sub) */
	const char *answers;    /* canonical JSON text */
	size_t answers_len;
	const char *hash;       /* SHA-256 hex of salt bytes ‖ answers (snd_answers_digest) */
	const char *receipt;    /* v4.public receipt token */
	int64_t submitted_at;   /* Unix milliseconds */
	const char *prev;       /* chain link of seq - 1 (64 zeros for the first) */
	const char *link;       /* SHA-256 hex chain link of this row */
	int revoked;            /* its token has been revoked since */
	const char *salt;       /* 32 lowercase hex digits, or NULL (stored before salts) */
};

/* The chain link of a revision: SHA-256 hex over
 * prev "\n" qid "\n" sub "\n" rev "\n" submitted_at "\n" hash "\n" receipt
 * "\n" ent "\n" jti "\n" attrs  (NULL strings count as empty). */
void snd_chain_link(const struct snd_revision *r, char out[65]);

/* What a request thread hands the writer to store. */
struct snd_submission {
	const char *qid;
	const char *sub;
	const char *ent;
	const char *attrs;      /* JSON object text */
	const char *jti;
	const char *answers;    /* canonical JSON text of the checked answers */
	size_t answers_len;
	const char *hash;       /* SHA-256 hex of salt bytes ‖ answers (snd_answers_digest) */
	const char *salt;       /* 32 lowercase hex digits, or NULL: unsalted */
};

/* Writer side.  begin/commit wrap a batch (group commit); append assigns the
 * next rev for (qid, sub), signs the receipt with receipt_sk (claims aud,
 * sub, rev, hash, salt when there is one, iat), extends the chain and
 * inserts the row (with its salt).  On success
 * *rev gets the revision and *receipt a malloc'ed receipt token.
 * rollback undoes the batch and restores the in-memory chain head. */
enum snd_err snd_store_begin(struct snd_store *s);
enum snd_err snd_store_append(struct snd_store *s, const struct snd_submission *sub,
                              const uint8_t receipt_sk[SND_SK_BYTES], int64_t now_ms,
                              int64_t *rev, char **receipt);
enum snd_err snd_store_commit(struct snd_store *s);
enum snd_err snd_store_rollback(struct snd_store *s);
/* The most revisions append stores per (qid, sub) on this connection (0,
 * the default: no limit).  Past it append refuses with SND_ELIMIT and
 * changes nothing, so the batch around it may go on; checked against the
 * database inside the write transaction, it holds exactly whatever the
 * concurrency of the callers.  merge (import) is not limited. */
void snd_store_set_max_revisions(struct snd_store *s, int64_t max_revs);
/* append for a caller that signed the receipt itself, off the writer (the
 * collector signs on its request threads): `receipt` was made by
 * snd_receipt_sign with receipt_sk for (sub, signed_rev, now_ms).  It is
 * stored as is when signed_rev is the delegate's next rev; otherwise (a
 * guess that lost a race, or that followed a rolled-back batch) a receipt
 * for the right rev is signed here and returned in *resigned (malloc'ed;
 * NULL when `receipt` was stored).  *rev gets the rev stored either way. */
enum snd_err snd_store_append_signed(struct snd_store *s, const struct snd_submission *sub,
                                     const uint8_t receipt_sk[SND_SK_BYTES], int64_t now_ms,
                                     int64_t signed_rev, const char *receipt, int64_t *rev,
                                     char **resigned);
/* Checkpoints out of COMMIT (writers): from now on this connection does not
 * copy the WAL into the database inside the COMMIT that passes `frames`
 * WAL frames; snd_store_checkpoint_due says when it has, and
 * snd_store_checkpoint (outside a batch) runs the PASSIVE checkpoint SQLite
 * would have run, so the caller can answer the batch first. */
enum snd_err snd_store_defer_checkpoints(struct snd_store *s, int frames);
int snd_store_checkpoint_due(const struct snd_store *s);
enum snd_err snd_store_checkpoint(struct snd_store *s);
/* The receipt of a revision, as append signs it: a v4.public token with
 * claims aud (qid), sub, rev, hash, salt (when sub->salt is not NULL), iat
 * (at_ms to the second) and the footer
 * {"kid":"<PASERK pid of the key>"}.  footer: snd_receipt_footer's text for
 * this key, or NULL to build it (a hash and an allocation per call).  On
 * SND_OK *receipt is malloc'ed (the caller frees). */
enum snd_err snd_receipt_footer(const uint8_t receipt_sk[SND_SK_BYTES], char **footer);
enum snd_err snd_receipt_sign(const uint8_t receipt_sk[SND_SK_BYTES], const char *footer,
                              const struct snd_submission *sub, int64_t rev, int64_t at_ms,
                              char **receipt);

/* Reader side.  latest: the newest revision of (qid, sub) passed to cb. */
typedef int (*snd_revision_cb)(void *ctx, const struct snd_revision *r); /* nonzero stops */
enum snd_err snd_store_latest(struct snd_store *s, const char *qid, const char *sub,
                              snd_revision_cb cb, void *ctx);
/* Every delegate's latest revision for qid, in seq order. */
enum snd_err snd_store_each_latest(struct snd_store *s, const char *qid, snd_revision_cb cb, void *ctx);
/* The tally's walk since issue 12 (interface.md, "What the tally may count,
 * and checks before counting"): the rows a tally counts, in one read
 * transaction (one snapshot).  A revision made with a revoked token is not
 * counted: the delegate's newest earlier revision made with a token that
 * is not revoked counts instead (found through prior_seq; none: the
 * delegate is not counted), unless SND_WALK_INCLUDE_REVOKED.
 * SND_WALK_CHAIN walks every revision of the database in seq order instead
 * (a row with check set, r the whole row, for the caller to check its hash
 * and chain link), counting the latest ones as above; a revision counted in
 * place of a revoked one comes again, after its own check, with check 0. */
enum snd_walk_flags {
	SND_WALK_ATTRS = 1,           /* fill attrs (else "") */
	SND_WALK_INCLUDE_REVOKED = 2, /* count revisions of revoked tokens too */
	SND_WALK_CHAIN = 4,           /* every revision, in seq order */
};
struct snd_walk_row {
	const char *ent;
	const char *attrs;      /* JSON object text, or "" */
	const char *answers;    /* canonical JSON text */
	size_t answers_len;
	int64_t seq;
	const char *sub;        /* "" when the walk does not read it */
	int count;              /* the tally counts this row */
	int check;              /* SND_WALK_CHAIN: a chain row, in seq order */
	const struct snd_revision *r; /* SND_WALK_CHAIN rows: the whole row (its
	                         * revoked flag is not set); else NULL */
};
typedef int (*snd_walk_cb)(void *ctx, const struct snd_walk_row *w); /* nonzero stops */
/* *revoked (may be NULL) gets the number of delegates whose latest
 * revision was made with a revoked token (counted or not). */
enum snd_err snd_store_walk(struct snd_store *s, const char *qid, unsigned flags,
                            snd_walk_cb cb, void *ctx, int64_t *revoked);
/* snd_store_each_latest with the same rule: the revision that counts for
 * each delegate (full rows; in seq order of the latest revisions, a row
 * that stands in for a revoked one in its place).  *revoked as above. */
enum snd_err snd_store_each_counted(struct snd_store *s, const char *qid, int include_revoked,
                                    snd_revision_cb cb, void *ctx, int64_t *revoked);
/* How many delegates the roll invited to qid (distinct delegate ids of
 * role delegate); *found 0 (and *invited 0) when the database has no roll
 * for qid (no roll table, or no delegate of qid on it). */
enum snd_err snd_store_invited(struct snd_store *s, const char *qid, int64_t *invited,
                               int *found);
/* Every revision in the database, in seq order (for verify and merge). */
enum snd_err snd_store_each_revision(struct snd_store *s, snd_revision_cb cb, void *ctx);
/* A number that grows whenever a revision, a revocation or a roll entry is
 * committed (for caches). */
enum snd_err snd_store_version(struct snd_store *s, int64_t *version);

/* Revocation. */
/* Revocations form a hash chain of their own (interface.md, "Keys and
 * tokens"; docs/schema.md): seq dense from 1, prev the link of seq - 1 (64
 * zeros for the first), link = snd_revocation_link of the row.  revoke
 * appends one at the head in one transaction (its own, or the caller's
 * batch); revoking a jti again changes nothing and keeps the first time. */
struct snd_revocation {
	int64_t seq;            /* 1.. (0: a row without one, added by hand) */
	const char *jti;
	int64_t revoked_at;     /* Unix milliseconds */
	const char *prev;       /* link of seq - 1 (64 zeros for the first) */
	const char *link;
};
/* SHA-256 hex over prev "\n" seq "\n" jti "\n" revoked_at (NULL strings
 * count as empty). */
void snd_revocation_link(const struct snd_revocation *r, char out[65]);
typedef int (*snd_revocation_cb)(void *ctx, const struct snd_revocation *r); /* nonzero stops */
/* Every revocation in seq order (rows without a seq first, as seq 0). */
enum snd_err snd_store_each_revocation(struct snd_store *s, snd_revocation_cb cb, void *ctx);
enum snd_err snd_store_revoke(struct snd_store *s, const char *jti, int64_t now_ms);
enum snd_err snd_store_is_revoked(struct snd_store *s, const char *jti, int *revoked);
/* Copies a whole revision row as is (for tally merge): keeps its receipt,
 * rev and times; re-links it onto this database's chain. */
enum snd_err snd_store_import(struct snd_store *s, const struct snd_revision *r);

/* Opening-time overrides: the schedule table, written by `collector open`
 * and `collector close`.  A row, when present, replaces the form's
 * opens/closes as a whole; has_opens/has_closes 0 store NULL, meaning no
 * bound on that side.  Times are Unix milliseconds.  set_window replaces
 * the row of qid (writers only); window reads it (*found 0 and every
 * out-parameter zeroed when there is none). */
enum snd_err snd_store_set_window(struct snd_store *s, const char *qid, int has_opens,
                                  int64_t opens_ms, int has_closes, int64_t closes_ms,
                                  int64_t now_ms);
enum snd_err snd_store_window(struct snd_store *s, const char *qid, int *has_opens,
                              int64_t *opens_ms, int *has_closes, int64_t *closes_ms,
                              int *found);

/* The schedule row of qid as stored (for tally merge, which copies it):
 * found 0 and the rest zero when there is none. */
struct snd_schedule {
	int found;
	int has_opens, has_closes;
	int64_t opens_ms, closes_ms;
	int64_t set_at_ms;
};
enum snd_err snd_store_schedule_get(struct snd_store *s, const char *qid,
                                    struct snd_schedule *out);

/* When a questionnaire accepts answers, in Unix seconds (override times
 * are floored to the second). */
struct snd_window {
	int64_t opens, closes;
	int has_opens, has_closes;
	int overridden;          /* from the schedule table, not the form */
	int64_t set_at_ms;       /* when the override was set (0: none) */
};
/* The form's own window (form.c, with snd_window_is_open). */
void snd_form_window(const struct snd_form *f, struct snd_window *w);
/* The effective window: the schedule row of f->id if any, else f's. */
enum snd_err snd_store_effective_window(struct snd_store *s, const struct snd_form *f,
                                        struct snd_window *w);
/* SND_OK when open at `now` (Unix seconds), else SND_ECLOSED; the same
 * rule as snd_form_is_open. */
enum snd_err snd_window_is_open(const struct snd_window *w, int64_t now);

/* The newest stored version of every questionnaire, by id (source is the
 * form file's text, valid during the callback). */
typedef int (*snd_form_row_cb)(void *ctx, const char *qid, const char *source, size_t len,
                               int64_t stored_at_ms); /* nonzero stops */
enum snd_err snd_store_each_form(struct snd_store *s, snd_form_row_cb cb, void *ctx);
/* How many delegates have answered qid, and how many revisions it holds. */
enum snd_err snd_store_counts(struct snd_store *s, const char *qid, int64_t *delegates,
                              int64_t *revisions);

/* The roll (store_roll.c): who was invited, one row per issued link, never
 * the token.  Written by `collector issue --db` and `collector roll
 * import`; read by revoke --sub, mail and turnout. */
struct snd_roll_entry {
	const char *qid;
	const char *sub;        /* delegate id as issued (the token's sub) */
	const char *ent;
	const char *attrs;      /* JSON object text of string attributes */
	const char *role;       /* "delegate" or "chair" */
	const char *jti;        /* unique across the roll */
	int64_t expires;        /* the token's exp, Unix seconds */
	const char *email;      /* "" when unknown */
	const char *lang;       /* "" when unknown */
	int64_t issued_at;      /* Unix milliseconds */
	/* Read side only (snd_store_roll_each); ignored by roll_add. */
	int revoked;            /* this jti is revoked */
	int answered;           /* a revision was stored with this jti, or
	                         * (attributed) by this delegate */
};
/* Adds one link to the roll (writers; inside a batch for all-or-nothing).
 * Every text is checked (UTF-8, no control characters, within the claim
 * caps; attrs a JSON object of strings) before a statement runs.  An
 * existing row with the same jti and the same qid, sub, ent, attrs, role,
 * expires, email and lang is no change (*added = 0); one that differs is
 * SND_EEXIST with the differing field in the error.  *added = 1 for a new
 * row.  issued_at is not compared (the first one is kept). */
enum snd_err snd_store_roll_add(struct snd_store *s, const struct snd_roll_entry *e,
                                int *added);
/* Every roll row of qid (of one delegate when sub is not NULL), ordered by
 * sub then newest issued first; rows valid during cb only.  Nonzero from
 * cb stops the walk (SND_OK). */
typedef int (*snd_roll_cb)(void *ctx, const struct snd_roll_entry *e);
enum snd_err snd_store_roll_each(struct snd_store *s, const char *qid, const char *sub,
                                 snd_roll_cb cb, void *ctx);
/* Turnout's walk of the roll: every link of role delegate of qid, ordered
 * as snd_store_roll_each (by sub, newest issued first), with answered
 * meaning "a revision of qid was made with a link that is not revoked":
 * this link, or, when attributed (stored sub = delegate id), any link of
 * the same delegate; revoked as in roll_each.  *found 0 when the database
 * has no roll for qid (no roll table, or no delegate link of qid).  One
 * statement, one snapshot; O(revisions of qid) once per walk. */
enum snd_err snd_store_roll_turnout(struct snd_store *s, const char *qid, int attributed,
                                    snd_roll_cb cb, void *ctx, int *found);
/* The mail log: record_mail notes a message an SMTP server accepted
 * (kind "invite" or "remind"; writers); mail_count says how many of kind
 * were recorded for (qid, sub). */
enum snd_err snd_store_mail_record(struct snd_store *s, const char *qid, const char *sub,
                                   const char *kind, const char *message_id, int64_t now_ms);
enum snd_err snd_store_mail_count(struct snd_store *s, const char *qid, const char *sub,
                                  const char *kind, int64_t *count);

/* The chair's record (store_record.c): dispositions of objections and
 * outcome statements of questions, each a row of its own hash chain (the
 * record table; docs/schema.md).  Rows are only ever added: the latest row
 * per (qid, kind, question, entity) is the one that counts. */
enum snd_record_kind { SND_REC_DISPOSITION, SND_REC_OUTCOME, SND_REC__MAX };
extern const char *const snd_record_kind_names[SND_REC__MAX];
enum snd_disposition { SND_DISP_OPEN, SND_DISP_ADDRESSED, SND_DISP_NOTED, SND_DISP_RESOLVED,
                       SND_DISP__MAX };
extern const char *const snd_disposition_names[SND_DISP__MAX];
/* The longest note or outcome text, in bytes. */
#define SND_RECORD_TEXT_MAX 4000

/* One record.  Strings are owned by whoever made the struct: rows handed to
 * a callback are valid only during it. */
struct snd_record {
	int64_t seq;            /* position in the record chain, 1.. */
	enum snd_record_kind kind;
	const char *qid;
	const char *question;   /* a question id of the questionnaire */
	const char *entity;     /* dispositions: the objecting entity ("" on a
	                         * pseudonymous questionnaire); outcomes: "" */
	const char *status;     /* dispositions: snd_disposition_names; outcomes: "" */
	const char *text;       /* the note, or the outcome statement (may be "") */
	const char *by;         /* the chair's id (the token's sub) */
	int64_t at;             /* Unix milliseconds */
	const char *prev;       /* link of record seq - 1 (64 zeros for the first) */
	const char *link;       /* SHA-256 hex chain link of this record */
};
/* The chain link of a record: SHA-256 hex over prev "\n" kind "\n" qid "\n"
 * question "\n" entity "\n" status "\n" by "\n" at "\n" text (the one
 * field that may hold a newline comes last; NULL strings count as empty). */
void snd_record_link(const struct snd_record *r, char out[65]);
/* Checks a record's fields before anything is stored: kind and status,
 * question (1..SND_ID_MAX bytes), entity and by (valid UTF-8 without
 * control characters, at most SND_CLAIM_MAX_LEN bytes; entity empty for an
 * outcome), text (valid UTF-8, at most SND_RECORD_TEXT_MAX bytes).  0 ok;
 * else -1 with *field naming the first bad one ("question", "entity",
 * "status", "note" or "text", "by"). */
int snd_record_check(const struct snd_record *r, const char **field);
/* Appends r at the head of the record chain (writers; inside the caller's
 * batch, or in a transaction of its own when none is open).  Sets r->seq,
 * r->prev (NULL afterwards: the previous link is not kept) and copies the
 * new link into link_out (r->link points at it).  SND_EINVAL when
 * snd_record_check refuses r, with nothing written. */
enum snd_err snd_store_record_add(struct snd_store *s, struct snd_record *r, char link_out[65]);
typedef int (*snd_record_cb)(void *ctx, const struct snd_record *r); /* nonzero stops */
/* Every record in the database, in seq order (for verify). */
enum snd_err snd_store_each_record(struct snd_store *s, snd_record_cb cb, void *ctx);
/* The latest record of kind per key of questionnaire qid, ordered by
 * question then entity (bytes). */
enum snd_err snd_store_each_latest_record(struct snd_store *s, const char *qid,
                                          enum snd_record_kind kind, snd_record_cb cb,
                                          void *ctx);
/* The latest disposition of each (question, entity) of qid: for the
 * objection register (`tally trend`, the chair page). */
enum snd_err snd_store_each_disposition(struct snd_store *s, const char *qid, snd_record_cb cb,
                                        void *ctx);
/* The summary's "dispositions" ([{question, entity, status, note, by, at}])
 * and "outcomes" ([{question, text, by, at}]) of f, latest per key, in form
 * order of the questions (a question the form no longer has goes last),
 * then by entity; at as RFC 3339.  Entities are left out on pseudonymous
 * questionnaires.  Both are new arrays the caller deletes. */
enum snd_err snd_record_json(struct snd_store *s, const struct snd_form *f, cJSON **dispositions,
                             cJSON **outcomes);
/* Drafts (store_draft.c): a delegate's partial answers, one per (qid, sub),
 * outside the hash chain and never counted.  put_draft replaces the row in
 * its own transaction, committed before it returns (a writer connection,
 * outside a batch); answers is the canonical JSON of checked answers.
 * draft reads it: *found 0 when there is none, else *answers malloc'ed
 * (NUL-terminated, the caller frees), *len and *saved_at_ms (Unix ms) set.
 * A committed append deletes its delegate's draft. */
enum snd_err snd_store_put_draft(struct snd_store *s, const char *qid, const char *sub,
                                 const char *answers, size_t len, int64_t saved_at_ms);
enum snd_err snd_store_draft(struct snd_store *s, const char *qid, const char *sub,
                             char **answers, size_t *len, int64_t *saved_at_ms, int *found);

/* Pseudonym of a delegate for a questionnaire: hex of keyed BLAKE2b-128 of
 * "qid\nsub" under a key derived from the receipt secret key. */
void snd_pseudonym(const uint8_t receipt_sk[SND_SK_BYTES], const char *qid, const char *sub,
                   char out[33]);

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

#endif /* SOUNDING_H */
