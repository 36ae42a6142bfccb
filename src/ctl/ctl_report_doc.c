/*
 * ctl_report_doc.c: the report as a document a ward sends to the
 * district: HTML that prints on A4, and PDF made from it.
 *
 * The layout follows the usual form of an administrative report in
 * Vietnam (Decree 30/2020 on the form of documents): the issuing body
 * under the body above it at the top left, the national motto at the
 * top right, the place and date, the title, "Kính gửi" (to) when
 * configured, the figures for every PAPI dimension and category, notes
 * that say how they are counted, and the signer.  The texts are those of
 * the user's language (LANG: Vietnamese for the ward); the names of the
 * ward and of the categories come from the configuration through the
 * daemon.
 *
 * PDF is rendered by WeasyPrint (Debian package weasyprint) from the same
 * HTML, fed through a pipe: papictl links no renderer, and the daemon
 * never renders anything.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "ctl/papictl.h"
#include "ctl/ctl_report.h"

/* The HTML renderer for PDF, in PATH. */
#define PDF_RENDERER	"weasyprint"

/* Prints s with HTML's special characters escaped. */
static void
esc(FILE *fp, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		default:
			fputc(*s, fp);
		}
}

/* The page's style: A4 landscape, a serif face that has Vietnamese. */
static const char style[] =
	"@page { size: A4 landscape; margin: 15mm 15mm 15mm 20mm; }\n"
	"body { font-family: \"DejaVu Serif\", \"Liberation Serif\", "
	"\"Times New Roman\", serif; font-size: 10.5pt; }\n"
	"table.head { width: 100%; border: none; }\n"
	"table.head td { border: none; text-align: center; "
	"vertical-align: top; width: 50%; }\n"
	".upper { text-transform: uppercase; }\n"
	".motto { font-weight: bold; text-decoration: underline; }\n"
	".date { text-align: right; font-style: italic; margin: 8pt 0; }\n"
	"h1 { text-align: center; font-size: 14pt; margin: 12pt 0 2pt; }\n"
	"p.sub { text-align: center; font-weight: bold; margin: 0; }\n"
	"p.to { text-align: center; margin: 6pt 0 12pt; }\n"
	"table.fig { border-collapse: collapse; width: 100%; "
	"font-size: 9pt; }\n"
	"table.fig th, table.fig td { border: 0.6pt solid #000; "
	"padding: 2pt 4pt; }\n"
	"table.fig td.n { text-align: right; white-space: nowrap; }\n"
	"table.fig th:nth-child(2) { width: 30%; }\n"
	"tr.dim td { font-weight: bold; background: #eee; }\n"
	"tr.total td { font-weight: bold; }\n"
	"td.cat { padding-left: 14pt; }\n"
	".notes { font-size: 9pt; margin-top: 8pt; }\n"
	"table.sign { width: 100%; margin-top: 16pt; }\n"
	"table.sign td { width: 50%; text-align: center; "
	"vertical-align: top; font-weight: bold; }\n";

/* The top of the page: who issues it, the motto, place and date. */
static void
doc_head(FILE *fp, json_t *h, json_t *data)
{
	time_t		 now = (time_t)json_integer_value(json_object_get(data,
			    "generated"));
	struct tm	 tm;
	const char	*place = ctl_str(h, "place", "");

	localtime_r(&now, &tm);
	fputs("<table class=\"head\"><tr><td>", fp);
	if (*ctl_str(h, "superior", "") != '\0') {
		fputs("<div class=\"upper\">", fp);
		esc(fp, ctl_str(h, "superior", ""));
		fputs("</div>", fp);
	}
	fputs("<div class=\"upper\"><b>", fp);
	esc(fp, ctl_str(h, "ward", ""));
	fputs("</b></div></td><td><div><b>", fp);
	esc(fp, _("SOCIALIST REPUBLIC OF VIETNAM"));
	fputs("</b></div><div class=\"motto\">", fp);
	esc(fp, _("Independence - Freedom - Happiness"));
	fputs("</div></td></tr></table>\n<p class=\"date\">", fp);
	if (*place != '\0') {
		esc(fp, place);
		fputs(", ", fp);
	}
	fprintf(fp, _("day %d month %d year %d"), tm.tm_mday, tm.tm_mon + 1,
	    tm.tm_year + 1900);
	fputs("</p>\n", fp);
}

