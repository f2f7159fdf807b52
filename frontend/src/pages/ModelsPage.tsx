import { useState } from "react";
import { Link } from "react-router-dom";
import { deleteModel, listModels } from "../api/models";
import type { Model } from "../api/types";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { formatDate, formatNumber } from "../lib/format";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

/** The studio page of the job that trained `model`. */
function studioLink(model: Model): string | null {
  if (!model.dataset_id || !model.job_id) return null;
  if (model.kind === "timegan") return `/datasets/${model.dataset_id}/synthesize?job=${model.job_id}`;
  if (["brits", "naomi", "imputation_auto"].includes(model.kind)) return `/datasets/${model.dataset_id}/impute?job=${model.job_id}`;
  return null;
}

/** The registry of trained models: version, training data, metrics; delete. */
export default function ModelsPage() {
  const [kind, setKind] = useState("");
  const removal = useAction();
  const models = useAsync((signal) => listModels({ kind: kind || undefined, page_size: 50 }, signal), [kind]);

  const remove = (model: Model) => {
    if (!window.confirm(`Delete model ${model.version}?`)) return;
    void removal.run(async () => {
      await deleteModel(model.id);
      models.reload();
    });
  };

  return (
    <>
      <h1>Models</h1>
      <div className="form-row">
        <label>
          Kind
          <input value={kind} onChange={(e) => setKind(e.target.value)} placeholder="any" />
        </label>
      </div>
      <ErrorMessage error={removal.error} />
      {models.loading && !models.data ? (
        <Loading label="Loading models…" />
      ) : models.error ? (
        <ErrorMessage error={models.error} onRetry={models.reload} />
      ) : !models.data || models.data.items.length === 0 ? (
        <Empty>No trained models{kind ? ` of kind “${kind}”` : " yet"}.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label="Trained models">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Kind</th>
                <th scope="col">Trained on</th>
                <th scope="col">Metrics</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {models.data.items.map((model) => (
                <tr key={model.id}>
                  <th scope="row">{model.version}</th>
                  <td>{model.kind}</td>
                  <td>{model.dataset_id ? <Link to={`/datasets/${model.dataset_id}`}>dataset</Link> : "–"}</td>
                  <td>
                    {Object.entries(model.metrics ?? {})
                      .filter(([, v]) => typeof v === "number")
                      .slice(0, 4)
                      .map(([k, v]) => `${k} ${formatNumber(v)}`)
                      .join(" · ") || "–"}
                  </td>
                  <td>{formatDate(model.created_at)}</td>
                  <td className="button-row">
                    {studioLink(model) && (
                      <Link className="button" to={studioLink(model)!}>
                        Open run
                      </Link>
                    )}
                    <button type="button" className="danger" onClick={() => remove(model)} aria-label={`Delete model ${model.version}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
