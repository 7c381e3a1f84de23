import { randomUUID } from 'node:crypto';
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

/** A submission sent under an Idempotency-Key of its own, with the headers to send it again. */
export async function submitKeyed(http: HttpClient, label: string): Promise<TestBase & { headers: Record<string, string> }> {
  const headers = { 'idempotency-key': `${label}-${randomUUID()}` };
  return { ...(await submit(http, {}, headers)), headers };
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
  for (const s of steps) last = await step(http, b, s.who(b), s.type, s.extra, s.stage);
  return last;
}

/** One decision that must be taken: anything but 200 in the stage named stops the journey. */
export async function step(http: HttpClient, b: TestBase, token: string, type: string, extra: object, stage: string): Promise<any> {
  const r = await http.act(b.id, token, type, extra);
  if (r.status !== 200 || r.body.stage !== stage) throw new Error(`${type} answered ${r.status} ${r.text}`);
  return r.body;
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
  await step(http, b, officer, 'start_evaluation', { round }, 'evaluation');
  await step(http, b, b.token, 'submit_evaluation_report', { indicators: INDICATORS }, 'evaluation');
  const r = await http.act(b.id, officer, 'rate', { rating, opinion: '评估意见' });
  if (r.status !== 200) throw new Error(`rate answered ${r.status} ${r.text}`);
  return r;
}
