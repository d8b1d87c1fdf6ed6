/* strlist.c - owned string list. */
#include <string.h>

#include "ml7/err.h"
#include "ml7/mem.h"
#include "ml7/strlist.h"

int ml7_strlist_push_owned(struct ml7_strlist *l, char *s)
{
	if (!s)
		return ML7_ENOMEM;
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **p = ml7_realloc(l->items, cap * sizeof(*p));

		if (!p) {
			ml7_free(s);
			return ML7_ENOMEM;
		}
		l->items = p;
		l->cap = cap;
	}
	l->items[l->n++] = s;
	l->items[l->n] = NULL;
	return 0;
}

int ml7_strlist_pushn(struct ml7_strlist *l, const char *s, size_t n)
{
	return ml7_strlist_push_owned(l, ml7_strndup(s, n));
}

int ml7_strlist_push(struct ml7_strlist *l, const char *s)
{
	return ml7_strlist_pushn(l, s, strlen(s));
}

int ml7_strlist_split(struct ml7_strlist *l, const char *s, char sep, int skip_empty)
{
	const char *p = s;

	for (;;) {
		const char *e = strchr(p, sep);
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n || !skip_empty) {
			int rc = ml7_strlist_pushn(l, p, n);

			if (rc)
				return rc;
		}
		if (!e)
			return 0;
		p = e + 1;
	}
}

int ml7_strlist_copy(struct ml7_strlist *dst, const struct ml7_strlist *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int rc = ml7_strlist_push(dst, src->items[i]);

		if (rc)
			return rc;
	}
	return 0;
}

long ml7_strlist_find(const struct ml7_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return (long)i;
	return -1;
}

void ml7_strlist_free(struct ml7_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		ml7_free(l->items[i]);
	ml7_free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}
