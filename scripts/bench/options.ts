import { parseArgs } from 'node:util';

/** A micro-bench's options, each a count of at least 1 with its default (`--rounds 4`). */
export function counts<K extends string>(defaults: Record<K, number>): Record<K, number> {
  const { values } = parseArgs({ options: Object.fromEntries(Object.keys(defaults).map((k) => [k, { type: 'string' as const }])) });
  const given = values as Record<string, string | undefined>;
  return Object.fromEntries(Object.entries<number>(defaults).map(([k, d]) => [k, Math.max(1, Number(given[k] ?? d) || d)])) as Record<K, number>;
}
