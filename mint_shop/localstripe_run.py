"""Start localstripe (the fake Stripe of `make run` and the tests) with a state file of its own.

localstripe keeps its state in one machine-wide file, `/tmp/localstripe.pickle`, rewritten in
place on every change: two checkouts share PaymentIntents, and one can read the other's
half-written file. Here the state lives where `--state` says (`make run`: `var/`), and is
written to a temporary file then renamed, so a reader sees the old state or the new, whole.

localstripe has no Search API; payments looks for an earlier attempt's PaymentIntent with Stripe's
`GET /v1/payment_intents/search` (one call whatever the account's size), so the one query it
sends, `metadata['key']:'value'`, is answered here too (`--without-search` leaves it out, to see
payments' fallback).

    python -m mint_shop.localstripe_run --port 8420 --state var/localstripe.pickle [--from-scratch]
"""

import argparse
import os
import pickle
import re
import sys
import tempfile
from pathlib import Path

from localstripe import resources


def _use_state_file(path: Path) -> None:
    def try_load_from_disk(store):
        try:
            with path.open("rb") as f:
                # localstripe's own state format, in a file only this process writes (never user input).
                old = pickle.load(f)  # nosec B301
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


_METADATA_QUERY = re.compile(r"metadata\['([^']+)'\]:'((?:[^'\\]|\\.)*)'")


class _SearchResult(resources.List):
    object = "search_result"


def _payment_intents_search(query=None, limit=None, **_ignored):
    """Stripe's PaymentIntent search, for the one query payments sends: one metadata value."""
    match = _METADATA_QUERY.fullmatch((query or "").strip())
    if match is None:
        raise resources.UserError(400, "localstripe (mint_shop) searches only metadata['key']:'value'")
    key, value = match.group(1), re.sub(r"\\(.)", r"\1", match.group(2))
    found = _SearchResult("/v1/payment_intents/search", limit=limit)
    found._list = [
        intent
        for name, intent in resources.store.items()
        if name.startswith("payment_intent:") and (intent.metadata or {}).get(key) == value
    ]
    return found


def _balance_transactions_created_from(url, limit=None, starting_after=None, created=None, **kwargs):
    """localstripe's balance transaction list, also taking Stripe's `created[gte]` filter (M9's import)."""
    found = _list_balance_transactions(url, limit=limit, starting_after=starting_after, **kwargs)
    if created is not None:
        since = int(created["gte"])
        found._list = [txn for txn in found._list if txn.created >= since]
    return found


_list_balance_transactions = resources.BalanceTransaction._api_list_all


def _add_search() -> None:
    # Before localstripe's server module builds its routes: `/search` must come before `/{id}`.
    resources.extra_apis.append(("GET", "/v1/payment_intents/search", _payment_intents_search))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("STRIPE_PORT", 8420)))
    parser.add_argument("--state", type=Path, required=True, help="the state file (its folder must exist)")
    parser.add_argument("--from-scratch", action="store_true", help="ignore any saved state")
    parser.add_argument("--without-search", action="store_true", help="no PaymentIntent search, as localstripe")
    args = parser.parse_args(argv)
    _use_state_file(args.state.resolve())
    resources.BalanceTransaction._api_list_all = _balance_transactions_created_from
    if not args.without_search:
        _add_search()
    from localstripe import server

    # localstripe's own entry point reads sys.argv: hand it only the options it knows.
    sys.argv = [sys.argv[0], "--port", str(args.port)] + (["--from-scratch"] if args.from_scratch else [])
    server.start()


if __name__ == "__main__":
    main(sys.argv[1:])
