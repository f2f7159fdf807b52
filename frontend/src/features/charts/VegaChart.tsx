import { useEffect, useEffectEvent, useRef, useState } from "react";
import { hideChartTooltip } from "../../lib/tooltip";
import { renderVegaLite, type EmbedResult, type VegaLiteSpec } from "../../lib/vega";
import { ErrorMessage, Loading } from "../ui/Status";

export interface VegaChartProps {
  spec: VegaLiteSpec;
  ariaLabel: string;
  renderer?: "svg" | "canvas";
  fitWidth?: boolean;
  /** The rendered view, for exports; null again when it is torn down. */
  onView?: (result: EmbedResult | null) => void;
}

/** A Vega-Lite spec drawn with vega-embed (loaded on first use). */
export function VegaChart({ spec, ariaLabel, renderer = "svg", fitWidth = true, onView }: VegaChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "error">("loading");
  const [error, setError] = useState<unknown>(null);
  // The parent's onView of the latest render, without redrawing the chart when only that callback changed.
  const reportView = useEffectEvent((result: EmbedResult | null) => onView?.(result));

  useEffect(() => {
    const target = element.current;
    if (!target) return;
    let cancelled = false;
    let result: EmbedResult | null = null;
    setState("loading");
    renderVegaLite(target, spec, { renderer, fitWidth })
      .then((embedded) => {
        if (cancelled) {
          embedded.finalize();
          return;
        }
        result = embedded;
        setState("ready");
        reportView(embedded);
      })
      .catch((err) => {
        if (cancelled) return;
        setError(err);
        setState("error");
      });
    return () => {
      cancelled = true;
      if (result) hideChartTooltip();
      result?.finalize();
      reportView(null);
    };
  }, [spec, renderer, fitWidth]);

  return (
    <div className="vega-chart" aria-busy={state === "loading"}>
      {state === "loading" && <Loading label="Drawing chart…" />}
      {state === "error" && <ErrorMessage error={error} />}
      <div ref={element} role="img" aria-label={ariaLabel} className="vega-target" data-state={state} />
    </div>
  );
}
