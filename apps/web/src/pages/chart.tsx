import { useId } from "react";

/**
 * A horizontal bar chart that is a table: each row a label, a bar scaled to the largest value and
 * the value itself, so it reads the same to screen readers and stays legible at any width.
 */
export function BarChart({ title, data }: { title: string; data: [string, number][] }) {
  const titleId = useId();
  const max = Math.max(0, ...data.map(([, v]) => v));
  return (
    <figure className="chart-figure" aria-labelledby={titleId}>
      <figcaption id={titleId}>{title}</figcaption>
      <table className="bar-chart" aria-labelledby={titleId}>
        <tbody>
          {data.map(([label, value]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>
                <span className="bar-track" aria-hidden="true">
                  <span className="bar" style={{ width: `${max > 0 ? (value / max) * 100 : 0}%` }} />
                </span>
                <span className="bar-value">{formatNumber(value)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const formatNumber = (n: number) => numberFormat.format(n);

/** "Nov 2026" in the reader's locale; periods are UTC month starts. */
const monthFormat = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" });

/**
 * Credits per month for `count` months from `from` (a UTC month start), in order, with a zero for
 * every month that had no usage.
 */
export function monthSeries(
  rows: readonly { period: string; credits: number }[],
  from: Date,
  count: number,
): [string, number][] {
  const series: [string, number][] = [];
  for (let i = 0; i < count; i++) {
    const month = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + i, 1));
    const credits = rows
      .filter((r) => {
        const p = new Date(r.period);
        return p.getUTCFullYear() === month.getUTCFullYear() && p.getUTCMonth() === month.getUTCMonth();
      })
      .reduce((sum, r) => sum + r.credits, 0);
    series.push([monthFormat.format(month), credits]);
  }
  return series;
}
