"""Money is an integer number of pence. These helpers never touch a float."""

# The most a pence column holds (PostgreSQL `integer`): a typed amount above it is refused, not stored.
MAX_PENCE = 2**31 - 1


def format_pence(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rem:02d}"


def allocate_pence(total: int, weights: list[int]) -> list[int]:
    """Split `total` pence across `weights` in proportion, to the penny (largest remainder).

    The parts always add up to `total`; ties go to the earlier weight so the result is stable.
    Used to spread a discount over order lines (X2) so a refund can take back exactly its share.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    shares = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    short = total - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:short]:
        shares[index] += 1
    return shares

