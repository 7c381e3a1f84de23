import { creditCodeProblem, eligibilityProblems, MATERIAL_KINDS, POLICY_2021_FOR_TESTS, withCheckCharacter } from './fixtures';
import { lapseOf } from '../../domain';

const VALID = withCheckCharacter('91410100MA45K0L3X');

describe('the unified social credit code (GB 32100-2015)', () => {
  test('a code with the right check character passes', () => expect(creditCodeProblem(VALID)).toBeUndefined());
  test('a wrong check character is named', () => {
    const wrong = VALID.slice(0, 17) + (VALID[17] === '0' ? '1' : '0');
    expect(creditCodeProblem(wrong)).toBe('check_character');
  });
  test('letters outside the standard alphabet are refused', () => expect(creditCodeProblem('91410100MA45K0L3IO')).toBe('characters'));
  test('17 characters are refused', () => expect(creditCodeProblem(VALID.slice(0, 17))).toBe('length'));
});

describe('Art. 7 at the day of application', () => {
  const { application } = require('./fixtures');
  const check = (over: object, on = '2026-11-28') => eligibilityProblems({ ...application(), ...over }, on, POLICY_2021_FOR_TESTS);
  const withApplicant = (over: object) => ({ applicant: { ...application().applicant, ...over } });

  test('a complete application of a host registered five years ago is eligible', () => expect(check({})).toEqual([]));
  test('registered three years ago to the day: eligible; a day later: not', () => {
    expect(check(withApplicant({ registeredOn: '2023-11-28' }))).toEqual([]);
    expect(check(withApplicant({ registeredOn: '2023-11-29' })).map((p) => p.path)).toEqual(['applicant.registeredOn']);
  });
  test('registered on 29 February: three years are complete on 28 February', () => {
    expect(check(withApplicant({ registeredOn: '2020-02-29' }), '2023-02-28')).toEqual([]);
    expect(check(withApplicant({ registeredOn: '2020-02-29' }), '2023-02-27')).toHaveLength(1);
  });
  test('every failing condition is named, each once', () => {
    const problems = check({
      ...withApplicant({ creditBlacklisted: true, registeredOn: '2025-01-01', creditCode: VALID.slice(0, 17) + (VALID[17] === '0' ? '1' : '0') }),
      agreement: { ...application().agreement, clauses: { ipOwnership: true, benefitSharing: false, breachLiability: true, disputeResolution: false } },
      materials: application().materials.filter((m: { kind: string }) => m.kind !== 'results_proof'),
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['agreement.clauses.benefitSharing', 'agreement.clauses.disputeResolution', 'applicant.creditBlacklisted', 'applicant.creditCode', 'applicant.registeredOn', 'materials'].sort(),
    );
    expect(problems.find((p) => p.path === 'materials')?.message).toContain('results_proof');
  });
  test('an agreement that has expired is not the long-term agreement Art. 7(3) asks for', () => {
    expect(check({ agreement: { ...application().agreement, validUntil: '2026-11-27' } }).map((p) => p.path)).toEqual(['agreement.validUntil']);
  });
  test.each(MATERIAL_KINDS)('each of the materials of Art. 8(1) is required: without %s the application is refused naming it', (kind) => {
    const problems = check({ materials: application().materials.filter((m: { kind: string }) => m.kind !== kind) });
    expect(problems.map((p) => p.path)).toEqual(['materials']);
    expect(problems[0].message).toContain(kind);
  });
});

describe('the measures in force', () => {
  test('the 2021 measures lapsed after 2024-12-31 (Art. 16): an API opening bases under them says so', () => {
    expect(lapseOf('2021', '2024-12-31')).toBeUndefined();
    expect(lapseOf('2021', '2025-01-01')).toContain('were in force until 2024-12-31');
    // An illustration names no end.
    expect(lapseOf('example-7wd', '2030-01-01')).toBeUndefined();
  });
});
