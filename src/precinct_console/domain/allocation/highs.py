"""One HiGHS set-up for every solve in the process (the plan's MILP, the timed duties' LP).

HiGHS 1.15 starts one task scheduler per process, with the thread count of the first run; a
later run asking another count fails with no solution ("the solver found no plan"). Every
instance therefore takes the same count from here: an assignment LP for the unit board's timed
duties, run first, used to leave the next proposal of a plan unsolvable.
"""

from __future__ import annotations

import os

import highspy

# Two threads where there are two cores: the tree search stays serial and the second takes
# the root's side tasks (see milp.py).
THREADS = min(2, os.cpu_count() or 1)


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance on the process's thread count, seeded for repeatable answers."""
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("threads", THREADS)
    h.setOptionValue("random_seed", 7)  # same input, same plan
    return h
