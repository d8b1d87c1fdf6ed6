/* buf.c - growable buffer with a cap. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ml7/buf.h"
#include "ml7/err.h"
#include "ml7/mem.h"

void ml7_buf_init(struct ml7_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

static size_t buf_max(const struct ml7_buf *b)
{
	return b->max ? b->max : ML7_BUF_DEFAULT_MAX;
}

int ml7_buf_reserve(struct ml7_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > buf_max(b) || b->len > buf_max(b) - n)
		return ML7_ELIMIT;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	if (cap > buf_max(b) + 1)
		cap = buf_max(b) + 1;
	if (b->secret) {
		/* never leave a copy of a secret behind in freed memory */
		p = ml7_malloc(cap);
		if (!p)
			return ML7_ENOMEM;
		if (b->data) {
			memcpy(p, b->data, b->len + 1);
			ml7_wipe(b->data, b->cap);
			ml7_free(b->data);
		}
	} else {
		p = ml7_realloc(b->data, cap);
		if (!p)
			return ML7_ENOMEM;
	}
	if (!b->data)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int ml7_buf_append(struct ml7_buf *b, const void *p, size_t n)
{
	int rc = ml7_buf_reserve(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int ml7_buf_puts(struct ml7_buf *b, const char *s)
{
	return ml7_buf_append(b, s, strlen(s));
}

int ml7_buf_putc(struct ml7_buf *b, char c)
{
	return ml7_buf_append(b, &c, 1);
}

int ml7_buf_vprintf(struct ml7_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return ML7_EINVAL;
	rc = ml7_buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int ml7_buf_printf(struct ml7_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ml7_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void ml7_buf_consume(struct ml7_buf *b, size_t n)
{
	if (n >= b->len) {
		ml7_buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	if (b->secret)
		ml7_wipe(b->data + b->len, n);
	b->data[b->len] = '\0';
}

void ml7_buf_reset(struct ml7_buf *b)
{
	if (b->data && b->secret)
		ml7_wipe(b->data, b->len);
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void ml7_buf_free(struct ml7_buf *b)
{
	if (b->data && b->secret)
		ml7_wipe(b->data, b->cap);
	ml7_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *ml7_buf_detach(struct ml7_buf *b)
{
	char *p;

	if (!b->data && ml7_buf_reserve(b, 0))
		return NULL;
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int ml7_buf_read_file(struct ml7_buf *b, const char *path, struct ml7_err *err)
{
	size_t old = b->len, n;
	char chunk[8192];
	FILE *f;
	int rc = 0;

	f = fopen(path, "rb");
	if (!f)
		return ml7_err_set(err, errno == ENOENT ? ML7_ENOTFOUND : ML7_EIO, "cannot read '%s': %s",
				   path, strerror(errno));
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = ml7_buf_append(b, chunk, n);
		if (rc == ML7_ELIMIT)
			ml7_err_set(err, rc, "cannot read '%s': larger than %zu bytes", path, buf_max(b));
		else if (rc)
			ml7_err_set(err, rc, "cannot read '%s': out of memory", path);
	}
	if (rc == 0 && ferror(f))
		rc = ml7_err_set(err, ML7_EIO, "cannot read '%s': %s", path, strerror(errno ? errno : EIO));
	if (rc == 0 && !b->data)
		rc = ml7_buf_reserve(b, 0) ? ml7_err_set(err, ML7_ENOMEM, "out of memory") : 0;
	if (b->secret)
		ml7_wipe(chunk, sizeof(chunk));
	fclose(f);
	if (rc && b->data) {
		if (b->secret)
			ml7_wipe(b->data + old, b->len - old);
		b->len = old;
		b->data[old] = '\0';
	}
	return rc;
}
