"""Where the data shipped with the tests lives (tests/fixtures), and how its SHA256SUMS files are read."""

import os

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
MNIST_SUBSET_DIR = os.path.join(FIXTURES, "mnist_subset")  # 2,000 training + 1,000 test images, IDX .gz
UNIPEN_SUBSET_PATH = os.path.join(FIXTURES, "unipen_subset", "digits.jsonl.gz")  # 400 pen-stroke digits


def read_sha256sums(folder):
    """{file name: SHA-256} from ``folder``/SHA256SUMS (``sha256sum`` format)."""
    with open(os.path.join(folder, "SHA256SUMS"), encoding="ascii") as fh:
        return {name.strip(): digest for digest, name in (line.split(None, 1) for line in fh if line.strip())}
