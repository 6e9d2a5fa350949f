/* report_int.h - internal to libsounding: what the report's files share.
 *
 *   report.c           the whole page: head and CSS, turnout, proposals,
 *                      groups (snd_report_html, snd_report_css)
 *   report_questions.c one question's section and the per-type renderers
 *                      (snd_report_question*): options, rank, position,
 *                      number, text
 *   report_scale.c     scale and matrix questions (distribution columns,
 *                      diverging bars, quartiles)
 *   report_charts.c    the drawing primitives: SVG frame, coordinates,
 *                      horizontal and diverging bars, and the small HTML
 *                      blocks (figures, notes, headings) every part uses
 *   report_i18n.c      the report's own words in the six UN languages,
 *                      their templates, and labels taken from the form
 *
 * Not part of the public interface: only core/report*.c include this file.
 * Every name here starts snd_rpt_ (or is the enum msg of the words).
 */
#ifndef SND_REPORT_INT_H
#define SND_REPORT_INT_H

#include "sounding.h"

/* The report's own words; the form supplies every label. */
enum msg {
	M_ANSWERS_PER_OPTION, M_SHARE_CHOOSING, M_LEADER, M_NO_LEADER, M_MARGIN, M_MULTI_NOTE,
	M_NO_OPTIONS, M_DISTRIBUTION, M_BELOW, M_AT, M_ABOVE, M_ANSWERED, M_MEAN, M_MEDIAN, M_IQR,
	M_CONSENSUS_TW, M_TW_NOTE, M_ROW_NOTE, M_NO_DIST, M_NO_ROWS, M_SCHULZE, M_NO_RANKINGS,
	M_CONDORCET, M_NONE, M_SCHULZE_NOTE, M_BORDA, M_BORDA_NOTE, M_PAIRWISE, M_SUPPORT,
	M_LIVE_WITH, M_OBJECT, M_ABSTAIN, M_POSITIONS, M_CONSENSUS_YES, M_OBJECTIONS_N,
	M_NO_POSITIONS, M_POS_NOTE, M_OBJECTIONS, M_MIN, M_MAX, M_RANGE_DESC, M_RANGE_LEGEND,
	M_NO_COMMENTS, M_UNKNOWN, M_RESULTS, M_QUESTIONNAIRE, M_RESPONSES, M_VOICE_DELEGATE,
	M_VOICE_ENTITY, M_PSEUDO, M_DRAFT, M_TURNOUT, M_DELEGATES, M_ENTITIES, M_ALL, M_BY,
	M_BREAKDOWN, M_BREAKDOWN_BY, M_GENERATED, M_PROPOSALS, M_PROPOSAL, M_VERDICT, M_GROUP_LEGEND, M_SHOWN_OF, M_SHOWN_OF_PSEUDO, M_SEE_ALL,
	/* the head's made time and schedule; group values; attributes; types */
	M_MADE, M_OPEN_UNTIL, M_OPEN_NO_CLOSE, M_CLOSED_SINCE, M_OPENS, M_OPENS_CLOSES,
	M_GROUP_NONE, M_GROUP_OTHER, M_ATTR_CATEGORY, M_ATTR_SG, M_ATTR_REGION, M_ATTR_HOD,
	M_TYPE_SINGLE, M_TYPE_MULTI, M_TYPE_SCALE, M_TYPE_MATRIX, M_TYPE_RANK, M_TYPE_POSITION,
	M_TYPE_NUMBER, M_TYPE_TEXT, M_TYPE_UNKNOWN,
	/* issue 12's measures: no view, Leik, van der Eijk, histogram, divided */
	M_NO_VIEW, M_NO_VIEW_N, M_LEIK, M_AGREEMENT, M_LEIK_NOTE, M_AGREEMENT_NOTE, M_HISTOGRAM,
	M_DIVIDED_ITEM, M_DIVIDED_NOTE,
	/* turnout against the roll */
	M_ROLL_ANSWERED, M_ROLL_REVOKED, M_INVITED, M_RATE,
	/* the objection register (snd_report_register) */
	M_REGISTER, M_REGISTER_NOTE, M_REG_STATUS, M_REG_ENTITY, M_REG_ENTITIES, M_REG_ROUND,
	M_REG_NO_ANSWER, M_REG_NONE, M_REG_DISPOSITION, M_ST_SUSTAINED, M_ST_NEW, M_ST_SILENT,
	M_ST_WITHDRAWN,
	/* a group smaller than the form's min_group */
	M_FEWER_THAN,
	M__MAX
};

