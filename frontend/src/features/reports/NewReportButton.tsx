import { useNavigate } from "react-router-dom";
import { createReport } from "../../api/reports";
import { useAction } from "../../lib/useAction";
import { ErrorMessage } from "../ui/Status";

/** Starts a report on a dataset (titled after it, renamed in the editor) and opens the editor. */
export function NewReportButton({ datasetId, datasetName }: { datasetId: string; datasetName: string }) {
  const navigate = useNavigate();
  const { busy, error, run } = useAction();
  const start = () =>
    run(async () => {
      const report = await createReport({ dataset_id: datasetId, title: `Report on ${datasetName}`.slice(0, 200) });
      navigate(`/reports/${report.id}`);
    });
  return (
    <>
      <button type="button" onClick={start} disabled={busy}>
        {busy ? "Creating…" : "New report"}
      </button>
      <ErrorMessage error={error} />
    </>
  );
}
