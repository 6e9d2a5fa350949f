/* report_i18n.c - the words of `tally report` and of the chair's charts
 * in the six UN languages (en, fr, es, ar, zh, ru): one table, one row per
 * message (enum msg, report_int.h), one column per language; the templates'
 * filling; the form's labels in the report's language; the report's
 * decimal separator.
 *
 * Invariants:
 *   1. Every message has its English text; a missing translation falls
 *      back to English, and so does a language the report does not speak.
 *   2. Templates hold "%s" slots that snd_rpt_fill fills in order and its
 *      callers then escape; no text here reaches printf as a format.
 *   3. A label missing in the report's language falls back to the form's
 *      first language, an option without a label to its id, then "?":
 *      never NULL where a label is shown.
 *   4. Words and numbers agree: snd_rpt_dec is the decimal separator of the
 *      UI language whose words the report shows (',' for fr, es, ru).
 *   5. Every message has its text in all six languages (test_report.c
 *      checks it); English texts that name an attribute or a question type
 *      are those names, so English reports keep their bytes.
 */
#include "report_int.h"

#include <string.h>

#define NUI 6
static const char *const ui_langs[NUI] = {"en", "fr", "es", "ar", "zh", "ru"};

static const char *const ui_text[M__MAX][NUI] = {
	[M_ANSWERS_PER_OPTION] = {"Answers per option", "Réponses par option",
		"Respuestas por opción", "الإجابات حسب الخيار", "各选项的回答", "Ответы по вариантам"},
	[M_SHARE_CHOOSING] = {"Share of respondents choosing each option",
		"Part des répondants ayant choisi chaque option",
		"Proporción de encuestados que eligen cada opción",
		"نسبة المجيبين الذين اختاروا كل خيار", "选择各选项的答卷人比例",
		"Доля респондентов, выбравших каждый вариант"},
	[M_LEADER] = {"leader", "en tête", "en cabeza", "المتصدر", "领先", "лидер"},
	[M_NO_LEADER] = {"none (tie or no answers)", "aucune (égalité ou pas de réponse)",
		"ninguna (empate o sin respuestas)", "لا يوجد (تعادل أو لا إجابات)",
		"无（并列或无回答）", "нет (равенство или нет ответов)"},
	[M_MARGIN] = {"margin over the next", "avance sur la suivante", "ventaja sobre la siguiente",
		"الفارق عن التالي", "领先第二名", "отрыв от следующего"},
	[M_MULTI_NOTE] = {
		"Shares are of the respondents who answered; they can add up to more than 100% "
		"because several options may be chosen.",
		"Parts calculées sur les répondants\xc2\xa0; leur somme peut dépasser 100\xc2\xa0% car "
		"plusieurs options peuvent être choisies.",
		"Proporciones sobre los encuestados que respondieron; pueden sumar más del 100\xc2\xa0% "
		"porque se pueden elegir varias opciones.",
		"النسب محسوبة من المجيبين؛ وقد يتجاوز مجموعها 100% لأنه يمكن اختيار عدة خيارات.",
		"比例按作答人数计算；由于可多选，总和可能超过100%。",
		"Доли рассчитаны от ответивших; их сумма может превышать 100\xc2\xa0%, так как можно "
		"выбрать несколько вариантов."},
	[M_NO_OPTIONS] = {"No options.", "Aucune option.", "Sin opciones.", "لا توجد خيارات.",
		"没有选项。", "Нет вариантов."},
	[M_DISTRIBUTION] = {"Distribution", "Répartition", "Distribución", "التوزيع", "分布",
		"Распределение"},
	[M_BELOW] = {"below the midpoint", "sous le milieu", "por debajo del punto medio",
		"دون نقطة المنتصف", "低于中点", "ниже середины"},
	[M_AT] = {"at the midpoint", "au milieu", "en el punto medio", "عند نقطة المنتصف",
		"位于中点", "в середине"},
	[M_ABOVE] = {"above the midpoint", "au-dessus du milieu", "por encima del punto medio",
		"فوق نقطة المنتصف", "高于中点", "выше середины"},
	[M_ANSWERED] = {"answered", "réponses", "respuestas", "أجابوا", "作答", "ответили"},
	[M_MEAN] = {"mean", "moyenne", "media", "المتوسط", "平均值", "среднее"},
	[M_MEDIAN] = {"median", "médiane", "mediana", "الوسيط", "中位数", "медиана"},
	[M_IQR] = {"interquartile range", "écart interquartile", "rango intercuartílico",
		"المدى الربيعي", "四分位距", "межквартильный размах"},
	[M_CONSENSUS_TW] = {"consensus (Tastle–Wierman)", "consensus (Tastle–Wierman)",
		"consenso (Tastle–Wierman)", "التوافق (Tastle–Wierman)", "共识度（Tastle–Wierman）",
		"консенсус (Tastle–Wierman)"},
	[M_TW_NOTE] = {
		"Consensus (Tastle–Wierman) runs from 0, everyone split between the two ends of the "
		"scale, to 1, everyone on the same point.",
		"Le consensus (Tastle–Wierman) va de 0, tous partagés entre les deux extrémités de "
		"l'échelle, à 1, tous sur le même point.",
		"El consenso (Tastle–Wierman) va de 0, todos divididos entre los dos extremos de la "
		"escala, a 1, todos en el mismo punto.",
		"يتراوح التوافق (Tastle–Wierman) بين 0، أي انقسام الجميع بين طرفي المقياس، و1، أي "
		"اتفاق الجميع على النقطة نفسها.",
		"共识度（Tastle–Wierman）从0（所有人分处量表两端）到1（所有人选择同一点）。",
		"Консенсус (Tastle–Wierman) — от 0, когда все разделились между двумя краями шкалы, "
		"до 1, когда все выбрали одну точку."},
	[M_ROW_NOTE] = {"Each row is summarised as a scale.",
		"Chaque ligne est résumée comme une échelle.", "Cada fila se resume como una escala.",
		"يُلخَّص كل صف كمقياس.", "每一行按量表汇总。", "Каждая строка сводится как шкала."},
	[M_NO_DIST] = {"No distribution.", "Aucune répartition.", "Sin distribución.",
		"لا يوجد توزيع.", "没有分布。", "Нет распределения."},
	[M_NO_ROWS] = {"No rows.", "Aucune ligne.", "Sin filas.", "لا توجد صفوف.", "没有行。",
		"Нет строк."},
	[M_SCHULZE] = {"Schulze order", "Classement de Schulze", "Orden de Schulze",
		"ترتيب شولتزه", "舒尔策排序", "Порядок по Шульце"},
	[M_NO_RANKINGS] = {"No rankings yet.", "Pas encore de classement.",
		"Aún no hay clasificaciones.", "لا توجد ترتيبات بعد.", "尚无排序。",
		"Ранжирований пока нет."},
	[M_CONDORCET] = {"Condorcet winner", "Gagnant de Condorcet", "Ganador de Condorcet",
		"فائز كوندورسيه", "孔多塞胜者", "Победитель по Кондорсе"},
	[M_NONE] = {"none", "aucun", "ninguno", "لا يوجد", "无", "нет"},
	[M_SCHULZE_NOTE] = {
		"Schulze: A is placed above B when the strongest chain of pairwise majorities from A "
		"to B is stronger than the one from B to A. A Condorcet winner beats every other "
		"option head to head.",
		"Schulze\xc2\xa0: A est placé avant B lorsque la plus forte chaîne de majorités par "
		"paires de A vers B est plus forte que celle de B vers A. Un gagnant de Condorcet "
		"bat chaque autre option en duel.",
		"Schulze: A se coloca por encima de B cuando la cadena más fuerte de mayorías por "
		"pares de A a B es más fuerte que la de B a A. Un ganador de Condorcet vence a todas "
		"las demás opciones en duelo directo.",
		"شولتزه: يوضع الخيار أ قبل ب عندما تكون أقوى سلسلة من الأغلبيات الثنائية من أ إلى ب "
		"أقوى من تلك من ب إلى أ. وفائز كوندورسيه يتغلب على كل خيار آخر في المقارنة المباشرة.",
		"舒尔策法：若从A到B的最强两两多数链强于从B到A的，则A排在B之前。孔多塞胜者在一对一"
		"比较中胜过所有其他选项。",
		"Шульце: A ставится выше B, если сильнейшая цепочка попарных большинств от A к B "
		"сильнее, чем от B к A. Победитель по Кондорсе выигрывает у каждого другого "
		"варианта в парном сравнении."},
	[M_BORDA] = {"Borda scores", "Scores de Borda", "Puntuaciones de Borda", "نقاط بوردا",
		"博尔达得分", "Баллы Борда"},
	[M_BORDA_NOTE] = {
		"Borda: an option ranked p-th of m options scores m − p; unranked options score 0.",
		"Borda\xc2\xa0: une option classée p-ième sur m obtient m − p points\xc2\xa0; une option "
		"non classée, 0.",
		"Borda: una opción clasificada en el puesto p de m obtiene m − p puntos; las no "
		"clasificadas, 0.",
		"بوردا: يحصل الخيار المرتَّب في المرتبة p من بين m خيارات على m − p نقطة؛ والخيار "
		"غير المرتَّب على 0.",
		"博尔达：在m个选项中排第p位的选项得m − p分；未排序的选项得0分。",
		"Борда: вариант на p-м месте из m получает m − p баллов; неранжированные — 0."},
	[M_PAIRWISE] = {
		"Pairwise preferences: voters preferring the row option over the column option",
		"Préférences par paires\xc2\xa0: votants préférant l'option de la ligne à celle de la "
		"colonne",
		"Preferencias por pares: votantes que prefieren la opción de la fila a la de la "
		"columna",
		"التفضيلات الثنائية: عدد المصوتين الذين يفضلون خيار الصف على خيار العمود",
		"两两偏好：偏好行选项胜于列选项的投票人数",
		"Попарные предпочтения: число голосующих, предпочитающих вариант строки варианту "
		"столбца"},
	[M_SUPPORT] = {"support", "soutien", "apoyo", "تأييد", "支持", "поддержка"},
	[M_LIVE_WITH] = {"can live with", "peut accepter", "puede aceptar", "يمكن قبوله",
		"可以接受", "может согласиться"},
	[M_OBJECT] = {"object", "objection", "objeción", "اعتراض", "反对", "возражение"},
	[M_ABSTAIN] = {"abstain", "abstention", "abstención", "امتناع", "弃权", "воздержание"},
	[M_POSITIONS] = {"Positions", "Positions", "Posiciones", "المواقف", "立场", "Позиции"},
	[M_CONSENSUS_YES] = {"CONSENSUS — no sustained objection",
		"CONSENSUS — aucune objection maintenue", "CONSENSO — ninguna objeción mantenida",
		"توافق — لا يوجد اعتراض قائم", "达成共识——无持续反对",
		"КОНСЕНСУС — нет устойчивых возражений"},
	[M_OBJECTIONS_N] = {"Sustained objections: %s", "Objections maintenues\xc2\xa0: %s",
		"Objeciones mantenidas: %s", "الاعتراضات القائمة: %s", "持续反对：%s",
		"Устойчивые возражения: %s"},
	[M_NO_POSITIONS] = {"No positions yet.", "Pas encore de position.",
		"Aún no hay posiciones.", "لا توجد مواقف بعد.", "尚无立场。", "Позиций пока нет."},
	[M_POS_NOTE] = {
		"Consensus here means no sustained objection: every respondent supports, can live "
		"with, or abstains.",
		"Ici, consensus signifie aucune objection maintenue\xc2\xa0: chaque répondant soutient, "
		"peut accepter ou s'abstient.",
		"Aquí, consenso significa ninguna objeción mantenida: cada encuestado apoya, puede "
		"aceptar o se abstiene.",
		"التوافق هنا يعني عدم وجود اعتراض قائم: كل مجيب يؤيد أو يمكنه القبول أو يمتنع.",
		"此处共识指无持续反对：每位答卷人均支持、可以接受或弃权。",
		"Консенсус здесь означает отсутствие устойчивых возражений: каждый респондент "
		"поддерживает, может согласиться или воздерживается."},
	[M_OBJECTIONS] = {"Objections", "Objections", "Objeciones", "الاعتراضات", "反对意见",
		"Возражения"},
	[M_MIN] = {"min", "min", "mín.", "الأدنى", "最小值", "мин."},
	[M_MAX] = {"max", "max", "máx.", "الأقصى", "最大值", "макс."},
	[M_RANGE_DESC] = {"Range of answers: min %s, max %s, mean %s, median %s",
		"Étendue des réponses\xc2\xa0: min %s, max %s, moyenne %s, médiane %s",
		"Rango de respuestas: mín. %s, máx. %s, media %s, mediana %s",
		"نطاق الإجابات: الأدنى %s، الأقصى %s، المتوسط %s، الوسيط %s",
		"回答范围：最小值 %s，最大值 %s，平均值 %s，中位数 %s",
		"Диапазон ответов: мин. %s, макс. %s, среднее %s, медиана %s"},
	[M_RANGE_LEGEND] = {"bar: min–max; line: median; dot: mean",
		"barre\xc2\xa0: min–max\xc2\xa0; trait\xc2\xa0: médiane\xc2\xa0; point\xc2\xa0: moyenne",
		"barra: mín.–máx.; línea: mediana; punto: media",
		"الشريط: الأدنى–الأقصى؛ الخط: الوسيط؛ النقطة: المتوسط",
		"条：最小值–最大值；线：中位数；点：平均值",
		"полоса: мин.–макс.; линия: медиана; точка: среднее"},
	[M_NO_COMMENTS] = {"No comments.", "Aucun commentaire.", "Sin comentarios.",
		"لا توجد تعليقات.", "没有意见。", "Комментариев нет."},
	[M_UNKNOWN] = {"Unknown question type.", "Type de question inconnu.",
		"Tipo de pregunta desconocido.", "نوع سؤال غير معروف.", "未知的问题类型。",
		"Неизвестный тип вопроса."},
	[M_RESULTS] = {"results", "résultats", "resultados", "النتائج", "结果", "результаты"},
	[M_QUESTIONNAIRE] = {"Questionnaire", "Questionnaire", "Cuestionario", "الاستبيان", "问卷",
		"Анкета"},
	[M_RESPONSES] = {"responses", "réponses", "respuestas", "الردود", "答卷", "ответов"},
	[M_VOICE_DELEGATE] = {"one voice per delegate", "une voix par délégué",
		"un voto por delegado", "صوت واحد لكل مندوب", "每位代表一票",
		"один голос на делегата"},
	[M_VOICE_ENTITY] = {"one voice per entity (administration)",
		"une voix par entité (administration)", "un voto por entidad (administración)",
		"صوت واحد لكل جهة (إدارة)", "每个实体（主管部门）一票",
		"один голос на организацию (администрацию)"},
	[M_PSEUDO] = {"pseudonymous: no identities shown", "pseudonyme\xc2\xa0: aucune identité affichée",
		"seudónimo: no se muestran identidades", "باسم مستعار: لا تُعرض أي هويات",
		"假名：不显示任何身份", "псевдонимно: личности не показываются"},
	[M_DRAFT] = {"Texts in this language are draft translations.",
		"Les textes dans cette langue sont des traductions provisoires.",
		"Los textos en este idioma son traducciones provisionales.",
		"النصوص بهذه اللغة ترجمات أولية.", "此语言的文本为翻译草稿。",
		"Тексты на этом языке — черновые переводы."},
	[M_TURNOUT] = {"Turnout", "Participation", "Participación", "المشاركة", "参与情况", "Явка"},
	[M_DELEGATES] = {"delegates", "délégués", "delegados", "المندوبون", "代表", "делегаты"},
	[M_ENTITIES] = {"entities", "entités", "entidades", "الجهات", "实体", "организации"},
	[M_ALL] = {"all", "tous", "todos", "الكل", "全部", "все"},
	[M_BY] = {"by %s", "par %s", "por %s", "حسب %s", "按%s", "по признаку «%s»"},
	[M_BREAKDOWN] = {"Breakdown", "Ventilation", "Desglose", "التفصيل", "细分", "Разбивка"},
	[M_BREAKDOWN_BY] = {"Breakdown by %s", "Ventilation par %s", "Desglose por %s",
		"التفصيل حسب %s", "按%s细分", "Разбивка по признаку «%s»"},
	[M_GENERATED] = {"Generated by Sounding %s from the stored responses.",
		"Produit par Sounding %s à partir des réponses enregistrées.",
		"Generado por Sounding %s a partir de las respuestas almacenadas.",
		"أُنشئ بواسطة Sounding %s من الردود المخزنة.", "由 Sounding %s 根据已存储的答卷生成。",
		"Создано Sounding %s по сохранённым ответам."},
	[M_PROPOSALS] = {"Proposals at a glance", "Propositions en bref", "Propuestas de un vistazo",
		"المقترحات في لمحة", "提案一览", "Предложения вкратце"},
	[M_PROPOSAL] = {"proposal", "proposition", "propuesta", "المقترح", "提案", "предложение"},
	[M_VERDICT] = {"outcome", "résultat", "resultado", "النتيجة", "结果", "итог"},
	[M_GROUP_LEGEND] = {"✓ consensus · a number: sustained objections · — no positions",
		"✓ consensus · un nombre\xc2\xa0: objections maintenues · — aucune position",
		"✓ consenso · un número: objeciones mantenidas · — sin posiciones",
		"✓ توافق · رقم: عدد الاعتراضات القائمة · — لا مواقف",
		"✓ 共识 · 数字：持续反对数 · — 无立场",
		"✓ консенсус · число: устойчивые возражения · — нет позиций"},
	/* A capped list (the chair dashboard): "%s" are counts. */
	[M_SHOWN_OF] = {"Shown: %s of %s, in alphabetical order of entity.",
		"Affichés\xc2\xa0: %s sur %s, par ordre alphabétique d’entité.",
		"Se muestran %s de %s, por orden alfabético de entidad.",
		"المعروض: %s من %s، بالترتيب الأبجدي للكيان.",
		"显示 %s 条（共 %s 条），按实体字母顺序排列。",
		"Показано: %s из %s, в алфавитном порядке организаций."},
	[M_SHOWN_OF_PSEUDO] = {"Shown: %s of %s.", "Affichés\xc2\xa0: %s sur %s.",
		"Se muestran %s de %s.", "المعروض: %s من %s.", "显示 %s 条（共 %s 条）。",
		"Показано: %s из %s."},
	[M_SEE_ALL] = {"See all (%s)", "Tout voir (%s)", "Ver todo (%s)", "عرض الكل (%s)",
		"查看全部（%s）", "Показать все (%s)"},
	/* The head: when the report was made and the schedule then; "%s" are
	 * times "2026-12-07 10:15 UTC" (ISO dates, Western digits, in every
	 * language).  Russian agrees with "анкета" (feminine). */
	[M_MADE] = {"Made %s", "Établi le %s", "Elaborado el %s", "أُعدّ في %s", "生成于 %s",
		"Составлено %s"},
	[M_OPEN_UNTIL] = {"Open until %s", "Ouvert jusqu’au %s", "Abierto hasta el %s",
		"مفتوح حتى %s", "开放至 %s", "Открыта до %s"},
	[M_OPEN_NO_CLOSE] = {"Open, with no closing time set", "Ouvert, sans date de clôture",
		"Abierto, sin fecha de cierre", "مفتوح، دون موعد إغلاق", "开放中，未设截止时间",
		"Открыта, срок закрытия не задан"},
	[M_CLOSED_SINCE] = {"Closed since %s", "Clos depuis le %s", "Cerrado desde el %s",
		"مغلق منذ %s", "已于 %s 关闭", "Закрыта с %s"},
	[M_OPENS] = {"Opens %s", "Ouverture le %s", "Se abre el %s", "يُفتح في %s",
		"将于 %s 开放", "Откроется %s"},
	[M_OPENS_CLOSES] = {"Opens %s, closes %s", "Ouverture le %s, clôture le %s",
		"Se abre el %s y se cierra el %s", "يُفتح في %s ويُغلق في %s",
		"将于 %s 开放，%s 关闭", "Откроется %s, закроется %s"},
	/* The engine's group names for "no value" and "past the cap". */
	[M_GROUP_NONE] = {"(none)", "(sans valeur)", "(sin valor)", "(بلا قيمة)", "（无）",
		"(нет значения)"},
	[M_GROUP_OTHER] = {"(other)", "(autres)", "(otros)", "(أخرى)", "（其他）", "(прочие)"},
	/* The well-known attributes (docs/operations.md): in English their own
	 * names, as the report always showed them.  Russian templates put them
	 * in the nominative ("по признаку «%s»"). */
	[M_ATTR_CATEGORY] = {"category", "catégorie", "categoría", "الفئة", "类别", "категория"},
	[M_ATTR_SG] = {"sg", "commission d’études", "comisión de estudio", "لجنة الدراسات",
		"研究组", "исследовательская комиссия"},
	[M_ATTR_REGION] = {"region", "région", "región", "المنطقة", "区域", "регион"},
	[M_ATTR_HOD] = {"hod", "chef de délégation", "jefe de delegación", "رئيس الوفد",
		"代表团团长", "глава делегации"},
	/* Question types in a question's head line (English: the form's own
	 * type names). */
	[M_TYPE_SINGLE] = {"single", "choix unique", "opción única", "اختيار واحد", "单选",
		"один вариант"},
	[M_TYPE_MULTI] = {"multi", "choix multiple", "opción múltiple", "اختيار متعدد", "多选",
		"несколько вариантов"},
	[M_TYPE_SCALE] = {"scale", "échelle", "escala", "مقياس", "量表", "шкала"},
	[M_TYPE_MATRIX] = {"matrix", "matrice", "matriz", "مصفوفة", "矩阵", "матрица"},
	[M_TYPE_RANK] = {"rank", "classement", "clasificación", "ترتيب", "排序", "ранжирование"},
	[M_TYPE_POSITION] = {"position", "position", "posición", "موقف", "立场", "позиция"},
	[M_TYPE_NUMBER] = {"number", "nombre", "número", "رقم", "数值", "число"},
	[M_TYPE_TEXT] = {"text", "texte", "texto", "نص", "文本", "текст"},
	[M_TYPE_UNKNOWN] = {"unknown", "inconnu", "desconocido", "غير معروف", "未知",
		"неизвестный"},
	/* Scale and matrix rows: the "no view" answers, outside the shares. */
	[M_NO_VIEW] = {"no view", "sans avis", "sin opinión", "لا رأي", "无意见", "нет мнения"},
	[M_NO_VIEW_N] = {"No view: %s", "Sans avis\xc2\xa0: %s", "Sin opinión: %s", "لا رأي: %s",
		"无意见：%s", "Нет мнения: %s"},
	[M_LEIK] = {"dispersion (Leik)", "dispersion (Leik)", "dispersión (Leik)", "التشتت (Leik)",
		"离散度（Leik）", "разброс (Leik)"},
	[M_AGREEMENT] = {"agreement (van der Eijk)", "accord (van der Eijk)",
		"acuerdo (van der Eijk)", "الاتفاق (van der Eijk)", "一致度（van der Eijk）",
		"согласие (van der Eijk)"},
	[M_LEIK_NOTE] = {
		"Dispersion (Leik) runs from 0, everyone on the same point, to 1, everyone split "
		"between the two ends: the higher it is, the more divided the room.",
		"La dispersion (Leik) va de 0, tous sur le même point, à 1, tous partagés entre les "
		"deux extrémités\xc2\xa0: plus elle est élevée, plus la salle est divisée.",
		"La dispersión (Leik) va de 0, todos en el mismo punto, a 1, todos divididos entre los "
		"dos extremos: cuanto más alta, más dividida está la sala.",
		"يتراوح التشتت (Leik) بين 0، أي اتفاق الجميع على النقطة نفسها، و1، أي انقسام الجميع "
		"بين طرفي المقياس: وكلما ارتفع ازداد انقسام القاعة.",
		"离散度（Leik）从0（所有人选择同一点）到1（所有人分处量表两端）：数值越高，与会者分歧越大。",
		"Разброс (Leik) — от 0, когда все выбрали одну точку, до 1, когда все разделились "
		"между двумя краями шкалы: чем он выше, тем сильнее расколот зал."},
	[M_AGREEMENT_NOTE] = {
		"Agreement (van der Eijk) runs from −1, everyone split between the two ends, through "
		"0, answers spread evenly over the scale, to 1, everyone on the same point: below 0 "
		"the room is polarised, near 0 it holds no shared view.",
		"L'accord (van der Eijk) va de −1, tous partagés entre les deux extrémités, à 1, tous "
		"sur le même point, en passant par 0, réponses réparties également sur "
		"l'échelle\xc2\xa0: sous 0 la salle est polarisée, près de 0 elle n'a pas d'avis commun.",
		"El acuerdo (van der Eijk) va de −1, todos divididos entre los dos extremos, a 1, todos "
		"en el mismo punto, pasando por 0, respuestas repartidas por igual en la escala: por "
		"debajo de 0 la sala está polarizada; cerca de 0 no tiene una opinión común.",
		"يتراوح الاتفاق (van der Eijk) بين −1، أي انقسام الجميع بين طرفي المقياس، و1، أي اتفاق "
		"الجميع على النقطة نفسها، مرورًا بـ0، أي توزّع الإجابات بالتساوي على المقياس: دون 0 "
		"تكون القاعة مستقطبة، وقرب 0 لا يجمعها رأي مشترك.",
		"一致度（van der Eijk）从−1（所有人分处量表两端）经0（回答均匀分布于量表）到1（所有人选择同一点）："
		"低于0表示与会者两极分化，接近0表示没有共同看法。",
		"Согласие (van der Eijk) — от −1, когда все разделились между двумя краями шкалы, "
		"через 0, когда ответы равномерно распределены по шкале, до 1, когда все выбрали "
		"одну точку: ниже 0 зал поляризован, около 0 общего мнения нет."},
	[M_HISTOGRAM] = {"Histogram of answers", "Histogramme des réponses",
		"Histograma de respuestas", "المدرج التكراري للإجابات", "回答直方图",
		"Гистограмма ответов"},
	/* --weight entity: "%s" the entity, then its delegates' positions. */
	[M_DIVIDED_ITEM] = {"Divided: %s (%s)", "Délégation divisée\xc2\xa0: %s (%s)",
		"Delegación dividida: %s (%s)", "وفد منقسم: %s (%s)", "代表团意见分歧：%s（%s）",
		"Делегация разделилась: %s (%s)"},
	[M_DIVIDED_NOTE] = {
		"Divided: the delegates of one entity took different positions; with one voice per "
		"entity, each counts for an equal share of its voice.",
		"Délégation divisée\xc2\xa0: les délégués d'une même entité ont pris des positions "
		"différentes\xc2\xa0; avec une voix par entité, chacun compte pour une part égale de sa "
		"voix.",
		"Delegación dividida: los delegados de una misma entidad adoptaron posiciones "
		"distintas; con un voto por entidad, cada uno cuenta por una parte igual de su voto.",
		"وفد منقسم: اتخذ مندوبو الجهة الواحدة مواقف مختلفة؛ وبصوت واحد لكل جهة، يُحتسب كل "
		"منهم بحصة متساوية من صوتها.",
		"代表团意见分歧：同一实体的代表立场不同；在每个实体一票的情况下，每人各占该票的相等份额。",
		"Делегация разделилась: делегаты одной организации заняли разные позиции; при одном "
		"голосе на организацию каждый составляет равную долю её голоса."},
	[M_ROLL_ANSWERED] = {"%s of %s invited delegates answered (%s)",
		"%s des %s délégués invités ont répondu (%s)",
		"%s de los %s delegados invitados respondieron (%s)",
		"أجاب %s من أصل %s من المندوبين المدعوين (%s)", "已答复 %s 人，受邀代表共 %s 人（%s）",
		"Ответили %s из %s приглашённых делегатов (%s)"},
	[M_ROLL_REVOKED] = {"%s revoked", "%s révoqués", "%s revocados", "%s أُلغيت روابطهم",
		"%s 名已撤销", "%s отозвано"},
	[M_INVITED] = {"invited", "invités", "invitados", "المدعوون", "受邀", "приглашено"},
	[M_RATE] = {"rate", "taux", "tasa", "النسبة", "比例", "доля"},
	/* The objection register across rounds (snd_report_register). */
	[M_REGISTER] = {"Objection register", "Registre des objections", "Registro de objeciones",
		"سجل الاعتراضات", "反对意见登记册", "Реестр возражений"},
	[M_REGISTER_NOTE] = {"Every entity that objected to a proposal in any round, comparing "
		"the last two rounds: sustained objections first, then new, silent and withdrawn ones.",
		"Chaque entité ayant formulé une objection à une proposition lors d’un tour, en "
		"comparant les deux derniers tours\xc2\xa0: d’abord les objections maintenues, puis les "
		"nouvelles, les silencieuses et les retirées.",
		"Cada entidad que objetó una propuesta en alguna ronda, comparando las dos últimas "
		"rondas: primero las objeciones mantenidas, luego las nuevas, las silenciosas y las "
		"retiradas.",
		"كل جهة اعترضت على مقترح في أي جولة، مع المقارنة بين آخر جولتين: الاعتراضات القائمة "
		"أولاً، ثم الجديدة، ثم الصامتة، ثم المسحوبة.",
		"在任何一轮中对提案提出反对的每个实体，比较最近两轮：先列持续的反对意见，然后是新的、沉默的和撤回的。",
		"Все организации, возражавшие против предложения в каком-либо раунде, в сравнении "
		"двух последних раундов: сначала устойчивые возражения, затем новые, без ответа и "
		"снятые."},
	[M_REG_STATUS] = {"status", "statut", "estado", "الحالة", "状态", "статус"},
	[M_REG_ENTITY] = {"entity", "entité", "entidad", "الجهة", "实体", "организация"},
	[M_REG_ENTITIES] = {"entities", "entités", "entidades", "الجهات", "实体数", "организации"},
	[M_REG_ROUND] = {"round %s", "tour %s", "ronda %s", "الجولة %s", "第%s轮", "раунд %s"},
	[M_REG_NO_ANSWER] = {"no answer", "pas de réponse", "sin respuesta", "لا إجابة", "未回答",
		"нет ответа"},
	[M_REG_NONE] = {"No entity objected in any round.",
		"Aucune entité n’a formulé d’objection lors d’un tour.",
		"Ninguna entidad objetó en ninguna ronda.", "لم تعترض أي جهة في أي جولة.",
		"在任何一轮中都没有实体提出反对。", "Ни одна организация не возражала ни в одном раунде."},
	[M_REG_DISPOSITION] = {"disposition", "suite donnée", "tratamiento", "المعالجة", "处理",
		"решение"},
	[M_ST_SUSTAINED] = {"sustained", "maintenue", "mantenida", "قائم", "持续", "устойчивое"},
	[M_ST_NEW] = {"new", "nouvelle", "nueva", "جديد", "新", "новое"},
	[M_ST_SILENT] = {"silent", "silencieuse", "silenciosa", "صامت", "沉默", "без ответа"},
	[M_ST_WITHDRAWN] = {"withdrawn", "retirée", "retirada", "مسحوب", "撤回", "снято"},
	[M_FEWER_THAN] = {"fewer than %s", "moins de %s", "menos de %s", "أقل من %s",
		"少于 %s", "меньше %s"},
};

