import { exportReport, getSharedReportHtml } from "../../api/reports";
import { useAsync } from "../../lib/useAsync";
import { ErrorMessage, Loading } from "../ui/Status";

/** The owner's report (drawn again whenever `version` changes) or a shared one by its token. */
export type ReportSource = { reportId: string; version: string; token?: undefined } | { token: string; reportId?: undefined; version?: undefined };

/**
 * A report as the export draws it: the server's self-contained HTML in an iframe with `sandbox=""` (no scripts, no
 * same-origin, no forms) through `srcdoc`, so it shows exactly what a downloaded file shows. srcdoc, not a URL: the
 * export needs the bearer token, and API answers may not be framed (frame-ancestors 'none'). The framed document
 * inherits the app's CSP, whose inline styles and data: images the export uses.
 */
export function ReportFrame({ source, title }: { source: ReportSource; title: string }) {
  const { reportId, version, token } = source;
  // Fetched again for each version of the owner's report; the answer remembers which version it drew.
  const html = useAsync(
    async (signal) => ({
      version,
      text: await (await (token !== undefined ? getSharedReportHtml(token, signal) : exportReport(reportId!, "html", signal))).text(),
    }),
    [reportId, version, token],
  );
  if (html.loading && html.data === undefined) return <Loading label="Rendering the report…" />;
  if (html.error) return <ErrorMessage error={html.error} onRetry={html.reload} />;
  return (
    <div className="report-frame-wrap" aria-busy={html.loading}>
      {html.loading && <Loading label="Updating…" />}
      <iframe className="report-frame" title={title} sandbox="" srcDoc={html.data?.text ?? ""} data-testid="report-frame" />
    </div>
  );
}
