import { actionTable, Rightful } from '../support/bodies';
import { forgedTokens, tokenWithoutExp } from '../support/forged-tokens';
import { application, applicantToken, client, HttpClient, newCreditCode, staff, today } from '../support/http';
import { submit, TestBase, toCertified, toPublicity } from '../support/journeys';
import { until } from '../support/poll';
import { loggedLines, startStack, Stack } from '../support/stack';
import { Trace, tracer, Tracer } from '../support/traces';

// Windows run 100,000 times faster: publicity closes within seconds, while a year of
// rectification lasts about five minutes, longer than this suite needs the base to stay there.
jest.setTimeout(300_000);
let stack: Stack;
let http: HttpClient;
let traces: Tracer;

type Caller =
  | 'applicant (own)'
  | 'applicant (other org)'
  | 'district officer (own district)'
  | 'district officer (other district)'
  | 'expert'
  | 'bureau_officer'
  | 'bureau_leader'
  | 'admin'
  | 'no token';
const CALLERS: Caller[] = [
  'applicant (own)',
  'applicant (other org)',
  'district officer (own district)',
  'district officer (other district)',
  'expert',
  'bureau_officer',
  'bureau_leader',
  'admin',
  'no token',
];

function tokenOf(caller: Caller, b: TestBase): string | undefined {
  switch (caller) {
    case 'applicant (own)':
      return b.token;
    case 'applicant (other org)':
      return applicantToken(otherOrg);
    case 'district officer (own district)':
      return staff.district(b.app.applicant.district);
    case 'district officer (other district)':
      return staff.district('410102');
    case 'expert':
      return staff.expert(7);
    case 'bureau_officer':
      return staff.officer();
    case 'bureau_leader':
      return staff.leader();
    case 'admin':
      return staff.admin();
    case 'no token':
      return undefined;
  }
}

const otherOrg = newCreditCode();
const bases = {} as Record<'districtReview' | 'returned' | 'expertReview' | 'partyReview' | 'objectionReview' | 'certified' | 'evaluation' | 'rectification', TestBase>;
let objectionId: string;

/** Each action of the contract, against a base in a stage where it is on offer. */
const STAGE_OF: Record<string, keyof typeof bases> = {
  recommend: 'districtReview',
  decline: 'districtReview',
  return: 'districtReview',
  withdraw: 'districtReview',
  resubmit: 'returned',
  record_review: 'expertReview',
  conclude_review: 'expertReview',
  approve_candidate: 'partyReview',
  reject_candidate: 'partyReview',
  rule_objection: 'objectionReview',
  submit_annual_report: 'certified',
  start_evaluation: 'certified',
  revoke: 'certified',
  submit_evaluation_report: 'evaluation',
  rate: 'evaluation',
  submit_rectification_report: 'rectification',
};
const CALLER_OF: Record<Rightful, Caller> = { own: 'applicant (own)', district: 'district officer (own district)', expert: 'expert', bureau_officer: 'bureau_officer', bureau_leader: 'bureau_leader' };
const contract = () => actionTable({ application: bases.returned.app, objectionId });
const ACTIONS = Object.entries(actionTable({ application: application(), objectionId: '' })).map(([type, { who }]) => ({
  type,
  base: STAGE_OF[type],
  who: CALLER_OF[who],
  body: () => contract()[type].body,
}));

async function ok(r: Promise<{ status: number; text: string }>, what: string) {
  const res = await r;
  if (res.status >= 300) throw new Error(`${what} answered ${res.status}: ${res.text}`);
  return res;
}

beforeAll(async () => {
  stack = await startStack('secmatrix', { timeScale: 100_000, env: { LOG_LEVEL: 'info' } });
  http = client(stack.url);
  traces = await tracer(stack.pool, stack.env.TEMPORAL_ADDRESS!);
  const officer = staff.officer();
  const setups: Promise<void>[] = [
    (async () => {
      bases.districtReview = await submit(http);
    })(),
    (async () => {
      const b = (bases.returned = await submit(http));
      await ok(http.act(b.id, staff.district(), 'return', { reason: '补充材料' }), 'return');
    })(),
    (async () => {
      const b = (bases.expertReview = await submit(http));
      await ok(http.act(b.id, staff.district(), 'recommend', {}), 'recommend');
      await ok(http.act(b.id, staff.expert(1), 'record_review', { score: 90 }), 'record_review');
    })(),
    (async () => {
      const b = (bases.partyReview = await submit(http));
      await ok(http.act(b.id, staff.district(), 'recommend', {}), 'recommend');
      await ok(http.act(b.id, staff.expert(1), 'record_review', { score: 90 }), 'record_review');
      await ok(http.act(b.id, officer, 'conclude_review', { passed: true, siteInspection: { date: today(), summary: '属实' } }), 'conclude_review');
    })(),
    (async () => {
      const b = (bases.objectionReview = await submit(http));
      await toPublicity(http, b);
      const filed = await ok(http.post(`/api/bases/${b.id}/objections`, { name: '李四', contact: '13800000000', reason: '数据不实' }), 'objection');
      objectionId = JSON.parse(filed.text).id;
      await http.waitStage(b.id, officer, 'objection_review');
    })(),
    (async () => {
      bases.certified = await submit(http);
      await toCertified(http, bases.certified);
    })(),
    (async () => {
      const b = (bases.evaluation = await submit(http));
      await toCertified(http, b);
      await ok(http.act(b.id, officer, 'start_evaluation', { round: '2026' }), 'start_evaluation');
    })(),
    (async () => {
      const b = (bases.rectification = await submit(http));
      await toCertified(http, b);
      await ok(http.act(b.id, officer, 'start_evaluation', { round: '2026' }), 'start_evaluation');
      await ok(http.act(b.id, officer, 'rate', { rating: 'unqualified', opinion: '不合格' }), 'rate');
    })(),
  ];
  await Promise.all(setups);
});
afterAll(async () => {
  await traces?.close();
  await stack?.stop();
});

