/* gnuplot output: data blocks, scripts made from the templates in plots/, rendering with the gnuplot on PATH. */
#ifndef CB_REPORT_PLOT_H
#define CB_REPORT_PLOT_H

#include <stdio.h>

/* Colour of each medium, the same in every plot; and a palette for algorithms/series. */
const char *cb_plot_medium_color(int medium_or_asis);
const char *cb_plot_color(int i);

/* Directory holding the templates: $CPOBENCH_DATADIR/plots, the source tree's plots/, pkgdatadir/plots. */
int cb_plot_template_path(const char *name, char *path, size_t len);

/*
 * Write DIR/NAME.gp: a header setting `vars` (gnuplot statements, one per line),
 * the PNG terminal, the template plots/TEMPLATE.gp, then the SVG terminal and
 * `replot`.  0, or -1 with err.
 */
int cb_plot_script(const char *dir, const char *name, const char *tmpl, const char *vars, char *err, size_t errlen);

/* The gnuplot found on PATH at run time, or NULL. */
const char *cb_plot_gnuplot(void);
/* Run `gnuplot NAME.gp` in DIR.  0 rendered, 1 no gnuplot on PATH, -1 gnuplot failed (msg says why). */
int cb_plot_render(const char *dir, const char *name, char *msg, size_t len);

/* gnuplot string literal: double quotes with \ and " escaped, into buf. */
const char *cb_plot_quote(const char *s, char *buf, size_t len);

#endif
