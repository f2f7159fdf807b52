import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Chart } from "../../api/types";
import { AddToReportButton } from "./AddToReportButton";

const spec = { mark: "bar", encoding: { x: { field: "Origin", type: "nominal" } } };
const report = (id: string, title: string, blocks: unknown[] = []) => ({ id, dataset_id: "d1", title, blocks, share: null, created_at: "t", updated_at: "t" });
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

function stubApi() {
  const calls: { method: string; path: string; body: unknown }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, path, body });
      if (method === "POST" && path === "/api/v1/charts") return json({ id: "c9", dataset_id: "d1", title: body.title, spec, created_at: "t" }, 201);
      if (method === "GET" && path.startsWith("/api/v1/reports?")) return json({ items: [report("r1", "Fuel"), report("r2", "Power")], total: 2, page: 1, page_size: 100 });
      const add = /^\/api\/v1\/reports\/(r\d)\/blocks$/.exec(path);
      if (method === "POST" && add) return json(report(add[1], add[1] === "r1" ? "Fuel" : "Power", [{ id: "b1", ...body }]), 201);
      return json({ status: 404, title: "Not Found" }, 404);
    }),
  );
  return calls;
}

function renderButton(url: string, saved: Chart | null = null, onSaved = vi.fn()) {
  render(
    <MemoryRouter initialEntries={[url]}>
      <AddToReportButton datasetId="d1" spec={spec} title="Count by origin" saved={saved} onSaved={onSaved} />
    </MemoryRouter>,
  );
  return onSaved;
}

afterEach(() => vi.unstubAllGlobals());

describe("AddToReportButton", () => {
  it("coming from a report's editor, saves the chart first, then appends it to that report", async () => {
    const calls = stubApi();
    const onSaved = renderButton("/datasets/d1/charts?report=r2");
    await userEvent.click(screen.getByRole("button", { name: "Add to report" }));
    expect((await screen.findByRole("status")).textContent).toBe("Added to Power.");
    expect(screen.getByRole("link", { name: "Power" }).getAttribute("href")).toBe("/reports/r2");
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/v1/charts", "POST /api/v1/reports/r2/blocks"]);
    expect(calls[0].body).toEqual({ dataset_id: "d1", spec, title: "Count by origin" });
    expect(calls[1].body).toEqual({ type: "chart", chart_id: "c9" });
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ id: "c9" }));
  });

  it("reuses a chart the card already saved, and lets the user pick the report in a dialog", async () => {
    const calls = stubApi();
    renderButton("/datasets/d1/charts", { id: "c1", dataset_id: "d1", title: "Count by origin", spec, created_at: "t" });
    await userEvent.click(screen.getByRole("button", { name: "Add to report" }));
    const dialog = await screen.findByRole("dialog", { name: "Add to a report" });
    await userEvent.click(await screen.findByRole("button", { name: "Fuel" }));
    await waitFor(() => expect(dialog.isConnected).toBe(false));
    expect((await screen.findByRole("status")).textContent).toBe("Added to Fuel.");
    expect(calls.filter((c) => c.method === "POST").map((c) => [c.path, c.body])).toEqual([["/api/v1/reports/r1/blocks", { type: "chart", chart_id: "c1" }]]);
    expect(calls.find((c) => c.method === "GET")?.path).toBe("/api/v1/reports?dataset_id=d1&page_size=100");
  });

  it("shows the server's problem when the report refuses the chart", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json({ status: 422, title: "Unprocessable", detail: "The chart is not of this report's dataset." }, 422)),
    );
    renderButton("/datasets/d1/charts?report=r1", { id: "c1", dataset_id: "d1", title: "t", spec, created_at: "t" });
    await userEvent.click(screen.getByRole("button", { name: "Add to report" }));
    expect((await screen.findByRole("alert")).textContent).toContain("The chart is not of this report's dataset.");
    expect(screen.queryByRole("status")).toBeNull();
  });
});
