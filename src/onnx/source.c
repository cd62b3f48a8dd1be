/*
 * The loaded file: its mapping and the unpacked protobuf structure.
 *
 * protobuf-c copies every bytes field out of its input, which would read
 * and duplicate every weight of a model just to list its nodes.  So before
 * unpacking we walk the wire format once and build a "skeleton": the same
 * message with each large TensorProto.raw_data replaced by a 16-byte marker
 * (a per-load nonce and an index).  The skeleton is a few KiB for a 400 MB
 * model.  After unpacking, the markers are swapped for pointers into the
 * mapping, which the custom allocator knows never to free.  The weights'
 * pages are not touched until something reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "graphsmith/util.h"
#include "onnx/source.h"

/* Smaller raw_data fields are cheap to copy; only big ones become views. */
enum { VIEW_THRESHOLD = 256, MARKER_LEN = 16, MAX_MESSAGE_DEPTH = 400 };

struct view {
	size_t offset, len;
};

struct skeleton {
	const uint8_t *base;
	size_t size;
	struct view *views;
	size_t n_views, views_alloc;
	uint8_t *out;
	uint64_t nonce;
	struct gs_error *err;
};

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t r = 0;
	int shift;

	for (shift = 0; shift < 70; shift += 7) {
		if (*p >= end)
			return -1;
		r |= (uint64_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

static size_t varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void put_varint(uint8_t **o, uint64_t v)
{
	while (v >= 0x80) {
		*(*o)++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*(*o)++ = (uint8_t)v;
}

static int corrupt(struct skeleton *s, const uint8_t *at, const char *what)
{
	return gs_error_set(s->err, "truncated or corrupt protobuf at byte %zu: %s",
			    (size_t)(at - s->base), what);
}

/* Is this field of desc a submessage we should descend into? */
static const ProtobufCMessageDescriptor *sub_descriptor(const ProtobufCMessageDescriptor *desc,
							 uint32_t number)
{
	const ProtobufCFieldDescriptor *f;

	if (!desc)
		return NULL;
	f = protobuf_c_message_descriptor_get_field(desc, number);
	if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return NULL;
	return f->descriptor;
}

static bool is_big_raw_data(const ProtobufCMessageDescriptor *desc, uint32_t number, uint64_t len)
{
	return desc == &onnx__tensor_proto__descriptor && number == 9 && len >= VIEW_THRESHOLD;
}

/*
 * One pass: copies the message to *out with big raw_data fields replaced.
 * The rewritten size of a submessage is only known after its body, but it
 * is never larger than the original, so its length varint goes in the
 * original's room and the body moves down only when that varint shrank
 * (on the few messages that hold a view).
 */
static int walk(struct skeleton *s, const ProtobufCMessageDescriptor *desc,
		const uint8_t *p, const uint8_t *end, int depth, uint8_t **out)
{
	uint64_t seen_singular = 0;

	if (depth > MAX_MESSAGE_DEPTH)
		return corrupt(s, p, "messages nested too deeply");
	while (p < end) {
		const uint8_t *field = p;
		uint64_t key, len, dummy;
		uint32_t number;

		if (read_varint(&p, end, &key))
			return corrupt(s, field, "bad field key");
		number = (uint32_t)(key >> 3);
		if (number == 0)
			return corrupt(s, field, "field number 0");
		switch (key & 7) {
		case 0:
			if (read_varint(&p, end, &dummy))
				return corrupt(s, field, "bad varint");
			break;
		case 1:
			if (end - p < 8)
				return corrupt(s, field, "truncated 64-bit field");
			p += 8;
			break;
		case 5:
			if (end - p < 4)
				return corrupt(s, field, "truncated 32-bit field");
			p += 4;
			break;
		case 2: {
			const ProtobufCMessageDescriptor *sub;
			const uint8_t *body;
			uint8_t *start;
			size_t key_len = (size_t)(p - field), room, sub_size, need;

			if (read_varint(&p, end, &len) || len > (uint64_t)(end - p))
				return corrupt(s, field, "length past the end of the data");
			body = p;
			room = (size_t)(p - field) - key_len;
			p += len;
			if (is_big_raw_data(desc, number, len)) {
				memcpy(*out, field, key_len);
				*out += key_len;
				put_varint(out, MARKER_LEN);
				memcpy(*out, &s->nonce, 8);
				memcpy(*out + 8, &s->n_views, 8);
				*out += MARKER_LEN;
				GS_GROW(s->views, s->n_views + 1, s->views_alloc);
				s->views[s->n_views].offset = (size_t)(body - s->base);
				s->views[s->n_views].len = (size_t)len;
				s->n_views++;
				continue;
			}
			sub = sub_descriptor(desc, number);
			if (!sub)
				break;
			/* a node is at least its op_type: millions of empty ones are
			 * a memory bomb, not a model */
			if (sub == &onnx__node_proto__descriptor && len == 0)
				return corrupt(s, field, "a node without an op_type");
			{
				/* protobuf merges a repeated singular message: 50,000
				 * copies of ModelProto.graph cost quadratic time and
				 * memory; no ONNX writer repeats one */
				const ProtobufCFieldDescriptor *fd =
					protobuf_c_message_descriptor_get_field(desc, number);

				if (fd && fd->label != PROTOBUF_C_LABEL_REPEATED && number < 64) {
					if (seen_singular & ((uint64_t)1 << number))
						return corrupt(s, field, "a single message field appears "
							       "more than once");
					seen_singular |= (uint64_t)1 << number;
				}
			}
			memcpy(*out, field, key_len);
			*out += key_len;
			start = *out + room;
			*out = start;
			if (walk(s, sub, body, p, depth + 1, out))
				return -1;
			sub_size = (size_t)(*out - start);
			need = varint_size(sub_size);
			*out = start - room;
			put_varint(out, sub_size);
			if (need < room)
				memmove(*out, start, sub_size);
			*out += sub_size;
			continue;
		}
		default:
			return corrupt(s, field, "unsupported wire type (groups are not ONNX)");
		}
		memcpy(*out, field, (size_t)(p - field));
		*out += p - field;
	}
	return 0;
}

/* ---- the allocator ----
 * The unpacked structure is read-only for the life of the model (edits
 * build new messages in the writer), so it is allocated from one arena:
 * a 10^5-node model makes a million small allocations here, and a bump
 * pointer with a single release is several times cheaper than malloc/free.
 * Freeing is a no-op, which also covers the views into the mapping.
 */
static void *src_alloc(void *data, size_t size)
{
	struct gs_source *src = data;

	return gs_arena_alloc(&src->proto_arena, size);
}

static void src_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

const char *gs_source_text(struct gs_arena *arena, ProtobufCBinaryData b)
{
	size_t len;
	char *s;

	if (!b.len)
		return "";
	len = gs_bytestr_stored_len(b.data, b.len);
	/* protobuf-c copies a bytes field into an arena block of exactly
	 * its length; the arena rounds blocks up to 8 bytes and zeroes
	 * them, so unless the length is a multiple of 8 a zero ends it */
	if (len == b.len && b.len % 8)
		return (const char *)b.data;
	s = gs_arena_alloc(arena, len + 1);
	gs_bytestr_store(b.data, b.len, s);
	return s;
}

/* ---- resolving markers after unpack ---- */

static void resolve_tensor(struct gs_source *src, struct skeleton *s, Onnx__TensorProto *t)
{
	uint64_t nonce, idx;

	if (!t->has_raw_data || t->raw_data.len != MARKER_LEN)
		return;
	memcpy(&nonce, t->raw_data.data, 8);
	memcpy(&idx, t->raw_data.data + 8, 8);
	if (nonce != s->nonce || idx >= s->n_views)
		return;
	t->raw_data.data = (uint8_t *)src->base + s->views[idx].offset;
	t->raw_data.len = s->views[idx].len;
}

static void resolve(struct gs_source *src, struct skeleton *s, ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	unsigned i;
	size_t k;

	if (d == &onnx__tensor_proto__descriptor)
		resolve_tensor(src, s, (Onnx__TensorProto *)m);
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		char *base = (char *)m;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(size_t *)(base + f->quantifier_offset);
			ProtobufCMessage **arr = *(ProtobufCMessage ***)(base + f->offset);

			for (k = 0; k < n; k++)
				resolve(src, s, arr[k]);
		} else {
			ProtobufCMessage *sub;

			if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
			    *(uint32_t *)(base + f->quantifier_offset) != f->id)
				continue;
			sub = *(ProtobufCMessage **)(base + f->offset);
			if (sub)
				resolve(src, s, sub);
		}
	}
}

