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
export type Job = Omit<Sent<Schemas["Job"], "id" | "kind" | "status" | "created_at">, "metrics"> & { metrics?: MetricPoint[] };

/** Each built-in kind's params, live payload and result, as the OpenAPI document describes them. */
interface JobKinds {
  imputation: { params: Schemas["ImputationJobParams"]; live: Schemas["ImputationLive"]; result: Schemas["ImputationResult"] };
  timegan_training: { params: Schemas["TimeGANTrainingParams"]; live: never; result: Schemas["TimeGANTrainingResult"] };
  timegan_evaluation: { params: Schemas["TimeGANEvaluationParams"]; live: never; result: Schemas["TimeGANEvaluationResult"] };
}
export type JobKind = keyof JobKinds;
/** A job of one built-in kind: its payloads in that kind's shapes (the result is an empty object until it succeeds). */
export type JobOf<K extends JobKind> = Omit<Job, "kind" | "params" | "live" | "result"> & {
  kind: K;
  params?: JobKinds[K]["params"];
  live?: JobKinds[K]["live"] | null;
  result?: Partial<JobKinds[K]["result"]>;
};
/** Narrows a job by its kind: the server sends each kind's payloads in that kind's documented shapes. */
export const isJobOf = <K extends JobKind>(job: Job | null | undefined, kind: K): job is JobOf<K> => job?.kind === kind;

/** The dataset a job made (imputation, or a kind added by JOB_EXTRA_KINDS that reports one). */
export function resultDatasetId(job: Job): string | undefined {
  const made = job.result && "dataset_id" in job.result ? job.result.dataset_id : undefined;
  return typeof made === "string" ? made : undefined;
}
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

// ---- Imputation: POST /api/v1/datasets/{id}/imputations ----
export const IMPUTATION_METHODS = ["auto", "brits", "naomi", "kalman", "linear", "time", "seasonal", "locf", "mean"] as const;
export type ImputationMethod = NonNullable<Schemas["ImputationCreate"]["method"]>;
export const TRAINED_METHODS: readonly ImputationMethod[] = ["brits", "naomi"];
/** Every field has a server default. */
export type ImputationRequest = Partial<Schemas["ImputationCreate"]>;

/** The job's `live` payload (each epoch for BRITS/NAOMI, once at the end otherwise): the current imputed series. */
export type ImputationLive = Schemas["ImputationLive"];

// ---- Synthesis: POST /api/v1/datasets/{id}/synthesizers, /models/{id}/samples, /models/{id}/evaluations ----
export type SynthesizerRequest = Partial<Schemas["SynthesizerCreate"]>;
export type SampleRequest = Partial<Schemas["SampleCreate"]>;
export type EvaluationRequest = Partial<Schemas["EvaluationCreate"]>;

export type Spread = Schemas["Spread"];
/** A score the server may not have measured: null, or an empty object (how a missing nested score is dumped). */
export type MaybeSpread = Schemas["TimeGANEvaluationResult"]["discriminative_score"];
export const isSpread = (score: MaybeSpread | undefined): score is Spread => Boolean(score && "mean" in score);
/** Every measure for the model, the held-out real floor and each trivial fake, and the verdict per measure. */
export type Scorecard = Schemas["Scorecard"];
/** The `timegan_evaluation` job's result. */
export type EvaluationResult = Schemas["TimeGANEvaluationResult"];

// ---- Server-Sent Events of GET /api/v1/jobs/{id}/events ----
export interface JobUpdateEvent {
  job_id: string;
  seq: number;
  status: JobStatus;
  progress?: Progress;
  metrics?: MetricPoint[];
  live?: Job["live"];
}

export interface JobEndEvent {
  job_id: string;
  status: JobStatus;
  result?: Job["result"] | null;
  error?: JobError | null;
}
