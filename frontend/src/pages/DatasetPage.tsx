import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { deleteDataset, downloadDatasetFile, getDataset, getDatasetRows } from "../api/datasets";
import { listProjects, moveDataset } from "../api/projects";
import { ColumnList } from "../features/datasets/ColumnList";
import { ProfileSection } from "../features/datasets/Profile";
import { ProjectSelect } from "../features/projects/ProjectSelect";
import { RowsTable } from "../features/datasets/RowsTable";
import { NewReportButton } from "../features/reports/NewReportButton";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { saveBlob } from "../lib/download";
import { formatBytes, formatDate } from "../lib/format";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

const PREVIEW_ROWS = 50;

/** One dataset: summary, columns with types and missing counts, and a table preview. */
export default function DatasetPage() {
  const { datasetId = "" } = useParams();
  const navigate = useNavigate();
  const [offset, setOffset] = useState(0);
  const action = useAction();
  const dataset = useAsync((signal) => getDataset(datasetId, signal), [datasetId]);
  const rows = useAsync((signal) => getDatasetRows(datasetId, offset, PREVIEW_ROWS, signal), [datasetId, offset]);
  const projects = useAsync((signal) => listProjects(signal), []);

  if (dataset.loading && !dataset.data) return <Loading label="Loading dataset…" />;
  if (dataset.error || !dataset.data) return <ErrorMessage error={dataset.error ?? "Not found"} onRetry={dataset.reload} />;
  const d = dataset.data;

  const download = () => action.run(async () => saveBlob(await downloadDatasetFile(d.id), d.filename));
  const remove = () => {
    if (!window.confirm(`Delete ${d.filename}?`)) return;
    void action.run(async () => {
      await deleteDataset(d.id);
      navigate("/datasets");
    });
  };

  const total = rows.data?.total ?? d.n_rows;
  return (
    <>
      <div className="page-header">
        <h1>{d.filename}</h1>
        <p className="muted">
          {d.format.toUpperCase()} · {d.n_rows.toLocaleString()} rows × {d.n_columns} columns · {formatBytes(d.size_bytes)} · uploaded{" "}
          {formatDate(d.created_at)}
          {d.lineage?.source_dataset_id && (
            <>
              {" "}
              · made by {d.lineage.kind ?? "a job"} from <Link to={`/datasets/${d.lineage.source_dataset_id}`}>its source</Link>
            </>
          )}
        </p>
        <div className="button-row">
          <Link className="button primary" to={`/datasets/${d.id}/charts`}>
            Recommend charts
          </Link>
          <Link className="button" to={`/datasets/${d.id}/impute`}>
            Fill gaps
          </Link>
          <Link className="button" to={`/datasets/${d.id}/synthesize`}>
            Synthesize
          </Link>
          <NewReportButton datasetId={d.id} datasetName={d.filename} />
          <button type="button" onClick={download}>
            Download
          </button>
          <button type="button" className="danger" onClick={remove}>
            Delete
          </button>
        </div>
        <div className="form-row">
          {/* "" is the default project here: the move sends project_id null. */}
          <ProjectSelect
            label="Project"
            projects={projects.data ?? []}
            value={d.project_id ?? ""}
            defaultValue=""
            disabled={action.busy}
            onChange={(value) => action.run(async () => dataset.setData(await moveDataset(d.id, value || null)))}
          />
        </div>
        <ErrorMessage error={action.error} />
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="columns-heading">
          <h2 id="columns-heading">Columns</h2>
          <ColumnList columns={d.columns} rows={d.n_rows} />
        </section>
        <section className="card grow" aria-labelledby="preview-heading">
          <div className="section-header">
            <h2 id="preview-heading">Preview</h2>
            <span className="muted">
              rows {total ? offset + 1 : 0}–{Math.min(offset + PREVIEW_ROWS, total)} of {total.toLocaleString()}
            </span>
          </div>
          {rows.loading && !rows.data ? (
            <Loading label="Loading rows…" />
          ) : rows.error ? (
            <ErrorMessage error={rows.error} onRetry={rows.reload} />
          ) : !rows.data || rows.data.items.length === 0 ? (
            <Empty>This dataset has no rows.</Empty>
          ) : (
            <RowsTable columns={d.columns} rows={rows.data.items} caption={`Rows of ${d.filename}`} />
          )}
          <nav className="pager" aria-label="Preview pages">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PREVIEW_ROWS))}>
              Previous rows
            </button>
            <button type="button" disabled={offset + PREVIEW_ROWS >= total} onClick={() => setOffset(offset + PREVIEW_ROWS)}>
              Next rows
            </button>
          </nav>
        </section>
      </div>
      <ProfileSection datasetId={d.id} />
    </>
  );
}
