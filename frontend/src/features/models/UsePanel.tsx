import { useState } from "react";
import { Link } from "react-router-dom";
import { fillWithModel, generateSamples, IMPUTER_KINDS, type ModelRecord } from "../../api/models";
import type { Dataset } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { ErrorMessage } from "../ui/Status";
import { DatasetJobForm } from "./DatasetJobForm";

/** Use a trained model without training: TimeGAN generates samples; an imputer fills another dataset. */
export function UsePanel({ model, datasets }: { model: ModelRecord; datasets: readonly Dataset[] }) {
  if (model.kind === "timegan") return <GenerateForm model={model} />;
  if (IMPUTER_KINDS.includes(model.kind)) return <FillForm model={model} datasets={datasets} />;
  return <p className="muted">A {model.kind} model cannot be used on its own here: retrain it or run its method from a dataset.</p>;
}

function GenerateForm({ model }: { model: ModelRecord }) {
  const [n, setN] = useState(100);
  const [made, setMade] = useState<Dataset | null>(null);
  const { busy, error, run } = useAction();
  return (
    <form
      className="form-row"
      aria-label="Generate samples"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => setMade(await generateSamples(model.id, { n })));
      }}
    >
      <label>
        Sequences
        <input type="number" min={1} max={100000} value={n} onChange={(e) => setN(Number(e.target.value))} />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        Generate samples
      </button>
      {made && (
        <p role="status">
          Samples stored as <Link to={`/datasets/${made.id}`}>{made.filename}</Link>.
        </p>
      )}
      <ErrorMessage error={error} />
    </form>
  );
}

function FillForm({ model, datasets }: { model: ModelRecord; datasets: readonly Dataset[] }) {
  return (
    <DatasetJobForm
      name="Fill a dataset"
      selectLabel="Dataset to fill"
      submitLabel="Fill gaps with this model"
      startedLabel="Filling started"
      kind={model.kind}
      datasets={datasets}
      start={(datasetId) => fillWithModel(model.id, datasetId)}
    />
  );
}
