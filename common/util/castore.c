/* castore.c - the system's CA bundle (see castore.h). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ml7/castore.h"

/* the list of Go's crypto/x509 (root_linux.go), in its order */
static const char *const bundles[] = {
	"/etc/ssl/certs/ca-certificates.crt",                 /* Debian, Ubuntu, Gentoo, Arch */
	"/etc/pki/tls/certs/ca-bundle.crt",                   /* Fedora, RHEL 6 */
	"/etc/ssl/ca-bundle.pem",                             /* openSUSE */
	"/etc/pki/tls/cacert.pem",                            /* OpenELEC */
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  /* CentOS, RHEL 7 */
	"/etc/ssl/cert.pem",                                  /* Alpine */
};

const char *ml7_system_ca_file(void)
{
	const char *env = getenv("SSL_CERT_FILE");
	size_t i;

	if (env && *env)
		return env;
	for (i = 0; i < sizeof(bundles) / sizeof(bundles[0]); i++)
		if (access(bundles[i], R_OK) == 0)
			return bundles[i];
	return NULL;
}

const char *ml7_system_ca_dir(void)
{
	const char *env = getenv("SSL_CERT_DIR");
	struct stat st;

	if (env && *env)
		return env;
	if (stat("/etc/ssl/certs", &st) == 0 && S_ISDIR(st.st_mode))
		return "/etc/ssl/certs";
	return NULL;
}
