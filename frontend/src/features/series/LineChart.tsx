import { useEffect, useEffectEvent, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface LineSpec {
  label: string;
  color: string;
  dash?: number[];
  width?: number;
  /** Draw markers (for the imputed stretch or sparse series). */
  points?: boolean;
  /** Only markers, no line (scatter). */
  pointsOnly?: boolean;
}

export interface LineChartProps {
  /** [x, ...one array per line]; same length each. */
  data: uPlot.AlignedData;
  lines: LineSpec[];
  /** Bumped by the caller whenever `data` changed in place. */
  version?: number;
  isTime?: boolean;
  height?: number;
  /** Inclusive index ranges to shade (gaps that were filled). */
  shade?: [number, number][];
  ariaLabel: string;
  xLabel?: string;
  /** Milliseconds from setData to the finished canvas draw. */
  onRedraw?: (ms: number) => void;
}

const SHADE = "rgba(255, 159, 28, 0.16)";
const WHOLE_INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

/** uPlot on a canvas: smooth with 10,000+ points; new data is applied with setData (no re-create). */
export function LineChart({ data, lines, version = 0, isTime = false, height = 260, shade, ariaLabel, xLabel, onRedraw }: LineChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const pendingSince = useRef<number | null>(null);
  // uPlot's draw hooks, made once with the chart, read the latest props through these.
  const currentShade = useEffectEvent(() => shade);
  const reportRedraw = useEffectEvent((ms: number) => onRedraw?.(ms));
  const linesKey = JSON.stringify(lines) + String(isTime);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const width = Math.max(240, element.clientWidth || 600);
    const options: uPlot.Options = {
      width,
      height,
      scales: { x: { time: isTime } },
      // Steps and epochs are whole numbers: no 1.5 ticks on a step axis.
      axes: [isTime ? { label: xLabel } : { label: xLabel, incrs: WHOLE_INCREMENTS }, {}],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        {},
        ...lines.map((line) => ({
          label: line.label,
          stroke: line.pointsOnly ? "transparent" : line.color,
          width: line.pointsOnly ? 0 : line.width ?? 1.5,
          dash: line.dash,
          spanGaps: false,
          points: line.pointsOnly
            ? { show: true, size: 5, stroke: line.color, fill: line.color }
            : line.points
              ? { show: true, size: 4, stroke: line.color, fill: line.color }
              : { show: false },
        })),
      ],
      hooks: {
        drawClear: [
          (u) => {
            const ranges = currentShade();
            if (!ranges?.length) return;
            const xs = u.data[0];
            const { ctx } = u;
            const { top, height: h } = u.bbox;
            ctx.save();
            ctx.fillStyle = SHADE;
            for (const [start, end] of ranges) {
              const from = u.valToPos(xs[Math.max(0, start - 1)], "x", true);
              const to = u.valToPos(xs[Math.min(xs.length - 1, end + 1)], "x", true);
              ctx.fillRect(from, top, Math.max(1, to - from), h);
            }
            ctx.restore();
          },
        ],
        draw: [
          () => {
            if (pendingSince.current !== null) {
              const ms = performance.now() - pendingSince.current;
              pendingSince.current = null;
              reportRedraw(ms);
            }
          },
        ],
      },
    };
    const chart = new uPlot(options, data, element);
    plot.current = chart;
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => {
      const next = Math.max(240, element.clientWidth);
      if (Math.abs(next - chart.width) > 2) chart.setSize({ width: next, height });
    });
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Re-create only when the set of lines changes; data changes go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [linesKey, height]);

  useEffect(() => {
    const chart = plot.current;
    if (!chart) return;
    pendingSince.current = performance.now();
    chart.setData(data);
  }, [data, version]);

  return <div ref={container} className="line-chart" role="img" aria-label={ariaLabel} />;
}
