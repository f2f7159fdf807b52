import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Scorecard } from "../../api/types";
import { autocorrelationValues, ScorecardTable, verdictText } from "./Scorecard";

const spread = (mean: number, runs = 1) => ({ mean, std: runs > 1 ? 0.01 : 0, runs: Array(runs).fill(mean) });

// The shape models/timegan/quality.py's scorecard() returns (two measures, two features).
const card: Scorecard = {
  n_windows: { reference: 500, per_candidate: 400 },
  scaled_by_real_range: true,
  measures: [
    { name: "temporal", label: "Temporal structure", description: "autocorrelation difference", structure: true },
    { name: "classifier", label: "Stronger classifier", description: "|accuracy - 0.5|", structure: false },
  ],
  candidates: ["model", "heldout_real", "time_shuffled", "feature_bootstrap", "ar1"],
  scores: {
    model: { temporal: spread(0.02), classifier: spread(0.31, 5) },
    heldout_real: { temporal: spread(0.007), classifier: spread(0.02, 5) },
    time_shuffled: { temporal: spread(0.044), classifier: spread(0.48, 5) },
    feature_bootstrap: { temporal: spread(0.008), classifier: spread(0.5, 5) },
    ar1: { temporal: spread(0.049), classifier: spread(0.49, 5) },
  },
  verdict: {
    temporal: { beats: { time_shuffled: true, feature_bootstrap: false, ar1: true }, flagged: true, floor: 0.007 },
    classifier: { beats: { time_shuffled: true, feature_bootstrap: true, ar1: true }, flagged: false, floor: 0.02 },
  },
  autocorrelation: {
    lags: [0, 1, 2],
    features: [
      { feature: "open", real: [1, 0.9, 0.8], synthetic: [1, 0.7, 0.5] },
      { feature: "volume", real: [1, 0.5, 0.2], synthetic: [1, 0.4, 0.1] },
    ],
  },
};

describe("ScorecardTable", () => {
  it("shows the model next to the floor and every fake, and flags a measure the model does not win", () => {
    render(<ScorecardTable card={card} />);
    const table = screen.getByRole("table", { name: "Synthesis scorecard" });
    // (plain DOM queries: role queries over a whole table are slow on a busy machine)
    const headers = Array.from(table.querySelectorAll("thead th")).map((h) => h.textContent);
    expect(headers).toEqual(["Measure", "Model", "Held-out real (floor)", "Time-shuffled", "Feature bootstrap", "AR(1)", "Verdict"]);

    const row = (measure: string) => table.querySelector<HTMLTableRowElement>(`tr[data-measure="${measure}"]`)!;
    const cellsOf = (measure: string) => Array.from(row(measure).querySelectorAll("td")).map((c) => c.textContent);
    const temporal = row("temporal");
    expect(temporal.querySelector("th")?.textContent).toContain("Temporal structure");
    expect(temporal.classList.contains("flagged")).toBe(true);
    expect(cellsOf("temporal")).toEqual(["0.0200", "0.00700", "0.0440", "0.00800", "0.0490", "⚠ does not beat Feature bootstrap"]);

    const classifier = row("classifier");
    expect(classifier.classList.contains("flagged")).toBe(false);
    expect(cellsOf("classifier")[0]).toBe("0.310 ± 0.010"); // several runs: mean ± spread
    expect(cellsOf("classifier")[5]).toBe("beats every fake");

    expect(screen.getByTestId("scorecard-summary").textContent).toContain("Flagged: Temporal structure.");
  });

  it("says so when nothing is flagged", () => {
    const clean = { ...card, verdict: { ...card.verdict, temporal: { ...card.verdict.temporal, flagged: false, beats: { time_shuffled: true, feature_bootstrap: true, ar1: true } } } };
    render(<ScorecardTable card={clean} />);
    expect(screen.getByTestId("scorecard-summary").textContent).toContain("beats every trivial fake on every measure");
  });
});

describe("scorecard helpers", () => {
  it("names every fake a measure was lost to", () => {
    expect(verdictText({ beats: { time_shuffled: false, ar1: false, feature_bootstrap: true }, flagged: true, floor: 0 })).toBe(
      "does not beat Time-shuffled, AR(1)",
    );
    expect(verdictText({ beats: {}, flagged: false, floor: null })).toBe("no fake measured");
  });

  it("turns one feature's autocorrelation into real and synthetic points per lag", () => {
    expect(autocorrelationValues(card, "volume")).toEqual([
      { lag: 0, value: 1, source: "real" },
      { lag: 0, value: 1, source: "synthetic" },
      { lag: 1, value: 0.5, source: "real" },
      { lag: 1, value: 0.4, source: "synthetic" },
      { lag: 2, value: 0.2, source: "real" },
      { lag: 2, value: 0.1, source: "synthetic" },
    ]);
    expect(autocorrelationValues(card, "nope")).toEqual([]);
  });
});
