/* cpobench-report subcommands: each is one file cmd_NAME.c and one line in main.c. */
#ifndef CB_REPORT_H
#define CB_REPORT_H

struct cb_report_cmd {
	const char *name;
	const char *summary;
	/* argv[0] is the subcommand name; returns the exit status
	 * (0 ok, 1 a check/feasibility failure under --strict, 2 bad usage or input). */
	int (*run)(int argc, char **argv);
};

/* One per cmd_NAME.c. */
extern const struct cb_report_cmd cb_report_cmd_topo;
extern const struct cb_report_cmd cb_report_cmd_project;
extern const struct cb_report_cmd cb_report_cmd_plot;
extern const struct cb_report_cmd cb_report_cmd_report;
extern const struct cb_report_cmd cb_report_cmd_platform;

#endif
