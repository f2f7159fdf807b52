import { useState } from "react";
import type { ReportEditor } from "./useReportEditor";

/** The SPA page that shows a shared report to anyone with the link (no login). */
export const sharedReportUrl = (token: string): string => `${window.location.origin}/shared/reports/${encodeURIComponent(token)}`;

/** Create a read-only link, copy it, open it, revoke it (the old link then answers 404). */
export function ShareControls({ editor }: { editor: ReportEditor }) {
  const { share } = editor.report;
  const [copied, setCopied] = useState(false);
  if (!share) {
    return (
      <>
        <p className="muted">Only you can see this report. A share link lets anyone who has it read it, without an account.</p>
        <button type="button" onClick={() => editor.share()} disabled={editor.busy !== null}>
          {editor.busy === "share" ? "Creating…" : "Create share link"}
        </button>
      </>
    );
  }
  const url = sharedReportUrl(share.token);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard permission (or no secure context): select the text so Ctrl+C copies it.
      (document.getElementById("share-url") as HTMLInputElement | null)?.select();
    }
  };
  return (
    <>
      <label htmlFor="share-url">Read-only link</label>
      <input id="share-url" className="share-url" readOnly value={url} onFocus={(e) => e.target.select()} />
      <div className="button-row">
        <button type="button" onClick={copy}>
          Copy link
        </button>
        <a className="button" href={url} target="_blank" rel="noopener noreferrer">
          Open
        </a>
        <button type="button" className="danger" onClick={() => {
            setCopied(false);
            void editor.unshare();
          }} disabled={editor.busy !== null}>
          {editor.busy === "unshare" ? "Revoking…" : "Revoke link"}
        </button>
      </div>
      {copied && (
        <p role="status" className="success-text">
          Link copied.
        </p>
      )}
    </>
  );
}
