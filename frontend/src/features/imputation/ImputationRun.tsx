import { useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { cancelJob, resumeJob } from "../../api/jobs";
import { isFinished, isJobOf } from "../../api/types";
import { formatNumber } from "../../lib/format";
import { useAction } from "../../lib/useAction";
import { saveDataset } from "../datasets/saveDataset";
import { AutoEvidence } from "../jobs/Evidence";
import { JobLoading } from "../jobs/JobLoading";
import { JobProgress } from "../jobs/JobProgress";
import { MetricsChart } from "../jobs/MetricsChart";
import type { LiveJob } from "../jobs/useJob";
import { ImputedSeriesChart } from "../series/ImputedSeriesChart";
import { Empty, ErrorMessage, Loading } from "../ui/Status";

const LOSS_NAMES = ["loss", "val_mae"];

/** A running or finished imputation job: progress, Stop / train more / download, the live series, the losses. */
export function ImputationRun({ jobState }: { jobState: LiveJob }) {
  const { job, error, liveUpdates, follow } = jobState;
  const [moreEpochs, setMoreEpochs] = useState(10);
  const action = useAction();
  const [shownColumn, setShownColumn] = useState<string | null>(null);
  // Only an imputation job has a series and a fill summary (the URL may name a job of another kind).
  const imputation = isJobOf(job, "imputation") ? job : null;
  const livePayload = imputation?.live;
  const liveColumns = useMemo(() => Object.keys(livePayload?.columns ?? {}), [livePayload]);
  const column = shownColumn && liveColumns.includes(shownColumn) ? shownColumn : liveColumns[0];

  if (!job) return <JobLoading error={error} />;
  const finished = isFinished(job.status);
  const result = imputation?.result;
  const resultDataset = result?.dataset_id;
  const evidence = result?.evidence;

  return (
    <>
      <section className="card" aria-labelledby="run-heading">
        <div className="section-header">
          <h2 id="run-heading">Run</h2>
          <span className="muted" data-testid="live-updates">
            {liveUpdates} live update{liveUpdates === 1 ? "" : "s"}
          </span>
        </div>
        <JobProgress job={job} />
        <ErrorMessage error={error} />
        <div className="button-row">
          {!finished && (
            <button type="button" className="danger" onClick={() => action.run(() => cancelJob(job.id))} disabled={job.cancel_requested}>
              {job.cancel_requested ? "Stopping…" : "Stop"}
            </button>
          )}
          {finished && job.checkpoint && (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                void action.run(async () => follow(await resumeJob(job.id, moreEpochs)));
              }}
            >
              <label>
                More epochs
                <input type="number" min={1} max={100000} value={moreEpochs} onChange={(e) => setMoreEpochs(Number(e.target.value))} />
              </label>
              <button type="submit">Train {moreEpochs} more epochs</button>
            </form>
          )}
          {resultDataset && (
            <>
              <button type="button" className="primary" onClick={() => action.run(() => saveDataset(resultDataset))}>
                Download result
              </button>
              <Link className="button" to={`/datasets/${resultDataset}`}>
                Open imputed dataset
              </Link>
            </>
          )}
        </div>
        <ErrorMessage error={action.error} />
      </section>
      <section className="card" aria-labelledby="series-heading">
        <div className="section-header">
          <h2 id="series-heading">Series</h2>
          {liveColumns.length > 1 && (
            <label>
              Column{" "}
              <select value={column} onChange={(e) => setShownColumn(e.target.value)}>
                {liveColumns.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
          )}
        </div>
        {livePayload && column ? (
          <ImputedSeriesChart live={livePayload} column={column} />
        ) : finished ? (
          <Empty>This run sent no series.</Empty>
        ) : (
          <Loading label="Waiting for the first epoch…" />
        )}
        <p className="legend-note">
          <span className="swatch observed" /> observed <span className="swatch imputed" /> imputed <span className="swatch gap" /> gap
        </p>
      </section>
      <section className="card" aria-labelledby="loss-heading">
        <h2 id="loss-heading">Loss</h2>
        <MetricsChart metrics={job.metrics ?? []} names={LOSS_NAMES} />
        {result?.validation ? (
          <p className="muted">
            Held-out validation: MAE {formatNumber(result.validation.mae)} · RMSE {formatNumber(result.validation.rmse)}
          </p>
        ) : null}
        {typeof result?.filled_cells === "number" && <p className="muted">{result.filled_cells.toLocaleString()} cells filled.</p>}
        {/* What the data's preparation told (trading days, irregular steps, repeated times averaged, rows without a time). */}
        {result?.notes?.length ? (
          <ul className="notes" aria-label="About the data">
            {result.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        ) : null}
      </section>
      {evidence ? <AutoEvidence evidence={evidence} /> : null}
    </>
  );
}
