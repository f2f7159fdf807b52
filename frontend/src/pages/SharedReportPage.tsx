import { Link, useParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { getSharedReport } from "../api/reports";
import { ReportFrame } from "../features/reports/ReportFrame";
import { ErrorMessage, Loading } from "../features/ui/Status";
import { useAsync } from "../lib/useAsync";

/** A report shared by link: read-only, no login; a revoked or unknown link says so. */
export default function SharedReportPage() {
  const { token = "" } = useParams();
  const report = useAsync((signal) => getSharedReport(token, signal), [token]);
  let body;
  if (report.loading && !report.data) body = <Loading label="Loading the shared report…" />;
  else if (report.error instanceof ApiError && report.error.status === 404)
    body = (
      <div className="status status-empty" role="alert">
        This link does not lead to a report: it was revoked by its owner, or it was mistyped.
      </div>
    );
  else if (report.error || !report.data) body = <ErrorMessage error={report.error ?? "Not found"} onRetry={report.reload} />;
  else
    body = (
      <>
        <h1 className="visually-hidden">{report.data.title}</h1>
        <ReportFrame source={{ token }} title={report.data.title} />
      </>
    );
  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          Insight
        </Link>
        <span className="shared-note">Shared report · read-only</span>
      </header>
      <main id="main" className="content shared-report">
        {body}
      </main>
    </>
  );
}
