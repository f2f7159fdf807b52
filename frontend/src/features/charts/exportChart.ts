import { saveBlob, safeFilename } from "../../lib/download";
import { exportView, type EmbedResult, type VegaLiteSpec } from "../../lib/vega";

export type ExportFormat = "png" | "svg" | "json";

/** Saves the drawn chart as PNG or SVG, or its Vega-Lite spec as JSON. */
export async function exportChart(format: ExportFormat, title: string, spec: VegaLiteSpec, view: EmbedResult | null): Promise<void> {
  if (format === "json") {
    saveBlob(new Blob([JSON.stringify(spec, null, 2)], { type: "application/json" }), safeFilename(title, "vl.json"));
    return;
  }
  if (!view) throw new Error("The chart is still being drawn.");
  saveBlob(await exportView(view, format), safeFilename(title, format));
}
