import { Actor, toPublicNotice, toView, admit, admitSignalled, admitSignalledAsBefore, admitSignalledAsRequests, admitSignalledFromPeople, admitSignalledWithinBounds, admitSignalledBySchema, asRequested, admitRequest, TEXT_LIMITS, SIGNAL_MAX_BYTES, OBJECTIONS_A_PUBLICITY_HOLDS, applyEvents, BaseState, Command, decide, DomainError, pendingWork, nextDeadline, allowedActions, notificationsFor } from '../../domain';
import { actors, application, CODE, OTHER_CODE } from './fixtures';
import { decisionRules, signalAdmission } from '../../workflows/generation';

// Given the commands a base has lived through, when one more arrives, then these events (or
// this refusal). The clock and the ids come in with each command.
let n = 0;
const AT = '2026-11-28T10:00:00.000+08:00';
const cmd = (actor: Actor, body: Record<string, unknown>, at = AT) => ({ ...body, actor, at, commandId: `c${++n}` }) as unknown as Command;
const submitted = () => cmd(actors.applicant, { type: 'submit', baseId: 'b1', policyVersion: '2021', application: application() });

function given(...commands: Command[]): BaseState {
  let state: BaseState | undefined;
  for (const c of commands) state = applyEvents(state, decide(state, c)).state;
  return state!;
}
const when = (state: BaseState | undefined, c: Command) => decide(state, c);
const refusal = (state: BaseState | undefined, c: Command) => {
  try {
    decide(state, c);
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a refusal');
};
const stageAfter = (state: BaseState, c: Command) => applyEvents(state, decide(state, c)).state!.stage;

const act = {
  recommend: () => cmd(actors.district, { type: 'recommend', comment: '推荐' }),
  review: (expert = actors.expert) => cmd(expert, { type: 'record_review', score: 90 }),
  conclude: (passed = true) => cmd(actors.officer, { type: 'conclude_review', passed, siteInspection: { date: '2026-11-27', summary: '属实' } }),
  approve: () => cmd(actors.leader, { type: 'approve_candidate', meeting: { date: '2026-11-28', minutes: '纪要' } }),
  schedule: () => cmd(actors.system, { type: 'schedule_publicity', firstDay: '2026-11-30', lastDay: '2026-12-04', endsAt: '2026-12-05T00:00:00.000+08:00' }),
  object: (objectionId = 'o1', at = AT) => cmd({ sub: 'public-x', name: '李四', role: 'public' }, { type: 'file_objection', objectionId, name: '李四', contact: '138', reason: '协议过期' }, at),
  close: () => cmd(actors.system, { type: 'close_publicity' }, '2026-12-05T00:00:00.000+08:00'),
  certify: () => cmd(actors.system, { type: 'certify', noticeYear: 2026, noticeSerial: 7 }, '2026-12-05T00:00:00.000+08:00'),
  startEvaluation: (round = '2027') => cmd(actors.officer, { type: 'start_evaluation', round }),
  rate: (rating: string, at = '2027-06-01T09:30:00.000+08:00') => cmd(actors.officer, { type: 'rate', rating }, at),
};
const inPublicity = () => given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule());
const certified = () => given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.close(), act.certify());

describe('submission', () => {
  test('an eligible application opens a base in district review under its policy version', () => {
    const s = given(submitted());
    expect(s).toMatchObject({ stage: 'district_review', policyVersion: '2021', version: 1 });
  });
  test('an applicant may apply only for its own organisation', () => {
    const c = cmd(actors.otherApplicant, { type: 'submit', baseId: 'b1', policyVersion: '2021', application: application(CODE) });
    expect(refusal(undefined, c).code).toBe('FORBIDDEN');
  });
  test('an ineligible applicant is refused with every reason', () => {
    const app = application();
    app.applicant.creditBlacklisted = true;
    const err = refusal(undefined, cmd(actors.applicant, { type: 'submit', baseId: 'b1', policyVersion: '2021', application: app }));
    expect(err.code).toBe('INELIGIBLE');
    expect(err.details.errors).toEqual([expect.objectContaining({ path: 'applicant.creditBlacklisted' })]);
  });
});

describe('the order of refusals: 403, then 422, then 409', () => {
  const s = () => given(submitted(), act.recommend());
  test('another district hears 403 whatever the stage', () => {
    expect(refusal(s(), cmd(actors.otherDistrict, { type: 'recommend' })).code).toBe('FORBIDDEN');
    expect(refusal(s(), cmd(actors.expert, { type: 'decline', reason: 'x' })).code).toBe('FORBIDDEN');
  });
  test('a bad body in the wrong stage hears 422', () => {
    expect(refusal(s(), cmd(actors.district, { type: 'decline', reason: ' ' })).code).toBe('INVALID');
  });
  test('the right caller in the wrong stage hears 409 with what it may do', () => {
    const err = refusal(s(), cmd(actors.district, { type: 'decline', reason: '不推荐' }));
    expect(err.code).toBe('ILLEGAL_STAGE');
    expect(err.details).toEqual({ stage: 'expert_review', allowedActions: [] });
  });
});

