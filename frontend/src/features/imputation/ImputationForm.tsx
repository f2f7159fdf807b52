import { useState, type FormEvent } from "react";
import { startImputation } from "../../api/imputations";
import { IMPUTATION_METHODS, TRAINED_METHODS, type Dataset, type ImputationMethod, type ImputationRequest, type Job } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { Empty, ErrorMessage } from "../ui/Status";

const METHOD_LABELS: Record<ImputationMethod, string> = {
  auto: "auto (pick per column and gap length)",
  brits: "BRITS (recurrent, trained)",
  naomi: "NAOMI (multiresolution, trained)",
  kalman: "Kalman smoother (state-space model)",
  linear: "linear interpolation",
  time: "time-weighted interpolation",
  seasonal: "seasonal decomposition",
  locf: "last observation carried forward",
  mean: "column mean",
};

/** Columns, time column and method (with the trained methods' and auto's settings), and Start. */
export function ImputationForm({ dataset, disabled, onStarted }: { dataset: Dataset; disabled: boolean; onStarted: (job: Job) => void }) {
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
  const start = useAction();
  const trained = TRAINED_METHODS.includes(method);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: ImputationRequest = { method, columns };
    if (timeColumn) body.time_column = timeColumn;
    if (trained) Object.assign(body, { epochs, window_size: windowSize, hidden_size: hiddenSize, batch_size: batchSize, learning_rate: learningRate });
    if (method === "auto") {
      body.time_budget_s = timeBudget;
      if (epochBudget !== "") body.epoch_budget = epochBudget;
    }
    void start.run(async () => onStarted(await startImputation(dataset.id, body)));
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
      <ErrorMessage error={start.error} />
      <button type="submit" className="primary" disabled={disabled || start.busy || columns.length === 0}>
        {start.busy ? "Starting…" : "Start"}
      </button>
    </form>
  );
}
