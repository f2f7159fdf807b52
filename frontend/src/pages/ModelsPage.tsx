import { useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { listDatasets } from "../api/datasets";
import { deleteModel, listModelKinds, listModels, type ModelRecord } from "../api/models";
import { listProjects } from "../api/projects";
import { compareBlocker, compareUrl, togglePick, type Picked } from "../features/models/compareSelection";
import { ModelFilterBar } from "../features/models/ModelFilterBar";
import { changeFilters, filtersFromQuery, listQuery, pageCount, queryFromFilters, type ModelFilters } from "../features/models/modelQuery";
import { ModelTable } from "../features/models/ModelTable";
import { Pager } from "../features/ui/Pager";
import { Empty, ErrorMessage, Loading } from "../features/ui/Status";
import { useAction } from "../lib/useAction";
import { useAsync } from "../lib/useAsync";

/** The registry of trained models: filters, sort and page in the URL; pick 2-5 of one kind to compare; delete. */
export default function ModelsPage() {
  const [query, setQuery] = useSearchParams();
  const filters = filtersFromQuery(query);
  const key = queryFromFilters(filters).toString();
  const [picked, setPicked] = useState<Picked[]>([]);
  const removal = useAction();
  const models = useAsync((signal) => listModels(listQuery(filtersFromQuery(new URLSearchParams(key))), signal), [key]);
  const projects = useAsync((signal) => listProjects(signal), []);
  const datasets = useAsync((signal) => listDatasets({ page_size: 100 }, signal), []);
  const kinds = useAsync((signal) => listModelKinds(signal), []);

  const update = (change: Partial<ModelFilters>) => setQuery(queryFromFilters(changeFilters(filters, change)));
  const remove = (model: ModelRecord) => {
    if (!window.confirm(`Delete model ${model.version}?`)) return;
    void removal.run(async () => {
      await deleteModel(model.id);
      setPicked((now) => now.filter((p) => p.id !== model.id));
      models.reload();
    });
  };
  const blocker = compareBlocker(picked);
  const filtered = Boolean(filters.kind || filters.project || filters.status || filters.dataset);

  return (
    <>
      <h1>Models</h1>
      <ModelFilterBar filters={filters} onChange={update} projects={projects.data ?? []} datasets={datasets.data?.items ?? []} kinds={kinds.data} />
      <div className="compare-bar" aria-live="polite">
        <span>
          {picked.length} picked{picked.length ? ` (${picked[0].kind})` : ""}. {blocker ?? "Ready to compare."}
        </span>
        {blocker ? (
          <button type="button" disabled>
            Compare
          </button>
        ) : (
          <Link className="button primary" to={compareUrl(picked)}>
            Compare
          </Link>
        )}
        {picked.length > 0 && (
          <button type="button" className="link-button" onClick={() => setPicked([])}>
            Clear picks
          </button>
        )}
      </div>
      <ErrorMessage error={removal.error} />
      {models.loading && !models.data ? (
        <Loading label="Loading models…" />
      ) : models.error ? (
        <ErrorMessage error={models.error} onRetry={models.reload} />
      ) : !models.data || models.data.items.length === 0 ? (
        <Empty>{filtered ? "No models match these filters." : "No trained models yet: train one from a dataset's Fill gaps or Synthesize page."}</Empty>
      ) : (
        <>
          <p className="muted" data-testid="model-total">
            {models.data.total} model{models.data.total === 1 ? "" : "s"}
          </p>
          <ModelTable
            models={models.data.items}
            projects={projects.data ?? []}
            picked={picked}
            onToggle={(model) => setPicked((now) => togglePick(now, model))}
            onDelete={remove}
          />
          <Pager page={filters.page} pages={pageCount(models.data.total, filters.pageSize)} onPage={(page) => update({ page })} />
        </>
      )}
    </>
  );
}