describe('district review', () => {
  test('recommend, decline and return move the base', () => {
    expect(stageAfter(given(submitted()), act.recommend())).toBe('expert_review');
    expect(stageAfter(given(submitted()), cmd(actors.district, { type: 'decline', reason: '不符合' }))).toBe('rejected');
    expect(stageAfter(given(submitted()), cmd(actors.district, { type: 'return', reason: '材料不全' }))).toBe('returned');
  });
  test('a resubmission is re-checked and must be for the same organisation', () => {
    const returned = given(submitted(), cmd(actors.district, { type: 'return', reason: '材料不全' }));
    expect(stageAfter(returned, cmd(actors.applicant, { type: 'resubmit', application: application() }))).toBe('district_review');
    expect(refusal(returned, cmd(actors.applicant, { type: 'resubmit', application: application(OTHER_CODE) })).code).toBe('INVALID');
    const bad = application();
    bad.materials = [];
    expect(refusal(returned, cmd(actors.applicant, { type: 'resubmit', application: bad })).code).toBe('INELIGIBLE');
  });
});

describe('expert review and the party group', () => {
  test('a review must be recorded before the review is concluded', () => {
    const s = given(submitted(), act.recommend());
    expect([refusal(s, act.conclude()).code, refusal(s, act.conclude()).message]).toEqual(['ILLEGAL_STAGE', 'conclude_review is not possible now: no expert has recorded a review yet']);
    expect(allowedActions(s, actors.officer)).toEqual([]);
    expect(allowedActions(given(submitted(), act.recommend(), act.review()), actors.officer)).toEqual(['conclude_review']);
  });
  test('an expert reviews once', () => {
    const s = given(submitted(), act.recommend(), act.review());
    // Said as it is: the stage is right, the expert has already reviewed.
    expect([refusal(s, act.review()).code, refusal(s, act.review()).message]).toEqual(['ILLEGAL_STAGE', 'record_review is not possible now: this expert has already recorded a review of this base']);
    expect(stageAfter(s, act.review(actors.expert2))).toBe('expert_review');
  });
  test('a failed review rejects; a passing one needs its site inspection', () => {
    const s = given(submitted(), act.recommend(), act.review());
    expect(stageAfter(s, act.conclude(false))).toBe('rejected');
    expect(refusal(s, cmd(actors.officer, { type: 'conclude_review', passed: true })).code).toBe('INVALID');
  });
  test('approval opens publicity, whose window the system must fix from the calendar', () => {
    const s = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve());
    expect(s.stage).toBe('publicity');
    expect(pendingWork(s)).toEqual({ kind: 'schedule_publicity', openedOn: '2026-11-28', workingDays: 5, awaitingYear: undefined });
    expect(nextDeadline(s)).toBeUndefined();
  });
});

