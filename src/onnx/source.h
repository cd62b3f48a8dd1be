/* Internal to src/onnx: a loaded model file (see source.c). */
#ifndef GRAPHSMITH_ONNX_SOURCE_H
#define GRAPHSMITH_ONNX_SOURCE_H

#include <stdint.h>
#include <stddef.h>

#include "graphsmith/error.h"
#include "graphsmith/util.h"
#include "onnx/onnx.pb-c.h"

struct gs_external_file {
	char *path;			/* resolved real path */
	uint8_t *map;
	size_t size;
};

struct gs_source {
	uint8_t *map;			/* the file as mapped */
	int fd;				/* kept open so saves can copy in-kernel */
	size_t map_size;
	uint8_t *heap;			/* decompressed .zst content, if any */
	const uint8_t *base;		/* the protobuf bytes (map or heap) */
	size_t size;
	uint64_t file_size;
	char *dir;			/* the model's folder, real path */
	ProtobufCAllocator allocator;
	struct gs_arena proto_arena;	/* every unpacked message lives here */
	Onnx__ModelProto *model;
	struct gs_external_file *external;
	size_t n_external, external_alloc;
};

int gs_source_open(struct gs_source *src, const char *path, struct gs_error *err);
int gs_source_parse(struct gs_source *src, struct gs_error *err);
void gs_source_close(struct gs_source *src);
/* A text field of the unpacked model as the IR keeps it (NUL and C0 bytes
 * escaped, src/util/bytestr.c): borrowed from the unpacked message where
 * it can be, else stored in arena. */
const char *gs_source_text(struct gs_arena *arena, ProtobufCBinaryData b);

#endif
