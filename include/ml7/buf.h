/* buf.h - a growable byte buffer with a size cap. */
#ifndef ML7_BUF_H
#define ML7_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define ML7_BUF_DEFAULT_MAX (64u * 1024u * 1024u)

/* data is NUL-terminated whenever it is not NULL (the NUL is not in len). */
struct ml7_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;     /* the most len may reach; 0 means ML7_BUF_DEFAULT_MAX */
	int secret;     /* wipe old storage on growth and on free */
};

#define ML7_BUF_INIT {NULL, 0, 0, 0, 0}

void ml7_buf_init(struct ml7_buf *b, size_t max);
/* 0, ML7_ENOMEM, or ML7_ELIMIT when len would pass max (b unchanged on failure). */
int ml7_buf_append(struct ml7_buf *b, const void *p, size_t n);
int ml7_buf_puts(struct ml7_buf *b, const char *s);
int ml7_buf_putc(struct ml7_buf *b, char c);
int ml7_buf_printf(struct ml7_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ml7_buf_vprintf(struct ml7_buf *b, const char *fmt, va_list ap);
/* Makes room for n more bytes without changing len. */
int ml7_buf_reserve(struct ml7_buf *b, size_t n);
/* Drops the first n bytes. */
void ml7_buf_consume(struct ml7_buf *b, size_t n);
void ml7_buf_reset(struct ml7_buf *b);
/* Frees the storage (wiping it first when b->secret); the buffer is reusable. */
void ml7_buf_free(struct ml7_buf *b);
/* Hands the storage to the caller (never NULL on success: "" for empty). */
char *ml7_buf_detach(struct ml7_buf *b);

struct ml7_err;
/* Appends the whole file at path to b, within b->max (set b->secret first for
 * a key or a credentials file: no copy is left behind).  0, ML7_ENOTFOUND
 * (no such file), ML7_ELIMIT (larger than b->max), ML7_ENOMEM or ML7_EIO,
 * with "cannot read 'path': ..." in err; b keeps its old content on failure. */
int ml7_buf_read_file(struct ml7_buf *b, const char *path, struct ml7_err *err);

#endif
