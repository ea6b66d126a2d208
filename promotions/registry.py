"""What promotions ask of the apps above them, filled in their `AppConfig.ready` (DESIGN.md).

Promotions sit below orders, payments and cancellations and never import them. The friend's
eligibility (X3: new to the gifts range; not the referrer's card) and whether the friend's
purchase still stands are facts those apps hold; each registers a reader here. With nothing
registered a question has the answer "nothing known", so promotions work and test alone.

- ranges_bought(customer_id) -> set of range codes the customer has ordered from before.
- lines_cancelled(line_ids) -> the subset of those order lines withdrawn or cancelled.
- card_fingerprints(customer_id) -> fingerprints of the cards the customer has paid with.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

RANGES_BOUGHT = "ranges_bought"
LINES_CANCELLED = "lines_cancelled"
CARD_FINGERPRINTS = "card_fingerprints"
QUESTIONS = {RANGES_BOUGHT, LINES_CANCELLED, CARD_FINGERPRINTS}

_readers: dict[str, list[Callable]] = defaultdict(list)


def register(question: str, reader: Callable) -> None:
    if question not in QUESTIONS:
        raise ValueError(f"unknown promotions question {question!r}")
    if reader not in _readers[question]:
        _readers[question].append(reader)


def ask(question: str, **kwargs) -> set:
    """The union of every registered reader's answer."""
    answer: set = set()
    for reader in _readers[question]:
        answer |= set(reader(**kwargs))
    return answer


def lines_cancelled(line_ids: Iterable[int]) -> set[int]:
    return ask(LINES_CANCELLED, line_ids=list(line_ids))
