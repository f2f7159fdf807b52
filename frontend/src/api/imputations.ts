import { request } from "./client";
import { datasetPath } from "./datasets";
import type { ImputationRequest, Job } from "./types";

/** Starts an imputation job (202); its `live` payload carries the current imputed series each epoch. */
export function startImputation(datasetId: string, body: ImputationRequest): Promise<Job> {
  return request<Job>(`${datasetPath(datasetId)}/imputations`, { method: "POST", body });
}
