/* yaml.c - YAML <-> cJSON with libyaml. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "ml7/buf.h"
#include "ml7/mem.h"
#include "ml7/yaml.h"

#define MAX_DEPTH 128

struct anchor {
	char *name;
	cJSON *node;        /* a copy, owned */
	struct anchor *next;
};

struct reader {
	yaml_parser_t parser;
	const char *name;
	struct anchor *anchors;
	struct ml7_err *err;
};

static int parse_error(struct reader *r)
{
	const yaml_parser_t *p = &r->parser;

	if (p->error == YAML_MEMORY_ERROR)
		return ml7_err_set(r->err, ML7_ENOMEM, "out of memory reading %s", r->name);
	if (p->context)
		return ml7_err_set(r->err, ML7_EINVAL, "%s: line %lu: %s %s", r->name,
				   (unsigned long)p->problem_mark.line + 1, p->context,
				   p->problem ? p->problem : "");
	return ml7_err_set(r->err, ML7_EINVAL, "%s: line %lu: %s", r->name,
			   (unsigned long)p->problem_mark.line + 1, p->problem ? p->problem : "invalid YAML");
}

static int is_int(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o'))
		return 0;
	for (; *p; p++)
		if ((*p < '0' || *p > '9') && *p != '_')
			return 0;
	return 1;
}

static int is_float(const char *s)
{
	char *end;
	const char *p = s;
	int digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	for (const char *q = p; *q; q++)
		if (*q >= '0' && *q <= '9')
			digits = 1;
		else if (!strchr(".eE+-", *q))
			return 0;
	if (!digits || !strchr(p, '.'))
		return 0;
	errno = 0;
	strtod(s, &end);
	return *end == '\0' && errno == 0;
}

static const char *const yaml_true[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON",
					"y", "Y", NULL};
static const char *const yaml_false[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off",
					 "OFF", "n", "N", NULL};

static int in_list(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (strcmp(s, *l) == 0)
			return 1;
	return 0;
}

/* A plain scalar's type, as sigs.k8s.io/yaml (yaml.v2) resolves it. */
static cJSON *resolve_plain(const char *s)
{
	if (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0)
		return cJSON_CreateNull();
	if (in_list(s, yaml_true))
		return cJSON_CreateTrue();
	if (in_list(s, yaml_false))
		return cJSON_CreateFalse();
	if (is_int(s) && strlen(s) < 16 && !strchr(s, '_'))
		return cJSON_CreateNumber((double)strtoll(s, NULL, 10));
	if (is_float(s))
		return cJSON_CreateNumber(strtod(s, NULL));
	return cJSON_CreateString(s);
}

static int next_event(struct reader *r, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&r->parser, ev))
		return parse_error(r);
	return 0;
}

static int remember(struct reader *r, const unsigned char *name, const cJSON *node)
{
	struct anchor *a;

	if (!name)
		return 0;
	a = ml7_calloc(1, sizeof(*a));
	if (!a || !(a->name = ml7_strdup((const char *)name)) ||
	    !(a->node = cJSON_Duplicate(node, 1))) {
		if (a)
			ml7_free(a->name);
		ml7_free(a);
		return ml7_err_set(r->err, ML7_ENOMEM, "out of memory reading %s", r->name);
	}
	a->next = r->anchors;
	r->anchors = a;
	return 0;
}

static int read_node(struct reader *r, yaml_event_t *ev, int depth, cJSON **out);

/* Reads the items of a sequence or mapping until its end event. */
static int read_children(struct reader *r, cJSON *parent, int mapping, int depth)
{
	for (;;) {
		yaml_event_t ev;
		cJSON *key = NULL, *val = NULL;
		int rc;

		if ((rc = next_event(r, &ev)))
			return rc;
		if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		rc = read_node(r, &ev, depth + 1, mapping ? &key : &val);
		yaml_event_delete(&ev);
		if (rc)
			return rc;
		if (!mapping) {
			cJSON_AddItemToArray(parent, val);
			continue;
		}
		if (!cJSON_IsString(key)) {
			/* Kubernetes objects have string keys; numbers and bools become their text */
			char *txt = cJSON_IsNull(key) ? ml7_strdup("null") : cJSON_PrintUnformatted(key);

			cJSON_Delete(key);
			key = txt ? cJSON_CreateString(txt) : NULL;
			if (txt)
				cJSON_free(txt);
			if (!key)
				return ml7_err_set(r->err, ML7_ENOMEM, "out of memory reading %s", r->name);
		}
		if ((rc = next_event(r, &ev))) {
			cJSON_Delete(key);
			return rc;
		}
		rc = read_node(r, &ev, depth + 1, &val);
		yaml_event_delete(&ev);
		if (rc) {
			cJSON_Delete(key);
			return rc;
		}
		/* a repeated key: the last one wins, as in yaml.v2's map decoding */
		cJSON_DeleteItemFromObjectCaseSensitive(parent, key->valuestring);
		cJSON_AddItemToObject(parent, key->valuestring, val);
		cJSON_Delete(key);
	}
}

