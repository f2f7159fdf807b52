import { authHeaders, problemFromResponse, request, withQuery } from "./client";
import { SseParser } from "../lib/sse";
import type { Job, JobEndEvent, JobStatus, JobUpdateEvent, Page } from "./types";

const BASE = "/api/v1/jobs";

export interface JobListQuery {
  kind?: string;
  status?: JobStatus;
  page?: number;
  page_size?: number;
}

export function listJobs(query: JobListQuery = {}, signal?: AbortSignal): Promise<Page<Job>> {
  return request<Page<Job>>(BASE, { query: { ...query }, signal });
}

export function getJob(id: string, signal?: AbortSignal): Promise<Job> {
  return request<Job>(`${BASE}/${encodeURIComponent(id)}`, { signal });
}

/** Cooperative stop: at once when queued, within about a second when running. */
export function cancelJob(id: string): Promise<Job> {
  return request<Job>(`${BASE}/${encodeURIComponent(id)}/cancel`, { method: "POST" });
}

/** Train a finished job `epochs` further from its last checkpoint. */
export function resumeJob(id: string, epochs: number): Promise<Job> {
  return request<Job>(`${BASE}/${encodeURIComponent(id)}/resume`, { method: "POST", body: { epochs } });
}

/** Delete a finished job and its checkpoint (409 while queued or running); what it made stays. */
export function deleteJob(id: string): Promise<void> {
  return request<void>(`${BASE}/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export interface JobEventHandlers {
  onUpdate: (event: JobUpdateEvent) => void;
  onEnd: (event: JobEndEvent) => void;
  /** The server no longer has some events after `lastEventId` (it keeps the newest 200): reload the job. */
  onGap?: () => Promise<void>;
}

/**
 * Reads GET /jobs/{id}/events with fetch (EventSource cannot send the token) until `event: end`.
 * Resolves with the last event id seen and whether the end event arrived; a dropped connection resolves
 * with `ended: false` so the caller can reconnect with `lastEventId`.
 */
export async function streamJobEvents(
  id: string,
  handlers: JobEventHandlers,
  options: { signal?: AbortSignal; lastEventId?: string | null } = {},
): Promise<{ lastEventId: string | null; ended: boolean }> {
  const headers: Record<string, string> = { Accept: "text/event-stream", ...authHeaders() };
  if (options.lastEventId) headers["Last-Event-ID"] = options.lastEventId;
  const response = await fetch(withQuery(`${BASE}/${encodeURIComponent(id)}/events`), {
    headers,
    signal: options.signal,
    cache: "no-store",
  });
  if (!response.ok) throw await problemFromResponse(response);
  const parser = new SseParser();
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let lastEventId = options.lastEventId ?? null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { lastEventId, ended: false };
      for (const message of parser.push(value)) {
        if (message.id) lastEventId = message.id;
        const data = JSON.parse(message.data);
        if (message.event === "gap") {
          // Awaited before the next event, which then lands on the reloaded job.
          await handlers.onGap?.();
          continue;
        }
        if (message.event === "end") {
          handlers.onEnd(data as JobEndEvent);
          return { lastEventId, ended: true };
        }
        handlers.onUpdate(data as JobUpdateEvent);
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
