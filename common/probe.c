/* probe.c - DNS, TCP, TLS (OpenSSL), HTTP/2 and the Milvus RPCs, timed, with
 * a diagnosis for every way it fails. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ml7/buf.h"
#include "ml7/cancel.h"
#include "ml7/castore.h"
#include "ml7/clock.h"
#include "ml7/grpc.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/probe.h"
#include "ml7/version.h"

#define DEFAULT_TIMEOUT_MS 10000L
#define SVC "/milvus.proto.milvus.MilvusService/"

struct probe {
	const struct ml7_probe_opts *o;
	struct ml7_probe_result *r;
	long timeout;
	long deadline;            /* of the phase running */
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	X509 *leaf;               /* the peer's leaf, seen by the verify callback */
	int verify_err;           /* the first verification error, X509_V_OK when none */
	int io_errno;             /* the errno of the last failed socket call */
	int io_eof;               /* the peer closed the connection */
	int timed_out;
	struct ml7_grpc *grpc;
	char *auth;               /* the authorization value (secret) */
};

static int ex_index = -1;

/* ---- names -------------------------------------------------------------- */

const char *ml7_probe_phase_name(enum ml7_probe_phase p)
{
	static const char *const names[] = {
		"dns", "tcp", "tls", "http2", "GetVersion", "Connect", "CheckHealth"
	};

	return (unsigned)p < ML7_PROBE_NPHASES ? names[p] : "?";
}

const char *ml7_probe_diag_name(enum ml7_probe_diag d)
{
	static const char *const names[] = {
		"ok", "nxdomain", "dns", "connection-refused", "unreachable", "timeout",
		"connection-reset", "tls-name-mismatch", "tls-unknown-ca", "tls-expired", "tls",
		"no-h2-alpn", "http2", "host-rule-404", "http-464", "http-502", "http-503",
		"http-504", "http", "not-grpc", "unauthenticated", "grpc", "database-not-found",
		"milvus-not-authenticated", "milvus-permission-denied", "milvus-error", "unhealthy"
	};

	return (unsigned)d < ML7_DIAG_COUNT ? names[d] : "?";
}

/* ---- results ------------------------------------------------------------ */

void ml7_probe_result_free(struct ml7_probe_result *r)
{
	if (!r)
		return;
	ml7_free(r->summary);
	ml7_free(r->hint);
	ml7_free(r->authority);
	ml7_strlist_free(&r->addresses);
	ml7_free(r->peer);
	ml7_free(r->tls_version);
	ml7_free(r->tls_cipher);
	ml7_free(r->alpn);
	ml7_free(r->cert_subject);
	ml7_free(r->cert_issuer);
	ml7_free(r->cert_not_after);
	ml7_strlist_free(&r->cert_sans);
	ml7_free(r->grpc_message);
	ml7_free(r->version);
	ml7_pb_server_info_free(&r->server_info);
	ml7_strlist_free(&r->health_reasons);
	ml7_strlist_free(&r->quota_states);
	memset(r, 0, sizeof(*r));
}

static char *vfmt(const char *fmt, va_list ap)
{
	struct ml7_buf b = ML7_BUF_INIT;

	if (ml7_buf_vprintf(&b, fmt, ap)) {
		ml7_buf_free(&b);
		return NULL;
	}
	return ml7_buf_detach(&b);
}

/* Records the diagnosis (the first one wins) and returns ML7_EVERIFY. */
static int diag(struct probe *p, enum ml7_probe_diag d, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int diag(struct probe *p, enum ml7_probe_diag d, const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (p->r->diag != ML7_DIAG_OK || p->r->summary)
		return ML7_EVERIFY;
	p->r->diag = d;
	va_start(ap, fmt);
	p->r->summary = vfmt(fmt, ap);
	va_end(ap);
	p->r->hint = hint ? ml7_strdup(hint) : NULL;
	return ML7_EVERIFY;
}

/* ---- address ------------------------------------------------------------ */

int ml7_probe_split_address(const char *address, int default_port, char **host, int *port,
			    struct ml7_err *err)
{
	const char *h = address, *colon = NULL;
	size_t hlen;
	long v = default_port;

	if (!address || !*address)
		return ml7_err_set(err, ML7_EINVAL, "empty address");
	if (*address == '[') {
		const char *close = strchr(address, ']');

		if (!close)
			return ml7_err_set(err, ML7_EINVAL, "address '%s': missing ']'", address);
		h = address + 1;
		hlen = (size_t)(close - h);
		if (close[1] == ':')
			colon = close + 1;
		else if (close[1])
			return ml7_err_set(err, ML7_EINVAL, "address '%s': junk after ']'", address);
	} else {
		colon = strchr(address, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;   /* a bare IPv6 address */
		hlen = colon ? (size_t)(colon - address) : strlen(address);
	}
	if (colon) {
		char *end;

		errno = 0;
		v = strtol(colon + 1, &end, 10);
		if (!colon[1] || *end || errno || v < 1 || v > 65535)
			return ml7_err_set(err, ML7_EINVAL, "address '%s': bad port", address);
	}
	if (hlen == 0)
		return ml7_err_set(err, ML7_EINVAL, "address '%s': no host", address);
	if (!(*host = ml7_strndup(h, hlen)))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	*port = (int)v;
	return 0;
}

/* ---- sockets ------------------------------------------------------------ */

static long left(const struct probe *p)
{
	return p->deadline - ml7_now_ms();
}

/* Waits for events on the socket until the phase deadline, in slices so that
 * Ctrl-C is noticed.  1 ready, 0 timed out, ML7_ECANCELED. */
static int wait_fd(struct probe *p, short events)
{
	for (;;) {
		struct pollfd pfd = {p->fd, events, 0};
		long ms = left(p);
		int n;

		if (ml7_canceled())
			return ML7_ECANCELED;
		if (ms <= 0) {
			p->timed_out = 1;
			return 0;
		}
		n = poll(&pfd, 1, ms > 200 ? 200 : (int)ms);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR) {
			p->io_errno = errno;
			return ML7_ENET;
		}
	}
}

static const char *addr_str(const struct sockaddr *sa, char *buf, size_t n, int with_port)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
		if (with_port)
			snprintf(buf, n, "[%s]:%d", ip, port);
		else
			snprintf(buf, n, "%s", ip);
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		if (with_port)
			snprintf(buf, n, "%s:%d", ip, port);
		else
			snprintf(buf, n, "%s", ip);
	}
	return buf;
}

