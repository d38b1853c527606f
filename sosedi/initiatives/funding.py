"""Co-financing arithmetic in kopecks (integers only, so no rounding can lose or invent a kopeck).

Refund of initiative payments (ч. 3 ст. 56.1 131-ФЗ): the whole amount received when the project is not built
(refused or stopped); when it is built for less than planned, the initiative payments' share of the saving —
the saving split between the budget and the payments in proportion to what each put in. The pool is then
divided among contributors in proportion to what each paid, by the largest-remainder method, so the parts add
up to the pool exactly. Only the "proportional" rule exists so far (`initiative.refund_rule`).
"""

from dataclasses import dataclass
from decimal import Decimal


def kopecks(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def roubles(kop: int) -> Decimal:
    return (Decimal(kop) / 100).quantize(Decimal("0.01"))


def split_proportionally(pool: int, weights: list[int]) -> list[int]:
    """`pool` kopecks split in proportion to `weights`; the parts sum to `pool` exactly (largest remainder; ties go
    to the earlier contributor)."""
    total = sum(weights)
    if pool < 0 or any(w < 0 for w in weights):
        raise ValueError("amounts must not be negative")
    if total == 0 or pool == 0:
        return [0] * len(weights)
    if pool > total:
        raise ValueError("cannot refund more than was received")
    shares = [pool * w // total for w in weights]
    remainders = [pool * w % total for w in weights]
    left = pool - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return shares


def refund_pool(*, received: int, budget: int, spent: int | None, built: bool) -> int:
    """Kopecks of initiative payments to return."""
    if not built:
        return received
    if spent is None:
        return 0
    financed = budget + received
    saving = max(0, financed - spent)
    if financed == 0:
        return 0
    return min(received, saving * received // financed)


@dataclass(frozen=True)
class Refund:
    contributor: str
    received: Decimal
    refund: Decimal
