import { formatNumber } from "../../lib/format";

type Nested = Record<string, unknown>;
const isObject = (v: unknown): v is Nested => typeof v === "object" && v !== null && !Array.isArray(v);

/** mae from {mae: x} or a bare number. */
function maeOf(cell: unknown): number | undefined {
  if (typeof cell === "number") return cell;
  if (isObject(cell) && typeof cell.mae === "number") return cell.mae;
  return undefined;
}

/**
 * The auto mode's evidence: which method won per column and gap-length bucket, and every method's validation MAE
 * on held-out cells (lower is better; the chosen one is marked).
 */
export function AutoEvidence({ evidence }: { evidence: Nested }) {
  const choice = isObject(evidence.choice) ? (evidence.choice as Record<string, Nested>) : {};
  const validation = isObject(evidence.validation) ? (evidence.validation as Record<string, Record<string, Nested>>) : {};
  const methods = Object.keys(validation);
  const rows: { column: string; bucket: string; method: string }[] = [];
  for (const [column, buckets] of Object.entries(choice)) {
    if (isObject(buckets)) for (const [bucket, method] of Object.entries(buckets)) rows.push({ column, bucket, method: String(method) });
  }
  return (
    <section className="card" aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">Why these methods (auto mode)</h2>
      {typeof evidence.validation_cells === "number" && (
        <p className="muted">
          Scored on {evidence.validation_cells.toLocaleString()} held-out observed cells
          {typeof evidence.folds === "number" && evidence.folds > 1
            ? ` (the first of ${evidence.folds} validation folds; baselines were also scored on the others)`
            : ""}
          . A model replaces the best baseline only where it is clearly better.
        </p>
      )}
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table className="table compact" aria-label="Validation MAE per method, column and gap length">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Gap length</th>
                <th scope="col">Chosen</th>
                {methods.map((m) => (
                  <th scope="col" key={m}>
                    {m} MAE
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.column}-${row.bucket}`}>
                  <th scope="row">{row.column}</th>
                  <td>{row.bucket}</td>
                  <td>
                    <strong>{row.method}</strong>
                  </td>
                  {methods.map((m) => {
                    const mae = maeOf(validation[m]?.[row.column]?.[row.bucket]);
                    return (
                      <td key={m} className={m === row.method ? "chosen" : undefined}>
                        {formatNumber(mae)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No per-gap choice was recorded.</p>
      )}
      <details>
        <summary>All evidence (JSON)</summary>
        <pre className="json">{JSON.stringify(evidence, null, 2)}</pre>
      </details>
    </section>
  );
}
