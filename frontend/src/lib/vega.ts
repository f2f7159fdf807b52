/**
 * Vega-Lite rendering, loaded on demand: vega-embed (with vega and vega-lite) is most of the app's JavaScript,
 * so it is a separate chunk fetched the first time a chart is drawn.
 *
 * Saved and recommended specs point `data.url` at /api/v1/datasets/<id>/rows, which needs the bearer token.
 * We fetch those rows through the typed client (cached per dataset) and inline them as `data.values`.
 */
import { getDatasetRows } from "../api/datasets";
import { dataUrlToBlob } from "./download";
import { textTooltipHandler } from "./tooltip";

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

/** A dataset's rows (the first `limit`), fetched once per dataset and limit and shared by every chart drawn from them. */
export function datasetRows(datasetId: string, limit: number = DEFAULT_ROW_LIMIT): Promise<Record<string, unknown>[]> {
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
        const { name, format } = value as { name?: unknown; format?: { parse?: unknown } };
        if (name) data.name = name;
        if (format?.parse) data.format = { parse: format.parse }; // explicit parsing still applies to inlined rows
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

const COMPOSITE_KEYS = ["facet", "repeat", "concat", "hconcat", "vconcat"];

/** A single view (or a layer), which can take the container's width; faceted and concatenated charts cannot. */
export function isSingleView(spec: VegaLiteSpec): boolean {
  if (COMPOSITE_KEYS.some((key) => key in spec)) return false;
  const encoding = spec.encoding as Record<string, unknown> | undefined;
  return !encoding || !("row" in encoding || "column" in encoding || "facet" in encoding);
}

/** The spec sized to fill its container's width (labels kept inside it), when it is a single view. */
export function fitToContainer(spec: VegaLiteSpec): VegaLiteSpec {
  if (!isSingleView(spec)) return spec;
  return { ...spec, width: "container", autosize: { type: "fit-x", contains: "padding" } };
}

/** Defaults for reading on screen (a spec's own config wins): slightly larger text; at least 4 px between the labels
 * of continuous axes (Vega hides every other one until they fit; with 0, labels pushed inward at the ends, such as
 * "0.0" next to "0.2", were drawn over each other); rows of a discrete y axis (bars, heatmaps) 28 px apart instead
 * of 20 so that a few categories do not make a squashed chart. */
export const READABLE_CONFIG: Record<string, Record<string, unknown>> = {
  axis: { labelFontSize: 11, titleFontSize: 12, labelSeparation: 4 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 180 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { discreteHeight: { step: 28 } },
};

/** The spec with READABLE_CONFIG under its own config. */
export function withReadableConfig(spec: VegaLiteSpec): VegaLiteSpec {
  const own = (spec.config ?? {}) as Record<string, unknown>;
  const config: Record<string, unknown> = { ...own };
  for (const [key, defaults] of Object.entries(READABLE_CONFIG)) {
    const value = own[key];
    config[key] = value && typeof value === "object" ? { ...defaults, ...(value as object) } : value ?? defaults;
  }
  return { ...spec, config };
}

const AVERAGE_CHAR_PX = 6.5; // an 11 px sans-serif label
const Y_AXIS_PX = 70;
const LEGEND_PX = 120;

/**
 * Category labels on x written horizontally when they fit side by side in `width` px (Vega-Lite turns them 90° by
 * default, which is hard to read for a few short names). Looks at the top-level x channel over the inlined rows only.
 */
export function horizontalCategoryLabels(spec: VegaLiteSpec, width: number): VegaLiteSpec {
  const encoding = spec.encoding as Record<string, Record<string, unknown> | undefined> | undefined;
  const x = encoding?.x;
  const values = (spec.data as { values?: unknown } | undefined)?.values;
  if (!x || width <= 0 || !Array.isArray(values) || typeof x.field !== "string") return spec;
  if ((x.type !== "nominal" && x.type !== "ordinal") || x.timeUnit || x.bin || x.axis === null) return spec;
  if (x.axis && typeof x.axis === "object" && "labelAngle" in x.axis) return spec;
  const name = x.field.replace(/\\(.)/g, "$1");
  const labels = new Set<string>();
  for (const row of values as Record<string, unknown>[]) {
    const value = row?.[name];
    if (value !== null && value !== undefined) labels.add(String(value));
    if (labels.size > 50) return spec;
  }
  if (labels.size === 0) return spec;
  const longest = Math.max(...[...labels].map((label) => label.length));
  const hasLegend = ["color", "fill", "stroke", "shape", "size", "opacity"].some((channel) => encoding?.[channel]);
  const available = width - Y_AXIS_PX - (hasLegend ? LEGEND_PX : 0);
  if (labels.size * (longest * AVERAGE_CHAR_PX + 10) > available) return spec;
  const axis = { ...((x.axis as object | undefined) ?? {}), labelAngle: 0 };
  return { ...spec, encoding: { ...encoding, x: { ...x, axis } } };
}

/** Draws `spec` into `element`; the caller finalizes the returned view when done. */
export async function renderVegaLite(element: HTMLElement, spec: VegaLiteSpec, options: RenderOptions = {}): Promise<EmbedResult> {
  const [{ default: embed }, bound] = await Promise.all([loadVegaEmbed(), bindDatasetRows(spec)]);
  const readable = horizontalCategoryLabels(withReadableConfig(bound), element.clientWidth);
  const sized = options.fitWidth ? fitToContainer(readable) : readable;
  // Tooltips show uploaded column names and values: a text-only handler, never vega-tooltip's HTML.
  return embed(element, sized as never, {
    actions: false,
    renderer: options.renderer ?? "svg",
    mode: "vega-lite",
    tooltip: textTooltipHandler,
  });
}

/** Image exports straight from the rendered view. */
export async function exportView(result: EmbedResult, format: "png" | "svg"): Promise<Blob> {
  if (format === "svg") return new Blob([await result.view.toSVG()], { type: "image/svg+xml" });
  return dataUrlToBlob(await result.view.toImageURL("png", 2));
}
