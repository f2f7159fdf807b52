import { useMemo, useState, type FormEvent } from "react";
import type uPlot from "uplot";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { downloadDatasetFile, getDataset, getDatasetRows } from "../api/datasets";
import { cancelJob } from "../api/jobs";
import { evaluateModel, generateSamples } from "../api/models";
import { startSynthesizer } from "../api/studios";
import { isFinished, type Dataset, type EvaluationResult, type Job, type Spread, type SynthesizerRequest } from "../api/types";
import { VegaChart } from "../features/charts/VegaChart";
import { JobProgress } from "../features/jobs/JobProgress";
import { MetricsChart } from "../features/jobs/MetricsChart";
import { useJob } from "../features/jobs/useJob";
import { LineChart } from "../features/series/LineChart";
import { embeddingValues, overlaySeries } from "../features/series/overlay";
import { AutocorrelationChart, ScorecardTable } from "../features/synthesis/Scorecard";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { saveBlob } from "../lib/download";
import { formatNumber } from "../lib/format";
import { useAsync } from "../lib/useAsync";

/** Synthesis studio: TimeGAN settings, live phases and losses, samples, real vs synthetic, PCA / t-SNE, scores. */
export default function SynthesisPage() {
  const { datasetId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const trainJobId = params.get("job");
  const evalJobId = params.get("eval");
  const samplesId = params.get("samples");
  const dataset = useAsync((signal) => getDataset(datasetId, signal), [datasetId]);
  const training = useJob(trainJobId);
  const evaluation = useJob(evalJobId);
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) (v ? next.set(k, v) : next.delete(k));
    setParams(next);
  };

  if (dataset.loading && !dataset.data) return <Loading label="Loading dataset…" />;
  if (dataset.error || !dataset.data) return <ErrorMessage error={dataset.error ?? "Not found"} onRetry={dataset.reload} />;
  const job = training.job;
  const modelId = job?.status === "succeeded" ? (job.result?.model_id as string | undefined) : undefined;
  const seqLen = Number((job?.params as Record<string, unknown> | undefined)?.seq_len ?? 24);

  return (
    <>
      <div className="page-header">
        <h1>
          Synthesize <Link to={`/datasets/${datasetId}`}>{dataset.data.filename}</Link>
        </h1>
      </div>
      <SynthesizerForm
        dataset={dataset.data}
        disabled={Boolean(job && !isFinished(job.status))}
        onStarted={(started) => {
          update({ job: started.id, eval: null, samples: null });
          training.follow(started);
        }}
      />
      {trainJobId && (
        <section className="card" aria-labelledby="training-heading">
          <h2 id="training-heading">Training</h2>
          {!job ? (
            training.error ? <ErrorMessage error={training.error} /> : <Loading label="Loading job…" />
          ) : (
            <>
              <PhaseSteps phase={job.progress?.phase} finished={job.status === "succeeded"} />
              <JobProgress job={job} />
              <ErrorMessage error={training.error} />
              {!isFinished(job.status) && (
                <button type="button" className="danger" onClick={() => void cancelJob(job.id)} disabled={job.cancel_requested}>
                  {job.cancel_requested ? "Stopping…" : "Stop"}
                </button>
              )}
              <h3>Losses</h3>
              <MetricsChart metrics={job.metrics ?? []} label="TimeGAN losses" />
            </>
          )}
        </section>
      )}
      {modelId && (
        <SamplesPanel
          modelId={modelId}
          samplesId={samplesId}
          onSamples={(id) => update({ samples: id })}
          onEvaluate={(evalJob) => {
            update({ eval: evalJob.id });
            evaluation.follow(evalJob);
          }}
          evaluating={Boolean(evaluation.job && !isFinished(evaluation.job.status))}
        />
      )}
      {samplesId && <OverlayPanel realId={datasetId} syntheticId={samplesId} dataset={dataset.data} seqLen={seqLen} />}
      {evalJobId && (
        <section className="card" aria-labelledby="eval-heading">
          <h2 id="eval-heading">Evaluation</h2>
          {!evaluation.job ? (
            evaluation.error ? <ErrorMessage error={evaluation.error} /> : <Loading label="Loading evaluation…" />
          ) : evaluation.job.status !== "succeeded" ? (
            <JobProgress job={evaluation.job} />
          ) : (
            <EvaluationView result={evaluation.job.result as EvaluationResult} />
          )}
        </section>
      )}
    </>
  );
}

