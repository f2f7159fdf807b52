import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { listDatasets } from "../api/datasets";
import { createReport, listReports } from "../api/reports";
import { blockCount } from "../features/reports/labels";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { Pager } from "../features/ui/Pager";
import { formatDate } from "../lib/format";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

const PAGE_SIZE = 20;

/** The user's reports, newest first, and a form to start one on a dataset. */
export default function ReportsPage() {
  const [page, setPage] = useState(1);
  const reports = useAsync((signal) => listReports({ page, page_size: PAGE_SIZE }, signal), [page]);
  const datasets = useAsync((signal) => listDatasets({ page_size: 100 }, signal), []);
  const pages = reports.data ? Math.max(1, Math.ceil(reports.data.total / PAGE_SIZE)) : 1;
  const names = new Map((datasets.data?.items ?? []).map((d) => [d.id, d.filename]));

  return (
    <>
      <h1>Reports</h1>
      <NewReportForm datasets={datasets.data?.items ?? []} />
      <ErrorMessage error={datasets.error} onRetry={datasets.reload} />
      <section className="card" aria-labelledby="reports-heading">
        <h2 id="reports-heading">Your reports</h2>
        {reports.loading && !reports.data ? (
          <Loading label="Loading reports…" />
        ) : reports.error ? (
          <ErrorMessage error={reports.error} onRetry={reports.reload} />
        ) : !reports.data || reports.data.items.length === 0 ? (
          <Empty>
            No reports yet. Start one {datasets.data?.items.length ? "above, or " : ""}from a <Link to="/datasets">dataset</Link>'s page.
          </Empty>
        ) : (
          <>
            <ul className="dataset-list" aria-label="Reports">
              {reports.data.items.map((report) => (
                <li key={report.id} className="dataset-row">
                  <div className="dataset-main">
                    <Link to={`/reports/${report.id}`} className="dataset-name">
                      {report.title}
                    </Link>
                    <span className="muted">
                      {names.get(report.dataset_id) ?? "dataset"} · {blockCount(report.blocks.length)} · saved {formatDate(report.updated_at)}
                      {report.share ? " · shared" : ""}
                    </span>
                  </div>
                </li>
              ))}
            </ul>
            <Pager page={page} pages={pages} onPage={setPage} />
          </>
        )}
      </section>
    </>
  );
}

function NewReportForm({ datasets }: { datasets: { id: string; filename: string }[] }) {
  const navigate = useNavigate();
  const [datasetId, setDatasetId] = useState("");
  const [title, setTitle] = useState("");
  const { busy, error, run } = useAction();
  const chosen = datasetId || datasets[0]?.id || "";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const report = await createReport({ dataset_id: chosen, title: title.trim() });
      navigate(`/reports/${report.id}`);
    });
  };
  if (datasets.length === 0) return null;
  return (
    <form className="card form-row new-report-form" onSubmit={submit} aria-labelledby="new-report-heading">
      <h2 id="new-report-heading">Start a report</h2>
      <label>
        Dataset
        <select value={chosen} onChange={(e) => setDatasetId(e.target.value)}>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.filename}
            </option>
          ))}
        </select>
      </label>
      <label>
        Title
        <input value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={busy || !title.trim() || !chosen}>
        {busy ? "Creating…" : "New report"}
      </button>
      <ErrorMessage error={error} />
    </form>
  );
}
