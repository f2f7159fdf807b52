/**
 * Names for the API's shapes. Those on main come from the generated OpenAPI types (schema.d.ts, `npm run openapi`);
 * output schemas mark every field optional, so we state which the server always sends.
 * Shapes of endpoints still being built on the backend are written from the contract and marked "contract".
 */
import type { components } from "./schema";

type Schemas = components["schemas"];
type Sent<T, K extends keyof T> = Omit<T, K> & { readonly [P in K]-?: Exclude<T[P], undefined> };

export type User = Sent<Schemas["User"], "id" | "username">;
export type Registration = Schemas["Registration"];
export type Token = Schemas["Token"];
export type Credentials = Schemas["Credentials"];
export type Column = Schemas["Column"];
export type ColumnType = Column["type"];
export type Dataset = Sent<
  Schemas["Dataset"],
  "id" | "filename" | "format" | "size_bytes" | "n_rows" | "n_columns" | "columns" | "created_at"
>;
export type Rows = Schemas["Rows"] & { items: Record<string, unknown>[] };
export type Chart = Sent<Schemas["Chart"], "id" | "dataset_id" | "title" | "spec" | "created_at">;
export type ChartCreate = Schemas["ChartCreate"];
export type ChartUpdate = Schemas["ChartUpdate"];
export type JobStatus = NonNullable<Schemas["Job"]["status"]>;
export type Progress = Schemas["Progress"];
export type JobError = Schemas["JobError"];
export type MetricPoint = { step?: number; phase?: string } & Record<string, unknown>;
export type Job = Omit<Sent<Schemas["Job"], "id" | "kind" | "status" | "created_at">, "metrics" | "live" | "result"> & {
  metrics?: MetricPoint[];
  live?: Record<string, unknown> | null;
  result?: JobResult;
};
export type Model = Sent<Schemas["Model"], "id" | "kind" | "version" | "created_at">;
export type Recommendation = Schemas["Recommendation"];
export type RecommendationList = Schemas["RecommendationList"];
export type RecommendationArgs = Partial<Schemas["RecommendationArgs"]>;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export const FINISHED_STATUSES: readonly JobStatus[] = ["succeeded", "failed", "cancelled", "interrupted"];
export const isFinished = (status: JobStatus | string | undefined): boolean =>
  FINISHED_STATUSES.includes(status as JobStatus);

/** Job result links (dataset_id, model_id) plus kind-specific summaries. */
export interface JobResult {
  dataset_id?: string;
  model_id?: string;
  [key: string]: unknown;
}

// ---- Imputation: POST /api/v1/datasets/{id}/imputations ----
export const IMPUTATION_METHODS = ["auto", "brits", "naomi", "linear", "time", "seasonal", "locf", "mean"] as const;
export type ImputationMethod = NonNullable<Schemas["ImputationCreate"]["method"]>;
export const TRAINED_METHODS: readonly ImputationMethod[] = ["brits", "naomi"];
/** Every field has a server default. */
export type ImputationRequest = Partial<Schemas["ImputationCreate"]>;

/** The job's `live` payload (each epoch for BRITS/NAOMI, once at the end otherwise): the current imputed series. */
export interface ImputationLive {
  time_column: string | null;
  index: (string | number)[];
  columns: Record<string, { values: (number | null)[]; imputed: boolean[] }>;
  downsampled_from?: number;
}

// ---- Synthesis: POST /api/v1/datasets/{id}/synthesizers, /models/{id}/samples, /models/{id}/evaluations ----
export type SynthesizerRequest = Partial<Schemas["SynthesizerCreate"]>;
export type SampleRequest = Partial<Schemas["SampleCreate"]>;
export type EvaluationRequest = Partial<Schemas["EvaluationCreate"]>;

export type Points2D = [number, number][];
export interface Spread {
  mean: number;
  std: number;
  runs: number[];
}
/** One measure of the synthesis scorecard (models/timegan/quality.py); every one is lower-is-better. */
export interface ScorecardMeasure {
  name: string;
  label: string;
  description: string;
  structure: boolean;
}
/** Every measure for the model, the held-out real floor and each trivial fake, and the verdict per measure. */
export interface Scorecard {
  n_windows: { reference: number; per_candidate: number };
  scaled_by_real_range: boolean;
  measures: ScorecardMeasure[];
  /** "model", "heldout_real", then the fakes ("time_shuffled", "feature_bootstrap", "ar1"). */
  candidates: string[];
  scores: Record<string, Record<string, Spread | null>>;
  verdict: Record<string, { beats: Record<string, boolean>; flagged: boolean; floor: number | null }>;
  autocorrelation: { lags: number[]; features: { feature: string; real: number[]; synthetic: number[] }[] };
}
/** The `timegan_evaluation` job's result. */
export interface EvaluationResult {
  scorecard?: Scorecard;
  model_id?: string;
  n_windows?: number;
  discriminative_score?: Spread;
  predictive_score?: Spread;
  pca?: { real: Points2D; synthetic: Points2D; explained_variance_ratio?: number[] };
  tsne?: { real: Points2D; synthetic: Points2D };
  distributions?: Record<string, unknown>;
  [key: string]: unknown;
}

// ---- Server-Sent Events of GET /api/v1/jobs/{id}/events ----
export interface JobUpdateEvent {
  job_id: string;
  seq: number;
  status: JobStatus;
  progress?: Progress;
  metrics?: MetricPoint[];
  live?: Record<string, unknown>;
}

export interface JobEndEvent {
  job_id: string;
  status: JobStatus;
  result?: JobResult | null;
  error?: JobError | null;
}