static int resolve(struct probe *p, const char *host, int port, struct addrinfo **out)
{
	struct addrinfo hints, *ai;
	char svc[8];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	snprintf(svc, sizeof(svc), "%d", port);
	rc = getaddrinfo(host, svc, &hints, out);
	if (rc == EAI_NONAME
#ifdef EAI_NODATA
	    || rc == EAI_NODATA
#endif
	    )
		return diag(p, ML7_DIAG_NXDOMAIN,
			    "the name does not exist (yet): a new balancer's DNS name takes a few "
			    "minutes to propagate; check the ADDRESS of the Ingress "
			    "(kubectl get ingress), or dial an address with --connect-to",
			    "cannot resolve '%s': no such name (NXDOMAIN)", host);
	if (rc)
		return diag(p, ML7_DIAG_DNS, "check the resolver (/etc/resolv.conf) and the network",
			    "cannot resolve '%s': %s", host,
			    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	for (ai = *out; ai; ai = ai->ai_next) {
		char b[INET6_ADDRSTRLEN + 8];

		addr_str(ai->ai_addr, b, sizeof(b), 0);
		if (ml7_strlist_find(&p->r->addresses, b) < 0 &&
		    ml7_strlist_push(&p->r->addresses, b))
			return ML7_ENOMEM;
	}
	return 0;
}

/* One address: 0 connected (p->fd set), 1 failed (p->io_errno / timed_out),
 * or a negative code. */
static int connect_one(struct probe *p, const struct addrinfo *ai, long budget)
{
	long saved = p->deadline;
	int fd, rc, soerr = 0;
	socklen_t len = sizeof(soerr);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0) {
		p->io_errno = errno;
		return 1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto ok;
	if (errno != EINPROGRESS) {
		p->io_errno = errno;
		close(fd);
		return 1;
	}
	p->fd = fd;
	if (ml7_now_ms() + budget < p->deadline)
		p->deadline = ml7_now_ms() + budget;
	rc = wait_fd(p, POLLOUT);
	p->deadline = saved;
	p->fd = -1;
	if (rc <= 0) {
		close(fd);
		return rc < 0 && rc != ML7_ENET ? rc : 1;
	}
	p->timed_out = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) || soerr) {
		p->io_errno = soerr ? soerr : errno;
		close(fd);
		return 1;
	}
ok:
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	p->fd = fd;
	return 0;
}

#define RESET_HINT \
	"the peer is not a TLS listener or dropped the connection: check that the address is " \
	"the balancer's HTTPS (443) listener"

static int tcp_connect(struct probe *p, struct addrinfo *list)
{
	struct addrinfo *ai;
	int n = 0, i = 0, refused = 0, resets = 0, timeouts = 0, other = 0, last_errno = 0;
	char b[INET6_ADDRSTRLEN + 8], first[INET6_ADDRSTRLEN + 8] = "", reset_by[INET6_ADDRSTRLEN + 8] = "";

	for (ai = list; ai; ai = ai->ai_next)
		n++;
	for (ai = list; ai; ai = ai->ai_next, i++) {
		long budget = left(p) / (n - i);
		int rc;

		addr_str(ai->ai_addr, b, sizeof(b), 1);
		if (!*first)
			snprintf(first, sizeof(first), "%s", b);
		p->timed_out = 0;
		p->io_errno = 0;
		rc = connect_one(p, ai, budget > 0 ? budget : 1);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (!(p->r->peer = ml7_strdup(b)))
				return ML7_ENOMEM;
			return 0;
		}
		ml7_log(ML7_LOG_ACTION, "connect %s: %s", b,
			p->timed_out ? "timed out" : strerror(p->io_errno));
		if (p->timed_out)
			timeouts++;
		else if (p->io_errno == ECONNREFUSED)
			refused++;
		else if (p->io_errno == ECONNRESET) {  /* accepted, then reset */
			if (!resets++)
				snprintf(reset_by, sizeof(reset_by), "%s", b);
		} else {
			other++;
			last_errno = p->io_errno;
		}
	}
	if (!(p->r->peer = ml7_strdup(first)))
		return ML7_ENOMEM;
	if (refused == n)
		return diag(p, ML7_DIAG_REFUSED,
			    "nothing listens there: check the address and the port (an ALB HTTPS "
			    "listener is on 443)",
			    "connection refused by %s%s", first, n > 1 ? " and every other address" : "");
	if (resets)
		return diag(p, ML7_DIAG_RESET,
			    RESET_HINT,
			    "%s reset the connection right after accepting it", reset_by);
	if (timeouts)
		return diag(p, ML7_DIAG_TIMEOUT,
			    "packets are dropped: check the balancer's security group (inbound 443 "
			    "from your address), network ACLs, and whether the balancer is internal "
			    "(scheme internal is reachable only inside the VPC)",
			    "tcp connect to %s timed out after %ld ms", first, p->timeout);
	return diag(p, ML7_DIAG_UNREACHABLE, "check the route to the balancer and the network",
		    "cannot connect to %s: %s", first, strerror(last_errno));
}

/* ---- TLS ---------------------------------------------------------------- */

static int verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct probe *p = ssl ? SSL_get_ex_data(ssl, ex_index) : NULL;

	if (!p)
		return ok;
	if (!p->leaf) {
		X509 *leaf = X509_STORE_CTX_get0_cert(xs);

		if (leaf && X509_up_ref(leaf))
			p->leaf = leaf;
	}
	if (!ok && p->verify_err == X509_V_OK)
		p->verify_err = X509_STORE_CTX_get_error(xs);
	return p->o->insecure ? 1 : ok;
}

