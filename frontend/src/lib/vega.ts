/**
 * Vega-Lite rendering, loaded on demand: vega-embed (with vega and vega-lite) is most of the app's JavaScript,
 * so it is a separate chunk fetched the first time a chart is drawn.
 *
 * Saved and recommended specs point `data.url` at /api/v1/datasets/<id>/rows, which needs the bearer token.
 * We fetch those rows through the typed client (cached per dataset) and inline them as `data.values`.
 */
import { getDatasetRows } from "../api/datasets";
import { dataUrlToBlob } from "./download";

export type VegaLiteSpec = Record<string, unknown>;
type EmbedModule = typeof import("vega-embed");
export type EmbedResult = Awaited<ReturnType<EmbedModule["default"]>>;

let embedModule: Promise<EmbedModule> | null = null;

export function loadVegaEmbed(): Promise<EmbedModule> {
  embedModule ??= import("vega-embed");
  return embedModule;
}

const ROWS_URL = /\/api\/v1\/datasets\/([^/?#]+)\/rows(?:\?(.*))?$/;
const DEFAULT_ROW_LIMIT = 100_000;
const rowsCache = new Map<string, Promise<Record<string, unknown>[]>>();

/** The dataset id and row limit a spec's data url refers to, or null for other data. */
export function parseRowsUrl(url: string): { datasetId: string; limit: number } | null {
  const match = ROWS_URL.exec(url);
  if (!match) return null;
  const limit = Number(new URLSearchParams(match[2] ?? "").get("limit") ?? DEFAULT_ROW_LIMIT);
  return { datasetId: decodeURIComponent(match[1]), limit: Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_ROW_LIMIT };
}

function datasetRows(datasetId: string, limit: number): Promise<Record<string, unknown>[]> {
  const key = `${datasetId}:${limit}`;
  let rows = rowsCache.get(key);
  if (!rows) {
    rows = getDatasetRows(datasetId, 0, limit).then((page) => page.items);
    rows.catch(() => rowsCache.delete(key));
    rowsCache.set(key, rows);
  }
  return rows;
}

/** A copy of `spec` with every dataset-rows `data` (at any depth: layers, concat, facets) inlined as values. */
export async function bindDatasetRows(spec: VegaLiteSpec): Promise<VegaLiteSpec> {
  const pending: Promise<void>[] = [];
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== "object") return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const url = key === "data" && value && typeof value === "object" ? (value as { url?: unknown }).url : undefined;
      const target = typeof url === "string" ? parseRowsUrl(url) : null;
      if (target) {
        const data: Record<string, unknown> = { values: [] };
        const name = (value as { name?: unknown }).name;
        if (name) data.name = name;
        pending.push(datasetRows(target.datasetId, target.limit).then((rows) => void (data.values = rows)));
        out[key] = data;
      } else {
        out[key] = visit(value);
      }
    }
    return out;
  };
  const bound = visit(spec) as VegaLiteSpec;
  await Promise.all(pending);
  return bound;
}

export interface RenderOptions {
  renderer?: "svg" | "canvas";
  /** Fill the container's width (cards, enlarged view). */
  fitWidth?: boolean;
}

/** Draws `spec` into `element`; the caller finalizes the returned view when done. */
export async function renderVegaLite(element: HTMLElement, spec: VegaLiteSpec, options: RenderOptions = {}): Promise<EmbedResult> {
  const [{ default: embed }, bound] = await Promise.all([loadVegaEmbed(), bindDatasetRows(spec)]);
  const sized = options.fitWidth ? { ...bound, width: "container", autosize: { type: "fit", contains: "padding" } } : bound;
  return embed(element, sized as never, { actions: false, renderer: options.renderer ?? "svg", mode: "vega-lite" });
}

/** Image exports straight from the rendered view. */
export async function exportView(result: EmbedResult, format: "png" | "svg"): Promise<Blob> {
  if (format === "svg") return new Blob([await result.view.toSVG()], { type: "image/svg+xml" });
  return dataUrlToBlob(await result.view.toImageURL("png", 2));
}
