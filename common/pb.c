/* pb.c - the protobuf wire format and the Milvus messages verify uses. */
#include <string.h>

#include "ml7/mem.h"
#include "ml7/pb.h"

/* ---- writing ------------------------------------------------------------ */

int ml7_pb_put_varint(struct ml7_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	return ml7_buf_append(b, tmp, n);
}

int ml7_pb_put_tag(struct ml7_buf *b, uint32_t field, enum ml7_pb_wire wire)
{
	return ml7_pb_put_varint(b, ((uint64_t)field << 3) | (uint64_t)wire);
}

int ml7_pb_put_uint(struct ml7_buf *b, uint32_t field, uint64_t v)
{
	int rc = ml7_pb_put_tag(b, field, ML7_PB_VARINT);

	return rc ? rc : ml7_pb_put_varint(b, v);
}

int ml7_pb_put_bytes(struct ml7_buf *b, uint32_t field, const void *p, size_t n)
{
	int rc = ml7_pb_put_tag(b, field, ML7_PB_LEN);

	if (!rc)
		rc = ml7_pb_put_varint(b, n);
	if (!rc && n)
		rc = ml7_buf_append(b, p, n);
	return rc;
}

int ml7_pb_put_string(struct ml7_buf *b, uint32_t field, const char *s)
{
	if (!s || !*s)
		return 0;
	return ml7_pb_put_bytes(b, field, s, strlen(s));
}

/* ---- reading ------------------------------------------------------------ */

void ml7_pb_reader_init(struct ml7_pb_reader *r, const void *p, size_t n)
{
	r->p = p;
	r->end = r->p ? r->p + n : NULL;
}

int ml7_pb_read_varint(const unsigned char **pp, const unsigned char *end, uint64_t *out)
{
	const unsigned char *p = *pp;
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 70; shift += 7) {
		unsigned char c;

		if (p >= end)
			return ML7_EPROTO;
		c = *p++;
		/* the tenth byte may carry only the top bit */
		if (shift == 63 && (c & 0x7e))
			return ML7_EPROTO;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*pp = p;
			*out = v;
			return 0;
		}
	}
	return ML7_EPROTO;
}

int ml7_pb_next(struct ml7_pb_reader *r, struct ml7_pb_field *f)
{
	const unsigned char *p = r->p;
	uint64_t key, v;

	if (!p || p >= r->end)
		return 0;
	if (ml7_pb_read_varint(&p, r->end, &key) || key >> 3 == 0 || key >> 3 > 0x1fffffff)
		return ML7_EPROTO;
	memset(f, 0, sizeof(*f));
	f->num = (uint32_t)(key >> 3);
	f->wire = (enum ml7_pb_wire)(key & 7);
	switch (key & 7) {
	case ML7_PB_VARINT:
		if (ml7_pb_read_varint(&p, r->end, &f->u))
			return ML7_EPROTO;
		break;
	case ML7_PB_I64:
	case ML7_PB_I32: {
		size_t n = (key & 7) == ML7_PB_I64 ? 8 : 4;

		if ((size_t)(r->end - p) < n)
			return ML7_EPROTO;
		for (size_t i = 0; i < n; i++)
			f->u |= (uint64_t)p[i] << (8 * i);
		p += n;
		break;
	}
	case ML7_PB_LEN:
		if (ml7_pb_read_varint(&p, r->end, &v) || v > (uint64_t)(r->end - p))
			return ML7_EPROTO;
		f->data = p;
		f->len = (size_t)v;
		p += v;
		break;
	default:        /* groups (3, 4) and the unused 6, 7 */
		return ML7_EPROTO;
	}
	r->p = p;
	return 1;
}

/* ---- Milvus messages ---------------------------------------------------- */

static int bad(struct ml7_err *err, const char *what)
{
	return ml7_err_set(err, ML7_EPROTO, "malformed %s message", what);
}

