/*
 * libFuzzer target for the reader: any byte string must load or fail with
 * an error, never crash, hang or leak; a model that loads must save and
 * load again.  Build with ./configure --enable-fuzzing CC=clang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "graphsmith/info.h"
#include "graphsmith/onnx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[64], out[64];
	struct gs_error err;
	struct gs_model *m, *back;
	FILE *f;
	int fd;

	snprintf(in, sizeof(in), "/tmp/gs-fuzz-%d.onnx", (int)getpid());
	snprintf(out, sizeof(out), "/tmp/gs-fuzz-%d-out.onnx", (int)getpid());
	fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	m = gs_onnx_load(in, NULL, &err);
	if (m) {
		f = fopen("/dev/null", "w");
		gs_info_print(m, NULL, f);
		fclose(f);
		if (gs_onnx_save(m, out, NULL, &err) == 0) {
			back = gs_onnx_load(out, NULL, &err);
			if (!back)
				abort();	/* we wrote something we cannot read */
			gs_model_free(back);
		}
		gs_model_free(m);
	}
	unlink(in);
	unlink(out);
	return 0;
}