static int load_ca_data(SSL_CTX *ctx, const char *pem, struct ml7_err *err)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	BIO *bio = BIO_new_mem_buf(pem, -1);
	STACK_OF(X509_INFO) *infos = bio ? PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL) : NULL;
	int i, n = 0;

	for (i = 0; infos && i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *xi = sk_X509_INFO_value(infos, i);

		if (xi->x509 && X509_STORE_add_cert(store, xi->x509))
			n++;
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(bio);
	ERR_clear_error();
	if (!n)
		return ml7_err_set(err, ML7_EINVAL, "--ca-data holds no PEM certificate");
	return 0;
}

static void ssl_errors(char *buf, size_t n)
{
	unsigned long e;

	buf[0] = '\0';
	while ((e = ERR_get_error())) {
		if (!buf[0]) {
			const char *r = ERR_reason_error_string(e);

			snprintf(buf, n, "%s", r ? r : "unknown error");
		}
	}
}

static int tls_setup(struct probe *p, struct ml7_err *err)
{
	const struct ml7_probe_opts *o = p->o;
	static const unsigned char alpn[] = {2, 'h', '2'};
	char e[256];
	unsigned char tmp[16];

	if (ex_index < 0)
		ex_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	p->ctx = SSL_CTX_new(TLS_client_method());
	if (!p->ctx)
		return ml7_err_set(err, ML7_ENOMEM, "cannot create a TLS context");
	SSL_CTX_set_min_proto_version(p->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(p->ctx, SSL_VERIFY_PEER, verify_cb);
	if (o->ca_data) {
		if (load_ca_data(p->ctx, o->ca_data, err))
			return ML7_EINVAL;
	} else if (o->ca_file) {
		if (!SSL_CTX_load_verify_locations(p->ctx, o->ca_file, NULL)) {
			ssl_errors(e, sizeof(e));
			return ml7_err_set(err, ML7_EINVAL, "cannot load the CA file '%s': %s",
					   o->ca_file, e);
		}
	} else if (ml7_system_ca_file() || ml7_system_ca_dir()) {
		if (!SSL_CTX_load_verify_locations(p->ctx, ml7_system_ca_file(), ml7_system_ca_dir())) {
			ssl_errors(e, sizeof(e));
			return ml7_err_set(err, ML7_EIO, "cannot load the system CA store '%s': %s",
					   ml7_system_ca_file() ? ml7_system_ca_file() : ml7_system_ca_dir(), e);
		}
	} else if (!SSL_CTX_set_default_verify_paths(p->ctx)) {
		ssl_errors(e, sizeof(e));
		return ml7_err_set(err, ML7_EIO, "cannot load the system CA store: %s", e);
	}
	if (o->cert_file || o->key_file) {
		if (!o->cert_file || !o->key_file)
			return ml7_err_set(err, ML7_EINVAL, "a client certificate needs both "
					   "--client-cert and --client-key");
		if (!SSL_CTX_use_certificate_chain_file(p->ctx, o->cert_file) ||
		    !SSL_CTX_use_PrivateKey_file(p->ctx, o->key_file, SSL_FILETYPE_PEM) ||
		    !SSL_CTX_check_private_key(p->ctx)) {
			ssl_errors(e, sizeof(e));
			return ml7_err_set(err, ML7_EINVAL, "cannot load the client certificate "
					   "'%s' and key: %s", o->cert_file, e);
		}
	}
	if (SSL_CTX_set_alpn_protos(p->ctx, alpn, sizeof(alpn)))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	p->ssl = SSL_new(p->ctx);
	if (!p->ssl || !SSL_set_fd(p->ssl, p->fd) || !SSL_set_ex_data(p->ssl, ex_index, p))
		return ml7_err_set(err, ML7_ENOMEM, "cannot create a TLS connection");
	/* SNI only for names; the certificate check against a name or an IP */
	if (inet_pton(AF_INET, p->r->authority, tmp) != 1 &&
	    inet_pton(AF_INET6, p->r->authority, tmp) != 1) {
		if (!SSL_set_tlsext_host_name(p->ssl, p->r->authority) ||
		    !SSL_set1_host(p->ssl, p->r->authority))
			return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	} else if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(p->ssl), p->r->authority)) {
		return ml7_err_set(err, ML7_EINVAL, "bad IP address '%s'", p->r->authority);
	}
	return 0;
}

static char *name_str(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *s = NULL, *data;
	long n;

	if (!bio)
		return NULL;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(bio, &data);
		s = ml7_strndup(data, (size_t)n);
	}
	BIO_free(bio);
	return s;
}

static int cert_details(struct probe *p, X509 *x)
{
	struct ml7_probe_result *r = p->r;
	GENERAL_NAMES *sans;
	const ASN1_TIME *na = X509_get0_notAfter(x);
	struct tm tm;
	int i, day, sec;

	r->cert_subject = name_str(X509_get_subject_name(x));
	r->cert_issuer = name_str(X509_get_issuer_name(x));
	if (!r->cert_subject || !r->cert_issuer)
		return ML7_ENOMEM;
	if (ASN1_TIME_to_tm(na, &tm)) {
		char b[32];

		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (!(r->cert_not_after = ml7_strdup(b)))
			return ML7_ENOMEM;
	}
	if (ASN1_TIME_diff(&day, &sec, NULL, na))
		r->cert_days_left = day;
	sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		char b[300];

		if (gn->type == GEN_DNS) {
			snprintf(b, sizeof(b), "DNS:%.*s", ASN1_STRING_length(gn->d.dNSName),
				 (const char *)ASN1_STRING_get0_data(gn->d.dNSName));
		} else if (gn->type == GEN_IPADD && (ASN1_STRING_length(gn->d.iPAddress) == 4 ||
						     ASN1_STRING_length(gn->d.iPAddress) == 16)) {
			char ip[INET6_ADDRSTRLEN];

			inet_ntop(ASN1_STRING_length(gn->d.iPAddress) == 4 ? AF_INET : AF_INET6,
				  ASN1_STRING_get0_data(gn->d.iPAddress), ip, sizeof(ip));
			snprintf(b, sizeof(b), "IP:%s", ip);
		} else {
			continue;
		}
		if (ml7_strlist_push(&r->cert_sans, b)) {
			GENERAL_NAMES_free(sans);
			return ML7_ENOMEM;
		}
	}
	GENERAL_NAMES_free(sans);
	return 0;
}

