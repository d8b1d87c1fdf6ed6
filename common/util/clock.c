/* clock.c - the monotonic clock and a cancellable sleep. */
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
