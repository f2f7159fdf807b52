import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Report, ReportBlock } from "../../api/reports";
import type { Chart, Job, Model } from "../../api/types";
import type { BlockSources } from "./AddBlockPanel";
import { ReportEditorView } from "./ReportEditorView";
import { movedOrder } from "./useReportEditor";

const SCRIPT = "<script>window.__xss=1</script>";
const chart = (id: string, title: string): Chart => ({ id, dataset_id: "d1", title, spec: {}, created_at: "2026-01-01T00:00:00Z" });
const charts = [chart("c1", "mpg by origin"), chart("c2", `horsepower ${SCRIPT}`)];

interface Call {
  method: string;
  path: string;
  body: unknown;
}

/**
 * An in-memory reports API: each call changes the stored report as the server would and answers the whole report.
 * `fail` makes the next matching call answer that problem instead (and change nothing).
 */
function fakeServer(blocks: ReportBlock[]) {
  let report: Report = {
    id: "r1",
    dataset_id: "d1",
    title: "Fuel report",
    blocks,
    share: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  };
  let version = 0;
  let nextBlock = 100;
  const calls: Call[] = [];
  const failures: { match: RegExp; status: number; detail: string }[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  const touch = (changes: Partial<Report>) => {
    version += 1;
    report = { ...report, ...changes, updated_at: `2026-01-01T00:00:${String(version).padStart(2, "0")}Z` };
    return json(report);
  };
  const fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    const path = url.replace(/^https?:\/\/[^/]+/, "");
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    const failure = failures.find((f) => f.match.test(`${method} ${path}`));
    if (failure) {
      failures.splice(failures.indexOf(failure), 1);
      return new Response(JSON.stringify({ status: failure.status, title: "Refused", detail: failure.detail }), {
        status: failure.status,
        headers: { "Content-Type": "application/problem+json" },
      });
    }
    if (method === "GET" && path === "/api/v1/reports/r1/export.html") {
      const text = report.blocks.map((b) => b.markdown ?? b.chart_id ?? b.type).join(" | ");
      return new Response(`<html><body><h1>${report.title}</h1><p>${text}</p><svg></svg></body></html>`, {
        headers: { "Content-Type": "text/html" },
      });
    }
    if (method === "PUT" && path === "/api/v1/reports/r1/blocks/order") {
      const ids = (body as { block_ids: string[] }).block_ids;
      return touch({ blocks: ids.map((id) => report.blocks.find((b) => b.id === id)!) });
    }
    if (method === "POST" && path === "/api/v1/reports/r1/blocks") {
      nextBlock += 1;
      return touch({ blocks: [...report.blocks, { id: `b${nextBlock}`, ...(body as Omit<ReportBlock, "id">) }] });
    }
    const block = /^\/api\/v1\/reports\/r1\/blocks\/([^/]+)$/.exec(path);
    if (block && method === "DELETE") return touch({ blocks: report.blocks.filter((b) => b.id !== block[1]) });
    if (block && method === "PATCH") {
      const markdown = (body as { markdown: string }).markdown;
      return touch({ blocks: report.blocks.map((b) => (b.id === block[1] ? { ...b, markdown } : b)) });
    }
    if (method === "PATCH" && path === "/api/v1/reports/r1") return touch({ title: (body as { title: string }).title });
    if (method === "POST" && path === "/api/v1/reports/r1/share") {
      report = { ...report, share: { token: "tok123", url: "/shared/reports/tok123" } };
      return json(report.share, 201);
    }
    if (method === "DELETE" && path === "/api/v1/reports/r1/share") {
      report = { ...report, share: null };
      return new Response(null, { status: 204 });
    }
    return json({ status: 404, title: "Not Found" }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  return {
    initial: report,
    calls,
    writes: () => calls.filter((c) => c.method !== "GET"),
    exports: () => calls.filter((c) => c.path.endsWith("/export.html")).length,
    failNext: (match: RegExp, status: number, detail: string) => failures.push({ match, status, detail }),
  };
}

function renderEditor(server: ReturnType<typeof fakeServer>, sources: BlockSources = { charts, jobs: [], models: [] }) {
  render(
    <MemoryRouter>
      <ReportEditorView initial={server.initial} sources={sources} datasetName="cars.csv" />
    </MemoryRouter>,
  );
}

const blockLabels = () =>
  within(screen.getByRole("list", { name: "Blocks" }))
    .getAllByTestId("report-block")
    .map((li) => li.querySelector(".report-block-label")!.textContent!.replace(/^\d+\.\s*/, ""));

const threeBlocks = (): ReportBlock[] => [
  { id: "a", type: "text", markdown: "Intro" },
  { id: "b", type: "chart", chart_id: "c1" },
  { id: "c", type: "profile" },
];

afterEach(() => vi.unstubAllGlobals());

describe("movedOrder", () => {
  it("takes a block out and puts it at the new place; out-of-range places leave the order alone", () => {
    expect(movedOrder(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(movedOrder(["a", "b", "c"], 2, 1)).toEqual(["a", "c", "b"]);
    expect(movedOrder(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(movedOrder(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(movedOrder(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(movedOrder(["a", "b", "c"], 2, 3)).toEqual(["a", "b", "c"]);
    expect(movedOrder(["a", "b", "c"], -1, 1)).toEqual(["a", "b", "c"]);
  });
});

describe("ReportEditorView", () => {
  it("moves a block down by button: sends the new order, shows the server's order, keeps focus on the moved block", async () => {
    const server = fakeServer(threeBlocks());
    renderEditor(server);
    expect(blockLabels()).toEqual(["Text: Intro", "Chart: mpg by origin", "Dataset profile"]);
    // The first block cannot move up, the last cannot move down.
    expect((screen.getByRole("button", { name: "Move block 1 (Text: Intro) up" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Move block 3 (Dataset profile) down" }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.click(screen.getByRole("button", { name: "Move block 1 (Text: Intro) down" }));
    await waitFor(() => expect(blockLabels()).toEqual(["Chart: mpg by origin", "Text: Intro", "Dataset profile"]));
    expect(server.writes()).toEqual([{ method: "PUT", path: "/api/v1/reports/r1/blocks/order", body: { block_ids: ["b", "a", "c"] } }]);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole("button", { name: "Move block 2 (Text: Intro) down" })));

    // Keyboard only: Enter on the focused button moves it again, to the end, where focus goes to its "Move up".
    await userEvent.keyboard("{Enter}");
    await waitFor(() => expect(blockLabels()).toEqual(["Chart: mpg by origin", "Dataset profile", "Text: Intro"]));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole("button", { name: "Move block 3 (Text: Intro) up" })));
  });

  it("moves a block by dragging its handle onto another block's place", async () => {
    const server = fakeServer(threeBlocks());
    renderEditor(server);
    const items = screen.getAllByTestId("report-block");
    fireEvent.dragStart(items[2].querySelector(".drag-handle")!, { dataTransfer: { setData: () => {}, effectAllowed: "" } });
    fireEvent.dragOver(items[0]);
    expect(items[0].classList.contains("drop-target")).toBe(true);
    fireEvent.drop(items[0]);
    await waitFor(() => expect(blockLabels()).toEqual(["Dataset profile", "Text: Intro", "Chart: mpg by origin"]));
    expect(server.writes()).toEqual([{ method: "PUT", path: "/api/v1/reports/r1/blocks/order", body: { block_ids: ["c", "a", "b"] } }]);
    // Dropping a block on its own place sends nothing.
    const moved = screen.getAllByTestId("report-block");
    fireEvent.dragStart(moved[1].querySelector(".drag-handle")!, { dataTransfer: { setData: () => {}, effectAllowed: "" } });
    fireEvent.drop(moved[1]);
    expect(server.writes()).toHaveLength(1);
  });

  it("shows the server's problem when a reorder is refused and keeps the stored order", async () => {
    const server = fakeServer(threeBlocks());
    renderEditor(server);
    server.failNext(/^PUT .*\/blocks\/order$/, 409, "The report changed meanwhile: reload it.");
    await userEvent.click(screen.getByRole("button", { name: "Move block 3 (Dataset profile) up" }));
    expect((await screen.findByRole("alert")).textContent).toContain("The report changed meanwhile: reload it.");
    expect(blockLabels()).toEqual(["Text: Intro", "Chart: mpg by origin", "Dataset profile"]);
    // The next change works and clears the message.
    await userEvent.click(screen.getByRole("button", { name: "Move block 3 (Dataset profile) up" }));
    await waitFor(() => expect(blockLabels()).toEqual(["Text: Intro", "Dataset profile", "Chart: mpg by origin"]));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("adds a text block and a chart from the picker, deletes a block, and edits text; chart titles stay text", async () => {
    const server = fakeServer([]);
    renderEditor(server);
    expect(screen.getByText(/This report is empty/)).toBeTruthy();

    await userEvent.type(screen.getByLabelText("Markdown"), "## Findings");
    await userEvent.click(screen.getByRole("button", { name: "Add text" }));
    await waitFor(() => expect(blockLabels()).toEqual(["Text: ## Findings"]));
    expect((screen.getByLabelText("Markdown") as HTMLTextAreaElement).value).toBe("");

    await userEvent.selectOptions(screen.getByLabelText("Chart"), "c2");
    await userEvent.click(screen.getByRole("button", { name: "Add chart" }));
    await waitFor(() => expect(blockLabels()).toEqual(["Text: ## Findings", `Chart: horsepower ${SCRIPT}`]));
    expect(document.querySelector("script")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Add profile" }));
    await waitFor(() => expect(blockLabels()).toHaveLength(3));
    expect((screen.getByRole("button", { name: "Profile added" }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.click(screen.getByRole("button", { name: "Delete block 1 (Text: ## Findings)" }));
    await waitFor(() => expect(blockLabels()).toEqual([`Chart: horsepower ${SCRIPT}`, "Dataset profile"]));

    const adds = server.writes().filter((c) => c.method === "POST");
    expect(adds.map((c) => c.body)).toEqual([{ type: "text", markdown: "## Findings" }, { type: "chart", chart_id: "c2" }, { type: "profile" }]);
    expect(server.writes().at(-1)?.method).toBe("DELETE");
  });

  it("adds a job or model summary picked from the dataset's finished work, named by kind and date", async () => {
    const server = fakeServer([]);
    const job: Job = { id: "j1", kind: "imputation", status: "succeeded", created_at: "2026-01-02T10:00:00Z", finished_at: "2026-01-02T10:05:00Z" };
    const model: Model = { id: "m1", kind: "timegan", version: "3", created_at: "2026-01-03T09:00:00Z" };
    renderEditor(server, { charts: [], jobs: [job], models: [model] });
    expect(screen.getByText("No saved charts of this dataset yet.")).toBeTruthy();
    const picker = screen.getByLabelText("Result") as HTMLSelectElement;
    expect(Array.from(picker.options, (o) => o.value)).toEqual(["job:j1", "model:m1"]);
    await userEvent.selectOptions(picker, "model:m1");
    await userEvent.click(screen.getByRole("button", { name: "Add summary" }));
    await waitFor(() => expect(blockLabels()).toEqual([`Summary: timegan model v3 of ${new Date("2026-01-03T09:00:00Z").toLocaleString()}`]));
    await userEvent.selectOptions(picker, "job:j1");
    await userEvent.click(screen.getByRole("button", { name: "Add summary" }));
    await waitFor(() => expect(blockLabels()).toHaveLength(2));
    expect(blockLabels()[1]).toBe(`Summary: imputation job of ${new Date("2026-01-02T10:05:00Z").toLocaleString()}`);
    expect(server.writes().map((c) => c.body)).toEqual([{ type: "model", model_id: "m1" }, { type: "job", job_id: "j1" }]);
  });

  it("saves an edited text block and shows the stored text; an empty text cannot be added", async () => {
    const server = fakeServer([{ id: "t", type: "text", markdown: "Old" }]);
    renderEditor(server);
    expect((screen.getByRole("button", { name: "Add text" }) as HTMLButtonElement).disabled).toBe(true);
    const box = screen.getByLabelText("Markdown of block 1") as HTMLTextAreaElement;
    expect((screen.getByRole("button", { name: "Save text" }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.clear(box);
    await userEvent.type(box, "New words");
    await userEvent.click(screen.getByRole("button", { name: "Save text" }));
    await waitFor(() => expect(blockLabels()).toEqual(["Text: New words"]));
    expect(server.writes()).toEqual([{ method: "PATCH", path: "/api/v1/reports/r1/blocks/t", body: { markdown: "New words" } }]);
    expect((screen.getByLabelText("Markdown of block 1") as HTMLTextAreaElement).value).toBe("New words");
    expect((screen.getByRole("button", { name: "Save text" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("previews the server's export in a sandboxed srcdoc frame and draws it again after a change", async () => {
    const server = fakeServer([{ id: "a", type: "text", markdown: "Intro" }]);
    renderEditor(server);
    const frame = (await screen.findByTestId("report-frame")) as HTMLIFrameElement;
    expect(frame.getAttribute("sandbox")).toBe("");
    await waitFor(() => expect(frame.getAttribute("srcdoc")).toContain("<p>Intro</p>"));
    expect(frame.getAttribute("src")).toBeNull();

    await userEvent.type(screen.getByLabelText("Markdown"), "More");
    await userEvent.click(screen.getByRole("button", { name: "Add text" }));
    await waitFor(() => expect(screen.getByTestId("report-frame").getAttribute("srcdoc")).toContain("<p>Intro | More</p>"));
    expect(server.exports()).toBe(2);
  });

  it("creates a share link to the public page, then revokes it", async () => {
    const server = fakeServer([]);
    renderEditor(server);
    await userEvent.click(screen.getByRole("button", { name: "Create share link" }));
    const url = (await screen.findByLabelText("Read-only link")) as HTMLInputElement;
    expect(url.value).toBe(`${window.location.origin}/shared/reports/tok123`);
    await userEvent.click(screen.getByRole("button", { name: "Revoke link" }));
    expect(await screen.findByRole("button", { name: "Create share link" })).toBeTruthy();
    expect(server.writes().map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/v1/reports/r1/share", "DELETE /api/v1/reports/r1/share"]);
  });

  it("renames the report and shows a refused title's field message", async () => {
    const server = fakeServer([]);
    renderEditor(server);
    const title = screen.getByLabelText("Title");
    await userEvent.clear(title);
    await userEvent.type(title, "Fuel, 1970-82");
    await userEvent.click(screen.getByRole("button", { name: "Rename" }));
    expect(await screen.findByRole("heading", { name: "Fuel, 1970-82", level: 1 })).toBeTruthy();

    server.failNext(/^PATCH \/api\/v1\/reports\/r1$/, 422, "The title is not valid.");
    await userEvent.type(title, "!");
    await userEvent.click(screen.getByRole("button", { name: "Rename" }));
    expect((await screen.findByRole("alert")).textContent).toContain("The title is not valid.");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Fuel, 1970-82");
  });
});
