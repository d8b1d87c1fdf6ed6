/* version.c - versions, from the build and from the libraries at run time. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <nghttp2/nghttp2.h>
#include <openssl/crypto.h>
#include <yaml.h>

#include "ml7/version.h"

#ifndef ML7_VERSION
#error "ML7_VERSION must come from the build (the VERSION file)"
#endif
#ifndef ML7_GIT_COMMIT
#define ML7_GIT_COMMIT "unknown"
#endif

const char *ml7_version(void)
{
	return ML7_VERSION;
}

const char *ml7_git_commit(void)
{
	return ML7_GIT_COMMIT;
}

void ml7_lib_versions(struct ml7_lib_versions *out)
{
	const curl_version_info_data *c = curl_version_info(CURLVERSION_NOW);
	const nghttp2_info *h = nghttp2_version(0);

	out->curl = c ? c->version : "unknown";
	out->openssl = OpenSSL_version(OPENSSL_VERSION);
	out->nghttp2 = h ? h->version_str : "unknown";
	out->libyaml = yaml_get_version_string();
	out->cjson = cJSON_Version();
}
