import type { ComparedModel } from "../../api/models";
import { Empty } from "../ui/Status";
import { compareRows } from "./compareTable";
import { formatValue } from "./ModelDetails";

/** Params or metrics side by side, one column per model; rows whose values differ are marked. */
export function CompareTable({ models, field, label }: { models: readonly ComparedModel[]; field: "params" | "metrics"; label: string }) {
  const rows = compareRows(models, field);
  if (rows.length === 0) return <Empty>No {field} recorded.</Empty>;
  return (
    <div className="table-scroll">
      <table className="table compact compare-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{field === "params" ? "Param" : "Metric"}</th>
            {models.map((m) => (
              <th scope="col" key={m.id}>
                {m.version}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={row.differs ? "differs" : undefined} data-differs={row.differs}>
              <th scope="row">
                {row.key}
                {row.differs && <span className="visually-hidden"> (differs)</span>}
              </th>
              {row.values.map((value, i) => (
                <td key={models[i].id}>{formatValue(value)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