describe('publicity', () => {
  test('a scheduled window is a deadline the workflow keeps', () => {
    expect(nextDeadline(inPublicity())).toEqual({ kind: 'close_publicity', dueAt: '2026-12-05T00:00:00.000+08:00', since: AT });
  });
  test('with no objection standing, the end of the window leads to recognition with a notice', () => {
    const closed = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.close());
    expect(closed.stage).toBe('publicity');
    expect(pendingWork(closed)).toEqual({ kind: 'certify' });
    const [event] = when(closed, act.certify());
    expect(event).toMatchObject({ type: 'Certified', notice: '郑科国合认〔2026〕7号', name: { zh: '郑州市国际科技合作基地' } });
  });
  test('an objection standing at the end of the window must be ruled on first', () => {
    const s = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.object(), act.close());
    expect(s.stage).toBe('objection_review');
    expect(pendingWork(s)).toBeUndefined();
    expect(refusal(s, act.object('o2')).code).toBe('ILLEGAL_STAGE');
    const ruled = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.object(), act.close(),
      cmd(actors.officer, { type: 'rule_objection', objectionId: 'o1', upheld: false, reason: '不属实' }));
    expect(pendingWork(ruled)).toEqual({ kind: 'certify' });
  });
  test('an upheld objection rejects at once; an unknown one is a bad body', () => {
    const s = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.object());
    expect(stageAfter(s, cmd(actors.officer, { type: 'rule_objection', objectionId: 'o1', upheld: true, reason: '属实' }))).toBe('rejected');
    expect(refusal(s, cmd(actors.officer, { type: 'rule_objection', objectionId: 'nope', upheld: true })).code).toBe('INVALID');
  });
  test('an objection at or after 24:00 on the last day is refused on admission, though the timer that closes the window has not run', () => {
    const s = inPublicity();
    expect(admit(s, act.object('o1', '2026-12-04T23:59:59.999+08:00'))).toEqual([expect.objectContaining({ type: 'ObjectionFiled', objectionId: 'o1' })]);
    let late: DomainError | undefined;
    try {
      admit(s, act.object('o2', '2026-12-05T00:00:00.000+08:00'));
    } catch (err) {
      late = err as DomainError;
    }
    expect([late?.code, late?.message, late?.details]).toEqual(['ILLEGAL_STAGE', expect.stringContaining('publicity ended at 2026-12-05T00:00:00.000+08:00'), { stage: 'publicity', allowedActions: [] }]);
    // Replaying a history that took one before this rule, decide still applies it.
    expect(when(s, act.object('o3', '2026-12-05T00:00:01.000+08:00'))).toEqual([expect.objectContaining({ type: 'ObjectionFiled', objectionId: 'o3' })]);
  });
  test('without a standing objection there is nothing to rule on', () => {
    expect(refusal(inPublicity(), cmd(actors.officer, { type: 'rule_objection', objectionId: 'o1', upheld: false })).code).toBe('ILLEGAL_STAGE');
  });
});