/* ---- opening ---- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static int decompress_zstd(struct gs_source *src, const uint8_t *in, size_t len,
			   struct gs_error *err)
{
	ZSTD_DStream *ds;
	ZSTD_inBuffer ib = { in, len, 0 };
	uint8_t *buf = NULL;
	size_t cap = len * 4 + 4096, used = 0, rc = 1, limit = gs_inflate_limit(len);
	unsigned long long declared = ZSTD_getFrameContentSize(in, len);

	if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
	    declared > limit)
		return gs_error_set(err, "zstd data would inflate to %llu MiB, over the limit of "
				    "%zu MiB (GS_MAX_INFLATE_MB)", declared >> 20, limit >> 20);
	if (cap > limit)
		cap = limit;
	ds = ZSTD_createDStream();
	buf = gs_xmalloc(cap);
	ZSTD_initDStream(ds);
	while (ib.pos < ib.size || rc != 0) {
		ZSTD_outBuffer ob;

		if (used == cap) {
			if (cap >= limit) {
				ZSTD_freeDStream(ds);
				free(buf);
				return gs_error_set(err, "zstd data inflates past the limit of %zu MiB "
						    "(GS_MAX_INFLATE_MB)", limit >> 20);
			}
			cap = cap > limit / 2 ? limit : cap * 2;
			buf = gs_xrealloc(buf, cap);
		}
		ob.dst = buf;
		ob.size = cap;
		ob.pos = used;
		rc = ZSTD_decompressStream(ds, &ob, &ib);
		used = ob.pos;
		if (ZSTD_isError(rc)) {
			ZSTD_freeDStream(ds);
			free(buf);
			return gs_error_set(err, "corrupt zstd data: %s", ZSTD_getErrorName(rc));
		}
		if (ib.pos == ib.size && rc != 0 && used < cap)
			break;
	}
	ZSTD_freeDStream(ds);
	if (rc != 0) {
		free(buf);
		return gs_error_set(err, "truncated zstd data");
	}
	src->heap = buf;
	src->base = buf;
	src->size = used;
	return 0;
}

int gs_source_open(struct gs_source *src, const char *path, struct gs_error *err)
{
	struct stat st;
	int fd;

	memset(src, 0, sizeof(*src));
	src->fd = -1;
	fd = gs_open_regular(path, NULL, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return gs_error_set(err, "%s", strerror(errno));
	}
	if (st.st_size == 0) {
		close(fd);
		return gs_error_set(err, "empty file");
	}
	src->file_size = (uint64_t)st.st_size;
	src->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (src->map == MAP_FAILED) {
		close(fd);
		src->map = NULL;
		return gs_error_set(err, "cannot map: %s", strerror(errno));
	}
	src->fd = fd;
	/* the structure is read in small pieces between big weights: without
	 * this, read-ahead maps megabytes of weights that info never reads */
	madvise(src->map, (size_t)st.st_size, MADV_RANDOM);
	src->map_size = (size_t)st.st_size;
	if (has_suffix(path, ".zst")) {
		close(src->fd);
		src->fd = -1;
		if (decompress_zstd(src, src->map, src->map_size, err))
			return -1;
	} else {
		src->base = src->map;
		src->size = src->map_size;
	}
	return 0;
}

