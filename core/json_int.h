/* json_int.h - internal to libsounding: a small strict JSON reader into a
 * flat array of nodes (jdoc.c), for the request paths that read a known
 * shape (token claims in claims.c, answer bodies in answers.c) without
 * building, copying and freeing a cJSON tree.
 *
 * It accepts a subset of what snd_json_parse accepts and never more: when
 * snd_jdoc_parse returns 0, snd_json_parse would have accepted the same
 * text and cJSON would have given the same values (strings decoded the same
 * way, numbers by strtod as cJSON does).  Anything else (a byte order mark,
 * an object of over JDOC_MAX_MEMBERS members, deeper than the caller's
 * depth, any invalid text) is declined with -1, and the caller falls back
 * to snd_json_parse, which says what is wrong.  tests/fuzz/fuzz_answers.c
 * and fuzz_token.c check both paths agree.
 *
 * Not part of the public interface: only core/ includes this file.
 */
#ifndef SND_JSON_INT_H
#define SND_JSON_INT_H

#include "sounding.h"

#include <stdint.h>

enum jtype { JT_NULL, JT_FALSE, JT_TRUE, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

/* Objects with more members are declined (duplicate keys are found by
 * comparing each key with the earlier ones). */
#define JDOC_MAX_MEMBERS 64

/* One value.  Nodes are numbered in document order; node 0 is the root,
 * so 0 also means "none" for next and child. */
struct jnode {
	enum jtype type;
	uint32_t next;      /* next element or member of the same parent */
	uint32_t child;     /* first element or member (arrays, objects) */
	uint32_t n;         /* elements or members */
	const char *key;    /* member name (NUL-terminated, decoded), else NULL */
	size_t klen;
	const char *s;      /* string value (NUL-terminated, decoded) */
	size_t slen;
	double num;         /* number value */
};

/* Nodes and decoded strings live in the caller's buffers first (on its
 * stack) and move to the heap only when those are full. */
struct jdoc {
	struct jnode *nodes;
	size_t nn, ncap;
	char *str;
	size_t sused, scap;
	struct jnode *own_nodes; /* heap copies, freed by snd_jdoc_free */
	char **chunks;           /* heap string chunks (strings never move) */
	size_t nchunks;
};

void snd_jdoc_init(struct jdoc *d, struct jnode *nodes, size_t ncap, char *str, size_t scap);
/* 0 when text[0..len) is a JSON text that snd_json_parse(text, len,
 * SIZE_MAX, max_depth) would accept, parsed into d; -1 otherwise (declined:
 * use snd_json_parse). */
int snd_jdoc_parse(struct jdoc *d, const char *text, size_t len, int max_depth);
void snd_jdoc_free(struct jdoc *d);

/* The member of object node o named key, or NULL. */
const struct jnode *snd_jdoc_get(const struct jdoc *d, const struct jnode *o, const char *key);

static inline const struct jnode *jdoc_child(const struct jdoc *d, const struct jnode *v)
{
	return v->child ? &d->nodes[v->child] : NULL;
}

static inline const struct jnode *jdoc_next(const struct jdoc *d, const struct jnode *v)
{
	return v->next ? &d->nodes[v->next] : NULL;
}

/* canon.c: one string or number as snd_canon_json writes it. */
enum snd_err snd_canon_str(struct snd_buf *out, const char *s);
enum snd_err snd_canon_num(struct snd_buf *out, double v);

/* claims.c: snd_claims_parse without its fast path (through cJSON), for
 * the tests and fuzzers that check both paths agree. */
enum snd_err snd_claims_parse_general(const char *payload, size_t len, struct snd_claims *out,
                                      char *errbuf, size_t errlen);

/* ------------------------------------------------------------ json.c/jdoc.c
 * What the guarded scan (json.c) and the flat reader (jdoc.c) share, so the
 * two follow one grammar; static inline since both run per request byte. */

/* cJSON refuses deeper input anyway (CJSON_NESTING_LIMIT). */
#define SND_JSON_DEPTH_HARD 1000
/* cJSON copies a number into a 64-byte buffer; longer literals would be
 * misread, so they are refused here. */
#define SND_JSON_NUMBER_MAX 63

/* Four hex digits of a \u escape; 0 and *out set, or -1. */
static inline int hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	int k;
	for (k = 0; k < 4; k++) {
		unsigned c = p[k], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static inline int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

#endif
