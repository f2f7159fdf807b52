import { Link, useSearchParams } from "react-router-dom";
import { getReport } from "../../api/reports";
import { useAsync } from "../../lib/useAsync";

/** On the recommendations page opened from a report's editor (`?report=<id>`): which report "Add to report" fills. */
export function ReportTargetNote() {
  const [params] = useSearchParams();
  const reportId = params.get("report");
  const report = useAsync((signal) => (reportId ? getReport(reportId, signal) : Promise.resolve(null)), [reportId]);
  if (!reportId || !report.data) return null;
  return (
    <p className="status report-target" role="note">
      “Add to report” adds charts to <strong>{report.data.title}</strong>.{" "}
      <Link to={`/reports/${encodeURIComponent(reportId)}`}>Back to the report</Link>
    </p>
  );
}
