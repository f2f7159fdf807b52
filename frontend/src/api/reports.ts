/** Dataset profiles and data summary reports (issue 18): CRUD, blocks, export, share links, the shared view. */
import { request, requestBlob } from "./client";
import type { components } from "./schema";
import type { Page } from "./types";

type Schemas = components["schemas"];

// ---- GET /api/v1/datasets/{id}/profile ----
export type DatasetProfile = Schemas["Profile"];
export type ColumnProfile = Schemas["ColumnProfile"];
export type ProfileKind = ColumnProfile["kind"];
export type HistogramBin = Schemas["HistogramBin"];
export type NumberProfile = Schemas["NumberStats"];
export type CategoryProfile = Schemas["CategoryStats"];
export type TimeProfile = Schemas["TimeStats"];
export type TextProfile = Schemas["TextStats"];

export function getDatasetProfile(datasetId: string, signal?: AbortSignal): Promise<DatasetProfile> {
  return request<DatasetProfile>(`/api/v1/datasets/${encodeURIComponent(datasetId)}/profile`, { signal });
}

// ---- /api/v1/reports ----
export type ReportBlock = Schemas["Block"];
export type BlockType = ReportBlock["type"];
export type ShareLink = Schemas["Share"];
/** Output schemas mark server-made fields optional; the server always sends them. */
export type Report = Omit<Schemas["Report"], "id" | "created_at" | "updated_at" | "share"> & {
  readonly id: string;
  readonly created_at: string;
  readonly updated_at: string;
  share: ShareLink | null;
};
/** What a new block refers to: one of chart_id, markdown, job_id, model_id by its type; appended without a position. */
export type BlockCreate = Schemas["BlockCreate"];

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

export function createReport(body: Schemas["ReportCreate"]): Promise<Report> {
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
export type SharedReport = Schemas["SharedReport"];

export function getSharedReport(token: string, signal?: AbortSignal): Promise<SharedReport> {
  return request<SharedReport>(sharedPath(token), { signal });
}

export function getSharedReportHtml(token: string, signal?: AbortSignal): Promise<Blob> {
  return requestBlob(`${sharedPath(token)}/export.html`, { signal });
}
