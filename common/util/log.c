/* log.c - the log sink and the redaction filter every line passes. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ml7/buf.h"
#include "ml7/log.h"
#include "ml7/mem.h"

#define MASK "[REDACTED]"

static ml7_log_fn sink;
static void *sink_data;
static int sink_verbosity = -1;

void ml7_log_set(ml7_log_fn fn, void *userdata, int verbosity)
{
	sink = fn;
	sink_data = userdata;
	sink_verbosity = fn ? verbosity : -1;
}

int ml7_log_enabled(int level)
{
	return sink && level <= sink_verbosity;
}

static void emit(int level, const char *s, size_t n)
{
	struct ml7_buf out;

	ml7_buf_init(&out, 0);
	out.secret = 1;     /* it held the unredacted text's neighbours */
	if (ml7_redact(s, n, &out) == 0)
		sink(sink_data, level, out.data ? out.data : "");
	ml7_buf_free(&out);
}

void ml7_log(int level, const char *fmt, ...)
{
	struct ml7_buf raw;
	va_list ap;
	int rc;

	if (!ml7_log_enabled(level))
		return;
	ml7_buf_init(&raw, 0);
	raw.secret = 1;
	va_start(ap, fmt);
	rc = ml7_buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	if (rc == 0)
		emit(level, raw.data, raw.len);
	ml7_buf_free(&raw);
}

void ml7_log_data(int level, const char *prefix, const void *data, size_t n)
{
	const unsigned char *p = data, *end = p + n;
	struct ml7_buf line;

	if (!ml7_log_enabled(level))
		return;
	ml7_buf_init(&line, 0);
	line.secret = 1;
	/* redact the whole block first so a PEM key split over lines is caught */
	if (ml7_redact((const char *)p, n, &line) != 0) {
		ml7_buf_free(&line);
		return;
	}
	p = (const unsigned char *)line.data;
	end = p + line.len;
	while (p < end) {
		const unsigned char *e = memchr(p, '\n', (size_t)(end - p));
		size_t len = e ? (size_t)(e - p) : (size_t)(end - p);
		char out[512];
		size_t o = (size_t)snprintf(out, sizeof(out), "%s", prefix ? prefix : "");

		if (len && p[len - 1] == '\r')
			len--;
		for (size_t i = 0; i < len && o + 5 < sizeof(out); i++) {
			unsigned char c = p[i];

			if (c >= 0x20 && c < 0x7f)
				out[o++] = (char)c;
			else
				o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
		}
		out[o] = '\0';
		sink(sink_data, level, out);
		p = e ? e + 1 : end;
	}
	ml7_buf_free(&line);
}

/* ---- redaction ---------------------------------------------------------- */

