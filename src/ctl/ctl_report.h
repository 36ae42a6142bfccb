/*
 * ctl_report.h: what papictl's report command (ctl_report.c) shares with
 * its printable document (ctl_report_doc.c).
 */
#ifndef PAPIGW_CTL_REPORT_H
#define PAPIGW_CTL_REPORT_H

#include <stdio.h>

#include <jansson.h>

enum format {
	FMT_TABLE,
	FMT_CSV,
	FMT_JSON,
	FMT_HTML,
	FMT_PDF
};

/* One line of a report: a dimension, a category under it, or the total. */
enum report_level {
	LEVEL_DIMENSION,
	LEVEL_CATEGORY,
	LEVEL_TOTAL,
	LEVEL_SOURCE		/* after the total: the cases of one source */
};

/* ctl_report.c */
void	 report_walk(json_t *data, void (*fn)(enum report_level, json_t *,
	    const char *label, void *), void *arg);
void	 report_period(json_t *data, char *buf, size_t bufsz);
void	 report_figures(json_t *o, char cell[10][32]);
void	 report_announce_lines(json_t *data, FILE *fp, const char *eol);

/* ctl_report_doc.c */
void	 report_sms_line(json_t *data, FILE *fp);
int	 report_html(json_t *data, FILE *fp);
int	 report_pdf(json_t *data, const char *out);

#endif /* PAPIGW_CTL_REPORT_H */