describe('evaluation and rectification (Arts. 9-11)', () => {
  test('excellent and qualified keep the status', () => {
    for (const rating of ['excellent', 'qualified']) expect(stageAfter(given(...commandsToCertified(), act.startEvaluation()), act.rate(rating))).toBe('certified');
  });
  test('unqualified starts a rectification of one year from the rating', () => {
    const s = given(...commandsToCertified(), act.startEvaluation());
    const events = when(s, act.rate('unqualified'));
    expect(events.map((e) => e.type)).toEqual(['Rated', 'RectificationStarted']);
    expect(events[1]).toMatchObject({ dueAt: '2028-06-01T09:30:00.000+08:00' });
  });
  test("the rectification letter names the moment the system's clock ends it, not the day before", () => {
    const s = given(...commandsToCertified(), act.startEvaluation());
    const { state, records } = applyEvents(s, when(s, act.rate('unqualified')));
    const letters = records.flatMap((r) => notificationsFor(r, state!)).filter((l) => l.subject === '限期整改');
    expect(nextDeadline(state!)).toMatchObject({ kind: 'end_rectification', dueAt: '2028-06-01T09:30:00.000+08:00' });
    expect(letters.map((l) => l.recipient.kind)).toEqual(['applicant', 'district']);
    for (const l of letters) expect(l.body).toContain('整改期至2028年6月1日9时30分止');
  });
  test('the end of rectification brings re-evaluation; unqualified again revokes', () => {
    const s = given(...commandsToCertified(), act.startEvaluation(), act.rate('unqualified'), cmd(actors.system, { type: 'end_rectification' }));
    expect(s.stage).toBe('re_evaluation');
    expect(when(s, act.rate('unqualified')).map((e) => e.type)).toEqual(['Rated', 'Revoked']);
    expect(stageAfter(s, act.rate('qualified'))).toBe('certified');
  });
  test('a base under re-evaluation files no annual report, as the contract has it; runs of generation 11 took one, and replay it', () => {
    const s = given(...commandsToCertified(), act.startEvaluation(), act.rate('unqualified'), cmd(actors.system, { type: 'end_rectification' }));
    // Indicators in full, as a request's schema (and since generation 13 a signal's) asks for them.
    const indicators = { talents: 1, results: 1, programmes: 1, exchanges: 1, meetings: 1, revenueGrowthPct: 0 };
    const report = cmd(actors.applicant, { type: 'submit_annual_report', year: 2027, indicators }, '2028-06-02T10:00:00.000+08:00');
    expect(allowedActions(s, actors.applicant)).toEqual(['submit_evaluation_report']);
    for (const rules of [decide, admitRequest, decisionRules(12), decisionRules(13), signalAdmission(13), signalAdmission(12), signalAdmission(10), signalAdmission(undefined)]) {
      expect(() => rules(s, report)).toThrow(expect.objectContaining({ code: 'ILLEGAL_STAGE', details: { stage: 're_evaluation', allowedActions: ['submit_evaluation_report'] } }));
    }
    // Generation 11's: as one in rectification, the same checks (a year already in is still refused).
    for (const rules of [decisionRules(11), signalAdmission(11)]) {
      const events = rules(s, report);
      expect(events.map((e) => e.type)).toEqual(['AnnualReportSubmitted']);
      expect(applyEvents(s, events).state!.stage).toBe('re_evaluation');
      expect(() => rules(applyEvents(s, events).state, report)).toThrow(expect.objectContaining({ code: 'INVALID' }));
    }
    // Once rated qualified, it files the year it could not.
    const rated = applyEvents(s, decide(s, act.rate('qualified', '2028-06-03T10:00:00.000+08:00'))).state!;
    expect(admitRequest(rated, { ...report, at: '2028-06-03T11:00:00.000+08:00' }).map((e) => e.type)).toEqual(['AnnualReportSubmitted']);
  });
  test('one annual report per year, not for a year to come', () => {
    const s = given(...commandsToCertified(), cmd(actors.applicant, { type: 'submit_annual_report', year: 2026, indicators: {} }));
    expect(refusal(s, cmd(actors.applicant, { type: 'submit_annual_report', year: 2026, indicators: {} })).details.errors?.[0].path).toBe('year');
    expect(refusal(s, cmd(actors.applicant, { type: 'submit_annual_report', year: 2027, indicators: {} })).code).toBe('INVALID');
  });
  /** A base whose publicity ran over the new year: recognised on 1 January 2027, having applied in 2026. */
  const NEW_YEAR = '2027-01-01T00:00:00.000+08:00';
  const recognisedOnNewYear = (...then: Command[]) =>
    given(
      submitted(), act.recommend(), act.review(), act.conclude(), act.approve(),
      cmd(actors.system, { type: 'schedule_publicity', firstDay: '2026-12-25', lastDay: '2026-12-31', endsAt: NEW_YEAR }),
      cmd(actors.system, { type: 'close_publicity' }, NEW_YEAR),
      cmd(actors.system, { type: 'certify', noticeYear: 2027, noticeSerial: 1 }, NEW_YEAR),
      ...then,
    );
  test('a base recognised in January reports the year it applied with, not a year before its registration', () => {
    const newYear = NEW_YEAR;
    const january = '2027-01-04T10:00:00.000+08:00';
    const s = recognisedOnNewYear(cmd(actors.applicant, { type: 'submit_annual_report', year: 2026, indicators: {} }, january));
    expect(s.certification?.certifiedAt).toBe(newYear);
    expect(s.annualReports.map((r) => r.year)).toEqual([2026]);
    const before = refusal(s, cmd(actors.applicant, { type: 'submit_annual_report', year: 2020, indicators: {} }, january));
    expect(before.details.errors).toEqual([{ path: 'year', message: 'the organisation was registered in 2021' }]);
  });
  test('runs started before generation 7 admit a signalled report as they did: from the year of recognition only', () => {
    const s = recognisedOnNewYear();
    const report = (year: number, at = '2027-01-04T10:00:00.000+08:00') => cmd(actors.applicant, { type: 'submit_annual_report', year, indicators: {} }, at);
    // Refused then and in their histories with nothing issued: refused again on replay.
    expect(() => admitSignalledAsBefore(s, report(2026))).toThrow(expect.objectContaining({ details: { errors: [{ path: 'year', message: 'the base was recognised in 2027' }] } }));
    expect(admitSignalled(s, report(2026)).map((e) => e.type)).toEqual(['AnnualReportSubmitted']);
    expect(admitSignalledAsBefore(s, report(2027)).map((e) => e.type)).toEqual(['AnnualReportSubmitted']);
    // A clock that is not an instant went through before; only today's rules refuse it.
    expect(admitSignalledAsBefore(s, report(2027, '2027-01-04T10:00:00')).map((e) => e.type)).toEqual(['AnnualReportSubmitted']);
    expect(() => admitSignalled(s, report(2027, '2027-01-04T10:00:00'))).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });
  test('since generation 8 a signal comes from a person: signed as the system it cannot close a window early', () => {
    const s = inPublicity();
    const early = cmd(actors.system, { type: 'close_publicity' }, s.publicity!.endsAt!.replace(/T.*/, 'T00:00:00.000+08:00'));
    expect(admitSignalled(s, early).map((e) => e.type)).toEqual(['PublicityClosed']);
    expect(() => admitSignalledFromPeople(s, early)).toThrow(expect.objectContaining({ code: 'INVALID', details: { errors: [{ path: 'actor.role', message: expect.stringContaining('bureau_leader') }] } }));
    const nameless = cmd({ sub: '', role: 'bureau_leader' } as unknown as Actor, { type: 'withdraw', reason: '撤回' });
    expect(() => admitSignalledFromPeople(s, nameless)).toThrow(expect.objectContaining({ details: { errors: [{ path: 'actor.sub', message: 'who sent it' }, { path: 'actor.name', message: 'their name' }] } }));
    expect(admitSignalledFromPeople(s, cmd(actors.applicant, { type: 'withdraw', reason: '撤回' })).map((e) => e.type)).toEqual(['Withdrawn']);
    expect(admitSignalledFromPeople(s, cmd({ sub: 'public-1', name: '赵六', role: 'public' }, { type: 'file_objection', objectionId: 'o1', name: '赵六', contact: '137', reason: '不实' })).map((e) => e.type)).toEqual(['ObjectionFiled']);
  });
  test("a person's action signed as the system is refused, not left to fail", () => {
    expect(refusal(certified(), cmd(actors.system, { type: 'revoke', reason: '列入失信名单' })).code).toBe('INVALID');
  });
  test('a round is held once', () => {
    const s = given(...commandsToCertified(), act.startEvaluation('2027'), act.rate('qualified'));
    expect(refusal(s, act.startEvaluation('2027')).code).toBe('INVALID');
  });
});