static char *join(const struct ml7_strlist *l, const char *sep)
{
	struct ml7_buf b = ML7_BUF_INIT;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (ml7_buf_printf(&b, "%s%s", i ? sep : "", l->items[i])) {
			ml7_buf_free(&b);
			return NULL;
		}
	return ml7_buf_detach(&b);
}

static int tls_verify_diag(struct probe *p)
{
	struct ml7_probe_result *r = p->r;
	int v = p->verify_err;
	const char *why = X509_verify_cert_error_string(v);

	switch (v) {
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH: {
		char *sans = join(&r->cert_sans, ", ");
		int rc = diag(p, ML7_DIAG_TLS_NAME,
			      "use --server-name with a name the certificate covers (the Ingress "
			      "host), or import a certificate that covers this name; dialling the "
			      "balancer's own DNS name needs --server-name",
			      "the certificate of %s is not valid for '%s' (it names %s)", r->peer,
			      r->authority, sans && *sans ? sans : "no DNS names");

		ml7_free(sans);
		return rc;
	}
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return diag(p, ML7_DIAG_TLS_EXPIRED,
			    "renew the certificate and import it again (kubectl milvus-l7 cert import)",
			    "the certificate of %s expired on %s", r->peer,
			    r->cert_not_after ? r->cert_not_after : "an earlier date");
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return diag(p, ML7_DIAG_TLS_EXPIRED, "check the clock of this machine",
			    "the certificate of %s is not valid yet", r->peer);
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
		return diag(p, ML7_DIAG_TLS_UNKNOWN_CA,
			    "pass the CA that signed it with --ca-file (pymilvus: ca_pem_path, Node "
			    "SDK: tls.rootCertPath), or use a publicly trusted certificate",
			    "the certificate of %s is not signed by a trusted CA (issuer %s): %s",
			    r->peer, r->cert_issuer ? r->cert_issuer : "unknown", why);
	default:
		return diag(p, ML7_DIAG_TLS, "check the certificate chain the balancer serves",
			    "the certificate of %s failed verification: %s", r->peer, why);
	}
}

static int tls_handshake(struct probe *p, struct ml7_err *err)
{
	struct ml7_probe_result *r = p->r;
	const unsigned char *sel = NULL;
	unsigned int sel_len = 0;
	X509 *peer;
	int rc;

	if ((rc = tls_setup(p, err)))
		return rc;
	for (;;) {
		int n, e;
		char buf[256];

		ERR_clear_error();
		errno = 0;
		n = SSL_connect(p->ssl);
		if (n == 1)
			break;
		e = SSL_get_error(p->ssl, n);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			rc = wait_fd(p, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT);
			if (rc == 1)
				continue;
			if (rc == 0)
				return diag(p, ML7_DIAG_TIMEOUT,
					    "something accepts TCP there but does not finish a TLS "
					    "handshake: is this the balancer's HTTPS listener?",
					    "the TLS handshake with %s timed out after %ld ms", r->peer,
					    p->timeout);
			return rc == ML7_ENET ? diag(p, ML7_DIAG_RESET, NULL, "%s: %s", r->peer,
						     strerror(p->io_errno)) : rc;
		}
		if (p->verify_err != X509_V_OK && !p->o->insecure) {
			if (p->leaf && (rc = cert_details(p, p->leaf)))
				return rc;
			ERR_clear_error();
			return tls_verify_diag(p);
		}
		if (e == SSL_ERROR_SYSCALL) {
			int saved = errno;

			ERR_clear_error();
			return diag(p, ML7_DIAG_RESET,
				    RESET_HINT,
				    "%s closed the connection during the TLS handshake%s%s", r->peer,
				    saved ? ": " : "", saved ? strerror(saved) : "");
		}
		{
			unsigned long code = ERR_peek_error();

			ssl_errors(buf, sizeof(buf));
			if (ERR_GET_REASON(code) == SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL)
				return diag(p, ML7_DIAG_NO_H2,
					    "gRPC needs HTTP/2: the listener must offer h2 (an ALB "
					    "HTTPS listener does; a proxy without HTTP/2 does not)",
					    "%s refused ALPN h2 (no application protocol)", r->peer);
			if (ERR_GET_REASON(code) == SSL_R_WRONG_VERSION_NUMBER ||
			    ERR_GET_REASON(code) == SSL_R_PACKET_LENGTH_TOO_LONG)
				return diag(p, ML7_DIAG_TLS,
					    "the port does not speak TLS: is it plaintext Milvus (19530) "
					    "or an HTTP listener? an ALB for gRPC needs an HTTPS listener",
					    "%s does not speak TLS (%s)", r->peer, buf);
			return diag(p, ML7_DIAG_TLS,
				    "check the balancer's TLS security policy and certificate",
				    "the TLS handshake with %s failed: %s", r->peer, buf);
		}
	}
	r->tls_version = ml7_strdup(SSL_get_version(p->ssl));
	r->tls_cipher = ml7_strdup(SSL_get_cipher_name(p->ssl));
	SSL_get0_alpn_selected(p->ssl, &sel, &sel_len);
	r->alpn = ml7_strndup(sel ? (const char *)sel : "", sel_len);
	if (!r->tls_version || !r->tls_cipher || !r->alpn)
		return ML7_ENOMEM;
	peer = SSL_get1_peer_certificate(p->ssl);
	if (peer) {
		rc = cert_details(p, peer);
		X509_free(peer);
		if (rc)
			return rc;
	}
	if (p->o->insecure && p->verify_err != X509_V_OK)
		ml7_log(ML7_LOG_ACTION, "tls: not verified (insecure): %s",
			X509_verify_cert_error_string(p->verify_err));
	if (sel_len != 2 || memcmp(sel, "h2", 2))
		return diag(p, ML7_DIAG_NO_H2,
			    "gRPC needs HTTP/2: the listener must offer h2 (an ALB HTTPS listener "
			    "does; a proxy without HTTP/2 does not)",
			    "%s did not negotiate HTTP/2 (ALPN %s)", r->peer,
			    sel_len ? r->alpn : "none");
	return 0;
}

