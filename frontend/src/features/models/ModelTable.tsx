import { Link } from "react-router-dom";
import type { ModelRecord } from "../../api/models";
import type { Project } from "../../api/projects";
import { formatDate, formatNumber } from "../../lib/format";
import { projectName } from "../projects/ProjectSelect";
import { pickRefusal, type Picked } from "./compareSelection";
import { trainingJobLink } from "./links";

/** The first few numeric metrics, "name value · ...". */
export function metricSummary(metrics: Record<string, unknown> | undefined, limit = 4): string {
  return (
    Object.entries(metrics ?? {})
      .filter(([, v]) => typeof v === "number")
      .slice(0, limit)
      .map(([k, v]) => `${k} ${formatNumber(v as number)}`)
      .join(" · ") || "–"
  );
}

/** One page of models with a checkbox each to pick for Compare (a box that would break the 2-5-of-one-kind rule is disabled). */
export function ModelTable(props: {
  models: readonly ModelRecord[];
  projects: readonly Project[];
  picked: readonly Picked[];
  onToggle: (model: Picked) => void;
  onDelete: (model: ModelRecord) => void;
}) {
  const { models, projects, picked, onToggle, onDelete } = props;
  return (
    <div className="table-scroll">
      <table className="table" aria-label="Trained models">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Pick to compare</span>
            </th>
            <th scope="col">Version</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Project</th>
            <th scope="col">Metrics</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => {
            const isPicked = picked.some((p) => p.id === model.id);
            const refusal = isPicked ? null : pickRefusal(picked, model);
            return (
              <tr key={model.id}>
                <td>
                  <input
                    type="checkbox"
                    checked={isPicked}
                    disabled={Boolean(refusal)}
                    title={refusal ?? undefined}
                    aria-label={`Compare ${model.version}`}
                    onChange={() => onToggle({ id: model.id, kind: model.kind })}
                  />
                </td>
                <th scope="row">
                  <Link to={`/models/${model.id}`}>{model.version}</Link>
                </th>
                <td>{model.kind}</td>
                <td>
                  <span className={`model-status model-status-${model.status ?? "candidate"}`}>{model.status ?? "candidate"}</span>
                </td>
                <td>{projectName(projects, model.project_id)}</td>
                <td>{metricSummary(model.metrics)}</td>
                <td>{formatDate(model.created_at)}</td>
                <td className="button-row">
                  {model.job_id && model.dataset_id && (
                    <Link className="button" to={trainingJobLink(model.kind, model.dataset_id, model.job_id)}>
                      Open run
                    </Link>
                  )}
                  <button type="button" className="danger" onClick={() => onDelete(model)} aria-label={`Delete model ${model.version}`}>
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
