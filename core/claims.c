/* claims.c - the claim set of interface.md: parsing a token's payload into
 * struct snd_claims, checking its times, and writing it back as JSON.
 *
 * Owns: struct snd_claims' memory (snd_claims_free), the fast path over
 * json.c's flat nodes for the usual claim shape and the general path
 * through cJSON for anything else.  No state; thread-safe.
 *
 * Invariants:
 *   1. Both parsing paths accept and reject the same payloads and fill the
 *      same struct (tests and fuzz_token.c check it); the fast path only
 *      answers when it is sure and leaves the rest to the general one.
 *   2. Untrusted claims meet their caps first: payloads SND_TOKEN_MAX_LEN
 *      bytes, strings SND_CLAIM_MAX_LEN, attrs SND_CLAIMS_MAX_ATTRS
 *      entries; aud, sub, jti and ent carry no control characters (pages,
 *      logs and the hash chain, which joins claims with newlines).
 *   3. *out is written only on success; on failure every partial copy is
 *      freed and *out is untouched.
 *   4. Times are RFC 3339 strings (encoding.c) held as Unix seconds.
 */
#include "json_int.h"
#include "token_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const snd_role_names[SND_ROLE__MAX] = {"delegate", "chair"};

static char *dupstr(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

void snd_claims_free(struct snd_claims *c)
{
	size_t i;
	if (c == NULL)
		return;
	free(c->aud);
	free(c->sub);
	free(c->jti);
	free(c->ent);
	for (i = 0; i < c->nattrs; i++) {
		free(c->attrs[i].key);
		free(c->attrs[i].value);
	}
	free(c->attrs);
	memset(c, 0, sizeof *c);
}

/* A required, non-empty, capped string claim. */
static enum snd_err claim_str(const cJSON *o, const char *name, char **out, char *errbuf,
                              size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	size_t n;
	if (v == NULL) {
		WHY("claim \"%s\" is missing", name);
		return SND_EINVAL;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		WHY("claim \"%s\" must be a string", name);
		return SND_EINVAL;
	}
	n = strlen(v->valuestring);
	if (n == 0) {
		WHY("claim \"%s\" is empty", name);
		return SND_EINVAL;
	}
	if (n > SND_CLAIM_MAX_LEN) {
		WHY("claim \"%s\" is longer than %d bytes", name, SND_CLAIM_MAX_LEN);
		return SND_EINVAL;
	}
	/* No control characters: ids and entities are shown in pages and logs
	 * and joined by newlines in the database's chain links. */
	for (const unsigned char *c = (const unsigned char *)v->valuestring; *c; c++) {
		if (*c < 0x20 || *c == 0x7f) {
			WHY("claim \"%s\" must not contain control characters", name);
			return SND_EINVAL;
		}
	}
	if ((*out = dupstr(v->valuestring)) == NULL)
		return SND_ENOMEM;
	return SND_OK;
}

/* An optional RFC 3339 time claim. */
static enum snd_err claim_time(const cJSON *o, const char *name, int64_t *t, int *has,
                               char *errbuf, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	*has = 0;
	if (v == NULL)
		return SND_OK;
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		WHY("claim \"%s\" must be an RFC 3339 time string", name);
		return SND_EINVAL;
	}
	if (snd_time_parse(v->valuestring, t) != SND_OK) {
		WHY("claim \"%s\" is not a valid RFC 3339 time", name);
		return SND_EINVAL;
	}
	*has = 1;
	return SND_OK;
}

/* A string claim as claim_str accepts it (non-empty, capped, no control
 * characters), copied; -1 for anything claim_str would refuse. */
