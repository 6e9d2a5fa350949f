/* i18n.c - the collector's UI texts ("chrome") in the six UN languages
 * (interface in i18n.h): the message table and the language lookups.
 *
 * Invariants:
 *   1. Every message has a text in every language, and none holds < > & or
 *      " (pages append them unescaped); test_pages checks both.
 *   2. A message with {1} or {2} has them in every language: each language
 *      keeps its own word order.
 */
#include "i18n.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const un_codes[UN__MAX] = { "en", "fr", "es", "ar", "zh", "ru" };
static const char *const un_names[UN__MAX] = {
	"English", "Français", "Español", "العربية", "中文", "Русский"
};

/* {1} and {2} are placeholders filled by put_msg, so each language keeps its
 * own word order.  Plural-sensitive phrasings are avoided on purpose (a
 * count is put after a colon or in parentheses) so one string per language
 * is right for every number. */
const char *const msgs[M__MAX][UN__MAX] = {
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
	[M_SALT] = { "Salt", "Sel", "Sal", "الملح", "盐值", "Соль" },
	[M_RECEIPT_SALT] = {
		"To check the hash: SHA-256 of the salt's 16 bytes (its 32 hex digits decoded) followed "
		"by your answers written as RFC 8785 canonical JSON; the salt keeps equal answers from "
		"showing equal hashes. The same hash and salt are inside the token, and the hash is in "
		"the published list of responses.",
		"Pour vérifier l’empreinte : SHA-256 des 16 octets du sel (ses 32 chiffres hexadécimaux "
		"décodés) suivis de vos réponses écrites en JSON canonique (RFC 8785) ; le sel empêche "
		"que des réponses égales montrent des empreintes égales. La même empreinte et le même "
		"sel figurent dans le jeton, et l’empreinte dans la liste publiée des réponses.",
		"Para comprobar el hash: SHA-256 de los 16 bytes de la sal (sus 32 dígitos hexadecimales "
		"decodificados) seguidos de sus respuestas escritas en JSON canónico (RFC 8785); la sal "
		"impide que respuestas iguales muestren hashes iguales. El mismo hash y la misma sal "
		"figuran en el token, y el hash en la lista publicada de respuestas.",
		"للتحقق من البصمة: SHA-256 لبايتات الملح الستة عشر (أرقامه الست عشرية الاثنان والثلاثون "
		"بعد فكّها) متبوعةً بإجاباتك مكتوبةً بصيغة JSON القانونية (RFC 8785)؛ ويمنع الملح أن "
		"تُظهر الإجابات المتساوية بصمات متساوية. وترد البصمة والملح نفسهما في الرمز، وترد البصمة "
		"في القائمة المنشورة للردود.",
		"核对哈希值：取盐值的 16 个字节（其 32 位十六进制数字解码后），后接按 RFC 8785 规范 JSON "
		"写出的答复，计算 SHA-256；盐值使相同的答复不会显示相同的哈希值。令牌中有同一哈希值和盐值，"
		"公布的答复列表中有该哈希值。",
		"Как проверить хеш: SHA-256 от 16 байт соли (её 32 шестнадцатеричных цифр после "
		"декодирования), за которыми следуют ваши ответы в каноническом JSON (RFC 8785); соль не "
		"даёт одинаковым ответам показывать одинаковые хеши. Тот же хеш и та же соль содержатся в "
		"токене, а хеш — в опубликованном списке ответов." },
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
	/* The chair's capped lists and their full, paged, list. */
	[M_SHOWN_OF] = { "Shown: {1} of {2}, in alphabetical order of entity.",
		"Affichées : {1} sur {2}, par ordre alphabétique d’entité.",
		"Se muestran {1} de {2}, por orden alfabético de entidad.",
		"المعروض: {1} من {2}، بالترتيب الأبجدي للكيان.",
		"显示 {1} 条（共 {2} 条），按实体字母顺序排列。",
		"Показано: {1} из {2}, в алфавитном порядке организаций." },
	[M_SHOWN_OF_PSEUDO] = { "Shown: {1} of {2}.", "Affichées : {1} sur {2}.",
		"Se muestran {1} de {2}.", "المعروض: {1} من {2}.", "显示 {1} 条（共 {2} 条）。",
		"Показано: {1} из {2}." },
	[M_SEE_ALL] = { "See all ({1})", "Tout voir ({1})", "Ver todo ({1})", "عرض الكل ({1})",
		"查看全部（{1}）", "Показать все ({1})" },
	[M_COMMENTS] = { "Comments", "Commentaires", "Comentarios", "التعليقات", "评论",
		"Комментарии" },
	[M_NO_COMMENTS] = { "No comments.", "Aucun commentaire.", "Sin comentarios.",
		"لا تعليقات.", "无评论。", "Комментариев нет." },
	[M_BACK] = { "Back to the dashboard", "Retour au tableau de bord", "Volver al panel",
		"العودة إلى لوحة المتابعة", "返回仪表板", "Вернуться к панели" },
	[M_PAGES] = { "Pages", "Pages", "Páginas", "الصفحات", "页面", "Страницы" },
	[M_PREV] = { "Previous page", "Page précédente", "Página anterior", "الصفحة السابقة",
		"上一页", "Предыдущая страница" },
	[M_NEXT] = { "Next page", "Page suivante", "Página siguiente", "الصفحة التالية",
		"下一页", "Следующая страница" },
	[M_PAGE_OF] = { "Page {1} of {2}", "Page {1} sur {2}", "Página {1} de {2}",
		"الصفحة {1} من {2}", "第 {1} 页，共 {2} 页", "Страница {1} из {2}" },
	[M_ITEMS_OF] = { "Items {1} of {2}, in alphabetical order of entity.",
		"Éléments {1} sur {2}, par ordre alphabétique d’entité.",
		"Elementos {1} de {2}, por orden alfabético de entidad.",
		"العناصر {1} من {2}، بالترتيب الأبجدي للكيان.",
		"第 {1} 条，共 {2} 条，按实体字母顺序排列。",
		"Записи {1} из {2}, в алфавитном порядке организаций." },
	[M_GROUPS_SHOWN] = { "Shown: the first {1} of {2} groups. The downloads hold every group.",
		"Affichés : les {1} premiers groupes sur {2}. Les téléchargements les contiennent tous.",
		"Se muestran los primeros {1} de {2} grupos. Las descargas contienen todos los grupos.",
		"المعروض: أول {1} من {2} مجموعة. تتضمن التنزيلات جميع المجموعات.",
		"显示前 {1} 个组（共 {2} 个）。下载文件包含所有组。",
		"Показаны первые {1} из {2} групп. В загружаемых файлах есть все группы." },
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
	/* Switching sessions: GET /t/TOKEN while another session is open
	 * (page_session.c).  {1} is an id, {2} a role (M_ROLE_*). */
	[M_SW_TITLE] = { "Continue with this link?", "Continuer avec ce lien ?",
		"¿Continuar con este enlace?", "هل تريد المتابعة بهذا الرابط؟", "是否使用此链接继续？",
		"Продолжить по этой ссылке?" },
	[M_SW_CURRENT] = { "In this browser you are signed in as {1} ({2}).",
		"Dans ce navigateur, vous êtes connecté en tant que {1} ({2}).",
		"En este navegador ha iniciado sesión como {1} ({2}).",
		"في هذا المتصفح، أنت مسجَّل الدخول بصفتك {1} ({2}).",
		"您在此浏览器中以 {1}（{2}）的身份登录。",
		"В этом браузере вы вошли как {1} ({2})." },
	[M_SW_NEW] = { "The link you opened is for {1} ({2}).",
		"Le lien que vous avez ouvert est celui de {1} ({2}).",
		"El enlace que ha abierto es el de {1} ({2}).",
		"الرابط الذي فتحته خاص بـ {1} ({2}).",
		"您打开的链接属于 {1}（{2}）。",
		"Открытая вами ссылка предназначена для {1} ({2})." },
	[M_SW_WHY] = { "Continuing ends the current session in this browser. Continue only if this "
		"link was sent to you: answers given after that count for the link’s holder.",
		"Continuer met fin à la session en cours dans ce navigateur. Ne continuez que si ce lien "
		"vous a été envoyé : les réponses données ensuite comptent pour son titulaire.",
		"Continuar cierra la sesión actual en este navegador. Continúe solo si este enlace se le "
		"envió a usted: las respuestas que dé después cuentan para su titular.",
		"المتابعة تُنهي الجلسة الحالية في هذا المتصفح. لا تتابع إلا إذا أُرسل إليك هذا الرابط: "
		"فالإجابات التي تُقدَّم بعد ذلك تُحسب لصاحب الرابط.",
		"继续将结束此浏览器中的当前会话。仅当此链接是发给您的时才继续：之后提交的答复将计入链接持有人名下。",
		"Продолжение завершит текущий сеанс в этом браузере. Продолжайте, только если эта ссылка "
		"была отправлена вам: ответы после этого засчитываются её владельцу." },
	[M_SW_CONTINUE] = { "Continue as {1}", "Continuer en tant que {1}", "Continuar como {1}",
		"المتابعة بصفتك {1}", "以 {1} 的身份继续", "Продолжить как {1}" },
	[M_SW_STAY] = { "Stay signed in as {1}", "Rester connecté en tant que {1}",
		"Seguir con la sesión de {1}", "البقاء مسجَّل الدخول بصفتك {1}",
		"保持以 {1} 的身份登录", "Остаться в сеансе {1}" },
	[M_ROLE_DELEGATE] = { "delegate", "délégué", "delegado", "مندوب", "代表", "делегат" },
	[M_ROLE_CHAIR] = { "chair", "président", "presidencia", "رئيس", "主席", "председатель" },
	/* The revision limits (serve --max-revisions, --revision-rate): 429 */
	[M_LIMIT_TITLE] = { "Not saved: too many revisions", "Non enregistré : trop de révisions",
		"No guardado: demasiadas revisiones", "لم يُحفظ: عدد كبير جداً من المراجعات",
		"未保存：修订次数过多", "Не сохранено: слишком много изменений" },
	[M_LIMIT_TOTAL] = { "You have saved as many revisions as this questionnaire allows. Nothing was "
		"saved this time; your last saved answers count. Ask the secretariat if you need to "
		"change them.",
		"Vous avez enregistré autant de révisions que ce questionnaire en autorise. Rien n’a été "
		"enregistré cette fois ; vos dernières réponses enregistrées comptent. Adressez-vous au "
		"secrétariat pour les modifier.",
		"Ha guardado tantas revisiones como permite este cuestionario. Esta vez no se guardó nada; "
		"cuentan sus últimas respuestas guardadas. Diríjase a la secretaría si necesita cambiarlas.",
		"لقد حفظت العدد الأقصى من المراجعات الذي يسمح به هذا الاستبيان. لم يُحفظ شيء هذه المرة، "
		"وتُحتسب آخر إجابات محفوظة لك. تواصل مع الأمانة إذا احتجت إلى تغييرها.",
		"您保存的修订次数已达到本问卷允许的上限。本次未保存任何内容；以您最后保存的答复为准。如需更改，请联系秘书处。",
		"Вы сохранили столько изменений, сколько допускает этот опросник. На этот раз ничего не "
		"сохранено; в силе ваши последние сохранённые ответы. Чтобы изменить их, обратитесь в "
		"секретариат." },
	[M_LIMIT_RATE] = { "You have saved many times in a short while. Nothing was saved this time: "
		"wait a little (about {1} s), then go back and send the form again.",
		"Vous avez enregistré de nombreuses fois en peu de temps. Rien n’a été enregistré cette "
		"fois : patientez un peu (environ {1} s), puis revenez en arrière et renvoyez le formulaire.",
		"Ha guardado muchas veces en poco tiempo. Esta vez no se guardó nada: espere un poco "
		"(unos {1} s), vuelva atrás y envíe el formulario de nuevo.",
		"لقد حفظت مرات عديدة في وقت قصير. لم يُحفظ شيء هذه المرة: انتظر قليلاً (نحو {1} ث)، "
		"ثم ارجع وأرسل الاستمارة مرة أخرى.",
		"您在短时间内保存次数过多。本次未保存任何内容：请稍候（约 {1} 秒），然后返回并重新提交表单。",
		"Вы сохраняли ответы много раз за короткое время. На этот раз ничего не сохранено: "
		"подождите немного (около {1} с), затем вернитесь и отправьте форму снова." },
	[M_LIMIT_FORM] = { "Back to the questionnaire", "Retour au questionnaire",
		"Volver al cuestionario", "العودة إلى الاستبيان", "返回问卷", "Вернуться к опроснику" },
	[M_LIMIT_RECEIPT] = { "Your last saved answers", "Vos dernières réponses enregistrées",
		"Sus últimas respuestas guardadas", "آخر إجاباتك المحفوظة", "您最后保存的答复",
		"Ваши последние сохранённые ответы" },
	/* the chair's record, results for delegates, the previous round */
	[M_REC_TITLE] = { "The chair’s record", "Le relevé de la présidence", "El registro de la presidencia",
		"سجل الرئيس", "主席记录", "Записи председателя" },
	[M_REC_LINK] = { "Record dispositions and outcomes", "Consigner la suite donnée et les conclusions",
		"Registrar el tratamiento y los resultados", "تسجيل معالجة الاعتراضات والنتائج",
		"记录处理意见和结论", "Записать решения и итоги" },
	[M_REC_INTRO] = { "What you record here is kept with your id and the time, and shown in the summary and the report. The latest entry for each objection or question counts.",
		"Ce que vous consignez ici est conservé avec votre identifiant et l’heure, et figure dans le résumé et le rapport. La dernière entrée de chaque objection ou question fait foi.",
		"Lo que registre aquí se guarda con su identificador y la hora, y aparece en el resumen y el informe. Cuenta la última entrada de cada objeción o pregunta.",
		"يُحفظ ما تسجله هنا مع معرّفك والوقت، ويظهر في الملخص والتقرير. يُعتد بآخر إدخال لكل اعتراض أو سؤال.",
		"您在此记录的内容将连同您的标识和时间一并保存，并显示在摘要和报告中。每项反对意见或问题以最新记录为准。",
		"Записанное здесь хранится с вашим идентификатором и временем и показывается в сводке и отчете. Действует последняя запись по каждому возражению или вопросу." },
	[M_REC_OUTCOME] = { "Outcome", "Conclusion", "Resultado", "النتيجة", "结论", "Итог" },
	[M_REC_NO_OUTCOME] = { "No outcome recorded yet.", "Aucune conclusion consignée pour l’instant.",
		"Aún no se ha registrado ningún resultado.", "لم تُسجل أي نتيجة بعد.", "尚未记录结论。",
		"Итог пока не записан." },
	[M_REC_SAVE_OUTCOME] = { "Record the outcome", "Consigner la conclusion", "Registrar el resultado",
		"تسجيل النتيجة", "记录结论", "Записать итог" },
	[M_REC_OBJ_HEAD] = { "Objections", "Objections", "Objeciones", "الاعتراضات", "反对意见", "Возражения" },
	[M_REC_NO_OBJ] = { "No objections so far.", "Aucune objection pour l’instant.",
		"Ninguna objeción por ahora.", "لا اعتراضات حتى الآن.", "目前没有反对意见。",
		"Возражений пока нет." },
	[M_REC_ALL_OBJ] = { "All objections", "Toutes les objections", "Todas las objeciones",
		"جميع الاعتراضات", "所有反对意见", "Все возражения" },
	[M_REC_STATUS] = { "Disposition", "Suite donnée", "Tratamiento", "المعالجة", "处理", "Решение" },
	[M_REC_NOTE] = { "Note", "Note", "Nota", "ملاحظة", "备注", "Примечание" },
	[M_REC_SAVE_DISP] = { "Record the disposition", "Consigner la suite donnée",
		"Registrar el tratamiento", "تسجيل المعالجة", "记录处理", "Записать решение" },
	[M_REC_ST_OPEN] = { "Open", "Ouverte", "Abierta", "مفتوح", "未决", "Открыто" },
	[M_REC_ST_ADDRESSED] = { "Addressed", "Traitée", "Atendida", "تمت معالجته", "已处理", "Учтено" },
	[M_REC_ST_NOTED] = { "Noted", "Prise en note", "Tomada en cuenta", "أُحيط به علما", "已备案",
		"Принято к сведению" },
	[M_REC_ST_RESOLVED] = { "Resolved", "Résolue", "Resuelta", "تمت تسويته", "已解决", "Урегулировано" },
	[M_REC_NONE_YET] = { "No disposition recorded yet.", "Aucune suite consignée pour l’instant.",
		"Aún no se ha registrado ningún tratamiento.", "لم تُسجل أي معالجة بعد.", "尚未记录处理。",
		"Решение пока не записано." },
	[M_REC_SAVED] = { "Recorded.", "Consigné.", "Registrado.", "تم التسجيل.", "已记录。", "Записано." },
	[M_REC_BY] = { "recorded by {1} on {2}", "consigné par {1} le {2}", "registrado por {1} el {2}",
		"سجّله {1} في {2}", "由 {1} 于 {2} 记录", "записал {1}, {2}" },
	[M_RES_TITLE] = { "Results", "Résultats", "Resultados", "النتائج", "结果", "Результаты" },
	[M_RES_CHAIRS] = { "The results of this questionnaire are for the chairs only.",
		"Les résultats de ce questionnaire sont réservés à la présidence.",
		"Los resultados de este cuestionario están reservados a la presidencia.",
		"نتائج هذا الاستبيان مخصصة للرؤساء فقط.", "本问卷的结果仅供主席查看。",
		"Результаты этого опроса доступны только председателям." },
	[M_RES_AFTER] = { "The results will be shown here once the questionnaire closes.",
		"Les résultats seront affichés ici dès la clôture du questionnaire.",
		"Los resultados se mostrarán aquí cuando se cierre el cuestionario.",
		"ستُعرض النتائج هنا بعد إغلاق الاستبيان.", "问卷关闭后，结果将在此显示。",
		"Результаты появятся здесь после закрытия опроса." },
	[M_RES_AFTER_AT] = { "The results will be shown here once the questionnaire closes ({1}).",
		"Les résultats seront affichés ici dès la clôture du questionnaire ({1}).",
		"Los resultados se mostrarán aquí cuando se cierre el cuestionario ({1}).",
		"ستُعرض النتائج هنا بعد إغلاق الاستبيان ({1}).", "问卷关闭后（{1}），结果将在此显示。",
		"Результаты появятся здесь после закрытия опроса ({1})." },
	[M_RES_LINK] = { "See the results", "Voir les résultats", "Ver los resultados", "عرض النتائج",
		"查看结果", "Посмотреть результаты" },
	[M_RES_OUTCOME] = { "Outcome", "Conclusion", "Resultado", "النتيجة", "结论", "Итог" },
	[M_PREV_ANSWER] = { "Your answer in the previous round:", "Votre réponse lors du tour précédent :",
		"Su respuesta en la ronda anterior:", "إجابتك في الجولة السابقة:", "您在上一轮的答复：",
		"Ваш ответ в предыдущем раунде:" },
	/* Error and notice pages.  The English texts are the ones the handlers
	 * pass to http_error (looked up by exact wording, msg_by_en). */
	[M_T_400] = { "This request could not be read", "Cette requête n’a pas pu être lue",
		"No se pudo leer esta solicitud", "تعذّرت قراءة هذا الطلب", "无法读取此请求",
		"Не удалось прочитать запрос" },
	[M_T_401] = { "This link does not work", "Ce lien ne fonctionne pas", "Este enlace no funciona",
		"هذا الرابط لا يعمل", "此链接无效", "Эта ссылка не работает" },
	[M_T_403] = { "Not allowed", "Action non autorisée", "Acción no permitida", "غير مسموح",
		"不允许", "Действие запрещено" },
	[M_T_404] = { "Not found", "Page introuvable", "Página no encontrada", "الصفحة غير موجودة",
		"未找到", "Страница не найдена" },
	[M_T_405] = { "Wrong kind of request", "Type de requête non accepté",
		"Tipo de solicitud no aceptado", "نوع الطلب غير مقبول", "请求类型不受支持",
		"Недопустимый тип запроса" },
	[M_T_409] = { "Questionnaire not open", "Questionnaire non ouvert", "Cuestionario no abierto",
		"الاستبيان غير مفتوح", "问卷未开放", "Опрос не открыт" },
	[M_T_413] = { "Too much data", "Trop de données", "Demasiados datos", "البيانات كثيرة جداً",
		"数据过多", "Слишком много данных" },
	[M_T_429] = { "Too many requests", "Trop de requêtes", "Demasiadas solicitudes",
		"طلبات كثيرة جداً", "请求过多", "Слишком много запросов" },
	[M_T_503] = { "Busy, try again", "Serveur occupé, réessayez", "Servidor ocupado, inténtelo de nuevo",
		"الخادم مشغول، حاول مرة أخرى", "服务器繁忙，请重试", "Сервер занят, повторите попытку" },
	[M_T_ERROR] = { "Something went wrong", "Une erreur s’est produite", "Se produjo un error",
		"حدث خطأ", "出现错误", "Произошла ошибка" },
	[M_X_BAD_REQUEST] = { "This request could not be read. Go back, reload the page and try again.",
		"Cette requête n’a pas pu être lue. Revenez en arrière, rechargez la page et réessayez.",
		"No se pudo leer esta solicitud. Vuelva atrás, recargue la página e inténtelo de nuevo.",
		"تعذّرت قراءة هذا الطلب. ارجع إلى الصفحة السابقة وأعد تحميلها ثم حاول مرة أخرى.",
		"无法读取此请求。请返回，重新加载页面后再试。",
		"Не удалось прочитать запрос. Вернитесь назад, обновите страницу и попробуйте снова." },
	[M_X_MALFORMED] = { "This request is malformed.", "Cette requête est mal formée.",
		"Esta solicitud está mal formada.", "هذا الطلب غير سليم.", "此请求格式错误。",
		"Запрос составлен неверно." },
	[M_X_BAD_ADDRESS] = { "This address is not valid.", "Cette adresse n’est pas valide.",
		"Esta dirección no es válida.", "هذا العنوان غير صالح.", "此地址无效。",
		"Этот адрес недействителен." },
	[M_X_FORM_FORMAT] = { "The form was sent in a format this server does not read.",
		"Le formulaire a été envoyé dans un format que ce serveur ne lit pas.",
		"El formulario se envió en un formato que este servidor no lee.",
		"أُرسل النموذج بتنسيق لا يقرؤه هذا الخادم.", "表单的发送格式无法被此服务器读取。",
		"Форма отправлена в формате, который этот сервер не читает." },
	[M_X_FORM_CHARS] = { "The form data could not be read (invalid characters).",
		"Les données du formulaire n’ont pas pu être lues (caractères non valides).",
		"No se pudieron leer los datos del formulario (caracteres no válidos).",
		"تعذّرت قراءة بيانات النموذج (أحرف غير صالحة).", "无法读取表单数据（含无效字符）。",
		"Не удалось прочитать данные формы (недопустимые символы)." },
	[M_X_LINK_ALTERED] = { "This link has been altered or was not issued for this server. "
		"Use the link exactly as you received it.",
		"Ce lien a été modifié ou n’a pas été émis pour ce serveur. Utilisez le lien exactement "
		"tel que vous l’avez reçu.",
		"Este enlace ha sido modificado o no se emitió para este servidor. Use el enlace "
		"exactamente como lo recibió.",
		"تم تعديل هذا الرابط أو لم يُصدر لهذا الخادم. استخدم الرابط كما تلقيته تماماً.",
		"此链接已被改动，或并非为此服务器签发。请完全按照收到的原样使用链接。",
		"Ссылка изменена или выдана не для этого сервера. Используйте ссылку точно в том виде, "
		"в каком вы её получили." },
	[M_X_LINK_OTHER] = { "This link is for a questionnaire that this server does not collect.",
		"Ce lien concerne un questionnaire que ce serveur ne recueille pas.",
		"Este enlace corresponde a un cuestionario que este servidor no recoge.",
		"هذا الرابط خاص باستبيان لا يجمعه هذا الخادم.", "此链接对应的问卷不由此服务器收集。",
		"Ссылка относится к опросу, который этот сервер не проводит." },
	[M_X_LINK_EXPIRED] = { "This link has expired. Ask the secretariat for a new one.",
		"Ce lien a expiré. Demandez-en un nouveau au secrétariat.",
		"Este enlace ha caducado. Pida uno nuevo a la secretaría.",
		"انتهت صلاحية هذا الرابط. اطلب رابطاً جديداً من الأمانة.", "此链接已过期。请向秘书处索取新链接。",
		"Срок действия ссылки истёк. Попросите новую ссылку в секретариате." },
	[M_X_LINK_NOT_YET] = { "This link is not valid yet. Try again when the questionnaire opens.",
		"Ce lien n’est pas encore valable. Réessayez à l’ouverture du questionnaire.",
		"Este enlace todavía no es válido. Inténtelo de nuevo cuando se abra el cuestionario.",
		"هذا الرابط غير صالح بعد. حاول مرة أخرى عند فتح الاستبيان.", "此链接尚未生效。请在问卷开放后再试。",
		"Ссылка ещё не действует. Попробуйте снова, когда опрос откроется." },
	[M_X_LINK_REVOKED] = { "This link has been withdrawn. Ask the secretariat for a new one.",
		"Ce lien a été retiré. Demandez-en un nouveau au secrétariat.",
		"Este enlace ha sido retirado. Pida uno nuevo a la secretaría.",
		"تم سحب هذا الرابط. اطلب رابطاً جديداً من الأمانة.", "此链接已被撤销。请向秘书处索取新链接。",
		"Ссылка отозвана. Попросите новую ссылку в секретариате." },
	[M_X_LINK_MALFORMED] = { "This is not a valid personal link. It may have been cut short: "
		"copy the whole link from your message.",
		"Ce n’est pas un lien personnel valable. Il a peut-être été tronqué : copiez le lien "
		"entier depuis votre message.",
		"No es un enlace personal válido. Puede que se haya cortado: copie el enlace completo "
		"de su mensaje.",
		"هذا ليس رابطاً شخصياً صالحاً. ربما اقتُطع جزء منه: انسخ الرابط كاملاً من رسالتك.",
		"这不是有效的个人链接，可能被截断了：请从邮件中复制完整链接。",
		"Это недействительная личная ссылка. Возможно, она обрезана: скопируйте ссылку из "
		"письма целиком." },
	[M_X_LINK_INCOMPLETE] = { "This link is incomplete. Ask the secretariat for a new one.",
		"Ce lien est incomplet. Demandez-en un nouveau au secrétariat.",
		"Este enlace está incompleto. Pida uno nuevo a la secretaría.",
		"هذا الرابط ناقص. اطلب رابطاً جديداً من الأمانة.", "此链接不完整。请向秘书处索取新链接。",
		"Ссылка неполная. Попросите новую ссылку в секретариате." },
	[M_X_NO_SESSION] = { "This browser has no session for this questionnaire. "
		"Open your personal link again.",
		"Ce navigateur n’a pas de session pour ce questionnaire. Ouvrez de nouveau votre lien "
		"personnel.",
		"Este navegador no tiene una sesión para este cuestionario. Abra de nuevo su enlace "
		"personal.",
		"لا توجد جلسة لهذا الاستبيان في هذا المتصفح. افتح رابطك الشخصي مرة أخرى.",
		"此浏览器没有该问卷的会话。请重新打开您的个人链接。",
		"В этом браузере нет сеанса для этого опроса. Откройте свою личную ссылку ещё раз." },
	[M_X_OTHER_SESSION] = { "Your session is for another questionnaire. Open your personal link "
		"for this one again.",
		"Votre session concerne un autre questionnaire. Ouvrez de nouveau votre lien personnel "
		"pour celui-ci.",
		"Su sesión corresponde a otro cuestionario. Abra de nuevo su enlace personal para este.",
		"جلستك خاصة باستبيان آخر. افتح رابطك الشخصي لهذا الاستبيان مرة أخرى.",
		"您的会话属于另一份问卷。请重新打开本问卷的个人链接。",
		"Ваш сеанс относится к другому опросу. Откройте личную ссылку для этого опроса ещё раз." },
	[M_X_CHAIR_ONLY] = { "This page is for the chair only.", "Cette page est réservée à la présidence.",
		"Esta página está reservada a la presidencia.", "هذه الصفحة مخصصة للرئيس فقط.",
		"此页面仅供主席使用。", "Эта страница только для председателя." },
	[M_X_CHAIR_NO_ANSWER] = { "A chair link cannot answer the questionnaire.",
		"Un lien de la présidence ne permet pas de répondre au questionnaire.",
		"Un enlace de la presidencia no permite responder al cuestionario.",
		"لا يمكن الإجابة عن الاستبيان برابط الرئيس.", "主席链接不能用于回答问卷。",
		"По ссылке председателя нельзя отвечать на опрос." },
	[M_X_CSRF] = { "This form is out of date or did not come from this site. "
		"Reload the page and send it again.",
		"Ce formulaire est périmé ou ne provient pas de ce site. Rechargez la page et "
		"envoyez-le de nouveau.",
		"Este formulario está desactualizado o no procede de este sitio. Recargue la página y "
		"envíelo de nuevo.",
		"هذا النموذج قديم أو لم يأتِ من هذا الموقع. أعد تحميل الصفحة وأرسله مرة أخرى.",
		"此表单已过期或并非来自本网站。请重新加载页面后再次发送。",
		"Эта форма устарела или отправлена не с этого сайта. Обновите страницу и отправьте "
		"её снова." },
	[M_X_FORBIDDEN] = { "You are not allowed to do this.", "Vous n’êtes pas autorisé à faire ceci.",
		"No está autorizado a hacer esto.", "غير مسموح لك بهذا الإجراء.", "您无权执行此操作。",
		"У вас нет права на это действие." },
	[M_X_NOT_FOUND] = { "There is nothing at this address.", "Il n’y a rien à cette adresse.",
		"No hay nada en esta dirección.", "لا يوجد شيء على هذا العنوان.", "此地址没有内容。",
		"По этому адресу ничего нет." },
	[M_X_NO_RECEIPT] = { "No answers have been recorded for you yet, so there is no receipt.",
		"Aucune réponse n’a encore été enregistrée pour vous : il n’y a donc pas d’accusé de "
		"réception.",
		"Todavía no se ha registrado ninguna respuesta suya, así que no hay comprobante.",
		"لم تُسجَّل لك أي إجابات بعد، لذا لا يوجد إيصال.", "尚未记录您的任何答复，因此没有回执。",
		"Ваши ответы ещё не записаны, поэтому квитанции нет." },
	[M_X_METHOD] = { "This address does not answer that kind of request.",
		"Cette adresse ne répond pas à ce type de requête.",
		"Esta dirección no responde a ese tipo de solicitud.",
		"هذا العنوان لا يستجيب لهذا النوع من الطلبات.", "此地址不响应这种请求。",
		"Этот адрес не отвечает на такой запрос." },
	[M_X_NOT_YET] = { "This questionnaire is not open yet.", "Ce questionnaire n’est pas encore ouvert.",
		"Este cuestionario todavía no está abierto.", "هذا الاستبيان لم يُفتح بعد.", "本问卷尚未开放。",
		"Опрос ещё не открыт." },
	[M_X_KEPT] = { "Your last answers are kept.", "Vos dernières réponses sont conservées.",
		"Se conservan sus últimas respuestas.", "تم الاحتفاظ بآخر إجاباتك.", "您最近一次的答复已保留。",
		"Ваши последние ответы сохранены." },
	[M_X_TOO_BIG] = { "What was sent is larger than this server accepts.",
		"Les données envoyées dépassent ce que ce serveur accepte.",
		"Lo enviado supera lo que acepta este servidor.",
		"ما أُرسل أكبر مما يقبله هذا الخادم.", "发送的内容超出了此服务器接受的大小。",
		"Отправленные данные превышают допустимый для этого сервера объём." },
	[M_X_RATE] = { "Too many requests in a short time. Wait a moment and try again.",
		"Trop de requêtes en peu de temps. Patientez un instant et réessayez.",
		"Demasiadas solicitudes en poco tiempo. Espere un momento e inténtelo de nuevo.",
		"طلبات كثيرة جداً في وقت قصير. انتظر قليلاً ثم حاول مرة أخرى.",
		"短时间内请求过多。请稍候再试。",
		"Слишком много запросов за короткое время. Подождите немного и попробуйте снова." },
	[M_X_MAX_REVS] = { "You have changed your answers as many times as this questionnaire allows.",
		"Vous avez modifié vos réponses autant de fois que ce questionnaire le permet.",
		"Ha modificado sus respuestas tantas veces como permite este cuestionario.",
		"لقد عدّلت إجاباتك بالعدد الأقصى الذي يسمح به هذا الاستبيان.",
		"您修改答复的次数已达到本问卷允许的上限。",
		"Вы изменили ответы максимально допустимое для этого опроса число раз." },
	[M_X_BUSY] = { "The server is busy or restarting. Wait a moment and try again: nothing was lost.",
		"Le serveur est occupé ou redémarre. Patientez un instant et réessayez : rien n’a été perdu.",
		"El servidor está ocupado o reiniciándose. Espere un momento e inténtelo de nuevo: no se "
		"ha perdido nada.",
		"الخادم مشغول أو قيد إعادة التشغيل. انتظر قليلاً ثم حاول مرة أخرى: لم يُفقد شيء.",
		"服务器繁忙或正在重启。请稍候再试：没有丢失任何内容。",
		"Сервер занят или перезапускается. Подождите немного и попробуйте снова: ничего не "
		"потеряно." },
	[M_X_STOPPING] = { "This server is stopping. Please try again in a moment.",
		"Ce serveur s’arrête. Veuillez réessayer dans un instant.",
		"Este servidor se está deteniendo. Vuelva a intentarlo en un momento.",
		"هذا الخادم قيد الإيقاف. يرجى المحاولة مرة أخرى بعد قليل.", "服务器正在停止。请稍后再试。",
		"Сервер останавливается. Повторите попытку чуть позже." },
	[M_X_ERROR] = { "Something went wrong. Try again in a moment.",
		"Une erreur s’est produite. Réessayez dans un instant.",
		"Se produjo un error. Inténtelo de nuevo en un momento.",
		"حدث خطأ. حاول مرة أخرى بعد قليل.", "出现错误。请稍后再试。",
		"Произошла ошибка. Повторите попытку чуть позже." },
	[M_CONTINUE] = { "Continue", "Continuer", "Continuar", "متابعة", "继续", "Продолжить" },
	/* Drafts. */
	[M_SAVE_DRAFT] = { "Save draft", "Enregistrer le brouillon", "Guardar borrador",
		"حفظ المسودة", "保存草稿", "Сохранить черновик" },
	[M_DRAFT_SAVED] = { "Draft saved on {1} (UTC) — not yet submitted.",
		"Brouillon enregistré le {1} (UTC) — pas encore envoyé.",
		"Borrador guardado el {1} (UTC): todavía no enviado.",
		"حُفظت المسودة في {1} (UTC) — لم تُرسل بعد.",
		"草稿已于 {1}（UTC）保存——尚未提交。",
		"Черновик сохранён {1} (UTC) — ещё не отправлен." },
	[M_DRAFT_COUNTS] = { "Your submitted answers (revision {1}) count until you submit again.",
		"Vos réponses envoyées (révision {1}) comptent jusqu’à votre prochain envoi.",
		"Sus respuestas enviadas (revisión {1}) cuentan hasta que vuelva a enviar.",
		"تُحتسب إجاباتك المُرسلة (المراجعة {1}) إلى أن ترسل مرة أخرى.",
		"在您再次提交之前，已提交的答复（第 {1} 版）有效。",
		"До повторной отправки учитываются ваши отправленные ответы (редакция {1})." },
	[M_DRAFT_UNCOUNTED] = { "A draft does not count: submit your answers when they are complete.",
		"Un brouillon ne compte pas : envoyez vos réponses quand elles sont complètes.",
		"Un borrador no cuenta: envíe sus respuestas cuando estén completas.",
		"المسودة لا تُحتسب: أرسل إجاباتك عند اكتمالها.",
		"草稿不计入统计：答复完整后请提交。",
		"Черновик не учитывается: отправьте ответы, когда они будут готовы." },
	[M_DRAFT_NOT_SAVED] = { "The draft has not been saved. Correct these answers and save again.",
		"Le brouillon n’a pas été enregistré. Corrigez ces réponses et enregistrez de nouveau.",
		"El borrador no se ha guardado. Corrija estas respuestas y guarde de nuevo.",
		"لم تُحفظ المسودة. صحّح هذه الإجابات ثم احفظ مرة أخرى.",
		"草稿未保存。请更正这些答复后重新保存。",
		"Черновик не сохранён. Исправьте эти ответы и сохраните снова." },
	[M_X_SWITCH_CSRF] = { "This page is out of date or did not come from this site. "
		"Open your personal link again.",
		"Cette page est périmée ou ne provient pas de ce site. Ouvrez de nouveau votre lien "
		"personnel.",
		"Esta página está desactualizada o no procede de este sitio. Abra de nuevo su enlace "
		"personal.",
		"هذه الصفحة قديمة أو لم تأتِ من هذا الموقع. افتح رابطك الشخصي مرة أخرى.",
		"此页面已过期或并非来自本网站。请重新打开您的个人链接。",
		"Эта страница устарела или открыта не с этого сайта. Откройте свою личную ссылку ещё "
		"раз." },
	[M_X_CROSS_ORIGIN] = { "This form was sent from another site, so it was not accepted. "
		"Open your personal link and answer from this site's own page.",
		"Ce formulaire a été envoyé depuis un autre site : il n’a pas été accepté. Ouvrez votre "
		"lien personnel et répondez depuis la page de ce site.",
		"Este formulario se envió desde otro sitio, por lo que no se aceptó. Abra su enlace "
		"personal y responda desde la página de este sitio.",
		"أُرسل هذا النموذج من موقع آخر، لذا لم يُقبل. افتح رابطك الشخصي وأجب من صفحة هذا الموقع.",
		"此表单是从其他网站发送的，因此未被接受。请打开您的个人链接，在本网站的页面上作答。",
		"Эта форма отправлена с другого сайта, поэтому не принята. Откройте свою личную ссылку "
		"и отвечайте на странице этого сайта." },
	[M_INVITED_ANSWERED] = { "of the invited answered", "des invités ont répondu",
		"de los invitados respondieron", "من المدعوين أجابوا", "受邀者已答复",
		"из приглашённых ответили" },
	[M_ANSWERED_INVITED] = { "Answered / invited", "Réponses / invités",
		"Respuestas / invitados", "أجابوا / المدعوون", "已答复 / 受邀", "Ответили / приглашены" },
	[M_RATE] = { "Rate", "Taux", "Tasa", "النسبة", "比例", "Доля" },
	[M_REVOKED_N] = { "Revoked links: {1}", "Liens révoqués : {1}", "Enlaces revocados: {1}",
		"الروابط الملغاة: {1}", "已撤销的链接：{1}", "Отозванные ссылки: {1}" },
	[M_NOT_ANSWERED] = { "Not answered yet: {1}", "Pas encore répondu : {1}",
		"Aún sin responder: {1}", "لم يجيبوا بعد: {1}", "尚未答复：{1}", "Ещё не ответили: {1}" },
	[M_NOT_ANSWERED_MORE] = { "{1} more not shown: tally turnout --missing lists everyone.",
		"{1} de plus non affichés : tally turnout --missing les liste tous.",
		"{1} más no mostrados: tally turnout --missing los enumera a todos.",
		"{1} آخرون غير معروضين: يسردهم tally turnout --missing جميعًا.",
		"另有 {1} 人未显示：tally turnout --missing 可列出全部。",
		"Ещё {1} не показаны: tally turnout --missing выводит всех." },
	[M_FEWER_THAN] = { "fewer than {1}", "moins de {1}", "menos de {1}", "أقل من {1}",
		"少于 {1}", "меньше {1}" },
	[M_GROUP_NONE] = { "(none)", "(sans valeur)", "(sin valor)", "(بلا قيمة)", "（无）",
		"(нет значения)" },
};

