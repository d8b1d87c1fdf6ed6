/* clock.h - the monotonic clock and a sleep that Ctrl-C interrupts. */
#ifndef ML7_CLOCK_H
#define ML7_CLOCK_H

/* Milliseconds of CLOCK_MONOTONIC: for deadlines and durations, never for dates. */
long ml7_now_ms(void);

/* Sleeps ms milliseconds in short slices, polling ml7_canceled().
 * 0, or ML7_ECANCELED as soon as Ctrl-C was pressed. */
int ml7_sleep_ms(long ms);

/* A Go duration ("1h30m", "500ms", "1.5s"; units ns, us, µs, ms, s, m, h) in
 * milliseconds.  0, or ML7_EINVAL for anything else (a bare number included). */
int ml7_parse_go_duration(const char *s, long *out_ms);

#endif
