"""Precinct Console: the command-room console of a police station."""

import os as _os

__version__ = "0.1.0"

# Before numpy loads (this package is imported first by every entry point): the console does
# small vector work on many threads of its own, and an idle BLAS pool that spins on a busy
# 2-core seat made the allocation's local search 30x slower (27.6 s instead of 0.93 s measured).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
