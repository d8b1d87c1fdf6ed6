/* helm_env.c - the kubectl connection flags from the environment Helm gives
 * its plugins (Helm strips its global flags and passes them as HELM_*). */
#include <stdlib.h>
#include <string.h>

#include "helm_plugin.h"

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

void helm_kube_env(struct ml7_kube_flags *kf)
{
	const char *groups = env("HELM_KUBEASGROUPS");
	const char *insecure = env("HELM_KUBEINSECURE_SKIP_TLS_VERIFY");

	/* KUBECONFIG stays a list (read by kubeconfig.c), even where Helm >= 4.1
	 * treats it as one path */
	kf->context = env("HELM_KUBECONTEXT");
	kf->namespace_ = env("HELM_NAMESPACE");
	kf->token = env("HELM_KUBETOKEN");
	kf->server = env("HELM_KUBEAPISERVER");
	kf->certificate_authority = env("HELM_KUBECAFILE");
	kf->as = env("HELM_KUBEASUSER");
	kf->tls_server_name = env("HELM_KUBETLS_SERVER_NAME");
	kf->insecure_skip_tls_verify = insecure && strcmp(insecure, "true") == 0;
	if (groups)
		ml7_strlist_split(&kf->as_groups, groups, ',', 1);
}