static int fast_str(const struct jnode *v, char **out)
{
	const unsigned char *c;
	if (v == NULL || v->type != JT_STR || v->slen == 0 || v->slen > SND_CLAIM_MAX_LEN)
		return -1;
	for (c = (const unsigned char *)v->s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return -1;
	if ((*out = malloc(v->slen + 1)) == NULL)
		return -1;
	memcpy(*out, v->s, v->slen + 1);
	return 0;
}

/* Times a payload left out read as 0, whatever a parser left there. */
static void zero_absent_times(struct snd_claims *c, int has_iat)
{
	if (!has_iat)
		c->iat = 0;
	if (!c->has_nbf)
		c->nbf = 0;
	if (!c->has_exp)
		c->exp = 0;
}

static int fast_time(const struct jdoc *d, const struct jnode *root, const char *name,
                     int64_t *t, int *has)
{
	const struct jnode *v = snd_jdoc_get(d, root, name);
	*has = 0;
	if (v == NULL)
		return 0;
	if (v->type != JT_STR || snd_time_parse(v->s, t) != SND_OK)
		return -1;
	*has = 1;
	return 0;
}

/* snd_claims_parse for a payload that is valid in every way, without a
 * cJSON tree: 0 and *out filled exactly as the general path would, or -1
 * (anything wrong or unusual: the general path then says what). */
static int claims_fast(const char *payload, size_t len, struct snd_claims *out)
{
	struct jnode nodes[48];
	char strs[1024];
	struct jdoc d;
	const struct jnode *root, *v, *a;
	struct snd_claims c;
	int has_iat = 0, r = -1;
	size_t i;
	memset(&c, 0, sizeof c);
	snd_jdoc_init(&d, nodes, sizeof nodes / sizeof nodes[0], strs, sizeof strs);
	if (snd_jdoc_parse(&d, payload, len, SND_JSON_MAX_DEPTH) != 0)
		goto out;
	root = &d.nodes[0];
	if (root->type != JT_OBJ || fast_str(snd_jdoc_get(&d, root, "aud"), &c.aud) != 0 ||
	    fast_str(snd_jdoc_get(&d, root, "sub"), &c.sub) != 0 ||
	    fast_str(snd_jdoc_get(&d, root, "jti"), &c.jti) != 0 ||
	    fast_str(snd_jdoc_get(&d, root, "ent"), &c.ent) != 0)
		goto out;
	v = snd_jdoc_get(&d, root, "role");
	if (v == NULL || v->type != JT_STR)
		goto out;
	for (i = 0; i < SND_ROLE__MAX; i++)
		if (strcmp(v->s, snd_role_names[i]) == 0)
			break;
	if (i == SND_ROLE__MAX)
		goto out;
	c.role = (enum snd_role)i;
	if ((a = snd_jdoc_get(&d, root, "attrs")) != NULL) {
		if (a->type != JT_OBJ || a->n > SND_CLAIMS_MAX_ATTRS)
			goto out;
		if (a->n > 0 && (c.attrs = calloc(a->n, sizeof *c.attrs)) == NULL)
			goto out;
		for (v = jdoc_child(&d, a); v != NULL; v = jdoc_next(&d, v)) {
			struct snd_attr *at = &c.attrs[c.nattrs];
			if (v->type != JT_STR || v->klen > SND_CLAIM_MAX_LEN || v->slen > SND_CLAIM_MAX_LEN)
				goto out;
			at->key = malloc(v->klen + 1);
			at->value = malloc(v->slen + 1);
			c.nattrs++;
			if (at->key == NULL || at->value == NULL)
				goto out;
			memcpy(at->key, v->key, v->klen + 1);
			memcpy(at->value, v->s, v->slen + 1);
		}
	}
	if (fast_time(&d, root, "iat", &c.iat, &has_iat) != 0 ||
	    fast_time(&d, root, "nbf", &c.nbf, &c.has_nbf) != 0 ||
	    fast_time(&d, root, "exp", &c.exp, &c.has_exp) != 0)
		goto out;
	zero_absent_times(&c, has_iat);
	*out = c;
	memset(&c, 0, sizeof c);
	r = 0;
out:
	snd_claims_free(&c);
	snd_jdoc_free(&d);
	return r;
}

enum snd_err snd_claims_parse(const char *payload, size_t len, struct snd_claims *out,
                              char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (len > SND_TOKEN_MAX_LEN) {
		WHY("payload is longer than %d bytes", SND_TOKEN_MAX_LEN);
		return SND_ETOOBIG;
	}
	if (claims_fast(payload, len, out) == 0)
		return SND_OK;
	return snd_claims_parse_general(payload, len, out, errbuf, errlen);
}

enum snd_err snd_claims_parse_general(const char *payload, size_t len, struct snd_claims *out,
                                      char *errbuf, size_t errlen)
{
	cJSON *root = NULL;
	const cJSON *v, *a;
	struct snd_claims c;
	char jerr[160];
	int has_iat = 0;
	size_t i;
	enum snd_err e = SND_EINVAL;
	memset(&c, 0, sizeof c);
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (len > SND_TOKEN_MAX_LEN) {
		WHY("payload is longer than %d bytes", SND_TOKEN_MAX_LEN);
		return SND_ETOOBIG;
	}
	jerr[0] = '\0';
	e = snd_json_parse(payload, len, SND_TOKEN_MAX_LEN, SND_JSON_MAX_DEPTH, &root, jerr,
	                   sizeof jerr);
	if (e != SND_OK) {
		WHY("payload is not valid JSON: %s", jerr);
		return e == SND_ENOMEM ? SND_ENOMEM : SND_EINVAL;
	}
	e = SND_EINVAL;
	if (!cJSON_IsObject(root)) {
		WHY("payload is not a JSON object");
		goto fail;
	}
	if ((e = claim_str(root, "aud", &c.aud, errbuf, errlen)) != SND_OK ||
	    (e = claim_str(root, "sub", &c.sub, errbuf, errlen)) != SND_OK ||
	    (e = claim_str(root, "jti", &c.jti, errbuf, errlen)) != SND_OK ||
	    (e = claim_str(root, "ent", &c.ent, errbuf, errlen)) != SND_OK)
		goto fail;
	e = SND_EINVAL;
	v = cJSON_GetObjectItemCaseSensitive(root, "role");
	if (v == NULL) {
		WHY("claim \"role\" is missing");
		goto fail;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		WHY("claim \"role\" must be a string");
		goto fail;
	}
	for (i = 0; i < SND_ROLE__MAX; i++)
		if (strcmp(v->valuestring, snd_role_names[i]) == 0)
			break;
	if (i == SND_ROLE__MAX) {
		WHY("claim \"role\" must be \"delegate\" or \"chair\"");
		goto fail;
	}
	c.role = (enum snd_role)i;
	if ((a = cJSON_GetObjectItemCaseSensitive(root, "attrs")) != NULL) {
		size_t n = 0;
		if (!cJSON_IsObject(a)) {
			WHY("claim \"attrs\" must be an object of strings");
			goto fail;
		}
		for (v = a->child; v != NULL; v = v->next)
			n++;
		if (n > SND_CLAIMS_MAX_ATTRS) {
			WHY("claim \"attrs\" has more than %d entries", SND_CLAIMS_MAX_ATTRS);
			goto fail;
		}
		if (n > 0 && (c.attrs = calloc(n, sizeof *c.attrs)) == NULL) {
			e = SND_ENOMEM;
			goto fail;
		}
		for (v = a->child; v != NULL; v = v->next) {
			if (!cJSON_IsString(v) || v->valuestring == NULL) {
				WHY("claim \"attrs.%.64s\" must be a string", v->string);
				goto fail;
			}
			if (strlen(v->string) > SND_CLAIM_MAX_LEN ||
			    strlen(v->valuestring) > SND_CLAIM_MAX_LEN) {
				WHY("claim \"attrs.%.64s\" is longer than %d bytes", v->string,
				    SND_CLAIM_MAX_LEN);
				goto fail;
			}
			c.attrs[c.nattrs].key = dupstr(v->string);
			c.attrs[c.nattrs].value = dupstr(v->valuestring);
			c.nattrs++;
			if (c.attrs[c.nattrs - 1].key == NULL || c.attrs[c.nattrs - 1].value == NULL) {
				e = SND_ENOMEM;
				goto fail;
			}
		}
	}
	if (claim_time(root, "iat", &c.iat, &has_iat, errbuf, errlen) != SND_OK ||
	    claim_time(root, "nbf", &c.nbf, &c.has_nbf, errbuf, errlen) != SND_OK ||
	    claim_time(root, "exp", &c.exp, &c.has_exp, errbuf, errlen) != SND_OK)
		goto fail;
	zero_absent_times(&c, has_iat);
	cJSON_Delete(root);
	*out = c;
	return SND_OK;
fail:
	cJSON_Delete(root);
	snd_claims_free(&c);
	return e;
}

enum snd_err snd_claims_check_time(const struct snd_claims *c, int64_t now)
{
	const int64_t skew = 60;
	if (c->has_exp && now >= c->exp + skew)
		return SND_EEXPIRED;
	if (c->has_nbf && now + skew < c->nbf)
		return SND_ENOTYET;
	return SND_OK;
}

const char *snd_claims_attr(const struct snd_claims *c, const char *key)
{
	size_t i;
	for (i = 0; i < c->nattrs; i++)
		if (strcmp(c->attrs[i].key, key) == 0)
			return c->attrs[i].value;
	return NULL;
}

static void json_member(struct snd_buf *b, const char *name, const char *value, int first)
{
	if (!first)
		snd_buf_putc(b, ',');
	snd_buf_json_str(b, name);
	snd_buf_putc(b, ':');
	snd_buf_json_str(b, value);
}

char *snd_claims_json(const struct snd_claims *c)
{
	struct snd_buf b;
	char t[21];
	size_t i;
	if (c->aud == NULL || c->sub == NULL || c->jti == NULL || c->ent == NULL ||
	    (unsigned)c->role >= SND_ROLE__MAX)
		return NULL;
	snd_buf_init(&b, 0);
	snd_buf_putc(&b, '{');
	json_member(&b, "aud", c->aud, 1);
	json_member(&b, "sub", c->sub, 0);
	json_member(&b, "jti", c->jti, 0);
	json_member(&b, "role", snd_role_names[c->role], 0);
	json_member(&b, "ent", c->ent, 0);
	snd_buf_puts(&b, ",\"attrs\":{");
	for (i = 0; i < c->nattrs; i++)
		json_member(&b, c->attrs[i].key, c->attrs[i].value, i == 0);
	snd_buf_putc(&b, '}');
	if (c->iat != 0) {
		snd_time_format(c->iat, t);
		json_member(&b, "iat", t, 0);
	}
	if (c->has_nbf) {
		snd_time_format(c->nbf, t);
		json_member(&b, "nbf", t, 0);
	}
	if (c->has_exp) {
		snd_time_format(c->exp, t);
		json_member(&b, "exp", t, 0);
	}
	snd_buf_putc(&b, '}');
	if (b.failed) {
		snd_buf_free(&b);
		return NULL;
	}
	return snd_buf_steal(&b, NULL);
}
