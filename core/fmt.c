/* fmt.c - how Sounding shows numbers to people: counts, shares as
 * percentages, statistics and answer values, with the decimal separator of
 * the output language.  The chair page, the HTML report and `tally`'s text,
 * Markdown and CSV displays all format through here, so a share reads the
 * same everywhere.  (Machine-readable numbers, in JSON and the summary CSV,
 * are exact and always use a point: snd_num_exact in summary.c.)
 *
 * Invariants:
 *   1. Every function writes a NUL-terminated string of at most
 *      SND_FMT_LEN - 1 bytes into out, whatever the input; never fails.
 *   2. Display formats round; a rounded zero is shown as 0, never -0.
 *   3. An absent or non-finite value is shown as an em dash, except a
 *      share, which is 0.0% (a share of nobody).
 *   4. With dec == '.' the bytes are those of plain printf in the C locale;
 *      with ',' a share is "37,5" U+00A0 "%" (see snd_fmt_pct).
 *   5. Magnitudes of 1e15 and more (no count or share is that large; a
 *      number question without bounds can be) are written with six
 *      significant digits ("1e+30"), so nothing is ever cut short.
 */
#include "sounding.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char DASH[] = "\xe2\x80\x94";

#define HUGE_AT 1e15

static void dash(char out[SND_FMT_LEN])
{
	memcpy(out, DASH, sizeof DASH);
}

/* The C locale writes a point; other languages want their separator. */
static void localise(char out[SND_FMT_LEN], char dec)
{
	char *p;
	if (dec == '.' || dec == '\0')
		return;
	p = strchr(out, '.');
	if (p != NULL)
		*p = dec;
}

char snd_fmt_decimal(const char *lang)
{
	/* CLDR: French, Spanish and Russian write a decimal comma; English,
	 * Arabic (as written in ITU documents, with Western digits) and
	 * Chinese a point. */
	if (lang == NULL)
		return '.';
	if (strcmp(lang, "fr") == 0 || strcmp(lang, "es") == 0 || strcmp(lang, "ru") == 0)
		return ',';
	return '.';
}

void snd_fmt_count(char out[SND_FMT_LEN], double v, char dec)
{
	if (!isfinite(v)) {
		dash(out);
		return;
	}
	if (fabs(v) >= HUGE_AT)
		snprintf(out, SND_FMT_LEN, "%.6g", v);
	else if (fabs(v - round(v)) < 1e-9)
		snprintf(out, SND_FMT_LEN, "%.0f", round(v) == 0 ? 0.0 : round(v));
	else
		snprintf(out, SND_FMT_LEN, "%.2f", v);
	localise(out, dec);
}

void snd_fmt_pct(char out[SND_FMT_LEN], double share, char dec)
{
	if (!isfinite(share) || fabs(share) < 0.0005)
		share = 0;
	/* Languages that write a decimal comma (fr, es, ru) put a no-break
	 * space before % ("37,5 %"): CLDR's pattern for es and ru, and the
	 * French rule (U+00A0, as the report's own French texts write it;
	 * CLDR's narrower U+202F is missing from some fonts).  A point keeps
	 * printf's "37.5%". */
	snprintf(out, SND_FMT_LEN, dec == ',' ? "%.1f\xc2\xa0%%" : "%.1f%%", share * 100.0);
	localise(out, dec);
}

void snd_fmt_stat(char out[SND_FMT_LEN], double v, int defined, char dec)
{
	if (!defined || !isfinite(v)) {
		dash(out);
		return;
	}
	if (fabs(v) >= HUGE_AT)
		snprintf(out, SND_FMT_LEN, "%.6g", v);
	else
		snprintf(out, SND_FMT_LEN, "%.2f", fabs(v) < 0.005 ? 0.0 : v);
	localise(out, dec);
}

void snd_fmt_value(char out[SND_FMT_LEN], double v, int defined, char dec)
{
	if (!defined || !isfinite(v)) {
		dash(out);
		return;
	}
	if (fabs(v) < HUGE_AT && fabs(v - round(v)) < 1e-9)
		snprintf(out, SND_FMT_LEN, "%.0f", round(v) == 0 ? 0.0 : round(v));
	else
		snprintf(out, SND_FMT_LEN, "%.6g", v);
	localise(out, dec);
}

/* ------------------------------------------------------- summary reads */

const char *snd_json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int snd_json_num(const cJSON *o, const char *key, double *out)
{
	const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return 0;
	*out = v->valuedouble;
	return 1;
}

double snd_json_num0(const cJSON *o, const char *key)
{
	double d = 0;
	return snd_json_num(o, key, &d) ? d : 0;
}
