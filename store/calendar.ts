import { Pool, PoolClient } from 'pg';
import { Actor, formatInstant, IsoDate, LONGEST_PUBLICITY_WORKING_DAYS, windowFromSchedules, WindowResult, YearSchedule, yearsSpanned } from '../domain';
import { prepared } from './prepared';

type Db = Pool | PoolClient;

interface ChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const SEED_SOURCE = 'chinese-days (State Council notices)';

/** The years the chinese-days package carries, as loaded schedules; an admin's own load wins. */
export async function seedCalendarYears(db: Db): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const data: ChineseDays = require('chinese-days/dist/chinese-days.json');
  const years = new Map<number, YearSchedule>();
  const yearOf = (d: string) => {
    const y = Number(d.slice(0, 4));
    if (!years.has(y)) years.set(y, { year: y, holidays: [], workdays: [] });
    return years.get(y)!;
  };
  for (const d of Object.keys(data.holidays)) yearOf(d).holidays.push(d);
  for (const d of Object.keys(data.workdays)) yearOf(d).workdays.push(d);
  for (const y of years.values()) {
    await db.query(
      `INSERT INTO calendar_years (year, holidays, workdays, source) VALUES ($1, $2, $3, $4) ON CONFLICT (year) DO NOTHING`,
      [y.year, JSON.stringify(y.holidays.sort()), JSON.stringify(y.workdays.sort()), SEED_SOURCE],
    );
  }
}

export interface StoredYear extends YearSchedule {
  source: string;
  loadedAt: string;
}

export async function getCalendarYears(db: Db, years: number[]): Promise<StoredYear[]> {
  const { rows } = await db.query(prepared('SELECT year, holidays, workdays, source, loaded_at FROM calendar_years WHERE year = ANY($1::int[]) ORDER BY year', [years]));
  return rows.map((r) => ({ year: r.year, holidays: r.holidays, workdays: r.workdays, source: r.source, loadedAt: formatInstant(r.loaded_at.getTime()) }));
}

export async function putCalendarYear(db: Db, y: YearSchedule, by: Actor): Promise<void> {
  await db.query(
    `INSERT INTO calendar_years (year, holidays, workdays, source, loaded_by, loaded_at) VALUES ($1, $2, $3, 'admin', $4, now())
     ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
       source = EXCLUDED.source, loaded_by = EXCLUDED.loaded_by, loaded_at = EXCLUDED.loaded_at`,
    [y.year, JSON.stringify([...y.holidays].sort()), JSON.stringify([...y.workdays].sort()), JSON.stringify({ sub: by.sub, name: by.name, role: by.role })],
  );
}

/** A publicity window from the calendar table: the window, or the first year that is not loaded. */
export async function windowFromCalendar(db: Db, openedOn: IsoDate, workingDays: number): Promise<WindowResult> {
  const asked = new Set(yearsSpanned(openedOn, workingDays));
  const schedules: YearSchedule[] = await getCalendarYears(db, [...asked]);
  for (;;) {
    const window = windowFromSchedules(openedOn, workingDays, schedules);
    if (window.kind === 'scheduled' || asked.has(window.year)) return window;
    // Loaded schedules with days off enough to carry the window past the years it usually spans:
    // the next year is read, not taken for missing (a base would wait for a year that is loaded).
    asked.add(window.year);
    schedules.push(...(await getCalendarYears(db, [window.year])));
  }
}

/** The schedules a publicity window opening on this day may need under any policy: what an approval carries to its workflow. */
export async function schedulesFrom(db: Db, openedOn: IsoDate): Promise<YearSchedule[]> {
  const years = await getCalendarYears(db, yearsSpanned(openedOn, LONGEST_PUBLICITY_WORKING_DAYS));
  return years.map(({ year, holidays, workdays }) => ({ year, holidays, workdays }));
}
