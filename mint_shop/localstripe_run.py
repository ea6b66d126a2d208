"""Start localstripe (the fake Stripe of `make run` and the tests) with a state file of its own.

localstripe keeps its state in one machine-wide file, `/tmp/localstripe.pickle`, rewritten in
place on every change: two checkouts share PaymentIntents, and one can read the other's
half-written file. Here the state lives where `--state` says (`make run`: `var/`), and is
written to a temporary file then renamed, so a reader sees the old state or the new, whole.

    python -m mint_shop.localstripe_run --port 8420 --state var/localstripe.pickle [--from-scratch]
"""

import argparse
import os
import pickle
import sys
import tempfile
from pathlib import Path

from localstripe import resources, server


def _use_state_file(path: Path) -> None:
    def try_load_from_disk(store):
        try:
            with path.open("rb") as f:
                old = pickle.load(f)
        except FileNotFoundError:
            return
        store.clear()
        store.update(old)

    def dump_to_disk(store):
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".localstripe-")
        with os.fdopen(descriptor, "wb") as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)

    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("STRIPE_PORT", 8420)))
    parser.add_argument("--state", type=Path, required=True, help="the state file (its folder must exist)")
    parser.add_argument("--from-scratch", action="store_true", help="ignore any saved state")
    args = parser.parse_args(argv)
    _use_state_file(args.state.resolve())
    # localstripe's own entry point reads sys.argv: hand it only the options it knows.
    sys.argv = [sys.argv[0], "--port", str(args.port)] + (["--from-scratch"] if args.from_scratch else [])
    server.start()


if __name__ == "__main__":
    main(sys.argv[1:])