static int read_node(struct reader *r, yaml_event_t *ev, int depth, cJSON **out)
{
	cJSON *node = NULL;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return ml7_err_set(r->err, ML7_ELIMIT, "%s: line %lu: nested too deeply", r->name,
				   (unsigned long)ev->start_mark.line + 1);
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		const char *v = (const char *)ev->data.scalar.value;
		const char *tag = (const char *)ev->data.scalar.tag;

		if (tag && strcmp(tag, YAML_STR_TAG) == 0)
			node = cJSON_CreateString(v);
		else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			node = resolve_plain(v);
		else
			node = cJSON_CreateString(v);
		if (node)
			rc = remember(r, ev->data.scalar.anchor, node);
		break;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int mapping = ev->type == YAML_MAPPING_START_EVENT;
		const unsigned char *anchor = mapping ? ev->data.mapping_start.anchor
						      : ev->data.sequence_start.anchor;

		node = mapping ? cJSON_CreateObject() : cJSON_CreateArray();
		if (!node)
			break;
		rc = read_children(r, node, mapping, depth);
		if (rc == 0)
			rc = remember(r, anchor, node);
		break;
	}
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;

		const struct anchor *a = r->anchors;

		while (a && strcmp(a->name, name) != 0)
			a = a->next;
		if (a)
			node = cJSON_Duplicate(a->node, 1);
		else
			return ml7_err_set(r->err, ML7_EINVAL, "%s: line %lu: unknown alias '%s'", r->name,
					   (unsigned long)ev->start_mark.line + 1, name);
		break;
	}
	default:
		return ml7_err_set(r->err, ML7_EINVAL, "%s: line %lu: unexpected YAML event", r->name,
				   (unsigned long)ev->start_mark.line + 1);
	}
	if (!node && rc == 0)
		rc = ml7_err_set(r->err, ML7_ENOMEM, "out of memory reading %s", r->name);
	if (rc) {
		cJSON_Delete(node);
		return rc;
	}
	*out = node;
	return 0;
}

int ml7_yaml_parse_all(const char *text, size_t len, const char *name, cJSON **out,
		       struct ml7_err *err)
{
	struct reader r;
	cJSON *docs = cJSON_CreateArray();
	int rc = 0, done = 0;

