import { useMemo } from "react";
import { isJobOf, isSpread, type EvaluationResult, type MaybeSpread } from "../../api/types";
import { formatNumber } from "../../lib/format";
import { VegaChart } from "../charts/VegaChart";
import { embeddingValues } from "../series/overlay";
import { JobLoading } from "../jobs/JobLoading";
import { JobProgress } from "../jobs/JobProgress";
import type { LiveJob } from "../jobs/useJob";
import { Empty } from "../ui/Status";
import { AutocorrelationChart, ScorecardTable } from "./Scorecard";

function formatSpread(spread: MaybeSpread | undefined): string {
  if (!isSpread(spread)) return "–";
  return spread.runs?.length > 1 ? `${formatNumber(spread.mean, 3)} ± ${formatNumber(spread.std, 2)}` : formatNumber(spread.mean, 3);
}

/** Real and synthetic windows of one embedding (PCA or t-SNE) as a two-colour scatter plot. */
function scatterSpec(title: string, values: ReturnType<typeof embeddingValues>) {
  return {
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
  };
}

/** The evaluation job's result: scorecard, the paper's two scores, PCA / t-SNE plots, autocorrelation. */
export function EvaluationView({ result }: { result: Partial<EvaluationResult> }) {
  const pca = useMemo(() => scatterSpec("PCA", embeddingValues(result.pca)), [result]);
  const tsne = useMemo(() => scatterSpec("t-SNE", embeddingValues(result.tsne)), [result]);
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

/** The evaluation job: its progress while it runs, then what it found. */
export function EvaluationPanel({ evaluation }: { evaluation: LiveJob }) {
  const { job, error } = evaluation;
  return (
    <section className="card" aria-labelledby="eval-heading">
      <h2 id="eval-heading">Evaluation</h2>
      {!job ? (
        <JobLoading error={error} label="Loading evaluation…" />
      ) : job.status !== "succeeded" || !isJobOf(job, "timegan_evaluation") ? (
        <JobProgress job={job} />
      ) : (
        <EvaluationView result={job.result ?? {}} />
      )}
    </section>
  );
}
