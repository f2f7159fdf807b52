import { describe, expect, it } from "vitest";
import type { Recommendation } from "../../api/types";
import { groupByIntent, intentLabel } from "./intents";

const rec = (explanation: string, intent: string): Recommendation =>
  ({ explanation, intent, score: 1, source: "rules", spec: {} }) as Recommendation;

describe("groupByIntent", () => {
  it("orders groups trend, relationship, distribution, comparison, composition and keeps the ranking inside", () => {
    const items = [
      rec("a", "relationship"),
      rec("b", "composition"),
      rec("c", "distribution"),
      rec("d", "trend"),
      rec("e", "relationship"),
      rec("f", "comparison"),
      rec("g", "distribution"),
    ];
    const groups = groupByIntent(items);
    expect(groups.map((g) => g.intent)).toEqual(["trend", "relationship", "distribution", "comparison", "composition"]);
    expect(groups[1].items.map((r) => [r.item.explanation, r.rank])).toEqual([
      ["a", 1],
      ["e", 5],
    ]);
    expect(groups[2].items.map((r) => r.rank)).toEqual([3, 7]);
  });

  it("leaves out empty groups and puts unknown intents last", () => {
    const groups = groupByIntent([rec("x", "mystery"), rec("y", "comparison")]);
    expect(groups.map((g) => g.intent)).toEqual(["comparison", "mystery"]);
    expect(intentLabel("mystery").title).toBe("Other charts");
    expect(intentLabel("trend").badge).toBe("Trend");
    expect(groupByIntent([])).toEqual([]);
  });
});
