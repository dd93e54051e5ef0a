// Dependency-free SVG line charts for the report: latency CDFs and
// requests-per-deployment time series.

export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  /** Shaded x range, e.g. the outage window. */
  band?: { from: number; to: number; label: string };
  /** Draw steps instead of straight segments (counts per bin). */
  steps?: boolean;
  width?: number;
  height?: number;
}

const LOG_TICKS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const M = { left: 64, right: 16, top: 60, bottom: 48 };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1000) return `${Math.round(v / 100) / 10}k`;
  if (Math.abs(v) >= 10 || v === 0) return String(Math.round(v * 10) / 10);
  return String(Number(v.toPrecision(2)));
}

export function lineChart(series: readonly Series[], options: ChartOptions): string {
  const W = options.width ?? 720;
  const H = options.height ?? 420;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]).filter((x) => !options.logX || x > 0);
  const ys = all.map((p) => p[1]);
  let xMin = xs.length ? Math.min(...xs) : 0;
  let xMax = xs.length ? Math.max(...xs) : 1;
  if (options.logX) {
    // Widen to the 1-2-5 values around the data, so both ends carry a labelled tick.
    const below = LOG_TICKS.filter((t) => t <= xMin);
    const above = LOG_TICKS.filter((t) => t >= xMax);
    xMin = below[below.length - 1] ?? xMin;
    xMax = above[0] ?? xMax;
  }
  if (options.band) {
    xMin = Math.min(xMin, options.band.from);
    xMax = Math.max(xMax, options.band.to);
  }
  const yMin = 0;
  const yMax = Math.max(1e-9, ...ys) * (options.steps ? 1.1 : 1);
  if (xMax <= xMin) xMax = xMin + 1;
  const lx = (v: number) => Math.log10(Math.max(v, 1e-3));
  const sx = options.logX
    ? (v: number) => M.left + ((lx(v) - lx(xMin)) / Math.max(1e-9, lx(xMax) - lx(xMin))) * pw
    : (v: number) => M.left + ((v - xMin) / (xMax - xMin)) * pw;
  const sy = (v: number) => M.top + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(options.title)}</text>`);
  if (options.band) {
    const x0 = sx(options.band.from);
    const x1 = sx(options.band.to);
    parts.push(`<rect x="${x0}" y="${M.top}" width="${Math.max(0, x1 - x0)}" height="${ph}" fill="#f4cccc" opacity="0.6"/>`);
    parts.push(`<text x="${(x0 + x1) / 2}" y="${M.top + 12}" text-anchor="middle" fill="#990000">${esc(options.band.label)}</text>`);
  }
  const xTicks = options.logX
    ? LOG_TICKS.filter((t) => t >= xMin * 0.999 && t <= xMax * 1.001)
    : niceTicks(xMin, xMax);
  for (const t of xTicks) {
    const x = sx(t);
    parts.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${M.top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(yMin, yMax, 5)) {
    const y = sy(t);
    parts.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle">${esc(options.xLabel)}</text>`);
  parts.push(`<text x="14" y="${M.top + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${M.top + ph / 2})">${esc(options.yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] as string;
    const pts = s.points.filter((p) => !options.logX || p[0] > 0);
    if (pts.length === 0) return;
    let d = '';
    pts.forEach((p, j) => {
      const x = sx(p[0]).toFixed(1);
      const y = sy(p[1]).toFixed(1);
      if (j === 0) d += `M${x},${y}`;
      else if (options.steps) d += `H${x}V${y}`;
      else d += `L${x},${y}`;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
    // Legend above the plot, two entries per row, so it never hides a line.
    const lx = M.left + (i % 2) * (pw / 2);
    const ly = 34 + Math.floor(i / 2) * 14;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 20}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${lx + 25}" y="${ly}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
