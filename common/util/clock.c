/* clock.c - the monotonic clock, a cancellable sleep, durations and dates. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ml7/cancel.h"
#include "ml7/clock.h"
#include "ml7/err.h"

long ml7_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ml7_sleep_ms(long ms)
{
	long end = ml7_now_ms() + ms;

	for (;;) {
		long left = end - ml7_now_ms();
		struct timespec ts;

		if (ml7_canceled())
			return ML7_ECANCELED;
		if (left <= 0)
			return 0;
		if (left > 50)
			left = 50;
		ts.tv_sec = 0;
		ts.tv_nsec = left * 1000000;
		nanosleep(&ts, NULL);
	}
}

int ml7_parse_go_duration(const char *s, long *out_ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3}, {"ms", 1}, {"s", 1000},
		     {"m", 60000}, {"h", 3600000}};
	const char *p = s;
	double total = 0;

	if (!s || !*s)
		return ML7_EINVAL;
	if (strcmp(s, "0") == 0) {
		*out_ms = 0;
		return 0;
	}
	while (*p) {
		size_t best = 0;
		double v, mult = 0;
		char *end;

		if (!isdigit((unsigned char)*p) && *p != '.')
			return ML7_EINVAL;
		errno = 0;
		v = strtod(p, &end);
		if (end == p || errno)
			return ML7_EINVAL;
		p = end;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);

			if (strncmp(p, units[i].unit, l) == 0 && l > best) {
				best = l;
				mult = units[i].ms;
			}
		}
		if (!best)
			return ML7_EINVAL;
		p += best;
		total += v * mult;
	}
	if (total > 9.2e18)
		return ML7_EINVAL;
	*out_ms = (long)total;
	return 0;
}

/* n decimal digits at s (no sign, no space), or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

time_t ml7_parse_rfc3339(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec;
	long off = 0;
	const char *p;

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && digits(p + 1, 2) >= 0 && p[3] == ':' && digits(p + 4, 2) >= 0) {
		off = digits(p + 1, 2) * 3600L + digits(p + 4, 2) * 60L;
		if (*p == '-')
			off = -off;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return timegm(&tm) - off;
}
