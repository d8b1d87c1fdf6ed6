/* clock.h - the monotonic clock, a sleep that Ctrl-C interrupts, and the two
 * time formats the APIs speak (Go durations, RFC 3339 dates). */
#ifndef ML7_CLOCK_H
#define ML7_CLOCK_H

#include <time.h>

/* Milliseconds of CLOCK_MONOTONIC: for deadlines and durations, never for dates. */
long ml7_now_ms(void);

/* Sleeps ms milliseconds in short slices, polling ml7_canceled().
 * 0, or ML7_ECANCELED as soon as Ctrl-C was pressed. */
int ml7_sleep_ms(long ms);

/* A Go duration ("1h30m", "500ms", "1.5s"; units ns, us, µs, ms, s, m, h) in
 * milliseconds.  0, or ML7_EINVAL for anything else (a bare number included). */
int ml7_parse_go_duration(const char *s, long *out_ms);

/* An RFC 3339 date-time as Kubernetes, the AWS CLI and credential helpers write it:
 * "2026-01-02T03:04:05Z", fractions and a +hh:mm/-hh:mm offset allowed, the zone
 * required.  Seconds since the epoch, or -1 when s is NULL or malformed. */
time_t ml7_parse_rfc3339(const char *s);

#endif
