/* bench/reportout.h: the two renderings of `mmbench report` written side by
 * side: a self-contained HTML page (plots inlined as data: URIs) and a
 * Markdown file (plots linked as PNG files next to it). Every call writes
 * the same content to both. */
#ifndef MMB_REPORTOUT_H
#define MMB_REPORTOUT_H

#include <stdio.h>

typedef struct mmb_rout {
    FILE *html, *md;
    const char *dir; /* the results directory: image paths are relative to it */
} mmb_rout;

void mmb_rout_begin(mmb_rout *o, const char *title);
void mmb_rout_end(mmb_rout *o);
void mmb_rout_heading(mmb_rout *o, int level, const char *text);
void mmb_rout_para(mmb_rout *o, const char *text);
/* A figure: DIR/<rel>.svg inlined in the HTML, DIR/<rel>.png linked from
 * the Markdown. Returns 0, or -1 if the SVG cannot be read. */
int mmb_rout_figure(mmb_rout *o, const char *rel, const char *title, const char *caption);
void mmb_rout_table_begin(mmb_rout *o, const char *const *head, int n);
/* Cells may contain "\n": a second, smaller line (the interval). */
void mmb_rout_table_row(mmb_rout *o, const char *const *cells, int n);
void mmb_rout_table_end(mmb_rout *o);

#endif
