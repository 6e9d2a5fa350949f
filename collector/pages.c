/* pages.c - the collector's server-rendered HTML and its static assets
 * (interface in pages.h).
 *
 * Owns: the page skeleton (head, language switcher), one renderer per
 * question type, the form, receipt, message and chair pages, the stylesheet
 * (ours plus snd_report_css), the optional script, and the table of UI
 * texts ("chrome") in the six UN languages.
 *
 * Invariants:
 *   1. Every string that comes from a form, an answer, a summary or a request
 *      passes snd_buf_html (URLs are percent-encoded first, then escaped;
 *      a textarea's editable content passes esc_value, which differs only
 *      in how it neutralises bidi controls).
 *      Only this file's constants are appended raw; the chrome table holds
 *      none of < > & " (test_pages checks it), so it needs no escaping.
 *   2. No inline script, no style attribute, no event handler attribute: the
 *      Content-Security-Policy is 'self', and the pages work with JS off.
 *   3. Field names are exactly those documented at snd_form_answers_from_post,
 *      so a posted page round-trips through core/urlenc.c.
 *   4. Element ids derive from question, option and row ids, which form.c
 *      restricts to [a-z0-9_]; ids are "q-QID" (the fieldset), "f-QID..." (a
 *      control), "q-QID-help|hint|if|err" (descriptions).
 *   5. Pure functions of their arguments (the clock comes in through
 *      page_req.now), except page_css/page_js, which are built once.
 */
#include "pages.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------ chrome table */

enum { UN_EN, UN_FR, UN_ES, UN_AR, UN_ZH, UN_RU, UN__MAX };

static const char *const un_codes[UN__MAX] = { "en", "fr", "es", "ar", "zh", "ru" };
static const char *const un_names[UN__MAX] = {
	"English", "Français", "Español", "العربية", "中文", "Русский"
};

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
	M_RECEIPT_HASH, M_EDIT, M_COPY, M_COPIED,
	M_CHAIR, M_TURNOUT, M_DELEGATES, M_ENTITIES, M_BY_CATEGORY, M_BY_SG, M_BY_REGION,
	M_GROUP, M_CONS_HEAD, M_CONS_INTRO, M_PROPOSAL, M_SUPPORT_SHARE, M_ANSWERED,
	M_CONSENSUS, M_YES, M_NO, M_OBJECTIONS, M_NO_OBJECTIONS, M_ENTITY_HIDDEN,
	M_ALL_QUESTIONS, M_BREAKDOWN_BY, M_RESPONSES, M_VIEW, M_BREAK_DOWN,
	M_NO_BREAKDOWN, M_A_CATEGORY, M_A_SG, M_A_REGION, M_A_ENTITY, M_WEIGHT,
	M_W_DELEGATE, M_W_ENTITY, M_SHOW, M_DOWNLOAD, M_DL_JSON, M_DL_CSV,
	M_UPDATED, M_REFRESHES, M_NO_RESPONSES, M_NO_PROPOSALS,
	M_OPENS_ON, M_CLOSED_ON, M_OPEN_NO_CLOSE, M_WINDOW_SET,
	M_E_REQUIRED, M_E_REASON, M_E_NUMBER, M_E_WHOLE,
	M__MAX
};

/* {1} and {2} are placeholders filled by put_msg, so each language keeps its
 * own word order.  Plural-sensitive phrasings are avoided on purpose (a
 * count is put after a colon or in parentheses) so one string per language
 * is right for every number. */
