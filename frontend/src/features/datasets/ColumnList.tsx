import type { Column } from "../../api/types";

const TYPE_LABELS: Record<string, string> = {
  quantitative: "number",
  temporal: "time",
  nominal: "category",
  ordinal: "ordered",
};

export function ColumnTypeBadge({ type }: { type: string }) {
  return (
    <span className={`badge badge-${type}`} title={`Vega-Lite type: ${type}`}>
      {TYPE_LABELS[type] ?? type}
    </span>
  );
}

/** Each column with its type and how many values are missing. */
export function ColumnList({ columns, rows }: { columns: Column[]; rows: number }) {
  return (
    <table className="table compact" aria-label="Columns">
      <thead>
        <tr>
          <th scope="col">Column</th>
          <th scope="col">Type</th>
          <th scope="col">Missing</th>
        </tr>
      </thead>
      <tbody>
        {columns.map((column) => (
          <tr key={column.name}>
            <th scope="row">{column.name}</th>
            <td>
              <ColumnTypeBadge type={column.type} />
            </td>
            <td>
              {column.missing.toLocaleString()}
              {rows > 0 && column.missing > 0 ? <span className="muted"> ({((100 * column.missing) / rows).toFixed(1)}%)</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
