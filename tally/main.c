/* main.c - `tally`: the usage text and the dispatch to the subcommands
 * (summary.c, export.c, verify.c, merge.c, turnout.c,
 * trend.c).  The top of tally's layers:
 * it calls down into them, nothing calls into it.
 *
 * Invariants:
 *   1. Data goes to stdout or --out; everything else to stderr.
 *   2. Exit 0 success, 1 invalid input or failed check, 2 usage error.
 *   3. libsodium is initialised before any subcommand runs.
 */
#include "tally.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: tally COMMAND [OPTIONS]\n"
	"       tally --help | --version\n"
	"\n"
	"Sounding's tally: position summaries, exports, reports and checks of a\n"
	"collector database.  summary, export, report and trend check every stored\n"
	"answer's hash and the hash chain before counting, and set aside answers given\n"
	"with revoked links.\n"
	"\n"
	"commands:\n"
	"  summary --db DB --form FORM [--by ATTR] [--weight delegate|entity]\n"
	"          [--format text|json|csv|md] [--lang xx] [--limit N|all] [--out FILE]\n"
	"          [--include-revoked] [--no-verify]\n"
	"                              aggregate the latest answers of every delegate\n"
	"  export --db DB --form FORM --format csv|json|ndjson [--bom] [--out FILE]\n"
	"         [--include-revoked] [--no-verify]\n"
	"                              one record per delegate's latest revision\n"
	"  report --db DB --form FORM [--out report.html] [--by ATTR]\n"
	"         [--weight delegate|entity] [--lang xx] [--include-revoked] [--no-verify]\n"
	"         [--previous EARLIER.json ...]\n"
	"                              one self-contained HTML report with charts\n"
	"  trend --db DB --form R1.json --form R2.json [--form ...] [--by ATTR]\n"
	"        [--weight delegate|entity] [--format text|json|md] [--out FILE]\n"
	"        [--no-verify]\n"
	"                              rounds of a series side by side, what changed,\n"
	"                              and the objection register\n"
	"  verify --db DB --receipt-pub FILE [--receipt-pub FILE...] [--head LINK]\n"
	"                              check every hash, receipt and the hash chain\n"
	"  merge --out DB [--schedule-from FILE] A.db B.db...\n"
	"                              merge databases of one questionnaire\n"
	"  turnout --db DB --form FORM [--by ATTR] [--format text|json|csv] [--missing]\n"
	"          [--out FILE]        who was invited, who answered, who has not\n"
	"\n"
	"options:\n"
	"  --help                      print this help (`tally COMMAND --help`: a\n"
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
		{"summary", cmd_summary}, {"export", cmd_export}, {"report", cmd_report},
		{"verify", cmd_verify},   {"merge", cmd_merge},   {"turnout", cmd_turnout},
		{"trend", cmd_trend},
	};
	size_t i;
	if (argc < 2) {
		fputs("tally: name a command\ntry 'tally --help'\n", stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("tally (sounding) %s\n", SND_VERSION);
		return 0;
	}
	if (sodium_init() < 0) {
		tally_err("libsodium failed to initialise");
		return 1;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "tally: unknown %s '%s'\ntry 'tally --help'\n",
	        argv[1][0] == '-' ? "option" : "command", argv[1]);
	return EXIT_USAGE;
}
