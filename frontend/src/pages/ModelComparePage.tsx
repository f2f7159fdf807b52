import { Link, useSearchParams } from "react-router-dom";
import { compareModels } from "../api/models";
import { CompareTable } from "../features/models/CompareTable";
import { HistoryChart } from "../features/models/HistoryChart";
import { ErrorMessage, Loading } from "../features/ui/Status";
import { useAsync } from "../lib/useAsync";

/** 2-5 models of one kind side by side: params and metrics (differences marked) and every loss curve on one plot. */
export default function ModelComparePage() {
  const [query] = useSearchParams();
  const ids = query.get("ids") ?? "";
  const comparison = useAsync((signal) => compareModels(ids.split(",").filter(Boolean), signal), [ids]);
  const back = (
    <p>
      <Link to="/models">← Models</Link>
    </p>
  );
  if (comparison.loading && !comparison.data) return <Loading label="Comparing models…" />;
  if (comparison.error || !comparison.data)
    return (
      <>
        {back}
        <h1>Compare models</h1>
        <ErrorMessage error={comparison.error ?? "Nothing to compare"} />
      </>
    );
  const { kind, models } = comparison.data;
  return (
    <>
      {back}
      <h1>Compare {models.length} {kind} models</h1>
      <p className="muted">
        {models.map((m, i) => (
          <span key={m.id}>
            {i > 0 && " · "}
            <Link to={`/models/${m.id}`}>{m.version}</Link> ({m.status ?? "candidate"})
          </span>
        ))}
      </p>
      <section className="card" aria-labelledby="curves-heading">
        <h2 id="curves-heading">Loss curves</h2>
        <p className="muted small">Colour is the loss, the dash pattern the model.</p>
        <HistoryChart sources={models.map((m) => ({ label: m.version, history: m.history }))} label="Loss curves of the compared models" />
      </section>
      <section className="card" aria-labelledby="cmp-params-heading">
        <h2 id="cmp-params-heading">Params</h2>
        <CompareTable models={models} field="params" label="Params side by side" />
      </section>
      <section className="card" aria-labelledby="cmp-metrics-heading">
        <h2 id="cmp-metrics-heading">Metrics</h2>
        <CompareTable models={models} field="metrics" label="Metrics side by side" />
      </section>
    </>
  );
}
