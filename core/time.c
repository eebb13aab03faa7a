/*
 * time.c - UTC times and ISO 8601 durations without the C library's
 * time-zone machinery: greenslot works in UTC and reads explicit offsets,
 * so the civil-date arithmetic (Howard Hinnant's days_from_civil) is all it
 * needs, and it stays reentrant and independent of $TZ.
 */
#include "core/core.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>

static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

gs_time time_from_civil(int year, int month, int day, int hour, int min,
			int sec)
{
	return days_from_civil(year, month, day) * 86400 + hour * 3600 +
	       min * 60 + sec;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void time_to_tm(gs_time t, struct gs_tm *tm)
{
	int64_t days = floor_div(t, 86400);
	int64_t secs = t - days * 86400;

	civil_from_days(days, &tm->year, &tm->month, &tm->day);
	tm->hour = (int)(secs / 3600);
	tm->min = (int)(secs / 60 % 60);
	tm->sec = (int)(secs % 60);
	tm->wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	tm->yday = (int)(days - days_from_civil(tm->year, 1, 1));
}

/* Reads exactly n digits. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

int time_parse(const char *s, gs_time *out)
{
	const char *p = s;
	int y, mo, d, h, mi, se = 0, oh = 0, om = 0, sign = 1;
	gs_time t;

	if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) ||
	    expect(&p, '-') || digits(&p, 2, &d))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &se))
			return -1;
		if (*p == '.' || *p == ',') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -1;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om))
			return -1;
	} else {
		return -1; /* no offset: the time would be ambiguous */
	}
	if (*p)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 24 || mi > 59 || se > 60 || oh > 23 || om > 59)
		return -1;
	if (h == 24 && (mi || se))
		return -1;
	if (se == 60) /* a leap second is the same instant as :59 + 1 */
		se = 59;
	t = time_from_civil(y, mo, d, h, mi, se) - sign * (oh * 3600 + om * 60);
	/* an offset or 24:00 can move the instant out of years 0000-9999,
	   where time_format would write a text that does not parse back */
	if (t < time_from_civil(0, 1, 1, 0, 0, 0) ||
	    t > time_from_civil(9999, 12, 31, 23, 59, 59))
		return -1;
	*out = t;
	return 0;
}

char *time_format(gs_time t, char *buf)
{
	struct gs_tm tm;
	time_to_tm(t, &tm);
	snprintf(buf, GS_TIME_BUFSZ, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		 tm.year, tm.month, tm.day, tm.hour, tm.min, tm.sec);
	return buf;
}

int time_strftime(gs_time t, const char *fmt, struct strbuf *out)
{
	struct gs_tm tm;

	time_to_tm(t, &tm);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			strbuf_addch(out, *p);
			continue;
		}
		switch (*++p) {
		case 'Y': strbuf_addf(out, "%04d", tm.year); break;
		case 'm': strbuf_addf(out, "%02d", tm.month); break;
		case 'd': strbuf_addf(out, "%02d", tm.day); break;
		case 'H': strbuf_addf(out, "%02d", tm.hour); break;
		case 'M': strbuf_addf(out, "%02d", tm.min); break;
		case 'S': strbuf_addf(out, "%02d", tm.sec); break;
		case 'j': strbuf_addf(out, "%03d", tm.yday + 1); break;
		case 's': strbuf_addf(out, "%lld", (long long)t); break;
		case '%': strbuf_addch(out, '%'); break;
		default:
			return -1;
		}
	}
	return 0;
}

gs_time time_now(void)
{
	return (gs_time)time(NULL);
}

double time_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

gs_time time_floor(gs_time t, int64_t step)
{
	return floor_div(t, step) * step;
}

gs_time time_ceil(gs_time t, int64_t step)
{
	gs_time f = time_floor(t, step);
	return f == t ? t : f + step;
}

/* One "<number><designator>" field of a duration; fractions allowed. */
static int duration_field(const char **p, double *value, char *designator)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	*value = strtod(*p, &end);
	if (errno || end == *p || !isfinite(*value) || *value > 1e12)
		return -1;
	for (const char *q = *p; q < end; q++)
		if (!isdigit((unsigned char)*q) && *q != '.')
			return -1; /* no exponents or signs */
	*designator = *end;
	*p = end + 1;
	return 0;
}

int duration_parse(const char *s, int64_t *seconds)
{
	static const char date_units[] = "WD", time_units[] = "HMS";
	static const double date_secs[] = {604800, 86400};
	static const double time_secs[] = {3600, 60, 1};
	const char *p = s;
	double total = 0, v;
	char unit;
	int last = -1, fields = 0;
	bool frac = false;

	if (*p++ != 'P')
		return -1;
	while (*p && *p != 'T') {
		const char *u;
		if (frac || duration_field(&p, &v, &unit) ||
		    !(u = strchr(date_units, unit)) || !unit ||
		    (int)(u - date_units) <= last)
			return -1;
		last = (int)(u - date_units);
		frac = v != floor(v);
		total += v * date_secs[last];
		fields++;
	}
	if (*p == 'T') {
		p++;
		last = -1;
		if (!*p)
			return -1;
		while (*p) {
			const char *u;
			if (frac || duration_field(&p, &v, &unit) ||
			    !(u = strchr(time_units, unit)) || !unit ||
			    (int)(u - time_units) <= last)
				return -1;
			last = (int)(u - time_units);
			frac = v != floor(v);
			total += v * time_secs[last];
			fields++;
		}
	}
	/* the fields' bound, so that what duration_format() writes reads back */
	if (!fields || total > 1e12)
		return -1;
	*seconds = (int64_t)llround(total);
	return 0;
}

char *duration_format(int64_t seconds, char *buf, size_t bufsz)
{
	struct strbuf sb;
	int64_t d = seconds / 86400, h = seconds / 3600 % 24,
		m = seconds / 60 % 60, s = seconds % 60;

	strbuf_init(&sb);
	strbuf_addch(&sb, 'P');
	if (d)
		strbuf_addf(&sb, "%lldD", (long long)d);
	if (h || m || s || !d) {
		strbuf_addch(&sb, 'T');
		if (h)
			strbuf_addf(&sb, "%lldH", (long long)h);
		if (m)
			strbuf_addf(&sb, "%lldM", (long long)m);
		if (s || (!h && !m))
			strbuf_addf(&sb, "%lldS", (long long)s);
	}
	snprintf(buf, bufsz, "%s", sb.buf);
	strbuf_release(&sb);
	return buf;
}
