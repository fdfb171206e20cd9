"""python -m bulk analyse FOLDER [--server URL] [--out results.jsonl | results.csv]

Analyses every photo of FOLDER, against a running server (its /analyze-batch) or, with
no --server, in this process with the models of the local BentoML store. A progress
line with the rate and ETA goes to stderr, one result per photo to the output (JSON
Lines, or CSV when it ends in .csv), and the errors are listed at the end. Run it
again after an interruption: the photos already in the output are skipped.
Exit status: 0 every photo answered, 1 some photos failed (listed), 2 the run
stopped (the server failed; run again to resume), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bulk.folder import Output, analyse_folder
from bulk.runners import RequestFailed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bulk", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    analyse = commands.add_parser("analyse", aliases=["analyze"],
                                  help="analyse every photo of a folder")
    analyse.add_argument("folder", type=Path)
    analyse.add_argument("--server", help="the server's base URL; default: in this process")
    analyse.add_argument("--out", type=Path, default=Path("results.jsonl"),
                         help="results file: .jsonl (one JSON object per photo) or .csv "
                              "(one row per face)")
    analyse.add_argument("--attributes", help="as /analyze's attributes, e.g. age,gender")
    analyse.add_argument("--batch", type=int, default=16, help="photos per request (1-64)")
    analyse.add_argument("--api-key", help="the server's API key, when it has one")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    if not 1 <= args.batch <= 64:
        parser.error("--batch must be 1 to 64")
    if args.server:
        from bulk.runners import ServerRunner
        runner = ServerRunner(args.server, args.api_key, args.attributes)
    else:
        from bulk.runners import InProcessRunner
        runner = InProcessRunner(args.attributes)
    try:
        summary = analyse_folder(args.folder, Output(args.out), runner, args.batch)
    except RequestFailed as problem:
        print(f"\nstopped: {problem}\nrun the same command again to resume", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted; the results so far are in {args.out}: run the same command "
              "again to resume", file=sys.stderr)
        return 130
    finally:
        runner.close()
    errors = summary["errors"]
    print(f"done: {summary['analysed']} analysed, {summary['skipped']} skipped (already in "
          f"{args.out}), {len(errors)} with errors", file=sys.stderr)
    for path, status, error in errors:
        error = error or {}
        print(f"  {path}: {status} {error.get('code') or ''} {error.get('detail') or ''}",
              file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
