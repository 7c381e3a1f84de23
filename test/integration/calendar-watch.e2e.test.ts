import { addDays, IsoDate, LONGEST_PUBLICITY_WORKING_DAYS, shanghaiDate, yearsSpanned } from '../../domain';
import { calendarAhead, startCalendarWatch } from '../../api/calendar-watch';
import { windowFromCalendar } from '../../store/calendar';
import { openApiDocument } from '../../api/openapi';
import { storedCalendarSchema } from '../../api/schemas/queries';
import { Logger } from '../../runtime/log';
import { client, staff } from '../support/http';
import { until } from '../support/poll';
import { loggedLines, startStack, Stack } from '../support/stack';
import { withOwnApi } from '../support/own-api';

// A window that reaches a year with no schedule waits, and its base with it, until an admin loads
// the year: the API tells the operator in time to load it first.
jest.setTimeout(120_000);
let stack: Stack;
let startedOn: IsoDate;
beforeAll(async () => {
  startedOn = shanghaiDate(Date.now());
  stack = await startStack('calwatch', { worker: false, env: { LOG_LEVEL: 'info' } });
});
afterAll(() => stack?.stop());

const CHECKED = 'calendar loaded for the windows that can open now';

test('at start, the API says which years the windows that can open today need, all loaded', async () => {
  const line = await until(
    'the calendar check logged',
    async () => loggedLines(stack, 'api').map((l) => JSON.parse(l)).find((l) => l.msg === CHECKED),
    (l) => l !== undefined,
  );
  expect(line.level).toBe('info');
  // The API checked on the day it started, which a run that crosses Shanghai's midnight has left.
  const onDays = [startedOn, shanghaiDate(Date.now())].map((d) => yearsSpanned(d, LONGEST_PUBLICITY_WORKING_DAYS));
  expect(onDays).toContainEqual(line.years);
});

test('from a month before a window could reach a year with no schedule, the API warns, naming the year and how to load it, until it is loaded', async () => {
  const lines: { level: string; msg: string; year?: number; detail?: string }[] = [];
  const log: Logger = (level, msg, fields) => lines.push({ level, msg, ...fields });
  const on = (day: string) => ({ pool: stack.pool, log, now: () => Date.parse(`${day}T04:00:00Z`) });
  const warningsOn = async (day: string) => {
    lines.length = 0;
    const stop = startCalendarWatch(on(day));
    await until('the check done', async () => lines.length, (n) => n > 0);
    stop();
    return lines.filter((l) => l.level === 'warn').map((l) => l.year);
  };

  expect(await warningsOn('2099-06-01')).toEqual([2099]);
  const [warned] = lines;
  expect(warned).toMatchObject({ msg: 'calendar year not loaded', year: 2099 });
  expect(warned.detail).toContain('PUT /api/calendar/2099');

  const http = client(stack.url);
  const put = await http.call('PUT', '/api/calendar/2099', { token: staff.admin(), body: { holidays: ['2099-01-01'], workdays: [] } });
  expect(put.status).toBe(200);
  // Both answers are what the served OpenAPI document says they are.
  const got = await http.call('GET', '/api/calendar/2099');
  for (const answer of [put.body, got.body]) expect(storedCalendarSchema.parse(answer)).toMatchObject({ year: 2099, holidays: ['2099-01-01'], source: 'admin' });
  expect((openApiDocument() as any).paths['/api/calendar/{year}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/StoredCalendar' });
  expect(await warningsOn('2099-06-01')).toEqual([]);
  expect(await warningsOn('2099-11-01')).toEqual([]);
  // A window opened now may run past New Year's Day: next year's schedule is wanted from here on.
  expect(await warningsOn('2099-12-01')).toEqual([2100]);
  expect(await calendarAhead(on('2099-12-01'))).toEqual({ needed: [2099, 2100], missing: [2100] });
});

test('readiness names the years a window opened today could reach and which have no schedule, and a missing one leaves the API ready', async () => {
  const http = client(stack.url);
  const needed = yearsSpanned(shanghaiDate(Date.now()), LONGEST_PUBLICITY_WORKING_DAYS);
  const ready = await http.call('GET', '/readyz');
  expect([ready.status, ready.body]).toEqual([200, { status: 'ready', checks: { postgres: true, temporal: true }, calendar: { needed, missing: [] } }]);

  // This year's schedule set aside (its key negated, every column kept) and put back afterwards.
  const [thisYear] = needed;
  await stack.pool.query('UPDATE calendar_years SET year = -year WHERE year = $1', [thisYear]);
  try {
    const r = await http.call('GET', '/readyz');
    expect([r.status, r.body.status, r.body.calendar]).toEqual([200, 'ready', { needed, missing: [thisYear] }]);
  } finally {
    await stack.pool.query('UPDATE calendar_years SET year = -year WHERE year = $1', [-thisYear]);
  }
  expect((await http.call('GET', '/readyz')).body.calendar).toEqual({ needed, missing: [] });
});

test('an API pointed at a namespace Temporal does not have is not ready: a balancer sends it nothing', async () => {
  await withOwnApi(stack, { env: { TEMPORAL_NAMESPACE: 'no-such-namespace' } }, async (api) => {
    const r = await api.call('GET', '/readyz', { timeoutMs: 20_000 });
    expect([r.status, r.body.status, r.body.checks]).toEqual([503, 'unavailable', { postgres: true, temporal: false }]);
  });
});

test('a window carried past the years it usually spans by loaded days off reads on into the next year, and waits only for a year not loaded', async () => {
  const http = client(stack.url);
  const daysFrom = (from: IsoDate, to: IsoDate) => {
    const days: IsoDate[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
    return days;
  };
  const load = async (year: number, holidays: IsoDate[]) =>
    expect((await http.call('PUT', `/api/calendar/${year}`, { token: staff.admin(), body: { holidays, workdays: [] } })).status).toBe(200);
  // An admin's mistaken load, say: every day off from December 2096 to the end of 2097.
  await load(2096, daysFrom('2096-12-01', '2096-12-31'));
  await load(2097, daysFrom('2097-01-01', '2097-12-31'));
  const on = { pool: stack.pool, now: () => Date.parse('2096-12-01T04:00:00Z') };

  expect(await windowFromCalendar(stack.pool, '2096-12-01', 5)).toEqual({ kind: 'missing_year', year: 2098 });
  expect(await calendarAhead(on)).toEqual({ needed: [2096, 2097, 2098], missing: [2098] });

  await load(2098, []);
  // 1 January 2098 is a Wednesday: five working days end on Tuesday the 7th.
  expect(await windowFromCalendar(stack.pool, '2096-12-01', 5)).toMatchObject({ kind: 'scheduled', firstDay: '2098-01-01', lastDay: '2098-01-07' });
  expect(await calendarAhead(on)).toEqual({ needed: [2096, 2097], missing: [] });
});
