import { useMemo, useState } from "react";
import { createChart } from "../../api/charts";
import type { Chart, Column } from "../../api/types";
import type { EmbedResult } from "../../lib/vega";
import { ErrorMessage } from "../ui/Status";
import { buildSpec, describeChoice, MARKS, type ChartChoice, type Mark } from "./chartBuilder";
import { ExportButtons } from "./ExportButtons";
import { VegaChart } from "./VegaChart";

/** Make a chart by hand (mark, x, y, color), preview it and save it to the gallery. */
export function ChartBuilder({ datasetId, columns, onSaved }: { datasetId: string; columns: Column[]; onSaved?: (chart: Chart) => void }) {
  const [choice, setChoice] = useState<ChartChoice>({ mark: "bar", x: columns[0]?.name ?? "" });
  const [view, setView] = useState<EmbedResult | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const spec = useMemo(() => (choice.x ? buildSpec(datasetId, columns, choice) : null), [datasetId, columns, choice]);
  const title = describeChoice(choice);

  const save = async () => {
    if (!spec) return;
    setError(null);
    setStatus(null);
    try {
      const chart = await createChart({ dataset_id: datasetId, spec, title });
      setStatus(`Saved “${chart.title}” to your gallery.`);
      onSaved?.(chart);
    } catch (err) {
      setError(err);
    }
  };

  const field = (key: "x" | "y" | "color", label: string, optional: boolean) => (
    <label>
      {label}
      <select aria-label={label} value={choice[key] ?? ""} onChange={(e) => setChoice({ ...choice, [key]: e.target.value || undefined })}>
        {optional && <option value="">(none)</option>}
        {columns.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name} ({c.type})
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section className="card" aria-labelledby="builder-heading">
      <h2 id="builder-heading">Make a chart</h2>
      <div className="form-row">
        <label>
          Mark
          <select aria-label="Mark" value={choice.mark} onChange={(e) => setChoice({ ...choice, mark: e.target.value as Mark })}>
            {MARKS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        {field("x", "X", false)}
        {field("y", "Y", true)}
        {field("color", "Color", true)}
      </div>
      {spec && <VegaChart spec={spec} ariaLabel={`Chart: ${title}`} onView={setView} />}
      <div className="button-row">
        <button type="button" className="primary" onClick={save} disabled={!spec}>
          Save chart
        </button>
      </div>
      {spec && <ExportButtons title={title} spec={spec} view={view} />}
      {status && (
        <p role="status" className="success-text">
          {status}
        </p>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
