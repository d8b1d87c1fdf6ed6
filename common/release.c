/* release.c - find the Milvus Service of a Helm release or Operator CR. */
#include <stdio.h>
#include <string.h>

#include "ml7/mem.h"
#include "ml7/release.h"

void ml7_release_free(struct ml7_release *r)
{
	if (!r)
		return;
	ml7_free(r->name);
	ml7_free(r->namespace_);
	ml7_free(r->service);
	ml7_free(r->port_name);
	ml7_free(r->service_type);
	ml7_free(r->component);
	ml7_free(r);
}

static int dup_opt(char **dst, const char *s)
{
	if (!s)
		return 0;
	*dst = ml7_strdup(s);
	return *dst ? 0 : ML7_ENOMEM;
}

int ml7_release_new(const char *name, const char *ns, const char *service, int port,
		    struct ml7_release **out, struct ml7_err *err)
{
	struct ml7_release *r = ml7_calloc(1, sizeof(*r));

	if (!r || dup_opt(&r->name, name) || dup_opt(&r->namespace_, ns) || dup_opt(&r->service, service)) {
		ml7_release_free(r);
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	}
	r->port = port;
	r->kind = ML7_RELEASE_GIVEN;
	*out = r;
	return 0;
}