static const char *const msgs[M__MAX][UN__MAX] = {
	[M_LANG] = { "Language", "Langue", "Idioma", "اللغة", "语言", "Язык" },
	[M_SKIP] = { "Skip to the questions", "Aller aux questions", "Ir a las preguntas",
		"انتقل إلى الأسئلة", "跳到问题", "Перейти к вопросам" },
	[M_REQUIRED] = { "Required", "Obligatoire", "Obligatoria", "إلزامي", "必答", "Обязательно" },
	[M_SUBMIT] = { "Submit answers", "Envoyer les réponses", "Enviar respuestas",
		"إرسال الإجابات", "提交答复", "Отправить ответы" },
	[M_NO_VIEW] = { "No view", "Sans avis", "Sin opinión", "لا رأي", "无意见", "Нет мнения" },
	[M_SUPPORT] = { "Support", "Soutien", "Apoyo", "تأييد", "支持", "Поддержка" },
	[M_LIVE_WITH] = { "Can live with", "Peut s’en accommoder", "Puede aceptarlo",
		"يمكن قبوله", "可以接受", "Могу согласиться" },
	[M_OBJECT] = { "Object", "Objection", "Objeción", "اعتراض", "反对", "Возражение" },
	[M_ABSTAIN] = { "Abstain", "Abstention", "Abstención", "امتناع", "弃权", "Воздержание" },
	[M_REASON] = { "Reason (required if you object)", "Motif (obligatoire en cas d’objection)",
		"Motivo (obligatorio si presenta una objeción)", "السبب (إلزامي في حالة الاعتراض)",
		"理由（如反对则必填）", "Причина (обязательно при возражении)" },
	[M_REASON_SHORT] = { "Reason", "Motif", "Motivo", "السبب", "理由", "Причина" },
	[M_ERR_HEAD] = { "Some answers need your attention", "Certaines réponses sont à revoir",
		"Algunas respuestas requieren su atención", "بعض الإجابات تحتاج إلى مراجعة",
		"部分答复需要修改", "Некоторые ответы требуют внимания" },
	[M_ERR_NOT_SAVED] = { "Nothing has been saved yet. Correct these answers and submit again.",
		"Rien n’a encore été enregistré. Corrigez ces réponses et envoyez-les de nouveau.",
		"Todavía no se ha guardado nada. Corrija estas respuestas y envíelas de nuevo.",
		"لم يُحفظ أي شيء بعد. صحّح هذه الإجابات ثم أرسلها مرة أخرى.",
		"尚未保存任何内容。请更正这些答复后重新提交。",
		"Пока ничего не сохранено. Исправьте эти ответы и отправьте снова." },
	[M_ERR_PREFIX] = { "Error:", "Erreur :", "Error:", "خطأ:", "错误：", "Ошибка:" },
	[M_CHOOSE_BETWEEN] = { "Choose between {1} and {2} options.", "Choisissez des options (de {1} à {2}).",
		"Elija opciones (de {1} a {2}).", "اختر الخيارات (من {1} إلى {2}).",
		"请选择 {1} 至 {2} 项。", "Выберите варианты (от {1} до {2})." },
	[M_CHOOSE_UP_TO] = { "Choose at most {1}.", "Choisissez des options (au plus {1}).",
		"Elija opciones (como máximo {1}).", "اختر الخيارات (بحد أقصى {1}).",
		"最多选择 {1} 项。", "Выберите варианты (не более {1})." },
	[M_CHOOSE_EXACTLY] = { "Choose exactly {1}.", "Choisissez des options (exactement {1}).",
		"Elija opciones (exactamente {1}).", "اختر الخيارات ({1} بالضبط).",
		"请正好选择 {1} 项。", "Выберите варианты (ровно {1})." },
	[M_CHOOSE_AT_LEAST] = { "Choose at least {1}.", "Choisissez des options (au moins {1}).",
		"Elija opciones (al menos {1}).", "اختر الخيارات ({1} على الأقل).",
		"至少选择 {1} 项。", "Выберите варианты (не менее {1})." },
	[M_RANK_HINT] = {
		"Give each option you want to rank a place: 1 for your first choice, 2 for the next, "
		"and so on. Leave “—” on options you do not rank. Use each place only once, without gaps.",
		"Attribuez une place à chaque option que vous souhaitez classer : 1 pour votre premier "
		"choix, 2 pour le suivant, etc. Laissez « — » pour les options que vous ne classez pas. "
		"Chaque place ne s’utilise qu’une fois, sans trou.",
		"Asigne un puesto a cada opción que quiera clasificar: 1 para su primera opción, 2 para "
		"la siguiente, y así sucesivamente. Deje «—» en las opciones que no clasifique. Use cada "
		"puesto una sola vez, sin saltos.",
		"أعطِ كل خيار تريد ترتيبه مرتبة: 1 لاختيارك الأول، و2 للذي يليه، وهكذا. اترك «—» "
		"للخيارات التي لا ترتّبها. استخدم كل مرتبة مرة واحدة فقط ودون فجوات.",
		"为您要排序的每个选项指定名次：1 表示首选，2 表示其次，依此类推。不排序的选项保留“—”。"
		"每个名次只能使用一次，且不能跳号。",
		"Присвойте место каждому варианту, который хотите ранжировать: 1 — первый выбор, "
		"2 — следующий и так далее. Для остальных вариантов оставьте «—». Каждое место "
		"используйте один раз, без пропусков." },
	[M_RANK_AT_LEAST] = { "Rank at least {1}.", "Classez-en au moins {1}.", "Clasifique al menos {1}.",
		"رتّب {1} على الأقل.", "至少排序 {1} 项。", "Ранжируйте не менее {1}." },
	[M_RANK_AT_MOST] = { "Rank at most {1}.", "Classez-en au plus {1}.", "Clasifique como máximo {1}.",
		"رتّب {1} على الأكثر.", "最多排序 {1} 项。", "Ранжируйте не более {1}." },
	[M_NOT_RANKED] = { "not ranked", "non classé", "sin clasificar", "غير مرتّب", "不排序", "без места" },
	[M_SHOW_IF] = { "Answer this only if you chose {1} in question {2}.",
		"Ne répondez que si vous avez choisi {1} à la question {2}.",
		"Responda solo si eligió {1} en la pregunta {2}.",
		"أجب عن هذا السؤال فقط إذا اخترت {1} في السؤال {2}.",
		"仅当您在第 {2} 题中选择了{1}时才回答此题。",
		"Отвечайте, только если в вопросе {2} вы выбрали {1}." },
	[M_OR] = { "or", "ou", "o", "أو", "或", "или" },
	[M_SAVED] = { "Your answers are saved (revision {1}). You can change them until the questionnaire closes.",
		"Vos réponses sont enregistrées (révision {1}). Vous pouvez les modifier jusqu’à la clôture du questionnaire.",
		"Sus respuestas están guardadas (revisión {1}). Puede modificarlas hasta el cierre del cuestionario.",
		"تم حفظ إجاباتك (المراجعة {1}). يمكنك تعديلها حتى إغلاق الاستبيان.",
		"您的答复已保存（第 {1} 版）。在问卷关闭前您可以随时修改。",
		"Ваши ответы сохранены (редакция {1}). Их можно изменить до закрытия опроса." },
	[M_CLOSES] = { "This questionnaire closes on {1} (UTC).", "Ce questionnaire sera clos le {1} (UTC).",
		"Este cuestionario se cierra el {1} (UTC).", "يُغلق هذا الاستبيان في {1} (UTC).",
		"本问卷将于 {1}（UTC）关闭。", "Опрос закрывается {1} (UTC)." },
	[M_CLOSES_SOON] = { "Less than a day left.", "Il reste moins d’un jour.", "Queda menos de un día.",
		"تبقّى أقل من يوم.", "剩余不到一天。", "Осталось меньше суток." },
	[M_CLOSED] = { "This questionnaire is closed.", "Ce questionnaire est clos.",
		"Este cuestionario está cerrado.", "هذا الاستبيان مغلق.", "本问卷已关闭。", "Опрос закрыт." },
	[M_DRAFT] = { "This translation is a draft. Original text: {1}.",
		"Cette traduction est provisoire. Texte original : {1}.",
		"Esta traducción es un borrador. Texto original: {1}.",
		"هذه الترجمة مسودة. النص الأصلي: {1}.", "此译文为草稿。原文：{1}。",
		"Этот перевод — черновик. Оригинал: {1}." },
	[M_ANSWERING_AS] = { "Answering as {1} for {2}.", "Vous répondez en tant que {1} pour {2}.",
		"Responde como {1} en nombre de {2}.", "تجيب بصفتك {1} باسم {2}.",
		"您以 {1} 的身份代表 {2} 作答。", "Вы отвечаете как {1} от имени {2}." },
	[M_ANSWERING_AS1] = { "Answering as {1}.", "Vous répondez en tant que {1}.", "Responde como {1}.",
		"تجيب بصفتك {1}.", "您以 {1} 的身份作答。", "Вы отвечаете как {1}." },
	[M_NUM_RANGE] = { "A number from {1} to {2}.", "Un nombre de {1} à {2}.", "Un número de {1} a {2}.",
		"رقم من {1} إلى {2}.", "{1} 至 {2} 之间的数字。", "Число от {1} до {2}." },
	[M_WHOLE_RANGE] = { "A whole number from {1} to {2}.", "Un nombre entier de {1} à {2}.",
		"Un número entero de {1} a {2}.", "عدد صحيح من {1} إلى {2}.",
		"{1} 至 {2} 之间的整数。", "Целое число от {1} до {2}." },
	[M_NUM_MIN] = { "At least {1}.", "Au moins {1}.", "Como mínimo {1}.", "{1} على الأقل.",
		"不小于 {1}。", "Не меньше {1}." },
	[M_NUM_MAX] = { "At most {1}.", "Au plus {1}.", "Como máximo {1}.", "{1} على الأكثر.",
		"不大于 {1}。", "Не больше {1}." },
	[M_WHOLE] = { "A whole number.", "Un nombre entier.", "Un número entero.", "عدد صحيح.",
		"请填写整数。", "Целое число." },
	[M_MAX_CHARS] = { "Up to {1} characters.", "Jusqu’à {1} caractères.", "Hasta {1} caracteres.",
		"الحد الأقصى للأحرف: {1}.", "最多 {1} 个字符。", "Не более {1} символов." },
	[M_RECEIPT_TITLE] = { "Your answers are recorded", "Vos réponses sont enregistrées",
		"Sus respuestas han quedado registradas", "تم تسجيل إجاباتك", "您的答复已记录",
		"Ваши ответы записаны" },
	[M_RECEIPT_LINE] = { "Revision {1}, recorded on {2} (UTC).", "Révision {1}, enregistrée le {2} (UTC).",
		"Revisión {1}, registrada el {2} (UTC).", "المراجعة {1}، سُجّلت في {2} (UTC).",
		"第 {1} 版，记录于 {2}（UTC）。", "Редакция {1}, записана {2} (UTC)." },
	[M_WHAT_RECORDED] = { "What was recorded", "Ce qui a été enregistré", "Lo que se ha registrado",
		"ما تم تسجيله", "已记录的内容", "Что записано" },
	[M_NOTHING_ANSWERED] = { "No question was answered.", "Aucune question n’a reçu de réponse.",
		"No se respondió ninguna pregunta.", "لم تتم الإجابة عن أي سؤال.", "未回答任何问题。",
		"Ни на один вопрос не дан ответ." },
	[M_YOUR_RECEIPT] = { "Your receipt", "Votre accusé de réception", "Su comprobante", "إيصالك",
		"您的回执", "Ваша квитанция" },
	[M_REVISION] = { "Revision", "Révision", "Revisión", "المراجعة", "版本", "Редакция" },
	[M_TIME_UTC] = { "Time (UTC)", "Heure (UTC)", "Hora (UTC)", "الوقت (UTC)", "时间（UTC）", "Время (UTC)" },
	[M_HASH] = { "Hash (SHA-256)", "Empreinte (SHA-256)", "Hash (SHA-256)", "البصمة (SHA-256)",
		"哈希值（SHA-256）", "Хеш (SHA-256)" },
	[M_TOKEN] = { "Receipt token", "Jeton de l’accusé de réception", "Token del comprobante",
		"رمز الإيصال", "回执令牌", "Токен квитанции" },
	[M_RECEIPT_KEEP] = {
		"Keep this token: it proves what the collector recorded for you. It is signed with the "
		"questionnaire’s receipt key, so anyone holding the public key (receipt.public) can check it:",
		"Conservez ce jeton : il prouve ce que le collecteur a enregistré pour vous. Il est signé "
		"avec la clé de reçu du questionnaire ; toute personne disposant de la clé publique "
		"(receipt.public) peut le vérifier :",
		"Guarde este token: demuestra lo que el recolector registró para usted. Está firmado con "
		"la clave de comprobantes del cuestionario, de modo que cualquiera que tenga la clave "
		"pública (receipt.public) puede verificarlo:",
		"احتفظ بهذا الرمز: فهو يثبت ما سجّله المُجمِّع لك. وهو موقَّع بمفتاح الإيصالات الخاص "
		"بالاستبيان، لذا يمكن لأي شخص لديه المفتاح العام (receipt.public) التحقق منه:",
		"请保存此令牌：它证明收集器为您记录的内容。它由问卷的回执密钥签名，任何持有公钥"
		"（receipt.public）的人都可以验证：",
		"Сохраните этот токен: он подтверждает, что именно записал для вас сборщик. Он подписан "
		"ключом квитанций опроса, и любой, у кого есть открытый ключ (receipt.public), может "
		"его проверить:" },
	[M_RECEIPT_HASH] = {
		"The hash is the SHA-256 of your answers written as RFC 8785 canonical JSON; the same "
		"hash is inside the token and in the published list of responses.",
		"L’empreinte est le SHA-256 de vos réponses écrites en JSON canonique (RFC 8785) ; la "
		"même empreinte figure dans le jeton et dans la liste publiée des réponses.",
		"El hash es el SHA-256 de sus respuestas escritas en JSON canónico (RFC 8785); el mismo "
		"hash figura en el token y en la lista publicada de respuestas.",
		"البصمة هي SHA-256 لإجاباتك مكتوبةً بصيغة JSON القانونية (RFC 8785)؛ وترد البصمة "
		"نفسها في الرمز وفي القائمة المنشورة للردود.",
		"哈希值是按 RFC 8785 规范 JSON 写出的答复的 SHA-256；令牌中和公布的答复列表中是同一哈希值。",
		"Хеш — это SHA-256 ваших ответов, записанных в каноническом JSON (RFC 8785); тот же "
		"хеш содержится в токене и в опубликованном списке ответов." },
	[M_EDIT] = { "Change your answers", "Modifier vos réponses", "Modificar sus respuestas",
		"تعديل إجاباتك", "修改您的答复", "Изменить ответы" },
	[M_COPY] = { "Copy", "Copier", "Copiar", "نسخ", "复制", "Копировать" },
	[M_COPIED] = { "Copied", "Copié", "Copiado", "تم النسخ", "已复制", "Скопировано" },
	[M_CHAIR] = { "Chair dashboard", "Tableau de bord de la présidence", "Panel de la presidencia",
		"لوحة متابعة الرئيس", "主席仪表板", "Панель председателя" },
	[M_TURNOUT] = { "Turnout", "Participation", "Participación", "المشاركة", "参与情况", "Участие" },
	[M_DELEGATES] = { "Delegates", "Délégués", "Delegados", "المندوبون", "代表", "Делегаты" },
	[M_ENTITIES] = { "Entities", "Entités", "Entidades", "الكيانات", "实体", "Организации" },
	[M_BY_CATEGORY] = { "By membership category", "Par catégorie de membre", "Por categoría de miembro",
		"حسب فئة العضوية", "按成员类别", "По категории членства" },
	[M_BY_SG] = { "By study group", "Par commission d’études", "Por comisión de estudio",
		"حسب لجنة الدراسات", "按研究组", "По исследовательским комиссиям" },
	[M_BY_REGION] = { "By region", "Par région", "Por región", "حسب المنطقة", "按区域", "По регионам" },
	[M_GROUP] = { "Group", "Groupe", "Grupo", "المجموعة", "组别", "Группа" },
	[M_CONS_HEAD] = { "Closest to consensus", "Les plus proches du consensus", "Más cerca del consenso",
		"الأقرب إلى توافق الآراء", "最接近协商一致", "Ближе всего к консенсусу" },
	[M_CONS_INTRO] = { "Proposals with the fewest objections first, then by share of support.",
		"D’abord les propositions ayant le moins d’objections, puis par part de soutien.",
		"Primero las propuestas con menos objeciones, luego por proporción de apoyo.",
		"المقترحات ذات الاعتراضات الأقل أولاً، ثم حسب نسبة التأييد.",
		"先列反对最少的提案，再按支持比例排序。",
		"Сначала предложения с наименьшим числом возражений, затем по доле поддержки." },
	[M_PROPOSAL] = { "Proposal", "Proposition", "Propuesta", "المقترح", "提案", "Предложение" },
	[M_SUPPORT_SHARE] = { "Support share", "Part de soutien", "Proporción de apoyo", "نسبة التأييد",
		"支持比例", "Доля поддержки" },
	[M_ANSWERED] = { "Answered", "Réponses", "Respuestas", "الإجابات", "答复数", "Ответили" },
	[M_CONSENSUS] = { "Consensus", "Consensus", "Consenso", "توافق الآراء", "协商一致", "Консенсус" },
	[M_YES] = { "Yes", "Oui", "Sí", "نعم", "是", "Да" },
	[M_NO] = { "No", "Non", "No", "لا", "否", "Нет" },
	[M_OBJECTIONS] = { "Objections", "Objections", "Objeciones", "الاعتراضات", "反对意见", "Возражения" },
	[M_NO_OBJECTIONS] = { "No objections.", "Aucune objection.", "Ninguna objeción.", "لا اعتراضات.",
		"无反对意见。", "Возражений нет." },
	[M_ENTITY_HIDDEN] = { "(entity not shown)", "(entité non indiquée)", "(entidad no indicada)",
		"(الكيان غير معروض)", "（未显示实体）", "(организация не указана)" },
	[M_ALL_QUESTIONS] = { "All questions", "Toutes les questions", "Todas las preguntas",
		"جميع الأسئلة", "所有问题", "Все вопросы" },
	[M_BREAKDOWN_BY] = { "Breakdown by {1}", "Ventilation : {1}", "Desglose: {1}", "التوزيع حسب {1}",
		"按{1}细分", "Разбивка: {1}" },
	[M_RESPONSES] = { "Responses: {1}", "Réponses : {1}", "Respuestas: {1}", "الردود: {1}",
		"答复：{1}", "Ответов: {1}" },
	[M_VIEW] = { "Display", "Affichage", "Visualización", "العرض", "显示方式", "Отображение" },
	[M_BREAK_DOWN] = { "Break down by", "Ventiler par", "Desglosar por", "التوزيع حسب", "细分依据",
		"Разбивка по" },
	[M_NO_BREAKDOWN] = { "No breakdown", "Aucune ventilation", "Sin desglose", "بدون توزيع", "不细分",
		"Без разбивки" },
	[M_A_CATEGORY] = { "Membership category", "Catégorie de membre", "Categoría de miembro",
		"فئة العضوية", "成员类别", "Категория членства" },
	[M_A_SG] = { "Study group", "Commission d’études", "Comisión de estudio", "لجنة الدراسات",
		"研究组", "Исследовательская комиссия" },
	[M_A_REGION] = { "Region", "Région", "Región", "المنطقة", "区域", "Регион" },
	[M_A_ENTITY] = { "Entity", "Entité", "Entidad", "الكيان", "实体", "Организация" },
	[M_WEIGHT] = { "Count", "Décompte", "Recuento", "طريقة العدّ", "计数方式", "Подсчёт" },
	[M_W_DELEGATE] = { "One voice per delegate", "Une voix par délégué", "Un voto por delegado",
		"صوت واحد لكل مندوب", "每位代表一票", "Один голос на делегата" },
	[M_W_ENTITY] = { "One voice per administration", "Une voix par administration",
		"Un voto por administración", "صوت واحد لكل إدارة", "每个主管部门一票",
		"Один голос на администрацию" },
	[M_SHOW] = { "Show", "Afficher", "Mostrar", "عرض", "显示", "Показать" },
	[M_DOWNLOAD] = { "Download", "Télécharger", "Descargar", "تنزيل", "下载", "Скачать" },
	[M_DL_JSON] = { "Summary (JSON)", "Synthèse (JSON)", "Resumen (JSON)", "الملخص (JSON)",
		"摘要（JSON）", "Сводка (JSON)" },
	[M_DL_CSV] = { "Summary (CSV)", "Synthèse (CSV)", "Resumen (CSV)", "الملخص (CSV)",
		"摘要（CSV）", "Сводка (CSV)" },
	[M_UPDATED] = { "Updated {1} UTC.", "Mis à jour : {1} UTC.", "Actualizado: {1} UTC.",
		"آخر تحديث: {1} UTC.", "更新于 {1} UTC。", "Обновлено: {1} UTC." },
	[M_REFRESHES] = { "Refreshes every {1} s.", "Actualisation toutes les {1} s.",
		"Se actualiza cada {1} s.", "يُحدَّث كل {1} ث.", "每 {1} 秒刷新一次。",
		"Обновляется каждые {1} с." },
	[M_NO_RESPONSES] = { "No responses yet.", "Aucune réponse pour l’instant.",
		"Todavía no hay respuestas.", "لا توجد ردود بعد.", "尚无答复。", "Ответов пока нет." },
	[M_NO_PROPOSALS] = { "This questionnaire has no proposals.",
		"Ce questionnaire ne comporte aucune proposition.",
		"Este cuestionario no contiene propuestas.", "لا يتضمن هذا الاستبيان أي مقترحات.",
		"本问卷没有提案。", "В этом опросе нет предложений." },
	[M_OPENS_ON] = { "This questionnaire opens on {1} (UTC).", "Ce questionnaire ouvrira le {1} (UTC).",
		"Este cuestionario se abre el {1} (UTC).", "يُفتح هذا الاستبيان في {1} (UTC).",
		"本问卷将于 {1}（UTC）开放。", "Опрос открывается {1} (UTC)." },
	[M_CLOSED_ON] = { "This questionnaire closed on {1} (UTC).", "Ce questionnaire a été clos le {1} (UTC).",
		"Este cuestionario se cerró el {1} (UTC).", "أُغلق هذا الاستبيان في {1} (UTC).",
		"本问卷已于 {1}（UTC）关闭。", "Опрос закрыт {1} (UTC)." },
	[M_OPEN_NO_CLOSE] = { "This questionnaire is open; no closing time is set.",
		"Ce questionnaire est ouvert ; aucune date de clôture n’est fixée.",
		"Este cuestionario está abierto; no se ha fijado fecha de cierre.",
		"هذا الاستبيان مفتوح؛ لم يُحدَّد موعد لإغلاقه.", "本问卷现已开放，未设定关闭时间。",
		"Опрос открыт; время закрытия не задано." },
	[M_WINDOW_SET] = { "Times set by the secretariat on {1} (UTC).",
		"Dates fixées par le secrétariat le {1} (UTC).",
		"Fechas fijadas por la secretaría el {1} (UTC).", "حدّدت الأمانة هذه المواعيد في {1} (UTC).",
		"时间由秘书处于 {1}（UTC）设定。", "Сроки установлены секретариатом {1} (UTC)." },
	/* The answer checks in core speak English; these are the commonest ones
	 * a delegate meets in a browser, translated by exact wording (see
	 * error_text).  Any other message is shown as core wrote it. */
	[M_E_REQUIRED] = { "this question is required", "Cette question est obligatoire.",
		"Esta pregunta es obligatoria.", "هذا السؤال إلزامي.", "此题为必答题。",
		"Это обязательный вопрос." },
	[M_E_REASON] = { "give a reason for your objection", "Indiquez le motif de votre objection.",
		"Indique el motivo de su objeción.", "اذكر سبب اعتراضك.", "请说明反对理由。",
		"Укажите причину возражения." },
	[M_E_NUMBER] = { "enter a number", "Saisissez un nombre.", "Introduzca un número.",
		"أدخل رقماً.", "请输入数字。", "Введите число." },
	[M_E_WHOLE] = { "enter a whole number", "Saisissez un nombre entier.",
		"Introduzca un número entero.", "أدخل عدداً صحيحاً.", "请输入整数。",
		"Введите целое число." },
};

static const enum msg pos_msg[SND_POS__MAX] = { M_SUPPORT, M_LIVE_WITH, M_OBJECT, M_ABSTAIN };

static const char *tr(int un, enum msg m)
{
	const char *s = (un >= 0 && un < UN__MAX) ? msgs[m][un] : NULL;
	return s ? s : msgs[m][UN_EN];
}

/* Index in the UN table of a language code by its primary subtag ("fr-CH"
 * counts as French); English for anything else. */
static int un_index(const char *code)
{
	size_t n;
	int i;
	if (code == NULL)
		return UN_EN;
	n = strcspn(code, "-_");
	for (i = 0; i < UN__MAX; i++)
		if (n == 2 && strncasecmp(code, un_codes[i], 2) == 0)
			return i;
	return UN_EN;
}

static int is_rtl(const char *code)
{
	static const char *const rtl[] = { "ar", "he", "fa", "ur" };
	size_t n = code ? strcspn(code, "-_") : 0, i;
	for (i = 0; i < sizeof rtl / sizeof rtl[0]; i++)
		if (n == 2 && strncasecmp(code, rtl[i], 2) == 0)
			return 1;
	return 0;
}

/* The name of a language in itself (the switcher shows "Français", not
 * "French", so a reader finds their own). */
static const char *lang_name(const char *code)
{
	int i = un_index(code);
	if (i == UN_EN && strncasecmp(code, "en", 2) != 0)
		return code;
	return un_names[i];
}

/* ---------------------------------------------------------- small helpers */

/* One page being written: the form (may be NULL), the form language
 * index, the chrome language and the language code. */
struct pg {
	struct snd_buf *b;
	const struct snd_form *f;
	int lang;
	int un;
	const char *code;
};

