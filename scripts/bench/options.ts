import { parseArgs } from 'node:util';

/** A micro-bench's options: counts of at least 1 with their defaults (`--rounds 4`), and named strings as given (`--server cluster`). */
export function benchOptions<K extends string, S extends string = never>(
  defaults: Record<K, number>,
  strings: readonly S[] = [],
): { counts: Record<K, number>; strings: Partial<Record<S, string>> } {
  const names = [...Object.keys(defaults), ...strings];
  const { values } = parseArgs({ options: Object.fromEntries(names.map((k) => [k, { type: 'string' as const }])) });
  const given = values as Record<string, string | undefined>;
  const counts = Object.fromEntries(Object.entries<number>(defaults).map(([k, d]) => [k, Math.max(1, Number(given[k] ?? d) || d)])) as Record<K, number>;
  return { counts, strings: Object.fromEntries(strings.map((s) => [s, given[s]])) as Partial<Record<S, string>> };
}

export const counts = <K extends string>(defaults: Record<K, number>): Record<K, number> => benchOptions(defaults).counts;
