"""Backup pair cuts: valid inequalities that tighten the allocation MILP's LP relaxation.

For any two demand rows g and h, and any whole-unit placement:

    y2[g] + y1[h] <= sum of x over columns reaching g in the backup time or h in the cover time

If h is covered by a unit outside g's backup reach, that unit adds one to the right side, and a
backed-up g already has two units there; if h is covered from inside g's backup reach, a backed-up
g still needs those two units and the right side counts them. With h = g this is the model's own
row y1 + y2 <= (units within backup time).

Why they help: the relaxation backs up the edge of an isolated hot spot held by one unit with a
fraction of a second one (the row's own cover y1 is fractional there, so y1 + y2 <= 1.3 allows
y2 = 0.5). Pairing that edge row with the well-covered centre of the spot (y1 = 1) caps its backup
at 0.3. Measured on the 2,000-cell benchmark: the LP bound drops from 96.68 to 96.46 in five rounds
(0.5 s); HiGHS's own root cuts reach 96.52 in 5 s without them.

What the relaxation keeps after these cuts is not held by a window's unit count: over a window
of points (the backup reach of a row, or a 2.5 km disc) the rows only that window reaches never
get more, in the cut relaxation, than the best k-unit plan of the window allows for the window's
fractional unit count (52 windows of the 2,000-cell benchmark checked, 2026-12-05). Against the
convex hull of a window's whole plans they do get more: over 25 overlapping 5 km windows (each
row in the window holding its 5-minute reach, hulls by column generation with HiGHS pricing, 5
min), 1.165 in all at the cut relaxation's optimum. But those hull cuts do not move its bound:
after seven rounds of 15 the relaxation still reaches 96.4555, from another point of its optimal
face (2026-12-06). Where the cut relaxation's surplus lies (district 1, 2026-12-06): its 16 units are spread over 86
points, none of them whole; against the optimal plan its cover is 0.033 lower and its backup 0.546
higher, so the whole gap is backup credited to fractions of units. Whether the full decomposition's bound is tight is open (with the pair cuts
kept it lies between the optimum 95.943 and 96.456), and at minutes in Python it is no way to a
proof in seconds.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .coverage import MergedRows

MAX_CUTS_PER_ROUND = 300
MIN_VIOLATION = 1e-4
BLOCK = 512  # rows of g per block: the (g, h) matrix stays a few MB on 10,000-row problems


def separate_pair_cuts(
    rows: MergedRows, x: NDArray[np.float64], y1: NDArray[np.float64], y2: NDArray[np.float64],
    *, max_cuts: int = MAX_CUTS_PER_ROUND,
) -> list[tuple[int, int, NDArray[np.int64]]]:
    """The most violated pair cut of each row g, strongest first, as (g, h, columns)."""
    n_g = len(rows.weight)
    support = np.nonzero(x > 1e-9)[0]
    if n_g < 2 or len(support) == 0:
        return []
    # Only columns the LP uses contribute to the violation, which keeps the products small.
    a3s = rows.a3f[:, support]
    a5s = rows.a5f[:, support]
    xs = x[support].astype(np.float32)
    a3x = a3s @ xs
    a5x = a5s @ xs
    a3_weighted_t = (a3s * xs).T  # (support, rows)
    found: list[tuple[float, int, int]] = []
    for lo in range(0, n_g, BLOCK):
        hi = min(n_g, lo + BLOCK)
        inter = a5s[lo:hi] @ a3_weighted_t  # [g, h]: sum of x reaching g in 5 min and h in 3
        viol = (y2[lo:hi, None] - a5x[lo:hi, None]) + (y1[None, :] - a3x[None, :]) + inter
        viol[np.arange(hi - lo), np.arange(lo, hi)] = -np.inf  # h = g is the model's own row
        best = np.argmax(viol, axis=1)
        value = viol[np.arange(hi - lo), best]
        for i in np.nonzero(value > MIN_VIOLATION)[0]:
            found.append((float(value[i]), lo + int(i), int(best[i])))
    found.sort(key=lambda t: (-t[0], t[1]))
    return [(g, h, np.nonzero(rows.a5[g] | rows.a3[h])[0]) for _v, g, h in found[:max_cuts]]
