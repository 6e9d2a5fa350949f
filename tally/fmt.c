/* fmt.c - small helpers shared by the summary writers (text.c, tables.c,
 * summary.c): typed reads of the engine's summary object, display
 * formatting of counts, shares and statistics, option labels, and the
 * pretty JSON printer.
 *
 * Invariants:
 *   1. Display formats round; json_pretty never does (numbers read back
 *      exactly, via snd_num_exact).
 *   2. A missing or mistyped field reads as absent (NULL, 0 or "—"), never
 *      as a crash: the writers trust the engine, not blindly.
 */
#include "tally.h"

#include <math.h>
#include <string.h>

/* --------------------------------------------------------- json helpers */

const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int jnum(const cJSON *o, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v))
		return 0;
	*out = v->valuedouble;
	return 1;
}

double jnum0(const cJSON *o, const char *key)
{
	double d = 0;
	return jnum(o, key, &d) ? d : 0;
}

/* Pretty JSON with two-space indents; numbers via snd_num_exact. */
/* A newline and 2 * depth spaces, without printf (this runs once per
 * value; a summary with many comments has millions of them). */
static void indent(struct snd_buf *b, int depth)
{
	static const char spaces[] = "                                                                ";
	size_t n = (size_t)depth * 2;
	snd_buf_putc(b, '\n');
	while (n > 0) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		snd_buf_append(b, spaces, k);
		n -= k;
	}
}

void json_pretty(struct snd_buf *b, const cJSON *v, int depth)
{
	const cJSON *c;
	char n[40];
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		int obj = cJSON_IsObject(v);
		if (v->child == NULL) {
			snd_buf_puts(b, obj ? "{}" : "[]");
			return;
		}
		snd_buf_putc(b, obj ? '{' : '[');
		for (c = v->child; c; c = c->next) {
			indent(b, depth + 1);
			if (obj) {
				snd_buf_json_str(b, c->string ? c->string : "");
				snd_buf_append(b, ": ", 2);
			}
			json_pretty(b, c, depth + 1);
			if (c->next)
				snd_buf_putc(b, ',');
		}
		indent(b, depth);
		snd_buf_putc(b, obj ? '}' : ']');
	} else if (cJSON_IsString(v)) {
		snd_buf_json_str(b, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		snd_num_exact(n, v->valuedouble);
		snd_buf_puts(b, n);
	} else if (cJSON_IsBool(v)) {
		snd_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
	} else {
		snd_buf_puts(b, "null");
	}
}

/* ------------------------------------------------------ display helpers */

void fmt_count(char out[40], double v)
{
	if (fabs(v - round(v)) < 1e-9)
		snprintf(out, 40, "%.0f", round(v) == 0 ? 0.0 : round(v));
	else
		snprintf(out, 40, "%.2f", v);
}

void fmt_pct(char out[40], double share)
{
	snprintf(out, 40, "%.1f%%", isfinite(share) && fabs(share) >= 0.0005 ? share * 100 : 0.0);
}

void fmt_stat(char out[40], const cJSON *o, const char *key)
{
	double d;
	if (!jnum(o, key, &d))
		snprintf(out, 40, "\xe2\x80\x94");
	else
		snprintf(out, 40, "%.2f", fabs(d) < 0.005 ? 0.0 : d);
}

/* An answer value (min, max, median of a number question): integers bare,
 * else six significant digits. */
void fmt_value(char out[40], const cJSON *o, const char *key)
{
	double d;
	if (!jnum(o, key, &d))
		snprintf(out, 40, "\xe2\x80\x94");
	else if (fabs(d - round(d)) < 1e-9)
		snprintf(out, 40, "%.0f", round(d) == 0 ? 0.0 : round(d));
	else
		snprintf(out, 40, "%.6g", d);
}

/* A scale point (a median): integers bare, weights 2 decimals, a dash
 * when absent. */
void fmt_point(char out[40], const cJSON *o, const char *key)
{
	double d;
	if (jnum(o, key, &d))
		fmt_count(out, d);
	else
		snprintf(out, 40, "\xe2\x80\x94");
}

/* ------------------------------------------------------ summary reading */

const char *entry_entity(const struct snd_form *f, const cJSON *entry)
{
	return f->anonymity == SND_PSEUDONYMOUS ? NULL : jstr(entry, "entity");
}

enum outcome position_outcome(const cJSON *qs, char n[40], const char **plural)
{
	double objections = jnum0(qs, "object");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus")))
		return OUTCOME_CONSENSUS;
	if (objections > 0) {
		fmt_count(n, objections);
		*plural = objections == 1 ? "" : "s";
		return OUTCOME_OBJECTED;
	}
	return OUTCOME_NONE;
}

const char *opt_label(const struct snd_form *f, int lang, const struct snd_option *opts,
                             size_t n, const char *id)
{
	const struct snd_option *o = find_option(opts, n, id);
	const char *l = o ? label_in(f, &o->label, lang) : NULL;
	return l ? l : (id ? id : "?");
}

const struct snd_question *question_of(const struct snd_form *f, const cJSON *qs)
{
	const char *id = jstr(qs, "id");
	int i = id ? snd_form_question(f, id) : -1;
	return i >= 0 ? &f->questions[i] : NULL;
}

