import { describe, expect, it } from "vitest";
import { changeFilters, DEFAULT_FILTERS, filtersFromQuery, listQuery, pageCount, queryFromFilters } from "./modelQuery";

describe("model list URL state", () => {
  it("round-trips every filter through the URL query and leaves defaults out", () => {
    const filters = { kind: "brits", project: "p1", status: "production", dataset: "d9", sort: "version" as const, page: 3, pageSize: 50 };
    const query = queryFromFilters(filters);
    expect(query.toString()).toBe("kind=brits&project=p1&status=production&dataset=d9&sort=version&page=3&size=50");
    expect(filtersFromQuery(new URLSearchParams(query.toString()))).toEqual(filters);
    expect(queryFromFilters(DEFAULT_FILTERS).toString()).toBe("");
  });

  it("falls back to the defaults for values a hand-edited URL may carry", () => {
    const filters = filtersFromQuery(new URLSearchParams("sort=name&page=-2&size=7"));
    expect(filters.sort).toBe("-created_at");
    expect(filters.page).toBe(1);
    expect(filters.pageSize).toBe(20);
    expect(filtersFromQuery(new URLSearchParams("page=2.5")).page).toBe(1);
  });

  it("goes back to page 1 when a filter changes, but not when only the page does", () => {
    const onPage3 = { ...DEFAULT_FILTERS, page: 3 };
    expect(changeFilters(onPage3, { kind: "timegan" })).toMatchObject({ kind: "timegan", page: 1 });
    expect(changeFilters(onPage3, { pageSize: 50 }).page).toBe(1);
    expect(changeFilters(onPage3, { page: 4 }).page).toBe(4);
  });

  it("asks the API for exactly the chosen filters", () => {
    expect(listQuery({ ...DEFAULT_FILTERS, status: "archived" })).toEqual({
      kind: undefined,
      project_id: undefined,
      status: "archived",
      dataset_id: undefined,
      sort: "-created_at",
      page: 1,
      page_size: 20,
    });
    expect(listQuery({ ...DEFAULT_FILTERS, project: "default" }).project_id).toBe("default");
  });

  it("counts pages from the total (at least one)", () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(20, 20)).toBe(1);
    expect(pageCount(21, 20)).toBe(2);
  });
});
