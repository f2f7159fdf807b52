import { Link, useParams, useSearchParams } from "react-router-dom";
import { getDataset } from "../api/datasets";
import { isFinished } from "../api/types";
import { ImputationForm } from "../features/imputation/ImputationForm";
import { ImputationRun } from "../features/imputation/ImputationRun";
import { useJob } from "../features/jobs/useJob";
import { ErrorMessage, Loading } from "../features/ui/Status";
import { useAsync } from "../lib/useAsync";

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
