"""Background jobs: the job document in our store is the only truth.

`backend/services/jobs.py` starts, cancels and resumes jobs; `execute.py` runs one job (the same code
under the in-process pool and under Celery); `context.py` is what job code sees;
`kinds.py` maps a job kind to its function; `runner.py` holds the two runners.
"""
