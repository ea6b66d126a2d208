"""Who acted, for whom, in what capacity: written onto each history row a service saves."""

from mint_shop.actors import Actor

HISTORY_REASON_MAX = 100  # django-simple-history's history_change_reason column


def stamp(instance, actor: Actor):
    """Make the next history row of `instance` name the actor and their capacity (C6).

    The history row belongs to the customer's record (for whom); the user and the reason
    ("representative:jo via web as attorney") say who acted and in what capacity.
    """
    instance._history_user = actor.user
    instance._change_reason = actor.describe()[:HISTORY_REASON_MAX]
    return instance
