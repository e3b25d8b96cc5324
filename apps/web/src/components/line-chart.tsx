/** A small responsive SVG line chart of values in order (oldest first), with the axis range and points. */
export function LineChart({ values, labels, label }: { values: number[]; labels: string[]; label: string }) {
  const W = 640;
  const H = 200;
  const pad = { l: 40, r: 16, t: 16, b: 28 };
  if (values.length === 0) return <p class="empty small">No matches to chart yet.</p>;
  const min = Math.min(0, ...values);
  const max = Math.max(...values, min + 1);
  const x = (i: number) => pad.l + (values.length === 1 ? (W - pad.l - pad.r) / 2 : (i * (W - pad.l - pad.r)) / (values.length - 1));
  const y = (v: number) => pad.t + (1 - (v - min) / (max - min)) * (H - pad.t - pad.b);
  const line = values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const area = `${line} L${x(values.length - 1).toFixed(1)},${y(min)} L${x(0).toFixed(1)},${y(min)} Z`;
  const ticks = [min, (min + max) / 2, max];
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: ${values.join(', ')}`}>
      <defs>
        <linearGradient id="chart-fill" x1="0" x2="0" y1="0" y2="1">
          <stop offset="0%" stop-color="var(--accent)" stop-opacity="0.28" />
          <stop offset="100%" stop-color="var(--accent)" stop-opacity="0" />
        </linearGradient>
      </defs>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} class="grid" />
          <text x={pad.l - 8} y={y(t) + 4} text-anchor="end" class="tick">
            {Math.round(t)}
          </text>
        </g>
      ))}
      <path d={area} fill="url(#chart-fill)" />
      <path d={line} class="line" fill="none" />
      {values.map((v, i) => (
        <g key={i}>
          <circle cx={x(i)} cy={y(v)} r="4" class="point">
            <title>{`${labels[i]}: ${v}`}</title>
          </circle>
          {values.length <= 12 && (
            <text x={x(i)} y={H - 8} text-anchor={values.length > 1 && i === 0 ? 'start' : values.length > 1 && i === values.length - 1 ? 'end' : 'middle'} class="tick">
              {labels[i]}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
