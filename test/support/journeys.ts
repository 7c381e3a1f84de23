import { Application } from '../../domain';
import { application, applicantToken, HttpClient, INDICATORS, staff, today } from './http';

export interface TestBase {
  id: string;
  token: string;
  app: Application;
  view: any;
}

export async function submit(http: HttpClient, over: Parameters<typeof application>[0] = {}, headers?: Record<string, string>): Promise<TestBase> {
  const app = application(over);
  const token = applicantToken(app.applicant.creditCode);
  const r = await http.post('/api/bases', app, token, headers);
  if (r.status !== 201) throw new Error(`submit answered ${r.status}: ${r.text}`);
  return { id: r.body.id, token, app, view: r.body };
}

export interface Step {
  /** Who sends it, given the base's application. */
  who: (b: { app: Application }) => string;
  type: string;
  extra: object;
  /** The stage the base is in once it is applied. */
  stage: string;
}

/** The five decisions that take a base from district review to publicity (dated today). */
export const publicitySteps = (): Step[] => [
  { who: (b) => staff.district(b.app.applicant.district), type: 'recommend', extra: { comment: '推荐' }, stage: 'expert_review' },
  { who: () => staff.expert(1), type: 'record_review', extra: { score: 88, opinion: '合作基础扎实' }, stage: 'expert_review' },
  { who: () => staff.expert(2), type: 'record_review', extra: { score: 91, opinion: '成果突出' }, stage: 'expert_review' },
  { who: () => staff.officer(), type: 'conclude_review', extra: { passed: true, opinion: '通过', siteInspection: { date: today(), summary: '现场考察属实' } }, stage: 'party_review' },
  { who: () => staff.leader(), type: 'approve_candidate', extra: { meeting: { date: today(), minutes: '党组会纪要' } }, stage: 'publicity' },
];

async function take(http: HttpClient, b: TestBase, steps: Step[]): Promise<any> {
  let last;
  for (const s of steps) {
    const r = await http.act(b.id, s.who(b), s.type, s.extra);
    if (r.status !== 200 || r.body.stage !== s.stage) throw new Error(`${s.type} answered ${r.status} ${r.text}`);
    last = r.body;
  }
  return last;
}

/** The decisions that take a base from district review to publicity, each asserted on the way. */
export const toPublicity = (http: HttpClient, b: TestBase): Promise<any> => take(http, b, publicitySteps());

/** The same up to the party group's meeting: the base waits for approval or rejection. */
export const toPartyReview = (http: HttpClient, b: TestBase): Promise<any> => take(http, b, publicitySteps().slice(0, -1));

export async function toCertified(http: HttpClient, b: TestBase): Promise<any> {
  await toPublicity(http, b);
  return http.waitStage(b.id, staff.officer(), 'certified');
}

export async function rate(http: HttpClient, b: TestBase, rating: string, round = '2026') {
  const officer = staff.officer();
  const start = await http.act(b.id, officer, 'start_evaluation', { round });
  if (start.status !== 200) throw new Error(`start_evaluation answered ${start.status} ${start.text}`);
  await http.act(b.id, b.token, 'submit_evaluation_report', { indicators: INDICATORS });
  return http.act(b.id, officer, 'rate', { rating, opinion: '评估意见' });
}