	memset(&r, 0, sizeof(r));
	r.name = name ? name : "YAML";
	r.err = err;
	if (!docs || !yaml_parser_initialize(&r.parser)) {
		cJSON_Delete(docs);
		return ml7_err_set(err, ML7_ENOMEM, "out of memory reading %s", r.name);
	}
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
	while (!done && rc == 0) {
		yaml_event_t ev;

		if ((rc = next_event(&r, &ev)))
			break;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT: {
			yaml_event_t body;
			cJSON *doc = NULL;

			if ((rc = next_event(&r, &body)))
				break;
			if (body.type == YAML_DOCUMENT_END_EVENT) {
				doc = cJSON_CreateNull();
				if (!doc)
					rc = ml7_err_set(err, ML7_ENOMEM, "out of memory");
			} else {
				rc = read_node(&r, &body, 0, &doc);
				if (rc == 0) {
					yaml_event_t end;

					rc = next_event(&r, &end);
					if (rc == 0)
						yaml_event_delete(&end);
				}
			}
			yaml_event_delete(&body);
			if (rc == 0)
				cJSON_AddItemToArray(docs, doc);
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	while (r.anchors) {
		struct anchor *a = r.anchors;

		r.anchors = a->next;
		ml7_free(a->name);
		cJSON_Delete(a->node);
		ml7_free(a);
	}
	yaml_parser_delete(&r.parser);
	if (rc) {
		cJSON_Delete(docs);
		return rc;
	}
	*out = docs;
	return 0;
}

int ml7_yaml_parse(const char *text, size_t len, const char *name, cJSON **out, struct ml7_err *err)
{
	cJSON *docs, *first;
	int rc = ml7_yaml_parse_all(text, len, name, &docs, err);

	if (rc)
		return rc;
	first = cJSON_DetachItemFromArray(docs, 0);
	cJSON_Delete(docs);
	if (!first && !(first = cJSON_CreateNull()))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory");
	*out = first;
	return 0;
}

/* ---- emitting ----------------------------------------------------------- */

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	return ml7_buf_append(data, buffer, size) == 0;
}

/* Would this string read back as something other than a string? */
static int needs_quotes(const char *s)
{
	cJSON *t;
	int q;

	if (!*s)
		return 1;
	t = resolve_plain(s);
	q = !t || !cJSON_IsString(t);
	cJSON_Delete(t);
	return q || strcasecmp(s, ".nan") == 0 || strcasecmp(s, ".inf") == 0 ||
	       strcasecmp(s, "-.inf") == 0 || is_float(s) || s[0] == '0';
}

static int emit_scalar(yaml_emitter_t *e, const char *v, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)v, (int)strlen(v), 1, 1,
					  style))
		return 0;
	return yaml_emitter_emit(e, &ev);
}

static int emit_node(yaml_emitter_t *e, const cJSON *n)
{
	yaml_event_t ev;
	char num[64];

	if (cJSON_IsObject(n)) {
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							 n->child ? YAML_BLOCK_MAPPING_STYLE
								  : YAML_FLOW_MAPPING_STYLE) ||
		    !yaml_emitter_emit(e, &ev))
			return 0;
		for (const cJSON *c = n->child; c; c = c->next) {
			if (!emit_scalar(e, c->string, needs_quotes(c->string)
							      ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
							      : YAML_ANY_SCALAR_STYLE) ||
			    !emit_node(e, c))
				return 0;
		}
		return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
	}
	if (cJSON_IsArray(n)) {
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  n->child ? YAML_BLOCK_SEQUENCE_STYLE
								   : YAML_FLOW_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(e, &ev))
			return 0;
		for (const cJSON *c = n->child; c; c = c->next)
			if (!emit_node(e, c))
				return 0;
		return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
	}
	if (cJSON_IsString(n)) {
		const char *s = n->valuestring;

		if (strchr(s, '\n'))
			return emit_scalar(e, s, YAML_LITERAL_SCALAR_STYLE);
		return emit_scalar(e, s, needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
							 : YAML_ANY_SCALAR_STYLE);
	}
	if (cJSON_IsBool(n))
		return emit_scalar(e, cJSON_IsTrue(n) ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
	if (cJSON_IsNumber(n)) {
		double d = n->valuedouble;

		if (d == floor(d) && fabs(d) < 1e15)
			snprintf(num, sizeof(num), "%.0f", d);
		else
			snprintf(num, sizeof(num), "%.17g", d);
		return emit_scalar(e, num, YAML_PLAIN_SCALAR_STYLE);
	}
	return emit_scalar(e, "null", YAML_PLAIN_SCALAR_STYLE);
}

int ml7_yaml_emit(const cJSON *obj, struct ml7_buf *out, struct ml7_err *err)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	int ok;

	if (!yaml_emitter_initialize(&e))
		return ml7_err_set(err, ML7_ENOMEM, "out of memory writing YAML");
	yaml_emitter_set_output(&e, write_handler, out);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_emitter_set_indent(&e, 2);
	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emitter_emit(&e, &ev) &&
	     yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
	     yaml_emitter_emit(&e, &ev) && emit_node(&e, obj) &&
	     yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&e, &ev) &&
	     yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&e, &ev);
	if (!ok) {
		int rc = ml7_err_set(err, e.error == YAML_MEMORY_ERROR ? ML7_ENOMEM : ML7_EINVAL,
				     "cannot write YAML: %s", e.problem ? e.problem : "out of memory");

		yaml_emitter_delete(&e);
		return rc;
	}
	yaml_emitter_delete(&e);
	return 0;
}
