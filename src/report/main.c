/* cpobench-report SUBCOMMAND: topology, projection, platform, plots and reports (no MPI at run time). */
#include "config.h"
#include "report/report.h"

#include <stdio.h>
#include <string.h>

extern const struct cb_report_cmd cb_report_cmd_check;

/* One line per subcommand; each lives in its own cmd_*.c file. */
static const struct cb_report_cmd *const cmds[] = {
	&cb_report_cmd_topo,
	&cb_report_cmd_project,
	&cb_report_cmd_plot,
	&cb_report_cmd_report,
	&cb_report_cmd_check,
	&cb_report_cmd_platform,
	NULL,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: cpobench-report SUBCOMMAND [options]   (SUBCOMMAND --help for its options)\n\nsubcommands:\n");
	for (int i = 0; cmds[i]; i++)
		fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("cpobench-report %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (int i = 0; cmds[i]; i++)
		if (strcmp(argv[1], cmds[i]->name) == 0)
			return cmds[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "cpobench-report: unknown subcommand '%s' (expected one of:", argv[1]);
	for (int i = 0; cmds[i]; i++)
		fprintf(stderr, " %s", cmds[i]->name);
	fprintf(stderr, ")\n");
	return 2;
}
