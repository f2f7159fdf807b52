import type { Dataset } from "../../api/types";

/** A required choice of one of the user's datasets, by file name. */
export function DatasetSelect(props: { label: string; datasets: readonly Dataset[]; value: string; onChange: (id: string) => void }) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} required>
        <option value="">Choose a dataset…</option>
        {props.datasets.map((dataset) => (
          <option key={dataset.id} value={dataset.id}>
            {dataset.filename}
          </option>
        ))}
      </select>
    </label>
  );
}
