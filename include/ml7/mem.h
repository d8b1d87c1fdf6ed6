/* mem.h - allocation wrappers with a failure hook for tests. */
#ifndef ML7_MEM_H
#define ML7_MEM_H

#include <stddef.h>

void *ml7_malloc(size_t n);
void *ml7_calloc(size_t count, size_t n);
void *ml7_realloc(void *p, size_t n);
char *ml7_strdup(const char *s);
char *ml7_strndup(const char *s, size_t n);
void ml7_free(void *p);

/* Overwrites n bytes with zeros in a way the compiler keeps (secrets). */
void ml7_wipe(void *p, size_t n);
/* Wipes a NUL-terminated string and frees it; NULL is a no-op. */
void ml7_free_secret(char *s);

/* Testing: the allocation n calls from now (0 = the next) fails; -1 turns
 * failures off.  Returns how many allocations have happened since the last call. */
long ml7_mem_fail_after(long n);

#endif
