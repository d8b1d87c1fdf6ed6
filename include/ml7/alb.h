/* alb.h - the life of the ALB Ingress on the cluster: apply, wait, delete.
 *
 * apply: server-side apply with field manager milvus-l7.  An Ingress of that
 * name that milvus-l7 does not manage (no label app.kubernetes.io/managed-by=
 * milvus-l7), or fields owned by another manager, stop it (ML7_ECONFLICT)
 * unless force.  When the cluster already holds exactly the object, nothing is
 * written at all, so a second run changes nothing.
 *
 * wait: a watch on the one Ingress (not polling) until
 * status.loadBalancer.ingress[0].hostname or .ip is set; meanwhile the
 * Ingress's Events newer than `since` are read: FailedBuildModel /
 * FailedDeployModel fail at once with the controller's message,
 * SuccessfullyReconciled is reported; no Event and no IngressClass (or one of
 * another controller) within the grace period: the AWS Load Balancer
 * Controller looks absent.  After the address, with backoff, until the name
 * resolves and TLS answers on the listener port ("ADDRESS does not mean
 * ready").
 *
 * delete: only what milvus-l7 manages unless force; waits until the object is
 * gone (the controller's finalizer goes last) when wait_ms > 0. */
#ifndef ML7_ALB_H
#define ML7_ALB_H

#include <time.h>

#include <cjson/cJSON.h>

#include "ml7/err.h"

struct ml7_kube;

#define ML7_ALB_CONTROLLER "ingress.k8s.aws/alb"

enum ml7_dry_run {
	ML7_DRY_RUN_NONE = 0,
	ML7_DRY_RUN_CLIENT,          /* nothing is sent but GETs */
	ML7_DRY_RUN_SERVER           /* sent with dryRun=All: validated and admitted, not stored */
};

/* Parses "client", "server", "none" (and "" / NULL as none).  0 or ML7_EINVAL. */
int ml7_dry_run_parse(const char *s, int *out, struct ml7_err *err);

struct ml7_ingress_apply_opts {
	int dry_run;                 /* enum ml7_dry_run */
	int force;                   /* take over an unmanaged Ingress and conflicting fields */
};

enum ml7_apply_action {
	ML7_APPLY_CREATED = 1,
	ML7_APPLY_UPDATED,
	ML7_APPLY_UNCHANGED
};

struct ml7_ingress_apply_result {
	int action;                  /* enum ml7_apply_action (what would happen on a dry run) */
	long generation;             /* after the apply (0 on a client dry run of a new object) */
	char resource_version[64];
	time_t applied_at;           /* the server's clock (Date) or ours: Events older are stale */
	cJSON *object;               /* the object as the server answered (or as sent for a
					client dry run); owned: free with cJSON_Delete */
};

/* obj: a built Ingress (ml7_ingress_build); its namespace, or the client's. */
int ml7_ingress_apply(struct ml7_kube *k, const cJSON *obj, const struct ml7_ingress_apply_opts *opts,
		      struct ml7_ingress_apply_result *res, struct ml7_err *err);

/* ---- wait --------------------------------------------------------------- */

enum ml7_wait_phase {
	ML7_WAIT_ADDRESS = 1,        /* waiting for the controller to write the address */
	ML7_WAIT_DNS,                /* the address is there; waiting for the name to resolve */
	ML7_WAIT_TLS,                /* resolving; waiting for TLS on the listener port */
	ML7_WAIT_READY
};

struct ml7_wait_progress {
	int phase;                   /* enum ml7_wait_phase */
	long elapsed_ms;
	const char *address;         /* once known */
	const char *note;            /* what just happened (an Event, the last attempt's error), or NULL */
};

struct ml7_ingress_wait_opts {
	const char *ns;              /* NULL: the client's namespace */
	const char *name;
	long timeout_ms;             /* 0: 15 min */
	long grace_ms;               /* controller-absent diagnosis after this; 0: 60 s */
	time_t since;                /* Events older than this are ignored; 0: the time of the last
					apply by milvus-l7 (managedFields), else the creation */
	const char *since_resource_version; /* the resourceVersion an apply that wrote returned:
					Events about an older version of the Ingress are ignored
					(exact where timestamps, in whole seconds, tie) */
	int address_only;            /* stop once the address is set */
	const char *connect_to;      /* "HOST:PORT": readiness connects there instead (tests) */
	const char *server_name;     /* SNI for the TLS check; NULL: the Ingress rule's host */
	const char *ca_file;         /* CA for the TLS check; NULL: the system store */
	int listener_port;           /* 0: 443 */
	void (*progress)(void *userdata, const struct ml7_wait_progress *p);
	void *userdata;
};

struct ml7_ingress_wait_result {
	char address[256];           /* hostname or IP */
	int is_ip;
	long address_ms;             /* when it appeared (since the start) */
	long ready_ms;               /* when TLS answered; 0 with address_only */
	int reconciled;              /* SuccessfullyReconciled seen */
	unsigned long watch_reconnects;
};

/* Codes: 0; ML7_EVERIFY with the controller's message (a failure Event);
 * ML7_ENOTFOUND (no such Ingress, or deleted meanwhile); ML7_ETIMEDOUT
 * (the message says which phase and, when nothing happened, whether the
 * controller looks absent); ML7_ECANCELED on Ctrl-C (nothing was changed). */
int ml7_ingress_wait(struct ml7_kube *k, const struct ml7_ingress_wait_opts *opts,
		     struct ml7_ingress_wait_result *res, struct ml7_err *err);

/* The pure event rule of wait, exposed for tests: given an Event object and
 * the cut-off, 1 for a failure (msg filled), 2 for SuccessfullyReconciled,
 * 0 to ignore (not about this Ingress, stale, or another reason). */
int ml7_alb_event_verdict(const cJSON *event, const char *name, time_t since, char *msg, size_t n);

/* ---- delete ------------------------------------------------------------- */

struct ml7_ingress_delete_opts {
	int dry_run;                 /* enum ml7_dry_run */
	int force;                   /* delete even when milvus-l7 does not manage it */
	long wait_ms;                /* > 0: wait until it is gone (finalizers done) */
};

/* 0 (deleted, or gone already: *gone_before = 1), ML7_ECONFLICT (not ours),
 * ML7_ETIMEDOUT (still there after wait_ms). */
int ml7_ingress_delete(struct ml7_kube *k, const char *ns, const char *name,
		       const struct ml7_ingress_delete_opts *opts, int *gone_before, struct ml7_err *err);

#endif
