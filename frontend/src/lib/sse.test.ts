import { describe, expect, it } from "vitest";
import { SseParser } from "./sse";

describe("SseParser", () => {
  it("parses events split at arbitrary chunk boundaries", () => {
    const stream = 'id: 1\ndata: {"seq": 1}\n\nid: 2\ndata: {"seq": 2}\n\nevent: end\ndata: {"status": "succeeded"}\n\n';
    for (let size = 1; size <= stream.length; size += 3) {
      const parser = new SseParser();
      const messages = [];
      for (let i = 0; i < stream.length; i += size) messages.push(...parser.push(stream.slice(i, i + size)));
      expect(messages.map((m) => [m.event, JSON.parse(m.data), m.id])).toEqual([
        ["message", { seq: 1 }, "1"],
        ["message", { seq: 2 }, "2"],
        ["end", { status: "succeeded" }, "2"],
      ]);
    }
  });

  it("joins multi-line data, skips comments and handles CRLF split between chunks", () => {
    const parser = new SseParser();
    const out = [
      ...parser.push(": keep-alive\r"),
      ...parser.push("\ndata: first\r"),
      ...parser.push("\ndata:second\r\n\r\n"),
    ];
    expect(out).toHaveLength(1);
    expect(out[0].data).toBe("first\nsecond");
    expect(out[0].event).toBe("message");
  });

  it("does not dispatch an event without data, and keeps an incomplete event buffered", () => {
    const parser = new SseParser();
    expect(parser.push("event: end\n\n")).toEqual([]);
    expect(parser.push("data: partial")).toEqual([]);
    expect(parser.push("\n\n")).toEqual([{ event: "message", data: "partial", id: null }]);
  });

  it("remembers the last id for Last-Event-ID and reads retry", () => {
    const parser = new SseParser();
    const [message] = parser.push("retry: 2500\nid: 41\ndata: x\n\n");
    expect(message.retry).toBe(2500);
    expect(parser.lastEventId).toBe("41");
  });
});
