import { describe, expect, it } from "vitest";
import { compareRows } from "./compareTable";
import { historyLines } from "./history";

describe("compare rows", () => {
  it("marks the rows whose values differ, including a key one model lacks", () => {
    const rows = compareRows(
      [
        { id: "a", version: "v1", params: { hidden: 8, layers: [1, 2], lr: 0.1 } },
        { id: "b", version: "v2", params: { hidden: 8, layers: [1, 2], lr: 0.2, extra: true } },
      ],
      "params",
    );
    expect(rows.map((r) => [r.key, r.differs])).toEqual([
      ["extra", true],
      ["hidden", false],
      ["layers", false],
      ["lr", true],
    ]);
    expect(rows.find((r) => r.key === "extra")?.values).toEqual([undefined, true]);
  });
});

describe("loss curves on one plot", () => {
  it("has one line per model and loss, padded with nulls where a run is shorter", () => {
    const { data, lines } = historyLines([
      { label: "v1", history: { loss: [3, 2, 1] } },
      { label: "v2", history: { loss: [4, 3], val: [5, Number.NaN] } },
    ]);
    expect(lines.map((l) => l.label)).toEqual(["v1 loss", "v2 loss", "v2 val"]);
    expect(data[0]).toEqual([1, 2, 3]);
    expect(data.slice(1)).toEqual([
      [3, 2, 1],
      [4, 3, null],
      [5, null, null],
    ]);
    // Same loss, same colour; another model, another dash.
    expect(lines[0].color).toBe(lines[1].color);
    expect(lines[0].dash).not.toEqual(lines[1].dash);
  });

  it("draws nothing for models without history", () => {
    expect(historyLines([{ label: "", history: null }]).lines).toEqual([]);
  });
});