static void pg_init(struct pg *p, struct snd_buf *b, const struct snd_form *f, int lang)
{
	p->b = b;
	p->f = f;
	if (f != NULL && f->nlanguages > 0) {
		if (lang < 0 || (size_t)lang >= f->nlanguages)
			lang = 0;
		p->lang = lang;
		p->code = f->languages[lang];
	} else {
		if (lang < 0 || lang >= UN__MAX)
			lang = 0;
		p->lang = 0;
		p->code = un_codes[lang];
	}
	p->un = un_index(p->code);
}

static void put(struct pg *p, const char *s) { snd_buf_puts(p->b, s); }
static void esc(struct pg *p, const char *s) { snd_buf_html(p->b, s ? s : ""); }

/* The label in the page's language (form.c already filled missing
 * translations with the default language); NULL when the label is absent. */
static const char *lbl(const struct pg *p, const struct snd_label *l)
{
	if (l == NULL || l->text == NULL)
		return NULL;
	return l->text[p->lang] ? l->text[p->lang] : l->text[0];
}

/* 1 when the label has no text of its own in the page's language and shows
 * the default language's (form.c copies the default in at load time). */
static int is_fallback(const struct pg *p, const struct snd_label *l)
{
	return p->lang > 0 && l != NULL && l->text != NULL && l->text[p->lang] && l->text[0] &&
	       strcmp(l->text[p->lang], l->text[0]) == 0;
}

/* lang and dir attributes for an element holding a fallback text, so an
 * English sentence in an Arabic page is read and laid out as English. */
static void put_lang_attrs(struct pg *p, struct snd_buf *o, const struct snd_label *l)
{
	if (!is_fallback(p, l))
		return;
	snd_buf_puts(o, " lang=\"");
	snd_buf_html(o, p->f->languages[0]);
	snd_buf_puts(o, "\" dir=\"auto\"");
}

/* A label, escaped into o; a fallback is wrapped in its own language. */
static void put_lbl(struct pg *p, struct snd_buf *o, const struct snd_label *l)
{
	int fb = is_fallback(p, l);
	if (fb) {
		snd_buf_puts(o, "<span");
		put_lang_attrs(p, o, l);
		snd_buf_puts(o, ">");
	}
	snd_buf_html(o, lbl(p, l));
	if (fb)
		snd_buf_puts(o, "</span>");
}

/* A chrome string with {1}/{2} replaced by a1/a2, which are HTML already
 * (callers escape what they pass). */
static void put_msg(struct pg *p, enum msg m, const char *a1, const char *a2)
{
	const char *s = tr(p->un, m), *hole;
	while ((hole = strchr(s, '{')) != NULL) {
		snd_buf_append(p->b, s, (size_t)(hole - s));
		if ((hole[1] == '1' || hole[1] == '2') && hole[2] == '}') {
			const char *a = hole[1] == '1' ? a1 : a2;
			snd_buf_puts(p->b, a ? a : "");
			s = hole + 3;
		} else {
			snd_buf_putc(p->b, '{');
			s = hole + 1;
		}
	}
	snd_buf_puts(p->b, s);
}

/* Escapes the text an editable control starts with (a textarea's content).
 * Like snd_buf_html, but a bidi control becomes a character reference
 * (&#x202E;) instead of a visible "[U+202E]" marker: inside a form control
 * it can only reorder the delegate's own text, and the marker would
 * silently change their answer the next time they save (Arabic text pasted
 * from a word processor often carries U+202B/U+202C).  The raw bytes never
 * reach the page either way. */
static void esc_value(struct pg *p, const char *s)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	const unsigned char *run = u;
	for (; *u; u++) {
		const char *rep = NULL;
		char tmp[16];
		switch (*u) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			/* U+202A..U+202E are E2 80 AA..AE; U+2066..U+2069 are E2 81 A6..A9 */
			if (u[0] == 0xE2 && ((u[1] == 0x80 && u[2] >= 0xAA && u[2] <= 0xAE) ||
			                     (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9))) {
				unsigned cp = 0x2000u + ((unsigned)(u[1] & 0x3F) << 6) + (u[2] & 0x3Fu);
				snprintf(tmp, sizeof tmp, "&#x%04X;", cp);
				rep = tmp;
			}
			break;
		}
		if (rep == NULL)
			continue;
		snd_buf_append(p->b, run, (size_t)(u - run));
		snd_buf_puts(p->b, rep);
		if (*u == 0xE2)
			u += 2;
		run = u + 1;
	}
	snd_buf_append(p->b, run, (size_t)(u - run));
}

/* Percent-encodes everything but RFC 3986 unreserved characters; the
 * result is then safe in an attribute too. */
static void put_url_part(struct snd_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	for (; *u; u++) {
		if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
		    *u == '-' || *u == '_' || *u == '.' || *u == '~') {
			snd_buf_putc(b, (char)*u);
		} else {
			snd_buf_putc(b, '%');
			snd_buf_putc(b, hex[*u >> 4]);
			snd_buf_putc(b, hex[*u & 15]);
		}
	}
}

/* Plain text with line breaks kept: blank lines separate <p>s, single
 * newlines become <br>.  Labels are plain text (forms/README.md). */
static void put_paras(struct pg *p, const char *text, const char *cls)
{
	struct snd_buf line;
	const char *s = text;
	snd_buf_init(&line, 0);
	snd_buf_printf(p->b, "<p class=\"%s\">", cls);
	while (*s) {
		size_t n = strcspn(s, "\n");
		snd_buf_reset(&line);
		snd_buf_append(&line, s, n);
		esc(p, line.data);
		s += n;
		if (*s == '\n') {
			s++;
			if (*s == '\n') {
				while (*s == '\n')
					s++;
				if (*s)
					snd_buf_printf(p->b, "</p><p class=\"%s\">", cls);
			} else if (*s) {
				put(p, "<br>");
			}
		}
	}
	put(p, "</p>");
	snd_buf_free(&line);
}

enum tfmt { T_DATE_HM, T_DATE_HMS };

/* UTC times in the one unambiguous shape every language reads:
 * 2026-02-06 18:00 (no month names to translate). */
