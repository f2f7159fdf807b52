import { act, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UploadDropzone } from "./UploadDropzone";

/** A stand-in XMLHttpRequest the test drives: progress events, then the server's answer. */
class FakeXhr {
  static last: FakeXhr | null = null;
  upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  statusText = "";
  responseText = "";
  headers: Record<string, string> = {};
  method = "";
  url = "";
  body: FormData | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

afterEach(() => vi.unstubAllGlobals());

function chooseFile(name: string, text: string) {
  const file = new File([text], name, { type: "text/csv" });
  fireEvent.change(screen.getByLabelText("Choose a file to upload"), { target: { files: [file] } });
  return file;
}

describe("UploadDropzone", () => {
  it("shows upload progress, then hands the created dataset over", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    const onUploaded = vi.fn();
    render(<UploadDropzone onUploaded={onUploaded} />);
    const file = chooseFile("cars.csv", "a,b\n1,2\n");
    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe("/api/v1/datasets");
    expect((xhr.body!.get("file") as File).name).toBe(file.name);

    act(() => xhr.progress(512, 1024));
    expect(screen.getByRole("progressbar", { name: "Uploading cars.csv" }).getAttribute("aria-valuenow")).toBe("50");

    await act(async () => xhr.respond(201, { id: "d1", filename: "cars.csv" }));
    expect(onUploaded).toHaveBeenCalledWith({ id: "d1", filename: "cars.csv" });
    expect(screen.queryByRole("progressbar")).toBeNull();
  });

  it("puts the server's reason into words when it refuses the file", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    const onUploaded = vi.fn();
    render(<UploadDropzone onUploaded={onUploaded} />);
    chooseFile("notes.pdf", "%PDF");
    await act(async () =>
      FakeXhr.last!.respond(422, {
        type: "/problems/invalid-input",
        title: "Unprocessable Entity",
        status: 422,
        detail: "Unsupported file type '.pdf'.",
        errors: { file: ["Use CSV, TSV, JSON or JSON Lines."] },
      }),
    );
    expect(onUploaded).not.toHaveBeenCalled();
    expect(screen.getByText(/Upload of notes\.pdf failed/)).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toBe("Unsupported file type '.pdf'. file: Use CSV, TSV, JSON or JSON Lines.");
  });
});
