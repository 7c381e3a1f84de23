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

/** The decisions that take a base from district review to publicity, each asserted on the way. */
export async function toPublicity(http: HttpClient, b: TestBase): Promise<any> {
  const district = staff.district(b.app.applicant.district);
  const steps: [string, string, object, string][] = [
    [district, 'recommend', { comment: '推荐' }, 'expert_review'],
    [staff.expert(1), 'record_review', { score: 88, opinion: '合作基础扎实' }, 'expert_review'],
    [staff.expert(2), 'record_review', { score: 91, opinion: '成果突出' }, 'expert_review'],
    [staff.officer(), 'conclude_review', { passed: true, opinion: '通过', siteInspection: { date: today(), summary: '现场考察属实' } }, 'party_review'],
    [staff.leader(), 'approve_candidate', { meeting: { date: today(), minutes: '党组会纪要' } }, 'publicity'],
  ];
  let last;
  for (const [token, type, extra, want] of steps) {
    const r = await http.act(b.id, token, type, extra);
    if (r.status !== 200 || r.body.stage !== want) throw new Error(`${type} answered ${r.status} ${r.text}`);
    last = r.body;
  }
  return last;
}

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
