// What the benches share to print their figures: Markdown tables, numbers, percentiles and progress lines.

/** A number with `digits` decimals, or "–" where there is none. */
export const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** A line on stderr, so that stdout holds only the tables. */
export const progress = (line) => process.stderr.write(`  ${line}\n`);

/** A Markdown table. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The `p`th percentile (nearest rank) of values sorted in ascending order; NaN when there are none. */
export function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}