/* ------------------------------------------------ words (report_i18n.c) */

/* Word m in the UI language of form language lang (a code xx or xx-YY,
 * xx one of en, fr, es, ar, zh, ru); English when the report does not
 * speak that language or has no translation of m.  A static string that
 * may hold "%s" slots for snd_rpt_fill(), never for printf. */
const char *snd_report_msg(const struct snd_form *f, int lang, enum msg m);

static inline const char *T(const struct snd_form *f, int lang, enum msg m)
{
	return snd_report_msg(f, lang, m);
}

/* The words of the four positions, in enum snd_position order. */
extern const enum msg snd_rpt_pos_msg[SND_POS__MAX];
/* The words of the question types, in enum snd_qtype order. */
extern const enum msg snd_rpt_type_msg[SND_Q__MAX];

/* The decimal separator of every number the report shows in form language
 * lang: that of its UI language (snd_fmt_decimal: ',' for fr, es, ru; '.'
 * for en, zh, and ar, which ITU documents write with Western digits), so
 * words and numbers always agree; '.' for a language the report does not
 * speak.  SVG coordinates never use it (snd_rpt_coord). */
char snd_rpt_dec(const struct snd_form *f, int lang);

/* The table's own text of m in UI language code ("fr"), NULL when it has
 * none (for the test that every message is translated). */
const char *snd_rpt_msg_raw(const char *code, enum msg m);

/* The name of attribute attr in words of form language lang: category,
 * sg, region and hod have one in every UI language (in English their own
 * names, so English reports keep their bytes); NULL for any other
 * attribute, which callers show as itself (snd_rpt_html_attr). */
const char *snd_rpt_attr_word(const struct snd_form *f, int lang, const char *attr);
/* A group's value as shown: "(none)" and "(other)", the engine's names
 * for "no value" and "past the cap", in words of lang; others as they are. */
const char *snd_rpt_group_name(const struct snd_form *f, int lang, const char *value);
/* Template tpl with its one "%s" slot filled with attribute attr, escaped
 * into o: its word when it has one, else (outside English) the attribute
 * itself as <code>attr</code>, which reads as a name, not a word. */
void snd_rpt_html_attr(struct snd_buf *o, const struct snd_form *f, int lang, const char *tpl,
                       const char *attr);

/* Appends template tpl with each "%s" replaced, in order, by args[i]
 * (missing args as ""), unescaped: the caller escapes the result. */
/* 1 when a group (or turnout value) is smaller than the form's min_group
 * and shows no figures: {"responses": null, "suppressed": true, ...}. */
static inline int snd_rpt_suppressed(const cJSON *g)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "suppressed"));
}
void snd_rpt_fill(struct snd_buf *b, const char *tpl, const char *const *args, size_t n);
/* The same, escaped into o (a failure of the scratch buffer fails o). */
void snd_rpt_html_fill(struct snd_buf *o, const char *tpl, const char *const *args, size_t n);

/* Label l in form language lang (the form's first language when lang has
 * none); NULL when the form gave no label. */
const char *snd_rpt_label(const struct snd_form *f, const struct snd_label *l, int lang);
/* The display label of an option (or row) id among opts[0..n), falling
 * back to the id, then to "?". */
const char *snd_rpt_opt_label(const struct snd_form *f, const struct snd_option *opts, size_t n,
                              const char *id, int lang);

/* ---------------------------------------------- numbers (core/fmt.c) */

