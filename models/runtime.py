"""Process-wide torch settings, set in one place.

torch's intra-op thread pool belongs to the whole process: every request thread and every
in-process job shares it. So it is sized once per process, never per call.
"""

from __future__ import annotations

import threading

# Beam search is many tiny matrix products: extra intra-op threads only wait on each other,
# and with another busy process on the machine 2 threads made a request 8x slower (6.3 s vs
# 0.74 s for cars). Requests already run in parallel threads, so one each is the right size.
SERVING_THREADS = 1

_lock = threading.Lock()
_tuned_for_serving = False


def tune_for_serving() -> None:
    """Give torch SERVING_THREADS intra-op threads in this process (the first call sets it)."""
    global _tuned_for_serving
    if _tuned_for_serving:
        return
    with _lock:
        if not _tuned_for_serving:
            import torch

            torch.set_num_threads(SERVING_THREADS)
            _tuned_for_serving = True
