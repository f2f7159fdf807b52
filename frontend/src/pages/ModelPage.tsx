import { Link, useParams } from "react-router-dom";
import { listDatasets } from "../api/datasets";
import { getModel } from "../api/models";
import { listProjects } from "../api/projects";
import { ArtifactList } from "../features/models/ArtifactList";
import { BatchRetrainPanel } from "../features/models/BatchRetrain";
import { HistoryChart } from "../features/models/HistoryChart";
import { trainingJobLink } from "../features/models/links";
import { DataUsed, Evaluations, FieldTable, Lineage } from "../features/models/ModelDetails";
import { RetrainForm } from "../features/models/RetrainForm";
import { StatusActions } from "../features/models/StatusActions";
import { UsePanel } from "../features/models/UsePanel";
import { projectName } from "../features/projects/ProjectSelect";
import { ErrorMessage, Loading } from "../features/ui/Status";
import { formatDate } from "../lib/format";
import { useAsync } from "../lib/useAsync";

/** One model: status, params, data used, losses, evaluations, files, lineage; retrain and use it. */
export default function ModelPage() {
  const { modelId = "" } = useParams();
  const model = useAsync((signal) => getModel(modelId, signal), [modelId]);
  const projects = useAsync((signal) => listProjects(signal), []);
  const datasets = useAsync((signal) => listDatasets({ page_size: 100 }, signal), []);

  if (model.loading && !model.data) return <Loading label="Loading model…" />;
  if (model.error || !model.data) return <ErrorMessage error={model.error ?? "Not found"} onRetry={model.reload} />;
  const m = model.data;
  const datasetList = datasets.data?.items ?? [];
  return (
    <>
      <div className="page-header">
        <p>
          <Link to="/models">← Models</Link>
        </p>
        <h1>{m.version}</h1>
        <p className="muted">
          {m.kind} · {projectName(projects.data, m.project_id)} · trained {formatDate(m.created_at)}
          {m.job_id && m.dataset_id && (
            <>
              {" "}
              · <Link to={trainingJobLink(m.kind, m.dataset_id, m.job_id)}>training run</Link>
            </>
          )}
        </p>
        <StatusActions model={m} onChanged={(next) => model.setData((now) => ({ ...now, ...next }))} />
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="params-heading">
          <h2 id="params-heading">Params</h2>
          <FieldTable fields={m.params ?? {}} label="Params" />
        </section>
        <section className="card grow" aria-labelledby="history-heading">
          <h2 id="history-heading">Training history</h2>
          <HistoryChart sources={[{ label: "", history: m.history }]} />
        </section>
      </div>
      <section className="card" aria-labelledby="data-heading">
        <h2 id="data-heading">Data used</h2>
        <DataUsed model={m} />
      </section>
      <section className="card" aria-labelledby="evaluations-heading">
        <h2 id="evaluations-heading">Evaluations</h2>
        <Evaluations model={m} />
      </section>
      <section className="card" aria-labelledby="files-heading">
        <h2 id="files-heading">Artifact files</h2>
        <ArtifactList modelId={m.id} version={m.version} files={m.artifact_files ?? []} />
      </section>
      <section className="card" aria-labelledby="lineage-heading">
        <h2 id="lineage-heading">Lineage</h2>
        <Lineage model={m} />
      </section>
      <section className="card" aria-labelledby="retrain-heading">
        <h2 id="retrain-heading">Retrain</h2>
        <RetrainForm model={m} datasets={datasetList} />
        <details>
          <summary>Retrain on several datasets</summary>
          <BatchRetrainPanel modelId={m.id} kind={m.kind} datasets={datasetList} />
        </details>
      </section>
      <section className="card" aria-labelledby="use-heading">
        <h2 id="use-heading">Use</h2>
        <UsePanel model={m} datasets={datasetList} />
      </section>
    </>
  );
}
