import { useState } from "react";
import { Link } from "react-router-dom";
import type { Dataset, Job } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { ErrorMessage } from "../ui/Status";
import { DatasetSelect } from "./DatasetSelect";
import { trainingJobLink } from "./links";

/** Pick a dataset, start a job of the model on it (retrain, fill), then link to the job. */
export function DatasetJobForm(props: {
  name: string;
  selectLabel: string;
  submitLabel: string;
  startedLabel: string;
  kind: string;
  datasets: readonly Dataset[];
  start: (datasetId: string) => Promise<Job>;
}) {
  const [datasetId, setDatasetId] = useState("");
  const [job, setJob] = useState<Job | null>(null);
  const { busy, error, run } = useAction();
  return (
    <form
      className="form-row"
      aria-label={props.name}
      onSubmit={(e) => {
        e.preventDefault();
        if (datasetId) void run(async () => setJob(await props.start(datasetId)));
      }}
    >
      <DatasetSelect label={props.selectLabel} datasets={props.datasets} value={datasetId} onChange={setDatasetId} />
      <button type="submit" className="primary" disabled={busy || !datasetId}>
        {props.submitLabel}
      </button>
      {job && (
        <p role="status">
          {props.startedLabel}: <Link to={trainingJobLink(props.kind, datasetId, job.id)}>follow the job</Link>.
        </p>
      )}
      <ErrorMessage error={error} />
    </form>
  );
}