describe('the dates of the proceedings a decision records', () => {
  const inReview = () => given(submitted(), act.recommend(), act.review());
  const conclude = (date: string) => cmd(actors.officer, { type: 'conclude_review', passed: true, siteInspection: { date, summary: '属实' } });
  const approve = (date: string, actor = actors.leader) => cmd(actor, { type: 'approve_candidate', meeting: { date, minutes: '纪要' } });
  const refusedWith = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return { code: (err as DomainError).code, errors: (err as DomainError).details.errors };
    }
    throw new Error('accepted');
  };
  test('are not after today; earlier ones are taken (an inspection made for an earlier application)', () => {
    expect(refusedWith(() => admit(inReview(), conclude('2026-11-29')))).toEqual({ code: 'INVALID', errors: [{ path: 'siteInspection.date', message: 'not after today (2026-11-28)' }] });
    expect(admit(inReview(), conclude('2026-11-28')).map((e) => e.type)).toEqual(['ReviewConcluded']);
    expect(admit(inReview(), conclude('2026-11-27')).map((e) => e.type)).toEqual(['ReviewConcluded']);
    // Taken before this rule, such a date stands in histories and replays as it was.
    expect(decide(inReview(), conclude('2026-11-29')).map((e) => e.type)).toEqual(['ReviewConcluded']);
  });
  test("in the contract's order: 403 for a caller without the role, 422 before the stage's 409", () => {
    expect(refusedWith(() => admit(inReview(), approve('2030-01-01'))).code).toBe('INVALID');
    expect(refusedWith(() => admit(inReview(), approve('2030-01-01', actors.officer))).code).toBe('FORBIDDEN');
  });
});

describe('letters on the way to the bureau', () => {
  const lettersOf = (s: BaseState, c: Command) => {
    const { state, records } = applyEvents(s, when(s, c));
    return records.flatMap((r) => notificationsFor(r, state!)).map((l) => [l.recipient.kind, l.subject, l.body]);
  };
  test('a resubmission is put before the district again', () => {
    const returned = given(submitted(), cmd(actors.district, { type: 'return', reason: '材料不全' }));
    expect(lettersOf(returned, cmd(actors.applicant, { type: 'resubmit', application: application() }))).toEqual([['district', '退回修改的申报已重新提交', expect.stringContaining('金水区科技主管部门审核')]]);
  });
  test('the publicity letter gives its days and its end as a letter writes dates', () => {
    const approved = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve());
    const bodies = lettersOf(approved, act.schedule()).map(([, , body]) => body);
    expect(bodies).toHaveLength(3);
    for (const body of bodies) expect(body).toContain('公示期2026年11月30日至2026年12月4日（5个工作日），2026年12月4日24时截止。');
  });
  test('a recognition says the publicity passed without objection, or that the objections raised were found groundless', () => {
    const closed = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.close());
    expect(lettersOf(closed, act.certify())[0][2]).toMatch(/经公示无异议，认定为/);
    const dismissed = given(
      submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.object(), act.close(),
      cmd(actors.officer, { type: 'rule_objection', objectionId: 'o1', upheld: false, reason: '经核实不属实' }),
    );
    const [[, , body]] = lettersOf(dismissed, act.certify());
    expect(body).toMatch(/公示期间所提异议经核实不成立，认定为/);
    expect(body).not.toMatch(/无异议/);
  });
  test.each([
    ['2027', '市科技局启动2027年度合作基地评估'],
    ['3', '市科技局启动第3轮合作基地评估'],
    ['2027年度中期', '市科技局启动2027年度中期合作基地评估'],
  ])('an evaluation named %s is announced as the bureau names it', (round, text) => {
    expect(lettersOf(certified(), act.startEvaluation(round))[0][2]).toContain(text);
  });
  test('a withdrawal tells the district, and the bureau once the district had sent it on', () => {
    const withdraw = cmd(actors.applicant, { type: 'withdraw', reason: '合作调整' });
    expect(lettersOf(given(submitted()), withdraw).map(([to]) => to)).toEqual(['district']);
    expect(lettersOf(inPublicity(), withdraw)).toEqual([
      ['district', '申报已撤回', expect.stringContaining('已撤回郑州市国际科技合作基地申报，原因：合作调整。')],
      ['bureau', '申报已撤回', expect.stringContaining('原因：合作调整')],
    ]);
  });
});

