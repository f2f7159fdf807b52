import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { deleteReport, type Report, type ReportBlock } from "../../api/reports";
import { formatDate } from "../../lib/format";
import { useAction } from "../../lib/useAction";
import { ErrorMessage } from "../ui/Status";
import { AddBlockPanel, type BlockSources } from "./AddBlockPanel";
import { BlockList } from "./BlockList";
import { blockCount, describeBlock } from "./labels";
import { ExportReportButtons } from "./ExportReportButtons";
import { ReportFrame } from "./ReportFrame";
import { ShareControls } from "./ShareControls";
import { useReportEditor } from "./useReportEditor";

/** The report editor: title, blocks (reorder, edit text, delete), add blocks, export, share, and the live preview. */
export function ReportEditorView({ initial, sources, datasetName }: { initial: Report; sources: BlockSources; datasetName?: string }) {
  const editor = useReportEditor(initial);
  const { report } = editor;
  const navigate = useNavigate();
  const [title, setTitle] = useState(report.title);
  const deletion = useAction();

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() && title.trim() !== report.title) await editor.rename(title.trim());
  };
  const remove = () => {
    if (!window.confirm(`Delete the report “${report.title}”?`)) return;
    return deletion.run(async () => {
      await deleteReport(report.id);
      navigate("/reports");
    });
  };
  const describe = (block: ReportBlock): string => describeBlock(block, sources);

  return (
    <>
      <div className="page-header">
        <h1>{report.title}</h1>
        <p className="muted">
          Report on <Link to={`/datasets/${report.dataset_id}`}>{datasetName ?? "its dataset"}</Link> · {blockCount(report.blocks.length)} · saved{" "}
          {formatDate(report.updated_at)}
        </p>
        <form className="form-row report-title-form" onSubmit={rename} aria-label="Report title">
          <label>
            Title
            <input value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
          </label>
          <button type="submit" disabled={!title.trim() || title.trim() === report.title || editor.busy !== null}>
            {editor.busy === "rename" ? "Saving…" : "Rename"}
          </button>
        </form>
        <ExportReportButtons report={report} />
      </div>
      <ErrorMessage error={editor.error} />
      <div className="report-layout">
        <div className="report-editor-column">
          <section className="card" aria-labelledby="blocks-heading">
            <h2 id="blocks-heading">Blocks</h2>
            <BlockList editor={editor} describe={describe} />
          </section>
          <section className="card" aria-labelledby="add-heading">
            <h2 id="add-heading">Add a block</h2>
            <AddBlockPanel editor={editor} sources={sources} />
          </section>
          <section className="card" aria-labelledby="share-heading">
            <h2 id="share-heading">Share</h2>
            <ShareControls editor={editor} />
          </section>
          <section className="card" aria-labelledby="danger-heading">
            <h2 id="danger-heading">Delete</h2>
            <button type="button" className="danger" onClick={remove} disabled={deletion.busy}>
              {deletion.busy ? "Deleting…" : "Delete report"}
            </button>
            <ErrorMessage error={deletion.error} />
          </section>
        </div>
        <section className="card report-preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview</h2>
          <p className="muted">The export as it will be downloaded or shared.</p>
          <ReportFrame source={{ reportId: report.id, version: previewVersion(report) }} title={`Preview of ${report.title}`} />
        </section>
      </div>
    </>
  );
}

/** Changes whenever what the export shows may have changed (its blocks, their text, the title). */
function previewVersion(report: Report): string {
  return `${report.updated_at}|${report.title}|${report.blocks.map((b) => `${b.id}:${b.markdown?.length ?? ""}`).join(",")}`;
}
