import { request } from "./client";
import type { RecommendationArgs, RecommendationList } from "./types";

const path = (datasetId: string) => `/api/v1/datasets/${encodeURIComponent(datasetId)}/recommendations`;

/** Ranked, valid Vega-Lite charts for a dataset (Data2Vis beam search + rules). */
export function recommendCharts(datasetId: string, args: RecommendationArgs = {}): Promise<RecommendationList> {
  return request<RecommendationList>(path(datasetId), { method: "POST", body: args });
}

/** The last recommendations made for this dataset (404 when there are none yet). */
export function getRecommendations(datasetId: string, signal?: AbortSignal): Promise<RecommendationList> {
  return request<RecommendationList>(path(datasetId), { signal });
}
