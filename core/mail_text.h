/* mail_text.h - the built-in invitation and reminder templates of mail.c,
 * one per kind and language, kept apart from the code so that translators
 * read and change only this file.  Included by mail.c alone.
 *
 * Invariants (test_mail checks them all):
 *   1. Every text parses with snd_mail_template_parse: first line
 *      "Subject: ...", only the placeholders {name} {link} {closes} {title},
 *      {link} in the body and never in the subject.
 *   2. Every language of builtin_langs has both kinds; a reminder says the
 *      delegate's answers have not been received yet.
 */
#ifndef SND_MAIL_TEXT_H
#define SND_MAIL_TEXT_H

/* Written as a secretariat writes: formal and short, the link on a line of
 * its own (mail clients make it clickable), one line per paragraph (clients
 * wrap it to their width).  French sets a no-break space before ':' ';'
 * and inside guillemets. */

#define NBSP "\xC2\xA0" /* U+00A0 */

static const char *const builtin_langs[] = {"en", "fr", "es", "ar", "zh", "ru"};
#define NLANGS (sizeof builtin_langs / sizeof builtin_langs[0])

static const char *const builtin[SND_MAIL_KIND__MAX][NLANGS] = {
	[SND_MAIL_INVITE] = {
	/* en */
	"Subject: {title}: your personal link to answer\n\n"
	"Dear {name},\n\n"
	"The secretariat invites you to take part in the consultation \"{title}\".\n\n"
	"Please answer through your personal link:\n\n"
	"{link}\n\n"
	"You may revise your answers until the consultation closes on {closes}. This "
	"link is yours alone: please do not forward it.\n\n"
	"Yours sincerely,\n"
	"The secretariat\n",
	/* fr */
	"Subject: {title}" NBSP ": votre lien personnel pour répondre\n\n"
	"À l'attention de {name}\n\n"
	"Madame, Monsieur,\n\n"
	"Le secrétariat vous invite à participer à la consultation «" NBSP "{title}" NBSP "».\n\n"
	"Nous vous prions de répondre au moyen de votre lien personnel" NBSP ":\n\n"
	"{link}\n\n"
	"Vous pourrez modifier vos réponses jusqu'à la clôture de la consultation, le "
	"{closes}. Ce lien vous est strictement personnel" NBSP "; merci de ne pas le "
	"transmettre.\n\n"
	"Veuillez agréer, Madame, Monsieur, l'expression de nos salutations "
	"distinguées.\n\n"
	"Le secrétariat\n",
	/* es */
	"Subject: {title}: su enlace personal para responder\n\n"
	"Estimado/a {name}:\n\n"
	"La secretaría le invita a participar en la consulta «{title}».\n\n"
	"Le rogamos que responda mediante su enlace personal:\n\n"
	"{link}\n\n"
	"Podrá modificar sus respuestas hasta el cierre de la consulta, el {closes}. "
	"Este enlace es personal; le rogamos que no lo reenvíe.\n\n"
	"Atentamente,\n"
	"La secretaría\n",
	/* ar */
	"Subject: {title}: رابطكم الشخصي للرد\n\n"
	"السيد/السيدة {name}،\n\n"
	"تدعوكم الأمانة إلى المشاركة في الاستشارة «{title}».\n\n"
	"يُرجى تقديم ردودكم عبر رابطكم الشخصي:\n\n"
	"{link}\n\n"
	"يمكنكم تعديل ردودكم حتى إغلاق الاستشارة في {closes}. هذا الرابط شخصي، لذا يُرجى "
	"عدم إعادة توجيهه.\n\n"
	"وتفضلوا بقبول فائق الاحترام،\n"
	"الأمانة\n",
	/* zh */
	"Subject: {title}：您的个人作答链接\n\n"
	"尊敬的{name}：\n\n"
	"秘书处诚邀您参与“{title}”征询。\n\n"
	"请通过您的个人链接作答：\n\n"
	"{link}\n\n"
	"在征询于{closes}截止之前，您可随时修改答复。此链接仅供您本人使用，请勿转发。\n\n"
	"此致\n"
	"敬礼\n\n"
	"秘书处\n",
	/* ru */
	"Subject: {title}: ваша персональная ссылка для ответа\n\n"
	"Уважаемый(ая) {name}!\n\n"
	"Секретариат приглашает вас принять участие в консультации «{title}».\n\n"
	"Просим вас ответить по вашей персональной ссылке:\n\n"
	"{link}\n\n"
	"Вы можете изменить свои ответы до закрытия консультации ({closes}). Эта ссылка "
	"предназначена только для вас; просим не пересылать её.\n\n"
	"С уважением,\n"
	"Секретариат\n",
	},
	[SND_MAIL_REMIND] = {
	/* en */
	"Subject: Reminder: {title}\n\n"
	"Dear {name},\n\n"
	"We have not yet received your answers to the consultation \"{title}\", which "
	"closes on {closes}.\n\n"
	"You can still answer through your personal link:\n\n"
	"{link}\n\n"
	"If you have answered in the last few hours, please disregard this reminder.\n\n"
	"Yours sincerely,\n"
	"The secretariat\n",
	/* fr */
	"Subject: Rappel" NBSP ": {title}\n\n"
	"À l'attention de {name}\n\n"
	"Madame, Monsieur,\n\n"
	"Sauf erreur de notre part, nous n'avons pas encore reçu vos réponses à la "
	"consultation «" NBSP "{title}" NBSP "», qui sera close le {closes}.\n\n"
	"Vous pouvez encore répondre au moyen de votre lien personnel" NBSP ":\n\n"
	"{link}\n\n"
	"Si vous avez répondu ces dernières heures, nous vous prions de ne pas tenir "
	"compte de ce rappel.\n\n"
	"Veuillez agréer, Madame, Monsieur, l'expression de nos salutations "
	"distinguées.\n\n"
	"Le secrétariat\n",
	/* es */
	"Subject: Recordatorio: {title}\n\n"
	"Estimado/a {name}:\n\n"
	"Según nuestros registros, aún no hemos recibido sus respuestas a la consulta "
	"«{title}», que se cerrará el {closes}.\n\n"
	"Todavía puede responder mediante su enlace personal:\n\n"
	"{link}\n\n"
	"Si ha respondido en las últimas horas, le rogamos que no tenga en cuenta este "
	"recordatorio.\n\n"
	"Atentamente,\n"
	"La secretaría\n",
	/* ar */
	"Subject: تذكير: {title}\n\n"
	"السيد/السيدة {name}،\n\n"
	"تشير سجلاتنا إلى أننا لم نتلقَّ ردودكم بعد على الاستشارة «{title}»، التي ستُغلق "
	"في {closes}.\n\n"
	"لا يزال بإمكانكم الرد عبر رابطكم الشخصي:\n\n"
	"{link}\n\n"
	"إذا كنتم قد أرسلتم ردودكم خلال الساعات الأخيرة، فيُرجى تجاهل هذا التذكير.\n\n"
	"وتفضلوا بقبول فائق الاحترام،\n"
	"الأمانة\n",
	/* zh */
	"Subject: 提醒：{title}\n\n"
	"尊敬的{name}：\n\n"
	"据我们记录，我们尚未收到您对“{title}”征询的答复。本次征询将于{closes}截止。\n\n"
	"您仍可通过您的个人链接作答：\n\n"
	"{link}\n\n"
	"如您已于最近几小时内作答，请忽略此提醒。\n\n"
	"此致\n"
	"敬礼\n\n"
	"秘书处\n",
	/* ru */
	"Subject: Напоминание: {title}\n\n"
	"Уважаемый(ая) {name}!\n\n"
	"По нашим данным, мы ещё не получили ваших ответов на консультацию «{title}», "
	"которая закрывается {closes}.\n\n"
	"Вы ещё можете ответить по вашей персональной ссылке:\n\n"
	"{link}\n\n"
	"Если вы ответили в последние несколько часов, просим не принимать это "
	"напоминание во внимание.\n\n"
	"С уважением,\n"
	"Секретариат\n",
	},
};

#endif /* SND_MAIL_TEXT_H */
