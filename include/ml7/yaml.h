/* yaml.h - YAML <-> cJSON through libyaml, as Kubernetes and Helm read YAML. */
#ifndef ML7_YAML_H
#define ML7_YAML_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ml7/err.h"

struct ml7_buf;

/* Parses every document of a YAML stream into a cJSON array (an empty
 * document becomes null).  Plain scalars resolve as YAML 1.1 does in
 * sigs.k8s.io/yaml: null/~, true/false/yes/no/on/off, integers, floats;
 * anything quoted is a string.  Anchors and aliases are expanded.  Errors
 * carry libyaml's message and the line.  name labels the input in messages.
 * *out is set only on success. */
int ml7_yaml_parse_all(const char *text, size_t len, const char *name, cJSON **out,
		       struct ml7_err *err);

/* The first document only (null for an empty stream). */
int ml7_yaml_parse(const char *text, size_t len, const char *name, cJSON **out,
		   struct ml7_err *err);

/* Appends obj as a block-style YAML document to out; strings that would read
 * back as another type are quoted, multi-line strings use literal style. */
int ml7_yaml_emit(const cJSON *obj, struct ml7_buf *out, struct ml7_err *err);

#endif
