/* flow_steps.c - the steps of the setup pipeline (see flow.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "ml7/acm.h"
#include "ml7/alb.h"
#include "ml7/aws.h"
#include "ml7/buf.h"
#include "ml7/cert.h"
#include "ml7/clock.h"
#include "ml7/doctor.h"
#include "ml7/helm.h"
#include "ml7/log.h"
#include "ml7/mem.h"
#include "ml7/probe.h"
#include "ml7/release.h"

#include "flow_int.h"

/* An ARN in the right form that no one owns: lets preflight validate the whole Ingress
 * before the certificate step has produced the real one. */
#define STANDIN_ARN "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000"

void flow_free(struct flow *f)
{
	ml7_release_free(f->rel);
	ml7_free(f->state_arn);
	ml7_free(f->state_sha);
	ml7_free(f->detail);
	cJSON_Delete(f->ingress);
}

/* The release's Service as it is now. */
static int get_service(struct flow *f, cJSON **svc, struct ml7_err *err)
{
	struct ml7_buf path = ML7_BUF_INIT;
	int rc = ml7_kube_path(&path, "v1", f->ns, "services", f->rel->service, NULL);

	if (!rc)
		rc = ml7_kube_get(f->k, path.data, svc, err);
	else
		ml7_err_set(err, rc, "out of memory");
	ml7_buf_free(&path);
	return rc;
}

/* Helm 3 and 4 annotate every object of a release with its name. */
static int helm_managed(const cJSON *svc)
{
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(svc, "metadata"),
							    "annotations");

	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ann, "meta.helm.sh/release-name")) != NULL;
}

static void helm_conf(const struct flow *f, struct ml7_helm_conf *hc)
{
	memset(hc, 0, sizeof(*hc));
	hc->bin = f->o->helm_bin;
	hc->namespace_ = f->ns;
	hc->kube = f->o->kube;
	hc->timeout_ms = flow_left_ms(f) > 0 ? flow_left_ms(f) : 1;  /* 0 would be helm's default */
}

/* ---- preflight ------------------------------------------------------------- */

/* A Helm release still to flip: helm must be there and reach the cluster as we do, found
 * now rather than after the certificate is imported (its version is read by the flip). */
static int check_helm(struct flow *f, struct ml7_err *err)
{
	struct ml7_helm_conf hc;
	cJSON *svc = NULL;
	int rc;

	if (f->rel->kind != ML7_RELEASE_HELM ||
	    (f->rel->service_type && !strcmp(f->rel->service_type, "ClusterIP")))
		return 0;
	rc = get_service(f, &svc, err);
	if (!rc && helm_managed(svc)) {
		helm_conf(f, &hc);
		rc = ml7_helm_conf_check(&hc, err);
		if (rc)
			ml7_err_prefix(err, "helm (the release %s is flipped with it)", f->o->release);
	}
	cJSON_Delete(svc);
	return rc;
}

/* Builds the Ingress with the given ARN (or the first of the options). */
static int build_ingress(struct flow *f, const char *arn, struct ml7_err *err)
{
	struct ml7_ingress_opts io = f->o->ingress;
	const char *arns[1];

	if (arn) {
		arns[0] = arn;
		io.cert_arns.items = arns;
		io.cert_arns.n = 1;
	}
	cJSON_Delete(f->ingress);
	f->ingress = NULL;
	return ml7_ingress_build(&io, f->rel, &f->ingress, err);
}

/* The doctor's checks: a FAIL stops setup before anything is written; a WARN is shown unless
 * setup itself deals with it (the Service type, a certificate that is imported later). */
