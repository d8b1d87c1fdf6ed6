/* mem.c - allocation wrappers; one place to inject failures in tests. */
#include <stdlib.h>
#include <string.h>

#include "ml7/mem.h"

static long fail_at = -1;   /* allocations left before one fails; -1: never */
static long counted;

static int should_fail(void)
{
	counted++;
	if (fail_at < 0)
		return 0;
	if (fail_at == 0) {
		fail_at = -1;
		return 1;
	}
	fail_at--;
	return 0;
}

long ml7_mem_fail_after(long n)
{
	long c = counted;

	counted = 0;
	fail_at = n;
	return c;
}

void *ml7_malloc(size_t n)
{
	return should_fail() ? NULL : malloc(n ? n : 1);
}

void *ml7_calloc(size_t count, size_t n)
{
	return should_fail() ? NULL : calloc(count ? count : 1, n ? n : 1);
}

void *ml7_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : realloc(p, n ? n : 1);
}

char *ml7_strndup(const char *s, size_t n)
{
	char *d;

	if (!s)
		return NULL;
	d = ml7_malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *ml7_strdup(const char *s)
{
	return s ? ml7_strndup(s, strlen(s)) : NULL;
}

void ml7_free(void *p)
{
	free(p);
}

void ml7_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (p && n--)
		*v++ = 0;
}

void ml7_free_secret(char *s)
{
	if (!s)
		return;
	ml7_wipe(s, strlen(s));
	free(s);
}