/* The UI language of form language lang: its index in ui_langs, else 0. */
static int ui_of(const struct snd_form *f, int lang)
{
	const char *code;
	int i;
	if (f == NULL || lang < 0 || (size_t)lang >= f->nlanguages)
		return 0;
	code = f->languages[lang];
	for (i = 0; i < NUI; i++)
		if (strncmp(code, ui_langs[i], 2) == 0 && (code[2] == '\0' || code[2] == '-'))
			return i;
	return 0;
}

const char *snd_report_msg(const struct snd_form *f, int lang, enum msg m)
{
	const char *s = ui_text[m][ui_of(f, lang)];
	return s ? s : ui_text[m][0];
}

const enum msg snd_rpt_pos_msg[SND_POS__MAX] = {M_SUPPORT, M_LIVE_WITH, M_OBJECT, M_ABSTAIN};

const enum msg snd_rpt_type_msg[SND_Q__MAX] = {
	[SND_Q_SINGLE] = M_TYPE_SINGLE, [SND_Q_MULTI] = M_TYPE_MULTI, [SND_Q_SCALE] = M_TYPE_SCALE,
	[SND_Q_MATRIX] = M_TYPE_MATRIX, [SND_Q_RANK] = M_TYPE_RANK,
	[SND_Q_POSITION] = M_TYPE_POSITION, [SND_Q_NUMBER] = M_TYPE_NUMBER,
	[SND_Q_TEXT] = M_TYPE_TEXT,
};

