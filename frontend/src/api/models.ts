import { request, requestBlob } from "./client";
import type { components } from "./schema";
import type { Dataset, EvaluationRequest, Job, Model, Page, SampleRequest } from "./types";

const BASE = "/api/v1/models";

/** The kinds the jobs register (synthesis: timegan; imputation: brits, naomi, the auto method's pick). */
export const MODEL_KINDS = ["timegan", "brits", "naomi", "imputation_auto"] as const;
export const MODEL_STATUSES = ["candidate", "production", "archived"] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];
export const MODEL_SORTS = ["-created_at", "created_at", "-version", "version"] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];
/** Kinds that can fill another dataset without training (POST /models/{id}/fill). */
export const IMPUTER_KINDS: readonly string[] = ["brits", "naomi"];

type Schemas = components["schemas"];
type Sent<T, K extends keyof T> = Omit<T, K> & { readonly [P in K]-?: Exclude<T[P], undefined> };

export type ArtifactFile = Required<Schemas["ArtifactFile"]>;
/** Rows/columns/windows a split used, as far as the training code knows them. */
export type DataSplit = Record<string, unknown>;
/** A model's record with the issue-19 fields (project, status, data used, history, artifact files, lineage). */
export type ModelRecord = Omit<Model, "artifact_files"> & { artifact_files?: ArtifactFile[] };
export type History = NonNullable<Schemas["Model"]["history"]>;

export interface ModelListQuery {
  kind?: string;
  project_id?: string;
  status?: string;
  dataset_id?: string;
  sort?: ModelSort;
  page?: number;
  page_size?: number;
}

export function listModels(query: ModelListQuery = {}, signal?: AbortSignal): Promise<Page<ModelRecord>> {
  return request<Page<ModelRecord>>(BASE, { query: { ...query }, signal });
}

export function getModel(id: string, signal?: AbortSignal): Promise<ModelRecord> {
  return request<ModelRecord>(`${BASE}/${encodeURIComponent(id)}`, { signal });
}

export function deleteModel(id: string): Promise<void> {
  return request<void>(`${BASE}/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** Promoting to production demotes the project's previous production model of the kind (server rule). */
export function setModelStatus(id: string, status: ModelStatus): Promise<ModelRecord> {
  return request<ModelRecord>(`${BASE}/${encodeURIComponent(id)}`, { method: "PATCH", body: { status } });
}

export function downloadArtifact(id: string, name: string): Promise<Blob> {
  return requestBlob(`${BASE}/${encodeURIComponent(id)}/artifacts/${encodeURIComponent(name)}`);
}

export type ComparedModel = Sent<Schemas["ComparedModel"], "id" | "version">;

export interface Comparison {
  kind: string;
  models: ComparedModel[];
}

/** 2-5 of the caller's models of one kind; mixed kinds -> 422 with the server's message. */
export function compareModels(ids: string[], signal?: AbortSignal): Promise<Comparison> {
  return request<Comparison>(`${BASE}/compare`, { query: { ids: ids.join(",") }, signal });
}

/** Same kind and params on another dataset, as a job; its success registers the next version. */
export function retrainModel(id: string, datasetId: string): Promise<Job> {
  return request<Job>(`${BASE}/${encodeURIComponent(id)}/retrain`, { method: "POST", body: { dataset_id: datasetId } });
}

/** One retrain of a batch: its job, or the problem ({status, title, detail}) that kept it from starting. */
export type BatchItem = Sent<Schemas["RetrainItem"], "model_id" | "dataset_id">;
export type RetrainBatch = Omit<Sent<Schemas["RetrainBatch"], "id">, "items"> & { items: BatchItem[] };
export type BatchRequest = { model_id: string; dataset_ids: string[] } | { project_id: string };

/** Each item starts on its own: one refused by the user's limits is reported in its item, not as a failure of all. */
export function retrainBatch(body: BatchRequest): Promise<RetrainBatch> {
  return request<RetrainBatch>(`${BASE}/retrain-batch`, { method: "POST", body });
}

/** The kinds the caller has models of (the kind filter adds them to the known ones). */
export async function listModelKinds(signal?: AbortSignal): Promise<string[]> {
  return (await request<Schemas["ModelKinds"]>(`${BASE}/kinds`, { signal })).kinds ?? [];
}

export function getRetrainBatch(id: string, signal?: AbortSignal): Promise<RetrainBatch> {
  return request<RetrainBatch>(`${BASE}/retrain-batch/${encodeURIComponent(id)}`, { signal });
}

/** A trained imputer fills another dataset (same columns) without training: an imputation-like job. */
export function fillWithModel(id: string, datasetId: string): Promise<Job> {
  return request<Job>(`${BASE}/${encodeURIComponent(id)}/fill`, { method: "POST", body: { dataset_id: datasetId } });
}

/** Synthetic sequences from a trained TimeGAN, stored as a new dataset (long format). */
export function generateSamples(id: string, body: SampleRequest): Promise<Dataset> {
  return request<Dataset>(`${BASE}/${encodeURIComponent(id)}/samples`, { method: "POST", body });
}

/** Starts the evaluation job (discriminative/predictive scores, PCA and t-SNE). */
export function evaluateModel(id: string, body: EvaluationRequest = {}): Promise<Job> {
  return request<Job>(`${BASE}/${encodeURIComponent(id)}/evaluations`, { method: "POST", body });
}
