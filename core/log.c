/* log.c - the one logging entry point.
 *
 * Everything the programs log passes snd_log(), which formats into a bounded
 * stack buffer, redacts anything shaped like a secret and writes the line to
 * stderr with a single write(2) so lines from threads never interleave.
 * Redacted: PASETO tokens ("v4.public." / "v4.local." and what follows up to
 * a delimiter), PASERK keys ("k4.secret." etc.), and the token part of
 * "/t/<token>" paths.  Answers and free text must never be passed at all:
 * the redaction is a safety net, not a licence.
 */
#include "sounding.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum snd_log_level min_level = SND_LOG_INFO;
static const char *const level_names[SND_LOG__MAX] = {"debug", "info", "warn", "error"};

void snd_log_set_level(enum snd_log_level min)
{
	min_level = min;
}

static int is_token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '%';
}

/* Replaces s[start..end) by "[redacted]" when that is not longer; returns the
 * index just after the replacement. */
static size_t replace_span(char *s, size_t start, size_t end)
{
	static const char mark[] = "[redacted]";
	size_t mlen = sizeof mark - 1;
	size_t tail = strlen(s + end);
	if (end - start < mlen) { /* short: blank it out with '*' instead */
		memset(s + start, '*', end - start);
		return end;
	}
	memcpy(s + start, mark, mlen);
	memmove(s + start + mlen, s + end, tail + 1);
	return start + mlen;
}

void snd_log_redact(char *s)
{
	static const char *const prefixes[] = {"v4.public.", "v4.local.", "v3.public.",
	                                       "v3.local.", "v2.public.", "v2.local.",
	                                       "k4.secret.", "k4.public.", "k4.local.",
	                                       "/t/", "Bearer ", "bearer "};
	size_t i = 0;
	while (s[i]) {
		size_t k, matched = 0;
		for (k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
			size_t pl = strlen(prefixes[k]);
			if (strncmp(s + i, prefixes[k], pl) == 0) {
				matched = pl;
				break;
			}
		}
		if (matched) {
			size_t end = i + matched;
			while (s[end] && is_token_char(s[end]))
				end++;
			if (end > i + matched) {
				i = replace_span(s, i + matched, end);
				continue;
			}
			i += matched;
			continue;
		}
		i++;
	}
}

void snd_log(enum snd_log_level lvl, const char *fmt, ...)
{
	char line[2048];
	struct tm tm;
	struct timespec ts;
	va_list ap;
	int n, m;
	if ((unsigned)lvl >= SND_LOG__MAX || lvl < min_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s ",
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	             tm.tm_sec, ts.tv_nsec / 1000000, level_names[lvl]);
	if (n < 0)
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	/* Control characters from untrusted parts (paths) could forge lines. */
	for (char *p = line + n; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	snd_log_redact(line + n);
	n = (int)strlen(line);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere left to report it */
	}
}