static int doctor(struct flow *f, struct ml7_err *err)
{
	const struct ml7_flow_opts *o = f->o;
	struct ml7_doctor_opts dop = { 0 };
	struct ml7_doctor_report rep = { 0 };
	size_t i;
	int rc;

	dop.ns = f->ns;
	dop.release = o->release;
	dop.service = o->service;
	dop.ingress_name = o->ingress.name;
	dop.ingress_class = o->ingress.ingress_class;
	dop.host = o->ingress.host;
	dop.cert_arns = o->ingress.cert_arns.items;
	dop.n_cert_arns = o->ingress.cert_arns.n;
	rc = ml7_doctor_run(f->k, &dop, &rep, err);
	for (i = 0; !rc && i < rep.n; i++) {
		const struct ml7_check *c = &rep.checks[i];

		if (!strcmp(c->name, "service-type") || (!strcmp(c->name, "certificate") && !dop.n_cert_arns) ||
		    (!strcmp(c->name, "ingress") && o->force) || c->status == ML7_CHECK_OK)
			continue;
		if (c->status == ML7_CHECK_WARN)
			flow_warn(f, "%s: %s", c->name, c->detail);
		else
			rc = ml7_err_set(err, !strcmp(c->name, "namespace") || !strcmp(c->name, "service") ?
					 ML7_ENOTFOUND : ML7_EINVAL, "%s: %s%s%s", c->name, c->detail,
					 c->hint[0] ? "; " : "", c->hint);
	}
	ml7_doctor_report_free(&rep);
	return rc;
}

int flow_step_preflight(struct flow *f, struct ml7_err *err)
{
	const struct ml7_flow_opts *o = f->o;
	int rc;

	rc = doctor(f, err);
	if (rc)
		return rc;
	rc = ml7_release_find(f->k, f->ns, o->release, o->service, &f->rel, err);
	if (rc)
		return rc;
	/* the whole Ingress is checked now, before anything is written */
	rc = build_ingress(f, o->ingress.cert_arns.n ? NULL : STANDIN_ARN, err);
	if (rc)
		return rc;
	rc = check_helm(f, err);
	if (rc)
		return rc;
	rc = flow_state_load(f, err);
	if (rc)
		return rc;
	flow_done(f, ML7_FLOW_DONE, "release %s/%s: Service %s, port %d, type %s (%s)", f->ns, o->release,
		  f->rel->service, f->rel->port, f->rel->service_type ? f->rel->service_type : "?",
		  f->rel->kind == ML7_RELEASE_OPERATOR ? "Milvus Operator" : "Helm chart labels");
	return 0;
}

/* ---- service --------------------------------------------------------------- */

static int service_type_now(struct flow *f, char **type, struct ml7_err *err)
{
	cJSON *svc = NULL;
	int rc = get_service(f, &svc, err);

	if (!rc)
		*type = json_strdup(cJSON_GetObjectItemCaseSensitive(svc, "spec"), "type");
	cJSON_Delete(svc);
	return rc;
}

/* The Operator reconciles the Service from the CR: wait until it shows ClusterIP. */
static int wait_service_clusterip(struct flow *f, struct ml7_err *err)
{
	long every = 250;

	for (;;) {
		char *type = NULL;
		int rc = service_type_now(f, &type, err), is = type && !strcmp(type, "ClusterIP");

		ml7_free(type);
		if (rc || is)
			return rc;
		if (flow_left_ms(f) <= every)
			return ml7_err_set(err, ML7_ETIMEDOUT,
					   "the Milvus Operator did not turn Service %s/%s into ClusterIP "
					   "in time; is the operator running? (kubectl -n milvus-operator get pods)",
					   f->ns, f->rel->service);
		flow_progress(f, "waiting for the Milvus Operator to turn Service %s into ClusterIP",
			      f->rel->service);
		rc = ml7_sleep_ms(every);
		if (rc)
			return ml7_err_set(err, rc, "interrupted");
	}
}

static int patch_object(struct flow *f, const char *gv, const char *resource, const char *name,
			enum ml7_kube_patch_type type, const char *patch_text, struct ml7_err *err)
{
	struct ml7_buf path = ML7_BUF_INIT;
	struct ml7_kube_write_opts wo = { .dry_run = f->o->dry_run };
	cJSON *patch = cJSON_Parse(patch_text);
	int rc;

	if (!patch)
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	rc = ml7_kube_path(&path, gv, f->ns, resource, name, NULL);
	if (!rc)
		rc = ml7_kube_patch(f->k, path.data, type, patch, &wo, NULL, err);
	cJSON_Delete(patch);
	ml7_buf_free(&path);
	return rc;
}

