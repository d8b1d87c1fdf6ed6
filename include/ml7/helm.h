/* helm.h - run helm, read a deployed release, and the values-preserving flip
 * of step 1 of the Milvus guide (Service to ClusterIP, the ALB values in the
 * chart's own ingress block) and its revert.
 *
 * helm runs as a child (ml7_run: argv, no shell, bounded, timeout).  Values go
 * to it on stdin (`-f -`), never through a file: user values hold storage keys.
 *
 * The flip is
 *   helm upgrade REL CHART -n NS --version <deployed> --reset-then-reuse-values
 *        -f - (the changed keys only) --description "milvus-l7 upgrade: ..."
 * (--reuse-values on helm < 3.14), so every user-supplied value other than the
 * changed keys is kept, and the chart version stays the deployed one unless the
 * caller names another.  The library predicts the stored values after the
 * upgrade with helm's own merge rule (ml7_values_coalesce), so a dry run shows
 * the exact diff and a second run with the same options changes nothing. */
#ifndef ML7_HELM_H
#define ML7_HELM_H

#include <cjson/cJSON.h>

#include "ml7/buf.h"
#include "ml7/err.h"

struct ml7_ingress_opts;

struct ml7_kube_flags;

/* How to run helm.  Strings are borrowed; NULL means "not given" (helm then
 * uses its own environment: HELM_NAMESPACE, HELM_KUBECONTEXT, KUBECONFIG). */
struct ml7_helm_conf {
	const char *bin;            /* $HELM_BIN, or NULL for "helm" on PATH */
	const char *namespace_;     /* --namespace */
	/* the user's kubectl connection flags, handed on as helm's --kubeconfig,
	 * --kube-context, --kube-apiserver, --kube-ca-file, --kube-as-user,
	 * --kube-as-group, --kube-insecure-skip-tls-verify, --kube-tls-server-name;
	 * the token through HELM_KUBETOKEN in helm's environment, never on its
	 * command line; the other HELM_KUBE* variables and HELM_NAMESPACE are
	 * emptied, so only these flags count.  NULL: none (helm's environment as is). */
	const struct ml7_kube_flags *kube;
	long timeout_ms;            /* per helm call; 0: 5 minutes */
};

/* 0 when helm is there (h->bin, else "helm" on PATH; nothing is run) and can
 * be given every connection flag of h->kube.  ML7_ENOTFOUND when it is not
 * there; ML7_EINVAL naming the flags it has none for (--cluster, --user,
 * --as-uid, --client-certificate, --client-key: put them in a kubeconfig
 * context). */
int ml7_helm_conf_check(const struct ml7_helm_conf *h, struct ml7_err *err);

struct ml7_helm_version {
	int major, minor, patch;
	char text[32];              /* "v3.18.0" */
};

/* `helm version`: ML7_ENOTFOUND when helm is missing, ML7_EINVAL when it is
 * not helm 3 or 4. */
int ml7_helm_version(const struct ml7_helm_conf *h, struct ml7_helm_version *out,
		     struct ml7_err *err);
/* 1 when this helm has --reset-then-reuse-values (>= 3.14). */
int ml7_helm_has_reset_then_reuse(const struct ml7_helm_version *v);

/* A deployed release. */
struct ml7_helm_release {
	char *name;
	char *namespace_;
	char *chart;                /* chart name: "milvus" */
	char *version;              /* chart version: "4.2.1" */
	char *app_version;
	char *status;               /* "deployed", "failed", ... */
	int revision;
	cJSON *values;              /* user-supplied values (an object, {} when none) */
	cJSON *computed;            /* chart defaults + user values (helm get values --all) */
};

/* Reads RELEASE (in h->namespace_): metadata, user-supplied and computed
 * values.  ML7_ENOTFOUND: "release 'x' not found in namespace 'y'". */
int ml7_helm_release_get(const struct ml7_helm_conf *h, const char *release,
			 struct ml7_helm_release **out, struct ml7_err *err);
void ml7_helm_release_free(struct ml7_helm_release *r);

/* 0 when the computed values have the Milvus chart's layout (service.type,
 * service.port, the ingress block); ML7_EINVAL naming the chart otherwise. */
int ml7_helm_check_milvus(const struct ml7_helm_release *r, struct ml7_err *err);

#define ML7_HELM_DEFAULT_CHART "milvus/milvus"
#define ML7_HELM_MARK_UPGRADE "milvus-l7 upgrade"
#define ML7_HELM_MARK_REVERT "milvus-l7 revert"

