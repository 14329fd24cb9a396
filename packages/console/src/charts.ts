// Line charts with uPlot: series over time, horizontal threshold lines (an analysis metric's
// success/failure limits) and vertical marks (the moments the active Service switched revision),
// drawn through uPlot's own draw hook.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  /** [unix seconds, value] */
  readonly points: readonly (readonly [number, number | null])[];
  readonly points_only?: boolean;
}

export interface ChartSpec {
  readonly title: string;
  readonly unit?: string;
  readonly series: readonly ChartSeries[];
  readonly thresholds?: readonly {
    readonly value: number;
    readonly label: string;
    readonly kind: 'success' | 'failure';
  }[];
  readonly marks?: readonly { readonly at: number; readonly label: string }[];
}

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#4b5563'];

function align(series: readonly ChartSeries[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const [x, y] of s.points) column[index.get(x)!] = y;
    return column;
  });
  return [xs, ...ys] as uPlot.AlignedData;
}

export function formatValue(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (unit === 'percentunit') return `${(value * 100).toFixed(value < 0.01 ? 2 : 1)}%`;
  if (unit === 's') return value < 1 ? `${(value * 1000).toFixed(value < 0.01 ? 2 : 0)} ms` : `${value.toFixed(2)} s`;
  if (unit === 'reqps') return `${value.toFixed(1)}/s`;
  return Math.abs(value) >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(3)));
}

/** Draws the chart into `el` (replacing what was there); returns the uPlot instance. */
export function drawChart(el: HTMLElement, spec: ChartSpec): uPlot {
  el.replaceChildren();
  const width = Math.max(260, el.clientWidth || 480);
  const opts: uPlot.Options = {
    title: spec.title,
    width,
    height: 180,
    scales: { x: { time: true } },
    axes: [{}, { values: (_u, splits) => splits.map((v) => formatValue(v, spec.unit)), size: 64 }],
    series: [
      {},
      ...spec.series.map((s, i) => ({
        label: s.label,
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        value: (_u: uPlot, v: number | null) => formatValue(v, spec.unit),
        ...(s.points_only ? { points: { show: true, size: 7 }, paths: () => null } : { points: { show: false } }),
      })),
    ],
    hooks: {
      draw: [
        (u: uPlot) => {
          const ctx = u.ctx;
          const { left, top, width: w, height: hgt } = u.bbox;
          ctx.save();
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.font = `${11 * devicePixelRatio}px sans-serif`;
          for (const t of spec.thresholds ?? []) {
            const y = u.valToPos(t.value, 'y', true);
            if (y < top || y > top + hgt) continue;
            ctx.strokeStyle = t.kind === 'failure' ? '#dc2626' : '#16a34a';
            ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(left, y);
            ctx.lineTo(left + w, y);
            ctx.stroke();
            ctx.fillStyle = ctx.strokeStyle;
            ctx.fillText(t.label, left + 4, y - 4);
          }
          for (const m of spec.marks ?? []) {
            const x = u.valToPos(m.at, 'x', true);
            if (x < left || x > left + w) continue;
            ctx.strokeStyle = '#111827';
            ctx.setLineDash([2 * devicePixelRatio, 3 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + hgt);
            ctx.stroke();
            ctx.fillStyle = '#111827';
            ctx.fillText(m.label, x + 4, top + 12 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
  const data = align(spec.series);
  // Thresholds must be in view: widen the y range to include them.
  const extra = (spec.thresholds ?? []).map((t) => t.value);
  if (extra.length > 0) {
    const values = (data.slice(1) as (number | null)[][]).flat().filter((v): v is number => v !== null);
    const all = [...values, ...extra, 0];
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    opts.scales!.y = { range: [lo, hi === lo ? lo + 1 : hi + (hi - lo) * 0.1] };
  }
  return new uPlot(opts, data, el);
}
