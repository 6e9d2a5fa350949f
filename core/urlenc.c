/* urlenc.c - application/x-www-form-urlencoded bodies, and the collector's
 * HTML form posts turned into answers objects.
 *
 * Invariants:
 *   1. Every name and value handed out is NUL-terminated, valid UTF-8 and
 *      holds no NUL byte; a body that decodes otherwise is refused whole.
 *   2. At most SND_URLENC_MAX_FIELDS fields; the caller caps the body size.
 *   3. The field names read by snd_form_answers_from_post are exactly those
 *      documented in sounding.h, which the pages (collector/pages.c) write.
 *   4. from_post converts shapes only; snd_form_check_answers judges them.
 *   5. Only a multi question's field may legitimately repeat in a form post;
 *      snd_kvlist_repeated names any other repeated field so the caller
 *      refuses the post (400) instead of silently picking one value.
 */
#include "sounding.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into out (room for n + 1), NUL-terminated; the decoded
 * length, or -1 with *why set on bad input. */
static long decode_into(char *out, const char *s, size_t n, const char **why)
{
	size_t i, o = 0;
	unsigned high = 0; /* any byte >= 0x80 decoded? */
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int h, l;
			if (n - i < 3 || (h = hexval(s[i + 1])) < 0 || (l = hexval(s[i + 2])) < 0) {
				*why = "invalid %-escape";
				return -1;
			}
			c = h << 4 | l;
			i += 2;
		}
		if (c == 0) {
			*why = "NUL byte";
			return -1;
		}
		high |= (unsigned)c;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	/* ASCII without NUL is valid UTF-8: check only text with other bytes */
	if (high >= 0x80 && !snd_utf8_valid(out, o, NULL)) {
		*why = "invalid UTF-8";
		return -1;
	}
	return (long)o;
}

void snd_kvlist_free(struct snd_kvlist *l)
{
	size_t i;
	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->items[i].name); /* the value lives in the same block */
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

const char *snd_kvlist_get(const struct snd_kvlist *l, const char *name)
{
	size_t i;
	if (l == NULL || name == NULL)
		return NULL;
	/* a linear scan (a post has tens of fields); the first byte is
	 * compared inline, which settles most misses without a call */
	for (i = 0; i < l->n; i++)
		if (l->items[i].name[0] == name[0] && strcmp(l->items[i].name, name) == 0)
			return l->items[i].value;
	return NULL;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A multi question's id: the one field name a form post repeats. */
static int multi_field(const struct snd_form *f, const char *name)
{
	size_t i;
	for (i = 0; f != NULL && i < f->nquestions; i++)
		if (f->questions[i].type == SND_Q_MULTI && strcmp(f->questions[i].id, name) == 0)
			return 1;
	return 0;
}

/* Invariant 5.  A repeat is refused rather than resolved (first wins, last
 * wins): a proxy or a filter in front may resolve it the other way, and the
 * pages never send one. */
const char *snd_kvlist_repeated(const struct snd_kvlist *l, const struct snd_form *f)
{
	const char *names[SND_URLENC_MAX_FIELDS];
	size_t i, n;
	if (l == NULL || l->n < 2)
		return NULL;
	n = l->n < SND_URLENC_MAX_FIELDS ? l->n : SND_URLENC_MAX_FIELDS;
	for (i = 0; i < n; i++)
		names[i] = l->items[i].name;
	qsort(names, n, sizeof names[0], cmp_name);
	for (i = 1; i < n; i++)
		if (strcmp(names[i], names[i - 1]) == 0 && !multi_field(f, names[i]))
			return names[i];
	return NULL;
}

enum snd_err snd_urlenc_parse(const char *body, size_t len, struct snd_kvlist *out,
                              char *errbuf, size_t errlen)
{
	struct snd_kvlist l = {NULL, 0, 0};
	size_t i = 0, field = 0;
	enum snd_err e = SND_EINVAL;
	const char *why = NULL;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (body == NULL && len > 0)
		goto fail;
	while (i < len) {
		size_t start = i, eq, end;
		char *name = NULL, *value = NULL;
		while (i < len && body[i] != '&')
			i++;
		end = i;
		if (i < len)
			i++; /* past '&' */
		if (end == start)
			continue; /* "a=1&&b=2" */
		field++;
		if (field > SND_URLENC_MAX_FIELDS) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "more than %d fields", SND_URLENC_MAX_FIELDS);
			e = SND_ETOOBIG;
			goto fail;
		}
		for (eq = start; eq < end && body[eq] != '='; eq++)
			;
		/* name and value in one block: one malloc per field, not two */
		if ((name = malloc(end - start + 2)) == NULL) {
			e = SND_ENOMEM;
			goto fail;
		}
		value = name + (eq - start) + 1;
		if (decode_into(name, body + start, eq - start, &why) < 0 ||
		    decode_into(value, eq < end ? body + eq + 1 : "", eq < end ? end - eq - 1 : 0,
		                &why) < 0) {
			free(name);
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "field %zu: %s", field, why ? why : "invalid");
			goto fail;
		}
		if (l.n == l.cap) {
			size_t ncap = l.cap ? l.cap * 2 : 16;
			struct snd_kv *ni = realloc(l.items, ncap * sizeof *ni);
			if (ni == NULL) {
				free(name);
				e = SND_ENOMEM;
				goto fail;
			}
			l.items = ni;
			l.cap = ncap;
		}
		l.items[l.n].name = name;
		l.items[l.n].value = value;
		l.n++;
	}
	*out = l;
	return SND_OK;
