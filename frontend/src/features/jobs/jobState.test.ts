import { describe, expect, it } from "vitest";
import type { Job } from "../../api/types";
import { applyJobEnd, applyJobUpdate, mergeMetrics } from "./jobState";

const job: Job = { id: "j", kind: "imputation", status: "running", created_at: "", metrics: [{ step: 1, loss: 1 }], live: null };

describe("job updates", () => {
  it("does not duplicate a metric point the snapshot already had (SSE replay)", () => {
    const merged = mergeMetrics([{ step: 1, loss: 1 }], [{ step: 1, loss: 1 }, { step: 2, loss: 0.5 }]);
    expect(merged).toEqual([
      { step: 1, loss: 1 },
      { step: 2, loss: 0.5 },
    ]);
  });

  it("keeps points of different phases with the same step", () => {
    expect(mergeMetrics([{ step: 1, phase: "embedding", e: 1 }], [{ step: 1, phase: "joint", g: 2 }])).toHaveLength(2);
  });

  it("applies progress, metrics and the live payload, then the end", () => {
    const updated = applyJobUpdate(job, {
      job_id: "j",
      seq: 5,
      status: "running",
      progress: { step: 2, total: 10 },
      metrics: [{ step: 2, loss: 0.4 }],
      live: { columns: {} },
    });
    expect(updated.progress).toEqual({ step: 2, total: 10 });
    expect(updated.metrics).toHaveLength(2);
    expect(updated.live).toEqual({ columns: {} });
    const ended = applyJobEnd(updated, { job_id: "j", status: "succeeded", result: { dataset_id: "d2" }, error: null });
    expect(ended.status).toBe("succeeded");
    expect(ended.result).toEqual({ dataset_id: "d2" });
    expect(ended.live).toEqual({ columns: {} });
  });
});
