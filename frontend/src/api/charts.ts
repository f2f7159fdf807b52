import { request, requestBlob } from "./client";
import type { Chart, ChartCreate, ChartUpdate, Page } from "./types";

const BASE = "/api/v1/charts";

export interface ChartListQuery {
  dataset_id?: string;
  page?: number;
  page_size?: number;
}

export function listCharts(query: ChartListQuery = {}, signal?: AbortSignal): Promise<Page<Chart>> {
  return request<Page<Chart>>(BASE, { query: { ...query }, signal });
}

export function createChart(body: ChartCreate): Promise<Chart> {
  return request<Chart>(BASE, { method: "POST", body });
}

export function getChart(id: string, signal?: AbortSignal): Promise<Chart> {
  return request<Chart>(`${BASE}/${encodeURIComponent(id)}`, { signal });
}

export function updateChart(id: string, body: ChartUpdate): Promise<Chart> {
  return request<Chart>(`${BASE}/${encodeURIComponent(id)}`, { method: "PATCH", body });
}

export function deleteChart(id: string): Promise<void> {
  return request<void>(`${BASE}/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** The chart rendered on the server (vl-convert), as PNG or SVG. */
export function getChartImage(id: string, format: "png" | "svg"): Promise<Blob> {
  return requestBlob(`${BASE}/${encodeURIComponent(id)}/image.${format}`);
}
