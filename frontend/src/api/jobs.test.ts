import { afterEach, describe, expect, it, vi } from "vitest";
import { streamJobEvents } from "./jobs";
import { setToken } from "./client";

function sseResponse(chunks: string[]) {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

describe("streamJobEvents", () => {
  it("delivers updates then the end event, with the token and Last-Event-ID sent", async () => {
    const fetchMock = vi.fn().mockResolvedValue(
      sseResponse([
        'id: 3\ndata: {"job_id":"j","seq":3,"status":"running","progress":{"step":1},"metrics":[{"step":1,"loss":0.5}],"li',
        've":{"w":1}}\n\nid: 4\ndata: {"job_id":"j","seq":4,"status":"running","metrics":[]}\n\n',
        'event: end\ndata: {"job_id":"j","status":"succeeded","result":{"model_id":"m"},"error":null}\n\n',
      ]),
    );
    vi.stubGlobal("fetch", fetchMock);
    setToken("abc");
    const updates: number[] = [];
    const ends: string[] = [];
    const outcome = await streamJobEvents(
      "j",
      { onUpdate: (e) => updates.push(e.seq), onEnd: (e) => ends.push(e.status) },
      { lastEventId: "2" },
    );
    expect(updates).toEqual([3, 4]);
    expect(ends).toEqual(["succeeded"]);
    expect(outcome).toEqual({ lastEventId: "4", ended: true });
    const init = fetchMock.mock.calls[0][1];
    expect(init.headers.Authorization).toBe("Bearer abc");
    expect(init.headers["Last-Event-ID"]).toBe("2");
  });

  it("reports a dropped stream as not ended, keeping the last id for the reconnect", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(sseResponse(['id: 7\ndata: {"job_id":"j","seq":7,"status":"running"}\n\n'])));
    const outcome = await streamJobEvents("j", { onUpdate: () => undefined, onEnd: () => undefined });
    expect(outcome).toEqual({ lastEventId: "7", ended: false });
  });

  it("waits for the reload on a gap before it delivers the next event", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn().mockResolvedValue(
        sseResponse([
          'event: gap\ndata: {"job_id":"j","oldest_seq":40}\n\n',
          'id: 40\ndata: {"job_id":"j","seq":40,"status":"running"}\n\n',
        ]),
      ),
    );
    const order: string[] = [];
    const outcome = await streamJobEvents("j", {
      onUpdate: (e) => order.push(`update ${e.seq}`),
      onEnd: () => undefined,
      onGap: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        order.push("reloaded");
      },
    }, { lastEventId: "3" });
    expect(order).toEqual(["reloaded", "update 40"]);
    expect(outcome).toEqual({ lastEventId: "40", ended: false });
  });

  it("throws the problem when the job is not there", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn().mockResolvedValue(new Response(JSON.stringify({ status: 404, title: "Not Found", detail: "No such job." }), { status: 404 })),
    );
    await expect(streamJobEvents("nope", { onUpdate: () => undefined, onEnd: () => undefined })).rejects.toThrow("No such job.");
  });
});
