/* report_record.c - the chair's record of one question as HTML: its
 * outcome statement and the dispositions of its objections, from a
 * summary's top-level "outcomes" and "dispositions" (snd_record_json).
 * Shared by `tally report` (report.c, after each question) and the chair
 * dashboard (page_chair.c), so both say the same.
 *
 * Invariants:
 *   1. Every string from the summary is escaped; right-to-left text is
 *      isolated (<bdi>, dir=auto) so it cannot reorder the line.
 *   2. Nothing is written when the question has no record.
 *   3. A pure function of its arguments: the time shown is the record's.
 */
#include "report_int.h"

#include <string.h>

enum rmsg { R_OUTCOME, R_DISPOSITIONS, R_OPEN, R_ADDRESSED, R_NOTED, R_RESOLVED, R_BY,
            R_ALL_OBJECTIONS, R__MAX };

static const char *const words[R__MAX][6] = {
	[R_OUTCOME] = {"Outcome", "Conclusion", "Resultado", "النتيجة", "结论", "Итог"},
	[R_DISPOSITIONS] = {"Dispositions of objections", "Suite donnée aux objections",
		"Tratamiento de las objeciones", "معالجة الاعتراضات", "对反对意见的处理",
		"Решения по возражениям"},
	[R_OPEN] = {"open", "ouverte", "abierta", "مفتوح", "未决", "открыто"},
	[R_ADDRESSED] = {"addressed", "traitée", "atendida", "تمت معالجته", "已处理", "учтено"},
	[R_NOTED] = {"noted", "prise en note", "tomada en cuenta", "أُحيط به علما", "已备案",
		"принято к сведению"},
	[R_RESOLVED] = {"resolved", "résolue", "resuelta", "تمت تسويته", "已解决", "урегулировано"},
	[R_BY] = {"recorded by", "consigné par", "registrado por", "سجّله", "记录人",
		"записал"},
	[R_ALL_OBJECTIONS] = {"all objections", "toutes les objections", "todas las objeciones",
		"جميع الاعتراضات", "所有反对意见", "все возражения"},
};

static const char *const codes[6] = {"en", "fr", "es", "ar", "zh", "ru"};

static const char *W(const struct snd_form *f, int lang, enum rmsg m)
{
	const char *code = f && lang >= 0 && (size_t)lang < f->nlanguages ? f->languages[lang] : "en";
	int i;
	for (i = 0; i < 6; i++)
		if (strncmp(code, codes[i], 2) == 0 && (code[2] == '\0' || code[2] == '-'))
			return words[m][i];
	return words[m][0];
}

/* The status word of a disposition in the report's language (the stored
 * word itself when unknown). */
static const char *status_word(const struct snd_form *f, int lang, const char *st)
{
	int i;
	for (i = 0; st && i < SND_DISP__MAX; i++)
		if (strcmp(st, snd_disposition_names[i]) == 0)
			return W(f, lang, (enum rmsg)(R_OPEN + i));
	return NULL;
}

const char *snd_rpt_disposition_word(const struct snd_form *f, int lang, const char *st)
{
	const char *w = status_word(f, lang, st);
	return w != NULL ? w : st != NULL ? st : "";
}

/* " (recorded by X, 2026-...)" */
static void by_line(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *r)
{
	const char *by = snd_json_str(r, "by"), *at = snd_json_str(r, "at");
	snd_buf_puts(o, " <span class=\"rec-by\">(");
	snd_buf_html(o, W(f, lang, R_BY));
	snd_buf_puts(o, " <bdi>");
	snd_buf_html(o, by ? by : "");
	snd_buf_puts(o, "</bdi>");
	if (at) {
		snd_buf_puts(o, ", ");
		snd_buf_html(o, at);
	}
	snd_buf_puts(o, ")</span>");
}

void snd_report_record(struct snd_buf *o, const struct snd_form *f, int lang,
                       const cJSON *summary, const char *qid)
{
	const cJSON *outs = cJSON_GetObjectItemCaseSensitive(summary, "outcomes");
	const cJSON *disps = cJSON_GetObjectItemCaseSensitive(summary, "dispositions"), *r;
	const cJSON *outcome = NULL;
	int ndisp = 0;

	if (qid == NULL)
		return;
	cJSON_ArrayForEach(r, outs) {
		const char *q = snd_json_str(r, "question");
		if (q && strcmp(q, qid) == 0)
			outcome = r;
	}
	cJSON_ArrayForEach(r, disps) {
		const char *q = snd_json_str(r, "question");
		if (q && strcmp(q, qid) == 0)
			ndisp++;
	}
	if (outcome == NULL && ndisp == 0)
		return;
	snd_buf_puts(o, "<div class=\"snd-record\">\n");
	if (outcome) {
		snd_buf_puts(o, "<p class=\"outcome\"><strong>");
		snd_buf_html(o, W(f, lang, R_OUTCOME));
		snd_buf_puts(o, ":</strong> <span class=\"free\" dir=\"auto\">");
		snd_buf_html(o, snd_json_str(outcome, "text") ? snd_json_str(outcome, "text") : "");
		snd_buf_puts(o, "</span>");
		by_line(o, f, lang, outcome);
		snd_buf_puts(o, "</p>\n");
	}
	if (ndisp > 0) {
		snd_buf_puts(o, "<p class=\"rec-h\"><strong>");
		snd_buf_html(o, W(f, lang, R_DISPOSITIONS));
		snd_buf_puts(o, "</strong></p>\n<ul class=\"dispositions\">\n");
		cJSON_ArrayForEach(r, disps) {
			const char *q = snd_json_str(r, "question"), *ent = snd_json_str(r, "entity");
			const char *st = snd_json_str(r, "status"), *note = snd_json_str(r, "note");
			const char *sw = status_word(f, lang, st);
			if (q == NULL || strcmp(q, qid) != 0)
				continue;
			snd_buf_puts(o, "<li><bdi class=\"ent\">");
			snd_buf_html(o, ent && ent[0] ? ent : W(f, lang, R_ALL_OBJECTIONS));
			snd_buf_puts(o, "</bdi>: <strong class=\"disp disp-");
			snd_buf_html(o, sw ? st : "unknown");
			snd_buf_puts(o, "\">");
			snd_buf_html(o, sw ? sw : (st ? st : ""));
			snd_buf_puts(o, "</strong>");
			if (note && note[0]) {
				snd_buf_puts(o, " \xe2\x80\x94 <bdi class=\"free\" dir=\"auto\">");
				snd_buf_html(o, note);
				snd_buf_puts(o, "</bdi>");
			}
			by_line(o, f, lang, r);
			snd_buf_puts(o, "</li>\n");
		}
		snd_buf_puts(o, "</ul>\n");
	}
	snd_buf_puts(o, "</div>\n");
}