/* The title, what it covers and to whom. */
static void
doc_title(FILE *fp, json_t *h, json_t *data)
{
	char	period[200], asof[32];

	fputs("<h1>", fp);
	esc(fp, _("REPORT"));
	fputs("</h1>\n<p class=\"sub\">", fp);
	esc(fp, ctl_str(h, "title", ""));
	fputs("</p>\n<p class=\"sub\">", fp);
	report_period(data, period, sizeof(period));
	esc(fp, period);
	fputs("</p>\n", fp);
	if (*ctl_str(h, "recipient", "") != '\0') {
		fputs("<p class=\"to\">", fp);
		esc(fp, _("To:"));
		fputc(' ', fp);
		esc(fp, ctl_str(h, "recipient", ""));
		fputs("</p>\n", fp);
	}
	ctl_time(json_object_get(data, "as_of"), asof, sizeof(asof));
	fputs("<p>", fp);
	if (json_is_true(json_object_get(data, "provisional")))
		fprintf(fp, _("Provisional figures, as of %s: the period is "
		    "not over."), asof);
	else
		fprintf(fp, _("Figures as of %s, the end of the period: made "
		    "again later, the report gives the same numbers."), asof);
	fputs("</p>\n", fp);
}

struct doc_rows {
	FILE	*fp;
	int	 n;		/* numbering of the dimensions */
	int	 sources;	/* source lines written */
};

static void
doc_row(enum report_level level, json_t *o, const char *label, void *arg)
{
	struct doc_rows	*d = arg;
	char		 cell[10][32];
	int		 i;

	report_figures(o, cell);
	if (level == LEVEL_SOURCE && d->sources++ == 0) {
		fputs("<tr class=\"dim src\"><td></td><td colspan=\"11\">", d->fp);
		esc(d->fp, _("By source: the same cases as the total, by "
		    "where they came in"));
		fputs("</td></tr>\n", d->fp);
	}
	fprintf(d->fp, "<tr class=\"%s\"><td>", level == LEVEL_DIMENSION ?
	    "dim" : level == LEVEL_TOTAL ? "total" : "cat");
	if (level == LEVEL_DIMENSION)
		fprintf(d->fp, "%d", ++d->n);
	fprintf(d->fp, "</td><td%s>", level >= LEVEL_CATEGORY &&
	    level != LEVEL_TOTAL ?
	    " class=\"cat\"" : "");
	esc(d->fp, label);
	fputs("</td>", d->fp);
	for (i = 0; i < 10; i++) {
		fputs("<td class=\"n\">", d->fp);
		esc(d->fp, cell[i]);
		fputs("</td>", d->fp);
	}
	fputs("</tr>\n", d->fp);
}

/*
 * The figures: every dimension and category, and the total; then the
 * same cases by source, and the total again.
 */
static void
doc_table(FILE *fp, json_t *data)
{
	static const char *const heads[] = {
		N_("No."), N_("PAPI dimension / category"), N_("Cases"),
		N_("Open"), N_("Resolved"), N_("Reopened"),
		N_("Answer: median"), N_("Answer: 90%"),
		N_("Resolution: median"), N_("Resolution: 90%"),
		N_("On time"), N_("Satisfaction (answers)")
	};
	struct doc_rows	 d;
	size_t		 i;

	fputs("<table class=\"fig\"><thead><tr>", fp);
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		fputs("<th>", fp);
		esc(fp, _(heads[i]));
		fputs("</th>", fp);
	}
	fputs("</tr></thead><tbody>\n", fp);
	d.fp = fp;
	d.n = 0;
	d.sources = 0;
	report_walk(data, doc_row, &d);
	/* The sources add up to the total: it closes them too. */
	if (d.sources > 0)
		doc_row(LEVEL_TOTAL, json_object_get(data, "total"),
		    _("TOTAL"), &d);
	fputs("</tbody></table>\n", fp);
}

