import { useMemo, useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { downloadDatasetFile, getDataset } from "../api/datasets";
import { cancelJob, resumeJob } from "../api/jobs";
import { startImputation } from "../api/studios";
import {
  IMPUTATION_METHODS,
  TRAINED_METHODS,
  isFinished,
  type Dataset,
  type ImputationLive,
  type Job,
  type ImputationMethod,
  type ImputationRequest,
} from "../api/types";
import { AutoEvidence } from "../features/jobs/Evidence";
import { JobProgress } from "../features/jobs/JobProgress";
import { MetricsChart } from "../features/jobs/MetricsChart";
import { useJob } from "../features/jobs/useJob";
import { ImputedSeriesChart } from "../features/series/ImputedSeriesChart";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { saveBlob } from "../lib/download";
import { formatNumber } from "../lib/format";
import { useAsync } from "../lib/useAsync";

const LOSS_NAMES = ["loss", "val_mae"];

const METHOD_LABELS: Record<ImputationMethod, string> = {
  auto: "auto (pick per column and gap length)",
  brits: "BRITS (recurrent, trained)",
  naomi: "NAOMI (multiresolution, trained)",
  linear: "linear interpolation",
  time: "time-weighted interpolation",
  seasonal: "seasonal decomposition",
  locf: "last observation carried forward",
  mean: "column mean",
};

/** Imputation studio: pick columns and method, watch the series fill in epoch by epoch, stop, resume, download. */
export default function ImputationPage() {
  const { datasetId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const jobId = params.get("job");
  const dataset = useAsync((signal) => getDataset(datasetId, signal), [datasetId]);
  const live = useJob(jobId);

  if (dataset.loading && !dataset.data) return <Loading label="Loading dataset…" />;
  if (dataset.error || !dataset.data) return <ErrorMessage error={dataset.error ?? "Not found"} onRetry={dataset.reload} />;

  return (
    <>
      <div className="page-header">
        <h1>
          Fill gaps in <Link to={`/datasets/${datasetId}`}>{dataset.data.filename}</Link>
        </h1>
      </div>
      <ImputationForm
        dataset={dataset.data}
        disabled={Boolean(live.job && !isFinished(live.job.status))}
        onStarted={(job) => {
          setParams({ job: job.id });
          live.follow(job);
        }}
      />
      {jobId && <ImputationRun jobState={live} />}
    </>
  );
}

function ImputationForm({ dataset, disabled, onStarted }: { dataset: Dataset; disabled: boolean; onStarted: (job: Job) => void }) {
  const numeric = dataset.columns.filter((c) => c.type === "quantitative");
  const timeColumns = dataset.columns.filter((c) => c.type === "temporal");
  const [method, setMethod] = useState<ImputationMethod>("brits");
  const [timeColumn, setTimeColumn] = useState(timeColumns[0]?.name ?? "");
  const withGaps = numeric.filter((c) => c.missing > 0).map((c) => c.name);
  const [columns, setColumns] = useState<string[]>(withGaps.length ? withGaps : numeric.map((c) => c.name));
  const [epochs, setEpochs] = useState(20);
  const [windowSize, setWindowSize] = useState(36);
  const [hiddenSize, setHiddenSize] = useState(32);
  const [batchSize, setBatchSize] = useState(32);
  const [learningRate, setLearningRate] = useState(0.005);
  const [timeBudget, setTimeBudget] = useState(60);
  const [epochBudget, setEpochBudget] = useState<number | "">("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const trained = TRAINED_METHODS.includes(method);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const body: ImputationRequest = { method, columns };
    if (timeColumn) body.time_column = timeColumn;
    if (trained) Object.assign(body, { epochs, window_size: windowSize, hidden_size: hiddenSize, batch_size: batchSize, learning_rate: learningRate });
    if (method === "auto") {
      body.time_budget_s = timeBudget;
      if (epochBudget !== "") body.epoch_budget = epochBudget;
    }
    try {
      onStarted(await startImputation(dataset.id, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (numeric.length === 0) return <Empty>This dataset has no numeric columns to fill.</Empty>;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="impute-settings">
      <h2 id="impute-settings">Settings</h2>
      <div className="form-row">
        <label>
          Method
          <select value={method} onChange={(e) => setMethod(e.target.value as ImputationMethod)}>
            {IMPUTATION_METHODS.map((m) => (
              <option key={m} value={m}>
                {METHOD_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time column
          <select value={timeColumn} onChange={(e) => setTimeColumn(e.target.value)}>
            <option value="">(row order)</option>
            {timeColumns.map((c) => (
              <option key={c.name}>{c.name}</option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="checkboxes">
        <legend>Columns to fill</legend>
        {numeric.map((c) => (
          <label key={c.name} className="checkbox">
            <input
              type="checkbox"
              checked={columns.includes(c.name)}
              onChange={(e) => setColumns(e.target.checked ? [...columns, c.name] : columns.filter((n) => n !== c.name))}
            />
            {c.name} <span className="muted">({c.missing} missing)</span>
          </label>
        ))}
      </fieldset>
      {method === "auto" && (
        <div className="form-row">
          <label>
            Training budget (s)
            <input type="number" min={1} max={3600} value={timeBudget} onChange={(e) => setTimeBudget(Number(e.target.value))} />
          </label>
          <label>
            Or epochs per model (repeatable)
            <input
              type="number"
              min={1}
              max={2000}
              placeholder="use the seconds"
              value={epochBudget}
              onChange={(e) => setEpochBudget(e.target.value === "" ? "" : Number(e.target.value))}
            />
          </label>
        </div>
      )}
      {trained && (
        <div className="form-row">
          <label>
            Epochs
            <input type="number" min={1} max={2000} value={epochs} onChange={(e) => setEpochs(Number(e.target.value))} />
          </label>
          <label>
            Window
            <input type="number" min={4} max={2048} value={windowSize} onChange={(e) => setWindowSize(Number(e.target.value))} />
          </label>
          <label>
            Hidden size
            <input type="number" min={2} max={1024} value={hiddenSize} onChange={(e) => setHiddenSize(Number(e.target.value))} />
          </label>
          <label>
            Batch size
            <input type="number" min={1} max={1024} value={batchSize} onChange={(e) => setBatchSize(Number(e.target.value))} />
          </label>
          <label>
            Learning rate
            <input type="number" min={0.00001} max={1} step="any" value={learningRate} onChange={(e) => setLearningRate(Number(e.target.value))} />
          </label>
        </div>
      )}
      <ErrorMessage error={error} />
      <button type="submit" className="primary" disabled={disabled || busy || columns.length === 0}>
        {busy ? "Starting…" : "Start"}
      </button>
    </form>
  );
}

function ImputationRun({ jobState }: { jobState: ReturnType<typeof useJob> }) {
  const { job, error, liveUpdates, follow } = jobState;
  const [moreEpochs, setMoreEpochs] = useState(10);
  const [actionError, setActionError] = useState<unknown>(null);
  const [shownColumn, setShownColumn] = useState<string | null>(null);
  const livePayload = job?.live as ImputationLive | null | undefined;
  const liveColumns = useMemo(() => Object.keys(livePayload?.columns ?? {}), [livePayload]);
  const column = shownColumn && liveColumns.includes(shownColumn) ? shownColumn : liveColumns[0];

  if (!job) return error ? <ErrorMessage error={error} /> : <Loading label="Loading job…" />;
  const finished = isFinished(job.status);
  const resultDataset = job.result?.dataset_id;
  const evidence = job.result?.evidence;

  const act = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
    } catch (err) {
      setActionError(err);
    }
  };

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
            <button type="button" className="danger" onClick={() => act(() => cancelJob(job.id))} disabled={job.cancel_requested}>
              {job.cancel_requested ? "Stopping…" : "Stop"}
            </button>
          )}
          {finished && job.checkpoint && (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                void act(async () => follow(await resumeJob(job.id, moreEpochs)));
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
              <button
                type="button"
                className="primary"
                onClick={() =>
                  act(async () => {
                    const [dataset, blob] = await Promise.all([getDataset(resultDataset), downloadDatasetFile(resultDataset)]);
                    saveBlob(blob, dataset.filename);
                  })
                }
              >
                Download result
              </button>
              <Link className="button" to={`/datasets/${resultDataset}`}>
                Open imputed dataset
              </Link>
            </>
          )}
        </div>
        <ErrorMessage error={actionError} />
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
        {job.result?.validation ? (
          <p className="muted">
            Held-out validation: MAE {formatNumber((job.result.validation as Record<string, number>).mae)} · RMSE{" "}
            {formatNumber((job.result.validation as Record<string, number>).rmse)}
          </p>
        ) : null}
        {typeof job.result?.filled_cells === "number" && <p className="muted">{job.result.filled_cells.toLocaleString()} cells filled.</p>}
      </section>
      {evidence && typeof evidence === "object" ? <AutoEvidence evidence={evidence as Record<string, unknown>} /> : null}
    </>
  );
}
