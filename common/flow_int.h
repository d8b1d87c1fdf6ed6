/* flow_int.h - what the setup pipeline's core (flow.c) shares with its steps
 * (flow_steps.c).  Private to those two files. */
#ifndef ML7_FLOW_INT_H
#define ML7_FLOW_INT_H

#include <stdarg.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ml7/flow.h"

struct ml7_release;

struct flow {
	struct ml7_kube *k;
	const struct ml7_flow_opts *o;
	struct ml7_flow_result *res;
	const char *ns;                  /* the release's namespace */
	long deadline;                   /* ml7_now_ms() at which the whole run times out */
	enum ml7_flow_step step;         /* the step running */
	enum ml7_flow_state state;       /* what the step reports when it returns 0 */
	char *detail;                    /* its one line */

	struct ml7_release *rel;         /* preflight */
	char *state_arn, *state_sha;     /* the ConfigMap's record */
	cJSON *ingress;                  /* the object to apply */
	int ingress_changed;             /* the ingress step wrote the Ingress */
	time_t applied_at;               /* when (server clock), for the wait; 0: it did not */
	char applied_rv[64];             /* the resourceVersion it wrote: Events after it are fresh */
};

/* Ends the running step with state and a one-line detail. */
void flow_done(struct flow *f, enum ml7_flow_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void flow_progress(struct flow *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void flow_warn(struct flow *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
long flow_left_ms(const struct flow *f);

int flow_state_load(struct flow *f, struct ml7_err *err);
int flow_state_save(struct flow *f, const char *arn, const char *sha256, struct ml7_err *err);
char *json_strdup(const cJSON *obj, const char *key);

int flow_step_preflight(struct flow *f, struct ml7_err *err);
int flow_step_certificate(struct flow *f, struct ml7_err *err);
int flow_step_service(struct flow *f, struct ml7_err *err);
int flow_step_ingress(struct flow *f, struct ml7_err *err);
int flow_step_wait(struct flow *f, struct ml7_err *err);
int flow_step_verify(struct flow *f, struct ml7_err *err);
void flow_free(struct flow *f);

#endif
