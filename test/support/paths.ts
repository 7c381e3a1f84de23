import { applicantActor, client, HttpClient, INDICATORS, staff, thisYear, today } from './http';
import { shanghaiDate } from '../../domain';
import { rate, step, submit, TestBase, toCertified, toPartyReview, toPublicity } from './journeys';
import { until } from './poll';

/** A stack's HTTP client and the way to take the current year's holiday schedule away. */
export interface PathContext {
  http: HttpClient;
  /** A slower clock (publicity of some seconds), for paths that act inside the window. */
  slow: HttpClient;
  /** An API on the same servers whose clock is EARLIER_DAYS behind: a window it opens ended before today. */
  earlier: HttpClient;
  /** Removes the schedule of the year publicity opens in, so a window must wait for it. */
  dropCalendarYear(year: number): Promise<void>;
  /** Sends a base's workflow the operators' `act` signal, as `temporal workflow signal --name act` does, and waits for it to be taken. */
  signal(baseId: string, command: object): Promise<void>;
  /** Sends a decision by update straight to Temporal, as an API that then died before writing it had: only the history holds it. */
  behind(baseId: string, command: object): Promise<void>;
}

/** Enough days for five working days after any day of the year, Spring Festival's week included. */
export const EARLIER_DAYS = 30;

const officer = staff.officer;

/** Loads a year's holiday schedule as an admin does, which wakes the windows waiting for it. */
async function loadYear(http: HttpClient, year: number): Promise<void> {
  const data: { holidays: Record<string, string>; workdays: Record<string, string> } = require('chinese-days/dist/chinese-days.json');
  const of = (m: Record<string, string>) => Object.keys(m).filter((d) => d.startsWith(`${year}-`));
  const put = await http.call('PUT', `/api/calendar/${year}`, { token: staff.admin(), body: { holidays: of(data.holidays), workdays: of(data.workdays) } });
  if (put.status !== 200) throw new Error(`PUT calendar answered ${put.status} ${put.text}`);
}
const rule = (b: TestBase, http: HttpClient, objectionId: string, upheld: boolean, stage: string) =>
  step(http, b, officer(), 'rule_objection', { objectionId, upheld, reason: upheld ? '异议属实' : '经核实不属实' }, stage);
const object = async (http: HttpClient, b: TestBase) => (await http.post(`/api/bases/${b.id}/objections`, { name: '李四', contact: '13800000000', reason: '协议已过期' })).body.id;

/**
 * Every path of a base's life in the measures, each ending in the stage it must. Used to record
 * the replay fixtures under test/histories and to prove each path end to end.
 */
