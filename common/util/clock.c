/* clock.c - the monotonic clock and a cancellable sleep. */
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
