import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { createChart } from "../../api/charts";
import { addBlock, createReport, listReports, type Report } from "../../api/reports";
import type { Chart } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { useAsync } from "../../lib/useAsync";
import { Modal } from "../ui/Modal";
import { blockCount } from "./labels";
import { Empty, ErrorMessage, Loading } from "../ui/Status";

interface Props {
  datasetId: string;
  spec: Record<string, unknown>;
  title: string;
  /** The chart once saved (by the card's Save or by this button), so a second action reuses it. */
  saved: Chart | null;
  onSaved: (chart: Chart) => void;
}

/**
 * "Add to report" on a recommended chart: saves it to the gallery first (a report block refers to a saved chart),
 * then appends it to a report. Coming from a report's editor (`?report=<id>`) it goes straight there; otherwise a
 * dialog lists the dataset's reports and can start a new one.
 */
export function AddToReportButton({ datasetId, spec, title, saved, onSaved }: Props) {
  const [params] = useSearchParams();
  const target = params.get("report");
  const [choosing, setChoosing] = useState(false);
  const [added, setAdded] = useState<Report | null>(null);
  const { busy, error, run } = useAction();

  const addTo = (reportId: string) =>
    run(async () => {
      let chart = saved;
      if (!chart) {
        chart = await createChart({ dataset_id: datasetId, spec, title });
        onSaved(chart);
      }
      setAdded(await addBlock(reportId, { type: "chart", chart_id: chart.id }));
      setChoosing(false);
    });

  return (
    <>
      <button type="button" onClick={() => (target ? addTo(target) : setChoosing(true))} disabled={busy}>
        {busy ? "Adding…" : "Add to report"}
      </button>
      {added && (
        <p role="status" className="success-text">
          Added to <Link to={`/reports/${added.id}`}>{added.title}</Link>.
        </p>
      )}
      {!choosing && <ErrorMessage error={error} />}
      {choosing && (
        <Modal title="Add to a report" onClose={() => setChoosing(false)}>
          <ReportChooser datasetId={datasetId} busy={busy} onChoose={addTo} />
          <ErrorMessage error={error} />
        </Modal>
      )}
    </>
  );
}

function ReportChooser({ datasetId, busy, onChoose }: { datasetId: string; busy: boolean; onChoose: (reportId: string) => void }) {
  const reports = useAsync((signal) => listReports({ dataset_id: datasetId, page_size: 100 }, signal), [datasetId]);
  const [title, setTitle] = useState("");
  const creation = useAction();
  const createAndChoose = (event: FormEvent) => {
    event.preventDefault();
    return creation.run(async () => onChoose((await createReport({ dataset_id: datasetId, title: title.trim() })).id));
  };
  return (
    <>
      {reports.loading && !reports.data ? (
        <Loading label="Loading reports…" />
      ) : reports.error ? (
        <ErrorMessage error={reports.error} onRetry={reports.reload} />
      ) : !reports.data || reports.data.items.length === 0 ? (
        <Empty>No report on this dataset yet: start one below.</Empty>
      ) : (
        <ul className="report-choices" aria-label="Reports on this dataset">
          {reports.data.items.map((report) => (
            <li key={report.id}>
              <button type="button" onClick={() => onChoose(report.id)} disabled={busy}>
                {report.title}
              </button>
              <span className="muted"> {blockCount(report.blocks.length)}</span>
            </li>
          ))}
        </ul>
      )}
      <form className="form-row" onSubmit={createAndChoose} aria-label="New report">
        <label>
          New report title
          <input value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={busy || creation.busy || !title.trim()}>
          Create and add
        </button>
      </form>
      <ErrorMessage error={creation.error} />
    </>
  );
}
