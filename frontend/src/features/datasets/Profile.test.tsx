import { render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DatasetProfile } from "../../api/reports";
import { formatInstant, frequencyInWords, ProfilePanel, ProfileSection } from "./Profile";

const IMG = "<img src=x onerror=window.__xss=1>";

const profile: DatasetProfile = {
  dataset_id: "d1",
  rows: 1_000_000,
  profiled_rows: 100_000,
  sampled: true,
  columns: [
    {
      name: "mpg",
      kind: "number",
      count: 90,
      missing: 10,
      distinct: 40,
      number: {
        min: 9,
        max: 46.6,
        mean: 23.5,
        std: 7.8,
        q25: 17.5,
        q50: 23,
        q75: 29,
        histogram: [
          { start: 9, end: 18.4, count: 20 },
          { start: 18.4, end: 27.8, count: 50 },
          { start: 27.8, end: 46.6, count: 20 },
        ],
      },
    },
    { name: IMG, kind: "category", count: 100, missing: 0, distinct: 5, category: { top: [{ value: IMG, count: 60 }, { value: "Japan", count: 30 }], other_count: 10 } },
    { name: "when", kind: "time", count: 100, missing: 0, distinct: 100, time: { min: "2020-01-01T00:00:00", max: "2020-04-09T00:00:00", frequency: "D", gaps: 2, largest_gap: "3 days" } },
    { name: "note", kind: "text", count: 100, missing: 0, distinct: 100, text: { min_length: 3, max_length: 40, mean_length: 12.25 } },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe("ProfilePanel", () => {
  it("shows each column's statistics by kind, a histogram whose bar heights follow the counts, and top values", () => {
    render(<ProfilePanel profile={profile} />);
    expect(screen.getByTestId("profile-scope").textContent).toBe(
      `Profiled on a sample of ${(100_000).toLocaleString()} of ${(1_000_000).toLocaleString()} rows.`,
    );
    const mpg = screen.getByRole("listitem", { name: "mpg" });
    expect(within(mpg).getByText("missing").nextSibling?.textContent).toBe("10 (10.0%)");
    expect(within(mpg).getByText("quartiles").nextSibling?.textContent).toBe("17.50 · 23 · 29");
    const bars = within(mpg).getByRole("img", { name: "Histogram of mpg" }).querySelectorAll("rect");
    const heights = Array.from(bars, (bar) => Number(bar.getAttribute("height")));
    expect(heights[1]).toBeGreaterThan(heights[0]);
    expect(heights[0]).toBeCloseTo(heights[2]);
    expect(bars[1].textContent).toBe("18.40 – 27.80: 50");

    const category = screen.getByRole("listitem", { name: IMG });
    const top = within(category).getByRole("list", { name: `Most frequent values of ${IMG}` });
    expect(within(top).getAllByRole("listitem").map((li) => li.textContent)).toEqual([`${IMG}60`, "Japan30"]);
    expect(within(category).getByText("10 other")).toBeTruthy();
    expect(document.querySelector("img")).toBeNull();

    const when = screen.getByRole("listitem", { name: "when" });
    expect(within(when).getByText("step").nextSibling?.textContent).toBe("daily (D)");
    expect(within(when).getByText("from").nextSibling?.textContent).toBe(new Date(2020, 0, 1).toLocaleDateString());
    expect(within(screen.getByRole("listitem", { name: "note" })).getByText("length").nextSibling?.textContent).toBe("3–40 (mean 12.3)");
    expect(within(when).getByText("gaps").nextSibling?.textContent).toBe("2 (largest 3 days)");
  });

  it("names pandas steps in words and shows midnights as dates", () => {
    expect(frequencyInWords("YS-JAN")).toBe("yearly (YS-JAN)");
    expect(frequencyInWords("QS-OCT")).toBe("quarterly (QS-OCT)");
    expect(frequencyInWords("MS")).toBe("monthly (MS)");
    expect(frequencyInWords("W-SUN")).toBe("weekly (W-SUN)");
    expect(frequencyInWords("h")).toBe("hourly (h)");
    expect(frequencyInWords("15min")).toBe("15min");
    expect(frequencyInWords(null)).toBe("irregular");
    expect(formatInstant("1982-01-01T00:00:00")).toBe(new Date(1982, 0, 1).toLocaleDateString());
    expect(formatInstant("1982-01-01T06:30:00")).toBe(new Date("1982-01-01T06:30:00").toLocaleString());
  });

  it("says when every row was profiled", () => {
    render(<ProfilePanel profile={{ ...profile, sampled: false, rows: 90, profiled_rows: 90, columns: [] }} />);
    expect(screen.getByTestId("profile-scope").textContent).toBe("Profiled on all 90 rows.");
  });

  it("shows the server's problem and a retry when the profile cannot be loaded", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ status: 503, title: "Busy", detail: "Profiling is busy." }), { status: 503 })),
    );
    render(<ProfileSection datasetId="d1" />);
    expect((await screen.findByRole("alert")).textContent).toContain("Profiling is busy.");
    expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
  });
});
