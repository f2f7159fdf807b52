/**
 * An incremental Server-Sent Events parser (the WHATWG "event stream interpretation"), for streams read with
 * fetch(): EventSource cannot send the bearer token. Feed it text chunks as they arrive, in any split.
 */

export interface SseMessage {
  /** "message" unless the server named it with `event:`. */
  event: string;
  data: string;
  /** The last `id:` seen so far (the spec's "last event ID"), to resume with Last-Event-ID. */
  id: string | null;
  retry?: number;
}

export class SseParser {
  private buffer = "";
  private eventType = "";
  private dataLines: string[] = [];
  private lastId: string | null = null;
  private retry: number | undefined;
  private sawCarriageReturn = false;

  /** Parses `chunk` and returns the messages it completes. */
  push(chunk: string): SseMessage[] {
    let text = chunk;
    // A CRLF split across chunks: the LF belongs to a line already ended by the CR.
    if (this.sawCarriageReturn && text.startsWith("\n")) text = text.slice(1);
    this.sawCarriageReturn = text.endsWith("\r");
    this.buffer += text;
    const messages: SseMessage[] = [];
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? "";
    for (const line of lines) {
      const message = this.processLine(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  get lastEventId(): string | null {
    return this.lastId;
  }

  private processLine(line: string): SseMessage | null {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return null; // comment (keep-alive)
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.dataLines.push(value);
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
    return null;
  }

  private dispatch(): SseMessage | null {
    if (this.dataLines.length === 0) {
      this.eventType = "";
      return null;
    }
    const message: SseMessage = {
      event: this.eventType || "message",
      data: this.dataLines.join("\n"),
      id: this.lastId,
      ...(this.retry !== undefined ? { retry: this.retry } : {}),
    };
    this.eventType = "";
    this.dataLines = [];
    return message;
  }
}
