import { useParams } from "react-router-dom";
import { listCharts } from "../api/charts";
import { getDataset } from "../api/datasets";
import { listJobs } from "../api/jobs";
import { listModels } from "../api/models";
import { getReport } from "../api/reports";
import type { BlockSources } from "../features/reports/AddBlockPanel";
import { ReportEditorView } from "../features/reports/ReportEditorView";
import { ErrorMessage, Loading } from "../features/ui/Status";
import { useAsync } from "../lib/useAsync";

// The API's largest page: the pickers offer the newest 100 charts, jobs and models of the dataset.
const PICKER_SIZE = 100;

/** One report in the editor, with what can be added to it: the dataset's saved charts, finished jobs and models. */
export default function ReportPage() {
  const { reportId = "" } = useParams();
  const loaded = useAsync(
    async (signal) => {
      const report = await getReport(reportId, signal);
      const datasetId = report.dataset_id;
      const [dataset, charts, jobs, models] = await Promise.all([
        getDataset(datasetId, signal).catch(() => null), // the name is a nicety; the report opens without it
        listCharts({ dataset_id: datasetId, page_size: PICKER_SIZE }, signal),
        listJobs({ status: "succeeded", page_size: PICKER_SIZE }, signal),
        listModels({ page_size: PICKER_SIZE }, signal),
      ]);
      const sources: BlockSources = {
        charts: charts.items,
        jobs: jobs.items.filter((job) => job.dataset_id === datasetId),
        models: models.items.filter((model) => model.dataset_id === datasetId),
      };
      return { report, sources, datasetName: dataset?.filename };
    },
    [reportId],
  );
  if (loaded.loading && !loaded.data) return <Loading label="Loading report…" />;
  if (loaded.error || !loaded.data) return <ErrorMessage error={loaded.error ?? "Not found"} onRetry={loaded.reload} />;
  const { report, sources, datasetName } = loaded.data;
  return <ReportEditorView key={report.id} initial={report} sources={sources} datasetName={datasetName} />;
}
