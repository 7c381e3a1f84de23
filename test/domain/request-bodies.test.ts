import { fromZodError } from '../../api/problem';
import { applicationSchema, objectionSchema, parseAction, TEXT_LIMITS } from '../../domain';
import { application } from './fixtures';

// What a staff form sends: an optional box left empty arrives as "" or null, and means "none".
describe('optional text left empty', () => {
  test.each([
    ['recommend', 'comment', {}],
    ['withdraw', 'reason', {}],
    ['record_review', 'opinion', { score: 80 }],
    ['rate', 'opinion', { rating: 'qualified' }],
    ['rule_objection', 'reason', { objectionId: 'o1', upheld: false }],
  ])('%s with an empty %s is taken as sent without it', (type, field, rest) => {
    for (const empty of ['', null]) {
      const r = parseAction({ type, ...rest, [field]: empty });
      expect(r.success).toBe(true);
      expect((r.data as Record<string, unknown> | undefined)?.[field]).toBeUndefined();
    }
  });

  test('a required reason left empty is still refused, by name', () => {
    const r = parseAction({ type: 'decline', reason: '' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['reason', 'must not be empty']]);
  });

  test('an optional text too long is refused, saying how long it may be', () => {
    const r = parseAction({ type: 'recommend', comment: '推'.repeat(2001) });
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['comment', 'at most 2000 characters']]);
  });
});

describe("the foreign partner's country", () => {
  const withCountry = (country: unknown) => applicationSchema.safeParse({ ...application(), foreignPartner: { ...application().foreignPartner, country } });
  const messages = (r: ReturnType<typeof withCountry>) => r.error?.issues.map((i) => [i.path.join('.'), i.message]);

  test('is a code ISO 3166-1 assigns, in either case', () => {
    expect(withCountry('de').data?.foreignPartner.country).toBe('DE');
    expect(withCountry('HK').success).toBe(true);
  });
  test.each(['XX', 'ZZ', 'AA', 'D', 'DEU', 7])('%s names no country: 422 on the field', (country) => {
    expect(messages(withCountry(country))).toEqual([['foreignPartner.country', expect.stringMatching(/ISO 3166-1 alpha-2|expected string/)]]);
  });
  test('mainland China is no foreign partner', () => {
    expect(messages(withCountry('cn'))).toEqual([['foreignPartner.country', 'the partner must be from outside mainland China']]);
  });
});

describe('an evaluation round', () => {
  test('is named as the bureau names it: a year, a number or words, and is kept as text', () => {
    for (const [round, kept] of [[2026, '2026'], [1, '1'], ['2026年度', '2026年度']] as const) {
      const r = parseAction({ type: 'start_evaluation', round });
      expect([r.success, (r.data as { round?: string } | undefined)?.round]).toEqual([true, kept]);
    }
  });
  test('is not zero, negative, fractional or empty', () => {
    for (const round of [0, -1, 1.5, '']) expect([round, parseAction({ type: 'start_evaluation', round }).success]).toEqual([round, false]);
  });
});

describe('what a newcomer gets wrong, answered with what to do', () => {
  const answer = (body: unknown) => {
    const r = parseAction(body);
    return r.success ? undefined : fromZodError(r.error).extra.errors;
  };

  test('a body not sent as JSON (curl -d without its content type) is told to send one', () => {
    expect(answer(undefined)).toEqual([{ path: '(body)', message: 'no JSON body: send one with Content-Type: application/json' }]);
  });

  test('an evaluation round left out is described, not just called invalid', () => {
    expect(answer({ type: 'start_evaluation' })).toEqual([{ path: 'round', message: expect.stringContaining('the round, as a year (2026)') }]);
    expect(parseAction({ type: 'start_evaluation', round: 2026 }).data).toMatchObject({ round: '2026' });
  });
});

// One table holds both a request and an operator's signal to their lengths (domain/limits.ts):
// a request must meet the very limit a signal does, no more and no less.
describe("every text's limit in TEXT_LIMITS is the one a request meets", () => {
  const setIn = (value: Record<string, unknown>, [key, ...rest]: string[], text: string): Record<string, unknown> => ({
    ...value,
    [key]: rest.length ? setIn(Array.isArray(value[key]) ? (value[key] as unknown[])[0] as Record<string, unknown> : (value[key] as Record<string, unknown>), rest, text) : text,
  });
  const inMaterials = (app: Record<string, unknown>, name: string) => ({ ...app, materials: [{ ...(app.materials as object[])[0], name }] });
  // A valid request around each field: the action that carries it, or the public objection form.
  const carriers: Record<string, (text: string) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }> = {
    comment: (t) => parseAction({ type: 'recommend', comment: t }),
    reason: (t) => parseAction({ type: 'decline', reason: t }),
    opinion: (t) => parseAction({ type: 'rate', rating: 'qualified', opinion: t }),
    'meeting.minutes': (t) => parseAction({ type: 'approve_candidate', meeting: { date: '2026-12-01', minutes: t } }),
    'siteInspection.summary': (t) => parseAction({ type: 'conclude_review', passed: true, siteInspection: { date: '2026-12-01', summary: t } }),
    summary: (t) => parseAction({ type: 'submit_rectification_report', summary: t }),
    round: (t) => parseAction({ type: 'start_evaluation', round: t }),
    objectionId: (t) => parseAction({ type: 'rule_objection', objectionId: t, upheld: false }),
    name: (t) => objectionSchema.safeParse({ name: t, contact: '13800000000', reason: '异议' }),
    contact: (t) => objectionSchema.safeParse({ name: '张三', contact: t, reason: '异议' }),
  };
  const field = (path: string) => {
    if (carriers[path]) return carriers[path];
    if (path === 'application.materials.name') return (t: string) => applicationSchema.safeParse(inMaterials(application() as unknown as Record<string, unknown>, t));
    if (path === 'application.applicant.contact.email') return (t: string) => applicationSchema.safeParse(setIn(application() as unknown as Record<string, unknown>, path.split('.').slice(1), `${'a'.repeat(t.length - 6)}@x.org`));
    if (path.startsWith('application.')) return (t: string) => applicationSchema.safeParse(setIn(application() as unknown as Record<string, unknown>, path.split('.').slice(1), t));
    return undefined;
  };
  const requestFields = Object.entries(TEXT_LIMITS).filter(([path]) => !path.startsWith('actor.'));
  test.each(requestFields)('%s: %i characters taken, one more refused', (path, limit) => {
    const parse = field(path);
    if (!parse) throw new Error(`no request carries ${path}: add it here`);
    expect(parse('x'.repeat(limit)).success).toBe(true);
    const over = parse('x'.repeat(limit + 1));
    expect(over.success).toBe(false);
    expect(over.error?.issues.map((i) => i.message)).toEqual([expect.stringContaining(String(limit))]);
  });
});
