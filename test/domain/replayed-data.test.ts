import { districtName, eligibilityProblems, policyOf, POLICY_VERSIONS, TEXT_LIMITS } from '../../domain';
import { application } from './fixtures';

// A base's first run replays its submission, eligibility included, every time a worker loads it,
// for years: data it was judged by that changes under it fails that replay (or, where the replay
// checks no value, changes its dates without a word). These are the data as shipped; a change is a
// new policy version, or a district added, never an edit.

const SHIPPED_2021 = {
  version: '2021',
  source: '郑科规〔2021〕3号《郑州市国际科技合作基地认定和管理办法》',
  published: true,
  inForceUntil: '2024-12-31',
  minYearsRegistered: 3,
  requiredMaterials: ['application_form', 'legal_person_certificate', 'cooperation_agreement', 'results_proof', 'substantive_cooperation_proof'],
  requiredClauses: ['ipOwnership', 'benefitSharing', 'breachLiability', 'disputeResolution'],
  publicityWorkingDays: 5,
  rectificationYears: 1,
  ratings: ['excellent', 'qualified', 'unqualified'],
  passingRatings: ['excellent', 'qualified'],
  baseName: { zh: '郑州市国际科技合作基地', en: 'Zhengzhou International Science & Technology Cooperation Base' },
  noticeFormat: '郑科国合认〔{year}〕{serial}号',
};

const SHIPPED_EXAMPLE_7WD = {
  ...SHIPPED_2021,
  version: 'example-7wd',
  source: '示例修订版（非正式文件）：公示期7个工作日',
  published: false,
  inForceUntil: undefined,
  publicityWorkingDays: 7,
};

const SHIPPED_DISTRICTS = [
  '410102', '410103', '410104', '410105', '410106', '410108', '410122', '410171', '410172', '410173',
  '410181', '410182', '410183', '410184', '410185',
];

test('the 2021 measures are the data every base opened under them was judged by', () => {
  expect(policyOf('2021')).toEqual(SHIPPED_2021);
});

test('so is the illustrative successor, which POLICY_VERSION can choose outside production', () => {
  expect(policyOf('example-7wd')).toEqual(SHIPPED_EXAMPLE_7WD);
  expect(POLICY_VERSIONS).toEqual(expect.arrayContaining(['2021', 'example-7wd']));
});

test.each(SHIPPED_DISTRICTS)('district %s, which bases were opened in, is still one a submission replays as eligible from', (code) => {
  expect(districtName(code)).toBeDefined();
  expect(eligibilityProblems(application(undefined, code), '2026-11-28', policyOf('2021'))).toEqual([]);
});

// Since generation 13 a run admits an operator's signal by the request schemas, whose texts these
// limits bound: a signal it took, or refused, must be again on replay. A limit changed either way is
// a new generation, with the old table kept for the old runs.
const SHIPPED_TEXT_LIMITS_13 = {
  comment: 2000, reason: 2000, opinion: 5000, 'meeting.minutes': 5000, 'siteInspection.summary': 5000, summary: 5000, round: 20, objectionId: 64,
  name: 100, contact: 200,
  'application.applicant.name': 200, 'application.applicant.contact.name': 100, 'application.applicant.contact.email': 200,
  'application.foreignPartner.name': 200, 'application.field': 100, 'application.cooperationSummary': 5000,
  'application.agreement.title': 200, 'application.materials.name': 200,
  'actor.sub': 128, 'actor.name': 100, 'actor.org': 18, 'actor.district': 12,
};

test("the texts' limits are those generation 13's runs admit signals by", () => {
  expect(TEXT_LIMITS).toEqual(SHIPPED_TEXT_LIMITS_13);
});
