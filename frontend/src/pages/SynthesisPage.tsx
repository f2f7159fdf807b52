import { Link, useParams, useSearchParams } from "react-router-dom";
import { getDataset } from "../api/datasets";
import { isFinished, isJobOf } from "../api/types";
import { useJob } from "../features/jobs/useJob";
import { EvaluationPanel } from "../features/synthesis/EvaluationView";
import { OverlayPanel } from "../features/synthesis/OverlayPanel";
import { SamplesPanel } from "../features/synthesis/SamplesPanel";
import { SynthesizerForm } from "../features/synthesis/SynthesizerForm";
import { TrainingPanel } from "../features/synthesis/TrainingPanel";
import { ErrorMessage, Loading } from "../features/ui/Status";
import { useAsync } from "../lib/useAsync";

/**
 * Synthesis studio: TimeGAN settings, live phases and losses, samples, real vs synthetic, PCA / t-SNE, scores.
 * The URL holds the training job (`job`), the samples dataset (`samples`) and the evaluation job (`eval`).
 */
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
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };

  if (dataset.loading && !dataset.data) return <Loading label="Loading dataset…" />;
  if (dataset.error || !dataset.data) return <ErrorMessage error={dataset.error ?? "Not found"} onRetry={dataset.reload} />;
  const job = training.job;
  const trained = isJobOf(job, "timegan_training") && job.status === "succeeded" ? job : null;
  const modelId = trained?.result?.model_id;
  const seqLen = trained?.params?.seq_len ?? 24;

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
      {trainJobId && <TrainingPanel training={training} />}
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
      {evalJobId && <EvaluationPanel evaluation={evaluation} />}
    </>
  );
}
