"""What each module's import adds to a process's memory (issue 15: the import floor).

`python -m bench.import_memory [MODULE ...] [--top 25]` (default: service)

BentoML starts every worker, the front's and each model service's, by importing the
bento's service.py, so what it imports is paid once per process. This imports
BentoML's worker modules first (what a worker has loaded before the bento), then the
modules named, and prints the RSS and anonymous memory each module's own code added
(`self`: without the modules it imported, which get their own rows) and with them
(`incl`), from /proc/self/status around each module's execution. Resident memory is
not CPU-sensitive; one run is the measure.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.abc
import sys
from pathlib import Path
from typing import ClassVar

BENTOML_WORKER = ("bentoml", "_bentoml_impl.server.app", "_bentoml_impl.worker.service",
                  "uvicorn", "numpy")


def memory_kb() -> tuple[int, int]:
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "RssAnon:")):
            found[line.split(":")[0]] = int(line.split()[1])
    return found["VmRSS"], found["RssAnon"]


class Measured(importlib.abc.Loader):
    """Wraps a module's loader: its execution is measured, nested imports apart."""

    stack: ClassVar[list[list[int]]] = []  # the modules being executed, innermost last
    results: ClassVar[dict[str, tuple[int, int, int, int]]] = {}

    def __init__(self, inner):
        self.inner = inner

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module):
        rss0, anon0 = memory_kb()
        self.stack.append([0, 0])
        try:
            self.inner.exec_module(module)
        finally:
            rss1, anon1 = memory_kb()
            nested = self.stack.pop()
            rss, anon = rss1 - rss0, anon1 - anon0
            self.results[module.__name__] = (rss - nested[0], anon - nested[1], rss, anon)
            if self.stack:
                self.stack[-1][0] += rss
                self.stack[-1][1] += anon


class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = Measured(spec.loader)
                return spec
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", default=["service"])
    parser.add_argument("--top", type=int, default=25, help="rows, largest anonymous first")
    args = parser.parse_args()
    for name in BENTOML_WORKER:
        importlib.import_module(name)
    sys.meta_path.insert(0, Finder())
    rss0, anon0 = memory_kb()
    for name in args.modules:
        importlib.import_module(name)
    rss1, anon1 = memory_kb()
    print(f"after BentoML's worker imports: RSS {rss0 / 1024:.1f} MB, anonymous "
          f"{anon0 / 1024:.1f} MB; {' '.join(args.modules)} added {(rss1 - rss0) / 1024:.1f} "
          f"and {(anon1 - anon0) / 1024:.1f} MB\n")
    print("| module | self RSS MB | self anon MB | incl RSS MB | incl anon MB |")
    print("|---|---:|---:|---:|---:|")
    rows = sorted(Measured.results.items(), key=lambda kv: (-kv[1][1], -kv[1][0]))
    for name, values in rows[:args.top]:
        print(f"| {name} | " + " | ".join(f"{v / 1024:.1f}" for v in values) + " |")


if __name__ == "__main__":
    main()
