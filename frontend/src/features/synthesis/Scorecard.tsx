import { useMemo, useState } from "react";
import { isSpread, type MaybeSpread, type Scorecard as ScorecardData } from "../../api/types";
import { formatNumber } from "../../lib/format";
import { VegaChart } from "../charts/VegaChart";

/** Column titles of the scorecard's candidates; unknown names are shown as they come. */
export const CANDIDATE_LABELS: Record<string, string> = {
  model: "Model",
  heldout_real: "Held-out real (floor)",
  time_shuffled: "Time-shuffled",
  feature_bootstrap: "Feature bootstrap",
  ar1: "AR(1)",
};

const label = (candidate: string) => CANDIDATE_LABELS[candidate] ?? candidate;

function cell(score: MaybeSpread | undefined): string {
  if (!isSpread(score)) return "–";
  const value = formatNumber(score.mean, 3);
  return score.runs?.length > 1 ? `${value} ± ${formatNumber(score.std, 2)}` : value;
}

/** What a measure's verdict says in words: beaten every fake, or which ones it lost to. */
export function verdictText(verdict: ScorecardData["verdict"][string]): string {
  if (Object.keys(verdict.beats).length === 0) return "no fake measured";
  const lost = Object.entries(verdict.beats)
    .filter(([, won]) => !won)
    .map(([fake]) => label(fake));
  return lost.length === 0 ? "beats every fake" : `does not beat ${lost.join(", ")}`;
}

/** The evaluation as a table: per measure, the model next to the floor and each trivial fake. */
export function ScorecardTable({ card }: { card: ScorecardData }) {
  const fakes = card.candidates.filter((c) => c !== "model" && c !== "heldout_real");
  const flagged = card.measures.filter((m) => card.verdict[m.name]?.flagged);
  return (
    <>
      <p className="muted">
        Every measure is a distance to {card.n_windows.reference.toLocaleString()} real windows (lower is better), for{" "}
        {card.n_windows.per_candidate.toLocaleString()} windows of each candidate: the model, held-out real windows (the floor: as good as it gets)
        and trivial fakes made from them ({fakes.map(label).join(", ")}). A measure is flagged when the model does not beat every fake on it.
      </p>
      <p data-testid="scorecard-summary">
        {flagged.length === 0
          ? "The model beats every trivial fake on every measure."
          : `Flagged: ${flagged.map((m) => m.label).join(", ")}.`}
      </p>
      <div className="table-scroll">
        <table className="table compact" aria-label="Synthesis scorecard">
          <thead>
            <tr>
              <th scope="col">Measure</th>
              {card.candidates.map((c) => (
                <th scope="col" key={c}>
                  {label(c)}
                </th>
              ))}
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {card.measures.map((measure) => {
              const verdict = card.verdict[measure.name];
              return (
                <tr key={measure.name} data-measure={measure.name} className={verdict?.flagged ? "flagged" : undefined}>
                  <th scope="row">
                    {measure.label}
                    <div className="muted">{measure.description}</div>
                  </th>
                  {card.candidates.map((c) => (
                    <td key={c}>{cell(card.scores[c]?.[measure.name])}</td>
                  ))}
                  <td className={verdict?.flagged ? "error-text" : undefined}>
                    {verdict ? (verdict.flagged ? `⚠ ${verdictText(verdict)}` : verdictText(verdict)) : "–"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Rows for the autocorrelation plot of one feature: lag, value and which set it comes from. */
export function autocorrelationValues(card: ScorecardData, feature: string): { lag: number; value: number; source: string }[] {
  const profile = card.autocorrelation.features.find((f) => f.feature === feature);
  if (!profile) return [];
  return card.autocorrelation.lags.flatMap((lag, i) => [
    { lag, value: profile.real[i], source: "real" },
    { lag, value: profile.synthetic[i], source: "synthetic" },
  ]);
}

/** Autocorrelation of real vs synthetic values over lags, one feature at a time. */
export function AutocorrelationChart({ card }: { card: ScorecardData }) {
  const features = useMemo(() => card.autocorrelation.features.map((f) => f.feature), [card]);
  const [chosen, setChosen] = useState<string | null>(null);
  const feature = chosen && features.includes(chosen) ? chosen : features[0];
  const spec = useMemo(
    () => ({
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: `Autocorrelation of ${feature}`,
      data: { values: autocorrelationValues(card, feature) },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "lag", type: "quantitative", title: "lag (steps)" },
        y: { field: "value", type: "quantitative", title: "autocorrelation", scale: { domain: [-1, 1] } },
        color: { field: "source", type: "nominal", scale: { range: ["#2563eb", "#ea580c"] } },
        strokeDash: { field: "source", type: "nominal" },
      },
      height: 240,
    }),
    [card, feature],
  );
  if (!feature) return null;
  return (
    <div data-testid="acf-plot">
      {features.length > 1 && (
        <label>
          Feature{" "}
          <select value={feature} onChange={(e) => setChosen(e.target.value)}>
            {features.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
      )}
      <VegaChart spec={spec} ariaLabel={`Autocorrelation of ${feature}, real and synthetic`} />
    </div>
  );
}
