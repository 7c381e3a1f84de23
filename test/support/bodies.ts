import { Application } from '../../domain';
import { INDICATORS, thisYear, today } from './http';

/** Who may send an action, as the contract's table says: the base's own applicant or district, or a role. */
export type Rightful = 'own' | 'district' | 'expert' | 'bureau_officer' | 'bureau_leader';

/**
 * The contract's action table with a well-formed body for each action, written out here so a
 * test does not take the code's own copy of the rules as its oracle.
 */
export function actionTable(ctx: { application: Application; objectionId: string }) {
  const meeting = { date: today(), minutes: '党组会纪要' };
  const table: Record<string, { who: Rightful; body: object }> = {
    recommend: { who: 'district', body: { comment: '推荐' } },
    decline: { who: 'district', body: { reason: '不符合优先领域' } },
    return: { who: 'district', body: { reason: '材料不全' } },
    withdraw: { who: 'own', body: { reason: '合作调整' } },
    resubmit: { who: 'own', body: { application: ctx.application } },
    record_review: { who: 'expert', body: { score: 80, opinion: '合作基础扎实' } },
    conclude_review: { who: 'bureau_officer', body: { passed: true, opinion: '通过', siteInspection: { date: today(), summary: '现场考察属实' } } },
    approve_candidate: { who: 'bureau_leader', body: { meeting } },
    reject_candidate: { who: 'bureau_leader', body: { meeting, reason: '名额所限' } },
    rule_objection: { who: 'bureau_officer', body: { objectionId: ctx.objectionId, upheld: false, reason: '异议不成立' } },
    submit_annual_report: { who: 'own', body: { year: thisYear(), indicators: INDICATORS } },
    start_evaluation: { who: 'bureau_officer', body: { round: '2027' } },
    revoke: { who: 'bureau_leader', body: { reason: '违规' } },
    submit_evaluation_report: { who: 'own', body: { indicators: INDICATORS } },
    rate: { who: 'bureau_officer', body: { rating: 'qualified', opinion: '合格' } },
    submit_rectification_report: { who: 'own', body: { summary: '已整改' } },
  };
  return table;
}

export const objectionBody = () => ({ name: '李四', contact: '13800000000', reason: '申报数据与事实不符' });
export const calendarBody = () => ({ holidays: ['2099-01-01', '2099-10-01'], workdays: ['2099-09-26'] });
