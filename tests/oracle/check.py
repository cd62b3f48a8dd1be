#!/usr/bin/python3
"""Run the official ONNX checker (full_check=True) on each FILE.

Usage: /usr/bin/python3 tests/oracle/check.py FILE...
Prints `ok FILE` or `FAIL FILE: reason` per file; exits 1 if any failed
(2 on usage error).  Passing the path (not a loaded model) lets the checker
resolve external data relative to the model's folder.
"""
import sys

import onnx


def check(path):
    """Return None if the model passes, else a one-line reason."""
    try:
        onnx.checker.check_model(path, full_check=True)
        return None
    except Exception as e:  # checker, shape inference, protobuf decode, I/O errors
        reason = "%s: %s" % (type(e).__name__, e)
        return " ".join(reason.split())  # keep it on one line


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: check.py FILE...\n")
        return 2
    failed = False
    for path in argv[1:]:
        reason = check(path)
        if reason is None:
            print("ok %s" % path)
        else:
            failed = True
            print("FAIL %s: %s" % (path, reason))
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