/* How the figures are counted, and who signs. */
static void
doc_end(FILE *fp, json_t *h, json_t *data)
{
	char	gen[32];

	fputs("<div class=\"notes\"><p>", fp);
	esc(fp, _("Times run from the case's creation: the median and the "
	    "90th percentile; h: hours, d: days."));
	fputs("<br>", fp);
	esc(fp, _("On time: answered within the deadline, of the cases "
	    "answered or past it.  Satisfaction: the residents' answers "
	    "from 1 to 5, their mean and number."));
	fputs("<br>", fp);
	report_sms_line(data, fp);
	fputs("<br>", fp);
	report_announce_lines(data, fp, "<br>\n");
	fprintf(fp, _("Made by papigw on %s from the cases received by SMS "
	    "and USSD, from the suggestion box, the citizen reception and "
	    "meetings."), ctl_time(json_object_get(data, "generated"), gen,
	    sizeof(gen)));
	fputs("</p></div>\n", fp);
	if (*ctl_str(h, "signer", "") == '\0')
		return;
	fputs("<table class=\"sign\"><tr><td></td><td><div class=\"upper\">",
	    fp);
	esc(fp, ctl_str(h, "signer", ""));
	fputs("</div><div style=\"height: 60pt\"></div></td></tr></table>\n",
	    fp);
}

/*
 * Writes the report in data as one HTML document to fp.  Returns CTL_OK,
 * or CTL_FAIL when it could not be written.
 */
int
report_html(json_t *data, FILE *fp)
{
	json_t	*h = json_object_get(data, "heading");

	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"><title>", i18n_lang());
	esc(fp, ctl_str(h, "title", ""));
	fprintf(fp, "</title>\n<style>\n%s</style></head><body>\n", style);
	doc_head(fp, h, data);
	doc_title(fp, h, data);
	doc_table(fp, data);
	doc_end(fp, h, data);
	fputs("</body></html>\n", fp);
	return fflush(fp) == EOF || ferror(fp) ? CTL_FAIL : CTL_OK;
}

/*
 * Renders the report in data as PDF into the file out (NULL: standard
 * output), through WeasyPrint.  Returns CTL_OK, or CTL_FAIL after saying
 * why.
 */
int
report_pdf(json_t *data, const char *out)
{
	FILE	*fp;
	pid_t	 pid;
	int	 p[2], st;

	if (pipe(p) == -1 || (pid = fork()) == -1) {
		fprintf(stderr, "papictl: %s\n", strerror(errno));
		return CTL_FAIL;
	}
	if (pid == 0) {
		dup2(p[0], STDIN_FILENO);
		close(p[0]);
		close(p[1]);
		execlp(PDF_RENDERER, PDF_RENDERER, "--quiet", "--encoding",
		    "utf-8", "-", out != NULL ? out : "-", (char *)NULL);
		fprintf(stderr, _("papictl: %s: %s (the PDF format needs "
		    "the Debian package weasyprint)\n"), PDF_RENDERER,
		    strerror(errno));
		_exit(127);
	}
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	if ((fp = fdopen(p[1], "w")) == NULL) {
		close(p[1]);
		waitpid(pid, &st, 0);
		return CTL_FAIL;
	}
	report_html(data, fp);
	fclose(fp);
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		if (WIFEXITED(st) && WEXITSTATUS(st) != 127)
			fprintf(stderr, _("papictl: %s failed (status %d)\n"),
			    PDF_RENDERER, WEXITSTATUS(st));
		return CTL_FAIL;
	}
	return CTL_OK;
}
