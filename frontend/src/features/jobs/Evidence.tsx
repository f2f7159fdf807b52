import { formatNumber } from "../../lib/format";

type Nested = Record<string, unknown>;
const isObject = (v: unknown): v is Nested => typeof v === "object" && v !== null && !Array.isArray(v);

/** One auto decision: a column's gap-length bucket, as the job's evidence records it. */
export interface DecisionRow {
  column: string;
  bucket: string;
  winner: string;
  incumbent: string;
  candidates: string[];
  stretches: number | null;
  confirmationStretches: number | null;
  confidence: number | null;
  verdict: string;
  mae: Record<string, number>;
  /** Where the choice rests on rolling pseudo-gaps carved from the observed data (short series, long gaps). */
  rolling: { pseudoGaps: number; blocks: number; length: number } | null;
  /** Where the fill is a blend of the default and a challenger that led without significance: method -> weight. */
  blend: Record<string, number> | null;
}

const numberOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The rows of the evidence table, one per column and gap-length bucket (evidence.decisions). */
export function decisionRows(evidence: Nested): DecisionRow[] {
  const decisions = isObject(evidence.decisions) ? evidence.decisions : {};
  const rows: DecisionRow[] = [];
  for (const [column, buckets] of Object.entries(decisions)) {
    if (!isObject(buckets)) continue;
    for (const [bucket, d] of Object.entries(buckets)) {
      if (!isObject(d)) continue;
      const mae = isObject(d.selection_mae) ? d.selection_mae : {};
      const rolling = d.evidence_kind === "rolling" && isObject(d.rolling) ? d.rolling : null;
      const blend = isObject(d.blend) && d.blend.used === true && isObject(d.blend.methods) ? d.blend.methods : null;
      rows.push({
        column,
        bucket,
        winner: String(d.winner ?? ""),
        incumbent: String(d.incumbent ?? d.winner ?? ""),
        candidates: Array.isArray(d.candidates) ? d.candidates.map(String) : [],
        stretches: numberOrNull(d.stretches),
        confirmationStretches: numberOrNull(d.confirmation_stretches),
        confidence: numberOrNull(d.confidence),
        verdict: String(d.verdict ?? ""),
        mae: Object.fromEntries(Object.entries(mae).filter(([, v]) => typeof v === "number")) as Record<string, number>,
        rolling: rolling
          ? {
              pseudoGaps: numberOrNull(rolling.pseudo_gaps) ?? 0,
              blocks: numberOrNull(rolling.blocks) ?? 0,
              length: numberOrNull(rolling.length) ?? 0,
            }
          : null,
        blend: blend
          ? (Object.fromEntries(Object.entries(blend).filter(([, v]) => typeof v === "number")) as Record<string, number>)
          : null,
      });
    }
  }
  return rows;
}

const KALMAN_MODELS: Record<string, string> = {
  white_noise: "white noise around a mean (fills with the mean)",
  random_walk: "random walk (fills with the straight line, as interpolation does)",
  ar1: "AR(1) around a mean",
  local_level: "local level (random walk plus noise)",
  arma11: "ARMA(1,1) around a mean",
  arima110: "ARIMA(1,1,0) (trend with momentum)",
};

const bucketLabel = (bucket: string) => (bucket === "1" ? "1 step" : `${bucket} steps`);

/** A gap-length bucket's shortest length ("1", "2-4", "5-12", "13-36", "37+"), to order buckets shortest first. */
const bucketStart = (bucket: string) => {
  const n = Number.parseInt(bucket, 10);
  return Number.isFinite(n) ? n : Number.POSITIVE_INFINITY;
};

/** How one bucket's share was measured (evidence.kalman[column].shares[bucket], statespace.ShareChoice), in words. */
function shareMeasure(choice: unknown, share: number): string {
  if (!isObject(choice) || typeof choice.won !== "number" || typeof choice.pseudo_gaps !== "number") return "";
  const stretches = `${choice.pseudo_gaps} hidden stretch${choice.pseudo_gaps === 1 ? "" : "es"}`;
  if (Math.abs(choice.won - share) < 0.005) return ` (best on ${stretches})`;
  const lead = typeof choice.t === "number" ? `a lead of ${choice.t.toFixed(1)} standard errors` : "its lead";
  return ` (${Math.round(100 * choice.won)}% did best on ${stretches}, shrunk for ${lead})`;
}

/**
 * The smoother's share of the fill per gap length (evidence.kalman[column].weights: bucket -> 0..1), in words, shortest
 * gaps first, with how each was measured where the job recorded it (`shares`); the rest is the simple method the model
 * nests. Empty where the job recorded no shares (older jobs, or a model with nothing to blend).
 */