int gs_source_parse(struct gs_source *src, struct gs_error *err)
{
	struct skeleton s;
	struct timespec ts;
	size_t out_size = 0;
	uint8_t *o;
	ProtobufCAllocator alloc = { src_alloc, src_free, src };
	int rc = -1;

	memset(&s, 0, sizeof(s));
	s.base = src->base;
	s.size = src->size;
	s.err = err;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s.nonce = gs_mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)src);
	/* the skeleton is never longer than the file, and untouched pages of
	 * this buffer cost nothing; huge pages, because faulting in a
	 * structure-heavy skeleton 4 KiB at a time was most of its copy */
	out_size = src->size + 1;
	s.out = mmap(NULL, out_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s.out == MAP_FAILED) {
		s.out = NULL;
		gs_error_set(err, "out of memory for the structure: %s", strerror(errno));
		goto out;
	}
	madvise(s.out, out_size, MADV_HUGEPAGE);
	o = s.out;
	if (walk(&s, &onnx__model_proto__descriptor, src->base, src->base + src->size, 0, &o))
		goto out;
	src->allocator = alloc;
	gs_arena_init(&src->proto_arena);
	src->model = onnx__model_proto__unpack(&src->allocator, (size_t)(o - s.out), s.out);
	if (!src->model) {
		gs_error_set(err, "not a valid ONNX model (protobuf does not decode as ModelProto)");
		goto out;
	}
	resolve(src, &s, &src->model->base);
	rc = 0;
out:
	if (s.out)
		munmap(s.out, out_size);
	free(s.views);
	return rc;
}

void gs_source_close(struct gs_source *src)
{
	size_t i;

	gs_arena_release(&src->proto_arena);
	for (i = 0; i < src->n_external; i++) {
		if (src->external[i].map)
			munmap(src->external[i].map, src->external[i].size);
		free(src->external[i].path);
	}
	free(src->external);
	free(src->heap);
	if (src->map)
		munmap(src->map, src->map_size);
	if (src->fd >= 0)
		close(src->fd);
	free(src->dir);
	memset(src, 0, sizeof(*src));
	src->fd = -1;
}