/* ---- the transport grpc.c uses ------------------------------------------ */

static long tls_io(struct probe *p, void *buf, const void *cbuf, size_t n, struct ml7_err *err)
{
	for (;;) {
		int k, e, rc;

		ERR_clear_error();
		errno = 0;
		k = cbuf ? SSL_write(p->ssl, cbuf, n > 1 << 30 ? 1 << 30 : (int)n) :
			   SSL_read(p->ssl, buf, n > 1 << 30 ? 1 << 30 : (int)n);
		if (k > 0)
			return k;
		e = SSL_get_error(p->ssl, k);
		if (e == SSL_ERROR_ZERO_RETURN) {
			p->io_eof = 1;
			return 0;
		}
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			rc = wait_fd(p, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT);
			if (rc == 1)
				continue;
			if (rc == 0)
				return ml7_err_set(err, ML7_ETIMEDOUT, "timed out");
			return rc == ML7_ENET ? ml7_err_set(err, ML7_ENET, "%s",
							    strerror(p->io_errno)) : rc;
		}
		if (e == SSL_ERROR_SYSCALL && errno == 0) {
			p->io_eof = 1;
			ERR_clear_error();
			return 0;
		}
		p->io_errno = errno;
		if (e == SSL_ERROR_SSL) {
			char why[256];

			ssl_errors(why, sizeof(why));
			return ml7_err_set(err, ML7_ETLS, "TLS: %s", why);
		}
		ERR_clear_error();
		return ml7_err_set(err, ML7_ENET, "the connection failed: %s",
				   errno ? strerror(errno) : "TLS error");
	}
}

static long io_send(void *ud, const void *p, size_t n, struct ml7_err *err)
{
	return tls_io(ud, NULL, p, n, err);
}

static long io_recv(void *ud, void *p, size_t n, struct ml7_err *err)
{
	return tls_io(ud, p, NULL, n, err);
}

/* ---- Milvus ------------------------------------------------------------- */

static int transport_diag(struct probe *p, enum ml7_probe_phase ph, int rc,
			  const struct ml7_err *e)
{
	if (rc == ML7_ENOMEM || rc == ML7_ECANCELED)
		return rc;
	if (rc == ML7_ETIMEDOUT || p->timed_out)
		return diag(p, ML7_DIAG_TIMEOUT,
			    ph == ML7_PROBE_HTTP2 ?
			    "the listener accepted TLS but sent no HTTP/2 settings" :
			    "the balancer took the request but no answer came in time: check that "
			    "Milvus is up and not overloaded, or raise --timeout",
			    "%s timed out after %ld ms", ml7_probe_phase_name(ph), p->timeout);
	if (rc == ML7_ETLS)
		return diag(p, ML7_DIAG_TLS,
			    strstr(e->msg, "certificate required") || strstr(e->msg, "handshake failure") ?
			    "the server wants a client certificate (mutual TLS): pass --client-cert and "
			    "--client-key; note that an ALB presents none to Milvus (tlsMode 2 cannot work "
			    "behind it)" : "the TLS connection failed after the handshake",
			    "%s: %s", ml7_probe_phase_name(ph), e->msg);
	if (rc == ML7_EPROTO)
		return diag(p, ML7_DIAG_HTTP2, "the listener does not speak HTTP/2 as gRPC needs",
			    "%s: %s", ml7_probe_phase_name(ph), e->msg);
	return diag(p, ML7_DIAG_RESET,
		    "the balancer or the target dropped the connection: check the balancer's "
		    "idle timeout and Milvus' logs",
		    "%s: %s", ml7_probe_phase_name(ph), e->msg);
}

