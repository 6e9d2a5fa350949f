/* report_int.h - internal to libsounding: what report.c (the HTML and SVG
 * of a summary) asks of report_i18n.c (the report's own words in the six
 * UN languages).
 *
 * Not part of the public interface: only core/ includes this file.
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
	M_BREAKDOWN, M_BREAKDOWN_BY, M_GENERATED, M_PROPOSALS, M_PROPOSAL, M_VERDICT, M_GROUP_LEGEND, M_SHOWN_OF, M_SHOWN_OF_PSEUDO, M_SEE_ALL, M__MAX
};

/* Word m in the UI language of form language lang (a code xx or xx-YY,
 * xx one of en, fr, es, ar, zh, ru); English when the report does not
 * speak that language or has no translation of m.  A static string that
 * may hold "%s" slots for report.c's fill(), never for printf. */
const char *snd_report_msg(const struct snd_form *f, int lang, enum msg m);

#endif
