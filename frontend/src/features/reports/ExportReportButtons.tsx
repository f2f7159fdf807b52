import { useState } from "react";
import { exportReport, type Report } from "../../api/reports";
import { safeFilename, saveBlob } from "../../lib/download";
import { useAction } from "../../lib/useAction";
import { ErrorMessage } from "../ui/Status";

/** Download the server's HTML (self-contained) or PDF export; fetched with the token, saved from a blob. */
export function ExportReportButtons({ report }: { report: Report }) {
  const action = useAction();
  const [format, setFormat] = useState<"html" | "pdf">("html");
  const busy = action.busy ? format : null;
  const download = (chosen: "html" | "pdf") => {
    setFormat(chosen);
    return action.run(async () => saveBlob(await exportReport(report.id, chosen), safeFilename(report.title, chosen)));
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
      <ErrorMessage error={action.error} />
    </>
  );
}
