import { useCallback, useEffect, useRef, useState } from "react";
import { getJob, streamJobEvents } from "../../api/jobs";
import { isFinished, type Job } from "../../api/types";
import { applyJobEnd, applyJobUpdate } from "./jobState";

export interface LiveJob {
  job: Job | null;
  error: unknown;
  /** Updates received over the event stream that carried a live payload. */
  liveUpdates: number;
  /** Re-subscribe (after resume: the job runs again under the same id). */
  follow: (job?: Job) => void;
  setJob: (job: Job) => void;
}

const RECONNECT_MS = 1000;

/** A job kept current through its Server-Sent Events, reconnecting with Last-Event-ID when the stream drops. */
export function useJob(jobId: string | null | undefined): LiveJob {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [liveUpdates, setLiveUpdates] = useState(0);
  const [generation, setGeneration] = useState(0);
  const seeded = useRef<Job | null>(null);

  useEffect(() => {
    if (!jobId) return;
    const controller = new AbortController();
    const { signal } = controller;
    const run = async () => {
      try {
        let current = seeded.current?.id === jobId ? seeded.current : await getJob(jobId, signal);
        seeded.current = null;
        setJob(current);
        setError(null);
        let lastEventId: string | null = null;
        while (!signal.aborted && !isFinished(current.status)) {
          try {
            const outcome = await streamJobEvents(
              jobId,
              {
                onUpdate: (event) => {
                  current = applyJobUpdate(current, event);
                  setJob(current);
                  if (event.live) setLiveUpdates((n) => n + 1);
                },
                onEnd: (event) => {
                  current = applyJobEnd(current, event);
                  setJob(current);
                },
                onGap: async () => {
                  current = await getJob(jobId, signal);
                  setJob(current);
                },
              },
              { signal, lastEventId },
            );
            lastEventId = outcome.lastEventId;
            if (outcome.ended) break;
          } catch (err) {
            if (signal.aborted) return;
            setError(err);
          }
          await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
        }
        if (!signal.aborted) {
          // The full record: metrics history, result summary (evidence, scores), checkpoint.
          setJob(await getJob(jobId, signal));
          setError(null);
        }
      } catch (err) {
        if (!signal.aborted) setError(err);
      }
    };
    void run();
    return () => controller.abort();
  }, [jobId, generation]);

  const follow = useCallback((next?: Job) => {
    if (next) {
      seeded.current = next;
      setJob(next);
    }
    setGeneration((g) => g + 1);
  }, []);

  // The job of another id (the previous one, until this one has loaded) is not this hook's job.
  return { job: job && job.id === jobId ? job : null, error, liveUpdates, follow, setJob };
}
