import { request } from "./client";
import type { Dataset, EvaluationRequest, Job, Model, Page, SampleRequest } from "./types";

const BASE = "/api/v1/models";

export interface ModelListQuery {
  kind?: string;
  page?: number;
  page_size?: number;
}

export function listModels(query: ModelListQuery = {}, signal?: AbortSignal): Promise<Page<Model>> {
  return request<Page<Model>>(BASE, { query: { ...query }, signal });
}

export function getModel(id: string, signal?: AbortSignal): Promise<Model> {
  return request<Model>(`${BASE}/${encodeURIComponent(id)}`, { signal });
}

export function deleteModel(id: string): Promise<void> {
  return request<void>(`${BASE}/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** Synthetic sequences from a trained TimeGAN, stored as a new dataset (long format). */
export function generateSamples(id: string, body: SampleRequest): Promise<Dataset> {
  return request<Dataset>(`${BASE}/${encodeURIComponent(id)}/samples`, { method: "POST", body });
}

/** Starts the evaluation job (discriminative/predictive scores, PCA and t-SNE). */
export function evaluateModel(id: string, body: EvaluationRequest = {}): Promise<Job> {
  return request<Job>(`${BASE}/${encodeURIComponent(id)}/evaluations`, { method: "POST", body });
}
