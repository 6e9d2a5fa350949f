/* snd_csv.h - part of the public interface of libsounding: the CSV reader (csv.c) and mail composition (mail.c).
 * Included by sounding.h (include that, never this file directly): split
 * out so that each header stays one room a reader can hold. */
#ifndef SOUNDING_CSV_H
#define SOUNDING_CSV_H

#ifndef SOUNDING_H
#error "include sounding.h, not snd_csv.h"
#endif

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

#endif /* SOUNDING_CSV_H */
