/* The fixed-width, #-commented table printed on rank 0's stdout. */
#ifndef CB_TABLE_H
#define CB_TABLE_H

#include <stdio.h>

#include "core/result.h"

void cb_table_header(FILE *f);
void cb_table_row(FILE *f, const struct cb_row *row);

/* A kernel's extra column: a number from the row's extra JSON field `key`
 * ("name" or "object.name"); "-" when the row has none. */
struct cb_column {
	const char *key;        /* NULL ends a list */
	const char *title, *unit;
	int width, decimals;
};

/* The same table with extra columns appended (cols may be NULL). */
void cb_table_header_cols(FILE *f, const struct cb_column *cols);
void cb_table_row_cols(FILE *f, const struct cb_row *row, const struct cb_column *cols);

#endif