static int is_ident(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* Key names whose value is a secret, compared with '-' and '_' removed and
 * case folded, as a suffix: "client-key-data", "X-Amz-Security-Token",
 * "aws_secret_access_key", "PrivateKey", "MILVUS_PASSWORD". */
static const char *const secret_suffixes[] = {
	"password", "passwd", "token", "secret", "secretaccesskey", "privatekey",
	"authorization", "keydata", "apikey", NULL
};

static int secret_key(const char *k, size_t n)
{
	char norm[64];
	size_t m = 0;

	for (size_t i = 0; i < n && m + 1 < sizeof(norm); i++)
		if (k[i] != '-' && k[i] != '_')
			norm[m++] = (char)tolower((unsigned char)k[i]);
	norm[m] = '\0';
	for (int i = 0; secret_suffixes[i]; i++) {
		size_t l = strlen(secret_suffixes[i]);

		if (m >= l && memcmp(norm + m - l, secret_suffixes[i], l) == 0)
			return 1 + (strcmp(secret_suffixes[i], "authorization") == 0);
	}
	return 0;
}

static size_t skip_spaces(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* Length of an auth scheme word ("Bearer ", "Basic ") at s, 0 if none. */
static size_t scheme_len(const char *s, size_t n)
{
	static const char *const schemes[] = {"bearer ", "basic ", NULL};

	for (int i = 0; schemes[i]; i++) {
		size_t l = strlen(schemes[i]);

		if (n >= l && strncasecmp(s, schemes[i], l) == 0)
			return l;
	}
	return 0;
}

/* End of a plain value starting at i. */
static size_t value_end(const char *s, size_t i, size_t n, int to_eol)
{
	if (i < n && (s[i] == '"' || s[i] == '\'')) {
		char q = s[i++];

		while (i < n && s[i] != q) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			i++;
		}
		return i;   /* the closing quote stays */
	}
	while (i < n && s[i] != '\n' && s[i] != '\r') {
		if (!to_eol && strchr(" \t,;&}]\"'", s[i]))
			break;
		i++;
	}
	return i;
}

static int pem_key_at(const char *s, size_t i, size_t n, size_t *end)
{
	static const char begin[] = "-----BEGIN ";
	const char *eol, *hit, *stop;

	if (n - i < sizeof(begin) - 1 || memcmp(s + i, begin, sizeof(begin) - 1) != 0)
		return 0;
	eol = memchr(s + i, '\n', n - i);
	stop = eol ? eol : s + n;
	hit = NULL;
	for (const char *p = s + i; p + 11 <= stop; p++)
		if (memcmp(p, "PRIVATE KEY", 11) == 0) {
			hit = p;
			break;
		}
	if (!hit)
		return 0;
	/* through the matching END line, or to the end of the text */
	for (const char *p = stop; p + 9 <= s + n; p++)
		if (memcmp(p, "-----END ", 9) == 0) {
			const char *q = p + 9;

			while (q + 5 <= s + n && memcmp(q, "-----", 5) != 0)
				q++;
			*end = (size_t)((q + 5 <= s + n ? q + 5 : s + n) - s);
			return 1;
		}
	*end = n;
	return 1;
}

int ml7_redact(const char *s, size_t n, struct ml7_buf *out)
{
	size_t i = 0;
	int rc = 0;

	while (i < n && rc == 0) {
		size_t end, sl;

		if (s[i] == '-' && pem_key_at(s, i, n, &end)) {
			rc = ml7_buf_puts(out, "-----BEGIN PRIVATE KEY-----" MASK "-----END PRIVATE KEY-----");
			i = end;
			continue;
		}
		if ((i == 0 || !is_ident((unsigned char)s[i - 1])) && (sl = scheme_len(s + i, n - i))) {
			size_t v = skip_spaces(s, i + sl, n);

			rc = ml7_buf_append(out, s + i, v - i);
			if (rc == 0 && v < n && s[v] != '\n') {
				rc = ml7_buf_puts(out, MASK);
				i = value_end(s, v, n, 0);
			} else {
				i = v;
			}
			continue;
		}
		if (is_ident((unsigned char)s[i]) && (i == 0 || !is_ident((unsigned char)s[i - 1]))) {
			size_t k = i, j, v;
			int kind;

			while (k < n && is_ident((unsigned char)s[k]))
				k++;
			kind = secret_key(s + i, k - i);
			j = k;
			if (j < n && (s[j] == '"' || s[j] == '\''))
				j++;
			j = skip_spaces(s, j, n);
			if (kind && j < n && (s[j] == ':' || s[j] == '=')) {
				v = skip_spaces(s, j + 1, n);
				if (v < n && s[v] != '\n' && s[v] != '\r' && s[v] != ',' && s[v] != '}') {
					int quoted = s[v] == '"' || s[v] == '\'';

					if (kind == 2 && !quoted)
						v += scheme_len(s + v, n - v);
					rc = ml7_buf_append(out, s + i, v - i + (size_t)quoted);
					if (rc == 0)
						rc = ml7_buf_puts(out, MASK);
					i = value_end(s, v, n, kind == 2 && s[j] == ':');
					continue;
				}
			}
			rc = ml7_buf_append(out, s + i, k - i);
			i = k;
			continue;
		}
		rc = ml7_buf_putc(out, s[i]);
		i++;
	}
	return rc;
}
