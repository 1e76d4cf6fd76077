/* bench/reportout.c: HTML and Markdown output of `mmbench report`. */
#include <stdlib.h>
#include <string.h>

#include "reportout.h"

#define MAX_IMAGE_BYTES (16u << 20) /* an SVG plot is ~100 KB; refuse absurd ones */

static const char style[] =
    "body{font-family:Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
    "h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
    "th,td{border:1px solid #ccc;padding:0.3em 0.6em;text-align:right;vertical-align:top}"
    "th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}"
    "small{color:#666;white-space:nowrap}figure{margin:1.5em 0}img{max-width:100%;height:auto;border:1px solid #eee}"
    "figcaption{color:#444;font-size:0.9em;margin-top:0.3em}";

/* Text into HTML: the five characters that could start markup. */
static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Text into a Markdown table cell or paragraph: '|' would split the cell. */
static void md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '*' || *s == '_' || *s == '`')
            fputc('\\', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
}

void mmb_rout_begin(mmb_rout *o, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", o->html);
    html_text(o->html, title);
    fprintf(o->html, "</title>\n<style>%s</style></head>\n<body>\n<h1>", style);
    html_text(o->html, title);
    fputs("</h1>\n", o->html);
    fputs("# ", o->md);
    md_text(o->md, title);
    fputs("\n\n", o->md);
}

void mmb_rout_end(mmb_rout *o)
{
    fputs("</body></html>\n", o->html);
}

void mmb_rout_heading(mmb_rout *o, int level, const char *text)
{
    fprintf(o->html, "<h%d>", level);
    html_text(o->html, text);
    fprintf(o->html, "</h%d>\n", level);
    for (int i = 0; i < level; i++)
        fputc('#', o->md);
    fputc(' ', o->md);
    md_text(o->md, text);
    fputs("\n\n", o->md);
}

void mmb_rout_para(mmb_rout *o, const char *text)
{
    fputs("<p>", o->html);
    html_text(o->html, text);
    fputs("</p>\n", o->html);
    md_text(o->md, text);
    fputs("\n\n", o->md);
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        fputc(digits[v >> 18 & 63], f);
        fputc(digits[v >> 12 & 63], f);
        fputc(i + 1 < n ? digits[v >> 6 & 63] : '=', f);
        fputc(i + 2 < n ? digits[v & 63] : '=', f);
    }
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = f ? malloc(MAX_IMAGE_BYTES) : NULL;
    size_t n = buf ? fread(buf, 1, MAX_IMAGE_BYTES, f) : 0;
    if (f)
        fclose(f);
    if (!buf || n == 0 || n == MAX_IMAGE_BYTES) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* The plot's smaller rendering, SVG or PNG (a plot of thousands of points
 * is smaller as PNG), so the self-contained page stays small. */
static unsigned char *smaller_image(const char *dir, const char *rel, size_t *len, const char **mime)
{
    char path[4096];
    size_t slen = 0, plen = 0;
    snprintf(path, sizeof path, "%s/%s.svg", dir, rel);
    unsigned char *svg = read_file(path, &slen);
    snprintf(path, sizeof path, "%s/%s.png", dir, rel);
    unsigned char *png = read_file(path, &plen);
    if (png && (!svg || plen < slen)) {
        free(svg);
        *len = plen, *mime = "image/png";
        return png;
    }
    free(png);
    *len = slen, *mime = "image/svg+xml";
    return svg;
}

int mmb_rout_figure(mmb_rout *o, const char *rel, const char *title, const char *caption)
{
    size_t len;
    const char *mime;
    unsigned char *img = smaller_image(o->dir, rel, &len, &mime);
    if (!img)
        return -1;
    fputs("<figure><img alt=\"", o->html);
    html_text(o->html, title);
    fprintf(o->html, "\" src=\"data:%s;base64,", mime);
    base64(o->html, img, len);
    fputs("\"><figcaption><b>", o->html);
    html_text(o->html, title);
    fputs(".</b> ", o->html);
    html_text(o->html, caption);
    fputs("</figcaption></figure>\n", o->html);
    free(img);
    fputs("![", o->md);
    md_text(o->md, title);
    fprintf(o->md, "](%s.png)\n\n**", rel);
    md_text(o->md, title);
    fputs(".** ", o->md);
    md_text(o->md, caption);
    fputs("\n\n", o->md);
    return 0;
}

void mmb_rout_table_begin(mmb_rout *o, const char *const *head, int n)
{
    fputs("<table>\n<tr>", o->html);
    fputc('|', o->md);
    for (int i = 0; i < n; i++) {
        fputs("<th>", o->html);
        html_text(o->html, head[i]);
        fputs("</th>", o->html);
        fputc(' ', o->md);
        md_text(o->md, head[i]);
        fputs(" |", o->md);
    }
    fputs("</tr>\n", o->html);
    fputs("\n|", o->md);
    for (int i = 0; i < n; i++)
        fputs(i ? " ---: |" : " --- |", o->md);
    fputc('\n', o->md);
}

/* One cell: its first line, then the rest smaller (HTML) or in brackets
 * already (Markdown gets the text as it is, on one line). */
static void html_cell(FILE *f, const char *c)
{
    const char *nl = strchr(c, '\n');
    fputs("<td>", f);
    if (!nl) {
        html_text(f, c);
    } else {
        char first[256];
        snprintf(first, sizeof first, "%.*s", (int)(nl - c), c);
        html_text(f, first);
        fputs("<br><small>", f);
        html_text(f, nl + 1);
        fputs("</small>", f);
    }
    fputs("</td>", f);
}

void mmb_rout_table_row(mmb_rout *o, const char *const *cells, int n)
{
    fputs("<tr>", o->html);
    fputc('|', o->md);
    for (int i = 0; i < n; i++) {
        html_cell(o->html, cells[i]);
        fputc(' ', o->md);
        md_text(o->md, cells[i]);
        fputs(" |", o->md);
    }
    fputs("</tr>\n", o->html);
    fputc('\n', o->md);
}

void mmb_rout_table_end(mmb_rout *o)
{
    fputs("</table>\n", o->html);
    fputc('\n', o->md);
}