static int service_operator(struct flow *f, struct ml7_err *err)
{
	const char *comp = f->rel->component ? f->rel->component : "proxy";
	char patch[256];
	int rc;

	snprintf(patch, sizeof(patch), "{\"spec\":{\"components\":{\"%s\":{\"serviceType\":\"ClusterIP\"}}}}",
		 comp);
	rc = patch_object(f, "milvus.io/v1beta1", "milvuses", f->rel->name, ML7_KUBE_PATCH_MERGE, patch,
			  err);
	if (rc) {
		ml7_err_prefix(err, "cannot patch Milvus %s/%s", f->ns, f->rel->name);
		return rc;
	}
	if (f->o->dry_run) {
		flow_done(f, ML7_FLOW_PLANNED, "would set spec.components.%s.serviceType=ClusterIP on Milvus %s",
			  comp, f->rel->name);
		return 0;
	}
	rc = wait_service_clusterip(f, err);
	if (!rc)
		flow_done(f, ML7_FLOW_DONE, "Milvus %s: spec.components.%s.serviceType=ClusterIP; Service %s is ClusterIP",
			  f->rel->name, comp, f->rel->service);
	return rc;
}

static int service_unmanaged(struct flow *f, struct ml7_err *err)
{
	char patch[256];
	int rc;

	flow_warn(f, "Service %s/%s is managed neither by Helm nor by the Milvus Operator: patching it "
		  "directly; whatever created it may set it back", f->ns, f->rel->service);
	/* strategic merge on the port's key drops the nodePort that ClusterIP refuses */
	snprintf(patch, sizeof(patch),
		 "{\"spec\":{\"type\":\"ClusterIP\",\"externalTrafficPolicy\":null,"
		 "\"ports\":[{\"port\":%d,\"nodePort\":null}]}}", f->rel->port);
	rc = patch_object(f, "v1", "services", f->rel->service, ML7_KUBE_PATCH_STRATEGIC, patch, err);
	if (rc) {
		ml7_err_prefix(err, "cannot patch Service %s/%s", f->ns, f->rel->service);
		return rc;
	}
	flow_done(f, f->o->dry_run ? ML7_FLOW_PLANNED : ML7_FLOW_DONE, "%sService %s: type ClusterIP",
		  f->o->dry_run ? "would set " : "", f->rel->service);
	return 0;
}

/* Helm: the plugin's values-preserving upgrade (every user value kept, chart version pinned). */
static int service_helm(struct flow *f, struct ml7_err *err)
{
	const struct ml7_flow_opts *o = f->o;
	struct ml7_helm_conf hc;
	struct ml7_helm_flip_opts fo = { 0 };
	struct ml7_helm_flip_result fr = { 0 };
	struct ml7_buf line = ML7_BUF_INIT;
	size_t i;
	int rc;

	helm_conf(f, &hc);
	fo.release = o->release;
	fo.chart = o->chart;
	fo.dry_run = o->dry_run;
	flow_progress(f, "helm upgrade %s (values kept, chart version pinned)", o->release);
	rc = ml7_helm_flip(&hc, &fo, &fr, err);
	if (rc) {
		ml7_err_prefix(err, "helm upgrade of release %s/%s", f->ns, o->release);
		goto out;
	}
	if (fr.warning)
		flow_warn(f, "%s", fr.warning);
	/* the values diff on one line: "- service.type: LoadBalancer; + service.type: ClusterIP" */
	for (i = 0; fr.diff.data && i < fr.diff.len; i++) {
		char c = fr.diff.data[i] == '\n' ? ';' : fr.diff.data[i];

		if ((rc = ml7_buf_append(&line, &c, 1)) || (c == ';' && (rc = ml7_buf_append(&line, " ", 1))))
			goto out;
	}
	while (line.len && (line.data[line.len - 1] == ' ' || line.data[line.len - 1] == ';'))
		line.data[--line.len] = 0;
	if (o->dry_run)
		flow_done(f, ML7_FLOW_PLANNED, "would run %s; values: %s", fr.command ? fr.command : "helm upgrade",
			  line.len ? line.data : "no change");
	else if (!fr.changed)
		flow_done(f, ML7_FLOW_DONE, "Helm values already set; chart %s", fr.chart ? fr.chart : "?");
	else
		flow_done(f, ML7_FLOW_DONE, "helm upgrade to revision %d, chart %s kept: %s; every other value kept",
			  fr.revision_after, fr.chart ? fr.chart : "?", line.len ? line.data : "");
out:
	ml7_buf_free(&line);
	ml7_helm_flip_result_free(&fr);
	return rc;
}

