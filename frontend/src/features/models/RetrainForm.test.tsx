import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ModelRecord } from "../../api/models";
import type { Dataset } from "../../api/types";
import { RetrainForm } from "./RetrainForm";

const model = { id: "m1", kind: "timegan", version: "timegan_abc_1", created_at: "" } as ModelRecord;
const datasets = [{ id: "d2", filename: "second.csv" }] as Dataset[];

afterEach(() => vi.unstubAllGlobals());

function renderForm() {
  render(
    <MemoryRouter>
      <RetrainForm model={model} datasets={datasets} />
    </MemoryRouter>,
  );
}

describe("RetrainForm", () => {
  it("starts retraining on the chosen dataset and links to the job's studio", async () => {
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) =>
      new Response(JSON.stringify({ id: "j1", kind: "timegan_training", status: "queued", created_at: "" }), { status: 202 }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderForm();
    const start = screen.getByRole("button", { name: "Start retraining" });
    expect(start).toHaveProperty("disabled", true);
    await userEvent.selectOptions(screen.getByLabelText("Dataset"), "d2");
    await userEvent.click(start);
    expect((await screen.findByRole("link", { name: "follow the job" })).getAttribute("href")).toBe("/datasets/d2/synthesize?job=j1");
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/api/v1/models/m1/retrain");
    expect(JSON.parse(String(init.body))).toEqual({ dataset_id: "d2" });
  });

  it("shows a refusal by the user's limits in words", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ status: 429, title: "Too Many Requests", detail: "You already have 4 jobs running." }), { status: 429 })),
    );
    renderForm();
    await userEvent.selectOptions(screen.getByLabelText("Dataset"), "d2");
    await userEvent.click(screen.getByRole("button", { name: "Start retraining" }));
    expect((await screen.findByRole("alert")).textContent).toContain("4 jobs running");
    expect(screen.queryByRole("link", { name: "follow the job" })).toBeNull();
  });
});