/* Interprets a reply that is not a gRPC success. */
static int reply_diag(struct probe *p, enum ml7_probe_phase ph, const struct ml7_grpc_reply *rep)
{
	const char *m = rep->grpc_message ? rep->grpc_message : "";
	const char *a = p->r->authority;

	p->r->http_status = rep->http_status;
	p->r->grpc_status = rep->grpc_status;
	if (rep->grpc_message && !(p->r->grpc_message = ml7_strdup(rep->grpc_message)))
		return ML7_ENOMEM;
	if (rep->grpc_status < 0) {
		int g = ml7_grpc_status_for_http(rep->http_status);

		switch (rep->http_status) {
		case 404:
			return diag(p, ML7_DIAG_HOST_RULE,
				    "the :authority matched no host rule of the balancer: the Ingress "
				    "rule's host must equal --server-name (the SDKs send it as pymilvus "
				    "server_name / Node SDK grpc.default_authority); beware: the Milvus "
				    "SDKs report no error here",
				    "the balancer answered HTTP 404 for :authority '%s': no host rule "
				    "matched", a);
		case 464:
			return diag(p, ML7_DIAG_PROTOCOL_464,
				    "set alb.ingress.kubernetes.io/backend-protocol-version: GRPC on "
				    "the Ingress (the target group's protocol version must be gRPC)",
				    "the balancer answered HTTP 464: the request protocol does not match "
				    "the target group's protocol version");
		case 502:
			return diag(p, ML7_DIAG_BAD_GATEWAY,
				    "the targets are unhealthy or unreachable: check that the Milvus "
				    "pods run, the target group's health checks (gRPC, success code 0), "
				    "and the security group between the balancer and the pods",
				    "the balancer answered HTTP 502 (bad gateway; gRPC %s)",
				    ml7_grpc_code_name(g));
		case 503:
			return diag(p, ML7_DIAG_NO_TARGETS,
				    "no target is registered: check the Ingress backend (Service name "
				    "and port 19530) and that the Milvus pods are Ready",
				    "the balancer answered HTTP 503 (no healthy targets; gRPC %s)",
				    ml7_grpc_code_name(g));
		case 504:
			return diag(p, ML7_DIAG_GATEWAY_TIMEOUT,
				    "the target did not answer in time: check Milvus' load and the "
				    "balancer's idle timeout",
				    "the balancer answered HTTP 504 (gateway timeout; gRPC %s)",
				    ml7_grpc_code_name(g));
		case 200:
			return diag(p, ML7_DIAG_NOT_GRPC,
				    "the balancer forwards to something that is not Milvus' gRPC port "
				    "(19530)",
				    "%s: HTTP 200 without a gRPC status (content-type %s)",
				    ml7_probe_phase_name(ph),
				    rep->content_type ? rep->content_type : "none");
		default:
			return diag(p, ML7_DIAG_HTTP, NULL,
				    "%s: HTTP %d without a gRPC status (gRPC %s)",
				    ml7_probe_phase_name(ph), rep->http_status, ml7_grpc_code_name(g));
		}
	}
	if (rep->grpc_status == ML7_GRPC_UNAUTHENTICATED)
		return diag(p, ML7_DIAG_UNAUTHENTICATED,
			    p->auth ? "check the user name and password, or the token" :
			    "authentication is on: pass --user (the password from MILVUS_PASSWORD) "
			    "or --token",
			    "Milvus refused %s (gRPC UNAUTHENTICATED): %s",
			    p->auth ? "the credentials" : "the call without credentials", m);
	if (rep->grpc_status == ML7_GRPC_DEADLINE_EXCEEDED)
		return diag(p, ML7_DIAG_TIMEOUT, "check Milvus' load, or raise --timeout",
			    "%s: gRPC DEADLINE_EXCEEDED: %s", ml7_probe_phase_name(ph), m);
	return diag(p, ML7_DIAG_GRPC,
		    rep->grpc_status == ML7_GRPC_UNIMPLEMENTED ?
		    "the target does not know this Milvus method: is the backend Milvus?" : NULL,
		    "%s: gRPC %s (%d): %s", ml7_probe_phase_name(ph),
		    ml7_grpc_code_name(rep->grpc_status), rep->grpc_status, m);
}

static int status_diag(struct probe *p, enum ml7_probe_phase ph, const struct ml7_pb_status *s)
{
	const char *reason = s->reason && *s->reason ? s->reason : "no reason given";

	p->r->milvus_code = s->code ? s->code : s->error_code;
	switch (s->code) {
	case 800:
		return diag(p, ML7_DIAG_DB_NOT_FOUND,
			    "pass an existing database with --db, or create it first",
			    "database '%s' not found (Milvus code 800): %s",
			    p->o->db ? p->o->db : "default", reason);
	case 1400:
		return diag(p, ML7_DIAG_NOT_AUTHENTICATED,
			    "pass --user (the password from MILVUS_PASSWORD) or --token",
			    "not authenticated (Milvus code 1400): %s", reason);
	case 1401:
		return diag(p, ML7_DIAG_PERMISSION, "grant the user the privilege it lacks",
			    "permission denied (Milvus code 1401): %s", reason);
	default:
		return diag(p, ML7_DIAG_MILVUS, s->retriable ? "the error is retriable: try again" : NULL,
			    "%s: Milvus code %d: %s", ml7_probe_phase_name(ph), p->r->milvus_code,
			    reason);
	}
}

/* One RPC: 0 with the reply message in *rep; ML7_EVERIFY with a diagnosis. */
static int call(struct probe *p, enum ml7_probe_phase ph, const char *method,
		const struct ml7_grpc_md *md, size_t n_md, const struct ml7_buf *req,
		struct ml7_grpc_reply *rep)
{
	struct ml7_err e = {0};
	char path[96];
	int rc;

	snprintf(path, sizeof(path), SVC "%s", method);
	p->r->phase = ph;
	rc = ml7_grpc_unary(p->grpc, path, md, n_md, req ? req->data : "", req ? req->len : 0,
			    p->timeout, rep, &e);
	if (rc)
		return transport_diag(p, ph, rc, &e);
	p->r->http_status = rep->http_status;
	p->r->grpc_status = rep->grpc_status;
	if (rep->http_status != 200 || rep->grpc_status != 0 || !rep->content_type ||
	    strncmp(rep->content_type, "application/grpc", 16))
		return reply_diag(p, ph, rep);
	return 0;
}

static int base64(const char *s, char **out)
{
	size_t n = strlen(s);
	char *b = ml7_malloc(4 * ((n + 2) / 3) + 1);

	if (!b)
		return ML7_ENOMEM;
	EVP_EncodeBlock((unsigned char *)b, (const unsigned char *)s, (int)n);
	*out = b;
	return 0;
}

static int make_auth(struct probe *p)
{
	const struct ml7_probe_opts *o = p->o;
	struct ml7_buf raw = ML7_BUF_INIT;
	int rc;

	raw.secret = 1;
	if (o->token)
		rc = ml7_buf_puts(&raw, o->token);
	else if (o->user)
		rc = ml7_buf_printf(&raw, "%s:%s", o->user, o->password ? o->password : "");
	else
		return 0;
	if (!rc)
		rc = base64(raw.data, &p->auth);
	ml7_buf_free(&raw);
	return rc;
}

