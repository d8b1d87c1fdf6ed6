/* probe.h - prove that Milvus answers gRPC through the Layer-7 balancer.
 *
 * One probe: DNS (getaddrinfo, every address tried in turn), TCP with a
 * timeout, TLS through OpenSSL (ALPN h2 required, SNI and the certificate
 * name check against the server name, CA from a file, PEM data or the system
 * store, an optional client certificate), HTTP/2, then the Milvus RPCs
 * GetVersion (routing and TLS), Connect (auth and database) and, when asked,
 * CheckHealth, with :authority = the server name.  A failure is classified
 * (enum ml7_probe_diag) with a hint for the user, instead of a raw error. */
#ifndef ML7_PROBE_H
#define ML7_PROBE_H

#include <stdint.h>

#include "ml7/err.h"
#include "ml7/pb.h"
#include "ml7/strlist.h"

struct ml7_probe_opts {
	const char *address;       /* HOST, HOST:PORT, [V6]:PORT or V6 */
	int port;                  /* 0: from address, else 443 */
	const char *server_name;   /* SNI, name check and :authority; NULL: the host of address */
	const char *connect_to;    /* "HOST:PORT" dialled instead; the names stay the same */
	const char *ca_file;       /* PEM; neither: the system store */
	const char *ca_data;       /* PEM in memory */
	const char *cert_file;     /* client certificate (mutual TLS) and its key */
	const char *key_file;
	int insecure;              /* skip certificate checks (the caller says so loudly) */
	const char *user;          /* with password: authorization = base64(user:password) */
	const char *password;
	const char *token;         /* authorization = base64(token) */
	const char *db;            /* dbname metadata; NULL: the server's default */
	int health;                /* also call CheckHealth */
	long timeout_ms;           /* per phase; 0: 10 s */
};

enum ml7_probe_phase {
	ML7_PROBE_DNS,
	ML7_PROBE_TCP,
	ML7_PROBE_TLS,
	ML7_PROBE_HTTP2,
	ML7_PROBE_GETVERSION,
	ML7_PROBE_CONNECT,
	ML7_PROBE_CHECKHEALTH,
	ML7_PROBE_NPHASES
};

enum ml7_probe_diag {
	ML7_DIAG_OK = 0,
	ML7_DIAG_NXDOMAIN,         /* the name does not resolve (yet) */
	ML7_DIAG_DNS,              /* another resolver failure */
	ML7_DIAG_REFUSED,          /* connection refused on every address */
	ML7_DIAG_UNREACHABLE,      /* no route, network down */
	ML7_DIAG_TIMEOUT,          /* a phase passed its deadline (result.phase says which) */
	ML7_DIAG_RESET,            /* the peer dropped the connection */
	ML7_DIAG_TLS_NAME,         /* the server name is not in the certificate's SANs */
	ML7_DIAG_TLS_UNKNOWN_CA,   /* the chain does not lead to a trusted CA */
	ML7_DIAG_TLS_EXPIRED,      /* expired or not yet valid */
	ML7_DIAG_TLS,              /* another handshake failure */
	ML7_DIAG_NO_H2,            /* ALPN did not select h2 */
	ML7_DIAG_HTTP2,            /* HTTP/2 broken */
	ML7_DIAG_HOST_RULE,        /* HTTP 404 from the balancer: no host rule matched */
	ML7_DIAG_PROTOCOL_464,     /* the target group protocol version is not GRPC */
	ML7_DIAG_BAD_GATEWAY,      /* 502: targets unhealthy or unreachable */
	ML7_DIAG_NO_TARGETS,       /* 503: no registered targets */
	ML7_DIAG_GATEWAY_TIMEOUT,  /* 504: targets too slow */
	ML7_DIAG_HTTP,             /* another HTTP status without grpc-status */
	ML7_DIAG_NOT_GRPC,         /* HTTP 200 that is not gRPC */
	ML7_DIAG_UNAUTHENTICATED,  /* gRPC 16 */
	ML7_DIAG_GRPC,             /* another gRPC status */
	ML7_DIAG_DB_NOT_FOUND,     /* Milvus code 800 */
	ML7_DIAG_NOT_AUTHENTICATED,/* Milvus code 1400 */
	ML7_DIAG_PERMISSION,       /* Milvus code 1401 */
	ML7_DIAG_MILVUS,           /* another Milvus Status code */
	ML7_DIAG_UNHEALTHY,        /* CheckHealth: isHealthy false */
	ML7_DIAG_COUNT
};

struct ml7_probe_result {
	/* phases: ms[p] is the duration, or -1 when the phase did not run */
	long ms[ML7_PROBE_NPHASES];
	long total_ms;
	enum ml7_probe_phase phase;      /* where it stopped (the failing phase) */
	enum ml7_probe_diag diag;
	char *summary;                   /* one line: what went wrong; NULL when ok */
	char *hint;                      /* what to do about it; NULL when none */

	char *authority;                 /* the server name used for SNI and :authority */
	struct ml7_strlist addresses;    /* what DNS returned, "IP" */
	char *peer;                      /* "IP:PORT" connected to */
	int port;

	int insecure;                    /* verification was skipped */
	char *tls_version, *tls_cipher, *alpn;
	char *cert_subject, *cert_issuer, *cert_not_after;   /* the leaf, when one was seen */
	struct ml7_strlist cert_sans;    /* "DNS:x", "IP:y" */
	long cert_days_left;

	int http_status;                 /* of the failing or last call; 0 when none */
	int grpc_status;                 /* -1 when absent */
	char *grpc_message;
	int milvus_code;                 /* Status.code of the failing call */

	char *version;                   /* GetVersion */
	int has_server_info;
	struct ml7_pb_server_info server_info;
	int64_t identifier;
	int has_health;
	int healthy;
	struct ml7_strlist health_reasons;
	struct ml7_strlist quota_states; /* names */
};

/* Runs the probe.  0 when every phase passed; ML7_EVERIFY when the target
 * answered wrongly or not at all (res->diag, summary and hint say why; err
 * holds "summary"); ML7_EINVAL for bad options; ML7_ENOMEM; ML7_ECANCELED.
 * res is filled in every case and freed with ml7_probe_result_free. */
int ml7_probe_run(const struct ml7_probe_opts *opts, struct ml7_probe_result *res,
		  struct ml7_err *err);
void ml7_probe_result_free(struct ml7_probe_result *res);

/* "dns", "tcp", "tls", "http2", "GetVersion", "Connect", "CheckHealth". */
const char *ml7_probe_phase_name(enum ml7_probe_phase p);
/* A stable machine name: "ok", "nxdomain", "host-rule-404", ... */
const char *ml7_probe_diag_name(enum ml7_probe_diag d);

/* How to connect with the SDKs: pymilvus and the Node SDK with the right
 * address, server_name and :authority, credentials from the environment
 * (never the secret itself).  *out is a new string. */
int ml7_probe_snippets(const struct ml7_probe_opts *opts, char **out, struct ml7_err *err);

/* Splits "host", "host:port", "[v6]:port" or a bare IPv6 address; *host is new. */
int ml7_probe_split_address(const char *address, int default_port, char **host, int *port,
			    struct ml7_err *err);

#endif