type TimeGanNumbers = Required<Pick<SynthesizerRequest, "seq_len" | "hidden_size" | "num_layers" | "batch_size" | "iterations" | "learning_rate" | "seed">>;

function SynthesizerForm({ dataset, disabled, onStarted }: { dataset: Dataset; disabled: boolean; onStarted: (job: Job) => void }) {
  const numeric = dataset.columns.filter((c) => c.type === "quantitative").map((c) => c.name);
  const [columns, setColumns] = useState<string[]>(numeric);
  const [settings, setSettings] = useState<TimeGanNumbers>({
    seq_len: 24,
    hidden_size: 24,
    num_layers: 3,
    batch_size: 128,
    iterations: 1000,
    learning_rate: 0.001,
    seed: 0,
  });
  const [module, setModule] = useState<"gru" | "lstm">("gru");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onStarted(await startSynthesizer(dataset.id, { ...settings, module, columns }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const numberField = (key: keyof TimeGanNumbers, label: string, min: number, max: number, step: number | "any" = 1) => (
    <label>
      {label}
      <input type="number" min={min} max={max} step={step} value={settings[key]} onChange={(e) => setSettings({ ...settings, [key]: Number(e.target.value) })} />
    </label>
  );

  if (numeric.length === 0) return <Empty>This dataset has no numeric columns to learn from.</Empty>;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="timegan-settings">
      <h2 id="timegan-settings">TimeGAN settings</h2>
      <fieldset className="checkboxes">
        <legend>Features</legend>
        {numeric.map((name) => (
          <label key={name} className="checkbox">
            <input
              type="checkbox"
              checked={columns.includes(name)}
              onChange={(e) => setColumns(e.target.checked ? [...columns, name] : columns.filter((n) => n !== name))}
            />
            {name}
          </label>
        ))}
      </fieldset>
      <div className="form-row">
        {numberField("seq_len", "Sequence length", 2, 1000)}
        <label>
          Cell
          <select value={module} onChange={(e) => setModule(e.target.value as "gru" | "lstm")}>
            <option value="gru">GRU</option>
            <option value="lstm">LSTM</option>
          </select>
        </label>
        {numberField("hidden_size", "Hidden size", 1, 1024)}
        {numberField("num_layers", "Layers", 1, 10)}
        {numberField("batch_size", "Batch size", 1, 4096)}
        {numberField("iterations", "Iterations per phase", 1, 100000)}
        {numberField("learning_rate", "Learning rate", 0.000001, 1, "any")}
        {numberField("seed", "Seed", 0, 2 ** 31)}
      </div>
      <ErrorMessage error={error} />
      <button type="submit" className="primary" disabled={disabled || busy || columns.length === 0}>
        {busy ? "Starting…" : "Train"}
      </button>
    </form>
  );
}

function SamplesPanel(props: {
  modelId: string;
  samplesId: string | null;
  onSamples: (datasetId: string) => void;
  onEvaluate: (job: Job) => void;
  evaluating: boolean;
}) {
  const [n, setN] = useState(100);
  const [seed, setSeed] = useState(0);
  const [evalIterations, setEvalIterations] = useState(1000);
  const [metricRuns, setMetricRuns] = useState(3);
  const [classifierRuns, setClassifierRuns] = useState(3);
  const [maxWindows, setMaxWindows] = useState(1000);
  const [tsne, setTsne] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="samples-heading">
      <h2 id="samples-heading">Samples</h2>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => props.onSamples((await generateSamples(props.modelId, { n, seed })).id));
        }}
      >
        <label>
          Sequences
          <input type="number" min={1} max={100000} value={n} onChange={(e) => setN(Number(e.target.value))} />
        </label>
        <label>
          Seed
          <input type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value))} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Generate samples
        </button>
        {props.samplesId && (
          <button type="button" onClick={() => act(() => saveDataset(props.samplesId!))}>
            Download CSV
          </button>
        )}
      </form>
      <form
        className="form-row"
        aria-label="Evaluation settings"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () =>
            props.onEvaluate(
              await evaluateModel(props.modelId, {
                iterations: evalIterations,
                metric_runs: metricRuns,
                classifier_runs: classifierRuns,
                max_windows: maxWindows,
                tsne,
              }),
            ),
          );
        }}
      >
        <label>
          Scoring steps
          <input type="number" min={10} max={20000} value={evalIterations} onChange={(e) => setEvalIterations(Number(e.target.value))} />
        </label>
        <label>
          Runs
          <input type="number" min={1} max={10} value={metricRuns} onChange={(e) => setMetricRuns(Number(e.target.value))} />
        </label>
        <label>
          Classifier repeats
          <input type="number" min={1} max={10} value={classifierRuns} onChange={(e) => setClassifierRuns(Number(e.target.value))} />
        </label>
        <label>
          Windows
          <input type="number" min={10} max={20000} value={maxWindows} onChange={(e) => setMaxWindows(Number(e.target.value))} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={tsne} onChange={(e) => setTsne(e.target.checked)} /> t-SNE
        </label>
        <button type="submit" disabled={busy || props.evaluating}>
          {props.evaluating ? "Evaluating…" : "Evaluate (scorecard, PCA, t-SNE)"}
        </button>
      </form>
      <p className="muted">
        Model <Link to="/models">{props.modelId}</Link>
        {props.samplesId && (
          <>
            {" "}
            · samples saved as <Link to={`/datasets/${props.samplesId}`}>a dataset</Link>
          </>
        )}
      </p>
      <ErrorMessage error={error} />
    </section>
  );
}