function kalmanShares(weights: unknown, measured: unknown, seasonal: boolean): string {
  if (!isObject(weights)) return "";
  const shares = Object.entries(weights)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number" && Number.isFinite(entry[1]))
    .sort(([a], [b]) => bucketStart(a) - bucketStart(b));
  if (shares.length === 0) return "";
  const choices = isObject(measured) ? measured : {};
  const listed = shares
    .map(([bucket, w]) => `${bucketLabel(bucket)} ${Math.round(100 * w)}%${shareMeasure(choices[bucket], w)}`)
    .join(", ");
  // Gap lengths without a measured share get none: the simple method alone (statespace.UNTESTED_SHARE).
  return ` (smoother's share per gap length: ${listed}; the rest, and other gap lengths, ${seasonal ? "the seasonal profile" : "time interpolation"})`;
}

/** Per column, the state-space model the kalman candidate fitted (evidence.kalman) and its share of the fill, in words. */
export function kalmanModels(evidence: Nested): { column: string; model: string }[] {
  const models = isObject(evidence.kalman) ? evidence.kalman : {};
  return Object.entries(models).flatMap(([column, m]) =>
    isObject(m) && typeof m.model === "string"
      ? [
          {
            column,
            model:
              `${KALMAN_MODELS[m.model] ?? m.model}${m.seasonal === true ? ", on the seasonally adjusted values" : ""}` +
              kalmanShares(m.weights, m.shares, m.seasonal === true),
          },
        ]
      : [],
  );
}

/** The method auto keeps where nothing beat it (evidence.default), in words. */
export function defaultLabel(evidence: Nested): string {
  const method = String(evidence.default ?? "time");
  if (method === "kalman") {
    return "the Kalman smoother (kalman), its model per column chosen by likelihood on every observed value; where that model is a random walk it draws interpolation's straight line; its fill blends the smoother with interpolation (or the seasonal profile) in a share chosen per gap length on stretches of the series hidden in turn";
  }
  return method === "time" ? "time interpolation" : method;
}

/**
 * The auto mode's evidence, per column and gap length: which methods were compared, on how many held-out
 * stretches, what won and how sure the test is. The default (evidence.default: the Kalman smoother on an evenly
 * spaced series, else time interpolation) needs no test; anything else had to win a corrected test and then again
 * on fresh held-out gaps.
 */
export function AutoEvidence({ evidence }: { evidence: Nested }) {
  const rows = decisionRows(evidence);
  const notes = Array.isArray(evidence.notes) ? evidence.notes.map(String) : [];
  const kalman = kalmanModels(evidence);
  return (
    <section className="card" aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">Why these methods (auto mode)</h2>
      <p className="muted">
        Default: {defaultLabel(evidence)}. Another method is used only where it beat the default on
        held-out stretches of the data (a paired test corrected for the number of methods compared) and then again on fresh
        stretches that played no part in choosing it. Where a series holds too few held-out stretches of a gap length (short
        series, long gaps), every observed stretch of that length is hidden in turn (rolling pseudo-gaps, tested in blocks
        so that overlapping ones do not count twice). Where a challenger had the lower error but not significantly, the gaps
        are filled with an even blend of it and the default (a blend's error is at most the mean of the two).
      </p>
      {kalman.length > 0 && (
        <p className="muted" data-testid="kalman-models">
          kalman (Kalman smoother) fitted per column by maximum likelihood, model chosen by AIC:{" "}
          {kalman.map((k) => `${k.column}: ${k.model}`).join("; ")}.
        </p>
      )}
      {notes.map((note) => (
        <p key={note} className="muted" role="note">
          {note}
        </p>
      ))}
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table className="table compact" aria-label="auto's choice per column and gap length">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Gap length</th>
                <th scope="col">Chosen</th>
                <th scope="col">Compared with</th>
                <th scope="col">Held-out stretches</th>
                <th scope="col">Confidence</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.column}-${row.bucket}`} data-testid="evidence-row">
                  <th scope="row">{row.column}</th>
                  <td>{bucketLabel(row.bucket)}</td>
                  <td className="chosen">
                    {row.blend
                      ? `blend: ${Object.entries(row.blend)
                          .map(([m, w]) => `${m} ${w}`)
                          .join(" + ")}`
                      : row.winner}
                    {row.mae[row.winner] !== undefined && <span className="muted"> (MAE {formatNumber(row.mae[row.winner])})</span>}
                  </td>
                  <td>
                    {[row.incumbent, ...row.candidates]
                      .filter((m) => m !== row.winner)
                      .map((m) => (row.mae[m] !== undefined ? `${m} ${formatNumber(row.mae[m])}` : m))
                      .join(", ") || "–"}
                  </td>
                  <td>
                    {row.rolling
                      ? `${row.rolling.pseudoGaps} rolling pseudo-gaps of ${row.rolling.length} steps (${row.rolling.blocks} blocks)`
                      : (row.stretches ?? "–")}
                    {row.confirmationStretches !== null && ` + ${row.confirmationStretches} fresh`}
                  </td>
                  <td>{row.confidence === null ? "–" : `${(100 * row.confidence).toFixed(1)}%`}</td>
                  <td>{row.verdict}</td>
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
