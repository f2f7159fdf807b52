import type { Recommendation } from "../../api/types";

export type Intent = Recommendation["intent"];

/** The order groups are shown in: change over time first, then how measures relate, spread, differ and add up. */
export const INTENT_ORDER: readonly Intent[] = ["trend", "relationship", "distribution", "comparison", "composition"];

export const INTENT_LABELS: Record<Intent, { title: string; badge: string; description: string }> = {
  trend: { title: "Trends", badge: "Trend", description: "how measures change over time" },
  relationship: { title: "Relationships", badge: "Relationship", description: "how measures move together" },
  distribution: { title: "Distributions", badge: "Distribution", description: "how values spread" },
  comparison: { title: "Comparisons", badge: "Comparison", description: "how groups differ" },
  composition: { title: "Composition", badge: "Composition", description: "how a whole splits into parts" },
};

const OTHER = { title: "Other charts", badge: "Other", description: "more views of the data" };

export const intentLabel = (intent: string) => INTENT_LABELS[intent as Intent] ?? OTHER;

export interface RankedRecommendation {
  item: Recommendation;
  /** 1-based rank in the server's list (best first). */
  rank: number;
}

export interface IntentGroup {
  intent: string;
  items: RankedRecommendation[];
}

/**
 * Recommendations grouped by intent in INTENT_ORDER (unknown intents last, in order of appearance), keeping the
 * server's ranking inside each group. Empty groups are left out.
 */
export function groupByIntent(items: readonly Recommendation[]): IntentGroup[] {
  const groups = new Map<string, RankedRecommendation[]>();
  items.forEach((item, i) => {
    const key = item.intent ?? "other";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push({ item, rank: i + 1 });
  });
  const known = INTENT_ORDER.filter((intent) => groups.has(intent));
  const others = [...groups.keys()].filter((intent) => !(INTENT_ORDER as readonly string[]).includes(intent));
  return [...known, ...others].map((intent) => ({ intent, items: groups.get(intent)! }));
}