function OverlayPanel({ realId, syntheticId, dataset, seqLen }: { realId: string; syntheticId: string; dataset: Dataset; seqLen: number }) {
  const rows = useAsync(
    async (signal) => {
      const [real, synthetic] = await Promise.all([
        getDatasetRows(realId, 0, Math.min(5000, Math.max(seqLen * 10, 500)), signal),
        getDatasetRows(syntheticId, 0, seqLen * 5, signal),
      ]);
      return { real: real.items, synthetic: synthetic.items };
    },
    [realId, syntheticId, seqLen],
  );
  const features = dataset.columns.filter((c) => c.type === "quantitative").map((c) => c.name);
  const syntheticFeatures = rows.data ? Object.keys(rows.data.synthetic[0] ?? {}).filter((k) => features.includes(k)) : [];
  const [feature, setFeature] = useState<string | null>(null);
  const shown = feature && syntheticFeatures.includes(feature) ? feature : syntheticFeatures[0];
  const overlay = useMemo(
    () => (rows.data && shown ? overlaySeries(rows.data.real, rows.data.synthetic, shown, seqLen) : null),
    [rows.data, shown, seqLen],
  );

  return (
    <section className="card" aria-labelledby="overlay-heading">
      <div className="section-header">
        <h2 id="overlay-heading">Real vs synthetic</h2>
        {syntheticFeatures.length > 1 && (
          <label>
            Feature{" "}
            <select value={shown} onChange={(e) => setFeature(e.target.value)}>
              {syntheticFeatures.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      {rows.loading && !rows.data ? (
        <Loading label="Loading sequences…" />
      ) : rows.error ? (
        <ErrorMessage error={rows.error} onRetry={rows.reload} />
      ) : !overlay ? (
        <Empty>No shared feature to compare.</Empty>
      ) : (
        <LineChart
          data={[overlay.x, ...overlay.real, ...overlay.synthetic] as uPlot.AlignedData}
          ariaLabel={`Real and synthetic sequences of ${shown}`}
          xLabel="step"
          lines={[
            ...overlay.real.map((_, i) => ({ label: `real ${i + 1}`, color: "#2563eb" })),
            ...overlay.synthetic.map((_, i) => ({ label: `synthetic ${i + 1}`, color: "#ea580c", dash: [6, 4] })),
          ]}
        />
      )}
    </section>
  );
}

const PHASES = [
  ["embedding", "Embedding (autoencoder)"],
  ["supervised", "Supervised (next step)"],
  ["joint", "Joint (adversarial)"],
] as const;

/** TimeGAN's three training phases: done, current, to come. */
function PhaseSteps({ phase, finished }: { phase: string | undefined; finished: boolean }) {
  const current = PHASES.findIndex(([name]) => name === phase);
  return (
    <ol className="phase-steps" aria-label="Training phases">
      {PHASES.map(([name, label], i) => {
        const state = finished || i < current ? "done" : i === current ? "current" : "todo";
        return (
          <li key={name} className={`phase-step ${state}`} aria-current={state === "current" ? "step" : undefined}>
            {label}
            <span className="visually-hidden"> ({state === "todo" ? "to come" : state})</span>
          </li>
        );
      })}
    </ol>
  );
}

function formatSpread(spread: Spread | undefined): string {
  if (!spread) return "–";
  return spread.runs?.length > 1 ? `${formatNumber(spread.mean, 3)} ± ${formatNumber(spread.std, 2)}` : formatNumber(spread.mean, 3);
}

async function saveDataset(id: string): Promise<void> {
  const [dataset, blob] = await Promise.all([getDataset(id), downloadDatasetFile(id)]);
  saveBlob(blob, dataset.filename);
}

function EvaluationView({ result }: { result: EvaluationResult }) {
  const scatter = (title: string, values: ReturnType<typeof embeddingValues>) => ({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    data: { values },
    mark: { type: "point", filled: true, opacity: 0.6, size: 30 },
    encoding: {
      x: { field: "x", type: "quantitative", title: null },
      y: { field: "y", type: "quantitative", title: null },
      color: { field: "source", type: "nominal", scale: { range: ["#2563eb", "#ea580c"] } },
    },
    height: 260,
  });
  const pca = useMemo(() => scatter("PCA", embeddingValues(result.pca)), [result]);
  const tsne = useMemo(() => scatter("t-SNE", embeddingValues(result.tsne)), [result]);
  return (
    <>
      {result.n_windows ? <p className="muted">Compared on {result.n_windows.toLocaleString()} real windows and as many synthetic ones.</p> : null}
      {result.scorecard && (
        <>
          <h3>Scorecard</h3>
          <ScorecardTable card={result.scorecard} />
        </>
      )}
      <h3>The paper&apos;s two scores</h3>
      <dl className="scores">
        <div>
          <dt>Discriminative score</dt>
          <dd data-testid="discriminative-score">{formatSpread(result.discriminative_score)}</dd>
          <dd className="muted">|accuracy − 0.5| of a real-vs-synthetic classifier; lower is better</dd>
        </div>
        <div>
          <dt>Predictive score</dt>
          <dd data-testid="predictive-score">{formatSpread(result.predictive_score)}</dd>
          <dd className="muted">MAE of a next-step model trained on synthetic, tested on real; lower is better</dd>
        </div>
      </dl>
      <div className="grid-equal">
        <div data-testid="pca-plot">
          {result.pca ? <VegaChart spec={pca} ariaLabel="PCA of real and synthetic sequences" /> : <Empty>No PCA in the result.</Empty>}
        </div>
        <div data-testid="tsne-plot">
          {result.tsne ? <VegaChart spec={tsne} ariaLabel="t-SNE of real and synthetic sequences" /> : <Empty>No t-SNE in the result.</Empty>}
        </div>
      </div>
      {result.scorecard && <AutocorrelationChart card={result.scorecard} />}
    </>
  );
}
