import { retrainModel, type ModelRecord } from "../../api/models";
import type { Dataset } from "../../api/types";
import { DatasetJobForm } from "./DatasetJobForm";

/** Same kind and params on another dataset: pick it, start, follow the job (its success registers the next version). */
export function RetrainForm({ model, datasets }: { model: ModelRecord; datasets: readonly Dataset[] }) {
  return (
    <DatasetJobForm
      name="Retrain"
      selectLabel="Dataset"
      submitLabel="Start retraining"
      startedLabel="Retraining started"
      kind={model.kind}
      datasets={datasets}
      start={(datasetId) => retrainModel(model.id, datasetId)}
    />
  );
}
