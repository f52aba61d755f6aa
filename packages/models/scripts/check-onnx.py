#!/usr/bin/python3
"""Runs the ONNX project's reference checker on exported files (Debian python3-onnx).

Usage: /usr/bin/python3 scripts/check-onnx.py FILE.onnx [...]
Exits non-zero when any file fails. Not used by the test suite (tests must not need Python).
"""
import sys

import onnx


def main(paths):
    failed = 0
    for path in paths:
        try:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
            props = {p.key for p in model.metadata_props}
            print(f"OK   {path}: ir_version {model.ir_version}, opset {opset}, "
                  f"{len(model.graph.node)} nodes, metadata {sorted(props)}")
        except Exception as error:  # report every file, then fail
            failed += 1
            print(f"FAIL {path}: {error}")
    print(f"onnx {onnx.__version__}: {len(paths) - failed}/{len(paths)} passed check_model(full_check=True)")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
