/* transplant [--only P] [--strict] [--skip-mismatched] SLOT|FILE: SOURCE's
 * corresponding parameters copied into B (the pass: src/transfer/transplant-pass.c). */
#include "cmd/internal.h"

GS_PASS_COMMAND(transplant, gs_pass_transplant, GS_CMD_NEEDS_B | GS_CMD_MUTATES,
		"transplant [--only PATTERN] [--strict] [--skip-mismatched] SLOT|FILE",
		"Copies the corresponding parameters of another model (a slot or an\n"
		".onnx file, paired through the correspondence) or of a weights file\n"
		"(.safetensors or .npz: by name first, then by shape in order, Linear\n"
		"weights stored transposed recognised) into B.  Reports what was\n"
		"copied, missing (B parameters nothing fills), unexpected (source\n"
		"tensors unused) and mismatched.  A shape mismatch refuses the whole\n"
		"step unless --skip-mismatched; --strict also refuses missing and\n"
		"unexpected tensors.  --only copies the parameters whose B or source\n"
		"name matches the glob PATTERN.");
