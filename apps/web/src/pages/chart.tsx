/** A small accessible SVG bar chart: a figure with a caption and a text table for screen readers. */
export function BarChart({ title, data }: { title: string; data: [string, number][] }) {
  const max = Math.max(1, ...data.map(([, v]) => v));
  const barHeight = 22;
  const height = data.length * (barHeight + 8) + 8;
  return (
    <figure className="chart-figure" style={{ margin: 0 }}>
      <figcaption>{title}</figcaption>
      <svg className="chart" viewBox={`0 0 320 ${height}`} role="img" aria-label={title}>
        {data.map(([label, value], i) => {
          const y = 8 + i * (barHeight + 8);
          const width = Math.max(2, (value / max) * 180);
          return (
            <g key={label}>
              <text x="0" y={y + 15}>
                {label.length > 16 ? `${label.slice(0, 15)}…` : label}
              </text>
              <rect className="bar" x="110" y={y} width={width} height={barHeight} rx="3" />
              <text x={114 + width} y={y + 15}>
                {Math.round(value * 100) / 100}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <tbody>
          {data.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
