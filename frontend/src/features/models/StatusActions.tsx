import { setModelStatus, type ModelRecord, type ModelStatus } from "../../api/models";
import { useAction } from "../../lib/useAction";
import { ErrorMessage } from "../ui/Status";

const ACTIONS: { to: ModelStatus; label: string; from: ModelStatus[] }[] = [
  { to: "production", label: "Promote to production", from: ["candidate", "archived"] },
  { to: "candidate", label: "Back to candidate", from: ["production", "archived"] },
  { to: "archived", label: "Archive", from: ["candidate", "production"] },
];

/** The model's status and the moves from it; the server demotes the previous production model of the kind in the project. */
export function StatusActions({ model, onChanged }: { model: ModelRecord; onChanged: (model: ModelRecord) => void }) {
  const { busy, error, run } = useAction();
  const status = model.status ?? "candidate";
  return (
    <div className="status-actions">
      <p>
        Status: <span className={`model-status model-status-${status}`} data-testid="model-status">{status}</span>
      </p>
      <div className="button-row">
        {ACTIONS.filter((action) => action.from.includes(status)).map((action) => (
          <button
            key={action.to}
            type="button"
            className={action.to === "production" ? "primary" : undefined}
            disabled={busy}
            onClick={() => run(async () => onChanged(await setModelStatus(model.id, action.to)))}
          >
            {action.label}
          </button>
        ))}
      </div>
      {status !== "production" && (
        <p className="muted small">Promoting makes this the project's one production {model.kind} model; the previous one goes back to candidate.</p>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
