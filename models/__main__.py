"""python -m models import|list — manage the service's models in the BentoML store."""

from __future__ import annotations

import argparse
import sys

from models.importer import fingerprint, import_model, stored_model
from models.registry import BY_NAME, sources_in


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    do_import = commands.add_parser("import", help="fetch, check, convert and store models")
    do_import.add_argument("--set", default="default", choices=["default", "full", "all"])
    do_import.add_argument("--only", action="append", choices=sorted(BY_NAME),
                           help="import just this model (repeatable)")
    do_import.add_argument("--force", action="store_true", help="re-import even if current")
    commands.add_parser("list", help="show each registry model and what the store holds")
    args = parser.parse_args(argv)

    if args.command == "list":
        for source in sources_in("all"):
            model = stored_model(source)
            state = "missing"
            if model is not None:
                current = model.info.labels.get("fingerprint") == fingerprint(source)
                state = f"{model.tag}{'' if current else ' (outdated)'}"
            print(f"{source.name:28} {source.task:12} {source.model_set:8} {state}")
        return 0

    sources = [BY_NAME[name] for name in args.only] if args.only else sources_in(args.set)
    failed = []
    for source in sources:
        try:
            import_model(source, force=args.force)
        except Exception as error:  # report every model, then fail
            print(f"! {source.name}: {error}", file=sys.stderr)
            failed.append(source.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
