import { useState } from "react";
import type { EmbedResult, VegaLiteSpec } from "../../lib/vega";
import { exportChart, type ExportFormat } from "./exportChart";

export function ExportButtons({ title, spec, view }: { title: string; spec: VegaLiteSpec; view: EmbedResult | null }) {
  const [error, setError] = useState<string | null>(null);
  const run = (format: ExportFormat) => {
    setError(null);
    exportChart(format, title, spec, view).catch((err: Error) => setError(err.message));
  };
  return (
    <div className="button-row" role="group" aria-label={`Export ${title}`}>
      <button type="button" onClick={() => run("png")} disabled={!view}>
        PNG
      </button>
      <button type="button" onClick={() => run("svg")} disabled={!view}>
        SVG
      </button>
      <button type="button" onClick={() => run("json")}>
        JSON spec
      </button>
      {error && (
        <span role="alert" className="error-text">
          {error}
        </span>
      )}
    </div>
  );
}