const char *tr(int un, enum msg m)
{
	const char *s = (un >= 0 && un < UN__MAX) ? msgs[m][un] : NULL;
	return s ? s : msgs[m][UN_EN];
}

/* Index in the UN table of a language code by its primary subtag ("fr-CH"
 * counts as French); English for anything else. */
int un_index(const char *code)
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

int is_rtl(const char *code)
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
const char *lang_name(const char *code)
{
	int i = un_index(code);
	if (i == UN_EN && strncasecmp(code, "en", 2) != 0)
		return code;
	return un_names[i];
}

/* Accept-Language over the six, without a form (the error pages of
 * requests no questionnaire was found for): the highest q wins, the first
 * of equal ones; "*" and other languages count for nothing. */
int un_accept(const char *h)
{
	int best = UN_EN;
	double bestq = 0;
	while (h && *h) {
		size_t n = strcspn(h, ",");
		const char *semi = memchr(h, ';', n), *q;
		size_t tag = semi ? (size_t)(semi - h) : n, lead = 0;
		double qv = 1;
		while (lead < tag && (h[lead] == ' ' || h[lead] == '\t'))
			lead++;
		if (semi && (q = strstr(semi, "q=")) != NULL && q < h + n)
			qv = strtod(q + 2, NULL);
		if (tag - lead >= 2 && (tag - lead == 2 || h[lead + 2] == '-' || h[lead + 2] == '_')) {
			int i;
			for (i = 0; i < UN__MAX; i++)
				if (strncasecmp(h + lead, un_codes[i], 2) == 0 && qv > bestq) {
					best = i;
					bestq = qv;
				}
		}
		h += n;
		if (*h == ',')
			h++;
	}
	return best;
}

enum msg msg_by_en(const char *s)
{
	int m;
	for (m = 0; s != NULL && m < M__MAX; m++)
		if (strcmp(msgs[m][UN_EN], s) == 0)
			return (enum msg)m;
	return M__MAX;
}
