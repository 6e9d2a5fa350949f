/* main.c - `collector`: dispatches to the subcommands of commands.h. */
#include "commands.h"
#include "sounding.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: collector COMMAND [OPTIONS]\n"
	"       collector --help | --version\n"
	"\n"
	"Sounding's collector: signed delegate tokens and the questionnaire web server.\n"
	"\n"
	"commands:\n"
	"  keygen --out DIR            create issuer and receipt key pairs in DIR\n"
	"  issue --key SECRET --form FORM --delegates LIST.csv [--base-url URL]\n"
	"        [--role delegate|chair] [--expires RFC3339] [--out LINKS.csv] [--db DB]\n"
	"                              sign one token per delegate; CSV with links on stdout\n"
	"  token verify --pub KEY [--implicit STRING] TOKEN\n"
	"                              check a token's signature; print payload and footer\n"
	"  revoke --db DB (--jti ID | --form QID --sub ID)\n"
	"                              stop a token (or a delegate's tokens) at once\n"
	"  roll import --db DB [--pub KEY] LINKS.csv | roll list --db DB --form QID\n"
	"                              the roll: who was invited (never the tokens)\n"
	"  mail --db DB --form FORM --links LINKS.csv --kind invite|remind [--smtp URL]\n"
	"       [--from ADDR] [--templates DIR] [--dry-run DIR] [--rate N] [--resend]\n"
	"                              e-mail each delegate their link, or a reminder\n"
	"  close --db DB --form QID [--at RFC3339]\n"
	"                              stop accepting answers now (or at a time), no restart\n"
	"  open --db DB --form QID [--at RFC3339] [--until RFC3339]\n"
	"                              (re)open now, or schedule the opening\n"
	"  status --db DB [--form QID] [--format text|json]\n"
	"                              when each questionnaire is open; delegates, revisions\n"
	"  check FORM...               validate questionnaire files\n"
	"  serve --form FORM... --db DB --issuer-pub FILE --receipt-key FILE\n"
	"        [--listen ADDR:PORT] [--tls-cert F --tls-key F]\n"
	"                              run the web collector\n"
	"\n"
	"options:\n"
	"  --help                      print this help (`collector COMMAND --help`: a\n"
	"                              command's options)\n"
	"  --version                   print the version\n"
	"\n"
	"exit status: 0 success, 1 invalid input or failed check, 2 usage error.\n";

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{"keygen", cmd_keygen}, {"issue", cmd_issue}, {"token", cmd_token},
		{"revoke", cmd_revoke}, {"check", cmd_check}, {"serve", cmd_serve},
		{"open", cmd_open},     {"close", cmd_close}, {"status", cmd_status},
		{"roll", cmd_roll},     {"mail", cmd_mail},
	};
	size_t i;
	if (argc < 2) {
		fputs("collector: name a command\ntry 'collector --help'\n", stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("collector (sounding) %s\n", SND_VERSION);
		return 0;
	}
	if (sodium_init() < 0) {
		die_msg("libsodium failed to initialise");
		return 1;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "collector: unknown %s '%s'\ntry 'collector --help'\n",
	        argv[1][0] == '-' ? "option" : "command", argv[1]);
	return 2;
}
