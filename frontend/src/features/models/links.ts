/** The studio page that follows a job training a model of `kind` on `datasetId` (live losses, result), or the jobs list. */
export function trainingJobLink(kind: string | undefined, datasetId: string | null | undefined, jobId: string): string {
  if (datasetId && kind === "timegan") return `/datasets/${datasetId}/synthesize?job=${jobId}`;
  if (datasetId && kind && ["brits", "naomi", "imputation_auto"].includes(kind)) return `/datasets/${datasetId}/impute?job=${jobId}`;
  return "/jobs";
}
