import { windowFromCalendar } from '../../store/calendar';
import { shanghaiDate } from '../../domain';
import { client, HttpClient, staff } from '../support/http';
import { submit, toPublicity } from '../support/journeys';
import { startStack, Stack } from '../support/stack';

// Real time (TIME_SCALE=1): the windows stay open for the whole test, so their lengths can be read.
jest.setTimeout(120_000);
let stack: Stack;
let http: HttpClient;
beforeAll(async () => {
  stack = await startStack('policies');
  http = client(stack.url);
});
afterAll(() => stack?.stop());

async function expectedLastDay(openedAt: string, workingDays: number) {
  const w = await windowFromCalendar(stack.pool, shanghaiDate(openedAt), workingDays);
  return w.kind === 'scheduled' ? w.lastDay : `missing ${w.year}`;
}

test('a new policy version applies to new bases only; running ones keep theirs for life', async () => {
  const old = await submit(http);
  expect(old.view.policyVersion).toBe('2021');

  // The bureau switches new cases to the next issue of the rules.
  await stack.api.stop();
  stack.env.POLICY_VERSION = 'example-7wd';
  await stack.startApi();

  const fresh = await submit(http);
  expect(fresh.view.policyVersion).toBe('example-7wd');
  const [a, b] = await Promise.all([toPublicity(http, old), toPublicity(http, fresh)]);
  expect(a.policyVersion).toBe('2021');
  expect(a.publicity.lastDay).toBe(await expectedLastDay(a.publicity.openedAt, 5));
  expect(b.publicity.lastDay).toBe(await expectedLastDay(b.publicity.openedAt, 7));
  expect(b.publicity.lastDay > a.publicity.lastDay).toBe(true);

  // Restarting the worker under the new configuration changes nothing for the older base. The view
  // is read from PostgreSQL, so an objection makes the new worker replay that base and decide: the
  // view is then written from the state the new worker holds.
  await stack.worker.stop();
  await stack.startWorker();
  const objection = await http.post(`/api/bases/${old.id}/objections`, { name: '王五', contact: '13900000000', reason: '数据不实' });
  expect(objection.status).toBe(201);
  const still = (await http.get(`/api/bases/${old.id}`, staff.officer())).body;
  expect(still).toMatchObject({
    stage: 'publicity',
    policyVersion: '2021',
    publicity: { firstDay: a.publicity.firstDay, lastDay: a.publicity.lastDay, endsAt: a.publicity.endsAt, objections: [expect.objectContaining({ id: objection.body.id })] },
  });
  const rows = await stack.pool.query(`SELECT DISTINCT policy_version FROM base_events WHERE base_id = $1`, [old.id]);
  expect(rows.rows).toEqual([{ policy_version: '2021' }]);
});