describe('publicity over with no objection standing', () => {
  test('the base is being recognised: withdrawal is no longer offered, and refused on admission', () => {
    const s = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.close());
    expect(pendingWork(s)).toEqual({ kind: 'certify' });
    expect(allowedActions(s, actors.applicant)).toEqual([]);
    const withdraw = cmd(actors.applicant, { type: 'withdraw', reason: '合作调整' });
    expect(() => admit(s, withdraw)).toThrow(expect.objectContaining({ code: 'ILLEGAL_STAGE', message: expect.stringContaining('being recognised') }));
    // Taken before this rule, such a withdrawal stands in histories and replays as it was.
    expect(decide(s, withdraw).map((e) => e.type)).toEqual(['Withdrawn']);
    expect(() => admit(s, cmd(actors.otherApplicant, { type: 'withdraw' }))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
  test('a withdrawal stamped at or after the end is refused though the timer that closes the window has not run; one before it is taken', () => {
    const s = inPublicity();
    const withdraw = (at: string) => cmd(actors.applicant, { type: 'withdraw', reason: '合作调整' }, at);
    expect(admit(s, withdraw('2026-12-04T23:59:59.999+08:00')).map((e) => e.type)).toEqual(['Withdrawn']);
    expect(() => admit(s, withdraw('2026-12-05T00:00:00.000+08:00'))).toThrow(expect.objectContaining({ code: 'ILLEGAL_STAGE', details: { stage: 'publicity', allowedActions: [] } }));
    // With an objection standing the window goes to its review, where the applicant may still withdraw.
    const opposed = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.object());
    expect(admit(opposed, withdraw('2026-12-05T00:00:00.000+08:00')).map((e) => e.type)).toEqual(['Withdrawn']);
  });
  test('an operator\'s signal is admitted by the same rules since generation 9: no withdrawal while the notice is being issued', () => {
    const s = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.close());
    const withdraw = cmd(actors.applicant, { type: 'withdraw', reason: '合作调整' });
    expect(admitSignalledFromPeople(s, withdraw).map((e) => e.type)).toEqual(['Withdrawn']);
    expect(() => admitSignalledAsRequests(s, withdraw)).toThrow(expect.objectContaining({ code: 'ILLEGAL_STAGE', message: expect.stringContaining('being recognised') }));
    const late = act.object('o9', '2026-12-05T00:00:00.000+08:00');
    expect(() => admitSignalledAsRequests(inPublicity(), late)).toThrow(expect.objectContaining({ code: 'ILLEGAL_STAGE', message: expect.stringContaining('publicity ended') }));
    // The person checks still come first.
    expect(() => admitSignalledAsRequests(s, cmd(actors.system, { type: 'close_publicity' }))).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });
});

describe("an operator's signal within a request's bounds (generation 11)", () => {
  const recommend = (over: object) => ({ ...cmd(actors.district, { type: 'recommend', comment: '推荐' }), ...over }) as Command;
  test('a command id of 1 to 200 visible characters is taken; a longer one, which no index row holds, is refused', () => {
    expect(admitSignalledWithinBounds(given(submitted()), recommend({ commandId: 'c'.repeat(200) })).map((e) => e.type)).toEqual(['Recommended']);
    for (const commandId of ['c'.repeat(201), 'c'.repeat(3000), '', 'with space']) {
      expect(() => admitSignalledWithinBounds(given(submitted()), recommend({ commandId }))).toThrow(expect.objectContaining({ code: 'INVALID', details: { errors: [{ path: 'commandId', message: '1 to 200 visible ASCII characters' }] } }));
    }
    // Older runs took it, and must again on replay.
    expect(signalAdmission(10)(given(submitted()), recommend({ commandId: 'c'.repeat(3000) })).map((e) => e.type)).toEqual(['Recommended']);
    expect(() => signalAdmission(11)(given(submitted()), recommend({ commandId: 'c'.repeat(3000) }))).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });
  test(`a command of more than ${SIGNAL_MAX_BYTES} bytes of JSON, as a request's body is held to, is refused`, () => {
    // Three bytes a character in UTF-8: a third of the limit in characters is already too much.
    expect(() => admitSignalledWithinBounds(given(submitted()), recommend({ comment: '推'.repeat(SIGNAL_MAX_BYTES / 3) }))).toThrow(expect.objectContaining({ code: 'INVALID', message: expect.stringContaining('at most') }));
    expect(admitSignalledWithinBounds(given(submitted()), recommend({ comment: '推'.repeat(SIGNAL_MAX_BYTES / 4) })).map((e) => e.type)).toEqual(['Recommended']);
  });
});

