"""`export`: a saved model as ONNX, a NumPy-only script or a PyTorch script, with a JSON last line."""

import json
import os
import sys
import time

from engine.cli.parser import UsageError


def cmd_export(args, out=None):
    out = out or sys.stdout
    from engine.export import FORMATS, export_model

    if args.format not in FORMATS and args.format not in ("pytorch", "np"):
        raise UsageError(f"--format must be one of {', '.join(FORMATS)} (or pytorch); got {args.format!r}")
    if not os.path.isfile(args.model):
        raise UsageError(f"no checkpoint at {args.model}")
    t0 = time.perf_counter()
    paths = export_model(args.model, args.format, args.out)
    seconds = time.perf_counter() - t0
    for path in paths:
        print(f"wrote {path} ({os.path.getsize(path):,} bytes)", file=out)
    print(json.dumps({"model": os.path.abspath(args.model), "format": args.format,
                      "files": [os.path.abspath(p) for p in paths], "export_seconds": round(seconds, 3)}),
          file=out, flush=True)
    return 0
