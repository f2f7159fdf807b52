const PHASES = [
  ["embedding", "Embedding (autoencoder)"],
  ["supervised", "Supervised (next step)"],
  ["joint", "Joint (adversarial)"],
] as const;

/** TimeGAN's three training phases: done, current, to come. */
export function PhaseSteps({ phase, finished }: { phase: string | undefined; finished: boolean }) {
  const current = PHASES.findIndex(([name]) => name === phase);
  return (
    <ol className="phase-steps" aria-label="Training phases">
      {PHASES.map(([name, label], i) => {
        const state = finished || i < current ? "done" : i === current ? "current" : "todo";
        return (
          <li key={name} className={`phase-step ${state}`} aria-current={state === "current" ? "step" : undefined}>
            {label}
            <span className="visually-hidden"> ({state === "todo" ? "to come" : state})</span>
          </li>
        );
      })}
    </ol>
  );
}