int flow_step_service(struct flow *f, struct ml7_err *err)
{
	cJSON *svc = NULL;
	const char *type;
	int rc;

	rc = get_service(f, &svc, err);
	if (rc)
		return rc;
	type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(svc, "spec"),
								      "type"));
	if (type && !strcmp(type, "ClusterIP"))
		flow_done(f, ML7_FLOW_SKIPPED, "Service %s is already ClusterIP", f->rel->service);
	else if (f->rel->kind == ML7_RELEASE_OPERATOR)
		rc = service_operator(f, err);
	else if (f->rel->kind == ML7_RELEASE_HELM && helm_managed(svc))
		rc = service_helm(f, err);
	else
		rc = service_unmanaged(f, err);
	cJSON_Delete(svc);
	return rc;
}

/* ---- verify ---------------------------------------------------------------- */

void ml7_flow_probe_opts(const struct ml7_flow_opts *o, const char *address,
			 struct ml7_probe_opts *po)
{
	memset(po, 0, sizeof(*po));
	po->address = address;
	po->server_name = o->ingress.host;
	po->connect_to = o->connect_to;
	po->ca_file = o->ca_file;
	po->user = o->milvus_user;
	po->password = o->milvus_password;
	po->token = o->milvus_token;
	po->db = o->db;
	po->health = 1;
}

/* What a balancer that is still coming up answers: worth another try. */
static int transient(enum ml7_probe_diag d)
{
	switch (d) {
	case ML7_DIAG_NXDOMAIN:
	case ML7_DIAG_DNS:
	case ML7_DIAG_REFUSED:
	case ML7_DIAG_UNREACHABLE:
	case ML7_DIAG_TIMEOUT:
	case ML7_DIAG_RESET:
	case ML7_DIAG_HOST_RULE:        /* listener rules propagate for a few seconds */
	case ML7_DIAG_BAD_GATEWAY:      /* targets still registering / health checks */
	case ML7_DIAG_NO_TARGETS:
	case ML7_DIAG_GATEWAY_TIMEOUT:
		return 1;
	default:
		return 0;
	}
}

int flow_step_verify(struct flow *f, struct ml7_err *err)
{
	struct ml7_flow_result *res = f->res;
	struct ml7_probe_opts po;
	long delay = 500;
	int tries = 0, rc;

	if (f->o->dry_run && !res->address) {
		flow_done(f, ML7_FLOW_PLANNED, "would call GetVersion, Connect and CheckHealth through "
			  "the balancer as %s", f->o->ingress.host);
		return 0;
	}
	ml7_flow_probe_opts(f->o, res->address, &po);
	for (;;) {
		struct ml7_err e = { 0 };
		long left = flow_left_ms(f);

		po.timeout_ms = left < 10000 ? (left > 1000 ? left : 1000) : 10000;
		if (res->probed)
			ml7_probe_result_free(&res->probe);
		rc = ml7_probe_run(&po, &res->probe, &e);
		res->probed = 1;
		tries++;
		if (!rc)
			break;
		if (rc != ML7_EVERIFY || !transient(res->probe.diag) || flow_left_ms(f) <= delay) {
			ml7_err_set(err, rc, "%s%s%s%s", e.msg, res->probe.hint ? "; " : "",
				    res->probe.hint ? res->probe.hint : "",
				    rc == ML7_EVERIFY && transient(res->probe.diag) ? " (gave up at the deadline)" : "");
			return rc;
		}
		flow_progress(f, "%s: %s; trying again in %.1f s", ml7_probe_diag_name(res->probe.diag),
			      e.msg, delay / 1000.0);
		rc = ml7_sleep_ms(delay);
		if (rc)
			return ml7_err_set(err, rc, "interrupted");
		if (delay < 8000)
			delay *= 2;
	}
	flow_done(f, ML7_FLOW_DONE, "Milvus %s answered through %s as %s (%s, %s; healthy%s)",
		  res->probe.version ? res->probe.version : "?", res->probe.peer ? res->probe.peer : res->address,
		  res->probe.authority ? res->probe.authority : f->o->ingress.host,
		  res->probe.tls_version ? res->probe.tls_version : "TLS",
		  res->probe.alpn ? res->probe.alpn : "h2", tries > 1 ? ", after retries" : "");
	return 0;
}

