import { Link } from "react-router-dom";
import type { DataSplit, ModelRecord } from "../../api/models";
import { formatCell, formatDate, formatNumber } from "../../lib/format";
import { ScorecardTable } from "../synthesis/Scorecard";
import { Empty } from "../ui/Status";
import { evaluationCard } from "./evaluations";

/** A param, metric or split value in a table cell: numbers rounded, nested values as JSON, none as a dash. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "–";
  return typeof value === "number" ? formatNumber(value) : formatCell(value);
}

/** Key/value rows of a flat record (params, a data split), values as the tables elsewhere write them. */
export function FieldTable({ fields, label }: { fields: Record<string, unknown>; label: string }) {
  const entries = Object.entries(fields);
  if (entries.length === 0) return <Empty>None recorded.</Empty>;
  return (
    <div className="table-scroll">
      <table className="table compact" aria-label={label}>
        <tbody>
          {entries.map(([key, value]) => (
            <tr key={key}>
              <th scope="row">{key}</th>
              <td>{formatValue(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const SPLITS = ["train", "validation", "test"] as const;

/** The data the model was trained, validated and tested on: the dataset and what each split used. */
export function DataUsed({ model }: { model: ModelRecord }) {
  const datasetId = model.data?.dataset_id ?? model.dataset_id;
  return (
    <>
      <p>{datasetId ? <Link to={`/datasets/${datasetId}`}>Training dataset</Link> : "The training dataset is not recorded."}</p>
      <div className="split-grid">
        {SPLITS.map((split) => {
          const used: DataSplit | null | undefined = model.data?.[split];
          return (
            <div key={split}>
              <h3>{split}</h3>
              {used ? <FieldTable fields={used} label={`${split} data`} /> : <p className="muted">not recorded</p>}
            </div>
          );
        })}
      </div>
    </>
  );
}

/** Where the model came from and what it made. */
export function Lineage({ model }: { model: ModelRecord }) {
  const lineage = model.lineage;
  const produced = lineage?.produced ?? [];
  if (!lineage?.retrained_from && !lineage?.resumed_from && produced.length === 0) return <p className="muted">Trained from scratch; nothing made from it yet.</p>;
  return (
    <ul>
      {lineage?.retrained_from && (
        <li>
          Retrained from <Link to={`/models/${lineage.retrained_from}`}>the previous version</Link>
        </li>
      )}
      {lineage?.resumed_from && <li>Resumed from {lineage.resumed_from}</li>}
      {produced.map((item) => (
        <li key={`${item.type}-${item.id}`}>
          Produced {item.type === "dataset" ? <Link to={`/datasets/${item.id}`}>a dataset</Link> : `${item.type} ${item.id}`}
        </li>
      ))}
    </ul>
  );
}

/** Every evaluation kept on the model, newest first, with its time and protocol (params). */
export function Evaluations({ model }: { model: ModelRecord }) {
  const entries = [...(model.evaluations ?? [])].reverse();
  if (entries.length === 0) return <Empty>No evaluations yet.</Empty>;
  return (
    <>
      {entries.map((entry, i) => {
        const card = evaluationCard(entry);
        const params = (entry.params ?? {}) as Record<string, unknown>;
        return (
          <article key={String(entry.job_id ?? i)} className="evaluation">
            <h3>Evaluation of {formatDate(entry.created_at as string | undefined)}</h3>
            <p className="muted">
              Protocol:{" "}
              {Object.entries(params)
                .map(([k, v]) => `${k} ${formatCell(v)}`)
                .join(" · ") || "not recorded"}
            </p>
            {card ? <ScorecardTable card={card} /> : <FieldTable fields={entry} label="Evaluation" />}
          </article>
        );
      })}
    </>
  );
}
