/* credentials.h - exec credential plugins (client.authentication.k8s.io v1 and
 * v1beta1), as client-go runs them: the command with its args and env merged
 * over ours, KUBERNETES_EXEC_INFO, stdin only when interactive, stderr passed
 * through, a timeout, the ExecCredential on stdout validated.  Spawned with an
 * argv, never a shell.  Used by kube.c, which caches the result until its
 * expirationTimestamp and runs the plugin again after a 401. */
#ifndef ML7_CREDENTIALS_H
#define ML7_CREDENTIALS_H

#include <stddef.h>

#include "ml7/err.h"
#include "ml7/kubeconfig.h"

/* What a plugin returned.  token and key_pem are secrets. */
struct ml7_cred {
	char *token;
	char *cert_pem;
	size_t cert_len;
	char *key_pem;
	size_t key_len;
	long long expires;           /* unix seconds; 0: no expiry given */
};

/* spec.cluster of KUBERNETES_EXEC_INFO for cfg (server, tls-server-name,
 * insecure-skip-tls-verify, certificate-authority-data, proxy-url,
 * disable-compression, config), as compact JSON; free with ml7_free(). */
int ml7_exec_cluster_json(const struct ml7_kube_config *cfg, char **out, struct ml7_err *err);

/* Runs the plugin.  cluster_json (may be NULL) is sent as spec.cluster when the
 * plugin asked for it; stdin_tty says whether our stdin is a terminal;
 * timeout_ms 0 means 60 s.  ML7_ENOTFOUND (not installed; the message carries
 * installHint), ML7_EEXEC (exit status), ML7_ETIMEDOUT, ML7_EPROTO (bad
 * output), ML7_EAUTH (interactiveMode Always without a terminal). */
int ml7_exec_run(const struct ml7_kube_exec *ex, const char *cluster_json, int stdin_tty,
		 long timeout_ms, struct ml7_cred *out, struct ml7_err *err);

/* Validates a plugin's stdout against the configured apiVersion. */
int ml7_exec_parse(const char *api_version, const char *command, const char *text, size_t len,
		   struct ml7_cred *out, struct ml7_err *err);

struct cJSON;
/* Overwrites every string of a parsed tree (tokens, keys), then frees it. */
void ml7_json_free_secret(struct cJSON *doc);

/* Wipes and frees what c holds; c can be reused. */
void ml7_cred_clear(struct ml7_cred *c);

#endif