/* ---- certificate ----------------------------------------------------------- */

#define CERT_FILE_CAP (64 * 1024)

static int read_input(const char *what, const char *path, int secret, struct ml7_buf *b,
		      struct ml7_err *err)
{
	int rc;

	b->secret = secret;
	b->max = CERT_FILE_CAP;
	rc = ml7_buf_read_file(b, path, err);
	if (rc)
		ml7_err_prefix(err, "%s", what);
	return rc;
}

/* sha256 of the certificate and chain as ACM would get them: what says "already imported". */
static void fingerprint(const struct ml7_cert_report *rep, char hex[65])
{
	unsigned char md[32];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int i;

	hex[0] = 0;
	if (!c)
		return;
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, rep->cert_pem, strlen(rep->cert_pem));
	if (rep->chain_pem)
		EVP_DigestUpdate(c, rep->chain_pem, strlen(rep->chain_pem));
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static int acm_client(struct flow *f, const char *arn, struct ml7_aws **aws, struct ml7_acm **acm,
		      struct ml7_err *err)
{
	struct ml7_aws_opts ao = { .profile = f->o->aws_profile, .region = f->o->aws_region,
				   .arn = arn, .service = "acm", .env_service = "ACM" };
	int rc = ml7_aws_resolve(&ao, aws, err);

	if (!rc && (rc = ml7_acm_new(*aws, acm, err))) {
		ml7_aws_free(*aws);
		*aws = NULL;
	}
	return rc;
}

/* --cert-arn: described in ACM when there are credentials (the same check as `ingress apply`). */
static int cert_given(struct flow *f, struct ml7_err *err)
{
	const char *arn = f->o->ingress.cert_arns.items[0];
	struct ml7_aws_opts ao = { .profile = f->o->aws_profile, .region = f->o->aws_region,
				   .service = "acm", .env_service = "ACM" };
	struct ml7_strlist problems = { 0 };
	int checked = 0, rc;

	rc = ml7_acm_preflight(&ao, arn, f->o->ingress.host, &checked, &problems, err);
	if (!rc && problems.n)
		rc = ml7_err_set(err, ML7_EVERIFY, "certificate %s cannot serve %s: %s", arn,
				 f->o->ingress.host, problems.items[0]);
	if (!rc) {
		f->res->certificate_arn = ml7_strdup(arn);
		if (checked)
			flow_done(f, ML7_FLOW_DONE, "%s: issued and valid in ACM, covers %s", arn, f->o->ingress.host);
		else
			flow_done(f, ML7_FLOW_DONE, "%s (not checked: no AWS credentials configured)", arn);
	}
	ml7_strlist_free(&problems);
	return rc;
}

