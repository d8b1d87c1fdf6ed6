/* kubeflags.h - the standard kubectl connection flags, as given by the user.
 *
 * Plain data: NULL or 0 means "not given".  Strings are borrowed (argv or the
 * environment) and live as long as the process.  kubeconfig.c applies them
 * with kubectl's override rules. */
#ifndef ML7_KUBEFLAGS_H
#define ML7_KUBEFLAGS_H

#include "ml7/strlist.h"

struct ml7_kube_flags {
	const char *kubeconfig;
	const char *context;
	const char *cluster;
	const char *user;
	const char *namespace_;
	const char *server;
	const char *token;
	const char *as;
	const char *as_uid;
	struct ml7_strlist as_groups;
	const char *certificate_authority;
	const char *client_certificate;
	const char *client_key;
	int insecure_skip_tls_verify;      /* 1 given true, 0 not given or false */
	const char *tls_server_name;
	const char *request_timeout;       /* kubectl form: "0", "30", "1m" */
};

#endif
