from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.api.context import config, current_user_id, job_limits, job_queue, job_runner, store
from backend.api.responses import accepted
from backend.jobs import kinds
from backend.jobs.event_feed import HANDOFF_KEY, StreamLeases, ThreadStream
from backend.schemas.common import page_schema
from backend.schemas.jobs import JobCreateSchema, JobListArgs, JobResumeSchema, JobSchema
from backend.services import jobs

blp = Blueprint(
    "jobs",
    __name__,
    url_prefix="/api/v1/jobs",
    description="Background jobs: progress, cancel, resume",
)


def stream_leases() -> StreamLeases:
    """This process's count of open event streams per user (made on first use)."""
    leases = current_app.extensions.get("stream_leases")
    if leases is None:
        leases = current_app.extensions.setdefault(
            "stream_leases", StreamLeases(config().max_streams_per_user)
        )
    return leases


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
            project_id=args.get("project_id"),
            page_number=args["page"],
            page_size=args["page_size"],
        )

    @blp.arguments(JobCreateSchema)
    @blp.response(202, JobSchema)
    def post(self, body):
        """Start a job of a kind that takes its parameters here."""
        kind = kinds.get(body["kind"])
        params = kind.load_params(body["params"])
        job = job_queue().start(
            store(), current_user_id(), kind.name, params, params.get("dataset_id")
        )
        return accepted(job)


@blp.route("/<job_id>")
class Job(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """One job: status, progress, metric history, live payload, result, error."""
        return jobs.get_job(store(), current_user_id(), job_id)

    @blp.response(204)
    def delete(self, job_id):
        """Delete a finished job and its checkpoint (409 while queued or running: cancel it first).
        The dataset or model it made stays."""
        jobs.delete_job(store(), current_user_id(), job_id)


@blp.route("/<job_id>/cancel")
class JobCancel(MethodView):
    @blp.response(202, JobSchema)
    def post(self, job_id):
        """Stop a job: at once if queued, within about a second if running."""
        return accepted(jobs.cancel_job(store(), current_user_id(), job_id))


@blp.route("/<job_id>/resume")
class JobResume(MethodView):
    @blp.arguments(JobResumeSchema)
    @blp.response(202, JobSchema)
    def post(self, body, job_id):
        """Train a finished job further, from its last checkpoint."""
        job = jobs.resume_job(
            store(), job_runner(), current_user_id(), job_id, body["epochs"], limits=job_limits()
        )
        return accepted(job)


@blp.route("/<job_id>/events")
class JobEvents(MethodView):
    @blp.response(200, content_type="text/event-stream")
    def get(self, job_id):
        """Server-Sent Events: one event per update, replayed from `Last-Event-ID`; ends with the job.

        A job keeps its newest 200 events; a client asking for older ones first gets an
        `event: gap` (reload the job with GET /jobs/{id}), then the events it keeps. A user may
        hold MAX_STREAMS_PER_USER streams open per server process; one more answers 429.
        """
        owner_id = current_user_id()
        last_event_id = request.headers.get("Last-Event-ID") or request.args.get("after")
        feed, first = jobs.open_event_feed(store(), owner_id, job_id, last_event_id)
        if feed.done or request.method == "HEAD":
            return _event_response(first)
        release = stream_leases().acquire(owner_id)
        handoff = request.environ.get(HANDOFF_KEY)
        if handoff is None:  # a server without the hub: this thread streams
            return _event_response(ThreadStream(first, feed, release))
        handoff(feed, release)  # the hub streams the rest once the head and `first` are sent
        return _event_response(iter([first]))  # an iterator: no Content-Length, the body goes on


def _event_response(body):
    return Response(
        body,
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