static int nomem(struct ml7_err *err)
{
	return ml7_err_set(err, ML7_ENOMEM, "out of memory");
}

/* Replaces *dst with a copy of a string field (the last one wins, as in protobuf). */
static int take_string(char **dst, const struct ml7_pb_field *f)
{
	char *s = ml7_strndup((const char *)f->data, f->len);

	if (!s)
		return ML7_ENOMEM;
	ml7_free(*dst);
	*dst = s;
	return 0;
}

int ml7_pb_status_ok(const struct ml7_pb_status *s)
{
	return s->code == 0 && s->error_code == 0;
}

const char *ml7_pb_quota_state_name(int32_t v)
{
	static const char *const names[] = {"Unknown", NULL, "ReadLimited", "WriteLimited",
					    "DenyToRead", "DenyToWrite", "DenyToDDL"};

	return v >= 0 && v < (int32_t)(sizeof(names) / sizeof(names[0])) ? names[v] : NULL;
}

int ml7_pb_encode_connect(struct ml7_buf *out, const struct ml7_pb_client_info *ci)
{
	struct ml7_buf inner = ML7_BUF_INIT;
	int rc;

	rc = ml7_pb_put_string(&inner, 1, ci->sdk_type);
	if (!rc)
		rc = ml7_pb_put_string(&inner, 2, ci->sdk_version);
	if (!rc)
		rc = ml7_pb_put_string(&inner, 3, ci->local_time);
	if (!rc)
		rc = ml7_pb_put_string(&inner, 4, ci->user);
	if (!rc)
		rc = ml7_pb_put_string(&inner, 5, ci->host);
	if (!rc)
		rc = ml7_pb_put_bytes(out, 2, inner.data, inner.len);
	ml7_buf_free(&inner);
	return rc;
}

void ml7_pb_status_free(struct ml7_pb_status *s)
{
	ml7_free(s->reason);
	ml7_free(s->detail);
	memset(s, 0, sizeof(*s));
}

void ml7_pb_server_info_free(struct ml7_pb_server_info *s)
{
	ml7_free(s->build_tags);
	ml7_free(s->build_time);
	ml7_free(s->git_commit);
	ml7_free(s->go_version);
	ml7_free(s->deploy_mode);
	ml7_strlist_free(&s->reserved);
	memset(s, 0, sizeof(*s));
}

void ml7_pb_version_free(struct ml7_pb_version *v)
{
	ml7_pb_status_free(&v->status);
	ml7_free(v->version);
	memset(v, 0, sizeof(*v));
}

void ml7_pb_connect_free(struct ml7_pb_connect *c)
{
	ml7_pb_status_free(&c->status);
	ml7_pb_server_info_free(&c->server_info);
	memset(c, 0, sizeof(*c));
}

void ml7_pb_health_free(struct ml7_pb_health *h)
{
	ml7_pb_status_free(&h->status);
	ml7_strlist_free(&h->reasons);
	ml7_free(h->quota_states);
	memset(h, 0, sizeof(*h));
}

/* Status fields into s (already holding earlier ones: protobuf merges). */
static int merge_status(struct ml7_pb_status *s, const void *p, size_t n, struct ml7_err *err)
{
	struct ml7_pb_reader r;
	struct ml7_pb_field f;
	int rc;

	ml7_pb_reader_init(&r, p, n);
	while ((rc = ml7_pb_next(&r, &f)) == 1) {
		if (f.num == 1 && f.wire == ML7_PB_VARINT)
			s->error_code = (int32_t)(uint32_t)f.u;
		else if (f.num == 3 && f.wire == ML7_PB_VARINT)
			s->code = (int32_t)(uint32_t)f.u;
		else if (f.num == 4 && f.wire == ML7_PB_VARINT)
			s->retriable = f.u != 0;
		else if (f.num == 2 && f.wire == ML7_PB_LEN) {
			if (take_string(&s->reason, &f))
				return nomem(err);
		} else if (f.num == 5 && f.wire == ML7_PB_LEN) {
			if (take_string(&s->detail, &f))
				return nomem(err);
		}
		/* extra_info (6) and anything newer: skipped */
	}
	return rc < 0 ? bad(err, "Status") : 0;
}

