import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ModelRecord } from "../../api/models";
import { StatusActions } from "./StatusActions";

const base = { id: "m1", kind: "timegan", version: "timegan_abc_1", created_at: "2026-01-01T00:00:00Z" } as ModelRecord;

function Harness({ initial }: { initial: ModelRecord }) {
  const [model, setModel] = useState(initial);
  return <StatusActions model={model} onChanged={setModel} />;
}

afterEach(() => vi.unstubAllGlobals());

describe("StatusActions", () => {
  it("promotes a candidate with a PATCH and then offers the production model's moves", async () => {
    const fetchMock = vi.fn(async (_url: string, init: RequestInit) =>
      new Response(JSON.stringify({ ...base, ...JSON.parse(String(init.body)) }), { status: 200 }),
    );
    vi.stubGlobal("fetch", fetchMock);
    render(<Harness initial={base} />);
    // A record without status reads as a candidate.
    expect(screen.getByTestId("model-status").textContent).toBe("candidate");
    expect(screen.queryByRole("button", { name: "Back to candidate" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Promote to production" }));
    expect(await screen.findByRole("button", { name: "Back to candidate" })).toBeTruthy();
    expect(screen.getByTestId("model-status").textContent).toBe("production");
    expect(screen.queryByRole("button", { name: "Promote to production" })).toBeNull();
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/api/v1/models/m1");
    expect(init.method).toBe("PATCH");
    expect(JSON.parse(String(init.body))).toEqual({ status: "production" });
  });

  it("shows the server's refusal and keeps the status", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ status: 422, title: "Unprocessable", detail: "Not a status." }), { status: 422 })),
    );
    render(<Harness initial={{ ...base, status: "archived" }} />);
    await userEvent.click(screen.getByRole("button", { name: "Back to candidate" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Not a status.");
    expect(screen.getByTestId("model-status").textContent).toBe("archived");
  });
});
