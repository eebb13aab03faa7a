/*
 * html.c - making input strings safe to put in the report.
 *
 * Job ids, site ids, reasons and file names come from files the user (or
 * someone else) wrote, so they may hold markup, quotes, control characters
 * or broken UTF-8.  Everything that goes into the HTML or into cairo's
 * text functions passes through here first.
 */
#include "report/page.h"

#include <math.h>

static void add_replacement(struct strbuf *out)
{
	strbuf_addstr(out, "\xef\xbf\xbd"); /* U+FFFD */
}

void utf8_sanitize(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return;
	while (*p) {
		size_t n = utf8_seq_len(p);
		if (!n) {
			add_replacement(out);
			p++;
			continue;
		}
		strbuf_add(out, p, n);
		p += n;
	}
}

/* U+2400 + c for C0 controls, U+2421 for DEL: visible, and never markup. */
static void add_control_picture(struct strbuf *out, unsigned char c)
{
	strbuf_addch(out, (char)0xe2);
	strbuf_addch(out, (char)0x90);
	strbuf_addch(out, (char)(c == 0x7f ? 0xa1 : 0x80 + c));
}

void html_escape(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return;
	while (*p) {
		size_t n = utf8_seq_len(p);
		switch (n ? *p : 0x80) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		case '\'': strbuf_addstr(out, "&#39;"); break;
		default:
			if (!n)
				add_replacement(out);
			else if (*p < 0x20 || *p == 0x7f)
				add_control_picture(out, *p);
			else
				strbuf_add(out, p, n);
		}
		p += n ? n : 1;
	}
}

void add_esc(struct strbuf *sb, const char *s)
{
	html_escape(sb, s ? s : "");
}

void add_num(struct strbuf *sb, double x)
{
	double a = fabs(x);
	int dec = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;

	if (!isfinite(x)) {
		strbuf_addstr(sb, "n/a");
		return;
	}
	if (a < 0.0005) {
		strbuf_addch(sb, '0'); /* not "0.000" or "-0.000" */
		return;
	}
	strbuf_addf(sb, "%.*f", dec, x);
}

void add_percent(struct strbuf *sb, double part, double whole)
{
	if (!isfinite(part) || !isfinite(whole) || whole <= 0) {
		strbuf_addstr(sb, "n/a");
		return;
	}
	strbuf_addf(sb, "%.1f&#8239;%%", 100 * part / whole);
}

void add_time(struct strbuf *sb, gs_time t)
{
	char buf[GS_TIME_BUFSZ];
	struct gs_tm tm;

	if (t == GS_TIME_NONE) {
		strbuf_addstr(sb, "n/a");
		return;
	}
	time_to_tm(t, &tm);
	strbuf_addf(sb, "<time datetime=\"%s\">%04d-%02d-%02d %02d:%02d",
		    time_format(t, buf), tm.year, tm.month, tm.day, tm.hour,
		    tm.min);
	if (tm.sec)
		strbuf_addf(sb, ":%02d", tm.sec);
	strbuf_addstr(sb, "</time>");
}

void num_cell(struct strbuf *sb, double v)
{
	strbuf_addstr(sb, "<td class=\"num\">");
	add_num(sb, v);
	strbuf_addstr(sb, "</td>");
}

void text_cell(struct strbuf *sb, const char *s)
{
	strbuf_addstr(sb, "<td>");
	add_esc(sb, s);
	strbuf_addstr(sb, "</td>");
}
