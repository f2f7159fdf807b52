import { useState } from "react";
import { Link } from "react-router-dom";
import { evaluateModel, generateSamples } from "../../api/models";
import type { Job } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { saveDataset } from "../datasets/saveDataset";
import { ErrorMessage } from "../ui/Status";

/** What a trained TimeGAN gives: samples (generate, download) and the evaluation job's settings. */
export function SamplesPanel(props: {
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
  const { busy, error, run } = useAction();
  const samplesId = props.samplesId;
  return (
    <section className="card" aria-labelledby="samples-heading">
      <h2 id="samples-heading">Samples</h2>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => props.onSamples((await generateSamples(props.modelId, { n, seed })).id));
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
        {samplesId && (
          <button type="button" onClick={() => run(() => saveDataset(samplesId))}>
            Download CSV
          </button>
        )}
      </form>
      <form
        className="form-row"
        aria-label="Evaluation settings"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () =>
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
        {samplesId && (
          <>
            {" "}
            · samples saved as <Link to={`/datasets/${samplesId}`}>a dataset</Link>
          </>
        )}
      </p>
      <ErrorMessage error={error} />
    </section>
  );
}
