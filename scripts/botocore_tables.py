"""What the table generators share: reading botocore's data files, newest API version first,
and writing or checking a generated table against the installed botocore.
"""
import difflib
import gzip
import json
import os
import sys

import botocore

DATA = os.path.join(os.path.dirname(botocore.__file__), "data")


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def newest(file_name):
    """(service, parsed file) for every service that has `file_name` (or its `.gz`), from its
    newest API version only."""
    for service in sorted(os.listdir(DATA)):
        directory = os.path.join(DATA, service)
        if not os.path.isdir(directory):
            continue
        for version in sorted(os.listdir(directory), reverse=True):
            for name in (file_name + ".gz", file_name):
                path = os.path.join(directory, version, name)
                if os.path.exists(path):
                    yield service, load(path)
                    break
            else:
                continue
            break


def main(table, doc, version_line):
    """Prints `table()`, or with `--check FILE` compares FILE with it: exit 1 with a diff when
    they differ, 2 when FILE lacks `version_line` (made from another botocore)."""
    text = table()
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2], encoding="utf-8") as f:
            committed = f.read()
        if version_line not in committed:
            print(f"{sys.argv[2]} was not made from botocore {botocore.__version__}", file=sys.stderr)
            sys.exit(2)
        if committed != text:
            sys.stdout.writelines(difflib.unified_diff(
                committed.splitlines(True), text.splitlines(True), sys.argv[2], "botocore"))
            sys.exit(1)
        rows = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
        print(f"{sys.argv[2]}: {rows} rows match botocore {botocore.__version__}")
    elif len(sys.argv) == 1:
        sys.stdout.write(text)
    else:
        sys.exit(doc)
