import type { Job, JobEndEvent, JobUpdateEvent, MetricPoint } from "../../api/types";

const pointKey = (p: MetricPoint) => `${p.phase ?? ""}:${p.step ?? ""}`;

/**
 * Adds metric points to a history, replacing a point with the same (phase, step): the event stream replays
 * events the snapshot from GET /jobs/{id} may already hold.
 */
export function mergeMetrics(history: readonly MetricPoint[], points: readonly MetricPoint[]): MetricPoint[] {
  if (points.length === 0) return history as MetricPoint[];
  const merged = [...history];
  const positions = new Map(merged.map((p, i) => [pointKey(p), i]));
  for (const point of points) {
    const at = positions.get(pointKey(point));
    if (at === undefined) {
      positions.set(pointKey(point), merged.length);
      merged.push(point);
    } else {
      merged[at] = point;
    }
  }
  return merged;
}

/** The job after one SSE update. */
export function applyJobUpdate(job: Job, event: JobUpdateEvent): Job {
  return {
    ...job,
    status: event.status ?? job.status,
    progress: event.progress ?? job.progress,
    metrics: mergeMetrics(job.metrics ?? [], event.metrics ?? []),
    live: event.live ?? job.live,
  };
}

/** The job after the final `end` event (a fresh GET follows for the full record). */
export function applyJobEnd(job: Job, event: JobEndEvent): Job {
  return { ...job, status: event.status, result: event.result ?? job.result, error: event.error ?? null };
}
