/* cpobench-report plot: the report's plots (PNG, SVG, gnuplot scripts, data) and CSV tables, no report.md. */
#include "config.h"
#include "report/cli.h"
#include "report/report.h"

static int plot_run(int argc, char **argv)
{
	return cb_report_cli(argc, argv, 0);
}

const struct cb_report_cmd cb_report_cmd_plot = {
	"plot", "plots (PNG, SVG, gnuplot scripts and data) and CSV tables from results and projections", plot_run
};
