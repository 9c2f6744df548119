/* The fixed-width, #-commented table printed on rank 0's stdout. */
#ifndef CB_TABLE_H
#define CB_TABLE_H

#include <stdio.h>

#include "core/result.h"

void cb_table_header(FILE *f);
void cb_table_row(FILE *f, const struct cb_row *row);

#endif
