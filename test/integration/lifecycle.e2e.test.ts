import { client, HttpClient, INDICATORS, staff, thisYear } from '../support/http';
import { publicitySteps, rate, step, submit, toCertified, toPublicity } from '../support/journeys';
import { startStack, Stack } from '../support/stack';

// Windows run 5,000,000 times faster: five working days take about a tenth of a second, a year
// of rectification about six seconds. Business dates in the views stay real.
jest.setTimeout(120_000);
let stack: Stack;
let http: HttpClient;
beforeAll(async () => {
  stack = await startStack('lifecycle', { timeScale: 5_000_000 });
  http = client(stack.url);
});
afterAll(() => stack?.stop());

test('a base goes from application to recognition, with the window computed from the calendar', async () => {
  const b = await submit(http);
  expect(b.view).toMatchObject({ stage: 'district_review', policyVersion: '2021', allowedActions: ['withdraw'] });
  const pub = await toPublicity(http, b);
  expect(pub.publicity.firstDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(pub.publicity.endsAt).toBe(`${addDay(pub.publicity.lastDay)}T00:00:00.000+08:00`);
  // Art. 8(5)'s five working days, counted here from the stored schedules, not by the product's code.
  const openedOn = new Date(Date.parse(pub.publicity.openedAt) + 8 * 3600e3).toISOString().slice(0, 10);
  const working = await workingDaysBetween(openedOn, pub.publicity.lastDay);
  expect([working[0], working.length, working.at(-1)]).toEqual([pub.publicity.firstDay, 5, pub.publicity.lastDay]);
  const cert = await http.waitStage(b.id, staff.officer(), 'certified');
  expect(cert.certification.name).toEqual({ zh: '郑州市国际科技合作基地', en: 'Zhengzhou International Science & Technology Cooperation Base' });
  expect(cert.certification.notice).toMatch(/^郑科国合认〔\d{4}〕\d+号$/);
  expect(cert.certification.certifiedAt).toBe(pub.publicity.endsAt);
  const notes = await stack.pool.query(`SELECT recipient_kind, subject FROM notifications WHERE base_id = $1 ORDER BY seq, idx`, [b.id]);
  expect(notes.rows.map((r) => r.subject)).toEqual(expect.arrayContaining(['列入合作基地候选名单', '候选名单公示', '认定为郑州市国际科技合作基地']));
});

test('returned, corrected and resubmitted, then declined', async () => {
  const b = await submit(http);
  const district = staff.district();
  expect((await http.act(b.id, district, 'return', { reason: '材料不全' })).body.stage).toBe('returned');
  const again = await http.act(b.id, b.token, 'resubmit', { application: { ...b.app, field: '生物医药' } });
  expect(again.body).toMatchObject({ stage: 'district_review', field: '生物医药' });
  expect((await http.act(b.id, district, 'decline', { reason: '不符合优先领域' })).body.stage).toBe('rejected');
  const late = await http.act(b.id, district, 'recommend', {});
  expect(late.status).toBe(409);
  expect(late.body).toMatchObject({ stage: 'rejected', allowedActions: [] });
  // The contract's order: a body the rules refuse is 422 even where the stage would be 409.
  const future = await http.act(b.id, b.token, 'submit_annual_report', { year: 2099, indicators: INDICATORS });
  expect([future.status, future.body.errors?.map((e: { path: string }) => e.path)]).toEqual([422, ['year']]);
});

test('unqualified starts a year of rectification that ends by itself; unqualified again revokes', async () => {
  const b = await submit(http);
  await toCertified(http, b);
  expect((await http.act(b.id, b.token, 'submit_annual_report', { year: thisYear(), indicators: INDICATORS })).status).toBe(200);
  const r = await rate(http, b, 'unqualified');
  expect(r.body.stage).toBe('rectification');
  const days = (Date.parse(r.body.rectification.dueAt) - Date.parse(r.body.rectification.startedAt)) / 864e5;
  expect(days === 365 || days === 366).toBe(true);
  expect((await http.act(b.id, b.token, 'submit_rectification_report', { summary: '已整改' })).body.stage).toBe('rectification');
  await http.waitStage(b.id, staff.officer(), 're_evaluation');
  // The contract takes no annual report under re-evaluation: not offered, and refused naming what is.
  const report = await http.act(b.id, b.token, 'submit_annual_report', { year: thisYear() - 1, indicators: INDICATORS });
  expect([report.status, report.body.allowedActions]).toEqual([409, ['submit_evaluation_report']]);
  expect((await http.get(`/api/bases/${b.id}`, b.token)).body.allowedActions).toEqual(['submit_evaluation_report']);
  const revoked = await http.act(b.id, staff.officer(), 'rate', { rating: 'unqualified', opinion: '复评仍不合格' });
  expect(revoked.body.stage).toBe('revoked');
});

test('a qualified rating keeps the status; the leader may revoke a recognised base', async () => {
  const b = await submit(http);
  await toCertified(http, b);
  expect((await rate(http, b, 'excellent')).body).toMatchObject({ stage: 'certified', latestRating: 'excellent' });
  expect((await http.act(b.id, staff.leader(), 'revoke', { reason: '列入失信名单' })).body.stage).toBe('revoked');
});

test('withdrawal is open to the applicant until recognition', async () => {
  const b = await submit(http);
  await step(http, b, staff.district(), 'recommend', {}, 'expert_review');
  expect((await http.act(b.id, b.token, 'withdraw', { reason: '合作调整' })).body.stage).toBe('withdrawn');
  const c = await submit(http);
  await toCertified(http, c);
  const refused = await http.act(c.id, c.token, 'withdraw', {});
  expect(refused.status).toBe(409);
  expect(refused.body.allowedActions).toEqual(['submit_annual_report']);
});

/** The working days from one date to another, inclusive, by the schedules in calendar_years. */
async function workingDaysBetween(from: string, to: string): Promise<string[]> {
  const { rows } = await stack.pool.query('SELECT holidays, workdays FROM calendar_years');
  const off = new Set<string>(rows.flatMap((r) => r.holidays));
  const on = new Set<string>(rows.flatMap((r) => r.workdays));
  const days: string[] = [];
  for (let d = from; d <= to; d = addDay(d)) {
    const weekend = [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
    if (on.has(d) || (!weekend && !off.has(d))) days.push(d);
  }
  return days;
}

function addDay(d: string): string {
  return new Date(Date.parse(d + 'T00:00:00Z') + 864e5).toISOString().slice(0, 10);
}

test("a decision's answer says where its time went; a refusal says it too, and nothing was sent on", async () => {
  const b = await submit(http);
  const [recommend, review] = publicitySteps();
  const r = await http.act(b.id, recommend.who(b), recommend.type, recommend.extra, { 'Idempotency-Key': 'timing-1' });
  expect(r.status).toBe(200);
  const steps = timings(r.headers.get('server-timing'));
  expect(Object.keys(steps)).toEqual(['read', 'outstanding', 'temporal', 'write', 'total']);
  // Only presence and shape: durations are rounded to 0.1 ms and vary run to run, so sums or bounds would be timing assertions.
  for (const dur of Object.values(steps)) expect(dur).toBeGreaterThanOrEqual(0);

  const refused = await http.act(b.id, recommend.who(b), review.type, review.extra);
  expect(refused.status).toBe(403);
  const refusedSteps = timings(refused.headers.get('server-timing'));
  expect(Object.keys(refusedSteps)).toEqual(['read', 'total']);
  for (const dur of Object.values(refusedSteps)) expect(dur).toBeGreaterThanOrEqual(0);
  // Nothing is owed for a refusal.
  const owed = await stack.pool.query('SELECT update_id FROM outstanding_decisions WHERE base_id = $1', [b.id]);
  expect(owed.rows).toEqual([]);
});

function timings(header: string | null): Record<string, number> {
  return Object.fromEntries((header ?? '').split(', ').map((s) => [s.split(';')[0], Number(/dur=([\d.]+)/.exec(s)?.[1])]));
}