struct ml7_helm_flip_opts {
	const char *release;
	const char *chart;          /* chart reference; NULL: ML7_HELM_DEFAULT_CHART */
	const char *repo;           /* helm --repo URL, or NULL */
	const char *version;        /* NULL: the deployed chart version */
	const char *service_type;   /* NULL: ClusterIP */
	/* NULL: the Ingress is left to `kubectl milvus-l7 ingress apply`; else the
	 * chart's ingress block gets the ALB values (host and ARNs required) */
	const struct ml7_ingress_opts *ingress;
	int dry_run;                /* compute and report; run nothing that writes */
	int revert;                 /* undo the last flip instead (ingress unused) */
};

struct ml7_helm_flip_result {
	int changed;                /* 1: an upgrade ran (or would run, with dry_run) */
	int revision_before, revision_after;
	char *chart;                /* "milvus-4.2.1": the chart deployed after */
	char *previous_type;        /* the Service type before ("LoadBalancer"), or NULL */
	cJSON *values_before;       /* user-supplied values before */
	cJSON *values_after;        /* after (predicted with dry_run) */
	cJSON *delta;               /* what was given to helm with -f - */
	struct ml7_buf diff;        /* "  key.path: old -> new" lines; secrets hidden */
	char *command;              /* the helm command line, for display */
	char *warning;              /* e.g. helm < 3.14, or NULL */
};

/* The flip (or, with o->revert, its undo).  Nothing changes when the values
 * and the chart version already match (res->changed 0): that is how a caller
 * resumes.  A failed upgrade reports whether the release changed. */
int ml7_helm_flip(const struct ml7_helm_conf *h, const struct ml7_helm_flip_opts *o,
		  struct ml7_helm_flip_result *res, struct ml7_err *err);
void ml7_helm_flip_result_free(struct ml7_helm_flip_result *res);

/* Runs helm with args (after the conf's flags) and returns its stdout in out.
 * stdin_data, when not NULL, goes to helm's stdin.  Exit status != 0:
 * ML7_EEXEC (ML7_ENOTFOUND for "not found") with helm's last error line. */
int ml7_helm_run(const struct ml7_helm_conf *h, const char *const *args, const char *stdin_data,
		 struct ml7_buf *out, struct ml7_err *err);

/* The post-renderer (common/postrender.c) for users who render the chart
 * themselves: in helm's rendered multi-document YAML, the Milvus Service (the
 * chart's labels: app.kubernetes.io/name=milvus, component proxy|standalone)
 * gets service_type (NULL: ClusterIP; the LoadBalancer-only fields and
 * nodePorts go) and, with ingress options, the ALB Ingress is added or
 * replaces the document of the same kind and name.  Every other document is
 * copied byte for byte.  No Milvus Service: ML7_ENOTFOUND. */
int ml7_helm_post_render(const char *in, size_t len, const char *service_type,
			 const struct ml7_ingress_opts *ingress, struct ml7_buf *out,
			 struct ml7_err *err);

/* --- values (common/values.c): pure functions on cJSON trees --- */

/* Helm's CoalesceTables(dst = overrides, src = base) as the upgrade stores it:
 * overrides win, tables merge, a null in overrides deletes the key of base (and
 * stays null when base lacks it).  *out is a new tree. */
int ml7_values_coalesce(const cJSON *overrides, const cJSON *base, cJSON **out,
			struct ml7_err *err);

/* The keys the flip sets: service.type and, with ingress options, the chart's
 * ingress block (enabled, ingressClassName, the ALB annotations, the nginx and
 * ingress.class annotations of `computed` set to null, one rule for the host).
 * When computed has no ingress.ingressClassName (charts before 4.2.1) the
 * class goes into the kubernetes.io/ingress.class annotation instead. */
int ml7_values_flip_delta(const char *service_type, const cJSON *alb_annotations,
			  const char *host, const char *ingress_class, const cJSON *computed,
			  cJSON **out, struct ml7_err *err);

/* The user values with service.type and ingress put back as they are in
 * `previous` (removed when previous has none). */
int ml7_values_revert(const cJSON *current, const cJSON *previous, cJSON **out,
		      struct ml7_err *err);

/* One line per changed leaf, sorted by path: "- a.b: old", "+ a.b: new"
 * (values of keys that look secret are shown as <hidden>).  Returns the number
 * of changed leaves (>= 0) or a negative code. */
int ml7_values_diff(const cJSON *before, const cJSON *after, struct ml7_buf *out);

/* The value at a dotted path ("service.type"), or NULL. */
const cJSON *ml7_values_get(const cJSON *values, const char *path);

#endif