int ml7_pb_decode_status(const void *p, size_t n, struct ml7_pb_status *out, struct ml7_err *err)
{
	struct ml7_pb_status s;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = merge_status(&s, p, n, err);
	if (rc) {
		ml7_pb_status_free(&s);
		return rc;
	}
	*out = s;
	return 0;
}

/* A map<string,string> entry {1 key, 2 value} as "key=value". */
static int push_map_entry(struct ml7_strlist *l, const struct ml7_pb_field *entry,
			  struct ml7_err *err, const char *what)
{
	struct ml7_pb_reader r;
	struct ml7_pb_field f;
	struct ml7_pb_field key = {0}, val = {0};
	struct ml7_buf b = ML7_BUF_INIT;
	int rc;

	ml7_pb_reader_init(&r, entry->data, entry->len);
	while ((rc = ml7_pb_next(&r, &f)) == 1) {
		if (f.num == 1 && f.wire == ML7_PB_LEN)
			key = f;
		else if (f.num == 2 && f.wire == ML7_PB_LEN)
			val = f;
	}
	if (rc < 0)
		return bad(err, what);
	if (ml7_buf_append(&b, key.len ? key.data : (const unsigned char *)"", key.len) ||
	    ml7_buf_putc(&b, '=') ||
	    ml7_buf_append(&b, val.len ? val.data : (const unsigned char *)"", val.len) ||
	    ml7_strlist_push_owned(l, ml7_buf_detach(&b))) {
		ml7_buf_free(&b);
		return nomem(err);
	}
	return 0;
}

static int merge_server_info(struct ml7_pb_server_info *s, const void *p, size_t n,
			     struct ml7_err *err)
{
	struct ml7_pb_reader r;
	struct ml7_pb_field f;
	int rc;

	ml7_pb_reader_init(&r, p, n);
	while ((rc = ml7_pb_next(&r, &f)) == 1) {
		char **dst = NULL;

		if (f.wire != ML7_PB_LEN)
			continue;
		switch (f.num) {
		case 1: dst = &s->build_tags; break;
		case 2: dst = &s->build_time; break;
		case 3: dst = &s->git_commit; break;
		case 4: dst = &s->go_version; break;
		case 5: dst = &s->deploy_mode; break;
		case 6:
			rc = push_map_entry(&s->reserved, &f, err, "ServerInfo");
			if (rc)
				return rc;
			break;
		default: break;
		}
		if (dst && take_string(dst, &f))
			return nomem(err);
	}
	return rc < 0 ? bad(err, "ServerInfo") : 0;
}

int ml7_pb_decode_server_info(const void *p, size_t n, struct ml7_pb_server_info *out,
			      struct ml7_err *err)
{
	struct ml7_pb_server_info s;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = merge_server_info(&s, p, n, err);
	if (rc) {
		ml7_pb_server_info_free(&s);
		return rc;
	}
	*out = s;
	return 0;
}

int ml7_pb_decode_version(const void *p, size_t n, struct ml7_pb_version *out,
			  struct ml7_err *err)
{
	struct ml7_pb_version v;
	struct ml7_pb_reader r;
	struct ml7_pb_field f;
	int rc;

	memset(&v, 0, sizeof(v));
	ml7_pb_reader_init(&r, p, n);
	while ((rc = ml7_pb_next(&r, &f)) == 1) {
		if (f.num == 1 && f.wire == ML7_PB_LEN)
			rc = merge_status(&v.status, f.data, f.len, err);
		else if (f.num == 2 && f.wire == ML7_PB_LEN)
			rc = take_string(&v.version, &f) ? nomem(err) : 0;
		else
			rc = 0;
		if (rc)
			goto fail;
	}
	if (rc < 0) {
		rc = bad(err, "GetVersionResponse");
		goto fail;
	}
	*out = v;
	return 0;
fail:
	ml7_pb_version_free(&v);
	return rc;
}

