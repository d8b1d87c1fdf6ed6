/* strlist.h - an owned list of strings. */
#ifndef ML7_STRLIST_H
#define ML7_STRLIST_H

#include <stddef.h>

struct ml7_strlist {
	char **items;   /* items[n] is NULL when items is not NULL */
	size_t n;
	size_t cap;
};

#define ML7_STRLIST_INIT {NULL, 0, 0}

/* Copies s.  0 or ML7_ENOMEM (list unchanged). */
int ml7_strlist_push(struct ml7_strlist *l, const char *s);
int ml7_strlist_pushn(struct ml7_strlist *l, const char *s, size_t n);
/* Takes ownership of s (freed on failure too). */
int ml7_strlist_push_owned(struct ml7_strlist *l, char *s);
/* Splits s on sep, skipping empty parts when skip_empty. */
int ml7_strlist_split(struct ml7_strlist *l, const char *s, char sep, int skip_empty);
int ml7_strlist_copy(struct ml7_strlist *dst, const struct ml7_strlist *src);
/* Index of s, or -1. */
long ml7_strlist_find(const struct ml7_strlist *l, const char *s);
void ml7_strlist_free(struct ml7_strlist *l);

#endif
