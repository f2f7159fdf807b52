import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { deleteChart, getChartImage, listCharts, updateChart } from "../api/charts";
import type { Chart } from "../api/types";
import { VegaChart } from "../features/charts/VegaChart";
import { Modal } from "../features/ui/Modal";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { Pager } from "../features/ui/Pager";
import { safeFilename, saveBlob } from "../lib/download";
import { formatDate } from "../lib/format";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

const PAGE_SIZE = 24;

/** Saved charts: rename, delete, enlarge, export (PNG/SVG rendered by the server, or the JSON spec). */
export default function GalleryPage() {
  const [page, setPage] = useState(1);
  const charts = useAsync((signal) => listCharts({ page, page_size: PAGE_SIZE }, signal), [page]);
  const pages = charts.data ? Math.max(1, Math.ceil(charts.data.total / PAGE_SIZE)) : 1;

  const replace = (chart: Chart) =>
    charts.setData((prev) => (prev ? { ...prev, items: prev.items.map((c) => (c.id === chart.id ? chart : c)) } : prev!));

  return (
    <>
      <h1>Saved charts</h1>
      {charts.loading && !charts.data ? (
        <Loading label="Loading your charts…" />
      ) : charts.error ? (
        <ErrorMessage error={charts.error} onRetry={charts.reload} />
      ) : !charts.data || charts.data.items.length === 0 ? (
        <Empty>
          No saved charts yet. Open a <Link to="/datasets">dataset</Link> and save a recommended chart.
        </Empty>
      ) : (
        <>
          <div className="card-grid">
            {charts.data.items.map((chart) => (
              <GalleryCard key={chart.id} chart={chart} onChanged={replace} onDeleted={charts.reload} />
            ))}
          </div>
          <Pager page={page} pages={pages} onPage={setPage} />
        </>
      )}
    </>
  );
}

function GalleryCard({ chart, onChanged, onDeleted }: { chart: Chart; onChanged: (c: Chart) => void; onDeleted: () => void }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(chart.title);
  const [enlarged, setEnlarged] = useState(false);
  // Rename and delete share one error line; exports have their own busy flag (which format is rendering).
  const change = useAction();
  const exporting = useAction();
  const [format, setFormat] = useState<"png" | "svg" | "json">("png");
  const rendering = (f: "png" | "svg") => exporting.busy && format === f;

  const rename = (event: FormEvent) => {
    event.preventDefault();
    void change.run(async () => {
      onChanged(await updateChart(chart.id, { title: title.trim() }));
      setEditing(false);
    });
  };
  const remove = () => {
    if (!window.confirm(`Delete “${chart.title}”?`)) return;
    void change.run(async () => {
      await deleteChart(chart.id);
      onDeleted();
    });
  };
  const exportAs = (chosen: "png" | "svg" | "json") => {
    setFormat(chosen);
    void exporting.run(async () => {
      if (chosen === "json") {
        saveBlob(new Blob([JSON.stringify(chart.spec, null, 2)], { type: "application/json" }), safeFilename(chart.title, "vl.json"));
      } else {
        saveBlob(await getChartImage(chart.id, chosen), safeFilename(chart.title, chosen));
      }
    });
  };

  return (
    <article className="card chart-card" data-testid="gallery-card" aria-label={chart.title}>
      {editing ? (
        <form className="rename-form" onSubmit={rename}>
          <label htmlFor={`title-${chart.id}`} className="visually-hidden">
            New title
          </label>
          <input id={`title-${chart.id}`} value={title} maxLength={200} required autoFocus onChange={(e) => setTitle(e.target.value)} />
          <button type="submit" className="primary">
            Save name
          </button>
          <button type="button" onClick={() => (setEditing(false), setTitle(chart.title))}>
            Cancel
          </button>
        </form>
      ) : (
        <h3>{chart.title}</h3>
      )}
      <p className="muted">
        saved {formatDate(chart.created_at)} · <Link to={`/datasets/${chart.dataset_id}`}>dataset</Link>
      </p>
      {!enlarged && <VegaChart spec={chart.spec as Record<string, unknown>} ariaLabel={`Chart: ${chart.title}`} />}
      <div className="button-row">
        <button type="button" onClick={() => setEditing(true)} aria-label={`Rename ${chart.title}`}>
          Rename
        </button>
        <button type="button" onClick={() => setEnlarged(true)}>
          Enlarge
        </button>
        <button type="button" className="danger" onClick={remove} aria-label={`Delete ${chart.title}`}>
          Delete
        </button>
      </div>
      <div className="button-row" role="group" aria-label={`Export ${chart.title}`}>
        <button type="button" onClick={() => exportAs("png")} disabled={exporting.busy}>
          {rendering("png") ? "Rendering…" : "PNG"}
        </button>
        <button type="button" onClick={() => exportAs("svg")} disabled={exporting.busy}>
          {rendering("svg") ? "Rendering…" : "SVG"}
        </button>
        <button type="button" onClick={() => exportAs("json")}>
          JSON spec
        </button>
      </div>
      <ErrorMessage error={change.error} />
      <ErrorMessage error={exporting.error} />
      {enlarged && (
        <Modal title={chart.title} onClose={() => setEnlarged(false)}>
          <VegaChart spec={chart.spec as Record<string, unknown>} ariaLabel={`Enlarged chart: ${chart.title}`} />
        </Modal>
      )}
    </article>
  );
}
