// Business dates live in Asia/Shanghai, which has kept UTC+8 without daylight saving since 1991,
// so plain arithmetic is exact and needs no time-zone database inside the workflow sandbox.
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

export type IsoDate = string; // YYYY-MM-DD
export type IsoInstant = string; // ISO-8601 with offset

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 instant with its offset, as commands carry their clock. */
export function isIsoInstant(s: unknown): s is IsoInstant {
  return typeof s === 'string' && INSTANT_RE.test(s) && isIsoDate(s.slice(0, 10)) && Number.isFinite(Date.parse(s));
}

function parts(date: IsoDate): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return [+m[1], +m[2], +m[3]];
}

function fromUtcDay(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The Shanghai calendar date of an instant. */
export function shanghaiDate(instant: IsoInstant | number): IsoDate {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return fromUtcDay(ms + OFFSET_MS);
}

/** An instant written with the +08:00 offset staff read it in. */
export function formatInstant(ms: number): IsoInstant {
  return new Date(ms + OFFSET_MS).toISOString().replace('Z', '+08:00');
}

export function addDays(date: IsoDate, n: number): IsoDate {
  const [y, m, d] = parts(date);
  return fromUtcDay(Date.UTC(y, m - 1, d) + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function yearOf(date: IsoDate): number {
  return parts(date)[0];
}

/** Same day n years on; 29 February falls back to 28 February (Civil Code Art. 202: month end). */
export function addYearsToDate(date: IsoDate, n: number): IsoDate {
  const [y, m, d] = parts(date);
  const last = new Date(Date.UTC(y + n, m, 0)).getUTCDate();
  return `${String(y + n).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The same Shanghai wall-clock time n years on. */
export function addYearsToInstant(instant: IsoInstant, n: number): IsoInstant {
  const ms = Date.parse(instant);
  const date = shanghaiDate(ms);
  const timeOfDay = (ms + OFFSET_MS) % DAY_MS;
  const [y, m, d] = parts(addYearsToDate(date, n));
  return formatInstant(Date.UTC(y, m - 1, d) + timeOfDay - OFFSET_MS);
}

/** 24:00 Asia/Shanghai at the end of the given day. */
export function endOfShanghaiDay(date: IsoDate): IsoInstant {
  const [y, m, d] = parts(date);
  return formatInstant(Date.UTC(y, m - 1, d + 1) - OFFSET_MS);
}

/** A date as a letter writes it: 2026年12月4日. */
export function chineseDate(date: IsoDate): string {
  const [y, m, d] = parts(date);
  return `${y}年${m}月${d}日`;
}

/**
 * An instant as a letter writes it, in Shanghai time: 2027年12月4日13时37分, and a day's end as
 * 24时 of that day (the way a period's last day is written) rather than 0时 of the next.
 */
export function chineseInstant(instant: IsoInstant): string {
  const local = Date.parse(instant) + OFFSET_MS;
  const ofDay = ((local % DAY_MS) + DAY_MS) % DAY_MS;
  if (ofDay === 0) return `${chineseDate(fromUtcDay(local - DAY_MS))}24时`;
  const minutes = Math.floor(ofDay / 60_000);
  return `${chineseDate(fromUtcDay(local))}${Math.floor(minutes / 60)}时${minutes % 60 ? `${minutes % 60}分` : ''}`;
}
