import { idFor } from '../../api/idempotency';
import { application, applicantToken, HttpClient, INDICATORS, staff, today } from '../../test/support/http';
import { CallStats, persistently } from './persistently';
import { publicitySteps } from '../../test/support/journeys';
import { setTimeout as sleep } from 'node:timers/promises';

/** A decision the API answered with 2xx: it must be in the workflow, once in the table and in the read model. */
export interface Accepted {
  baseId: string;
  commandId: string;
  action: string;
}

/** The ways a base's life can go, chosen by its number so a run is reproducible. */
export type Plan = 'qualified' | 'rectified' | 'revoked' | 'objection_dismissed' | 'objection_upheld' | 'returned' | 'declined' | 'withdrawn';
const PLANS: Plan[] = ['qualified', 'rectified', 'returned', 'objection_dismissed', 'revoked', 'qualified', 'rectified', 'declined', 'objection_upheld', 'withdrawn'];
export const planOf = (i: number): Plan => PLANS[i % PLANS.length];

export interface JourneyContext {
  http: HttpClient;
  stats: CallStats;
  accepted: Accepted[];
  /** Wall-clock time one year of rectification takes at the run's TIME_SCALE. */
  yearMs: number;
  deadlineMs: number;
  giveUpMs: number;
}

export class JourneyBroken extends Error {}

const subOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub as string;
const DISTRICTS = ['410105', '410102', '410171', '410173', '410181'];

/** Drives one base through the life its plan says; every 2xx decision goes into `accepted`. */
export async function journey(c: JourneyContext, i: number): Promise<{ baseId?: string; plan: Plan; stage?: string }> {
  const plan = planOf(i);
  const app = application({ district: DISTRICTS[i % DISTRICTS.length] });
  const own = applicantToken(app.applicant.creditCode);
  const district = staff.district(app.applicant.district);
  const officer = staff.officer();
  const call = (method: string, path: string, o: { token?: string; body?: unknown; key?: string }) =>
    persistently(c.http, c.stats, method, path, { ...o, deadlineMs: c.deadlineMs, giveUpMs: c.giveUpMs });

  const submitted = await call('POST', '/api/bases', { token: own, body: app, key: `submit-${i}` });
  if (submitted.status !== 201) throw new JourneyBroken(`submission ${i} answered ${submitted.status}: ${submitted.text.slice(0, 200)}`);
  const baseId: string = submitted.body.id;
  c.accepted.push({ baseId, commandId: `submit-${baseId}`, action: 'submit' });
  let stage: string = submitted.body.stage;
  let step = 0;

  async function act(token: string, type: string, extra: object = {}) {
    const key = `${baseId}-${++step}-${type}`;
    const r = await call('POST', `/api/bases/${baseId}/actions`, { token, body: { type, ...extra }, key });
    if (r.status !== 200) throw new JourneyBroken(`${type} on ${baseId} answered ${r.status}: ${r.text.slice(0, 200)}`);
    c.accepted.push({ baseId, commandId: `act-${idFor(key, 'act', baseId, subOf(token))}`, action: type });
    stage = r.body.stage;
    return r.body;
  }

  async function waitFor(stages: string[], withinMs: number) {
    const end = Date.now() + withinMs;
    while (Date.now() < end) {
      const r = await call('GET', `/api/bases/${baseId}`, { token: officer });
      if (r.status === 200) stage = r.body.stage;
      if (stages.includes(stage)) return stage;
      await sleep(500);
    }
    throw new JourneyBroken(`${baseId} did not reach ${stages.join('|')} (still ${stage})`);
  }

  // A window closes by itself, but a worker killed just then costs its tasks their timeouts (10 to
  // 15 s each) before another worker takes them; twice in a row happens on a loaded machine.
  const windowMs = 60_000 + c.yearMs / 30;
  if (plan === 'returned') {
    await act(district, 'return', { reason: '材料不全' });
    await act(own, 'resubmit', { application: { ...app, field: '生物医药' } });
  }
  if (plan === 'declined') {
    await act(district, 'decline', { reason: '不符合优先领域' });
    return { baseId, plan, stage };
  }
  const [recommend, ...toPublicity] = publicitySteps();
  await act(recommend.who({ app }), recommend.type, recommend.extra);
  if (plan === 'withdrawn') {
    await act(own, 'withdraw', { reason: '合作调整' });
    return { baseId, plan, stage };
  }
  for (const s of toPublicity) await act(s.who({ app }), s.type, s.extra);

  if (plan === 'objection_dismissed' || plan === 'objection_upheld') {
    // The objector's key makes a resend after a 503 the same objection, filed once.
    const r = await call('POST', `/api/bases/${baseId}/objections`, { body: { name: `公众${i}`, contact: '13800000000', reason: '合作协议已过期' }, key: `objection-${i}` });
    if (r.status === 201) {
      c.accepted.push({ baseId, commandId: `objection-${r.body.id}`, action: 'file_objection' });
      const upheld = plan === 'objection_upheld';
      await act(officer, 'rule_objection', { objectionId: r.body.id, upheld, reason: upheld ? '异议属实' : '经核实不属实' });
      if (upheld) return { baseId, plan, stage };
    } else if (r.status !== 409) {
      throw new JourneyBroken(`objection on ${baseId} answered ${r.status}`);
    }
  }
  await waitFor(['certified'], windowMs);
  if (plan === 'qualified') await act(own, 'submit_annual_report', { year: Number(today().slice(0, 4)), indicators: INDICATORS });
  await act(officer, 'start_evaluation', { round: '2026' });
  await act(own, 'submit_evaluation_report', { indicators: INDICATORS });
  // Only these two plans go on to a year of rectification: an upheld objection that found the window
  // already closed (409 after an outage) leaves a recognised base, rated like the others.
  if (plan !== 'rectified' && plan !== 'revoked') {
    await act(officer, 'rate', { rating: i % 2 ? 'excellent' : 'qualified', opinion: '评估意见' });
    return { baseId, plan, stage };
  }
  await act(officer, 'rate', { rating: 'unqualified', opinion: '指标未达标' });
  await act(own, 'submit_rectification_report', { summary: '已按要求整改' });
  await waitFor(['re_evaluation'], c.yearMs + windowMs);
  await act(own, 'submit_evaluation_report', { indicators: INDICATORS });
  await act(officer, 'rate', plan === 'revoked' ? { rating: 'unqualified', opinion: '复评仍不合格' } : { rating: 'qualified', opinion: '整改到位' });
  return { baseId, plan, stage };
}