int ml7_pb_decode_connect(const void *p, size_t n, struct ml7_pb_connect *out,
			  struct ml7_err *err)
{
	struct ml7_pb_connect c;
	struct ml7_pb_reader r;
	struct ml7_pb_field f;
	int rc;

	memset(&c, 0, sizeof(c));
	ml7_pb_reader_init(&r, p, n);
	while ((rc = ml7_pb_next(&r, &f)) == 1) {
		rc = 0;
		if (f.num == 1 && f.wire == ML7_PB_LEN) {
			rc = merge_status(&c.status, f.data, f.len, err);
		} else if (f.num == 2 && f.wire == ML7_PB_LEN) {
			c.has_server_info = 1;
			rc = merge_server_info(&c.server_info, f.data, f.len, err);
		} else if (f.num == 3 && f.wire == ML7_PB_VARINT) {
			c.identifier = (int64_t)f.u;
		}
		if (rc)
			goto fail;
	}
	if (rc < 0) {
		rc = bad(err, "ConnectResponse");
		goto fail;
	}
	*out = c;
	return 0;
fail:
	ml7_pb_connect_free(&c);
	return rc;
}

static int push_quota_state(struct ml7_pb_health *h, uint64_t v)
{
	int32_t *q;

	if (h->n_quota_states >= 4096)
		return ML7_ELIMIT;
	q = ml7_realloc(h->quota_states, (h->n_quota_states + 1) * sizeof(*q));
	if (!q)
		return ML7_ENOMEM;
	q[h->n_quota_states++] = (int32_t)(uint32_t)v;
	h->quota_states = q;
	return 0;
}

int ml7_pb_decode_health(const void *p, size_t n, struct ml7_pb_health *out, struct ml7_err *err)
{
	struct ml7_pb_health h;
	struct ml7_pb_reader r;
	struct ml7_pb_field f;
	int rc;

	memset(&h, 0, sizeof(h));
	ml7_pb_reader_init(&r, p, n);
	while ((rc = ml7_pb_next(&r, &f)) == 1) {
		rc = 0;
		if (f.num == 1 && f.wire == ML7_PB_LEN) {
			rc = merge_status(&h.status, f.data, f.len, err);
		} else if (f.num == 2 && f.wire == ML7_PB_VARINT) {
			h.healthy = f.u != 0;
		} else if (f.num == 3 && f.wire == ML7_PB_LEN) {
			if (ml7_strlist_pushn(&h.reasons, (const char *)f.data, f.len))
				rc = nomem(err);
		} else if (f.num == 4 && f.wire == ML7_PB_VARINT) {
			rc = push_quota_state(&h, f.u);
		} else if (f.num == 4 && f.wire == ML7_PB_LEN) {
			/* packed: varints back to back */
			const unsigned char *q = f.data, *end = f.data + f.len;

			while (q < end && rc == 0) {
				uint64_t v;

				if (ml7_pb_read_varint(&q, end, &v))
					rc = bad(err, "CheckHealthResponse");
				else
					rc = push_quota_state(&h, v);
			}
		}
		if (rc == ML7_ENOMEM)
			rc = nomem(err);
		else if (rc == ML7_ELIMIT)
			rc = ml7_err_set(err, ML7_ELIMIT, "too many quota states in CheckHealthResponse");
		if (rc)
			goto fail;
	}
	if (rc < 0) {
		rc = bad(err, "CheckHealthResponse");
		goto fail;
	}
	*out = h;
	return 0;
fail:
	ml7_pb_health_free(&h);
	return rc;
}
