import { useMemo, useState } from "react";
import { createChart } from "../../api/charts";
import type { Chart, Column, Recommendation } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { useAsync } from "../../lib/useAsync";
import { datasetRows, type EmbedResult, type VegaLiteSpec } from "../../lib/vega";
import { ErrorMessage, Loading } from "../ui/Status";
import { buildSpec, describeChoice, MARKS, type ChartChoice, type Mark } from "./chartBuilder";
import { ExportButtons } from "./ExportButtons";
import { choiceFromSpec, startingChoice } from "./startingChart";
import { VegaChart } from "./VegaChart";

interface Start {
  choice: ChartChoice;
  /** The recommended spec shown as is until a setting changes (null: build from `choice`). */
  spec: VegaLiteSpec | null;
  title: string | null;
  note: string;
}

/**
 * Make a chart by hand (mark, x, y, color), preview it and save it to the gallery. It starts from the top
 * recommendation when there is one (drawn as recommended, the controls set to its closest equivalent), else from
 * a first chart chosen from the column types (startingChoice).
 */
export function ChartBuilder({
  datasetId,
  columns,
  suggestion = null,
  onSaved,
}: {
  datasetId: string;
  columns: Column[];
  suggestion?: Recommendation | null;
  onSaved?: (chart: Chart) => void;
}) {
  // The rows the preview draws from (cached, shared with every chart of this dataset): distinct counts for the start.
  const rows = useAsync(() => datasetRows(datasetId), [datasetId]);
  const start = useMemo<Start | null>(() => {
    if (suggestion) {
      const title = suggestion.explanation?.trim() || "Top recommendation";
      return {
        choice: choiceFromSpec(suggestion.spec, columns) ?? startingChoice(columns, rows.data),
        spec: suggestion.spec,
        title,
        note: `Starting from the top recommendation: “${title}”. Change any setting to make your own.`,
      };
    }
    if (rows.loading) return null;
    const choice = startingChoice(columns, rows.data);
    return { choice, spec: null, title: null, note: "Starting from a first chart for this table. Change any setting to make your own." };
  }, [suggestion, columns, rows.data, rows.loading]);

  const [own, setOwn] = useState<ChartChoice | null>(null);
  const [view, setView] = useState<EmbedResult | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const saving = useAction();
  const choice = own ?? start?.choice ?? null;
  const spec = useMemo(() => {
    if (!own && start?.spec) return start.spec;
    return choice?.x ? buildSpec(datasetId, columns, choice) : null;
  }, [own, start, choice, datasetId, columns]);
  const title = !own && start?.title ? start.title : choice ? describeChoice(choice) : "";

  const change = (update: Partial<ChartChoice>) => {
    if (!choice) return;
    setStatus(null);
    setOwn({ ...choice, ...update });
  };

  const save = () => {
    if (!spec) return;
    setStatus(null);
    void saving.run(async () => {
      const chart = await createChart({ dataset_id: datasetId, spec, title });
      setStatus(`Saved “${chart.title}” to your gallery.`);
      onSaved?.(chart);
    });
  };

  const field = (key: "x" | "y" | "color", label: string, optional: boolean) => (
    <label>
      {label}
      <select aria-label={label} value={choice?.[key] ?? ""} disabled={!choice} onChange={(e) => change({ [key]: e.target.value || undefined })}>
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
    <section className="card builder" aria-labelledby="builder-heading">
      <h2 id="builder-heading">Make a chart</h2>
      {!choice ? (
        <Loading label="Choosing a first chart…" />
      ) : (
        <>
          <p className="muted builder-note" data-testid="builder-start">
            {own ? `Your chart: ${title}.` : start?.note}
            {own && start && (
              <>
                {" "}
                <button type="button" className="link-button" onClick={() => setOwn(null)}>
                  Back to the first chart
                </button>
              </>
            )}
          </p>
          <div className="form-row">
            <label>
              Mark
              <select aria-label="Mark" value={choice.mark} onChange={(e) => change({ mark: e.target.value as Mark })}>
                {MARKS.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </label>
            {field("x", "X", false)}
            {field("y", "Y", true)}
            {field("color", "Color", true)}
          </div>
        </>
      )}
      {spec && <VegaChart spec={spec} ariaLabel={`Chart: ${title}`} onView={setView} />}
      <div className="card-actions">
        <div className="button-row">
          <button type="button" className="primary" onClick={save} disabled={!spec}>
            Save chart
          </button>
        </div>
        {spec && <ExportButtons title={title} spec={spec} view={view} />}
      </div>
      {status && (
        <p role="status" className="success-text">
          {status}
        </p>
      )}
      <ErrorMessage error={saving.error} />
    </section>
  );
}
