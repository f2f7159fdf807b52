import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import ProjectsPage from "./ProjectsPage";

const project = { id: "p1", name: "Forecasts", created_at: "2026-01-01T00:00:00Z", counts: { datasets: 2, jobs: 1, models: 1 } };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

afterEach(() => vi.unstubAllGlobals());

describe("ProjectsPage", () => {
  it("lists projects with counts and shows why a project with work in it cannot be deleted", async () => {
    vi.spyOn(window, "confirm").mockReturnValue(true);
    const fetchMock = vi.fn(async (_url: string, init?: RequestInit) =>
      init?.method === "DELETE"
        ? json({ status: 409, title: "Conflict", detail: "Project Forecasts is not empty: move or delete its 2 datasets first." }, 409)
        : json([project]),
    );
    vi.stubGlobal("fetch", fetchMock);
    render(
      <MemoryRouter>
        <ProjectsPage />
      </MemoryRouter>,
    );
    expect(await screen.findByRole("link", { name: "2 datasets" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "1 model" }).getAttribute("href")).toBe("/models?project=p1");
    await userEvent.click(screen.getByRole("button", { name: "Delete Forecasts" }));
    expect((await screen.findByRole("alert")).textContent).toContain("is not empty");
    expect(screen.getByRole("heading", { name: "Forecasts" })).toBeTruthy();
  });

  it("creates a project and lists it", async () => {
    let created = false;
    const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => {
      if (init?.method === "POST") {
        created = true;
        return json({ ...project, id: "p2", name: "Sensors", counts: { datasets: 0, jobs: 0, models: 0 } }, 201);
      }
      return json(created ? [project, { ...project, id: "p2", name: "Sensors", counts: { datasets: 0, jobs: 0, models: 0 } }] : [project]);
    });
    vi.stubGlobal("fetch", fetchMock);
    render(
      <MemoryRouter>
        <ProjectsPage />
      </MemoryRouter>,
    );
    await screen.findByRole("heading", { name: "Forecasts" });
    await userEvent.type(screen.getByLabelText("Name"), "Sensors");
    await userEvent.click(screen.getByRole("button", { name: "Create project" }));
    expect(await screen.findByRole("heading", { name: "Sensors" })).toBeTruthy();
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === "POST");
    expect(JSON.parse(String(post?.[1]?.body))).toEqual({ name: "Sensors" });
  });

  it("renames a project with a PATCH of its name", async () => {
    let name = "Forecasts";
    const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => {
      if (init?.method === "PATCH") name = JSON.parse(String(init.body)).name;
      return init?.method === "PATCH" ? json({ ...project, name }) : json({ items: [{ ...project, name }], total: 1, page: 1, page_size: 100 });
    });
    vi.stubGlobal("fetch", fetchMock);
    render(
      <MemoryRouter>
        <ProjectsPage />
      </MemoryRouter>,
    );
    await userEvent.click(await screen.findByRole("button", { name: "Rename Forecasts" }));
    const field = screen.getByLabelText("New name");
    await userEvent.clear(field);
    await userEvent.type(field, "Load forecasts{Enter}");
    expect(await screen.findByRole("heading", { name: "Load forecasts" })).toBeTruthy();
    const patch = fetchMock.mock.calls.find(([, init]) => init?.method === "PATCH");
    expect(patch?.[0]).toBe("/api/v1/projects/p1");
    expect(JSON.parse(String(patch?.[1]?.body))).toEqual({ name: "Load forecasts" });
  });
});
