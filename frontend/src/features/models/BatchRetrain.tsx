import { useState } from "react";
import { Link } from "react-router-dom";
import { describeProblem, type Problem } from "../../api/client";
import { getRetrainBatch, retrainBatch, type BatchRequest, type RetrainBatch } from "../../api/models";
import type { Dataset } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { JobStatusBadge } from "../jobs/JobStatusBadge";
import { ErrorMessage } from "../ui/Status";
import { trainingJobLink } from "./links";

/** Each item of a batch: its job (linked, with its status and the model it made) or why it did not start. */
export function BatchOutcome({ batch, datasets, kind }: { batch: RetrainBatch; datasets?: readonly Dataset[]; kind?: string }) {
  const name = (id: string | null) => (id ? datasets?.find((d) => d.id === id)?.filename ?? id : "its own dataset");
  return (
    <ul className="batch-items" aria-label="Batch outcome">
      {batch.items.map((item, i) => (
        <li key={`${item.model_id}-${item.dataset_id}-${i}`}>
          <span>{name(item.dataset_id)}: </span>
          {item.job_id ? (
            <>
              <Link to={trainingJobLink(kind, item.dataset_id, item.job_id)}>job {item.job_id.slice(0, 8)}</Link>{" "}
              {item.job_status && <JobStatusBadge status={item.job_status} />}
              {item.result_model_id && (
                <>
                  {" "}
                  → <Link to={`/models/${item.result_model_id}`}>new model</Link>
                </>
              )}
            </>
          ) : (
            <span className="error-text">not started: {item.error ? describeProblem(item.error as unknown as Problem) : "refused"}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Starts a batch retrain (one model on picked datasets, or every model of a project) and follows its items. */
export function useRetrainBatch() {
  const [batch, setBatch] = useState<RetrainBatch | null>(null);
  const action = useAction();
  const start = (body: BatchRequest) => action.run(async () => setBatch(await retrainBatch(body)));
  const refresh = () => action.run(async () => batch && setBatch(await getRetrainBatch(batch.id)));
  return { batch, start, refresh, busy: action.busy, error: action.error };
}

/** Retrain one model on several datasets at once: pick them, start, see each outcome. */
export function BatchRetrainPanel({ modelId, kind, datasets }: { modelId: string; kind: string; datasets: readonly Dataset[] }) {
  const [chosen, setChosen] = useState<string[]>([]);
  const { batch, start, refresh, busy, error } = useRetrainBatch();
  const toggle = (id: string) => setChosen((now) => (now.includes(id) ? now.filter((x) => x !== id) : [...now, id]));
  return (
    <div className="batch-retrain">
      <fieldset className="checkboxes">
        <legend>Datasets to retrain on</legend>
        {datasets.length === 0 && <p className="muted">No datasets yet.</p>}
        {datasets.map((dataset) => (
          <label key={dataset.id} className="checkbox">
            <input type="checkbox" checked={chosen.includes(dataset.id)} onChange={() => toggle(dataset.id)} /> {dataset.filename}
          </label>
        ))}
      </fieldset>
      <div className="button-row">
        <button type="button" disabled={busy || chosen.length === 0} onClick={() => start({ model_id: modelId, dataset_ids: chosen })}>
          Retrain on {chosen.length} dataset{chosen.length === 1 ? "" : "s"}
        </button>
        {batch && (
          <button type="button" disabled={busy} onClick={refresh}>
            Refresh outcome
          </button>
        )}
      </div>
      <ErrorMessage error={error} />
      {batch && <BatchOutcome batch={batch} datasets={datasets} kind={kind} />}
    </div>
  );
}
