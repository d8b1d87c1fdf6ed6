/* log.h - levelled logging through a caller's callback, with redaction.
 *
 * The library never prints: it hands finished, redacted lines to the sink a
 * front end installed.  Every line passes the redaction filter, whatever its
 * level, so a token, a password or a private key never reaches a log. */
#ifndef ML7_LOG_H
#define ML7_LOG_H

#include <stddef.h>

struct ml7_buf;

enum ml7_log_level {
	ML7_LOG_ERROR = 0,    /* errors and warnings */
	ML7_LOG_ACTION = 1,   /* what the tool does: "applying Ingress milvus/x" */
	ML7_LOG_HTTP = 2,     /* one line per request: verb, URL, status, time */
	ML7_LOG_WIRE = 3      /* headers and bodies */
};

typedef void (*ml7_log_fn)(void *userdata, int level, const char *line);

/* Installs the sink; lines with level > verbosity are dropped before they are
 * formatted.  fn NULL turns logging off. */
void ml7_log_set(ml7_log_fn fn, void *userdata, int verbosity);
int ml7_log_enabled(int level);
void ml7_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs n bytes of wire data (may hold CR/LF and binary) line by line, with a prefix. */
void ml7_log_data(int level, const char *prefix, const void *data, size_t n);

/* Appends s to out with every secret masked as "[REDACTED]": the value of an
 * Authorization or Proxy-Authorization header, the credential after Bearer or
 * Basic, AWS security tokens and secret keys, password/token/secret fields in
 * JSON, YAML or key=value form, and the body of any PEM private key. */
int ml7_redact(const char *s, size_t n, struct ml7_buf *out);

#endif
