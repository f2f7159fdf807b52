import { useState } from "react";
import { exportReport, type Report } from "../../api/reports";
import { safeFilename, saveBlob } from "../../lib/download";
import { ErrorMessage } from "../ui/Status";

/** Download the server's HTML (self-contained) or PDF export; fetched with the token, saved from a blob. */
export function ExportReportButtons({ report }: { report: Report }) {
  const [busy, setBusy] = useState<"html" | "pdf" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const download = async (format: "html" | "pdf") => {
    setBusy(format);
    setError(null);
    try {
      saveBlob(await exportReport(report.id, format), safeFilename(report.title, format));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <div className="button-row" role="group" aria-label="Export">
        <button type="button" onClick={() => download("html")} disabled={busy !== null}>
          {busy === "html" ? "Exporting…" : "Export HTML"}
        </button>
        <button type="button" onClick={() => download("pdf")} disabled={busy !== null}>
          {busy === "pdf" ? "Exporting…" : "Export PDF"}
        </button>
      </div>
      <ErrorMessage error={error} />
    </>
  );
}
