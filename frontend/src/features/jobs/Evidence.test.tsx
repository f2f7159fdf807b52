import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AutoEvidence, decisionRows, defaultLabel, kalmanModels } from "./Evidence";

// The shape the imputation job stores (models/imputation/auto.py: evidence.decisions).
const evidence = {
  default: "time",
  notes: ["Evidence is thin for humidity/2-4: too few held-out stretches to show that any method beats time interpolation, so it was kept."],
  decisions: {
    temp: {
      "5-12": {
        incumbent: "time",
        candidates: ["seasonal", "locf", "mean", "brits"],
        stretches: 12,
        confirmation_stretches: 8,
        selection_mae: { time: 2.512, seasonal: 0.9046, locf: 3.127, mean: 4.203, brits: 1.433 },
        p_values: { seasonal: 0.0004, brits: 0.01, locf: 1, mean: 1 },
        confirmation_p: 0.002,
        winner: "seasonal",
        confidence: 0.998,
        verdict: "seasonal beat time on the selection and on fresh folds",
      },
    },
    level: {
      "13-36": {
        incumbent: "time",
        candidates: ["seasonal", "locf", "mean"],
        stretches: 5,
        confirmation_stretches: 2,
        selection_mae: { time: 9.477, seasonal: 2.441, locf: 9.176, mean: 7.423 },
        p_values: { seasonal: 0.0009, mean: 0.04, locf: 0.11 },
        confirmation_p: 0.019,
        winner: "seasonal",
        confidence: 0.981,
        verdict:
          "seasonal beat time on 40 rolling pseudo-gaps of 24 steps carved from the observed data (5 independent blocks; 4 held-out stretch(es) had not decided it) and had the lower MAE on 2 fresh held-out stretch(es)",
        evidence_kind: "rolling",
        rolling: { length: 24, pseudo_gaps: 40, blocks: 5 },
        held_out_verdict: "thin evidence: 4 held-out stretch(es), 5 needed; kept time",
      },
    },
    humidity: {
      "1": {
        incumbent: "time",
        candidates: ["seasonal", "locf", "mean"],
        stretches: 16,
        confirmation_stretches: 10,
        selection_mae: { time: 0.4412, seasonal: 0.3305, locf: 0.6101, mean: 0.9213, "time+seasonal": 0.3571 },
        p_values: { seasonal: 0.12, locf: 1, mean: 1 },
        confirmation_p: null,
        winner: "time+seasonal",
        confidence: null,
        verdict:
          "blended: time 0.5 + seasonal 0.5, because seasonal led on 16 held-out stretches without significance (MAE 0.3305 vs 0.4412); the blend (MAE 0.3571) beat time there (p 0.012) and again on 10 fresh stretch(es)",
        blend: { methods: { time: 0.5, seasonal: 0.5 }, challenger: "seasonal", used: true },
        unblended_verdict: "no candidate significantly better than time; kept it",
      },
      "2-4": {
        incumbent: "time",
        candidates: ["seasonal", "locf", "mean"],
        stretches: 3,
        confirmation_stretches: null,
        selection_mae: { time: 1.204, mean: 1.187 },
        p_values: {},
        confirmation_p: null,
        winner: "time",
        confidence: null,
        verdict: "thin evidence: 3 held-out stretch(es), 5 needed; kept time",
      },
    },
  },
};