async function refusedWithoutTrace(b: TestBase, call: () => Promise<{ status: number; body: any }>, want: number) {
  const before: Trace = await traces.of(b.id);
  const r = await call();
  expect({ status: r.status, type: r.body?.type }).toEqual({ status: want, type: `urn:zz-coop-bases:problem:${want === 401 ? 'unauthorized' : 'forbidden'}` });
  expect(await traces.of(b.id)).toEqual(before);
  return r;
}

describe.each(ACTIONS)('$type ($base)', ({ type, base, who, body }) => {
  test.each(CALLERS.filter((c) => c !== who))(`%s is refused and leaves no trace`, async (caller) => {
    const b = bases[base];
    const t = tokenOf(caller, b);
    const r = await refusedWithoutTrace(b, () => http.act(b.id, t as string, type, body()), t ? 403 : 401);
    expect(r.body.detail).toEqual(expect.any(String));
  });

  test(`${who} is let through: the action is on offer, and only a bad body stops it`, async () => {
    const b = bases[base];
    const view = await http.get(`/api/bases/${b.id}`, tokenOf(who, b));
    expect(view.body.allowedActions).toContain(type);
    const before = await traces.of(b.id);
    const r = await http.act(b.id, tokenOf(who, b)!, type, { ...body(), unexpected: true });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ path: 'unexpected', message: 'unknown field: unexpected' }]);
    expect(await traces.of(b.id)).toEqual(before);
  });
});

describe('reading', () => {
  const readers: [Caller, number][] = [
    ['applicant (own)', 200],
    ['applicant (other org)', 403],
    ['district officer (own district)', 200],
    ['district officer (other district)', 403],
    ['expert', 200],
    ['bureau_officer', 200],
    ['bureau_leader', 200],
    ['admin', 200],
    ['no token', 401],
  ];
  test.each(readers)('GET /api/bases/{id} as %s answers %i', async (caller, status) => {
    const b = bases.districtReview;
    const r = await http.get(`/api/bases/${b.id}`, tokenOf(caller, b));
    expect(r.status).toBe(status);
    if (status === 200) expect(r.body.id).toBe(b.id);
    else expect(r.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  });

  test('a district officer lists only its own district, and may not ask for another', async () => {
    const elsewhere = await submit(http, { district: '410102' });
    const mine = await http.get('/api/bases?pageSize=100', staff.district('410105'));
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThanOrEqual(8);
    expect(new Set(mine.body.items.map((i: any) => i.applicant.district))).toEqual(new Set(['410105']));
    expect(mine.body.items.map((i: any) => i.id)).not.toContain(elsewhere.id);
    const theirs = await http.get('/api/bases?pageSize=100', staff.district('410102'));
    expect(theirs.body.items.map((i: any) => i.id)).toEqual([elsewhere.id]);
    expect((await http.get('/api/bases?district=410102', staff.district('410105'))).status).toBe(403);
    // 403 before 422: another district's list is refused whatever else the query gets wrong.
    expect((await http.get('/api/bases?district=410102&pageSize=500', staff.district('410105'))).status).toBe(403);
    expect((await http.get('/api/bases?district=410105&pageSize=500', staff.district('410105'))).status).toBe(422);
    const all = await http.get('/api/bases?pageSize=100', staff.officer());
    expect(all.body.items.map((i: any) => i.id)).toEqual(expect.arrayContaining([elsewhere.id, bases.districtReview.id]));
  });

  test('the list is for staff: an applicant is refused it, and reads its own base by id', async () => {
    const b = bases.districtReview;
    const refused = await http.get('/api/bases', b.token);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/an applicant reads its own base at \/api\/bases\/\{id\}/);
    expect((await http.get('/api/bases?stage=nonsense', applicantToken(otherOrg))).status).toBe(403);
    expect((await http.get(`/api/bases/${b.id}`, b.token)).status).toBe(200);
  });

  const auditors: [Caller, number][] = [
    ['admin', 200],
    ['bureau_officer', 200],
    ['bureau_leader', 200],
    ['expert', 403],
    ['district officer (own district)', 403],
    ['applicant (own)', 403],
    ['no token', 401],
  ];
  test.each(auditors)('the audit trail as %s answers %i', async (caller, status) => {
    const b = bases.expertReview;
    const r = await http.get(`/api/bases/${b.id}/history`, tokenOf(caller, b));
    expect(r.status).toBe(status);
    if (status === 200) expect(r.body.entries.length).toBeGreaterThanOrEqual(3);
  });

  test('only an admin loads a holiday schedule', async () => {
    const schedule = { holidays: ['2099-01-01'], workdays: [] };
    const b = bases.districtReview;
    for (const caller of CALLERS.filter((c) => c !== 'admin')) {
      const t = tokenOf(caller, b);
      const r = await http.call('PUT', '/api/calendar/2099', { token: t, body: schedule });
      expect([caller, r.status]).toEqual([caller, t ? 403 : 401]);
    }
    expect((await http.get('/api/calendar/2099')).status).toBe(404);
    expect((await http.call('PUT', '/api/calendar/2099', { token: staff.admin(), body: schedule })).status).toBe(200);
    expect((await http.get('/api/calendar/2099')).body).toMatchObject({ holidays: ['2099-01-01'], workdays: [], source: 'admin', loadedAt: expect.stringMatching(/\+08:00$/) });
  });
});

