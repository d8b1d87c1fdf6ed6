/* pb.h - a small hand-written protobuf codec for the Milvus messages that
 * verify sends and reads (milvus.proto / common.proto of milvus-proto 2.4 and
 * master, which agree on these):
 *
 *   GetVersionRequest {}              GetVersionResponse {status 1, version 2}
 *   ConnectRequest {client_info 2}    ConnectResponse {status 1, server_info 2, identifier 3}
 *   CheckHealthRequest {}             CheckHealthResponse {status 1, isHealthy 2, reasons 3,
 *                                                          quota_states 4 (packed or not)}
 *
 * Decoders accept what Go servers send (default values omitted) and what
 * protobufjs servers send (default values written out), skip fields they do
 * not know, and reject truncated or malformed input with ML7_EPROTO.  Decoded
 * strings are owned by the result and freed with its _free function. */
#ifndef ML7_PB_H
#define ML7_PB_H

#include <stddef.h>
#include <stdint.h>

#include "ml7/buf.h"
#include "ml7/err.h"
#include "ml7/strlist.h"

/* ---- wire level --------------------------------------------------------- */

enum ml7_pb_wire {
	ML7_PB_VARINT = 0,
	ML7_PB_I64 = 1,
	ML7_PB_LEN = 2,
	ML7_PB_I32 = 5
};

/* Appenders; each returns 0, ML7_ENOMEM or ML7_ELIMIT. */
int ml7_pb_put_varint(struct ml7_buf *b, uint64_t v);
int ml7_pb_put_tag(struct ml7_buf *b, uint32_t field, enum ml7_pb_wire wire);
/* A varint field, written even when v is 0. */
int ml7_pb_put_uint(struct ml7_buf *b, uint32_t field, uint64_t v);
/* A length-delimited field, written even when n is 0. */
int ml7_pb_put_bytes(struct ml7_buf *b, uint32_t field, const void *p, size_t n);
/* A string field; NULL or "" is the proto3 default and is not written. */
int ml7_pb_put_string(struct ml7_buf *b, uint32_t field, const char *s);

/* One field read from a message. */
struct ml7_pb_field {
	uint32_t num;
	enum ml7_pb_wire wire;
	uint64_t u;                  /* VARINT, I64 and I32 values */
	const unsigned char *data;   /* LEN: the bytes (borrowed from the input) */
	size_t len;
};

struct ml7_pb_reader {
	const unsigned char *p;
	const unsigned char *end;
};

void ml7_pb_reader_init(struct ml7_pb_reader *r, const void *p, size_t n);
/* 1 with *f filled, 0 at the end of the input, ML7_EPROTO when the input is
 * malformed (truncated, a bad varint, field number 0, groups). */
int ml7_pb_next(struct ml7_pb_reader *r, struct ml7_pb_field *f);
/* Reads a varint at *p (advanced past it).  0 or ML7_EPROTO. */
int ml7_pb_read_varint(const unsigned char **p, const unsigned char *end, uint64_t *out);

/* ---- Milvus messages ---------------------------------------------------- */

/* common.Status.  Success is code 0 and error_code 0 (old servers fill only
 * the deprecated error_code). */
struct ml7_pb_status {
	int32_t error_code;          /* common.ErrorCode, deprecated; 0 Success */
	int32_t code;                /* merr code: 800 database not found, 1400, 1401, ... */
	char *reason;                /* NULL when absent */
	int retriable;
	char *detail;
};

/* common.ClientInfo; NULL or "" fields are left out. */
struct ml7_pb_client_info {
	const char *sdk_type;
	const char *sdk_version;
	const char *local_time;
	const char *user;
	const char *host;
};

/* common.ServerInfo; strings NULL when absent; reserved as "key=value". */
struct ml7_pb_server_info {
	char *build_tags;
	char *build_time;
	char *git_commit;
	char *go_version;
	char *deploy_mode;
	struct ml7_strlist reserved;
};

struct ml7_pb_version {
	struct ml7_pb_status status;
	char *version;               /* NULL when absent */
};

struct ml7_pb_connect {
	struct ml7_pb_status status;
	int has_server_info;
	struct ml7_pb_server_info server_info;
	int64_t identifier;
};

struct ml7_pb_health {
	struct ml7_pb_status status;
	int healthy;
	struct ml7_strlist reasons;
	int32_t *quota_states;       /* milvus.QuotaState values */
	size_t n_quota_states;
};

/* 1 when the status means success. */
int ml7_pb_status_ok(const struct ml7_pb_status *s);
/* "DenyToWrite", ... or NULL for a value this codec does not know. */
const char *ml7_pb_quota_state_name(int32_t v);

/* Appends a ConnectRequest {client_info} (no MsgBase, as the SDKs send it). */
int ml7_pb_encode_connect(struct ml7_buf *out, const struct ml7_pb_client_info *ci);

/* Decoders: *out is set only on success (then owned by the caller). */
int ml7_pb_decode_status(const void *p, size_t n, struct ml7_pb_status *out, struct ml7_err *err);
int ml7_pb_decode_server_info(const void *p, size_t n, struct ml7_pb_server_info *out,
			      struct ml7_err *err);
int ml7_pb_decode_version(const void *p, size_t n, struct ml7_pb_version *out,
			  struct ml7_err *err);
int ml7_pb_decode_connect(const void *p, size_t n, struct ml7_pb_connect *out,
			  struct ml7_err *err);
int ml7_pb_decode_health(const void *p, size_t n, struct ml7_pb_health *out, struct ml7_err *err);

/* Free what a decoder filled (the struct itself is the caller's); safe on a
 * zeroed struct and twice. */
void ml7_pb_status_free(struct ml7_pb_status *s);
void ml7_pb_server_info_free(struct ml7_pb_server_info *s);
void ml7_pb_version_free(struct ml7_pb_version *v);
void ml7_pb_connect_free(struct ml7_pb_connect *c);
void ml7_pb_health_free(struct ml7_pb_health *h);

#endif