describe("AutoEvidence", () => {
  it("shows per column and gap length what was compared, on how many stretches, what won and how surely", () => {
    render(<AutoEvidence evidence={evidence} />);
    const table = screen.getByRole("table", { name: "auto's choice per column and gap length" });
    const rows = within(table).getAllByTestId("evidence-row");
    expect(rows).toHaveLength(4);

    const temp = within(rows[0]).getAllByRole("cell").map((c) => c.textContent);
    expect(within(rows[0]).getByRole("rowheader").textContent).toBe("temp");
    expect(temp[0]).toBe("5-12 steps");
    expect(temp[1]).toBe("seasonal (MAE 0.9046)");
    expect(temp[2]).toBe("time 2.512, locf 3.127, mean 4.203, brits 1.433");
    expect(temp[3]).toBe("12 + 8 fresh");
    expect(temp[4]).toBe("99.8%");
    expect(temp[5]).toMatch(/beat time/);

    // A long gap in a short series: the choice rests on rolling pseudo-gaps, and the table says so.
    const level = within(rows[1]).getAllByRole("cell").map((c) => c.textContent);
    expect(level[1]).toBe("seasonal (MAE 2.441)");
    expect(level[3]).toBe("40 rolling pseudo-gaps of 24 steps (5 blocks) + 2 fresh");
    expect(level[4]).toBe("98.1%");
    expect(level[5]).toMatch(/rolling pseudo-gaps of 24 steps/);

    // No method won its test, the challenger led: an even blend, said in words.
    const blended = within(rows[2]).getAllByRole("cell").map((c) => c.textContent);
    expect(blended[1]).toBe("blend: time 0.5 + seasonal 0.5 (MAE 0.3571)");
    expect(blended[2]).toBe("time 0.4412, seasonal 0.3305, locf 0.6101, mean 0.9213");
    expect(blended[3]).toBe("16 + 10 fresh");
    expect(blended[4]).toBe("–");
    expect(blended[5]).toMatch(/^blended: time 0.5 \+ seasonal 0.5, because seasonal led on 16 held-out stretches/);

    const humidity = within(rows[3]).getAllByRole("cell").map((c) => c.textContent);
    expect(humidity[1]).toBe("time (MAE 1.204)");
    expect(humidity[3]).toBe("3");
    expect(humidity[4]).toBe("–");
    expect(humidity[5]).toMatch(/^thin evidence/);
    expect(screen.getByRole("note").textContent).toMatch(/Evidence is thin for humidity/);
  });

  it("names the state-space model the kalman candidate fitted for each column", () => {
    const withKalman = {
      ...evidence,
      kalman: { temp: { model: "local_level", seasonal: true, aic: 12.5 }, wind: { model: "ar1", seasonal: false }, gone: null },
    };
    expect(kalmanModels(withKalman)).toEqual([
      { column: "temp", model: "local level (random walk plus noise), on the seasonally adjusted values" },
      { column: "wind", model: "AR(1) around a mean" },
    ]);
    render(<AutoEvidence evidence={withKalman} />);
    expect(screen.getByTestId("kalman-models").textContent).toContain("temp: local level");
    render(<AutoEvidence evidence={{}} />);
    expect(screen.queryAllByTestId("kalman-models")).toHaveLength(1);
  });

  it("gives the smoother's share of the fill per gap length, shortest first, and what the rest is", () => {
    const withWeights = {
      kalman: {
        // Keys out of order, a non-numeric share: the words go shortest first and skip it.
        temp: {
          model: "local_level",
          seasonal: true,
          aic: 12.5,
          weights: { "5-12": 0.25, "37+": "n/a", "1": 1, "13-36": 0.5, "2-4": 0.75 },
        },
        wind: { model: "ar1", seasonal: false, aic: 3.1, weights: { "2-4": 0, "1": 0.75 } },
      },
    };
    expect(kalmanModels(withWeights)).toEqual([
      {
        column: "temp",
        model:
          "local level (random walk plus noise), on the seasonally adjusted values (smoother's share per gap length: " +
          "1 step 100%, 2-4 steps 75%, 5-12 steps 25%, 13-36 steps 50%; the rest, and other gap lengths, the seasonal profile)",
      },
      {
        column: "wind",
        model: "AR(1) around a mean (smoother's share per gap length: 1 step 75%, 2-4 steps 0%; the rest, and other gap lengths, time interpolation)",
      },
    ]);
    render(<AutoEvidence evidence={withWeights} />);
    expect(screen.getByTestId("kalman-models").textContent).toContain(
      "wind: AR(1) around a mean (smoother's share per gap length: 1 step 75%, 2-4 steps 0%; the rest, and other gap lengths, time interpolation).",
    );
  });

  it("says how each share was measured: the share that did best on hidden stretches, and why it was shrunk", () => {
    const measured = {
      kalman: {
        level: {
          model: "local_level",
          seasonal: false,
          aic: 5,
          weights: { "1": 0.684, "2-4": 1, "5-12": 0 },
          shares: {
            "1": { share: 0.684, won: 0.75, t: 3.4, length: 1, pseudo_gaps: 340, blocks: 170 },
            "2-4": { share: 1, won: 1, t: null, length: 3, pseudo_gaps: 60, blocks: 15 },
            "5-12": { share: 0, won: 0.5, t: 0.8, length: 6, pseudo_gaps: 1, blocks: 1 },
          },
        },
      },
    };
    expect(kalmanModels(measured)[0].model).toBe(
      "local level (random walk plus noise) (smoother's share per gap length: " +
        "1 step 68% (75% did best on 340 hidden stretches, shrunk for a lead of 3.4 standard errors), " +
        "2-4 steps 100% (best on 60 hidden stretches), " +
        "5-12 steps 0% (50% did best on 1 hidden stretch, shrunk for a lead of 0.8 standard errors); " +
        "the rest, and other gap lengths, time interpolation)",
    );
  });

  it("keeps the model alone where no shares were recorded (older jobs, white noise, nothing numeric)", () => {
    expect(
      kalmanModels({
        kalman: {
          old: { model: "arma11", seasonal: true, aic: 7 }, // older jobs: no weights field
          flat: { model: "white_noise", seasonal: false, aic: 2, weights: {} }, // nothing to blend
          odd: { model: "ar1", seasonal: false, weights: { "1": null, "2-4": "0.5" } },
          listed: { model: "ar1", seasonal: false, weights: [0.5] },
        },
      }),
    ).toEqual([
      { column: "old", model: "ARMA(1,1) around a mean, on the seasonally adjusted values" },
      { column: "flat", model: "white noise around a mean (fills with the mean)" },
      { column: "odd", model: "AR(1) around a mean" },
      { column: "listed", model: "AR(1) around a mean" },
    ]);
  });

  it("says which default needed no test: the smoother on an evenly spaced series, else interpolation", () => {
    expect(defaultLabel({ default: "kalman" })).toMatch(/^the Kalman smoother \(kalman\), its model per column chosen by likelihood/);
    expect(defaultLabel({ default: "kalman" })).toMatch(
      /its fill blends the smoother with interpolation \(or the seasonal profile\) in a share chosen per gap length on stretches of the series hidden in turn$/,
    );
    expect(defaultLabel({ default: "kalman" })).not.toMatch(/a quarter/);
    expect(defaultLabel({ default: "time" })).toBe("time interpolation");
    expect(defaultLabel({})).toBe("time interpolation"); // older jobs recorded no default
    render(<AutoEvidence evidence={{ default: "kalman", kalman: { v: { model: "random_walk", seasonal: false } } }} />);
    expect(screen.getByText(/^Default: the Kalman smoother/)).toBeTruthy();
    expect(screen.getByTestId("kalman-models").textContent).toContain("v: random walk (fills with the straight line");
  });

  it("reads evidence without decisions (older jobs) as no rows", () => {
    expect(decisionRows({ choice: { x: { "1": "linear" } } })).toEqual([]);
    render(<AutoEvidence evidence={{}} />);
    expect(screen.getByText("No per-gap choice was recorded.")).toBeTruthy();
  });
});
