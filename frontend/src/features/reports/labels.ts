import type { ReportBlock } from "../../api/reports";
import type { Job, Model } from "../../api/types";
import { formatDate } from "../../lib/format";
import type { BlockSources } from "./AddBlockPanel";

export const jobLabel = (job: Job): string => `${job.kind} job of ${formatDate(job.finished_at ?? job.created_at)}`;
export const modelLabel = (model: Model): string => `${model.kind} model v${model.version} of ${formatDate(model.created_at)}`;
export const blockCount = (n: number): string => `${n} block${n === 1 ? "" : "s"}`;

/** "Chart: mpg by origin", "Text: ## Findings…", "Dataset profile", "imputation job of …". */
export function describeBlock(block: ReportBlock, sources: BlockSources): string {
  switch (block.type) {
    case "chart": {
      const chart = sources.charts.find((c) => c.id === block.chart_id);
      return `Chart: ${chart ? chart.title : "a saved chart"}`;
    }
    case "text": {
      const text = (block.markdown ?? "").replace(/\s+/g, " ").trim();
      return `Text: ${text.length > 60 ? `${text.slice(0, 60)}…` : text || "(empty)"}`;
    }
    case "profile":
      return "Dataset profile";
    case "job": {
      const job = sources.jobs.find((j) => j.id === block.job_id);
      return `Summary: ${job ? jobLabel(job) : "a job"}`;
    }
    case "model": {
      const model = sources.models.find((m) => m.id === block.model_id);
      return `Summary: ${model ? modelLabel(model) : "a model"}`;
    }
    default:
      return "Block";
  }
}
