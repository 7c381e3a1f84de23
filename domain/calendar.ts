import { addDays, endOfShanghaiDay, IsoDate, IsoInstant, weekday, yearOf } from './time';

/** One year of the State Council's schedule: days off, and weekend days made working days (调休). */
export interface YearSchedule {
  year: number;
  holidays: IsoDate[];
  workdays: IsoDate[];
}

export type WindowResult =
  | { kind: 'scheduled'; firstDay: IsoDate; lastDay: IsoDate; endsAt: IsoInstant }
  /** The window runs into a year not loaded; its first day is known if it falls before that year. */
  | { kind: 'missing_year'; year: number; firstDay?: IsoDate };

export function isWorkingDay(date: IsoDate, schedule: YearSchedule): boolean {
  if (schedule.workdays.includes(date)) return true;
  if (schedule.holidays.includes(date)) return false;
  const wd = weekday(date);
  return wd !== 0 && wd !== 6;
}

/**
 * A window of n working days: it starts on the first working day on or after the day it opens and
 * ends at 24:00 Asia/Shanghai on the nth. A year without a loaded schedule is never guessed.
 */
export function workingDayWindow(
  openedOn: IsoDate,
  n: number,
  scheduleOf: (year: number) => YearSchedule | undefined,
): WindowResult {
  let firstDay: IsoDate | undefined;
  let counted = 0;
  for (let day = openedOn; ; day = addDays(day, 1)) {
    const schedule = scheduleOf(yearOf(day));
    if (!schedule) return { kind: 'missing_year', year: yearOf(day), ...(firstDay ? { firstDay } : {}) };
    if (!isWorkingDay(day, schedule)) continue;
    firstDay ??= day;
    counted += 1;
    if (counted === n) return { kind: 'scheduled', firstDay, lastDay: day, endsAt: endOfShanghaiDay(day) };
  }
}

/** The same window from loaded schedules (the calendar table's, or those an approval carries). */
export function windowFromSchedules(openedOn: IsoDate, n: number, schedules: YearSchedule[]): WindowResult {
  return workingDayWindow(openedOn, n, (y) => schedules.find((s) => s.year === y));
}

/** The years a window opening on this day may need, so a caller can load them in one go. */
export function yearsSpanned(openedOn: IsoDate, n: number): number[] {
  // Even the longest Chinese holiday run (Spring Festival + weekends) stays far below 30 days.
  const first = yearOf(openedOn);
  const last = yearOf(addDays(openedOn, n + 30));
  return first === last ? [first] : [first, last];
}
