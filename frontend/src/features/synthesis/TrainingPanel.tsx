import { cancelJob } from "../../api/jobs";
import { isFinished } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { JobLoading } from "../jobs/JobLoading";
import { JobProgress } from "../jobs/JobProgress";
import { MetricsChart } from "../jobs/MetricsChart";
import type { LiveJob } from "../jobs/useJob";
import { ErrorMessage } from "../ui/Status";
import { PhaseSteps } from "./PhaseSteps";

/** The TimeGAN training job as it runs: phases, progress, Stop, and the losses. */
export function TrainingPanel({ training }: { training: LiveJob }) {
  const { job, error } = training;
  const stop = useAction();
  return (
    <section className="card" aria-labelledby="training-heading">
      <h2 id="training-heading">Training</h2>
      {!job ? (
        <JobLoading error={error} />
      ) : (
        <>
          <PhaseSteps phase={job.progress?.phase} finished={job.status === "succeeded"} />
          <JobProgress job={job} />
          <ErrorMessage error={error} />
          {!isFinished(job.status) && (
            <button type="button" className="danger" onClick={() => stop.run(() => cancelJob(job.id))} disabled={job.cancel_requested}>
              {job.cancel_requested ? "Stopping…" : "Stop"}
            </button>
          )}
          <ErrorMessage error={stop.error} />
          <h3>Losses</h3>
          <MetricsChart metrics={job.metrics ?? []} label="TimeGAN losses" />
        </>
      )}
    </section>
  );
}