static int milvus(struct probe *p)
{
	struct ml7_probe_result *r = p->r;
	struct ml7_grpc_md md[4];
	struct ml7_grpc_reply rep;
	struct ml7_buf req = ML7_BUF_INIT;
	struct ml7_err e = {0};
	struct ml7_pb_version ver = {0};
	struct ml7_pb_connect con = {0};
	struct ml7_pb_client_info ci;
	char ua[64], now[40], host[256] = "", ident[24];
	size_t n = 0;
	long t;
	int rc;

	snprintf(ua, sizeof(ua), "milvus-l7/%s", ml7_version());
	md[n++] = (struct ml7_grpc_md){"user-agent", ua};
	if (p->auth)
		md[n++] = (struct ml7_grpc_md){"authorization", p->auth};
	if (p->o->db)
		md[n++] = (struct ml7_grpc_md){"dbname", p->o->db};

	/* GetVersion: routing and TLS */
	t = ml7_now_ms();
	p->deadline = t + p->timeout;
	rc = call(p, ML7_PROBE_GETVERSION, "GetVersion", md, n, NULL, &rep);
	if (!rc) {
		rc = ml7_pb_decode_version(rep.message.data, rep.message.len, &ver, &e);
		if (rc == ML7_EPROTO)
			rc = diag(p, ML7_DIAG_NOT_GRPC, "is the backend Milvus?",
				  "GetVersion: %s", e.msg);
		else if (!rc && !ml7_pb_status_ok(&ver.status))
			rc = status_diag(p, ML7_PROBE_GETVERSION, &ver.status);
		else if (!rc && (!ver.version || !*ver.version))
			rc = diag(p, ML7_DIAG_MILVUS, "is the backend Milvus?",
				  "GetVersion returned no version");
		if (!rc) {
			r->version = ver.version;
			ver.version = NULL;
		}
		ml7_pb_version_free(&ver);
	}
	ml7_grpc_reply_free(&rep);
	r->ms[ML7_PROBE_GETVERSION] = ml7_now_ms() - t;
	if (rc)
		return rc;

	/* Connect: auth and database */
	{
		time_t tt = time(NULL);
		struct tm tm;

		localtime_r(&tt, &tm);
		strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S", &tm);
		if (gethostname(host, sizeof(host) - 1))
			host[0] = '\0';
	}
	ci = (struct ml7_pb_client_info){"milvus-l7", ml7_version(), now, p->o->user, host};
	if (ml7_pb_encode_connect(&req, &ci))
		return ML7_ENOMEM;
	t = ml7_now_ms();
	p->deadline = t + p->timeout;
	rc = call(p, ML7_PROBE_CONNECT, "Connect", md, n, &req, &rep);
	ml7_buf_free(&req);
	if (!rc) {
		rc = ml7_pb_decode_connect(rep.message.data, rep.message.len, &con, &e);
		if (rc == ML7_EPROTO)
			rc = diag(p, ML7_DIAG_NOT_GRPC, "is the backend Milvus?", "Connect: %s", e.msg);
		else if (!rc) {
			if (!ml7_pb_status_ok(&con.status))
				rc = status_diag(p, ML7_PROBE_CONNECT, &con.status);
			r->has_server_info = con.has_server_info;
			r->server_info = con.server_info;
			memset(&con.server_info, 0, sizeof(con.server_info));
			r->identifier = con.identifier;
			ml7_pb_connect_free(&con);
		}
	}
	ml7_grpc_reply_free(&rep);
	r->ms[ML7_PROBE_CONNECT] = ml7_now_ms() - t;
	if (rc || !p->o->health)
		return rc;

	/* CheckHealth */
	snprintf(ident, sizeof(ident), "%lld", (long long)r->identifier);
	md[n++] = (struct ml7_grpc_md){"identifier", ident};
	t = ml7_now_ms();
	p->deadline = t + p->timeout;
	rc = call(p, ML7_PROBE_CHECKHEALTH, "CheckHealth", md, n, NULL, &rep);
	if (!rc) {
		struct ml7_pb_health h;

		rc = ml7_pb_decode_health(rep.message.data, rep.message.len, &h, &e);
		if (rc == ML7_EPROTO)
			rc = diag(p, ML7_DIAG_NOT_GRPC, "is the backend Milvus?", "CheckHealth: %s",
				  e.msg);
		else if (!rc) {
			size_t i;

			r->has_health = 1;
			r->healthy = h.healthy;
			r->health_reasons = h.reasons;
			memset(&h.reasons, 0, sizeof(h.reasons));
			for (i = 0; !rc && i < h.n_quota_states; i++) {
				const char *qn = ml7_pb_quota_state_name(h.quota_states[i]);
				char b[24];

				snprintf(b, sizeof(b), "%d", (int)h.quota_states[i]);
				rc = ml7_strlist_push(&r->quota_states, qn ? qn : b);
			}
			if (!rc && !ml7_pb_status_ok(&h.status))
				rc = status_diag(p, ML7_PROBE_CHECKHEALTH, &h.status);
			else if (!rc && !h.healthy) {
				char *why = join(&r->health_reasons, "; ");

				rc = diag(p, ML7_DIAG_UNHEALTHY,
					  "check the Milvus pods and coordinators (kubectl get pods)",
					  "Milvus reports it is not healthy: %s",
					  why && *why ? why : "no reason given");
				ml7_free(why);
			}
			ml7_pb_health_free(&h);
		}
	}
	ml7_grpc_reply_free(&rep);
	r->ms[ML7_PROBE_CHECKHEALTH] = ml7_now_ms() - t;
	return rc;
}

/* ---- the probe ---------------------------------------------------------- */

