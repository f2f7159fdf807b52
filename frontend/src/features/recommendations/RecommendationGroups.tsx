import { useMemo } from "react";
import type { Recommendation } from "../../api/types";
import { groupByIntent, intentLabel } from "./intents";
import { RecommendationCard } from "./RecommendationCard";

/**
 * Recommendations grouped by what they show (trends, relationships, distributions, comparisons, composition),
 * ranked inside each group, with a table of contents to jump between groups.
 */
export function RecommendationGroups({ items, datasetId, listKey = "" }: { items: readonly Recommendation[]; datasetId: string; listKey?: string }) {
  const groups = useMemo(() => groupByIntent(items), [items]);
  const groupId = (intent: string) => `charts-${intent.replace(/[^a-z0-9_-]/gi, "")}`;

  return (
    <>
      {groups.length > 1 && (
        <nav aria-label="Chart groups" className="rec-toc">
          <ul>
            {groups.map((group) => (
              <li key={group.intent}>
                <a href={`#${groupId(group.intent)}`}>
                  {intentLabel(group.intent).title} <span className="muted">({group.items.length})</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {groups.map((group) => {
        const label = intentLabel(group.intent);
        return (
          <section
            key={group.intent}
            className="rec-group"
            aria-labelledby={groupId(group.intent)}
            data-testid="recommendation-group"
            data-intent={group.intent}
          >
            <h3 id={groupId(group.intent)} className="rec-group-heading" tabIndex={-1}>
              {label.title} <span className="muted">· {label.description}</span>
            </h3>
            <div className="rec-grid">
              {group.items.map(({ item, rank }) => (
                <RecommendationCard key={`${listKey}-${rank}`} item={item} rank={rank} datasetId={datasetId} />
              ))}
            </div>
          </section>
        );
      })}
    </>
  );
}
