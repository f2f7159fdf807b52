import { request, requestBlob, uploadWithProgress, type UploadProgress } from "./client";
import type { Dataset, Page, Rows } from "./types";

const BASE = "/api/v1/datasets";

/** The path of one dataset; its sub-resources (rows, file, imputations, synthesizers) hang below it. */
export const datasetPath = (id: string): string => `${BASE}/${encodeURIComponent(id)}`;

export interface DatasetListQuery {
  page?: number;
  page_size?: number;
  q?: string;
  /** A project's id, or "default" for datasets outside every named project. */
  project_id?: string;
}

export function listDatasets(query: DatasetListQuery = {}, signal?: AbortSignal): Promise<Page<Dataset>> {
  return request<Page<Dataset>>(BASE, { query: { ...query }, signal });
}

export function uploadDataset(
  file: File,
  onProgress?: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<Dataset> {
  const form = new FormData();
  form.append("file", file, file.name);
  return uploadWithProgress<Dataset>(BASE, form, onProgress, signal);
}

export function getDataset(id: string, signal?: AbortSignal): Promise<Dataset> {
  return request<Dataset>(datasetPath(id), { signal });
}

export function deleteDataset(id: string): Promise<void> {
  return request<void>(datasetPath(id), { method: "DELETE" });
}

export function getDatasetRows(id: string, offset = 0, limit = 100, signal?: AbortSignal): Promise<Rows> {
  return request<Rows>(`${datasetPath(id)}/rows`, { query: { offset, limit }, signal });
}

/** The original bytes, as uploaded (or as the job wrote them). */
export function downloadDatasetFile(id: string): Promise<Blob> {
  return requestBlob(`${datasetPath(id)}/file`);
}
