import { useState, type FormEvent } from "react";
import { startSynthesizer } from "../../api/synthesizers";
import type { Dataset, Job, SynthesizerRequest } from "../../api/types";
import { useAction } from "../../lib/useAction";
import { Empty, ErrorMessage } from "../ui/Status";

type TimeGanNumbers = Required<Pick<SynthesizerRequest, "seq_len" | "hidden_size" | "num_layers" | "batch_size" | "iterations" | "learning_rate" | "seed">>;

/** TimeGAN settings (features, cell, sizes, steps) and the Train button that starts the job. */
export function SynthesizerForm({ dataset, disabled, onStarted }: { dataset: Dataset; disabled: boolean; onStarted: (job: Job) => void }) {
  const numeric = dataset.columns.filter((c) => c.type === "quantitative").map((c) => c.name);
  const [columns, setColumns] = useState<string[]>(numeric);
  const [settings, setSettings] = useState<TimeGanNumbers>({
    seq_len: 24,
    hidden_size: 24,
    num_layers: 3,
    batch_size: 128,
    iterations: 1000,
    learning_rate: 0.001,
    seed: 0,
  });
  const [module, setModule] = useState<"gru" | "lstm">("gru");
  const start = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start.run(async () => onStarted(await startSynthesizer(dataset.id, { ...settings, module, columns })));
  };
  const numberField = (key: keyof TimeGanNumbers, label: string, min: number, max: number, step: number | "any" = 1) => (
    <label>
      {label}
      <input type="number" min={min} max={max} step={step} value={settings[key]} onChange={(e) => setSettings({ ...settings, [key]: Number(e.target.value) })} />
    </label>
  );

  if (numeric.length === 0) return <Empty>This dataset has no numeric columns to learn from.</Empty>;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="timegan-settings">
      <h2 id="timegan-settings">TimeGAN settings</h2>
      <fieldset className="checkboxes">
        <legend>Features</legend>
        {numeric.map((name) => (
          <label key={name} className="checkbox">
            <input
              type="checkbox"
              checked={columns.includes(name)}
              onChange={(e) => setColumns(e.target.checked ? [...columns, name] : columns.filter((n) => n !== name))}
            />
            {name}
          </label>
        ))}
      </fieldset>
      <div className="form-row">
        {numberField("seq_len", "Sequence length", 2, 1000)}
        <label>
          Cell
          <select value={module} onChange={(e) => setModule(e.target.value as "gru" | "lstm")}>
            <option value="gru">GRU</option>
            <option value="lstm">LSTM</option>
          </select>
        </label>
        {numberField("hidden_size", "Hidden size", 1, 1024)}
        {numberField("num_layers", "Layers", 1, 10)}
        {numberField("batch_size", "Batch size", 1, 4096)}
        {numberField("iterations", "Iterations per phase", 1, 100000)}
        {numberField("learning_rate", "Learning rate", 0.000001, 1, "any")}
        {numberField("seed", "Seed", 0, 2 ** 31)}
      </div>
      <ErrorMessage error={start.error} />
      <button type="submit" className="primary" disabled={disabled || start.busy || columns.length === 0}>
        {start.busy ? "Starting…" : "Train"}
      </button>
    </form>
  );
}
