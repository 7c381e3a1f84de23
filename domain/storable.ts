// PostgreSQL stores neither NUL nor half of a surrogate pair (jsonb refuses both): a decision
// carrying one would be accepted by the workflow and then never persist, stalling the base.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const storable = (s: string) => !UNSTORABLE.test(s);
export const STORABLE = 'contains a character that cannot be stored (NUL or an unpaired surrogate)';

/** Whether every string anywhere in a value, keys included, can be stored. */
export function allStorable(value: unknown): boolean {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.every(allStorable);
  if (value && typeof value === 'object') return Object.entries(value).every(([k, v]) => storable(k) && allStorable(v));
  return true;
}
