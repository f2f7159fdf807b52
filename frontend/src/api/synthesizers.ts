import { request } from "./client";
import { datasetPath } from "./datasets";
import type { Job, SynthesizerRequest } from "./types";

/** Starts TimeGAN training (202); progress.phase is embedding, supervised or joint. */
export function startSynthesizer(datasetId: string, body: SynthesizerRequest): Promise<Job> {
  return request<Job>(`${datasetPath(datasetId)}/synthesizers`, { method: "POST", body });
}
