import { request } from "./client";
import type { ImputationRequest, Job, SynthesizerRequest } from "./types";

const datasetPath = (id: string) => `/api/v1/datasets/${encodeURIComponent(id)}`;

/** Starts an imputation job (202); its `live` payload carries the current imputed series each epoch. */
export function startImputation(datasetId: string, body: ImputationRequest): Promise<Job> {
  return request<Job>(`${datasetPath(datasetId)}/imputations`, { method: "POST", body });
}

/** Starts TimeGAN training (202); progress.phase is embedding, supervised or joint. */
export function startSynthesizer(datasetId: string, body: SynthesizerRequest): Promise<Job> {
  return request<Job>(`${datasetPath(datasetId)}/synthesizers`, { method: "POST", body });
}