describe('tokens', () => {
  const district = { sub: 'district-410105', name: '区县科技局经办人', role: 'district_officer', district: '410105' };
  test.each(Object.entries(forgedTokens(district)))('%s: 401, and the decision leaves no trace', async (_name, forged) => {
    const b = bases.districtReview;
    const r = await refusedWithoutTrace(b, () => http.act(b.id, forged, 'recommend', { comment: '推荐' }), 401);
    expect(r.body.detail).toEqual(expect.any(String));
    const read = await http.get(`/api/bases/${b.id}`, forged);
    expect(read.status).toBe(401);
  });

  test('the same claims, properly signed, are let through (so the 401s above come from the forgery)', async () => {
    const b = bases.districtReview;
    const r = await http.get(`/api/bases/${b.id}`, staff.district('410105'));
    expect(r.body.allowedActions).toEqual(['recommend', 'decline', 'return']);
  });

  test('a token without exp, issued now, is taken: the contract names no exp', async () => {
    const b = bases.districtReview;
    const r = await http.get(`/api/bases/${b.id}`, tokenWithoutExp(district));
    expect([r.status, r.body.allowedActions]).toEqual([200, ['recommend', 'decline', 'return']]);
  });

  test.each([
    ['no Authorization header', {}],
    ['a Basic credential', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
    ['Bearer and nothing else', { authorization: 'Bearer ' }],
    ['two tokens', { authorization: `Bearer ${staff.admin()} ${staff.admin()}` }],
  ])('%s: 401 with WWW-Authenticate', async (_name, headers) => {
    const r = await http.call('GET', `/api/bases/${bases.districtReview.id}`, { headers: headers as Record<string, string> });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

test('every refusal is logged as one JSON line naming the caller and the reason', async () => {
  // A base of its own: earlier tests were refused the same way, and a line of theirs may land late.
  const b = await submit(http);
  const earlier = loggedLines(stack, 'api').length;
  expect((await http.act(b.id, staff.district('410102'), 'recommend', {})).status).toBe(403);
  expect((await http.act(b.id, 'not.a.token', 'recommend', {})).status).toBe(401);
  // The API's lines reach the log file through a pipe, a moment after the answers; the last may be half written.
  const refusalsLogged = async () =>
    loggedLines(stack, 'api')
      .slice(earlier)
      .flatMap((l) => {
        try {
          return [JSON.parse(l)];
        } catch {
          return [];
        }
      })
      .filter((l) => l.msg === 'request refused');
  const refusals = await until(
    'both refusals logged',
    refusalsLogged,
    (r) => r.some((l) => l.status === 403 && l.path === `/api/bases/${b.id}/actions`) && r.some((l) => l.status === 401 && l.path === `/api/bases/${b.id}/actions`),
    10_000,
    100,
  );
  expect(refusals).toContainEqual(
    expect.objectContaining({
      level: 'info',
      status: 403,
      method: 'POST',
      path: `/api/bases/${b.id}/actions`,
      reason: expect.stringContaining('410105'),
      caller: { sub: 'district-410102', role: 'district_officer', district: '410102' },
    }),
  );
  expect(refusals).toContainEqual(expect.objectContaining({ status: 401, path: `/api/bases/${b.id}/actions`, reason: 'malformed token', caller: { address: expect.stringMatching(/^[0-9a-f]{12}$/) } }));
});

test('an applicant cannot apply in another organisation’s name', async () => {
  const app = application();
  const r = await http.post('/api/bases', app, applicantToken(otherOrg));
  expect(r.status).toBe(403);
  const none = await stack.pool.query('SELECT count(*)::int AS n FROM bases WHERE credit_code = $1', [app.applicant.creditCode]);
  expect(none.rows[0].n).toBe(0);
  for (const role of [staff.district(), staff.officer(), staff.admin()]) expect((await http.post('/api/bases', app, role)).status).toBe(403);
});
