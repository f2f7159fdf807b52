import json
import time

from flask import Response, request, stream_with_context, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import current_user_id, job_limits, job_runner, store
from backend.jobs import kinds, states
from backend.schemas.common import page_schema
from backend.schemas.jobs import JobCreateSchema, JobListArgs, JobResumeSchema, JobSchema
from backend.services import jobs

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Background jobs: progress, cancel, resume")

SSE_POLL_S = 0.2
SSE_KEEPALIVE_S = 15.0


def accepted(job):
    """202 with the job and where to follow it."""
    return job, {"Location": url_for("jobs.Job", job_id=job["id"])}


def start(kind, params, dataset_id=None):
    """Start a job for the caller (limits apply) and answer 202 + Location."""
    job = jobs.start_job(
        store(), job_runner(), current_user_id(), kind, params, limits=job_limits(), dataset_id=dataset_id
    )
    return accepted(job)


@blp.route("")
class Jobs(MethodView):
    @blp.arguments(JobListArgs, location="query")
    @blp.response(200, page_schema(JobSchema))
    def get(self, args):
        """The caller's jobs, newest first (filter by kind and status)."""
        return jobs.list_jobs(
            store(),
            current_user_id(),
            kind=args.get("kind"),
            status=args.get("status"),
            page_number=args["page"],
            page_size=args["page_size"],
        )

    @blp.arguments(JobCreateSchema)
    @blp.response(202, JobSchema)
    def post(self, body):
        """Start a job of a kind that takes its parameters here."""
        kind = kinds.get(body["kind"])
        params = kind.load_params(body["params"])
        return start(kind.name, params, params.get("dataset_id"))


@blp.route("/<job_id>")
class Job(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """One job: status, progress, metric history, live payload, result, error."""
        return jobs.get_job(store(), current_user_id(), job_id)


@blp.route("/<job_id>/cancel")
class JobCancel(MethodView):
    @blp.response(202, JobSchema)
    def post(self, job_id):
        """Stop a job: at once if queued, at the next epoch/step if running."""
        return accepted(jobs.cancel_job(store(), current_user_id(), job_id))


@blp.route("/<job_id>/resume")
class JobResume(MethodView):
    @blp.arguments(JobResumeSchema)
    @blp.response(202, JobSchema)
    def post(self, body, job_id):
        """Train a finished job further, from its last checkpoint."""
        job = jobs.resume_job(store(), job_runner(), current_user_id(), job_id, body["epochs"], limits=job_limits())
        return accepted(job)


@blp.route("/<job_id>/events")
class JobEvents(MethodView):
    @blp.response(200, content_type="text/event-stream")
    def get(self, job_id):
        """Server-Sent Events: one event per update, replayed from `Last-Event-ID`; ends with the job.

        A job keeps its newest 200 events; a client asking for older ones first gets an
        `event: gap` (reload the job with GET /jobs/{id}), then the events it keeps.
        """
        owner_id, s = current_user_id(), store()
        jobs.get_job(s, owner_id, job_id)  # 404 before the stream starts
        after = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
        # isdigit() alone lets "²" through to int(), a 500; anything but ASCII digits replays all.
        last_seq = int(after) if after.isascii() and after.isdigit() else 0
        return Response(
            stream_with_context(_event_stream(s, owner_id, job_id, last_seq)),
            mimetype="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )


def _event_stream(s, owner_id, job_id, last_seq):
    quiet_since = time.monotonic()
    while True:
        job = s.jobs.get(job_id, owner_id)
        if job is None:
            return
        retained = job.get("events") or []
        if retained and last_seq < retained[0]["seq"] - 1:
            # The job keeps only its newest events: tell a client that fell further behind
            # to reload the job (full metrics history) instead of drawing a series with a hole.
            yield f"event: gap\ndata: {json.dumps({'job_id': job_id, 'oldest_seq': retained[0]['seq']})}\n\n"
        events = [e for e in retained if e["seq"] > last_seq]
        for event in events:
            data = {"job_id": job_id, **event}
            if event is events[-1] and job.get("live") is not None:
                data["live"] = job["live"]
            yield f"id: {event['seq']}\ndata: {json.dumps(data)}\n\n"
            last_seq = event["seq"]
            quiet_since = time.monotonic()
        if job["status"] in states.FINISHED:
            summary = {"job_id": job_id, "status": job["status"], "result": job.get("result"), "error": job.get("error")}
            yield f"event: end\ndata: {json.dumps(summary)}\n\n"
            return
        if time.monotonic() - quiet_since > SSE_KEEPALIVE_S:
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()
        time.sleep(SSE_POLL_S)