static void fmt_time(int64_t t, enum tfmt how, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, n, "?");
		return;
	}
	if (how == T_DATE_HMS)
		snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(out, n, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* Numbers as a person writes them: 20, 2.5, -0.25, never with an exponent
 * (the form post accepts plain decimals only).  The fewest decimals that
 * read back as the same double, because a prefilled field is posted again
 * and must not change the delegate's answer. */
static void fmt_number(double v, char out[48])
{
	int prec;
	if (!isfinite(v)) {
		snprintf(out, 48, "?");
		return;
	}
	if (fabs(v) >= 1e15) {
		snprintf(out, 48, "%.0f", v);
		return;
	}
	for (prec = 0; prec <= 30; prec++) {
		snprintf(out, 48, "%.*f", prec, v == 0 ? 0.0 : v);
		if (strtod(out, NULL) == v)
			return;
	}
}

/* A count in a summary: integral counts bare, entity weights with two
 * decimals (the same rule as core/report.c, so both pages agree). */
static void fmt_count(double v, char out[40])
{
	if (!isfinite(v))
		snprintf(out, 40, "\xe2\x80\x94");
	else if (fabs(v - round(v)) < 1e-9)
		snprintf(out, 40, "%.0f", round(v) == 0 ? 0.0 : round(v));
	else
		snprintf(out, 40, "%.2f", v);
}

static const cJSON *jget(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static double jnum(const cJSON *o, const char *key)
{
	const cJSON *v = jget(o, key);
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : 0;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = jget(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const struct snd_option *find_opt(const struct snd_option *o, size_t n, const char *id)
{
	size_t i;
	for (i = 0; id && i < n; i++)
		if (strcmp(o[i].id, id) == 0)
			return &o[i];
	return NULL;
}

static int pos_index(const char *name)
{
	int i;
	for (i = 0; name && i < SND_POS__MAX; i++)
		if (strcmp(name, snd_position_names[i]) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------- skeleton */

/* Everything up to and including <body>.  refresh_s > 0 adds the chair
 * page's reload, inside <noscript>: with JS on, sounding.js updates the
 * page in place instead, so the two never both run. */
static void page_open(struct pg *p, const char *title, const char *body_class, int refresh_s)
{
	put(p, "<!doctype html>\n<html lang=\"");
	esc(p, p->code);
	snd_buf_printf(p->b, "\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n",
	               is_rtl(p->code) ? "rtl" : "ltr");
	if (refresh_s > 0)
		snd_buf_printf(p->b, "<noscript><meta http-equiv=\"refresh\" content=\"%d\"></noscript>\n",
		               refresh_s);
	/* An empty icon: saves every page view a request for /favicon.ico. */
	put(p, "<meta name=\"referrer\" content=\"no-referrer\">\n"
	       "<link rel=\"icon\" href=\"data:,\">\n<title>");
	esc(p, title);
	put(p, "</title>\n<link rel=\"stylesheet\" href=\"/static/sounding.css\">\n"
	       "<script src=\"/static/sounding.js\" defer></script>\n</head>\n<body class=\"");
	put(p, body_class);
	put(p, "\"");
	if (refresh_s > 0)
		snd_buf_printf(p->b, " data-refresh=\"%d\"", refresh_s);
	put(p, ">\n");
}

static void page_close(struct pg *p)
{
	put(p, "</body>\n</html>\n");
}

/* The language switcher: one link per form language, in its own name.
 * extra is a query suffix ("&by=sg...", already URL-encoded) kept across
 * the switch. */
static void lang_nav(struct pg *p, const char *extra)
{
	size_t i;
	if (p->f == NULL || p->f->nlanguages < 2)
		return;
	put(p, "<nav class=\"langs\" aria-label=\"");
	put(p, tr(p->un, M_LANG));
	put(p, "\"><ul>");
	for (i = 0; i < p->f->nlanguages; i++) {
		const char *c = p->f->languages[i];
		put(p, "<li>");
		if ((int)i == p->lang) {
			put(p, "<span class=\"current\" aria-current=\"true\" lang=\"");
			esc(p, c);
			put(p, "\">");
			esc(p, lang_name(c));
			put(p, "</span>");
		} else {
			put(p, "<a href=\"?lang=");
			put_url_part(p->b, c);
			if (extra)
				esc(p, extra);
			put(p, "\" hreflang=\"");
			esc(p, c);
			put(p, "\" lang=\"");
			esc(p, c);
			snd_buf_printf(p->b, "\" dir=\"%s\">", is_rtl(c) ? "rtl" : "ltr");
			esc(p, lang_name(c));
			put(p, "</a>");
		}
		put(p, "</li>");
	}
	put(p, "</ul></nav>\n");
}

static int is_draft(const struct snd_form *f, const char *code)
{
	size_t i;
	for (i = 0; i < f->ndraft_languages; i++)
		if (strcmp(f->draft_languages[i], code) == 0)
			return 1;
	return 0;
}

static void draft_notice(struct pg *p)
{
	struct snd_buf a;
	const char *c0;
	if (p->f == NULL || !is_draft(p->f, p->code) || p->lang == 0)
		return;
	c0 = p->f->languages[0];
	snd_buf_init(&a, 0);
	snd_buf_puts(&a, "<a href=\"?lang=");
	put_url_part(&a, c0);
	snd_buf_puts(&a, "\" hreflang=\"");
	snd_buf_html(&a, c0);
	snd_buf_puts(&a, "\" lang=\"");
	snd_buf_html(&a, c0);
	snd_buf_printf(&a, "\" dir=\"%s\">", is_rtl(c0) ? "rtl" : "ltr");
	snd_buf_html(&a, lang_name(c0));
	snd_buf_puts(&a, "</a>");
	put(p, "<p class=\"notice draft\">");
	put_msg(p, M_DRAFT, a.data, NULL);
	put(p, "</p>\n");
	snd_buf_free(&a);
}

/* ----------------------------------------------------------- the form page */

/* The id of a question's first control: where an error summary link
 * lands, so activating it puts the keyboard focus in the field. */
static void first_control_id(const struct snd_question *q, char *out, size_t n)
{
	switch (q->type) {
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
	case SND_Q_RANK:
		if (q->noptions > 0) {
			snprintf(out, n, "f-%s-%s", q->id, q->options[0].id);
			return;
		}
		break;
	case SND_Q_SCALE:
		snprintf(out, n, "f-%s-%d", q->id, q->min);
		return;
	case SND_Q_MATRIX:
		if (q->nrows > 0) {
			snprintf(out, n, "f-%s-%s-%d", q->id, q->rows[0].id, q->min);
			return;
		}
		break;
	case SND_Q_POSITION:
		snprintf(out, n, "f-%s-support", q->id);
		return;
	default:
		snprintf(out, n, "f-%s", q->id);
		return;
	}
	snprintf(out, n, "q-%s", q->id);
}

/* What one question needs while its controls are written. */
struct qctx {
	const struct snd_question *q;
	const cJSON *ans;        /* this question's answer, or NULL */
	const char *err;         /* its error message, or NULL */
	char describedby[400];   /* ids of help, hint, condition and error */
};

/* An answer error in the page's language when it is one of the known
 * English messages of core (matched exactly), else as core wrote it. */
static void error_text(struct pg *p, const char *msg)
{
	static const enum msg known[] = { M_E_REQUIRED, M_E_REASON, M_E_NUMBER, M_E_WHOLE };
	size_t i;
	if (msg && p->un != UN_EN)
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(msg, msgs[known[i]][UN_EN]) == 0) {
				put(p, tr(p->un, known[i]));
				return;
			}
	put(p, "<bdi>");
	esc(p, msg);
	put(p, "</bdi>");
}

static void put_invalid(struct pg *p, const struct qctx *c)
{
	if (c->err)
		put(p, " aria-invalid=\"true\"");
}

/* A radio or checkbox with its <label for>. */
static void put_choice(struct pg *p, const struct qctx *c, const char *type, const char *name,
                       const char *idsuffix, const char *value, int checked, const char *label_html,
                       const char *cls)
{
	char id[200];
	snprintf(id, sizeof id, "f-%s-%s", c->q->id, idsuffix);
	snd_buf_printf(p->b, "<div class=\"choice%s%s\"><input type=\"%s\" id=\"", cls ? " " : "",
	               cls ? cls : "", type);
	esc(p, id);
	put(p, "\" name=\"");
	esc(p, name);
	put(p, "\" value=\"");
	esc(p, value);
	put(p, "\"");
	if (checked)
		put(p, " checked");
	put_invalid(p, c);
	put(p, "><label for=\"");
	esc(p, id);
	put(p, "\">");
	put(p, label_html);
	put(p, "</label></div>\n");
}

static void r_single_multi(struct pg *p, const struct qctx *c, struct snd_buf *t)
{
	const struct snd_question *q = c->q;
	int multi = q->type == SND_Q_MULTI;
	size_t i;
	put(p, "<div class=\"choices\">\n");
	for (i = 0; i < q->noptions; i++) {
		const struct snd_option *o = &q->options[i];
		int checked = 0;
		if (multi && cJSON_IsArray(c->ans)) {
			const cJSON *e;
			cJSON_ArrayForEach(e, c->ans)
				if (cJSON_IsString(e) && strcmp(e->valuestring, o->id) == 0)
					checked = 1;
		} else if (!multi && cJSON_IsString(c->ans)) {
			checked = strcmp(c->ans->valuestring, o->id) == 0;
		}
		snd_buf_reset(t);
		put_lbl(p, t, &o->label);
		put_choice(p, c, multi ? "checkbox" : "radio", q->id, o->id, o->id, checked,
		           t->data ? t->data : "", NULL);
	}
	put(p, "</div>\n");
}

/* The visible text of a scale point: "4 — Agree", or "4" when unlabelled. */
static void point_text(struct pg *p, const struct snd_question *q, int v, struct snd_buf *o)
{
	const struct snd_label *l = NULL;
	if (q->scale_labels && v >= q->min && v <= q->max && q->scale_labels[v - q->min].text)
		l = &q->scale_labels[v - q->min];
	snd_buf_printf(o, "<span class=\"pt\">%d</span>", v);
	if (l) {
		snd_buf_puts(o, " <span class=\"pt-label\"");
		put_lang_attrs(p, o, l);
		snd_buf_puts(o, ">");
		snd_buf_html(o, lbl(p, l));
		snd_buf_puts(o, "</span>");
	}
}

static void r_scale(struct pg *p, const struct qctx *c, struct snd_buf *t)
{
	const struct snd_question *q = c->q;
	int v, isnum = cJSON_IsNumber(c->ans);
	char sfx[24], val[24];
	put(p, "<div class=\"choices scale\">\n");
	for (v = q->min; v <= q->max; v++) {
		snd_buf_reset(t);
		point_text(p, q, v, t);
		snprintf(sfx, sizeof sfx, "%d", v);
		snprintf(val, sizeof val, "%d", v);
		put_choice(p, c, "radio", q->id, sfx, val,
		           isnum && c->ans->valuedouble == (double)v, t->data, NULL);
	}
	if (q->no_view)
		put_choice(p, c, "radio", q->id, "none", "none", cJSON_IsNull(c->ans),
		           tr(p->un, M_NO_VIEW), "noview");
	put(p, "</div>\n");
}

/* The matrix is a table for sighted users with wide screens; each radio
 * also has its own <label> naming row and point, visually hidden on wide
 * screens and shown when the stylesheet stacks the rows on a phone. */
static void r_matrix(struct pg *p, const struct qctx *c, struct snd_buf *t)
{
	const struct snd_question *q = c->q;
	size_t r;
	int v;
	put(p, "<div class=\"matrix-wrap\"><table class=\"matrix\"><thead><tr><td></td>");
	for (v = q->min; v <= q->max; v++) {
		snd_buf_reset(t);
		point_text(p, q, v, t);
		put(p, "<th scope=\"col\">");
		put(p, t->data);
		put(p, "</th>");
	}
	if (q->no_view) {
		put(p, "<th scope=\"col\" class=\"noview\">");
		put(p, tr(p->un, M_NO_VIEW));
		put(p, "</th>");
	}
	put(p, "</tr></thead>\n<tbody>\n");
	for (r = 0; r < q->nrows; r++) {
		const struct snd_option *row = &q->rows[r];
		const cJSON *a = jget(c->ans, row->id);
		char name[200];
		snprintf(name, sizeof name, "%s.%s", q->id, row->id);
		put(p, "<tr><th scope=\"row\">");
		put_lbl(p, p->b, &row->label);
		put(p, "</th>");
		for (v = q->min; v <= (q->no_view ? q->max + 1 : q->max); v++) {
			int nv = v > q->max;
			char id[240], val[24];
			if (nv) {
				snprintf(id, sizeof id, "f-%s-%s-none", q->id, row->id);
				snprintf(val, sizeof val, "none");
			} else {
				snprintf(id, sizeof id, "f-%s-%s-%d", q->id, row->id, v);
				snprintf(val, sizeof val, "%d", v);
			}
			put(p, nv ? "<td class=\"noview\"><input type=\"radio\" id=\"" : "<td><input type=\"radio\" id=\"");
			esc(p, id);
			put(p, "\" name=\"");
			esc(p, name);
			put(p, "\" value=\"");
			put(p, val);
			put(p, "\"");
			if (nv ? cJSON_IsNull(a) : (cJSON_IsNumber(a) && a->valuedouble == (double)v))
				put(p, " checked");
			put_invalid(p, c);
			put(p, "><label class=\"mx-label\" for=\"");
			esc(p, id);
			put(p, "\"><span class=\"vh\">");
			put_lbl(p, p->b, &row->label);
			put(p, ": </span>");
			if (nv) {
				put(p, tr(p->un, M_NO_VIEW));
			} else {
				snd_buf_reset(t);
				point_text(p, q, v, t);
				put(p, t->data);
			}
			put(p, "</label></td>");
		}
		put(p, "</tr>\n");
	}
	put(p, "</tbody></table></div>\n");
}

/* Rank: one <select> of places per option; a plain form control works
 * everywhere without script, unlike drag and drop. */
static void r_rank(struct pg *p, const struct qctx *c)
{
	const struct snd_question *q = c->q;
	size_t i, places = q->noptions;
	if (q->max > 0 && (size_t)q->max < places)
		places = (size_t)q->max;
	put(p, "<div class=\"rank\">\n");
	for (i = 0; i < q->noptions; i++) {
		const struct snd_option *o = &q->options[i];
		size_t k, place = 0;
		char id[200], name[200];
		if (cJSON_IsArray(c->ans)) {
			const cJSON *e;
			k = 0;
			cJSON_ArrayForEach(e, c->ans) {
				k++;
				if (cJSON_IsString(e) && strcmp(e->valuestring, o->id) == 0 && place == 0)
					place = k;
			}
		}
		snprintf(id, sizeof id, "f-%s-%s", q->id, o->id);
		snprintf(name, sizeof name, "%s.%s", q->id, o->id);
		put(p, "<div class=\"rank-item\"><label for=\"");
		esc(p, id);
		put(p, "\">");
		put_lbl(p, p->b, &o->label);
		put(p, "</label> <select id=\"");
		esc(p, id);
		put(p, "\" name=\"");
		esc(p, name);
		put(p, "\"");
		put_invalid(p, c);
		snd_buf_printf(p->b, "><option value=\"\"%s>\xe2\x80\x94 (%s)</option>",
		               place == 0 ? " selected" : "", tr(p->un, M_NOT_RANKED));
		/* A stored place beyond max (the form changed since) stays visible. */
		for (k = 1; k <= (place > places ? place : places); k++)
			snd_buf_printf(p->b, "<option value=\"%zu\"%s>%zu</option>", k,
			               k == place ? " selected" : "", k);
		put(p, "</select></div>\n");
	}
	put(p, "</div>\n");
}

static void r_position(struct pg *p, const struct qctx *c)
{
	const struct snd_question *q = c->q;
	const char *cur = jstr(c->ans, "position"), *reason = jstr(c->ans, "reason");
	int i;
	put(p, "<div class=\"choices position\">\n");
	for (i = 0; i < SND_POS__MAX; i++)
		put_choice(p, c, "radio", q->id, snd_position_names[i], snd_position_names[i],
		           cur && strcmp(cur, snd_position_names[i]) == 0, tr(p->un, pos_msg[i]),
		           snd_position_names[i]);
	put(p, "</div>\n<div class=\"reason\"><label for=\"f-");
	esc(p, q->id);
	put(p, "-reason\">");
	put(p, tr(p->un, M_REASON));
	put(p, "</label><textarea id=\"f-");
	esc(p, q->id);
	put(p, "-reason\" name=\"");
	esc(p, q->id);
	snd_buf_printf(p->b, ".reason\" rows=\"3\" dir=\"auto\" maxlength=\"%zu\"",
	               q->max_length ? q->max_length : 2000);
	if (c->err) {
		put(p, " aria-invalid=\"true\" aria-describedby=\"q-");
		esc(p, q->id);
		put(p, "-err\"");
	}
	/* The newline after the tag is eaten by the HTML parser; without it a
	 * reason that starts with a newline would lose it. */
	put(p, ">\n");
	esc_value(p, reason);
	put(p, "</textarea></div>\n");
}

static void r_number(struct pg *p, const struct qctx *c)
{
	const struct snd_question *q = c->q;
	char a[48];
	put(p, "<input type=\"number\" class=\"num\" id=\"f-");
	esc(p, q->id);
	put(p, "\" name=\"");
	esc(p, q->id);
	put(p, q->integer ? "\" step=\"1\"" : "\" step=\"any\"");
	if (isfinite(q->nmin) && fabs(q->nmin) < 1e15) {
		fmt_number(q->nmin, a);
		snd_buf_printf(p->b, " min=\"%s\"", a);
	}
	if (isfinite(q->nmax) && fabs(q->nmax) < 1e15) {
		fmt_number(q->nmax, a);
		snd_buf_printf(p->b, " max=\"%s\"", a);
	}
	/* A phone's numeric pad has no minus sign: ask for it only when no
	 * negative answer is possible. */
	if (!q->integer)
		put(p, " inputmode=\"decimal\"");
	else if (isfinite(q->nmin) && q->nmin >= 0)
		put(p, " inputmode=\"numeric\"");
	if (cJSON_IsNumber(c->ans)) {
		fmt_number(c->ans->valuedouble, a);
		snd_buf_printf(p->b, " value=\"%s\"", a);
	}
	put(p, " aria-labelledby=\"q-");
	esc(p, q->id);
	put(p, "-legend\"");
	if (c->describedby[0]) {
		put(p, " aria-describedby=\"");
		esc(p, c->describedby);
		put(p, "\"");
	}
	put_invalid(p, c);
	put(p, ">\n");
}

static void r_text(struct pg *p, const struct qctx *c)
{
	const struct snd_question *q = c->q;
	put(p, "<textarea id=\"f-");
	esc(p, q->id);
	put(p, "\" name=\"");
	esc(p, q->id);
	snd_buf_printf(p->b, "\" rows=\"6\" dir=\"auto\" maxlength=\"%zu\"",
	               q->max_length ? q->max_length : 2000);
	put(p, " aria-labelledby=\"q-");
	esc(p, q->id);
	put(p, "-legend\"");
	if (c->describedby[0]) {
		put(p, " aria-describedby=\"");
		esc(p, c->describedby);
		put(p, "\"");
	}
	put_invalid(p, c);
	put(p, ">\n");
	esc_value(p, cJSON_IsString(c->ans) ? c->ans->valuestring : NULL);
	put(p, "</textarea>\n");
}

/* How a show_if value reads: the option's label, the position's name or
 * the scale point, each in <q> so the browser quotes it the local way. */
static void cond_value(struct pg *p, const struct snd_question *cq, const char *v, struct snd_buf *o)
{
	const struct snd_option *op = find_opt(cq->options, cq->noptions, v);
	int pi = pos_index(v);
	snd_buf_puts(o, "<q>");
	if (op)
		put_lbl(p, o, &op->label);
	else if (cq->type == SND_Q_POSITION && pi >= 0)
		snd_buf_puts(o, tr(p->un, pos_msg[pi]));
	else if (cq->type == SND_Q_SCALE) {
		const char *l = NULL;
		int n = atoi(v);
		if (cq->scale_labels && n >= cq->min && n <= cq->max)
			l = lbl(p, &cq->scale_labels[n - cq->min]);
		snd_buf_html(o, v);
		if (l) {
			snd_buf_puts(o, " \xe2\x80\x94 ");
			snd_buf_html(o, l);
		}
	} else
		snd_buf_html(o, v);
	snd_buf_puts(o, "</q>");
}

static void add_id(char *dst, size_t n, const char *prefix, const char *qid, const char *what)
{
	size_t len = strlen(dst);
	if (len < n)
		snprintf(dst + len, n - len, "%s%s%s-%s", len ? " " : "", prefix, qid, what);
}

static void r_question(struct pg *p, size_t qi, const cJSON *answers, const struct snd_diag *errs,
                       struct snd_buf *t)
{
	const struct snd_question *q = &p->f->questions[qi];
	const char *help = lbl(p, &q->help);
	struct qctx c;
	int hint = 0;
	char a1[48], a2[48];
	size_t i;

	memset(&c, 0, sizeof c);
	c.q = q;
	c.ans = jget(answers, q->id);
	c.err = errs ? snd_diag_find(errs, q->id) : NULL;
	if (q->show_if_q >= 0)
		add_id(c.describedby, sizeof c.describedby, "q-", q->id, "if");
	if (help)
		add_id(c.describedby, sizeof c.describedby, "q-", q->id, "help");
	switch (q->type) {
	case SND_Q_MULTI:
		hint = q->min > 0 || (size_t)q->max < q->noptions;
		break;
	case SND_Q_RANK:
	case SND_Q_TEXT:
		hint = 1;
		break;
	case SND_Q_NUMBER:
		hint = q->integer || isfinite(q->nmin) || isfinite(q->nmax);
		break;
	default:
		break;
	}
	if (hint)
		add_id(c.describedby, sizeof c.describedby, "q-", q->id, "hint");
	if (c.err)
		add_id(c.describedby, sizeof c.describedby, "q-", q->id, "err");

	snd_buf_printf(p->b, "<fieldset class=\"q q-%s%s\" id=\"q-", snd_qtype_names[q->type],
	               c.err ? " has-error" : "");
	esc(p, q->id);
	put(p, "\"");
	if (q->show_if_q >= 0 && (size_t)q->show_if_q < p->f->nquestions) {
		put(p, " data-show-if=\"");
		esc(p, p->f->questions[q->show_if_q].id);
		put(p, "\" data-show-values=\"");
		for (i = 0; i < q->nshow_if_values; i++) {
			if (i)
				put(p, " ");
			esc(p, q->show_if_values[i]);
		}
		put(p, "\"");
	}
	/* Group controls take their descriptions from the fieldset; number and
	 * text carry them on the control itself, where readers announce them. */
	if (c.describedby[0] && q->type != SND_Q_NUMBER && q->type != SND_Q_TEXT) {
		put(p, " aria-describedby=\"");
		esc(p, c.describedby);
		put(p, "\"");
	}
	put(p, ">\n<legend id=\"q-");
	esc(p, q->id);
	snd_buf_printf(p->b, "-legend\"><span class=\"qnum\">%zu.</span> ", qi + 1);
	put_lbl(p, p->b, &q->text);
	if (q->required) {
		put(p, " <span class=\"req\">");
		put(p, tr(p->un, M_REQUIRED));
		put(p, "</span>");
	}
	put(p, "</legend>\n");

	if (q->show_if_q >= 0 && (size_t)q->show_if_q < p->f->nquestions) {
		const struct snd_question *cq = &p->f->questions[q->show_if_q];
		struct snd_buf vals, ref;
		snd_buf_init(&vals, 0);
		snd_buf_init(&ref, 0);
		for (i = 0; i < q->nshow_if_values; i++) {
			if (i) {
				snd_buf_putc(&vals, ' ');
				snd_buf_puts(&vals, tr(p->un, M_OR));
				snd_buf_putc(&vals, ' ');
			}
			cond_value(p, cq, q->show_if_values[i], &vals);
		}
		snd_buf_puts(&ref, "<a href=\"#q-");
		snd_buf_html(&ref, cq->id);
		snd_buf_printf(&ref, "\">%d</a>", q->show_if_q + 1);
		put(p, "<p class=\"cond\" id=\"q-");
		esc(p, q->id);
		put(p, "-if\">");
		put_msg(p, M_SHOW_IF, vals.data ? vals.data : "", ref.data);
		put(p, "</p>\n");
		snd_buf_free(&vals);
		snd_buf_free(&ref);
	}
	if (help) {
		put(p, "<div class=\"help\" id=\"q-");
		esc(p, q->id);
		put(p, "-help\"");
		put_lang_attrs(p, p->b, &q->help);
		put(p, ">");
		put_paras(p, help, "help-p");
		put(p, "</div>\n");
	}
	if (hint) {
		put(p, "<p class=\"hint\" id=\"q-");
		esc(p, q->id);
		put(p, "-hint\">");
		switch (q->type) {
		case SND_Q_MULTI:
			snprintf(a1, sizeof a1, "%d", q->min);
			snprintf(a2, sizeof a2, "%d", q->max);
			if (q->min == q->max)
				put_msg(p, M_CHOOSE_EXACTLY, a1, NULL);
			else if (q->min <= 0)
				put_msg(p, M_CHOOSE_UP_TO, a2, NULL);
			else if ((size_t)q->max >= q->noptions)
				put_msg(p, M_CHOOSE_AT_LEAST, a1, NULL);
			else
				put_msg(p, M_CHOOSE_BETWEEN, a1, a2);
			break;
		case SND_Q_RANK:
			put_msg(p, M_RANK_HINT, NULL, NULL);
			snprintf(a1, sizeof a1, "%d", q->min);
			snprintf(a2, sizeof a2, "%d", q->max);
			if (q->min > 1) {
				put(p, " ");
				put_msg(p, M_RANK_AT_LEAST, a1, NULL);
			}
			if (q->max > 0 && (size_t)q->max < q->noptions) {
				put(p, " ");
				put_msg(p, M_RANK_AT_MOST, a2, NULL);
			}
			break;
		case SND_Q_NUMBER:
			fmt_number(q->nmin, a1);
			fmt_number(q->nmax, a2);
			if (isfinite(q->nmin) && isfinite(q->nmax))
				put_msg(p, q->integer ? M_WHOLE_RANGE : M_NUM_RANGE, a1, a2);
			else {
				if (q->integer)
					put_msg(p, M_WHOLE, NULL, NULL);
				if (isfinite(q->nmin)) {
					put(p, q->integer ? " " : "");
					put_msg(p, M_NUM_MIN, a1, NULL);
				} else if (isfinite(q->nmax)) {
					put(p, q->integer ? " " : "");
					put_msg(p, M_NUM_MAX, a2, NULL);
				}
			}
			break;
		case SND_Q_TEXT:
			snprintf(a1, sizeof a1, "%zu", q->max_length ? q->max_length : 2000);
			put_msg(p, M_MAX_CHARS, a1, NULL);
			break;
		default:
			break;
		}
		put(p, "</p>\n");
	}
	if (c.err) {
		put(p, "<p class=\"field-error\" id=\"q-");
		esc(p, q->id);
		put(p, "-err\"><span class=\"err-prefix\">");
		put(p, tr(p->un, M_ERR_PREFIX));
		put(p, "</span> ");
		error_text(p, c.err);
		put(p, "</p>\n");
	}

	switch (q->type) {
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
		r_single_multi(p, &c, t);
		break;
	case SND_Q_SCALE:
		r_scale(p, &c, t);
		break;
	case SND_Q_MATRIX:
		r_matrix(p, &c, t);
		break;
	case SND_Q_RANK:
		r_rank(p, &c);
		break;
	case SND_Q_POSITION:
		r_position(p, &c);
		break;
	case SND_Q_NUMBER:
		r_number(p, &c);
		break;
	case SND_Q_TEXT:
		r_text(p, &c);
		break;
	default:
		break;
	}
	put(p, "</fieldset>\n");
}

/* The summary at the top of a 422 page: a heading, "nothing saved", and a
 * link per error to its field.  role=alert makes readers announce it. */
static void error_summary(struct pg *p, const struct snd_diag *errs)
{
	size_t i;
	if (errs == NULL || errs->n == 0)
		return;
	put(p, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-h\" "
	       "tabindex=\"-1\" id=\"error-summary\">\n<h2 id=\"error-summary-h\">");
	put(p, tr(p->un, M_ERR_HEAD));
	put(p, "</h2>\n<p>");
	put(p, tr(p->un, M_ERR_NOT_SAVED));
	put(p, "</p>\n<ul>\n");
	for (i = 0; i < errs->n; i++) {
		const char *where = errs->items[i].where ? errs->items[i].where : "";
		int qi = snd_form_question(p->f, where);
		put(p, "<li>");
		if (qi >= 0) {
			const struct snd_question *q = &p->f->questions[qi];
			char id[240];
			first_control_id(q, id, sizeof id);
			put(p, "<a href=\"#");
			esc(p, id);
			snd_buf_printf(p->b, "\"><span class=\"qnum\">%d.</span> ", qi + 1);
			put_lbl(p, p->b, &q->text);
			put(p, "</a>: ");
		}
		error_text(p, errs->items[i].msg);
		put(p, "</li>\n");
	}
	put(p, "</ul>\n</div>\n");
}

void page_form(struct snd_buf *out, const struct page_req *r, const cJSON *answers,
               const struct snd_diag *errs, int64_t rev)
{
	const struct snd_form *f = r->form;
	struct pg p;
	struct snd_buf t;
	struct snd_window win;
	char when[40], num[32];
	size_t s, i;

	pg_init(&p, out, f, r->lang);
	snd_buf_init(&t, 0);
	/* "Error: ..." in the title is the first thing a screen reader says
	 * after a failed submission. */
	if (errs && errs->n > 0) {
		snd_buf_puts(&t, tr(p.un, M_ERR_PREFIX));
		snd_buf_putc(&t, ' ');
	}
	snd_buf_puts(&t, lbl(&p, &f->title));
	page_open(&p, t.data, "page-form", 0);
	put(&p, "<a class=\"skip\" href=\"#questions\">");
	put(&p, tr(p.un, M_SKIP));
	put(&p, "</a>\n<header class=\"top\">\n");
	lang_nav(&p, NULL);
	put(&p, "</header>\n<main id=\"main\">\n<h1>");
	put_lbl(&p, out, &f->title);
	put(&p, "</h1>\n");
	draft_notice(&p);
	if (rev > 0) {
		snprintf(num, sizeof num, "%lld", (long long)rev);
		put(&p, "<p class=\"notice saved\" role=\"status\">");
		put_msg(&p, M_SAVED, num, NULL);
		put(&p, "</p>\n");
	}
	snd_form_window(f, &win);
	if (r->has_window)
		win = r->window;
	if (win.has_closes) {
		fmt_time(win.closes, T_DATE_HM, when, sizeof when);
		put(&p, "<p class=\"closes\">");
		if (r->now >= win.closes) {
			put_msg(&p, M_CLOSED, NULL, NULL);
		} else {
			put_msg(&p, M_CLOSES, when, NULL);
			if (r->now > 0 && win.closes - r->now < 86400) {
				put(&p, " <strong>");
				put_msg(&p, M_CLOSES_SOON, NULL, NULL);
				put(&p, "</strong>");
			}
		}
		put(&p, "</p>\n");
	}
	if (r->sub) {
		struct snd_buf e2;
		snd_buf_init(&e2, 0);
		put(&p, "<p class=\"who\">");
		/* <bdi>: a Latin id inside Arabic text (or the reverse) must not
		 * reorder the sentence around it. */
		snd_buf_reset(&t);
		snd_buf_puts(&t, "<bdi>");
		snd_buf_html(&t, r->sub);
		snd_buf_puts(&t, "</bdi>");
		if (r->ent) {
			snd_buf_puts(&e2, "<bdi>");
			snd_buf_html(&e2, r->ent);
			snd_buf_puts(&e2, "</bdi>");
			put_msg(&p, M_ANSWERING_AS, t.data, e2.data);
		} else {
			put_msg(&p, M_ANSWERING_AS1, t.data, NULL);
		}
		put(&p, "</p>\n");
		snd_buf_free(&e2);
	}
	if (lbl(&p, &f->intro)) {
		put(&p, "<div class=\"intro\"");
		put_lang_attrs(&p, out, &f->intro);
		put(&p, ">");
		put_paras(&p, lbl(&p, &f->intro), "intro-p");
		put(&p, "</div>\n");
	}
	error_summary(&p, errs);

	put(&p, "<form method=\"post\" action=\"/q/");
	put_url_part(out, f->id);
	put(&p, "\" id=\"questions\" class=\"questionnaire\" novalidate>\n<input type=\"hidden\" "
	        "name=\"_csrf\" value=\"");
	esc(&p, r->csrf);
	put(&p, "\">\n<input type=\"hidden\" name=\"_lang\" value=\"");
	esc(&p, p.code);
	put(&p, "\">\n");
	for (s = 0; s < f->nsections; s++) {
		const struct snd_section *sec = &f->sections[s];
		put(&p, "<section class=\"sec\" id=\"s-");
		esc(&p, sec->id);
		put(&p, "\" aria-labelledby=\"s-");
		esc(&p, sec->id);
		put(&p, "-h\">\n<h2 id=\"s-");
		esc(&p, sec->id);
		put(&p, "-h\">");
		put_lbl(&p, out, &sec->title);
		put(&p, "</h2>\n");
		if (lbl(&p, &sec->intro)) {
			put(&p, "<div class=\"sec-intro\"");
			put_lang_attrs(&p, out, &sec->intro);
			put(&p, ">");
			put_paras(&p, lbl(&p, &sec->intro), "intro-p");
			put(&p, "</div>\n");
		}
		for (i = sec->first; i < sec->first + sec->count && i < f->nquestions; i++)
			r_question(&p, i, answers, errs, &t);
		put(&p, "</section>\n");
	}
	put(&p, "<div class=\"actions\"><button type=\"submit\" class=\"primary\">");
	put(&p, tr(p.un, M_SUBMIT));
	put(&p, "</button></div>\n</form>\n</main>\n");
	page_close(&p);
	snd_buf_free(&t);
}

/* ------------------------------------------------------------ the receipt */

/* One answer in words, with the form's labels (what the delegate chose,
 * not the ids that were stored). */
static void answer_text(struct pg *p, const struct snd_question *q, const cJSON *a)
{
	const cJSON *e;
	char n[48];
	switch (q->type) {
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
		if (cJSON_IsString(a)) {
			const struct snd_option *o = find_opt(q->options, q->noptions, a->valuestring);
			if (o)
				put_lbl(p, p->b, &o->label);
			else
				esc(p, a->valuestring);
		} else if (cJSON_IsArray(a)) {
			put(p, "<ul>");
			cJSON_ArrayForEach(e, a) {
				const struct snd_option *o;
				if (!cJSON_IsString(e))
					continue;
				o = find_opt(q->options, q->noptions, e->valuestring);
				put(p, "<li>");
				if (o)
					put_lbl(p, p->b, &o->label);
				else
					esc(p, e->valuestring);
				put(p, "</li>");
			}
			put(p, "</ul>");
		}
		break;
	case SND_Q_SCALE:
		if (cJSON_IsNumber(a)) {
			struct snd_buf t;
			snd_buf_init(&t, 0);
			point_text(p, q, (int)a->valuedouble, &t);
			put(p, t.data);
			snd_buf_free(&t);
		} else {
			put(p, tr(p->un, M_NO_VIEW));
		}
		break;
	case SND_Q_MATRIX: {
		size_t r;
		put(p, "<ul>");
		for (r = 0; r < q->nrows; r++) {
			const cJSON *v = jget(a, q->rows[r].id);
			if (v == NULL)
				continue;
			put(p, "<li>");
			put_lbl(p, p->b, &q->rows[r].label);
			put(p, ": ");
			if (cJSON_IsNumber(v)) {
				struct snd_buf t;
				snd_buf_init(&t, 0);
				point_text(p, q, (int)v->valuedouble, &t);
				put(p, t.data);
				snd_buf_free(&t);
			} else {
				put(p, tr(p->un, M_NO_VIEW));
			}
			put(p, "</li>");
		}
		put(p, "</ul>");
		break;
	}
	case SND_Q_RANK:
		put(p, "<ol>");
		cJSON_ArrayForEach(e, a) {
			const struct snd_option *o;
			if (!cJSON_IsString(e))
				continue;
			o = find_opt(q->options, q->noptions, e->valuestring);
			put(p, "<li>");
			if (o)
				put_lbl(p, p->b, &o->label);
			else
				esc(p, e->valuestring);
			put(p, "</li>");
		}
		put(p, "</ol>");
		break;
	case SND_Q_POSITION: {
		int pi = pos_index(jstr(a, "position"));
		const char *reason = jstr(a, "reason");
		put(p, "<strong>");
		if (pi >= 0)
			put(p, tr(p->un, pos_msg[pi]));
		else
			esc(p, jstr(a, "position"));
		put(p, "</strong>");
		if (reason && reason[0]) {
			put(p, "<br><span class=\"label\">");
			put(p, tr(p->un, M_REASON_SHORT));
			put(p, ":</span> <span class=\"free\" dir=\"auto\">");
			esc(p, reason);
			put(p, "</span>");
		}
		break;
	}
	case SND_Q_NUMBER:
		if (cJSON_IsNumber(a)) {
			fmt_number(a->valuedouble, n);
			put(p, n);
		}
		break;
	case SND_Q_TEXT:
		put(p, "<span class=\"free\" dir=\"auto\">");
		esc(p, cJSON_IsString(a) ? a->valuestring : NULL);
		put(p, "</span>");
		break;
	default:
		break;
	}
}

void page_receipt(struct snd_buf *out, const struct page_req *r, int64_t rev,
                  const char *hash, const char *receipt, const cJSON *answers,
                  int64_t submitted_at_ms)
{
	const struct snd_form *f = r->form;
	struct pg p;
	char when[40], num[32];
	size_t i, shown = 0;

	pg_init(&p, out, f, r->lang);
	page_open(&p, tr(p.un, M_RECEIPT_TITLE), "page-receipt", 0);
	put(&p, "<header class=\"top\">\n");
	lang_nav(&p, NULL);
	put(&p, "</header>\n<main id=\"main\">\n<p class=\"form-title\">");
	esc(&p, lbl(&p, &f->title));
	put(&p, "</p>\n<h1>");
	put(&p, tr(p.un, M_RECEIPT_TITLE));
	put(&p, "</h1>\n<p class=\"notice saved\">");
	snprintf(num, sizeof num, "%lld", (long long)rev);
	fmt_time(submitted_at_ms / 1000, T_DATE_HMS, when, sizeof when);
	put_msg(&p, M_RECEIPT_LINE, num, when);
	put(&p, "</p>\n<p><a class=\"button secondary\" href=\"/q/");
	put_url_part(out, f->id);
	put(&p, "?lang=");
	put_url_part(out, p.code);
	put(&p, "\">");
	put(&p, tr(p.un, M_EDIT));
	put(&p, "</a></p>\n");

	put(&p, "<section aria-labelledby=\"recorded-h\">\n<h2 id=\"recorded-h\">");
	put(&p, tr(p.un, M_WHAT_RECORDED));
	put(&p, "</h2>\n<dl class=\"answers\">\n");
	for (i = 0; i < f->nquestions; i++) {
		const struct snd_question *q = &f->questions[i];
		const cJSON *a = jget(answers, q->id);
		if (a == NULL)
			continue;
		shown++;
		snd_buf_printf(out, "<dt><span class=\"qnum\">%zu.</span> ", i + 1);
		put_lbl(&p, out, &q->text);
		put(&p, "</dt>\n<dd>");
		answer_text(&p, q, a);
		put(&p, "</dd>\n");
	}
	put(&p, "</dl>\n");
	if (shown == 0) {
		put(&p, "<p>");
		put(&p, tr(p.un, M_NOTHING_ANSWERED));
		put(&p, "</p>\n");
	}
	put(&p, "</section>\n");

	put(&p, "<section aria-labelledby=\"receipt-h\">\n<h2 id=\"receipt-h\">");
	put(&p, tr(p.un, M_YOUR_RECEIPT));
	put(&p, "</h2>\n<dl class=\"facts\">\n<div><dt>");
	put(&p, tr(p.un, M_REVISION));
	snd_buf_printf(out, "</dt><dd>%s</dd></div>\n<div><dt>", num);
	put(&p, tr(p.un, M_TIME_UTC));
	put(&p, "</dt><dd>");
	put(&p, when);
	put(&p, "</dd></div>\n<div><dt>");
	put(&p, tr(p.un, M_HASH));
	put(&p, "</dt><dd><code class=\"hash\">");
	esc(&p, hash);
	put(&p, "</code></dd></div>\n</dl>\n<label for=\"receipt-token\" class=\"block\">");
	put(&p, tr(p.un, M_TOKEN));
	put(&p, "</label>\n<textarea id=\"receipt-token\" class=\"token\" readonly rows=\"4\" "
	        "spellcheck=\"false\" data-copy-label=\"");
	put(&p, tr(p.un, M_COPY));
	put(&p, "\" data-copied-label=\"");
	put(&p, tr(p.un, M_COPIED));
	put(&p, "\">");
	esc(&p, receipt);
	put(&p, "</textarea>\n<p>");
	put(&p, tr(p.un, M_RECEIPT_KEEP));
	put(&p, "</p>\n<pre><code>collector token verify --pub receipt.public ");
	esc(&p, receipt);
	put(&p, "</code></pre>\n<p>");
	put(&p, tr(p.un, M_RECEIPT_HASH));
	put(&p, "</p>\n</section>\n</main>\n");
	page_close(&p);
}

/* ------------------------------------------------------------ message page */

void page_message(struct snd_buf *out, const struct snd_form *f, int lang, int status,
                  const char *title, const char *message)
{
	struct pg p;
	pg_init(&p, out, f, lang);
	page_open(&p, title, "page-message", 0);
	put(&p, "<main id=\"main\">\n");
	if (f) {
		put(&p, "<p class=\"form-title\">");
		esc(&p, lbl(&p, &f->title));
		put(&p, "</p>\n");
	}
	/* The server's titles and messages are English (http.c, routes.c): on
	 * a page in another language they are marked so, to be read and laid
	 * out as English rather than as, say, Arabic. */
	if (p.un != UN_EN)
		put(&p, "<div class=\"msg\" lang=\"en\" dir=\"ltr\">\n");
	put(&p, "<h1>");
	esc(&p, title);
	put(&p, "</h1>\n");
	if (message && message[0])
		put_paras(&p, message, "message");
	if (p.un != UN_EN)
		put(&p, "</div>\n");
	if (status > 0)
		snd_buf_printf(out, "<p class=\"status-code\">HTTP %d</p>\n", status);
	put(&p, "</main>\n");
	page_close(&p);
}

/* --------------------------------------------------------- chair dashboard */

static void turnout_table(struct pg *p, const cJSON *by, const char *key, enum msg caption)
{
	const cJSON *grp = jget(by, key), *e;
	char a[40], b[40];
	if (!cJSON_IsObject(grp) || grp->child == NULL)
		return;
	/* A box that may scroll sideways (a phone) takes the keyboard focus so
	 * it can be scrolled without a mouse; as a group, it is named. */
	put(p, "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"");
	put(p, tr(p->un, caption));
	put(p, "\"><table class=\"data\"><caption>");
	put(p, tr(p->un, caption));
	put(p, "</caption><thead><tr><th scope=\"col\">");
	put(p, tr(p->un, M_GROUP));
	put(p, "</th><th scope=\"col\">");
	put(p, tr(p->un, M_DELEGATES));
	put(p, "</th><th scope=\"col\">");
	put(p, tr(p->un, M_ENTITIES));
	put(p, "</th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(e, grp) {
		fmt_count(jnum(e, "delegates"), a);
		fmt_count(jnum(e, "entities"), b);
		put(p, "<tr><th scope=\"row\">");
		esc(p, e->string);
		snd_buf_printf(p->b, "</th><td>%s</td><td>%s</td></tr>\n", a, b);
	}
	put(p, "</tbody></table></div>\n");
}

static void turnout(struct pg *p, const cJSON *t)
{
	const cJSON *by = jget(t, "by");
	char a[40], b[40];
	fmt_count(jnum(t, "delegates"), a);
	fmt_count(jnum(t, "entities"), b);
	put(p, "<section class=\"turnout\" aria-labelledby=\"turnout-h\">\n<h2 id=\"turnout-h\">");
	put(p, tr(p->un, M_TURNOUT));
	put(p, "</h2>\n<div class=\"stats\"><p class=\"stat\"><span class=\"stat-n\">");
	put(p, a);
	put(p, "</span> <span class=\"stat-l\">");
	put(p, tr(p->un, M_DELEGATES));
	put(p, "</span></p><p class=\"stat\"><span class=\"stat-n\">");
	put(p, b);
	put(p, "</span> <span class=\"stat-l\">");
	put(p, tr(p->un, M_ENTITIES));
	put(p, "</span></p></div>\n<div class=\"tgrid\">\n");
	turnout_table(p, by, "category", M_BY_CATEGORY);
	turnout_table(p, by, "sg", M_BY_SG);
	turnout_table(p, by, "region", M_BY_REGION);
	put(p, "</div>\n</section>\n");
}

struct prop {
	const cJSON *qs;
	int qi;          /* form index, -1 when the form does not know it */
	size_t order;    /* summary order: the final tie-break, so sorting is stable */
	double object, share;
};

static int prop_cmp(const void *a, const void *b)
{
	const struct prop *x = a, *y = b;
	if (x->object != y->object)
		return x->object < y->object ? -1 : 1;
	if (x->share != y->share)
		return x->share > y->share ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void prop_title(struct pg *p, const struct prop *pr)
{
	if (pr->qi >= 0)
		put_lbl(p, p->b, &p->f->questions[pr->qi].text);
	else
		esc(p, jstr(pr->qs, "id"));
}

/* The proposals (position questions) of one question list, fewest
 * objections first, then by share of support, then in form order. */
static void consensus_table(struct pg *p, const cJSON *questions, const char *hid, int with_objections)
{
	const cJSON *qs;
	struct prop *pr = NULL;
	size_t n = 0, cap = 0, i;
	int k;

	cJSON_ArrayForEach(qs, questions) {
		const char *type = jstr(qs, "type");
		double answered;
		if (type == NULL || strcmp(type, "position") != 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct prop *np = realloc(pr, nc * sizeof *np);
			if (np == NULL)
				break;
			pr = np;
			cap = nc;
		}
		answered = jnum(qs, "answered");
		pr[n].qs = qs;
		pr[n].qi = jstr(qs, "id") ? snd_form_question(p->f, jstr(qs, "id")) : -1;
		pr[n].order = n;
		pr[n].object = jnum(qs, "object");
		pr[n].share = answered > 0 ? jnum(qs, "support") / answered : 0;
		n++;
	}
	if (n == 0) {
		put(p, "<p class=\"none\">");
		put(p, tr(p->un, M_NO_PROPOSALS));
		put(p, "</p>\n");
		free(pr);
		return;
	}
	qsort(pr, n, sizeof *pr, prop_cmp);

	put(p, "<div class=\"table-wrap\" tabindex=\"0\" role=\"group\" aria-label=\"");
	put(p, tr(p->un, M_CONS_HEAD));
	put(p, "\"><table class=\"data consensus\"");
	if (hid) {
		put(p, " aria-describedby=\"");
		esc(p, hid);
		put(p, "\"");
	}
	put(p, "><thead><tr><th scope=\"col\">");
	put(p, tr(p->un, M_PROPOSAL));
	put(p, "</th>");
	for (k = 0; k < SND_POS__MAX; k++) {
		snd_buf_printf(p->b, "<th scope=\"col\" class=\"pos-%s\">", snd_position_names[k]);
		put(p, tr(p->un, pos_msg[k]));
		put(p, "</th>");
	}
	put(p, "<th scope=\"col\">");
	put(p, tr(p->un, M_SUPPORT_SHARE));
	put(p, "</th><th scope=\"col\">");
	put(p, tr(p->un, M_CONSENSUS));
	put(p, "</th></tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		char a[40];
		int yes = jget(pr[i].qs, "consensus") ? cJSON_IsTrue(jget(pr[i].qs, "consensus"))
		                                     : (jnum(pr[i].qs, "answered") > 0 && pr[i].object == 0);
		put(p, "<tr><th scope=\"row\">");
		prop_title(p, &pr[i]);
		put(p, "</th>");
		for (k = 0; k < SND_POS__MAX; k++) {
			fmt_count(jnum(pr[i].qs, snd_position_names[k]), a);
			snd_buf_printf(p->b, "<td>%s</td>", a);
		}
		snd_buf_printf(p->b, "<td>%.0f%%</td><td class=\"%s\">", pr[i].share * 100.0,
		               yes ? "cons-yes" : "cons-no");
		put(p, tr(p->un, yes ? M_YES : M_NO));
		put(p, "</td></tr>\n");
	}
	put(p, "</tbody></table></div>\n");

	if (with_objections) {
		int any = 0;
		for (i = 0; i < n; i++) {
			const cJSON *objs = jget(pr[i].qs, "objections"), *o;
			if (!cJSON_IsArray(objs) || cJSON_GetArraySize(objs) == 0)
				continue;
			if (!any) {
				put(p, "<h3>");
				put(p, tr(p->un, M_OBJECTIONS));
				put(p, "</h3>\n");
				any = 1;
			}
			put(p, "<div class=\"objection-block\"><h4>");
			prop_title(p, &pr[i]);
			put(p, "</h4><ul class=\"objections\">\n");
			cJSON_ArrayForEach(o, objs) {
				const char *ent = jstr(o, "entity"), *reason = jstr(o, "reason");
				put(p, "<li><bdi class=\"ent\">");
				if (ent)
					esc(p, ent);
				else
					put(p, tr(p->un, M_ENTITY_HIDDEN));
				put(p, "</bdi>: <span class=\"free\" dir=\"auto\">");
				esc(p, reason);
				put(p, "</span></li>\n");
			}
			put(p, "</ul></div>\n");
		}
		if (!any) {
			put(p, "<p class=\"none\">");
			put(p, tr(p->un, M_NO_OBJECTIONS));
			put(p, "</p>\n");
		}
	}
	free(pr);
}

static const struct {
	const char *attr;
	enum msg name;
} by_attrs[] = {
	{ "category", M_A_CATEGORY }, { "sg", M_A_SG }, { "region", M_A_REGION }, { "entity", M_A_ENTITY },
};

/* The breakdown attribute's name in the page language (escaped into o). */
static void attr_name(struct snd_buf *o, int un, const char *by)
{
	size_t i;
	for (i = 0; i < sizeof by_attrs / sizeof by_attrs[0]; i++)
		if (strcmp(by, by_attrs[i].attr) == 0) {
			snd_buf_puts(o, tr(un, by_attrs[i].name));
			return;
		}
	snd_buf_html(o, by);
}

/* The query string that keeps the current view (by, weight), URL-encoded
 * but not yet HTML-escaped. */
static void view_query(struct snd_buf *q, const char *by, enum snd_weight weight, char first)
{
	char sep = first;
	if (by && by[0]) {
		snd_buf_putc(q, sep);
		snd_buf_puts(q, "by=");
		put_url_part(q, by);
		sep = '&';
	}
	if (weight == SND_WEIGHT_ENTITY) {
		snd_buf_putc(q, sep);
		snd_buf_puts(q, "weight=entity");
	}
}

static void chair_controls(struct pg *p, const char *by, enum snd_weight weight)
{
	size_t i;
	int known = by == NULL || by[0] == 0;
	put(p, "<form method=\"get\" class=\"controls\">\n<fieldset><legend>");
	put(p, tr(p->un, M_VIEW));
	put(p, "</legend>\n<div class=\"control\"><label for=\"by\">");
	put(p, tr(p->un, M_BREAK_DOWN));
	put(p, "</label> <select id=\"by\" name=\"by\"><option value=\"\"");
	put(p, known ? " selected>" : ">");
	put(p, tr(p->un, M_NO_BREAKDOWN));
	put(p, "</option>");
	for (i = 0; i < sizeof by_attrs / sizeof by_attrs[0]; i++) {
		int sel = by && strcmp(by, by_attrs[i].attr) == 0;
		known |= sel;
		snd_buf_printf(p->b, "<option value=\"%s\"%s>", by_attrs[i].attr, sel ? " selected" : "");
		put(p, tr(p->un, by_attrs[i].name));
		put(p, "</option>");
	}
	if (!known) {
		/* Any delegate attribute works (?by=hod); keep the one asked for. */
		put(p, "<option value=\"");
		esc(p, by);
		put(p, "\" selected>");
		esc(p, by);
		put(p, "</option>");
	}
	put(p, "</select></div>\n<div class=\"control\"><label for=\"weight\">");
	put(p, tr(p->un, M_WEIGHT));
	snd_buf_printf(p->b, "</label> <select id=\"weight\" name=\"weight\"><option value=\"delegate\"%s>",
	               weight == SND_WEIGHT_DELEGATE ? " selected" : "");
	put(p, tr(p->un, M_W_DELEGATE));
	snd_buf_printf(p->b, "</option><option value=\"entity\"%s>",
	               weight == SND_WEIGHT_ENTITY ? " selected" : "");
	put(p, tr(p->un, M_W_ENTITY));
	put(p, "</option></select></div>\n<input type=\"hidden\" name=\"lang\" value=\"");
	esc(p, p->code);
	put(p, "\">\n<button type=\"submit\">");
	put(p, tr(p->un, M_SHOW));
	put(p, "</button>\n</fieldset>\n</form>\n");
}

static void chair_downloads(struct pg *p, const char *by, enum snd_weight weight)
{
	struct snd_buf q, url;
	snd_buf_init(&q, 0);
	snd_buf_init(&url, 0);
	view_query(&q, by, weight, '?');
	snd_buf_puts(&url, "/api/v1/questionnaires/");
	put_url_part(&url, p->f->id);
	snd_buf_puts(&url, "/summary");
	put(p, "<p class=\"downloads\"><span class=\"label\">");
	put(p, tr(p->un, M_DOWNLOAD));
	put(p, ":</span> <a href=\"");
	esc(p, url.data);
	esc(p, q.data ? q.data : "");
	put(p, "\" type=\"application/json\">");
	put(p, tr(p->un, M_DL_JSON));
	put(p, "</a> <a href=\"");
	esc(p, url.data);
	snd_buf_reset(&q);
	view_query(&q, by, weight, '&');
	put(p, "?format=csv");
	esc(p, q.data ? q.data : "");
	put(p, "\" type=\"text/csv\">");
	put(p, tr(p->un, M_DL_CSV));
	put(p, "</a></p>\n");
	snd_buf_free(&q);
	snd_buf_free(&url);
}

/* When the questionnaire accepts answers, as the collector decides it now
 * (the secretariat's override, if any, else the form's times). */
static void chair_window(struct pg *p, const struct page_req *r)
{
	struct snd_window w;
	char a[40], b[40];

	snd_form_window(r->form, &w);
	if (r->has_window)
		w = r->window;
	put(p, "<p class=\"closes window\">");
	if (w.has_closes && r->now >= w.closes) {
		fmt_time(w.closes, T_DATE_HM, a, sizeof a);
		put_msg(p, M_CLOSED_ON, a, NULL);
	} else if (w.has_opens && r->now < w.opens) {
		if (w.has_closes && w.closes <= w.opens) {
			put_msg(p, M_CLOSED, NULL, NULL);
		} else {
			fmt_time(w.opens, T_DATE_HM, a, sizeof a);
			put_msg(p, M_OPENS_ON, a, NULL);
			if (w.has_closes) {
				fmt_time(w.closes, T_DATE_HM, b, sizeof b);
				put(p, " ");
				put_msg(p, M_CLOSES, b, NULL);
			}
		}
	} else if (w.has_closes) {
		fmt_time(w.closes, T_DATE_HM, a, sizeof a);
		put_msg(p, M_CLOSES, a, NULL);
	} else {
		put_msg(p, M_OPEN_NO_CLOSE, NULL, NULL);
	}
	if (w.overridden && w.set_at_ms > 0) {
		fmt_time(w.set_at_ms / 1000, T_DATE_HM, a, sizeof a);
		put(p, " ");
		put_msg(p, M_WINDOW_SET, a, NULL);
	}
	put(p, "</p>\n");
}

void page_chair(struct snd_buf *out, const struct page_req *r, const cJSON *summary,
                const cJSON *turnout_json, const char *by, enum snd_weight weight, int refresh_s)
{
	const struct snd_form *f = r->form;
	const cJSON *questions = jget(summary, "questions"), *groups = jget(summary, "groups"), *qs;
	struct pg p;
	struct snd_buf title, extra;
	char when[40], a[40];
	int gi = 0;

	pg_init(&p, out, f, r->lang);
	snd_buf_init(&title, 0);
	snd_buf_init(&extra, 0);
	snd_buf_puts(&title, tr(p.un, M_CHAIR));
	snd_buf_puts(&title, " \xe2\x80\x94 ");
	snd_buf_puts(&title, lbl(&p, &f->title) ? lbl(&p, &f->title) : f->id);
	page_open(&p, title.data, "page-chair projector", refresh_s);
	put(&p, "<header class=\"top\">\n");
	view_query(&extra, by, weight, '&');
	lang_nav(&p, extra.data);
	put(&p, "</header>\n<main id=\"main\">\n<p class=\"form-title\">");
	put(&p, tr(p.un, M_CHAIR));
	put(&p, "</p>\n<h1>");
	esc(&p, lbl(&p, &f->title));
	put(&p, "</h1>\n");
	chair_controls(&p, by, weight);
	chair_downloads(&p, by, weight);

	/* #live is what sounding.js swaps in place from a fresh copy of this
	 * page; everything that changes with new answers lives inside it. */
	put(&p, "<div id=\"live\">\n<p class=\"updated\">");
	/* With the date: a printed copy handed to the plenary must say when. */
	fmt_time(r->now, T_DATE_HMS, when, sizeof when);
	put_msg(&p, M_UPDATED, when, NULL);
	if (refresh_s > 0) {
		snprintf(a, sizeof a, "%d", refresh_s);
		put(&p, " <span class=\"refresh-note\">");
		put_msg(&p, M_REFRESHES, a, NULL);
		put(&p, "</span>");
	}
	fmt_count(jnum(summary, "responses"), a);
	put(&p, " ");
	put_msg(&p, M_RESPONSES, a, NULL);
	put(&p, "</p>\n");
	chair_window(&p, r);
	if (turnout_json)
		turnout(&p, turnout_json);

	put(&p, "<section class=\"proposals\" aria-labelledby=\"cons-h\">\n<h2 id=\"cons-h\">");
	put(&p, tr(p.un, M_CONS_HEAD));
	put(&p, "</h2>\n<p class=\"explain\" id=\"cons-x\">");
	put(&p, tr(p.un, M_CONS_INTRO));
	put(&p, "</p>\n");
	consensus_table(&p, questions, "cons-x", 1);
	put(&p, "</section>\n");

	put(&p, "<section class=\"all-questions\" aria-labelledby=\"all-h\">\n<h2 id=\"all-h\">");
	put(&p, tr(p.un, M_ALL_QUESTIONS));
	put(&p, "</h2>\n");
	if (jnum(summary, "responses") <= 0) {
		put(&p, "<p class=\"none\">");
		put(&p, tr(p.un, M_NO_RESPONSES));
		put(&p, "</p>\n");
	}
	cJSON_ArrayForEach(qs, questions)
		snd_report_question(out, f, p.lang, qs);
	put(&p, "</section>\n");

	if (cJSON_IsObject(groups) && groups->child && by) {
		const cJSON *g;
		struct snd_buf an;
		snd_buf_init(&an, 0);
		put(&p, "<section class=\"groups\" aria-labelledby=\"groups-h\">\n<h2 id=\"groups-h\">");
		attr_name(&an, p.un, by);
		put_msg(&p, M_BREAKDOWN_BY, an.data, NULL);
		put(&p, "</h2>\n");
		/* <details> keeps a long breakdown usable without script; the
		 * ids let sounding.js keep open groups open across updates. */
		cJSON_ArrayForEach(g, groups) {
			fmt_count(jnum(g, "responses"), a);
			snd_buf_printf(out, "<details class=\"group\" id=\"g-%d\"><summary><span class=\"gname\">", gi++);
			esc(&p, g->string);
			put(&p, "</span> \xc2\xb7 ");
			put_msg(&p, M_RESPONSES, a, NULL);
			put(&p, "</summary>\n");
			consensus_table(&p, jget(g, "questions"), NULL, 0);
			cJSON_ArrayForEach(qs, jget(g, "questions"))
				snd_report_question(out, f, p.lang, qs);
			put(&p, "</details>\n");
		}
		put(&p, "</section>\n");
		snd_buf_free(&an);
	}
	put(&p, "</div>\n</main>\n");
	page_close(&p);
	snd_buf_free(&title);
	snd_buf_free(&extra);
}

/* ---------------------------------------------------------- static assets */

/* Ours comes after snd_report_css so that our page rules (base size,
 * logical alignment) win over the report's where they overlap. */
static const char css_pages[] =
	"/* sounding.css - pages of the Sounding collector. */\n"
	":root{--fg:#111;--bg:#fff;--muted:#4a4a4a;--line:#6b6b6b;--soft:#e6e6e6;"
	"--accent:#0a4f96;--err:#b3001b;--ok:#136b36;--warn:#7a4d00;--focus:#ffbf00}\n"
	"*,*::before,*::after{box-sizing:border-box}\n"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
	"body{margin:0 auto;padding:0;max-width:none;color:var(--fg);background:var(--bg);"
	"font:1.0625rem/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\","
	"\"Noto Sans Arabic\",\"Noto Sans CJK SC\",\"Noto Sans SC\",sans-serif}\n"
	"main,.top{max-width:46rem;margin-inline:auto;padding-inline:1rem}\n"
	"main{padding-block:0 3rem}\n"
	"h1{font-size:1.75rem;line-height:1.25;margin-block:1rem .75rem}\n"
	"h2{font-size:1.375rem;line-height:1.3;margin-block:2.5rem 1rem;padding-block-end:.25rem;"
	"border-bottom:0;border-block-end:3px solid var(--accent)}\n"
	"a{color:var(--accent);text-underline-offset:.15em}\n"
	"a:hover{text-decoration-thickness:3px}\n"
	":focus-visible{outline:3px solid var(--fg);outline-offset:2px;"
	"box-shadow:0 0 0 6px var(--focus)}\n"
	"input:focus-visible,select:focus-visible,textarea:focus-visible,button:focus-visible"
	"{outline:3px solid var(--fg);outline-offset:2px;box-shadow:0 0 0 6px var(--focus)}\n"
	"[hidden]{display:none!important}\n"
	".vh{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
	"clip:rect(0,0,0,0);clip-path:inset(50%);white-space:nowrap;border:0}\n"
	".skip{position:absolute;inset-inline-start:.5rem;top:-10rem;background:var(--bg);"
	"padding:.75rem 1rem;z-index:10}\n.skip:focus{top:.5rem}\n"
	/* language switcher */
	".langs ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:0;"
	"padding:.5rem 0;border-block-end:1px solid var(--soft)}\n"
	".langs a,.langs .current{display:inline-block;padding:.5rem .25rem;min-height:44px}\n"
	".langs .current{font-weight:700;border-block-end:3px solid var(--fg)}\n"
	/* notices */
	".notice{border-inline-start:6px solid var(--accent);background:#eef3fa;"
	"padding:.75rem 1rem;margin-block:1rem}\n"
	".notice.draft{border-color:var(--warn);background:#fff5e0}\n"
	".notice.saved{border-color:var(--ok);background:#eaf6ee}\n"
	".closes,.who,.form-title,.explain,.updated{color:var(--muted)}\n"
	".form-title{margin-block:1rem 0;font-weight:600}\n"
	".intro-p,.help-p{margin-block:.5rem}\n"
	/* error summary and field errors: a thick border and words, not only colour */
	".error-summary{border:4px solid var(--err);padding:1rem 1.25rem;margin-block:1.5rem}\n"
	".error-summary h2{margin-block:0 .5rem;border:0;color:var(--err)}\n"
	".error-summary ul{padding-inline-start:1.25rem}\n"
	".error-summary a{color:var(--err);font-weight:600}\n"
	".field-error{color:var(--err);font-weight:700;margin-block:.5rem}\n"
	".q.has-error{border-inline-start:5px solid var(--err);padding-inline-start:1rem}\n"
	"[aria-invalid=true]{border-color:var(--err)}\n"
	/* questions */
	".sec{margin-block-end:2rem}\n"
	".q{border:0;margin:0 0 1.5rem;padding:1.25rem 0 0;min-inline-size:0;"
	"border-block-start:1px solid var(--soft)}\n"
	/* A floated legend is laid out in the flow like a heading instead of
	 * straddling the fieldset's top border. */
	".q>legend{float:left;width:100%;padding:0;margin-block-end:.5rem;"
	"font-size:1.125rem;font-weight:650;line-height:1.4}\n"
	".q>legend+*{clear:both}\n"
	".qnum{color:var(--muted);font-variant-numeric:tabular-nums}\n"
	".req{display:inline-block;font-size:.8125rem;font-weight:700;line-height:1.4;"
	"border:2px solid currentColor;border-radius:.25rem;padding:0 .4em;margin-inline-start:.35em;"
	"vertical-align:.1em;text-transform:uppercase;letter-spacing:.02em}\n"
	".cond{font-style:italic;color:var(--muted);border-inline-start:3px solid var(--soft);"
	"padding-inline-start:.75rem;margin-block:.25rem .75rem}\n"
	".help{color:var(--muted)}.hint{color:var(--muted);margin-block:.25rem .75rem}\n"
	/* quotation marks around chosen answers in show_if notes, per language
	 * (CSS escapes keep this file ASCII) */
	"q:lang(ar),q:lang(fr),q:lang(es),q:lang(ru){quotes:\"\\00AB\" \"\\00BB\" \"\\201C\" \"\\201D\"}\n"
	"q:lang(zh){quotes:\"\\201C\" \"\\201D\" \"\\2018\" \"\\2019\"}\n"
	".choices{display:flex;flex-direction:column;gap:.25rem}\n"
	".choice{display:flex;align-items:flex-start;gap:.75rem;min-height:44px;padding-block:.25rem}\n"
	".choice label{flex:1;padding-block:.15rem;cursor:pointer}\n"
	"input[type=radio],input[type=checkbox]{width:1.5rem;height:1.5rem;margin:0;margin-block-start:.1rem;"
	"flex:none;accent-color:var(--accent);cursor:pointer}\n"
	".help-p:first-child{margin-block-start:0}\n"
	".pt{font-weight:700;font-variant-numeric:tabular-nums}\n"
	"@media (min-width:40rem){.scale{flex-direction:row;flex-wrap:wrap;gap:.5rem}"
	".scale .choice{flex:1 1 0;min-width:5.5rem;flex-direction:column;align-items:center;"
	"text-align:center;border:1px solid var(--soft);border-radius:.35rem;padding:.5rem .25rem}"
	".scale .choice label{display:flex;flex-direction:column}}\n"
	"textarea,input[type=number],select{font:inherit;font-size:max(1rem,16px);color:var(--fg);"
	"background:var(--bg);border:2px solid var(--line);border-radius:.3rem;padding:.5rem .6rem;"
	"max-width:100%;min-height:44px}\n"
	"textarea{width:100%;display:block;line-height:1.45}\n"
	"input[type=number]{width:10rem}\n"
	".reason{margin-block-start:.75rem}.reason label,label.block{display:block;font-weight:600;"
	"margin-block-end:.25rem}\n"
	/* rank: option text above its place on phones; place first on wide screens */
	".rank{display:flex;flex-direction:column;gap:.75rem}\n"
	".rank-item{display:flex;flex-direction:column;align-items:flex-start;gap:.25rem}\n"
	".rank-item select{min-width:9rem}\n"
	"@media (min-width:40rem){.rank-item{flex-direction:row;align-items:center;gap:.75rem}"
	".rank-item select{order:-1;flex:none}}\n"
	/* matrix: a table on wide screens, one block per row on phones */
	".matrix-wrap{overflow-x:auto}\n"
	"table.matrix{border-collapse:collapse;width:100%;margin:.5rem 0}\n"
	".matrix th,.matrix td{border:0;border-block-end:1px solid var(--soft);padding:.5rem .35rem;"
	"text-align:center;background:none;vertical-align:middle}\n"
	".matrix thead th{font-weight:600;font-size:.9rem;vertical-align:bottom}\n"
	".matrix thead .pt-label{display:block;font-weight:400;color:var(--muted)}\n"
	".matrix th[scope=row]{text-align:start;font-weight:600}\n"
	".matrix td input{margin:0}\n"
	"@media (min-width:40rem){.mx-label{position:absolute!important;width:1px;height:1px;"
	"overflow:hidden;clip:rect(0,0,0,0);clip-path:inset(50%);white-space:nowrap}}\n"
	"@media (max-width:39.99rem){.matrix thead{position:absolute;width:1px;height:1px;"
	"overflow:hidden;clip:rect(0,0,0,0)}"
	".matrix,.matrix tbody,.matrix tr,.matrix th,.matrix td{display:block;width:100%}"
	".matrix tr{border:1px solid var(--soft);border-radius:.35rem;margin-block-end:.75rem;"
	"padding:.25rem .75rem}.matrix th[scope=row]{border:0;padding:.5rem 0}"
	".matrix td{display:flex;align-items:center;gap:.75rem;text-align:start;border:0;"
	"padding:.35rem 0;min-height:44px}.matrix td input{flex:none}"
	".mx-label{cursor:pointer;flex:1}}\n"
	/* buttons */
	"button,.button{display:inline-block;font:inherit;font-weight:700;padding:.75rem 1.5rem;"
	"min-height:48px;border:2px solid var(--accent);background:var(--accent);color:#fff;"
	"border-radius:.35rem;cursor:pointer;text-decoration:none;line-height:1.3}\n"
	"button:hover,.button:hover{background:#083b70}\n"
	".button.secondary,button.secondary{background:var(--bg);color:var(--accent)}\n"
	".actions{margin-block:2rem;padding-block-start:1rem;border-block-start:1px solid var(--soft)}\n"
	".actions button{width:100%}\n"
	"@media (min-width:40rem){.actions button{width:auto}}\n"
	/* receipt */
	".answers dt{font-weight:650;margin-block-start:1rem}\n"
	".answers dd{margin-inline-start:0;margin-block-start:.25rem;padding-inline-start:.75rem;"
	"border-inline-start:3px solid var(--soft)}\n"
	".answers ul,.answers ol{margin:0;padding-inline-start:1.25rem}\n"
	".free{white-space:pre-wrap;overflow-wrap:anywhere}\n"
	".facts div{display:flex;flex-wrap:wrap;gap:0 .5rem;margin-block:.25rem}\n"
	".facts dt{font-weight:650}.facts dt::after{content:\":\"}.facts dd{margin:0}\n"
	".hash,.token,pre{font-family:ui-monospace,\"SFMono-Regular\",Menlo,Consolas,monospace;"
	"font-size:.875rem;overflow-wrap:anywhere;word-break:break-all}\n"
	".token{direction:ltr;text-align:left}\n"
	"pre{direction:ltr;text-align:left;white-space:pre-wrap;background:#f4f4f4;"
	"border:1px solid var(--soft);padding:.75rem;border-radius:.3rem}\n"
	".copy{margin-block-start:.5rem}\n"
	".status-code{color:var(--muted);font-size:.875rem}\n"
	/* chair dashboard: large type for a projector */
	".page-chair main,.page-chair .top{max-width:96rem;padding-inline:2rem}\n"
	".projector{font-size:1.375rem}\n"
	".projector h1{font-size:2.25rem}.projector h2{font-size:1.75rem}\n"
	/* a chair's phone is no projector: ordinary type, and long option
	 * labels in the pairwise table may break so it fits the screen */
	"@media (max-width:40rem){.page-chair main,.page-chair .top{padding-inline:1rem}"
	".projector{font-size:1rem}.projector h1{font-size:1.5rem}.projector h2{font-size:1.25rem}"
	".page-chair .snd-pairwise th{overflow-wrap:anywhere}}\n"
	".controls fieldset{border:1px solid var(--soft);border-radius:.35rem;display:flex;"
	"flex-wrap:wrap;gap:.75rem 1.5rem;align-items:flex-end;padding:.75rem 1rem}\n"
	".controls legend{font-weight:700;padding-inline:.25rem}\n"
	".control label{display:block;font-size:.9em;font-weight:600}\n"
	".downloads .label{font-weight:600}.downloads a{margin-inline-end:1rem}\n"
	".stats{display:flex;flex-wrap:wrap;gap:1rem 3rem;margin-block:1rem}\n"
	".stat{margin:0}.stat-n{display:block;font-size:3.5rem;font-weight:800;line-height:1.05;"
	"font-variant-numeric:tabular-nums}.stat-l{font-weight:600;color:var(--muted)}\n"
	/* Each turnout table as wide as it needs (flex, not fixed grid tracks,
	 * which its projector-size text overflowed), wrapping to the next
	 * line, and scrolling inside its own box on a narrow screen. */
	".tgrid{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}\n"
	".tgrid>.table-wrap{flex:1 1 auto;max-width:100%}\n"
	".table-wrap{overflow-x:auto}\n"
	"table.data{border-collapse:collapse;margin-block:.75rem;min-width:100%}\n"
	"table.data caption{text-align:start;font-weight:700;color:var(--fg);font-size:1em;"
	"padding-block:.25rem}\n"
	".data th,.data td{border:0;border-block-end:1px solid var(--line);padding:.4rem .75rem;"
	"text-align:end;background:none;font-variant-numeric:tabular-nums}\n"
	".data th:first-child,.data th[scope=row]{text-align:start}\n"
	".data thead th{border-block-end:3px solid var(--fg);vertical-align:bottom}\n"
	".consensus th[scope=row]{font-weight:500;max-width:40rem}\n"
	".cons-yes{font-weight:800;color:var(--ok)}.cons-no{font-weight:800;color:var(--err)}\n"
	".objection-block h4{font-size:1em;margin-block:1rem .25rem}\n"
	".objections{margin:0;padding-inline-start:1.25rem}.objections li{margin-block:.35rem}\n"
	".ent{font-weight:700}\n"
	".none{font-style:italic;color:var(--muted)}\n"
	".group{border:1px solid var(--soft);border-radius:.35rem;padding:.5rem 1rem;margin-block:.75rem}\n"
	".group summary{cursor:pointer;font-weight:700;min-height:44px;padding-block:.5rem}\n"
	".page-chair .snd-q{border-color:var(--line)}\n"
	/* the report's charts are sized for a document; scale them up for the room */
	".page-chair .snd-q h3{font-size:1.15em}\n"
	".page-chair .snd-chart{width:100%;max-width:56rem}\n"
	".page-chair .snd-meta,.page-chair .snd-explain{font-size:.8em;color:var(--muted)}\n"
	"@media (forced-colors:active){.req,.notice,.error-summary,.q.has-error{border-color:CanvasText}"
	":focus-visible{outline:3px solid Highlight}}\n"
	"@media print{body{font-size:11pt;color:#000;background:#fff}"
	".projector{font-size:11pt}.projector h1{font-size:18pt}.projector h2{font-size:14pt}"
	".langs,.skip,.controls,.downloads,.actions,.copy,.refresh-note{display:none!important}"
	"main,.page-chair main{max-width:none;padding:0}a{color:#000;text-decoration:none}"
	".stat-n{font-size:24pt}.q,tr,.objection-block,.stat{break-inside:avoid}"
	"h2,h3,h4{break-after:avoid}"
	":focus-visible{box-shadow:none;outline:0}}\n";

/* The optional script: progressive enhancement only.  The form posts and
 * validates without it; show_if questions are then merely marked. */
static const char js_text[] =
	"/* sounding.js - optional enhancements for the Sounding collector's pages.\n"
	" * Everything works without it. */\n"
	"(function () {\n"
	"'use strict';\n"
	"\n"
	"/* Values currently chosen for question qid: checked radios/checkboxes named\n"
	" * qid, or, for rank selects named qid.opt, the ranked options. */\n"
	"function chosen(form, qid) {\n"
	"  var out = [], i, el, els = form.elements;\n"
	"  for (i = 0; i < els.length; i++) {\n"
	"    el = els[i];\n"
	"    if (el.disabled) continue;\n"
	"    if (el.name === qid && (el.type === 'radio' || el.type === 'checkbox')) {\n"
	"      if (el.checked) out.push(el.value);\n"
	"    } else if (el.tagName === 'SELECT' && el.name.indexOf(qid + '.') === 0 && el.value) {\n"
	"      out.push(el.name.slice(qid.length + 1));\n"
	"    }\n"
	"  }\n"
	"  return out;\n"
	"}\n"
	"\n"
	"/* Hides (and disables, so nothing is posted) each show_if question whose\n"
	" * condition is not met; document order makes chained conditions work. */\n"
	"function applyShowIf(form) {\n"
	"  var qs = form.querySelectorAll('fieldset[data-show-if]'), i, fs, want, got, show, j;\n"
	"  for (i = 0; i < qs.length; i++) {\n"
	"    fs = qs[i];\n"
	"    want = (fs.getAttribute('data-show-values') || '').split(' ');\n"
	"    got = chosen(form, fs.getAttribute('data-show-if'));\n"
	"    show = false;\n"
	"    for (j = 0; j < got.length; j++) if (want.indexOf(got[j]) >= 0) show = true;\n"
	"    if (fs.classList.contains('has-error')) show = true;\n"
	"    fs.hidden = !show;\n"
	"    fs.disabled = !show;\n"
	"  }\n"
	"}\n"
	"\n"
	"function setupForm(form) {\n"
	"  var dirty = false;\n"
	"  applyShowIf(form);\n"
	"  form.addEventListener('change', function () { dirty = true; applyShowIf(form); });\n"
	"  form.addEventListener('input', function () { dirty = true; });\n"
	"  form.addEventListener('submit', function () { dirty = false; });\n"
	"  window.addEventListener('beforeunload', function (e) {\n"
	"    if (dirty) { e.preventDefault(); e.returnValue = ''; }\n"
	"  });\n"
	"  var sum = document.getElementById('error-summary');\n"
	"  if (sum) sum.focus();\n"
	"}\n"
	"\n"
	"function setupCopy(ta) {\n"
	"  var b = document.createElement('button');\n"
	"  b.type = 'button';\n"
	"  b.className = 'secondary copy';\n"
	"  b.textContent = ta.getAttribute('data-copy-label') || 'Copy';\n"
	"  b.addEventListener('click', function () {\n"
	"    ta.focus();\n"
	"    ta.select();\n"
	"    var done = function () { b.textContent = ta.getAttribute('data-copied-label') || 'Copied'; };\n"
	"    if (navigator.clipboard && navigator.clipboard.writeText)\n"
	"      navigator.clipboard.writeText(ta.value).then(done, function () {});\n"
	"    else if (document.execCommand && document.execCommand('copy')) done();\n"
	"  });\n"
	"  ta.parentNode.insertBefore(b, ta.nextSibling);\n"
	"}\n"
	"\n"
	"/* The chair page: fetch a fresh copy of this very page and swap #live in\n"
	" * one step, so nothing flashes and the charts stay the server's.  Open\n"
	" * <details> stay open; nothing is fetched while the tab is hidden. */\n"
	"function setupLive(live, secs) {\n"
	"  var busy = false;\n"
	"  function tick() {\n"
	"    if (busy || document.hidden || !window.fetch || !window.DOMParser) return;\n"
	"    busy = true;\n"
	"    fetch(location.href, { credentials: 'same-origin', cache: 'no-store',\n"
	"                           headers: { 'Accept': 'text/html' } })\n"
	"      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })\n"
	"      .then(function (html) {\n"
	"        var doc = new DOMParser().parseFromString(html, 'text/html');\n"
	"        var fresh = doc.getElementById('live');\n"
	"        var cur = document.getElementById('live');\n"
	"        if (!fresh || !cur) return;\n"
	"        var open = cur.querySelectorAll('details[open]'), i, d;\n"
	"        for (i = 0; i < open.length; i++) {\n"
	"          d = fresh.querySelector('#' + open[i].id);\n"
	"          if (d) d.open = true;\n"
	"        }\n"
	"        cur.replaceWith(document.importNode(fresh, true));\n"
	"      })\n"
	/* Blocked (a CSP without connect-src 'self') or offline: fall back to
	 * what the <noscript> refresh does for pages without script. */
	"      .catch(function () { location.reload(); })\n"
	"      .then(function () { busy = false; });\n"
	"  }\n"
	"  setInterval(tick, secs * 1000);\n"
	"}\n"
	"\n"
	"function init() {\n"
	"  var forms = document.querySelectorAll('form.questionnaire'), i;\n"
	"  for (i = 0; i < forms.length; i++) setupForm(forms[i]);\n"
	"  var tas = document.querySelectorAll('textarea[data-copy-label]');\n"
	"  for (i = 0; i < tas.length; i++) setupCopy(tas[i]);\n"
	"  var live = document.getElementById('live');\n"
	"  var secs = parseInt(document.body.getAttribute('data-refresh') || '0', 10);\n"
	"  if (live && secs > 0) setupLive(live, secs);\n"
	"}\n"
	"\n"
	"if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);\n"
	"else init();\n"
	"})();\n";

static pthread_once_t css_once = PTHREAD_ONCE_INIT;
static char *css_all;
static size_t css_all_len;

/* Built once: the report's CSS (the chair page shows its charts) followed
 * by ours.  Never freed; it lives as long as the process serves it. */
static void css_build(void)
{
	struct snd_buf b;
	const char *rc = snd_report_css();
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, "/* charts (core/report.c) */\n");
	snd_buf_puts(&b, rc ? rc : "");
	snd_buf_puts(&b, css_pages);
	css_all = snd_buf_steal(&b, &css_all_len);
	snd_buf_free(&b);
}

const char *page_css(size_t *len)
{
	pthread_once(&css_once, css_build);
	if (css_all == NULL) {
		/* Out of memory at first use: still serve our own rules. */
		if (len)
			*len = sizeof css_pages - 1;
		return css_pages;
	}
	if (len)
		*len = css_all_len;
	return css_all;
}

const char *page_js(size_t *len)
{
	if (len)
		*len = sizeof js_text - 1;
	return js_text;
}
