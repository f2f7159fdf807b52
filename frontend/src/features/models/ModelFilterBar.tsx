import { MODEL_KINDS, MODEL_STATUSES, type ModelSort } from "../../api/models";
import type { Project } from "../../api/projects";
import type { Dataset } from "../../api/types";
import { ProjectSelect } from "../projects/ProjectSelect";
import { PAGE_SIZES, type ModelFilters } from "./modelQuery";

const SORT_LABELS: Record<ModelSort, string> = {
  "-created_at": "Newest first",
  created_at: "Oldest first",
  "-version": "Version, high to low",
  version: "Version, low to high",
};

/** Kind, project, status and dataset selects, sort and page size: every choice is one the API filters on exactly. */
export function ModelFilterBar(props: {
  filters: ModelFilters;
  onChange: (change: Partial<ModelFilters>) => void;
  projects: readonly Project[];
  datasets: readonly Dataset[];
  /** Kinds the user has models of (GET /models/kinds), shown beside the known ones. */
  kinds?: readonly string[];
}) {
  const { filters, onChange, projects, datasets } = props;
  const kinds = [...new Set([...MODEL_KINDS, ...(props.kinds ?? [])])];
  return (
    <form className="form-row filter-bar" aria-label="Filter models" onSubmit={(e) => e.preventDefault()}>
      <label>
        Kind
        <select value={filters.kind} onChange={(e) => onChange({ kind: e.target.value })}>
          <option value="">Any kind</option>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
      </label>
      <ProjectSelect projects={projects} value={filters.project} onChange={(project) => onChange({ project })} anyLabel="Any project" />
      <label>
        Status
        <select value={filters.status} onChange={(e) => onChange({ status: e.target.value })}>
          <option value="">Any status</option>
          {MODEL_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label>
        Dataset
        <select value={filters.dataset} onChange={(e) => onChange({ dataset: e.target.value })}>
          <option value="">Any dataset</option>
          {datasets.map((dataset) => (
            <option key={dataset.id} value={dataset.id}>
              {dataset.filename}
            </option>
          ))}
        </select>
      </label>
      <label>
        Sort
        <select value={filters.sort} onChange={(e) => onChange({ sort: e.target.value as ModelSort })}>
          {Object.entries(SORT_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Per page
        <select value={filters.pageSize} onChange={(e) => onChange({ pageSize: Number(e.target.value) })}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
