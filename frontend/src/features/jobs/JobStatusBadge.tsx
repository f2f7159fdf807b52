import type { JobStatus } from "../../api/types";

export function JobStatusBadge({ status }: { status: JobStatus | string | undefined }) {
  return (
    <span className={`badge status-${status ?? "unknown"}`} data-testid="job-status">
      {status ?? "unknown"}
    </span>
  );
}
