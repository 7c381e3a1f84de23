import { LONGEST_PUBLICITY_WORKING_DAYS, shanghaiDate, windowFromSchedules, yearsSpanned } from '../domain';
import { getCalendarYears, windowFromCalendar } from '../store/calendar';
import { ApiDeps } from './deps';

const EVERY_MS = 6 * 3600_000;

/** The years a publicity window opened today could reach (a month's margin, or on as far as loaded days off carry it), and those with no schedule loaded. */
export async function calendarAhead(deps: Pick<ApiDeps, 'pool' | 'now'>): Promise<{ needed: number[]; missing: number[] }> {
  const today = shanghaiDate(deps.now());
  const needed = yearsSpanned(today, LONGEST_PUBLICITY_WORKING_DAYS);
  const schedules = await getCalendarYears(deps.pool, needed);
  const missing = needed.filter((y) => !schedules.some((s) => s.year === y));
  // Loaded schedules with unusually many days off can carry a window past the month's margin: read on as the window does.
  const carried = !missing.length && windowFromSchedules(today, LONGEST_PUBLICITY_WORKING_DAYS, schedules).kind === 'missing_year';
  const reach = carried ? await windowFromCalendar(deps.pool, today, LONGEST_PUBLICITY_WORKING_DAYS) : undefined;
  if (reach?.kind === 'missing_year') return { needed: [...needed, reach.year], missing: [reach.year] };
  return { needed, missing };
}

/**
 * A window that reaches a year with no schedule waits until an admin loads it, and its base waits
 * with it. So that the bureau loads the State Council's new schedule before that happens, each API
 * process checks at start and every six hours, and warns from a month before any window could wait.
 */
export function startCalendarWatch(deps: Pick<ApiDeps, 'pool' | 'now' | 'log'>): () => void {
  const check = async () => {
    try {
      const { needed, missing } = await calendarAhead(deps);
      for (const year of missing) {
        deps.log('warn', 'calendar year not loaded', {
          year,
          detail: `publicity windows that reach ${year} will wait until an admin loads its schedule: PUT /api/calendar/${year}`,
        });
      }
      if (!missing.length) deps.log('info', 'calendar loaded for the windows that can open now', { years: needed });
    } catch (err) {
      deps.log('warn', 'calendar check failed', { error: String(err) });
    }
  };
  void check();
  const timer = setInterval(() => void check(), EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
