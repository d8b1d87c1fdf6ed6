/* flow.h - the setup pipeline: the guide's whole procedure as steps that
 * recognise their own work in the cluster, so that running it again resumes.
 *
 *   preflight    the release, its Service and port, the Ingress options, the IngressClass,
 *                helm for a Helm release, AWS credentials when a certificate is imported
 *   certificate  --cert-arn: DescribeCertificate when credentials are there;
 *                --cert/--key: the checks, then ImportCertificate (re-imported onto the ARN
 *                recorded for the release when the files changed)
 *   service      the Milvus Service to ClusterIP: Helm (values kept), Operator (CR patch),
 *                or the Service itself (unmanaged, with a warning)
 *   ingress      server-side apply of the ALB Ingress
 *   wait         the controller's address (or its failure Event)
 *   verify       DNS, TLS, gRPC: GetVersion, Connect, CheckHealth, retried with backoff
 *                until the deadline while the balancer comes up
 *
 * With keep_l4 the service step runs last, after verify: the Layer-4 balancer stays until
 * the Layer-7 one has answered.
 *
 * What setup needs to resume that the cluster does not show by itself (the ARN it imported
 * and the fingerprint of the certificate behind it) is kept in the ConfigMap
 * "milvus-l7-RELEASE" of the release's namespace.  A dry run writes nothing at all. */
#ifndef ML7_FLOW_H
#define ML7_FLOW_H

#include "ml7/err.h"
#include "ml7/ingress.h"
#include "ml7/kube.h"
#include "ml7/kubeflags.h"
#include "ml7/probe.h"

enum ml7_flow_step {
	ML7_FLOW_PREFLIGHT = 0,
	ML7_FLOW_CERTIFICATE,
	ML7_FLOW_SERVICE,
	ML7_FLOW_INGRESS,
	ML7_FLOW_WAIT,
	ML7_FLOW_VERIFY,
	ML7_FLOW_NSTEPS
};

enum ml7_flow_state {
	ML7_FLOW_PENDING = 0,   /* not reached */
	ML7_FLOW_DONE,          /* did its work in this run */
	ML7_FLOW_SKIPPED,       /* found already done in the cluster */
	ML7_FLOW_PLANNED,       /* dry run: would do its work */
	ML7_FLOW_FAILED
};

const char *ml7_flow_step_name(enum ml7_flow_step s);    /* "preflight", ... */
const char *ml7_flow_state_name(enum ml7_flow_state s);  /* "done", "skipped", ... */

struct ml7_flow_result;

/* Called when a step ends (any state but PENDING), detail one line (borrowed). */
typedef void (*ml7_flow_step_fn)(void *userdata, enum ml7_flow_step step,
				 enum ml7_flow_state state, const char *detail, long elapsed_ms);
/* Called with one line of progress inside a long step (waiting, retrying). */
typedef void (*ml7_flow_progress_fn)(void *userdata, enum ml7_flow_step step, const char *line);
/* Called with a warning worth the user's attention (unmanaged Service, private CA, ...). */
typedef void (*ml7_flow_warn_fn)(void *userdata, const char *line);

struct ml7_flow_opts {
	const char *release;
	const char *ns;                       /* NULL: the client's namespace */
	const char *service;                  /* NULL: the release's one Milvus Service */
	struct ml7_ingress_opts ingress;      /* host, cert ARNs (may be empty with cert_file) */

	const char *cert_file, *key_file, *chain_file;  /* import these instead of an ARN */
	const char *aws_profile, *aws_region;

	const struct ml7_kube_flags *kube;    /* handed to helm (see ml7_helm_conf) */
	const char *helm_bin;                 /* NULL: $HELM_BIN, else "helm" on PATH */
	const char *chart;                    /* NULL: the deployed chart from its repository */

	/* verify */
	const char *ca_file;                  /* the CA the balancer's certificate chains to */
	const char *connect_to;               /* "host:port" dialled instead of address:443 */
	const char *milvus_user, *milvus_password, *milvus_token, *db;

	long timeout_ms;                      /* for the whole run; 0: 10 minutes */
	int dry_run;
	int force;                            /* take over an Ingress others manage */
	int keep_l4;                          /* flip the Service only after verify */

	ml7_flow_step_fn on_step;
	ml7_flow_progress_fn on_progress;
	ml7_flow_warn_fn on_warn;
	void *userdata;
};

struct ml7_flow_result {
	enum ml7_flow_state state[ML7_FLOW_NSTEPS];
	char *detail[ML7_FLOW_NSTEPS];        /* one line per step that ran */
	long elapsed_ms[ML7_FLOW_NSTEPS];
	int failed;                           /* the failed step, or -1 */
	char *certificate_arn;                /* the ARN the Ingress uses */
	char *address;                        /* the balancer's DNS name */
	char *ingress_name;
	struct ml7_probe_result probe;        /* the last verification */
	int probed;                           /* probe holds a result */
};

/* Runs the steps in order (keep_l4: service last).  0 when every step is done,
 * skipped or planned; otherwise the failing step's error, with res->failed
 * set.  res is filled in both cases; free it with ml7_flow_result_free. */
int ml7_flow_run(struct ml7_kube *k, const struct ml7_flow_opts *o, struct ml7_flow_result *res,
		 struct ml7_err *err);
void ml7_flow_result_free(struct ml7_flow_result *res);

/* The probe options that verify uses, for printing the client snippets. */
void ml7_flow_probe_opts(const struct ml7_flow_opts *o, const char *address,
			 struct ml7_probe_opts *po);

#endif
