import type { Column } from "../../api/types";
import { formatCell } from "../../lib/format";
import { ColumnTypeBadge } from "./ColumnList";

/** A preview of rows; missing cells are marked, headers show type and missing count. */
export function RowsTable({ columns, rows, caption }: { columns: Column[]; rows: Record<string, unknown>[]; caption: string }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.name} scope="col">
                <div>{column.name}</div>
                <div className="th-meta">
                  <ColumnTypeBadge type={column.type} />
                  <span className="muted">{column.missing} missing</span>
                </div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((column) => {
                const value = row[column.name];
                const missing = value === null || value === undefined || value === "";
                return (
                  <td key={column.name} className={missing ? "cell-missing" : undefined}>
                    {missing ? <span aria-label="missing">—</span> : formatCell(value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