export const PATHS: Record<string, { ends: string; drive(c: PathContext): Promise<TestBase> }> = {
  certified_then_qualified: {
    ends: 'certified',
    async drive({ http }) {
      const b = await submit(http);
      await toCertified(http, b);
      await step(http, b, b.token, 'submit_annual_report', { year: thisYear(), indicators: INDICATORS }, 'certified');
      await rate(http, b, 'qualified');
      return b;
    },
  },
  returned_resubmitted_declined: {
    ends: 'rejected',
    async drive({ http }) {
      const b = await submit(http);
      await step(http, b, staff.district(), 'return', { reason: '材料不全' }, 'returned');
      await step(http, b, b.token, 'resubmit', { application: b.app }, 'district_review');
      await step(http, b, staff.district(), 'decline', { reason: '不符合优先领域' }, 'rejected');
      return b;
    },
  },
  withdrawn_in_review: {
    ends: 'withdrawn',
    async drive({ http }) {
      const b = await submit(http);
      await step(http, b, staff.district(), 'recommend', {}, 'expert_review');
      await step(http, b, b.token, 'withdraw', { reason: '合作调整' }, 'withdrawn');
      return b;
    },
  },
  review_failed: {
    ends: 'rejected',
    async drive({ http }) {
      const b = await submit(http);
      await step(http, b, staff.district(), 'recommend', {}, 'expert_review');
      await step(http, b, staff.expert(1), 'record_review', { score: 40, opinion: '基础薄弱' }, 'expert_review');
      await step(http, b, officer(), 'conclude_review', { passed: false, opinion: '未通过' }, 'rejected');
      return b;
    },
  },
  candidate_rejected: {
    ends: 'rejected',
    async drive({ http }) {
      const b = await submit(http);
      await step(http, b, staff.district(), 'recommend', {}, 'expert_review');
      await step(http, b, staff.expert(1), 'record_review', { score: 75 }, 'expert_review');
      await step(http, b, officer(), 'conclude_review', { passed: true, siteInspection: { date: today(), summary: '属实' } }, 'party_review');
      await step(http, b, staff.leader(), 'reject_candidate', { meeting: { date: today(), minutes: '纪要' }, reason: '名额有限' }, 'rejected');
      return b;
    },
  },
  objection_upheld: {
    ends: 'rejected',
    async drive({ slow }) {
      const b = await submit(slow);
      await toPublicity(slow, b);
      await rule(b, slow, await object(slow, b), true, 'rejected');
      return b;
    },
  },
  objection_dismissed_after_window: {
    ends: 'certified',
    async drive({ slow }) {
      const b = await submit(slow);
      await toPublicity(slow, b);
      const id = await object(slow, b);
      await slow.waitStage(b.id, officer(), 'objection_review', 120_000);
      await rule(b, slow, id, false, 'certified');
      return b;
    },
  },
  rectified_then_qualified: {
    ends: 'certified',
    async drive({ http }) {
      const b = await submit(http);
      await toCertified(http, b);
      await rate(http, b, 'unqualified');
      await step(http, b, b.token, 'submit_rectification_report', { summary: '已整改' }, 'rectification');
      await http.waitStage(b.id, officer(), 're_evaluation');
      await step(http, b, officer(), 'rate', { rating: 'qualified', opinion: '整改到位' }, 'certified');
      return b;
    },
  },
  rectified_then_revoked: {
    ends: 'revoked',
    async drive({ http, signal }) {
      const b = await submit(http);
      await toCertified(http, b);
      await rate(http, b, 'unqualified');
      await http.waitStage(b.id, officer(), 're_evaluation');
      // No annual report under re-evaluation, as the contract has it: asked, 409; signalled, refused
      // (nothing issued for it) in every generation but 11, whose fixtures hold one taken each way.
      const report = { year: thisYear(), indicators: INDICATORS };
      expect((await http.act(b.id, b.token, 'submit_annual_report', report)).status).toBe(409);
      const applicant = applicantActor(b.app.applicant.creditCode);
      await signal(b.id, { type: 'submit_annual_report', ...report, actor: applicant });
      await step(http, b, officer(), 'rate', { rating: 'unqualified', opinion: '复评仍不合格' }, 'revoked');
      const view = (await http.get(`/api/bases/${b.id}`, officer())).body;
      expect(view.annualReports).toEqual([]);
      return b;
    },
  },
  revoked_by_leader: {
    ends: 'revoked',
    async drive({ http }) {
      const b = await submit(http);
      await toCertified(http, b);
      await step(http, b, staff.leader(), 'revoke', { reason: '列入失信名单' }, 'revoked');
      return b;
    },
  },
  signalled_by_operators: {
    ends: 'expert_review',
    async drive({ http, signal }) {
      const b = await submit(http);
      const ops = (district: string) => ({ sub: 'ops-1', name: '值班运维', role: 'district_officer', district });
      // Three refused (nothing issued for them), then one taken, each in its own workflow task.
      // A clock without its offset: refused since generation 7. Signed as the system: since generation 8.
      await signal(b.id, { type: 'recommend', comment: '推荐', at: `${today()}T10:00:00`, actor: ops(b.app.applicant.district) });
      await signal(b.id, { type: 'recommend', comment: '推荐', actor: { sub: 'system', name: '系统', role: 'system' } });
      await signal(b.id, { type: 'recommend', comment: '推荐', actor: ops('410102') });
      await signal(b.id, { type: 'recommend', comment: '经电话确认', actor: ops(b.app.applicant.district) });
      await http.waitStage(b.id, officer(), 'expert_review');
      // A review taken; a conclusion citing an inspection next year, refused since generation 9 as the API
      // refuses it; a second review, taken only if the conclusion was not (it would end the review).
      const expert = (n: number) => ({ sub: `ops-expert-${n}`, name: `值班专家${n}`, role: 'expert' });
      await signal(b.id, { type: 'record_review', score: 75, actor: expert(1) });
      await signal(b.id, { type: 'conclude_review', passed: true, siteInspection: { date: `${thisYear() + 1}-06-01`, summary: '属实' }, actor: { sub: 'ops-2', name: '值班运维', role: 'bureau_officer' } });
      await signal(b.id, { type: 'record_review', score: 80, actor: expert(2) });
      // A conclusion whose command id no index row holds, refused since generation 11 (its write
      // failed for good); a third review, taken only if that conclusion was not.
      const inspected = { date: today(), summary: '属实' };
      await signal(b.id, { type: 'conclude_review', passed: true, siteInspection: inspected, commandId: 'c'.repeat(3000), actor: { sub: 'ops-2', name: '值班运维', role: 'bureau_officer' } });
      await signal(b.id, { type: 'record_review', score: 85, actor: expert(3) });
      // A conclusion whose inspection summary is longer than a request may give, refused since
      // generation 13 by the request's schema (within 100 KB, it was taken); a fourth review, taken
      // only if it was not.
      await signal(b.id, { type: 'conclude_review', passed: true, siteInspection: { date: today(), summary: '属'.repeat(5001) }, actor: { sub: 'ops-2', name: '值班运维', role: 'bureau_officer' } });
      await signal(b.id, { type: 'record_review', score: 90, actor: expert(4) });
      // "false" typed as a string, which reads as true: taken as a pass before generation 13, refused
      // since by the request's schema; a fifth review, taken only if it was.
      await signal(b.id, { type: 'conclude_review', passed: 'false', siteInspection: inspected, actor: { sub: 'ops-2', name: '值班运维', role: 'bureau_officer' } });
      await signal(b.id, { type: 'record_review', score: 70, actor: expert(5) });
      // Written in the order taken: once the fifth review is read back, so is everything before it.
      const view = await until('five reviews written', async () => (await http.get(`/api/bases/${b.id}`, officer())).body, (v) => v.reviewCount === 5);
      // Only the fourth recommendation says so: a refused one taken instead would have left its own comment.
      expect([view.recommendation?.comment, view.conclusion]).toEqual(['经电话确认', null]);
      return b;
    },
  },
  answered_never_written: {
    ends: 'withdrawn',
    async drive({ http, behind }) {
      const b = await submit(http);
      const applicant = applicantActor(b.app.applicant.creditCode);
      // Three decisions whose APIs died before writing them; the run writes them itself as it ends.
      await behind(b.id, { type: 'recommend', comment: '推荐', actor: { sub: 'district-410105', name: '区县科技局经办人', role: 'district_officer', district: b.app.applicant.district } });
      await behind(b.id, { type: 'record_review', score: 82, actor: { sub: 'expert-1', name: '专家1', role: 'expert' } });
      await behind(b.id, { type: 'withdraw', reason: '合作调整', actor: applicant });
      return b;
    },
  },
  publicity_waits_for_calendar: {
    ends: 'certified',
    async drive({ http, dropCalendarYear }) {
      const year = thisYear();
      await dropCalendarYear(year);
      const b = await submit(http);
      const opened = await toPublicity(http, b);
      if (opened.publicity.waiting?.year !== year) throw new Error(`expected the window to wait for ${year}: ${JSON.stringify(opened.publicity)}`);
      await loadYear(http, year);
      await http.waitStage(b.id, officer(), 'certified');
      return b;
    },
  },
  publicity_fixed_after_its_end: {
    ends: 'certified',
    async drive({ http, earlier, dropCalendarYear }) {
      // Approved weeks ago, its year's schedule loaded only today: the window ended before it was known.
      const b = await submit(http);
      await toPartyReview(http, b);
      const approvedOn = shanghaiDate(Date.now() - EARLIER_DAYS * 864e5);
      const year = Number(approvedOn.slice(0, 4));
      await dropCalendarYear(year);
      const opened = await step(earlier, b, staff.leader(), 'approve_candidate', { meeting: { date: approvedOn, minutes: '党组会纪要' } }, 'publicity');
      if (opened.publicity.waiting?.year !== year) throw new Error(`expected the window to wait for ${year}: ${JSON.stringify(opened.publicity)}`);
      await loadYear(http, year);
      const certified = await http.waitStage(b.id, officer(), 'certified');
      // Closed and certified when the window was fixed, never dated before anyone could know it.
      const trail = (await http.get(`/api/bases/${b.id}/history`, staff.admin())).body;
      const at = (action: string) => Date.parse(trail.entries.find((e: { action?: string }) => e.action === action).at);
      const [fixed, closed] = [at('schedule_publicity'), at('close_publicity')];
      if (closed < fixed || Date.parse(certified.certification.certifiedAt) < fixed || Date.parse(certified.publicity.endsAt) >= fixed) {
        throw new Error(`window fixed ${new Date(fixed).toISOString()}, ended ${certified.publicity.endsAt}, closed ${new Date(closed).toISOString()}, certified ${certified.certification.certifiedAt}`);
      }
      return b;
    },
  },
};

export { client };