describe("an operator's signal, held to its request's schema (generation 13)", () => {
  const returned = () => given(submitted(), cmd(actors.district, { type: 'return', reason: '补充材料' }));
  const inReview = () => given(submitted(), act.recommend(), act.review());
  const refusedWith = (errors: object[]) => expect.objectContaining({ code: 'INVALID', details: { errors } });
  test('a value of the wrong type is refused by name: "false" typed as a string no longer passes a review', () => {
    const conclude = cmd(actors.officer, { type: 'conclude_review', passed: 'false', siteInspection: { date: '2026-11-28', summary: '属实' } } as never);
    // Older runs took it, and concluded the review as passed while the record said "false".
    expect(applyEvents(inReview(), signalAdmission(12)(inReview(), conclude)).state!.stage).toBe('party_review');
    expect(() => signalAdmission(13)(inReview(), conclude)).toThrow(refusedWith([{ path: 'passed', message: expect.stringContaining('boolean') }]));
    expect(() => admitSignalledBySchema(inReview(), cmd(actors.expert, { type: 'record_review', score: '80' } as never))).toThrow(refusedWith([{ path: 'score', message: expect.stringContaining('number') }]));
  });
  test("a text at its field's limit is taken, one character more is refused with the field named", () => {
    const s = given(submitted());
    const recommend = (comment: string) => cmd(actors.district, { type: 'recommend', comment });
    expect(admitSignalledBySchema(s, recommend('推'.repeat(TEXT_LIMITS.comment))).map((e) => e.type)).toEqual(['Recommended']);
    expect(() => admitSignalledBySchema(s, recommend('推'.repeat(TEXT_LIMITS.comment + 1)))).toThrow(refusedWith([{ path: 'comment', message: `at most ${TEXT_LIMITS.comment} characters` }]));
    // Well within the 100 KB generation 11 holds a signal to, and so taken by older runs, as on replay they must.
    const long = recommend('推'.repeat(20_000));
    for (const g of [11, 12]) expect(signalAdmission(g)(s, long).map((e) => e.type)).toEqual(['Recommended']);
    expect(() => signalAdmission(13)(s, long)).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });
  test('nested fields are named with their place, and an unknown field by its own', () => {
    const app = application();
    const resubmit = cmd(actors.applicant, {
      type: 'resubmit',
      application: { ...app, cooperationSummary: 'x'.repeat(TEXT_LIMITS['application.cooperationSummary'] + 1), materials: [app.materials[0], { ...app.materials[0], name: 'm'.repeat(201) }] },
    });
    expect(() => admitSignalledBySchema(returned(), resubmit)).toThrow(
      refusedWith([
        { path: 'application.cooperationSummary', message: 'at most 5000 characters' },
        { path: 'application.materials.1.name', message: 'at most 200 characters' },
      ]),
    );
    expect(() => admitSignalledBySchema(given(submitted()), cmd(actors.district, { type: 'recommend', note: '?' } as never))).toThrow(refusedWith([{ path: 'note', message: 'unknown field: note' }]));
    expect(admitSignalledBySchema(returned(), cmd(actors.applicant, { type: 'resubmit', application: app })).map((e) => e.type)).toEqual(['Resubmitted']);
  });
  test("a signal is decided in its request's form: text trimmed, an empty comment left out, a round as text", () => {
    const meta = { at: '2026-12-01T10:00:00.000+08:00', actor: actors.district, commandId: 'c1', via: 'signal' as const };
    expect(asRequested({ ...meta, type: 'recommend', comment: '  推荐  ' })).toEqual({ ...meta, type: 'recommend', comment: '推荐' });
    expect(asRequested({ ...meta, type: 'recommend', comment: '' })).toEqual({ ...meta, type: 'recommend' });
    expect(asRequested({ ...meta, actor: actors.officer, type: 'start_evaluation', round: 2026 } as never)).toMatchObject({ round: '2026' });
    // An objection keeps the id an operator gives it, as the API gives one to the form's.
    const objection = { ...meta, actor: { sub: 'p1', name: '张三', role: 'public' as const }, type: 'file_objection' as const, objectionId: 'o1', name: '张三', contact: '13800000000', reason: '异议' };
    expect(asRequested(objection)).toEqual(objection);
    // One that is no request is left as sent, for its admission to refuse.
    const odd = { ...meta, type: 'recommend', comment: 7 } as never;
    expect(asRequested(odd)).toBe(odd);
  });
  test('the sender is held to what a token may name', () => {
    const named = (name: string) => cmd({ ...actors.district, name }, { type: 'recommend' });
    expect(() => admitSignalledBySchema(given(submitted()), named('名'.repeat(TEXT_LIMITS['actor.name'] + 1)))).toThrow(refusedWith([{ path: 'actor.name', message: 'at most 100 characters' }]));
    expect(admitSignalledBySchema(given(submitted()), named('名'.repeat(TEXT_LIMITS['actor.name']))).map((e) => e.type)).toEqual(['Recommended']);
  });
});

