/**
 * Dataset profiles and data summary reports (issue 18): CRUD, blocks, export, share links.
 * Shapes are written from the contract in issue 18 (see the interfaces below) until the backend's schemas land
 * in schema.d.ts.
 */
import { request, requestBlob } from "./client";
import type { Page } from "./types";

// ---- GET /api/v1/datasets/{id}/profile (contract) ----
export type ProfileKind = "number" | "category" | "time" | "text" | "boolean";
export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}
export interface NumberProfile {
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  q25: number | null;
  q50: number | null;
  q75: number | null;
  histogram: HistogramBin[];
}
export interface CategoryProfile {
  top: { value: string; count: number }[];
  other_count: number;
}
export interface TimeProfile {
  min: string | null;
  max: string | null;
  /** A pandas-style step ("D", "h", "MS") or a duration in words; null when irregular. */
  frequency: string | null;
  gaps: number;
  largest_gap: string | null;
}
export interface TextProfile {
  min_length: number;
  max_length: number;
  mean_length: number;
}
export interface ColumnProfile {
  name: string;
  kind: ProfileKind;
  count: number;
  missing: number;
  distinct: number;
  number?: NumberProfile | null;
  category?: CategoryProfile | null;
  time?: TimeProfile | null;
  text?: TextProfile | null;
}
export interface DatasetProfile {
  dataset_id: string;
  rows: number;
  profiled_rows: number;
  sampled: boolean;
  columns: ColumnProfile[];
}

export function getDatasetProfile(datasetId: string, signal?: AbortSignal): Promise<DatasetProfile> {
  return request<DatasetProfile>(`/api/v1/datasets/${encodeURIComponent(datasetId)}/profile`, { signal });
}

// ---- /api/v1/reports (contract) ----
export const BLOCK_TYPES = ["chart", "text", "profile", "job", "model"] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];
export interface ReportBlock {
  id: string;
  type: BlockType;
  chart_id?: string | null;
  markdown?: string | null;
  job_id?: string | null;
  model_id?: string | null;
}
export interface ShareLink {
  token: string;
  url: string;
}
export interface Report {
  id: string;
  dataset_id: string;
  title: string;
  blocks: ReportBlock[];
  share: ShareLink | null;
  created_at: string;
  updated_at: string;
}
/** What a new block refers to: one of chart_id, markdown, job_id, model_id by its type. */
export type BlockCreate = Omit<ReportBlock, "id"> & { position?: number };

const BASE = "/api/v1/reports";
const reportPath = (id: string) => `${BASE}/${encodeURIComponent(id)}`;
const blockPath = (id: string, blockId: string) => `${reportPath(id)}/blocks/${encodeURIComponent(blockId)}`;

export interface ReportListQuery {
  dataset_id?: string;
  page?: number;
  page_size?: number;
}

export function listReports(query: ReportListQuery = {}, signal?: AbortSignal): Promise<Page<Report>> {
  return request<Page<Report>>(BASE, { query: { ...query }, signal });
}

export function createReport(body: { dataset_id: string; title: string }): Promise<Report> {
  return request<Report>(BASE, { method: "POST", body });
}

export function getReport(id: string, signal?: AbortSignal): Promise<Report> {
  return request<Report>(reportPath(id), { signal });
}

export function renameReport(id: string, title: string): Promise<Report> {
  return request<Report>(reportPath(id), { method: "PATCH", body: { title } });
}

export function deleteReport(id: string): Promise<void> {
  return request<void>(reportPath(id), { method: "DELETE" });
}

export function addBlock(id: string, block: BlockCreate): Promise<Report> {
  return request<Report>(`${reportPath(id)}/blocks`, { method: "POST", body: block });
}

export function updateTextBlock(id: string, blockId: string, markdown: string): Promise<Report> {
  return request<Report>(blockPath(id, blockId), { method: "PATCH", body: { markdown } });
}

export function deleteBlock(id: string, blockId: string): Promise<Report> {
  return request<Report>(blockPath(id, blockId), { method: "DELETE" });
}

export function reorderBlocks(id: string, blockIds: string[]): Promise<Report> {
  return request<Report>(`${reportPath(id)}/blocks/order`, { method: "PUT", body: { block_ids: blockIds } });
}

/** The report rendered on the server: a self-contained HTML file (charts inlined as SVG) or a PDF. */
export function exportReport(id: string, format: "html" | "pdf", signal?: AbortSignal): Promise<Blob> {
  return requestBlob(`${reportPath(id)}/export.${format}`, { signal });
}

export function shareReport(id: string): Promise<ShareLink> {
  return request<ShareLink>(`${reportPath(id)}/share`, { method: "POST" });
}

export function unshareReport(id: string): Promise<void> {
  return request<void>(`${reportPath(id)}/share`, { method: "DELETE" });
}

// ---- Public, no login: /api/v1/shared/reports/{token} ----
const sharedPath = (token: string) => `/api/v1/shared/reports/${encodeURIComponent(token)}`;

/** The shared report as JSON: title, dataset name and every block resolved (chart specs with rows, text as HTML). */
export interface SharedReport {
  id: string;
  title: string;
  dataset: { id: string; filename: string; n_rows?: number; n_columns?: number };
  blocks: (ReportBlock & Record<string, unknown>)[];
  created_at?: string;
  updated_at?: string;
}

export function getSharedReport(token: string, signal?: AbortSignal): Promise<SharedReport> {
  return request<SharedReport>(sharedPath(token), { signal });
}

export function getSharedReportHtml(token: string, signal?: AbortSignal): Promise<Blob> {
  return requestBlob(`${sharedPath(token)}/export.html`, { signal });
}