fail:
	if (e == SND_ENOMEM && errbuf && errlen)
		snprintf(errbuf, errlen, "out of memory");
	snd_kvlist_free(&l);
	return e;
}

/* ------------------------------------------------------------ form posts */

/* "<qid>.<suffix>" */
static const char *get2(const struct snd_kvlist *l, const char *qid, const char *suffix)
{
	char name[2 * SND_ID_MAX + 16];
	size_t a = strlen(qid), b = strlen(suffix);
	if (a + b + 2 > sizeof name)
		return NULL;
	memcpy(name, qid, a);
	name[a] = '.';
	memcpy(name + a + 1, suffix, b + 1);
	return snd_kvlist_get(l, name);
}

static const char *trim(const char *s, size_t *n)
{
	size_t len;
	while (*s && isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	*n = len;
	return s;
}

/* Copies s without its surrounding space into buf (cap bytes with the NUL)
 * and returns where the digits start (past one sign), or -1 when s is
 * empty or too long. */
static int trimmed_number(const char *s, char *buf, size_t cap, size_t *start)
{
	size_t n;
	const char *t = trim(s, &n);
	if (n == 0 || n >= cap)
		return -1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	*start = buf[0] == '-' || buf[0] == '+' ? 1 : 0;
	return 0;
}

/* A whole number written as digits (optionally signed), or -1. */
static int parse_int(const char *s, long *out)
{
	size_t i;
	char buf[24];
	char *end;
	if (trimmed_number(s, buf, sizeof buf, &i) != 0)
		return -1;
	if (buf[i] == '\0')
		return -1;
	for (; buf[i]; i++)
		if (!isdigit((unsigned char)buf[i]))
			return -1;
	errno = 0;
	*out = strtol(buf, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

/* A decimal number as people type it: "12", "-3.5", "4,5" (decimal comma),
 * "1e3"; no hex, no inf/nan, no thousands separators. */
static int parse_decimal(const char *s, double *out)
{
	size_t i;
	char buf[64];
	char *end;
	int digits = 0, dot = 0;
	if (trimmed_number(s, buf, sizeof buf, &i) != 0)
		return -1;
	for (; buf[i]; i++) {
		if (isdigit((unsigned char)buf[i])) {
			digits++;
		} else if ((buf[i] == '.' || buf[i] == ',') && !dot) {
			dot = 1;
			buf[i] = '.';
		} else if ((buf[i] == 'e' || buf[i] == 'E') && digits) {
			size_t j = i + 1;
			if (buf[j] == '-' || buf[j] == '+')
				j++;
			if (!isdigit((unsigned char)buf[j]))
				return -1;
			for (; buf[j]; j++)
				if (!isdigit((unsigned char)buf[j]))
					return -1;
			break;
		} else {
			return -1;
		}
	}
	if (digits == 0)
		return -1;
	*out = strtod(buf, &end);
	if (*end != '\0' || !isfinite(*out))
		return -1;
	return 0;
}

/* Text from a <textarea> arrives with CRLF line breaks; stored as LF. */
static cJSON *text_value(const char *v)
{
	size_t n = strlen(v), i, o = 0;
	char *s = malloc(n + 1);
	cJSON *j;
	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (v[i] == '\r') {
			s[o++] = '\n';
			if (v[i + 1] == '\n')
				i++;
		} else {
			s[o++] = v[i];
		}
	}
	s[o] = '\0';
	j = cJSON_CreateString(s);
	free(s);
	return j;
}

struct place {
	long place;
	size_t opt;
};

static int cmp_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;
	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	return x->opt < y->opt ? -1 : x->opt > y->opt;
}

static void conv_err(struct snd_diag *errs, int *bad, const char *qid, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void conv_err(struct snd_diag *errs, int *bad, const char *qid, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	*bad = 1;
	snd_diag_add(errs, qid, "%s", msg);
}

/* Returns the answer of q (NULL when not given or on a conversion error,
 * which goes to errs and sets *bad), setting *oom on allocation failure. */
static cJSON *post_answer(const struct snd_question *q, const struct snd_kvlist *l,
                          struct snd_diag *errs, int *bad, int *oom)
{
	const char *v = snd_kvlist_get(l, q->id);
	cJSON *a = NULL, *c;
	size_t i;
	long n;
	double d;

	switch (q->type) {
	case SND_Q_SINGLE:
		if (v == NULL || v[0] == '\0')
			return NULL;
		a = cJSON_CreateString(v);
		break;
	case SND_Q_TEXT:
		if (v == NULL || v[0] == '\0')
			return NULL;
		a = text_value(v);
		break;
	case SND_Q_NUMBER:
		if (v == NULL || trim(v, &i)[0] == '\0')
			return NULL;
		if (parse_decimal(v, &d) != 0) {
			conv_err(errs, bad, q->id, q->integer ? "enter a whole number" : "enter a number");
			return NULL;
		}
		a = cJSON_CreateNumber(d == 0 ? 0 : d);
		break;
	case SND_Q_SCALE:
		if (v == NULL || v[0] == '\0')
			return NULL;
		if (strcmp(v, "none") == 0) {
			a = cJSON_CreateNull();
		} else if (parse_int(v, &n) == 0) {
			a = cJSON_CreateNumber((double)n);
		} else {
			conv_err(errs, bad, q->id, "choose a point on the scale");
			return NULL;
		}
		break;
	case SND_Q_POSITION: {
		const char *r = get2(l, q->id, "reason");
		int has_pos = v != NULL && v[0] != '\0', has_r = r != NULL && r[0] != '\0';
		if (!has_pos && !has_r)
			return NULL;
		a = cJSON_CreateObject();
		if (a == NULL)
			break;
		if (has_pos && !cJSON_AddStringToObject(a, "position", v))
			goto oom;
		if (has_r) {
			c = text_value(r);
			if (c == NULL || !cJSON_AddItemToObject(a, "reason", c)) {
				cJSON_Delete(c);
				goto oom;
			}
		}
		break;
	}
	case SND_Q_MULTI:
		for (i = 0; i < l->n; i++) {
			if (strcmp(l->items[i].name, q->id) != 0 || l->items[i].value[0] == '\0')
				continue;
			if (a == NULL && (a = cJSON_CreateArray()) == NULL)
				goto oom;
			c = cJSON_CreateString(l->items[i].value);
			if (c == NULL || !cJSON_AddItemToArray(a, c)) {
				cJSON_Delete(c);
				goto oom;
			}
		}
		return a;
	case SND_Q_MATRIX:
		for (i = 0; i < q->nrows; i++) {
			const char *rv = get2(l, q->id, q->rows[i].id);
			if (rv == NULL || rv[0] == '\0')
				continue;
			if (strcmp(rv, "none") == 0) {
				c = cJSON_CreateNull();
			} else if (parse_int(rv, &n) == 0) {
				c = cJSON_CreateNumber((double)n);
			} else {
				conv_err(errs, bad, q->id, "choose a point on the scale for each row");
				cJSON_Delete(a);
				return NULL;
			}
			if (a == NULL && (a = cJSON_CreateObject()) == NULL) {
				cJSON_Delete(c);
				goto oom;
			}
			if (c == NULL || !cJSON_AddItemToObject(a, q->rows[i].id, c)) {
				cJSON_Delete(c);
				goto oom;
			}
		}
		return a;
	case SND_Q_RANK: {
		struct place p[256];
		size_t np = 0, k;
		for (i = 0; i < q->noptions && i < 256; i++) {
			const char *pv = get2(l, q->id, q->options[i].id);
			if (pv == NULL || trim(pv, &k)[0] == '\0')
				continue;
			if (parse_int(pv, &n) != 0 || n < 1 || n > (long)q->noptions) {
				conv_err(errs, bad, q->id, "places run from 1 to %zu", q->noptions);
				return NULL;
			}
			p[np].place = n;
			p[np].opt = i;
			np++;
		}
		if (np == 0)
			return NULL;
		qsort(p, np, sizeof p[0], cmp_place);
		for (k = 1; k < np; k++) {
			if (p[k].place == p[k - 1].place) {
				conv_err(errs, bad, q->id, "two options are ranked in place %ld; give each "
				                          "option its own place", p[k].place);
				return NULL;
			}
		}
		/* gaps (1, 2, 4) keep their order: the intent is plain */
		if ((a = cJSON_CreateArray()) == NULL)
			goto oom;
		for (k = 0; k < np; k++) {
			c = cJSON_CreateString(q->options[p[k].opt].id);
			if (c == NULL || !cJSON_AddItemToArray(a, c)) {
				cJSON_Delete(c);
				goto oom;
			}
		}
		return a;
	}
	default:
		return NULL;
	}
	if (a == NULL)
		*oom = 1;
	return a;
oom:
	cJSON_Delete(a);
	*oom = 1;
	return NULL;
}

enum snd_err snd_form_answers_from_post(const struct snd_form *f, const struct snd_kvlist *fields,
                                        cJSON **answers, struct snd_diag *errs)
{
	cJSON *out = cJSON_CreateObject();
	size_t i, nerr = 0;
	int oom = 0;
	struct snd_diag local;
	struct snd_diag *d = errs;
	if (out == NULL)
		return SND_ENOMEM;
	if (d == NULL) {
		snd_diag_init(&local);
		d = &local;
	}
	for (i = 0; i < f->nquestions; i++) {
		const struct snd_question *q = &f->questions[i];
		int bad = 0;
		cJSON *a = post_answer(q, fields, d, &bad, &oom);
		if (oom)
			break;
		if (bad)
			nerr++;
		if (a != NULL && !cJSON_AddItemToObject(out, q->id, a)) {
			cJSON_Delete(a);
			oom = 1;
			break;
		}
	}
	if (d == &local)
		snd_diag_free(&local);
	if (oom) {
		cJSON_Delete(out);
		return SND_ENOMEM;
	}
	*answers = out;
	return nerr ? SND_EINVAL : SND_OK;
}
