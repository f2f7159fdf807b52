import { useState } from "react";
import { Link } from "react-router-dom";
import { retrainModel, type ModelRecord } from "../../api/models";
import type { Dataset, Job } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { ErrorMessage } from "../ui/Status";
import { DatasetSelect } from "./DatasetSelect";
import { trainingJobLink } from "./links";

/** Same kind and params on another dataset: pick it, start, follow the job (its success registers the next version). */
export function RetrainForm({ model, datasets }: { model: ModelRecord; datasets: readonly Dataset[] }) {
  const [datasetId, setDatasetId] = useState("");
  const [job, setJob] = useState<Job | null>(null);
  const { busy, error, run } = useAction();
  return (
    <form
      className="form-row"
      aria-label="Retrain"
      onSubmit={(e) => {
        e.preventDefault();
        if (datasetId) void run(async () => setJob(await retrainModel(model.id, datasetId)));
      }}
    >
      <DatasetSelect label="Dataset" datasets={datasets} value={datasetId} onChange={setDatasetId} />
      <button type="submit" className="primary" disabled={busy || !datasetId}>
        Start retraining
      </button>
      {job && (
        <p role="status">
          Retraining started: <Link to={trainingJobLink(model.kind, datasetId, job.id)}>follow the job</Link>.
        </p>
      )}
      <ErrorMessage error={error} />
    </form>
  );
}
