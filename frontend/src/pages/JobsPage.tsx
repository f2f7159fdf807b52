import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { cancelJob, deleteJob, listJobs, resumeJob } from "../api/jobs";
import { FINISHED_STATUSES, isFinished, resultDatasetId, type Job, type JobStatus } from "../api/types";
import { JobStatusBadge } from "../features/jobs/JobStatusBadge";
import { Empty, ErrorMessage, Loading, ProgressBar } from "../features/ui/Status";
import { formatDate, formatDuration } from "../lib/format";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

const STATUSES: JobStatus[] = ["queued", "running", ...FINISHED_STATUSES];
const REFRESH_MS = 3000;

/** Where a job's live view is. */
export function jobLink(job: Job): string | null {
  const fromParams = job.params?.dataset_id;
  const datasetId = job.dataset_id ?? (typeof fromParams === "string" ? fromParams : undefined);
  if (!datasetId) return null;
  if (job.kind.startsWith("imput")) return `/datasets/${datasetId}/impute?job=${job.id}`;
  if (job.kind.includes("evaluation")) return `/datasets/${datasetId}/synthesize?eval=${job.id}`;
  if (job.kind.includes("timegan") || job.kind.startsWith("synth")) return `/datasets/${datasetId}/synthesize?job=${job.id}`;
  return null;
}

/** Every job of the user: filter by kind and status, stop, resume, delete; refreshes while any job is active. */
export default function JobsPage() {
  const [kind, setKind] = useState("");
  const [status, setStatus] = useState<JobStatus | "">("");
  const action = useAction();
  const jobs = useAsync((signal) => listJobs({ kind: kind || undefined, status: status || undefined, page_size: 50 }, signal), [kind, status]);
  const active = jobs.data?.items.some((j) => !isFinished(j.status)) ?? false;

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(jobs.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, jobs.reload]);

  const act = (change: () => Promise<unknown>) =>
    action.run(async () => {
      await change();
      jobs.reload();
    });
  const kinds = Array.from(new Set(jobs.data?.items.map((j) => j.kind) ?? []));

  return (
    <>
      <h1>Jobs</h1>
      <div className="form-row" role="search" aria-label="Filter jobs">
        <label>
          Kind
          <input list="job-kinds" value={kind} onChange={(e) => setKind(e.target.value)} placeholder="any" />
          <datalist id="job-kinds">
            {kinds.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as JobStatus | "")}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={action.error} />
      {jobs.loading && !jobs.data ? (
        <Loading label="Loading jobs…" />
      ) : jobs.error ? (
        <ErrorMessage error={jobs.error} onRetry={jobs.reload} />
      ) : !jobs.data || jobs.data.items.length === 0 ? (
        <Empty>No jobs{kind || status ? " match these filters" : " yet: start one from a dataset's imputation or synthesis studio"}.</Empty>
      ) : (
        <ul className="job-list" aria-label="Jobs">
          {jobs.data.items.map((job) => {
            const link = jobLink(job);
            const p = job.progress ?? {};
            return (
              <li key={job.id} className="card job-row">
                <div className="job-row-main">
                  <strong>{job.kind}</strong> <JobStatusBadge status={job.status} />
                  {p.phase && <span className="badge phase">{p.phase}</span>}
                  <span className="muted">
                    started {formatDate(job.created_at)} · elapsed {formatDuration(p.elapsed_s)}
                    {job.runs && job.runs > 1 ? ` · run ${job.runs}` : ""}
                  </span>
                </div>
                {p.total ? <ProgressBar value={p.step ?? 0} max={p.total} label={`${job.kind} ${job.id} progress`} /> : null}
                {job.error && <p className="error-text">{job.error.title}: {job.error.detail}</p>}
                <div className="button-row">
                  {link && (
                    <Link className="button" to={link}>
                      Open
                    </Link>
                  )}
                  {resultDatasetId(job) && (
                    <Link className="button" to={`/datasets/${resultDatasetId(job)}`}>
                      Result dataset
                    </Link>
                  )}
                  {!isFinished(job.status) && (
                    <button type="button" className="danger" onClick={() => act(() => cancelJob(job.id))}>
                      Stop
                    </button>
                  )}
                  {isFinished(job.status) && job.checkpoint && (
                    <button type="button" onClick={() => act(() => resumeJob(job.id, 10))}>
                      Resume (+10)
                    </button>
                  )}
                  {isFinished(job.status) && (
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Delete ${job.kind} job ${job.id}`}
                      onClick={() =>
                        window.confirm(`Delete this ${job.kind} job? Its result dataset or model stays.`) &&
                        act(() => deleteJob(job.id))
                      }
                    >
                      Delete
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