char snd_rpt_dec(const struct snd_form *f, int lang)
{
	return snd_fmt_decimal(ui_langs[ui_of(f, lang)]);
}

const char *snd_rpt_msg_raw(const char *code, enum msg m)
{
	int i;
	if ((unsigned)m >= M__MAX || code == NULL)
		return NULL;
	for (i = 0; i < NUI; i++)
		if (strcmp(code, ui_langs[i]) == 0)
			return ui_text[m][i];
	return NULL;
}

static const struct {
	const char *attr;
	enum msg m;
} attr_words[] = {
	{"category", M_ATTR_CATEGORY}, {"sg", M_ATTR_SG}, {"region", M_ATTR_REGION},
	{"hod", M_ATTR_HOD},
};

const char *snd_rpt_attr_word(const struct snd_form *f, int lang, const char *attr)
{
	size_t i;
	if (attr == NULL)
		return NULL;
	for (i = 0; i < sizeof attr_words / sizeof attr_words[0]; i++)
		if (strcmp(attr, attr_words[i].attr) == 0)
			return snd_report_msg(f, lang, attr_words[i].m);
	return NULL;
}

const char *snd_rpt_group_name(const struct snd_form *f, int lang, const char *value)
{
	if (value == NULL)
		return "?";
	if (strcmp(value, "(none)") == 0)
		return snd_report_msg(f, lang, M_GROUP_NONE);
	if (strcmp(value, "(other)") == 0)
		return snd_report_msg(f, lang, M_GROUP_OTHER);
	return value;
}

