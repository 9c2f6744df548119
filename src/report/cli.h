/* Options shared by `plot` and `report` (cmd_report.c). */
#ifndef CB_REPORT_CLI_H
#define CB_REPORT_CLI_H

/* argv[0] is the subcommand; markdown = 1 writes report.md too.  Returns the exit status. */
int cb_report_cli(int argc, char **argv, int markdown);

#endif