static int cert_import(struct flow *f, struct ml7_err *err)
{
	const struct ml7_flow_opts *o = f->o;
	struct ml7_buf cert = ML7_BUF_INIT, key = ML7_BUF_INIT, chain = ML7_BUF_INIT, ca = ML7_BUF_INIT;
	struct ml7_cert_opts co = { 0 };
	struct ml7_cert_report *rep = NULL;
	struct ml7_aws *aws = NULL;
	struct ml7_acm *acm = NULL;
	struct ml7_acm_import_req req = { 0 };
	struct ml7_strlist tags = { 0 };
	char sha[65], tag[400], *arn = NULL;
	size_t i;
	int rc;

	if ((rc = read_input("--cert", o->cert_file, 0, &cert, err)) ||
	    (rc = read_input("--key", o->key_file, 1, &key, err)) ||
	    (o->chain_file && (rc = read_input("--chain", o->chain_file, 0, &chain, err))) ||
	    (o->ca_file && (rc = read_input("--ca-file", o->ca_file, 0, &ca, err))))
		goto out;
	co.cert = cert.data;
	co.cert_len = cert.len;
	co.key = key.data;
	co.key_len = key.len;
	co.chain = chain.data;
	co.chain_len = chain.len;
	co.host = o->ingress.host;
	co.ca_pem = ca.data;
	co.ca_len = ca.len;
	rc = ml7_cert_check(&co, &rep, err);
	if (rc)
		goto out;
	for (i = 0; i < rep->n; i++) {
		if (rep->results[i].status == ML7_CERT_WARN)
			flow_warn(f, "certificate %s: %s", rep->results[i].check, rep->results[i].msg);
		else if (rep->results[i].status == ML7_CERT_FAIL && !rc)
			rc = ml7_err_set(err, ML7_EVERIFY, "certificate check %s failed: %s "
					 "(kubectl milvus-l7 cert check shows every check)",
					 rep->results[i].check, rep->results[i].msg);
	}
	if (rc)
		goto out;
	fingerprint(rep, sha);
	if (f->state_arn && f->state_sha && !strcmp(f->state_sha, sha)) {
		f->res->certificate_arn = ml7_strdup(f->state_arn);
		flow_done(f, ML7_FLOW_SKIPPED, "already imported as %s", f->state_arn);
		goto out;
	}
	if (o->dry_run) {
		flow_done(f, ML7_FLOW_PLANNED, "%s (%s, %ld days left) would be %s", rep->subject,
			  rep->key_algorithm, rep->days_left,
			  f->state_arn ? "re-imported onto the recorded ARN" : "imported into ACM");
		goto out;
	}
	rc = acm_client(f, f->state_arn, &aws, &acm, err);
	if (rc)
		goto out;
	req.cert_pem = rep->cert_pem;
	req.chain_pem = rep->chain_pem;
	req.key_pem = rep->key_pem;
	req.key_len = rep->key_pem_len;
	req.arn = f->state_arn;
	if (!req.arn) {
		snprintf(tag, sizeof(tag), "milvus-l7/release=%s/%s", f->ns, o->release);
		if ((rc = ml7_strlist_push(&tags, tag)))
			goto nomem;
		req.tags = &tags;
	}
	rc = ml7_acm_import(acm, &req, &arn, err);
	if (rc == ML7_ENOTFOUND && req.arn) {
		/* the recorded certificate was deleted from ACM: import a new one */
		flow_warn(f, "the recorded certificate %s is gone from ACM; importing a new one", req.arn);
		ml7_err_clear(err);
		snprintf(tag, sizeof(tag), "milvus-l7/release=%s/%s", f->ns, o->release);
		if ((rc = ml7_strlist_push(&tags, tag)))
			goto nomem;
		req.arn = NULL;
		req.tags = &tags;
		rc = ml7_acm_import(acm, &req, &arn, err);
	}
	if (rc)
		goto out;
	rc = flow_state_save(f, arn, sha, err);
	if (rc)
		goto out;
	flow_done(f, ML7_FLOW_DONE, "%s %s (%s, %ld days left)",
		  req.arn ? "re-imported onto" : "imported as", arn, rep->key_algorithm, rep->days_left);
	f->res->certificate_arn = arn;
	arn = NULL;
	goto out;
nomem:
	rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
out:
	ml7_free(arn);
	ml7_strlist_free(&tags);
	ml7_acm_free(acm);
	ml7_aws_free(aws);
	ml7_cert_report_free(rep);
	ml7_buf_free(&cert);
	ml7_buf_free(&key);
	ml7_buf_free(&chain);
	ml7_buf_free(&ca);
	return rc;
}

int flow_step_certificate(struct flow *f, struct ml7_err *err)
{
	int rc;

	if (!f->o->cert_file)
		return cert_given(f, err);   /* preflight built the Ingress with every given ARN */
	rc = cert_import(f, err);
	if (!rc && f->res->certificate_arn)
		rc = build_ingress(f, f->res->certificate_arn, err);
	return rc;
}

/* ---- ingress --------------------------------------------------------------- */

