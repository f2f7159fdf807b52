"""Background jobs: the job document in our store is the only truth.

`backend/services/jobs.py` starts, cancels and resumes jobs; `execute.py` runs one job (the same
code under the in-process pool and under Celery); `protocols.py` is what job code may use of its
context and `context.py` implements it; `transitions.py` makes every status move (`states.py`
lists the allowed ones); `kinds.py` maps a job kind to its function; `runner.py` holds the two
runners. Nothing here imports `backend.services` (tests/unit/test_layers.py checks it).
"""
