/*
 * history.h - what the run-history readers (history*.c) share; not part
 * of forecast's API (forecast.h has history_read()).
 *
 * A reader walks the text line by line in place (hist_next_line()
 * NUL-terminates each line), fills hr->rs and stops at the first bad
 * field with hist_fail(), which puts "FILE:LINE:COL: " in front.
 */
#ifndef GREENSLOT_FORECAST_HISTORY_H
#define GREENSLOT_FORECAST_HISTORY_H

#include "forecast/forecast.h"

struct hist_reader {
	const char *file;
	struct run_set *rs;
	struct errmsg *err;
	int line;  /* 1-based number of the line last returned */
	char *pos; /* the rest of the text */
};

/* One field of a split line: the text (NUL-terminated) and its column. */
struct hist_field {
	char *s;
	int col;
};

struct hist_fields {
	struct hist_field *v;
	size_t n, alloc;
};

int hist_parse(struct hist_reader *hr, enum hist_format fmt, char *text);
int hist_parse_swf(struct hist_reader *hr);
int hist_parse_sacct(struct hist_reader *hr);
int hist_parse_csv(struct hist_reader *hr, bool executor);
int hist_parse_jsonl(struct hist_reader *hr);

/* The next line (without "\r\n"), or NULL at the end. */
char *hist_next_line(struct hist_reader *hr);
/*
 * Splits line at delim in place.  With quotes, "..." fields may hold the
 * delimiter and "" for a quote (CSV); a bad quote fails.
 */
int hist_split(struct hist_reader *hr, char *line, char delim, bool quotes,
	       struct hist_fields *f);
int hist_fail(struct hist_reader *hr, int col, const char *fmt, ...)
	GS_PRINTF(3, 4);
/* A finite number filling the whole field. */
int hist_number(struct hist_reader *hr, const struct hist_field *f,
		double *out);
/* RFC 3339, or a number of seconds since the epoch. */
int hist_time(struct hist_reader *hr, const struct hist_field *f,
	      gs_time *out);
/* {"NAME": count} as compact JSON. */
char *hist_resources_json(const char *name, double count);
/* Fills runtime, start and end from each other where one is missing. */
int hist_finish_times(struct hist_reader *hr, struct job_run *r, int col);

#endif