describe("the public form's objections", () => {
  test(`a request is refused once the publicity holds ${OBJECTIONS_A_PUBLICITY_HOLDS}, counted in the run`, () => {
    const full = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), ...Array.from({ length: OBJECTIONS_A_PUBLICITY_HOLDS }, (_, i) => act.object(`o${i}`)));
    expect(() => admitRequest(full, act.object('one-more'))).toThrow(expect.objectContaining({ code: 'ILLEGAL_STAGE', message: expect.stringContaining('write to the bureau directly') }));
    expect(admitRequest(inPublicity(), act.object('first')).map((e) => e.type)).toEqual(['ObjectionFiled']);
  });
});

describe('a rectification period that is over', () => {
  test('takes no more rectification reports, though the timer that ends it has not run', () => {
    const s = given(...commandsToCertified(), act.startEvaluation(), act.rate('unqualified'));
    const report = (at: string) => cmd(actors.applicant, { type: 'submit_rectification_report', summary: '已整改' }, at);
    expect(admit(s, report('2028-06-01T09:29:59.999+08:00')).map((e) => e.type)).toEqual(['RectificationReportSubmitted']);
    expect(() => admit(s, report('2028-06-01T09:30:00.000+08:00'))).toThrow(
      expect.objectContaining({ code: 'ILLEGAL_STAGE', message: expect.stringContaining('rectification period ended at 2028-06-01T09:30:00.000+08:00'), details: { stage: 'rectification', allowedActions: ['submit_annual_report'] } }),
    );
    expect(decide(s, report('2028-06-01T09:30:00.000+08:00')).map((e) => e.type)).toEqual(['RectificationReportSubmitted']);
  });
});

describe('a window waiting for a year not loaded', () => {
  test('shows its first day, known before that year, and leaves the last day unsaid', () => {
    const s = given(submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), cmd(actors.system, { type: 'await_calendar', year: 2027, firstDay: '2026-12-29' }));
    const view = toView(s, actors.officer);
    expect(view.publicity).toMatchObject({ firstDay: '2026-12-29', lastDay: null, waiting: { year: 2027 } });
    expect(toPublicNotice(s)).toMatchObject({ firstDay: '2026-12-29', lastDay: null, waitingForCalendarYear: 2027 });
  });
});

describe('who may do what now', () => {
  test('withdrawal until recognition, revocation from it on', () => {
    expect(allowedActions(inPublicity(), actors.applicant)).toEqual(['withdraw']);
    expect(allowedActions(certified(), actors.applicant)).toEqual(['submit_annual_report']);
    expect(allowedActions(certified(), actors.leader)).toEqual(['revoke']);
    expect(allowedActions(inPublicity(), actors.leader)).toEqual([]);
  });
  test('another organisation and another district are offered nothing', () => {
    const s = given(submitted());
    expect(allowedActions(s, actors.otherApplicant)).toEqual([]);
    expect(allowedActions(s, actors.otherDistrict)).toEqual([]);
    expect(allowedActions(s, actors.district)).toEqual(['recommend', 'decline', 'return']);
  });
  test('nothing is on offer once the base is closed', () => {
    const s = given(submitted(), cmd(actors.applicant, { type: 'withdraw' }));
    for (const a of Object.values(actors)) expect(allowedActions(s, a)).toEqual([]);
  });
});

function commandsToCertified(): Command[] {
  return [submitted(), act.recommend(), act.review(), act.conclude(), act.approve(), act.schedule(), act.close(), act.certify()];
}
