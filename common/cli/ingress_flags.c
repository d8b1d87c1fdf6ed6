/* ingress_flags.c - the shared Ingress flags -> struct ml7_ingress_opts. */
#include <errno.h>
#include <stdlib.h>

#include "ml7/ingress_flags.h"

static struct ml7_ingress_list list(const struct ml7_strlist *l)
{
	struct ml7_ingress_list r = {(const char *const *)l->items, l->n};

	return r;
}

int ml7_ingress_flags_apply(const struct ml7_ingress_flags *f, struct ml7_ingress_opts *o,
			    struct ml7_err *err)
{
	if (f->group_order) {
		char *end;
		long v;

		errno = 0;
		v = strtol(f->group_order, &end, 10);
		if (!*f->group_order || *end || errno || v < -1000 || v > 1000)
			return ml7_err_set(err, ML7_EINVAL, "--group-order needs a whole number from -1000 to "
					   "1000, not '%s'", f->group_order);
		o->group_order = (int)v;
		o->group_order_set = 1;
	}
	if (f->idle_timeout_ms % 1000)
		return ml7_err_set(err, ML7_EINVAL, "--idle-timeout needs whole seconds, not %ldms",
				   f->idle_timeout_ms);
	o->idle_timeout_s = f->idle_timeout_ms / 1000;
	o->host = f->host;
	o->cert_arns = list(&f->cert_arns);
	o->scheme = f->scheme;
	o->ssl_policy = f->ssl_policy;
	o->group_name = f->group_name;
	o->load_balancer_name = f->load_balancer_name;
	o->inbound_cidrs = list(&f->inbound_cidrs);
	o->subnets = list(&f->subnets);
	o->security_groups = list(&f->security_groups);
	o->tags = list(&f->tags);
	o->wafv2_acl_arn = f->wafv2_acl_arn;
	o->ingress_class = f->ingress_class;
	o->name = f->name;
	o->annotations = list(&f->annotations);
	return 0;
}
