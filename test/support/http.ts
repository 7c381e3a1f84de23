import { createHash } from 'node:crypto';
import { signToken } from '../../api/auth';
import { Actor, Application, MATERIAL_KINDS, shanghaiDate, withCheckCharacter } from '../../domain';
import { TEST_SECRET } from './stack';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** What a client needs of an HTTP stack: one request, its status, headers and text. */
export type Send = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{ status: number; headers: Headers; text: string }>;

const viaFetch: Send = async (url, init) => {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
};

export function client(baseUrl: string, send: Send = viaFetch) {
  async function call<T = any>(method: string, path: string, o: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let payload: string | undefined;
    if (o.raw !== undefined) payload = o.raw;
    else if (o.body !== undefined) payload = JSON.stringify(o.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    // A deadline turns a hanging server into a failed test instead of a stuck one.
    const signal = o.timeoutMs ? AbortSignal.timeout(o.timeoutMs) : undefined;
    const { status, headers: answered, text } = await send(baseUrl + path, { method, headers, body: payload, signal });
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status, body, headers: answered, text };
  }
  return {
    call,
    get: <T = any>(path: string, token?: string) => call<T>('GET', path, { token }),
    post: <T = any>(path: string, body: unknown, token?: string, headers?: Record<string, string>) => call<T>('POST', path, { body, token, headers }),
    act: (id: string, token: string, type: string, extra: object = {}, headers?: Record<string, string>) =>
      call('POST', `/api/bases/${id}/actions`, { token, body: { type, ...extra }, headers }),
    /** Polls the base until it reaches one of the stages (the system's own windows run in the background). */
    async waitStage(id: string, token: string, stages: string | string[], timeoutMs = 60_000) {
      const want = ([] as string[]).concat(stages);
      const end = Date.now() + timeoutMs;
      let last: Reply | undefined;
      while (Date.now() < end) {
        last = await call('GET', `/api/bases/${id}`, { token });
        if (want.includes(last.body?.stage)) return last.body;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`base ${id} did not reach ${want.join('|')} in ${timeoutMs} ms (last: ${last?.body?.stage})`);
    },
  };
}
export type HttpClient = ReturnType<typeof client>;

let serial = 0;
/** A fresh, valid unified social credit code per call (so suites never share an applicant). */
export function newCreditCode(): string {
  serial += 1;
  const digits = createHash('sha256').update(`${process.pid}-${Date.now()}-${serial}-${Math.random()}`).digest('hex').replace(/[a-f]/g, '').padEnd(9, '7');
  return withCheckCharacter(`91410100${digits.slice(0, 9)}`);
}

export const token = (actor: Omit<Actor, 'role'> & { role: string }) => signToken(actor, TEST_SECRET);

export const staff = {
  district: (district = '410105') => token({ sub: `district-${district}`, name: '区县科技局经办人', role: 'district_officer', district }),
  expert: (n = 1) => token({ sub: `expert-${n}`, name: `专家${n}`, role: 'expert' }),
  officer: () => token({ sub: 'officer-1', name: '市局经办人', role: 'bureau_officer' }),
  leader: () => token({ sub: 'leader-1', name: '市局党组', role: 'bureau_leader' }),
  admin: () => token({ sub: 'admin-1', name: '审计员', role: 'admin' }),
};
/** The applicant as its tokens and the operators' signals name it. */
export const applicantActor = (creditCode: string) => ({ sub: `app-${creditCode}`, name: '申报单位', role: 'applicant', org: creditCode });
export const applicantToken = (creditCode: string) => token(applicantActor(creditCode));

const daysAgo = (n: number) => new Date(Date.now() - n * 864e5).toISOString().slice(0, 10);
const daysAhead = (n: number) => daysAgo(-n);

export function application(over: { creditCode?: string; district?: string } = {}): Application {
  const creditCode = over.creditCode ?? newCreditCode();
  return {
    applicant: {
      name: `郑州测试${creditCode.slice(-6)}科技有限公司`,
      creditCode,
      district: over.district ?? '410105',
      legalPersonType: 'enterprise',
      registeredOn: daysAgo(365 * 5),
      creditBlacklisted: false,
      contact: { name: '张三', phone: '0371-12345678', email: 'contact@example.cn' },
    },
    foreignPartner: { name: 'Fraunhofer-Institut Beispiel', country: 'DE', kind: 'research_institute' },
    field: '新材料',
    cooperationSummary: '联合研发高性能复合材料，已共同申请专利三项。',
    agreement: {
      title: '科技合作协议',
      signedOn: daysAgo(700),
      validUntil: daysAhead(365 * 5),
      clauses: { ipOwnership: true, benefitSharing: true, breachLiability: true, disputeResolution: true },
    },
    team: { researchers: 30, foreignExperts: 4 },
    materials: MATERIAL_KINDS.map((kind) => ({ kind, name: `${kind}.pdf`, sha256: createHash('sha256').update(kind + creditCode).digest('hex') })),
  };
}

export const INDICATORS = { talents: 3, results: 5, programmes: 2, exchanges: 40, meetings: 2, revenueGrowthPct: 12.5 };
/** Today as the product counts days: in Shanghai (a UTC date is yesterday's from 16:00 UTC to midnight). */
export const today = () => shanghaiDate(Date.now());
/** This year in Shanghai: an annual report for it is always due-able (hosts are registered years before). */
export const thisYear = () => Number(today().slice(0, 4));
