"""Reads about marketing consent. The outbox asks here before any marketing message (D1)."""


def marketing_consent_allows(*, customer, channel: str) -> bool:
    """May marketing go to this customer on this channel?

    The consent records arrive with the customers issue (D1–D2); until a customer has
    given consent there is nothing that allows marketing, so the answer is no.
    """
    return False
