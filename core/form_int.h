/* form_int.h - internal to libsounding: what form.c (loading a form) and
 * answers.c (checking answers against it) share: the cap on options, and
 * the small readers both apply to untrusted JSON (whole numbers, blank
 * text, option ids, position names).
 *
 * Not part of the public interface: only core/ includes this file.
 */
#ifndef SND_FORM_INT_H
#define SND_FORM_INT_H

#include "sounding.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

/* Options (or matrix rows) per question; answers.c sizes its
 * seen-an-option flags by it. */
#define FORM_MAX_OPTIONS 200

/* An integer within [lo, hi] (JSON 3 or 3.0); 0 when it is one. */
static inline int get_int(const cJSON *v, long lo, long hi, long *out)
{
	double d;
	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi)
		return -1;
	*out = (long)d;
	return 0;
}

/* 1 when s is empty or only white space. */
static inline int is_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* Index of the option (or matrix row) with that id, or -1. */
static inline int option_index(const struct snd_option *o, size_t n, const char *id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (o[i].id && o[i].id[0] == id[0] && strcmp(o[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Index of a position name ("support", "live_with", ...), or -1. */
static inline int position_index(const char *s)
{
	int i;
	for (i = 0; i < SND_POS__MAX; i++)
		if (strcmp(s, snd_position_names[i]) == 0)
			return i;
	return -1;
}

#endif