void snd_rpt_html_attr(struct snd_buf *o, const struct snd_form *f, int lang, const char *tpl,
                       const char *attr)
{
	const char *word = snd_rpt_attr_word(f, lang, attr), *slot;
	struct snd_buf t;
	if (attr == NULL)
		attr = "?";
	if (word != NULL || ui_of(f, lang) == 0) {
		/* English shows any attribute as itself, as it always did */
		snd_rpt_html_fill(o, tpl, word ? &word : &attr, 1);
		return;
	}
	slot = strstr(tpl, "%s");
	snd_buf_init(&t, 0);
	snd_buf_append(&t, tpl, slot ? (size_t)(slot - tpl) : strlen(tpl));
	snd_buf_html(o, t.data ? t.data : "");
	if (slot) {
		snd_buf_puts(o, "<code>");
		snd_buf_html(o, attr);
		snd_buf_puts(o, "</code>");
		snd_buf_html(o, slot + 2);
	}
	if (t.failed)
		o->failed = 1;
	snd_buf_free(&t);
}

void snd_rpt_fill(struct snd_buf *b, const char *tpl, const char *const *args, size_t n)
{
	size_t used = 0;
	const char *p;
	while ((p = strstr(tpl, "%s")) != NULL) {
		snd_buf_append(b, tpl, (size_t)(p - tpl));
		snd_buf_puts(b, used < n ? args[used] : "");
		used++;
		tpl = p + 2;
	}
	snd_buf_puts(b, tpl);
}

void snd_rpt_html_fill(struct snd_buf *o, const char *tpl, const char *const *args, size_t n)
{
	struct snd_buf t;
	snd_buf_init(&t, 0);
	snd_rpt_fill(&t, tpl, args, n);
	snd_buf_html(o, t.data ? t.data : "");
	if (t.failed)
		o->failed = 1;
	snd_buf_free(&t);
}

const char *snd_rpt_label(const struct snd_form *f, const struct snd_label *l, int lang)
{
	if (l == NULL || l->text == NULL)
		return NULL;
	if (lang < 0 || (size_t)lang >= f->nlanguages)
		lang = 0;
	return l->text[lang] ? l->text[lang] : l->text[0];
}

const char *snd_rpt_opt_label(const struct snd_form *f, const struct snd_option *opts, size_t n,
                              const char *id, int lang)
{
	const char *l = NULL;
	size_t i;
	if (id == NULL)
		return "?";
	for (i = 0; i < n; i++)
		if (strcmp(opts[i].id, id) == 0) {
			l = snd_rpt_label(f, &opts[i].label, lang);
			break;
		}
	return l ? l : id;
}
