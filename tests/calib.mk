# Issue 12, calibrated quantization: `quantize int8 static --data` on the
# trained digits models against onnxruntime and a numpy redo of its
# calibrators.
TESTS += tests/calib/static.sh
EXTRA_DIST += tests/calib/static.sh tests/calib/calib_ref.py tests/oracle/ort_kernels.js