static int run(struct probe *p, struct ml7_err *err)
{
	const struct ml7_probe_opts *o = p->o;
	struct ml7_probe_result *r = p->r;
	struct addrinfo *ai = NULL;
	struct ml7_grpc_io io = {p, io_send, io_recv};
	struct ml7_err e = {0};
	char *host = NULL, *dial = NULL;
	int port, dport, rc;
	long t;

	if ((rc = ml7_probe_split_address(o->address, o->port ? o->port : 443, &host, &port, err)))
		goto out;
	if (o->port)
		port = o->port;
	r->port = port;
	dport = port;
	if (o->connect_to &&
	    (rc = ml7_probe_split_address(o->connect_to, port, &dial, &dport, err))) {
		ml7_err_prefix(err, "--connect-to");
		goto out;
	}
	r->authority = ml7_strdup(o->server_name && *o->server_name ? o->server_name : host);
	if (!r->authority || (rc = make_auth(p)))
		goto nomem;

	r->phase = ML7_PROBE_DNS;
	t = ml7_now_ms();
	rc = resolve(p, dial ? dial : host, dport, &ai);
	r->ms[ML7_PROBE_DNS] = ml7_now_ms() - t;
	if (rc)
		goto out;

	r->phase = ML7_PROBE_TCP;
	t = ml7_now_ms();
	p->deadline = t + p->timeout;
	rc = tcp_connect(p, ai);
	r->ms[ML7_PROBE_TCP] = ml7_now_ms() - t;
	if (rc)
		goto out;

	r->phase = ML7_PROBE_TLS;
	t = ml7_now_ms();
	p->deadline = t + p->timeout;
	p->timed_out = 0;
	rc = tls_handshake(p, err);
	r->ms[ML7_PROBE_TLS] = ml7_now_ms() - t;
	if (rc)
		goto out;

	r->phase = ML7_PROBE_HTTP2;
	t = ml7_now_ms();
	p->deadline = t + p->timeout;
	if ((rc = ml7_grpc_new(&io, r->authority, &p->grpc, err)))
		goto out;
	rc = ml7_grpc_handshake(p->grpc, &e);
	r->ms[ML7_PROBE_HTTP2] = ml7_now_ms() - t;
	if (rc) {
		rc = transport_diag(p, ML7_PROBE_HTTP2, rc, &e);
		goto out;
	}
	rc = milvus(p);
	goto out;
nomem:
	rc = ML7_ENOMEM;
out:
	if (ai)
		freeaddrinfo(ai);
	ml7_free(host);
	ml7_free(dial);
	return rc;
}

int ml7_probe_run(const struct ml7_probe_opts *opts, struct ml7_probe_result *res,
		  struct ml7_err *err)
{
	struct probe p;
	long start = ml7_now_ms();
	int i, rc;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < ML7_PROBE_NPHASES; i++)
		res->ms[i] = -1;
	res->grpc_status = -1;
	res->insecure = opts->insecure;
	memset(&p, 0, sizeof(p));
	p.o = opts;
	p.r = res;
	p.fd = -1;
	p.timeout = opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	p.verify_err = X509_V_OK;

	rc = run(&p, err);
	res->total_ms = ml7_now_ms() - start;
	if (rc == ML7_EVERIFY) {
		if (!res->summary)
			rc = ML7_ENOMEM;
		else
			ml7_err_set(err, ML7_EVERIFY, "%s", res->summary);
	}
	if (rc == ML7_ENOMEM)
		ml7_err_set(err, ML7_ENOMEM, "out of memory");
	else if (rc == ML7_ECANCELED)
		ml7_err_set(err, ML7_ECANCELED, "interrupted");

	ml7_grpc_free(p.grpc);
	if (p.ssl) {
		if (!rc)
			SSL_shutdown(p.ssl);   /* close_notify, best effort */
		SSL_free(p.ssl);
	}
	SSL_CTX_free(p.ctx);
	X509_free(p.leaf);
	if (p.fd >= 0)
		close(p.fd);
	ml7_free_secret(p.auth);
	ERR_clear_error();
	return rc;
}

/* ---- snippets ----------------------------------------------------------- */

int ml7_probe_snippets(const struct ml7_probe_opts *o, char **out, struct ml7_err *err)
{
	struct ml7_buf b = ML7_BUF_INIT;
	char *host = NULL;
	const char *name;
	int port, rc;

	if ((rc = ml7_probe_split_address(o->address, o->port ? o->port : 443, &host, &port, err)))
		return rc;
	if (o->port)
		port = o->port;
	name = o->server_name && *o->server_name ? o->server_name : host;
	rc = ml7_buf_printf(&b, "# pymilvus\nimport os\nfrom pymilvus import connections\n"
			    "connections.connect(\n    host=\"%s\", port=%d, secure=True,\n"
			    "    server_name=\"%s\",\n", host, port, name);
	if (!rc && (o->ca_file || o->ca_data))
		rc = ml7_buf_printf(&b, "    ca_pem_path=\"%s\",\n", o->ca_file ? o->ca_file : "ca.crt");
	if (!rc && o->token)
		rc = ml7_buf_puts(&b, "    token=os.environ[\"MILVUS_TOKEN\"],\n");
	else if (!rc && o->user)
		rc = ml7_buf_printf(&b, "    user=\"%s\", password=os.environ[\"MILVUS_PASSWORD\"],\n",
				    o->user);
	if (!rc && o->db)
		rc = ml7_buf_printf(&b, "    db_name=\"%s\",\n", o->db);
	if (!rc)
		rc = ml7_buf_printf(&b, ")\n\n// Node SDK (@zilliz/milvus2-sdk-node)\n"
				    "const { MilvusClient } = require('@zilliz/milvus2-sdk-node');\n"
				    "const client = new MilvusClient({\n"
				    "  address: '%s%s%s:%d', ssl: true,\n"
				    "  tls: { serverName: '%s'%s%s%s },\n"
				    "  // grpc-js sends host:port as :authority unless told: the host rule needs this\n"
				    "  channelOptions: { 'grpc.default_authority': '%s' },\n",
				    strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", port,
				    name, o->ca_file || o->ca_data ? ", rootCertPath: '" : "",
				    o->ca_file ? o->ca_file : (o->ca_data ? "ca.crt" : ""),
				    o->ca_file || o->ca_data ? "'" : "", name);
	if (!rc && o->token)
		rc = ml7_buf_puts(&b, "  token: process.env.MILVUS_TOKEN,\n");
	else if (!rc && o->user)
		rc = ml7_buf_printf(&b, "  username: '%s', password: process.env.MILVUS_PASSWORD,\n",
				    o->user);
	if (!rc && o->db)
		rc = ml7_buf_printf(&b, "  database: '%s',\n", o->db);
	if (!rc)
		rc = ml7_buf_puts(&b, "});\n");
	ml7_free(host);
	if (rc) {
		ml7_buf_free(&b);
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	*out = ml7_buf_detach(&b);
	return 0;
}
