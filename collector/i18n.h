/* i18n.h - the collector's UI texts ("chrome") in the six UN languages,
 * kept in i18n.c: the language table, one message table, and the lookups
 * the page files (page_*.c) render with.  Forms bring their own labels; this is only the
 * collector's own words.
 *
 * The chrome is appended to pages unescaped (page_html.c, invariant 1), so no
 * message may hold < > & or " (test_pages checks every one). */
#ifndef SND_I18N_H
#define SND_I18N_H

/* The UI languages, in the order of page_message's lang without a form. */
enum { UN_EN, UN_FR, UN_ES, UN_AR, UN_ZH, UN_RU, UN__MAX };

/* Their codes: "en", "fr", "es", "ar", "zh", "ru". */
extern const char *const un_codes[UN__MAX];

enum msg {
	M_LANG, M_SKIP, M_REQUIRED, M_SUBMIT, M_NO_VIEW,
	M_SUPPORT, M_LIVE_WITH, M_OBJECT, M_ABSTAIN, M_REASON, M_REASON_SHORT,
	M_ERR_HEAD, M_ERR_NOT_SAVED, M_ERR_PREFIX,
	M_CHOOSE_BETWEEN, M_CHOOSE_UP_TO, M_CHOOSE_EXACTLY, M_CHOOSE_AT_LEAST,
	M_RANK_HINT, M_RANK_AT_LEAST, M_RANK_AT_MOST, M_NOT_RANKED,
	M_SHOW_IF, M_OR, M_SAVED, M_CLOSES, M_CLOSES_SOON, M_CLOSED, M_DRAFT,
	M_ANSWERING_AS, M_ANSWERING_AS1,
	M_NUM_RANGE, M_WHOLE_RANGE, M_NUM_MIN, M_NUM_MAX, M_WHOLE, M_MAX_CHARS,
	M_RECEIPT_TITLE, M_RECEIPT_LINE, M_WHAT_RECORDED, M_NOTHING_ANSWERED,
	M_YOUR_RECEIPT, M_REVISION, M_TIME_UTC, M_HASH, M_TOKEN, M_RECEIPT_KEEP,
	M_RECEIPT_HASH, M_SALT, M_RECEIPT_SALT, M_EDIT, M_COPY, M_COPIED,
	M_CHAIR, M_TURNOUT, M_DELEGATES, M_ENTITIES, M_BY_CATEGORY, M_BY_SG, M_BY_REGION,
	M_GROUP, M_CONS_HEAD, M_CONS_INTRO, M_PROPOSAL, M_SUPPORT_SHARE, M_ANSWERED,
	M_CONSENSUS, M_YES, M_NO, M_OBJECTIONS, M_NO_OBJECTIONS, M_ENTITY_HIDDEN,
	M_ALL_QUESTIONS, M_BREAKDOWN_BY, M_RESPONSES, M_VIEW, M_BREAK_DOWN,
	M_NO_BREAKDOWN, M_A_CATEGORY, M_A_SG, M_A_REGION, M_A_ENTITY, M_WEIGHT,
	M_W_DELEGATE, M_W_ENTITY, M_SHOW, M_DOWNLOAD, M_DL_JSON, M_DL_CSV,
	M_UPDATED, M_REFRESHES, M_NO_RESPONSES, M_NO_PROPOSALS,
	M_OPENS_ON, M_CLOSED_ON, M_OPEN_NO_CLOSE, M_WINDOW_SET,
	M_SHOWN_OF, M_SHOWN_OF_PSEUDO, M_SEE_ALL, M_COMMENTS, M_NO_COMMENTS, M_BACK, M_PAGES,
	M_PREV, M_NEXT, M_PAGE_OF, M_ITEMS_OF, M_GROUPS_SHOWN,
	M_E_REQUIRED, M_E_REASON, M_E_NUMBER, M_E_WHOLE,
	/* switching sessions (page_session.c), the revision limits */
	M_SW_TITLE, M_SW_CURRENT, M_SW_NEW, M_SW_WHY, M_SW_CONTINUE, M_SW_STAY,
	M_ROLE_DELEGATE, M_ROLE_CHAIR,
	M_LIMIT_TITLE, M_LIMIT_TOTAL, M_LIMIT_RATE, M_LIMIT_FORM, M_LIMIT_RECEIPT,
	/* the chair's record (page_record.c), results for delegates
	 * (page_results.c), the previous round's answer (page_questions.c) */
	M_REC_TITLE, M_REC_LINK, M_REC_INTRO, M_REC_OUTCOME, M_REC_NO_OUTCOME, M_REC_SAVE_OUTCOME,
	M_REC_OBJ_HEAD, M_REC_NO_OBJ, M_REC_ALL_OBJ, M_REC_STATUS, M_REC_NOTE, M_REC_SAVE_DISP,
	M_REC_ST_OPEN, M_REC_ST_ADDRESSED, M_REC_ST_NOTED, M_REC_ST_RESOLVED, M_REC_NONE_YET,
	M_REC_SAVED, M_REC_BY,
	M_RES_TITLE, M_RES_CHAIRS, M_RES_AFTER, M_RES_AFTER_AT, M_RES_LINK, M_RES_OUTCOME,
	M_PREV_ANSWER,
	/* Error and notice pages (http_resp.c, page_message): a title per
	 * status, then the texts; the English is what the handlers pass. */
	M_T_400, M_T_401, M_T_403, M_T_404, M_T_405, M_T_409, M_T_413, M_T_429, M_T_503,
	M_T_ERROR,
	M_X_BAD_REQUEST, M_X_MALFORMED, M_X_BAD_ADDRESS, M_X_FORM_FORMAT, M_X_FORM_CHARS,
	M_X_LINK_ALTERED, M_X_LINK_OTHER, M_X_LINK_EXPIRED, M_X_LINK_NOT_YET, M_X_LINK_REVOKED,
	M_X_LINK_MALFORMED, M_X_LINK_INCOMPLETE, M_X_NO_SESSION, M_X_OTHER_SESSION,
	M_X_CHAIR_ONLY, M_X_CHAIR_NO_ANSWER, M_X_CSRF, M_X_FORBIDDEN, M_X_NOT_FOUND,
	M_X_NO_RECEIPT, M_X_METHOD, M_X_NOT_YET, M_X_KEPT, M_X_TOO_BIG, M_X_RATE,
	M_X_MAX_REVS, M_X_BUSY, M_X_STOPPING, M_X_ERROR, M_CONTINUE,
	/* Drafts (page_form.c). */
	M_SAVE_DRAFT, M_DRAFT_SAVED, M_DRAFT_COUNTS, M_DRAFT_UNCOUNTED, M_DRAFT_NOT_SAVED,
	/* More handler wordings (delegate.c's session switch, request.c's Origin check). */
	M_X_SWITCH_CSRF, M_X_CROSS_ORIGIN,
	/* turnout against the roll (page_chair.c) */
	M_INVITED_ANSWERED, M_ANSWERED_INVITED, M_RATE, M_REVOKED_N, M_NOT_ANSWERED,
	M_NOT_ANSWERED_MORE,
	/* a group smaller than the questionnaire's min_group (page_chair.c) */
	M_FEWER_THAN,
	/* the group of delegates without the attribute (turnout tables) */
	M_GROUP_NONE,
	M__MAX
};

/* {1} and {2} are placeholders filled by page_html.c's put_msg, so each language keeps its
 * own word order.  Plural-sensitive phrasings are avoided on purpose (a
 * count is put after a colon or in parentheses) so one string per language
 * is right for every number. */
extern const char *const msgs[M__MAX][UN__MAX];

/* Message m in UI language un (English when un is out of range or the
 * translation is missing). */
const char *tr(int un, enum msg m);
/* Index in the UN table of a language code by its primary subtag ("fr-CH"
 * counts as French); English for anything else. */
int un_index(const char *code);
/* The UN language an Accept-Language header prefers (highest q, then
 * first), English when it names none of the six or is NULL. */
int un_accept(const char *header);
/* The message whose English text is exactly s, or M__MAX. */
enum msg msg_by_en(const char *s);
/* 1 when the language (by primary subtag) is written right to left. */
int is_rtl(const char *code);
/* The name of a language in itself ("Français"), or the code itself when
 * it is not one of the six. */
const char *lang_name(const char *code);

#endif
