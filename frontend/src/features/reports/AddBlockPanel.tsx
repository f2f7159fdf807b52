import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import type { Chart, Job, Model } from "../../api/types";
import { jobLabel, modelLabel } from "./labels";
import type { ReportEditor } from "./useReportEditor";

export interface BlockSources {
  /** The user's saved charts of the report's dataset (the gallery). */
  charts: Chart[];
  /** Succeeded imputation / synthesis jobs and trained models of the dataset. */
  jobs: Job[];
  models: Model[];
}

/** Forms that add a block at the end: a saved chart, Markdown text, the dataset profile, a job or model summary. */
export function AddBlockPanel({ editor, sources }: { editor: ReportEditor; sources: BlockSources }) {
  const { report, busy } = editor;
  const [chartId, setChartId] = useState("");
  const [markdown, setMarkdown] = useState("");
  const [result, setResult] = useState("");
  const hasProfile = report.blocks.some((block) => block.type === "profile");
  const chosenChart = chartId || sources.charts[0]?.id || "";
  const chosenResult = result || resultOptions(sources)[0]?.value || "";

  const addChart = async (event: FormEvent) => {
    event.preventDefault();
    if (chosenChart) await editor.add({ type: "chart", chart_id: chosenChart });
  };
  const addText = async (event: FormEvent) => {
    event.preventDefault();
    if (markdown.trim() && (await editor.add({ type: "text", markdown }))) setMarkdown("");
  };
  const addResult = async (event: FormEvent) => {
    event.preventDefault();
    const [type, id] = chosenResult.split(":");
    if (type === "job") await editor.add({ type: "job", job_id: id });
    else if (type === "model") await editor.add({ type: "model", model_id: id });
  };

  return (
    <div className="add-blocks">
      <form className="add-block" onSubmit={addChart} aria-labelledby="add-chart-heading">
        <h3 id="add-chart-heading">Add a saved chart</h3>
        {sources.charts.length === 0 ? (
          <p className="muted">No saved charts of this dataset yet.</p>
        ) : (
          <div className="form-row">
            <label>
              Chart
              <select value={chosenChart} onChange={(e) => setChartId(e.target.value)}>
                {sources.charts.map((chart) => (
                  <option key={chart.id} value={chart.id}>
                    {chart.title}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" disabled={busy !== null}>
              {busy === "add:chart" ? "Adding…" : "Add chart"}
            </button>
          </div>
        )}
        <p className="muted">
          Or <Link to={`/datasets/${report.dataset_id}/charts?report=${encodeURIComponent(report.id)}`}>add a recommended chart</Link>.
        </p>
      </form>

      <form className="add-block" onSubmit={addText} aria-labelledby="add-text-heading">
        <h3 id="add-text-heading">Add text</h3>
        <label htmlFor="new-text-block">Markdown</label>
        <textarea
          id="new-text-block"
          rows={4}
          value={markdown}
          onChange={(e) => setMarkdown(e.target.value)}
          placeholder="## What the data shows&#10;Write a paragraph, a list, a link…"
        />
        <div className="button-row">
          <button type="submit" disabled={!markdown.trim() || busy !== null}>
            {busy === "add:text" ? "Adding…" : "Add text"}
          </button>
        </div>
      </form>

      <div className="add-block" role="group" aria-labelledby="add-profile-heading">
        <h3 id="add-profile-heading">Add the dataset profile</h3>
        <p className="muted">Per-column statistics and distributions.</p>
        <button type="button" disabled={hasProfile || busy !== null} onClick={() => editor.add({ type: "profile" })}>
          {hasProfile ? "Profile added" : busy === "add:profile" ? "Adding…" : "Add profile"}
        </button>
      </div>

      <form className="add-block" onSubmit={addResult} aria-labelledby="add-result-heading">
        <h3 id="add-result-heading">Add a job or model summary</h3>
        {resultOptions(sources).length === 0 ? (
          <p className="muted">No finished imputation or synthesis of this dataset yet.</p>
        ) : (
          <div className="form-row">
            <label>
              Result
              <select value={chosenResult} onChange={(e) => setResult(e.target.value)}>
                {resultOptions(sources).map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" disabled={busy !== null}>
              {busy === "add:job" || busy === "add:model" ? "Adding…" : "Add summary"}
            </button>
          </div>
        )}
      </form>
    </div>
  );
}

function resultOptions(sources: BlockSources): { value: string; label: string }[] {
  return [
    ...sources.jobs.map((job) => ({ value: `job:${job.id}`, label: jobLabel(job) })),
    ...sources.models.map((model) => ({ value: `model:${model.id}`, label: modelLabel(model) })),
  ];
}
