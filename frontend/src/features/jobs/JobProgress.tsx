import type { Job } from "../../api/types";
import { isFinished } from "../../api/types";
import { formatDuration } from "../../lib/format";
import { ProgressBar } from "../ui/Status";
import { JobStatusBadge } from "./JobStatusBadge";

/** Status, phase, step of total, elapsed and ETA; the error in words when the job failed. */
export function JobProgress({ job }: { job: Job }) {
  const progress = job.progress ?? {};
  const step = progress.step ?? 0;
  const total = progress.total ?? 0;
  return (
    <div className="job-progress" aria-live="polite">
      <div className="job-progress-line">
        <JobStatusBadge status={job.status} />
        {progress.phase && <span className="badge phase">phase: {progress.phase}</span>}
        <span data-testid="job-step">
          {total ? `step ${step} of ${total}` : step ? `step ${step}` : job.status === "queued" ? "waiting for a worker" : ""}
        </span>
        <span className="muted">elapsed {formatDuration(progress.elapsed_s)}</span>
        {!isFinished(job.status) && progress.eta_s != null && <span className="muted">ETA {formatDuration(progress.eta_s)}</span>}
        {job.runs && job.runs > 1 ? <span className="muted">run {job.runs}</span> : null}
      </div>
      {total > 0 && <ProgressBar value={step} max={total} label={`${job.kind} progress`} />}
      {job.error && (
        <div className="status status-error" role="alert">
          <strong>{job.error.title || "The job failed"}:</strong> {job.error.detail}
        </div>
      )}
    </div>
  );
}