/* Number key of o formatted by fmt (snd_fmt_stat or snd_fmt_value), which
 * shows a dash when the key is absent or not a finite number. */
static inline void snd_rpt_num(char out[SND_FMT_LEN], const cJSON *o, const char *key,
                               void (*fmt)(char[SND_FMT_LEN], double, int, char), char dec)
{
	double d = 0;
	int ok = snd_json_num(o, key, &d);
	fmt(out, d, ok, dec);
}

/* ---------------------------------------- primitives (report_charts.c) */

#define SND_RPT_CHART_W 640
#define SND_RPT_BAR_W 440        /* track length of a horizontal bar at share 1 */
#define SND_RPT_LABEL_CHARS 72   /* code points of a label shown inside a chart */

/* The colours of the four positions, in enum snd_position order. */
extern const char *const snd_rpt_pos_fill[SND_POS__MAX];

/* Attribute ` name="v"` with one decimal, clamped to +-1e6, 0 when tiny or
 * not finite. */
void snd_rpt_coord(struct snd_buf *o, const char *name, double v);
/* s escaped, cut to at most max (<= SND_RPT_LABEL_CHARS) code points with
 * an ellipsis, cutting only between UTF-8 sequences. */
void snd_rpt_html_trunc(struct snd_buf *o, const char *s, size_t max);
/* Opens <svg class=cls role="img"> of the chart width and height, with
 * desc (escaped) as its aria-label and <title>.  The caller closes it. */
void snd_rpt_svg_open(struct snd_buf *o, const char *cls, int height, const struct snd_buf *desc);

struct snd_rpt_bar {
	const char *label;
	double value;        /* bar length is value / full of the track */
	const char *text;    /* the figure printed after the bar */
};

/* A whole chart of n labelled horizontal bars, titled title. */
void snd_rpt_hbars(struct snd_buf *o, const char *title, const struct snd_rpt_bar *rows, size_t n,
                   double full);
/* Three rects at y, h high: share sp[0] (below a midpoint) left of the
 * centre cx, sp[1] (at it) straddling cx, sp[2] (above) right of it; a
 * share of 1 is half long. */
void snd_rpt_diverging(struct snd_buf *o, int y, int h, double cx, double half, const double sp[3]);

/* <dt>name</dt><dd>value</dd>, both escaped. */
void snd_rpt_figure(struct snd_buf *o, const char *name, const char *value);
/* <tag class="cls">text</tag> (no class attribute when cls is NULL), text
 * escaped: the notes, headings and "nothing to show" lines. */
void snd_rpt_elem(struct snd_buf *o, const char *tag, const char *cls, const char *text);
/* A one-line explanation of a measure. */
void snd_rpt_explain(struct snd_buf *o, const char *text);
/* A "nothing to show" line. */
void snd_rpt_none(struct snd_buf *o, const char *text);
/* <th scope="col">text</th>. */
void snd_rpt_th_col(struct snd_buf *o, const char *text);
/* The standing of position summary qs as element tag: consensus, "N
 * objections", or no positions; its classes are base (may be NULL) plus
 * snd-consensus or snd-objected. */
void snd_rpt_verdict(struct snd_buf *o, const struct snd_form *f, int lang, const cJSON *qs,
                     const char *tag, const char *base);

/* ----------------------------------------- scale, matrix (report_scale.c) */

/* A scale question's summary qs (or one matrix row's, titled rowname). */
void snd_rpt_scale(struct snd_buf *o, const struct snd_form *f, int lang,
                   const struct snd_question *q, const cJSON *qs, const char *rowname);
/* A matrix question's summary: every row at a glance, then each in full. */
void snd_rpt_matrix(struct snd_buf *o, const struct snd_form *f, int lang,
                    const struct snd_question *q, const cJSON *qs);

/* report_record.c: a disposition's status ("addressed") in the words of
 * language lang; the stored word itself when unknown, "" for NULL. */
const char *snd_rpt_disposition_word(const struct snd_form *f, int lang, const char *st);

#endif
