/* kubeconfig.h - the connection to a Kubernetes API server, resolved as
 * kubectl (client-go's clientcmd) resolves it.
 *
 * Sources, in kubectl's order: the flags (struct ml7_kube_flags, with
 * kubectl's override side-effects), then --kubeconfig (exactly one file, it
 * must exist) or $KUBECONFIG (a ':'-separated list; missing files skipped;
 * the first file that names a cluster, user or context wins the whole entry,
 * the first non-empty current-context wins) or ~/.kube/config; with no
 * kubeconfig at all, the in-cluster service account.  Relative paths in a
 * file resolve against that file's folder; paths given as flags against the
 * working directory.  Every *-data field is base64 of PEM and is decoded here;
 * files named by the config are read here, so the result holds TLS material
 * in memory only.
 *
 * Errors are one line with the file and, for YAML, the line:
 *   cannot read kubeconfig '/x/config': line 3: mapping values are not allowed here
 *   context "prod" does not exist in kubeconfig '/x/config'
 */
#ifndef ML7_KUBECONFIG_H
#define ML7_KUBECONFIG_H

#include <stddef.h>

#include "ml7/err.h"
#include "ml7/kubeflags.h"
#include "ml7/strlist.h"

enum ml7_kube_interactive {
	ML7_KUBE_INTERACTIVE_NEVER = 0,
	ML7_KUBE_INTERACTIVE_IF_AVAILABLE = 1,
	ML7_KUBE_INTERACTIVE_ALWAYS = 2
};

/* users[].user.exec, validated: apiVersion is client.authentication.k8s.io/v1
 * or /v1beta1 (v1 requires interactiveMode), every env entry has a name. */
struct ml7_kube_exec {
	char *command;               /* as written, or made absolute when it holds a '/' */
	struct ml7_strlist args;
	struct ml7_strlist env;      /* "NAME=value", applied over the process environment */
	char *api_version;
	int interactive_mode;        /* enum ml7_kube_interactive */
	int provide_cluster_info;
	char *install_hint;          /* or NULL */
	char *cluster_config_json;   /* the cluster's extension client.authentication.k8s.io/exec, or NULL */
};

/* The resolved connection.  Plain data, owned by the struct; secret fields are
 * wiped by ml7_kube_config_free().  Read it freely; change it only before
 * ml7_kube_new(). */
struct ml7_kube_config {
	char *context;               /* the context used; NULL without one (flags only, in-cluster) */
	char *cluster_name;
	char *user_name;
	char *server;                /* scheme://host[:port][/prefix], no trailing '/' */
	char *namespace_;            /* never NULL: -n, else the context's, else "default" */
	int namespace_from_flag;     /* -n/--namespace (or HELM_NAMESPACE) was given */

	/* TLS: PEM in memory (NULL when not set) */
	char *ca_pem;                /* only this CA is trusted when set; else the system store */
	size_t ca_len;
	int insecure;                /* insecure-skip-tls-verify (never together with a CA) */
	char *tls_server_name;       /* SNI and the certificate name check; Host stays as in server */
	char *cert_pem;              /* client certificate */
	size_t cert_len;
	char *key_pem;               /* secret: client key */
	size_t key_len;

	/* credentials (sent only over https) */
	char *token;                 /* secret: bearer token */
	char *token_file;            /* absolute path; re-read, wins over token when readable */
	char *username;              /* basic auth */
	char *password;              /* secret */
	struct ml7_kube_exec *exec;  /* exec credential plugin, or NULL */

	/* impersonation */
	char *as;
	char *as_uid;
	struct ml7_strlist as_groups;
	struct ml7_strlist as_extra; /* "key=value" */

	char *proxy_url;             /* http://, https:// or socks5://, or NULL */
	int disable_compression;
	long request_timeout_ms;     /* --request-timeout; 0: none */
	int in_cluster;              /* built from the service account */
	char *source;                /* the kubeconfig file(s) used, for messages ("in-cluster", "flags") */
};

/* Where the loader looks.  NULL fields mean the real thing ($KUBECONFIG,
 * $HOME, /var/run/secrets/kubernetes.io/serviceaccount, ...); tests set them. */
struct ml7_kube_env {
	const char *kubeconfig;      /* the value of $KUBECONFIG; "" for unset */
	const char *home;
	const char *sa_dir;          /* in-cluster service account folder */
	const char *service_host;    /* $KUBERNETES_SERVICE_HOST; "" for unset */
	const char *service_port;
	const char *pod_namespace;   /* $POD_NAMESPACE */
	const char *cwd;             /* for relative paths given as flags; NULL: the process's */
};

/* Loads and resolves.  flags may be NULL (no flags).  *out is set only on
 * success; free it with ml7_kube_config_free(). */
int ml7_kube_config_load(const struct ml7_kube_flags *flags, struct ml7_kube_config **out,
			 struct ml7_err *err);
int ml7_kube_config_load_env(const struct ml7_kube_flags *flags, const struct ml7_kube_env *env,
			     struct ml7_kube_config **out, struct ml7_err *err);

/* Parses one kubeconfig document (for tests and tools): same rules as a
 * single --kubeconfig file whose folder is dir (for relative paths). */
int ml7_kube_config_from_text(const char *text, size_t len, const char *name, const char *dir,
			      const struct ml7_kube_flags *flags, struct ml7_kube_config **out,
			      struct ml7_err *err);

void ml7_kube_config_free(struct ml7_kube_config *cfg);

/* A deep copy (ml7_kube_new keeps one). */
int ml7_kube_config_dup(const struct ml7_kube_config *cfg, struct ml7_kube_config **out,
			struct ml7_err *err);

/* kubectl's --request-timeout: "0", a bare number of seconds, or a Go
 * duration ("1m30s").  0 or ML7_EINVAL. */
int ml7_kube_parse_timeout(const char *s, long *out_ms, struct ml7_err *err);

#endif
