/* version.h - the tool's version and the runtime versions of its libraries. */
#ifndef ML7_VERSION_H
#define ML7_VERSION_H

/* Bare semver ("0.1.0"); Krew shows it with a "v". */
const char *ml7_version(void);
/* The git commit the binary was built from, or "unknown". */
const char *ml7_git_commit(void);

struct ml7_lib_versions {
	const char *curl;
	const char *openssl;
	const char *nghttp2;
	const char *libyaml;
	const char *cjson;
};

/* Borrowed strings, valid for the life of the process. */
void ml7_lib_versions(struct ml7_lib_versions *out);

#endif
