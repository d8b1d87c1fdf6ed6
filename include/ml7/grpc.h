/* grpc.h - unary gRPC calls over HTTP/2 (nghttp2 1.52) on a byte stream the
 * caller provides (the probe's TLS connection; a test's in-memory peer).
 *
 * The transport is two blocking callbacks: the caller enforces deadlines in
 * them (the probe polls its socket against each phase's deadline).  Requests
 * carry :method POST, :scheme https, :path, :authority, content-type
 * application/grpc, te: trailers, grpc-timeout and the caller's metadata;
 * messages are length-prefixed (1 flag byte, 4-byte big-endian length).
 * Responses are read with their HTTP status, headers, trailers or a
 * Trailers-Only response, and grpc-message percent-decoded. */
#ifndef ML7_GRPC_H
#define ML7_GRPC_H

#include <stddef.h>
#include <stdint.h>

#include "ml7/buf.h"
#include "ml7/err.h"

struct ml7_grpc_io {
	void *ud;
	/* Writes up to n bytes; returns how many (> 0) or a negative ml7_code
	 * with err set (ML7_ETIMEDOUT, ML7_ENET, ...). */
	long (*send)(void *ud, const void *p, size_t n, struct ml7_err *err);
	/* Reads up to n bytes; returns how many (> 0), 0 at the end of the stream,
	 * or a negative ml7_code with err set. */
	long (*recv)(void *ud, void *p, size_t n, struct ml7_err *err);
};

/* gRPC status codes (grpc/grpc doc/statuscodes.md). */
enum ml7_grpc_code {
	ML7_GRPC_OK = 0,
	ML7_GRPC_CANCELLED = 1,
	ML7_GRPC_UNKNOWN = 2,
	ML7_GRPC_INVALID_ARGUMENT = 3,
	ML7_GRPC_DEADLINE_EXCEEDED = 4,
	ML7_GRPC_NOT_FOUND = 5,
	ML7_GRPC_PERMISSION_DENIED = 7,
	ML7_GRPC_UNIMPLEMENTED = 12,
	ML7_GRPC_INTERNAL = 13,
	ML7_GRPC_UNAVAILABLE = 14,
	ML7_GRPC_UNAUTHENTICATED = 16
};

/* One metadata entry (lower-case name). */
struct ml7_grpc_md {
	const char *name;
	const char *value;
};

/* What came back for one call. */
struct ml7_grpc_reply {
	int http_status;          /* :status, 0 when no response headers arrived */
	int grpc_status;          /* grpc-status, -1 when absent (a proxy's answer) */
	char *grpc_message;       /* percent-decoded, NULL when absent */
	char *content_type;       /* NULL when absent */
	int trailers_only;        /* grpc-status came in the response headers */
	int n_messages;           /* length-prefixed messages received */
	struct ml7_buf message;   /* the first message, without its prefix */
	uint32_t rst_code;        /* RST_STREAM / GOAWAY error code, 0 when none */
	int reset;                /* the stream was reset or refused before it ended */
};

struct ml7_grpc;

/* A client session on io with the given :authority; nothing is sent yet. */
int ml7_grpc_new(const struct ml7_grpc_io *io, const char *authority, struct ml7_grpc **out,
		 struct ml7_err *err);
void ml7_grpc_free(struct ml7_grpc *g);

/* Sends the connection preface and SETTINGS and reads until the server's
 * SETTINGS arrive (the "HTTP/2" phase).  ML7_EPROTO when the peer does not
 * speak HTTP/2. */
int ml7_grpc_handshake(struct ml7_grpc *g, struct ml7_err *err);

/* One unary call: path "/pkg.Service/Method", the request message (unframed),
 * metadata, and timeout_ms for grpc-timeout (0: none).  Returns 0 when a
 * response ended the stream, whatever its statuses (read them in *out, which
 * the caller frees with ml7_grpc_reply_free); a negative code when the
 * transport failed (err set; *out still holds what arrived). */
int ml7_grpc_unary(struct ml7_grpc *g, const char *path, const struct ml7_grpc_md *md,
		   size_t n_md, const void *req, size_t req_len, long timeout_ms,
		   struct ml7_grpc_reply *out, struct ml7_err *err);
void ml7_grpc_reply_free(struct ml7_grpc_reply *r);

/* The gRPC status for an HTTP status without grpc-status
 * (grpc/grpc doc/http-grpc-status-mapping.md). */
int ml7_grpc_status_for_http(int http_status);
/* "UNAUTHENTICATED", ... ("UNKNOWN" for codes out of range). */
const char *ml7_grpc_code_name(int code);
/* Decodes grpc-message's percent-encoding (invalid escapes are kept as they
 * are, as gRPC does).  A new string, or NULL when out of memory. */
char *ml7_grpc_percent_decode(const char *s, size_t n);
/* Appends one length-prefixed message. */
int ml7_grpc_frame(struct ml7_buf *out, const void *msg, size_t n);

#endif