/* status.loadBalancer.ingress[0].hostname (or .ip), or NULL. */
static char *lb_address(const cJSON *ing)
{
	const cJSON *lb = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(ing, "status"), "loadBalancer"), "ingress"), 0);
	char *a = json_strdup(lb, "hostname");

	return a ? a : json_strdup(lb, "ip");
}

int flow_step_ingress(struct flow *f, struct ml7_err *err)
{
	struct ml7_ingress_apply_opts ao = { .dry_run = f->o->dry_run ? ML7_DRY_RUN_SERVER : ML7_DRY_RUN_NONE,
					     .force = f->o->force };
	struct ml7_ingress_apply_result ar = { 0 };
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(f->ingress, "metadata"), "name"));
	int rc;

	rc = ml7_ingress_apply(f->k, f->ingress, &ao, &ar, err);
	if (rc) {
		if (rc == ML7_ECONFLICT)
			ml7_err_prefix(err, "Ingress %s/%s", f->ns, name);
		goto out;
	}
	f->res->ingress_name = ml7_strdup(name);
	f->ingress_changed = ar.action != ML7_APPLY_UNCHANGED;
	f->applied_at = f->ingress_changed ? ar.applied_at : 0;
	if (f->ingress_changed)
		snprintf(f->applied_rv, sizeof(f->applied_rv), "%s", ar.resource_version);
	if (!f->ingress_changed)
		f->res->address = lb_address(ar.object);
	if (f->o->dry_run)
		flow_done(f, ML7_FLOW_PLANNED, "Ingress %s would be %s (server dry run passed)", name,
			  ar.action == ML7_APPLY_CREATED ? "created" :
			  ar.action == ML7_APPLY_UPDATED ? "updated" : "left as it is");
	else if (ar.action == ML7_APPLY_UNCHANGED)
		flow_done(f, ML7_FLOW_SKIPPED, "Ingress %s is already as it should be (generation %ld)",
			  name, ar.generation);
	else
		flow_done(f, ML7_FLOW_DONE, "Ingress %s %s (generation %ld)", name,
			  ar.action == ML7_APPLY_CREATED ? "created" : "updated", ar.generation);
out:
	cJSON_Delete(ar.object);
	return rc;
}

/* ---- wait ------------------------------------------------------------------ */

static void wait_progress(void *userdata, const struct ml7_wait_progress *p)
{
	static const char *const what[] = { "", "the controller's address", "DNS", "TLS", "ready" };
	struct flow *f = userdata;

	flow_progress(f, "waiting for %s (%.0f s)%s%s", what[p->phase < 5 ? p->phase : 0],
		      p->elapsed_ms / 1000.0, p->note ? ": " : "", p->note ? p->note : "");
}

int flow_step_wait(struct flow *f, struct ml7_err *err)
{
	struct ml7_ingress_wait_opts wo = { 0 };
	struct ml7_ingress_wait_result wr = { 0 };
	int rc;

	if (f->o->dry_run) {
		flow_done(f, ML7_FLOW_PLANNED, "would wait for the AWS Load Balancer Controller's address");
		return 0;
	}
	if (f->res->address) {
		/* nothing was applied and the controller had answered: verify proves the rest */
		flow_done(f, ML7_FLOW_SKIPPED, "address %s (already there)", f->res->address);
		return 0;
	}
	wo.ns = f->ns;
	wo.name = f->res->ingress_name;
	wo.timeout_ms = flow_left_ms(f);
	wo.since = f->applied_at;
	wo.since_resource_version = f->applied_rv[0] ? f->applied_rv : NULL;
	wo.connect_to = f->o->connect_to;
	wo.server_name = f->o->ingress.host;
	wo.ca_file = f->o->ca_file;
	wo.progress = wait_progress;
	wo.userdata = f;
	rc = ml7_ingress_wait(f->k, &wo, &wr, err);
	if (rc)
		return rc;
	f->res->address = ml7_strdup(wr.address);
	if (!f->res->address)
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	flow_done(f, ML7_FLOW_DONE, "address %s (after %.1f s), TLS answers", wr.address,
		  wr.address_ms / 1000.0);
	return 0;
}
