import { Router } from 'express';
import { DISTRICTS, toPublicNotice, yearOf } from '../../domain';
import { basesAwaitingCalendar, basesInPublicity } from '../../store/bases';
import { getCalendarYears, putCalendarYear } from '../../store/calendar';
import { requireActor } from '../auth';
import { ApiDeps } from '../deps';
import { jsonBody } from '../json-body';
import { forbidden, fromZodError, invalid, notFound } from '../problem';
import { calendarBodySchema, yearParam } from '../schemas/queries';

export function referenceRoutes(deps: ApiDeps): Router {
  const r = Router();

  r.get('/api/districts', (_req, res) => {
    res.json(DISTRICTS);
  });

  r.get('/api/publicity', async (_req, res) => {
    const items = (await basesInPublicity(deps.pool, new Date(deps.now()))).map(toPublicNotice);
    res.json({ items, total: items.length });
  });

  r.get('/api/calendar/:year', async (req, res) => {
    const year = yearParam.safeParse(req.params.year);
    if (!year.success) throw notFound('no schedule for that year');
    const [y] = await getCalendarYears(deps.pool, [year.data]);
    if (!y) throw notFound(`the ${year.data} holiday schedule is not loaded`);
    res.json(y);
  });

  r.put('/api/calendar/:year', requireActor(deps.config.tokens), jsonBody('64kb'), async (req, res) => {
    if (req.actor!.role !== 'admin') throw forbidden('only an admin loads the holiday schedule');
    const year = yearParam.safeParse(req.params.year);
    if (!year.success) throw fromZodError(year.error, 'year');
    const body = calendarBodySchema.safeParse(req.body);
    if (!body.success) throw fromZodError(body.error);
    const { holidays, workdays } = body.data;
    const problems = [
      ...[holidays, workdays].flatMap((list, i) =>
        list.filter((d) => yearOf(d) !== year.data).map((d) => ({ path: i ? 'workdays' : 'holidays', message: `${d} is not in ${year.data}` })),
      ),
      ...holidays.filter((d) => workdays.includes(d)).map((d) => ({ path: 'workdays', message: `${d} is listed as both a holiday and a working day` })),
      ...[holidays, workdays].flatMap((list, i) =>
        list.filter((d, k) => list.indexOf(d) !== k).map((d) => ({ path: i ? 'workdays' : 'holidays', message: `${d} is listed twice` })),
      ),
    ];
    if (problems.length) throw invalid('the schedule is inconsistent', problems);
    await putCalendarYear(deps.pool, { year: year.data, holidays, workdays }, req.actor!);
    const waiting = await basesAwaitingCalendar(deps.pool, year.data);
    await deps.gateway.nudgeCalendar(waiting, year.data);
    deps.log('info', 'calendar loaded', { year: year.data, by: req.actor!.sub, resumedWindows: waiting.length });
    const [stored] = await getCalendarYears(deps.pool, [year.data]);
    res.json(stored);
  });

  return r;
}
