"""`download`: MNIST, checksummed, into the user cache or a folder."""

import json
import os
import sys

from engine.cli.progress import ProgressBar, fmt_bytes


def cmd_download(args, out=None):
    out = out or sys.stdout
    from engine.data.mnist_download import download_mnist

    bar = ProgressBar()
    state = {}

    def progress(name, done, total, mirror):
        if state.get("name") != name:
            bar.clear()
            print(f"{name} from {mirror}", file=out, flush=True)
            state["name"] = name
        frac = done / total if total else 0.0
        bar.update(frac, f"{fmt_bytes(done)} / {fmt_bytes(total) if total else '?'}")

    try:
        folder = download_mnist(args.dir, progress=progress)
    except KeyboardInterrupt:
        bar.clear()
        print("download cancelled; nothing was kept", file=sys.stderr)
        return 130
    bar.clear()
    print(f"MNIST is ready in {folder}", file=out)
    print(json.dumps({"mnist": os.path.abspath(folder)}), file=out, flush=True)
    return 0
