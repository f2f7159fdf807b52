import { useEffect, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { deleteDataset, listDatasets } from "../api/datasets";
import { listProjects } from "../api/projects";
import type { Dataset } from "../api/types";
import { ProjectSelect } from "../features/projects/ProjectSelect";
import { UploadDropzone } from "../features/datasets/UploadDropzone";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { Pager } from "../features/ui/Pager";
import { formatBytes, formatDate } from "../lib/format";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

const PAGE_SIZE = 20;

/** Upload, and the upload history: newest first, search by file name, delete. */
export default function DatasetsPage() {
  const navigate = useNavigate();
  const [query, setQuery] = useState("");
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const removal = useAction();

  // Search as you type, once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => {
      setSearch(query.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(timer);
  }, [query]);

  // The project filter lives in the URL, so a project's "datasets" link (/datasets?project=...) opens it filtered.
  const [params, setParams] = useSearchParams();
  const project = params.get("project") ?? "";
  const history = useAsync(
    (signal) => listDatasets({ q: search, project_id: project || undefined, page, page_size: PAGE_SIZE }, signal),
    [search, project, page],
  );
  const projects = useAsync((signal) => listProjects(signal), []);

  const remove = (dataset: Dataset) => {
    if (!window.confirm(`Delete ${dataset.filename}? Its saved charts go too.`)) return;
    void removal.run(async () => {
      await deleteDataset(dataset.id);
      history.reload();
    });
  };

  const pages = history.data ? Math.max(1, Math.ceil(history.data.total / PAGE_SIZE)) : 1;

  return (
    <>
      <h1>Datasets</h1>
      <UploadDropzone onUploaded={(dataset) => navigate(`/datasets/${dataset.id}`)} />
      <section className="card" aria-labelledby="history-heading">
        <div className="section-header">
          <h2 id="history-heading">Upload history</h2>
          <ProjectSelect
            projects={projects.data ?? []}
            value={project}
            anyLabel="Any project"
            onChange={(value) => {
              setParams(value ? { project: value } : {});
              setPage(1);
            }}
          />
          <label className="search">
            <span className="visually-hidden">Search by file name</span>
            <input type="search" placeholder="Search by name" value={query} onChange={(e) => setQuery(e.target.value)} />
          </label>
        </div>
        <ErrorMessage error={removal.error} />
        {history.loading && !history.data ? (
          <Loading label="Loading your datasets…" />
        ) : history.error ? (
          <ErrorMessage error={history.error} onRetry={history.reload} />
        ) : !history.data || history.data.items.length === 0 ? (
          <Empty>{search ? `No dataset name contains “${search}”.` : "No uploads yet: drop a file above."}</Empty>
        ) : (
          <>
            <ul className="dataset-list" aria-label="Uploaded datasets" aria-busy={history.loading}>
              {history.data.items.map((dataset) => (
                <li key={dataset.id} className="dataset-row">
                  <div className="dataset-main">
                    <Link to={`/datasets/${dataset.id}`} className="dataset-name">
                      {dataset.filename}
                    </Link>
                    <span className="muted">
                      {dataset.format.toUpperCase()} · {dataset.n_rows.toLocaleString()} rows × {dataset.n_columns} columns ·{" "}
                      {formatBytes(dataset.size_bytes)} · {formatDate(dataset.created_at)}
                      {dataset.lineage?.kind ? ` · made by ${dataset.lineage.kind}` : ""}
                    </span>
                  </div>
                  <div className="button-row">
                    <Link className="button" to={`/datasets/${dataset.id}/charts`}>
                      Charts
                    </Link>
                    <button type="button" className="danger" onClick={() => remove(dataset)} aria-label={`Delete ${dataset.filename}`}>
                      Delete
                    </button>
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
