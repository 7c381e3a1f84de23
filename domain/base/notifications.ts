import { districtName } from '../districts';
import { policyOf } from '../policy';
import { chineseDate, chineseInstant } from '../time';
import { EventRecord } from './apply';
import { BaseState } from './state';

export type Recipient = { kind: 'applicant'; id: string } | { kind: 'district'; id: string } | { kind: 'bureau'; id: 'bureau' };

export interface Notification {
  recipient: Recipient;
  subject: string;
  body: string;
}

/** A round as the bureau names it, in a sentence: 2026 is 2026年度, 3 is 第3轮, words as they are. */
const roundLabel = (round: string): string => (/^\d{4}$/.test(round) ? `${round}年度` : /^\d+$/.test(round) ? `第${round}轮` : round);

/** The letters an event owes the parties of Arts. 4-6, in Chinese as the bureau sends them. */
export function notificationsFor(r: EventRecord, s: BaseState): Notification[] {
  const name = s.application.applicant.name;
  const applicant: Recipient = { kind: 'applicant', id: s.application.applicant.creditCode };
  const district: Recipient = { kind: 'district', id: s.application.applicant.district };
  const bureau: Recipient = { kind: 'bureau', id: 'bureau' };
  const to = (recipients: Recipient[], subject: string, body: string) => recipients.map((recipient) => ({ recipient, subject, body }));
  const e = r.event;
  switch (e.type) {
    case 'Submitted':
      return to([district], '新的国际科技合作基地申报', `${name}已提交郑州市国际科技合作基地申报，请${districtName(s.application.applicant.district) ?? ''}科技主管部门审核。`);
    case 'Returned':
      return to([applicant], '申报材料被退回修改', `您单位的合作基地申报已被退回，原因：${e.reason}。请修改后重新提交。`);
    case 'Resubmitted':
      return to([district], '退回修改的申报已重新提交', `${name}已按要求修改并重新提交郑州市国际科技合作基地申报，请${districtName(s.application.applicant.district) ?? ''}科技主管部门审核。`);
    case 'Withdrawn':
      // The bureau hears of it only once the district had sent the application on (a base in publicity: its notice comes down).
      return to(s.recommendation ? [district, bureau] : [district], '申报已撤回', `${name}已撤回郑州市国际科技合作基地申报${e.reason ? `，原因：${e.reason}` : ''}。`);
    case 'Recommended':
      return to([applicant, bureau], '申报已获推荐', `${name}的合作基地申报已由区县（开发区）科技主管部门推荐至市科技局。`);
    case 'Declined':
      return to([applicant], '申报未获推荐', `您单位的合作基地申报未获推荐，原因：${e.reason}。`);
    case 'ReviewConcluded':
      return e.passed ? [] : to([applicant, district], '专家评审未通过', `${name}的合作基地申报未通过专家评审。${e.opinion ?? ''}`);
    case 'CandidateApproved':
      return to([applicant, district], '列入合作基地候选名单', `${name}经市科技局党组会研究，列入郑州市国际科技合作基地候选名单，即将公示。`);
    case 'CandidateRejected':
      return to([applicant, district], '未列入候选名单', `${name}未列入合作基地候选名单，原因：${e.reason}。`);
    case 'PublicityScheduled':
      return to([applicant, district, bureau], '候选名单公示', `${name}列入候选名单公示，公示期${chineseDate(e.firstDay)}至${chineseDate(e.lastDay)}（${policyOf(s.policyVersion).publicityWorkingDays}个工作日），${chineseInstant(e.endsAt)}截止。`);
    case 'PublicityAwaitingCalendar':
      return to([bureau], '公示期无法确定：缺少节假日安排', `${name}的公示期跨入${e.year}年，该年度节假日安排尚未加载，请管理员加载后公示期自动确定。`);
    case 'ObjectionFiled':
      return to([bureau], '公示期收到异议', `${name}公示期间收到异议，请及时核实处理。`);
    case 'ObjectionRuled':
      return e.upheld ? to([applicant, district], '公示异议成立', `${name}公示期间的异议经核实成立，不予认定。`) : [];
    case 'Certified':
      return to([applicant, district], '认定为郑州市国际科技合作基地', `${name}${s.publicity?.objections.length ? '公示期间所提异议经核实不成立' : '经公示无异议'}，认定为“${e.name.zh}”，认定通知：${e.notice}。`);
    case 'EvaluationStarted':
      return to([applicant, district], '合作基地评估', `市科技局启动${roundLabel(e.round)}合作基地评估，请${name}按要求提交评估材料。`);
    case 'Rated': {
      const label = { excellent: '优秀', qualified: '合格', unqualified: '不合格' }[e.rating];
      return to([applicant, district], '评估结果', `${name}评估结果：${label}。${e.opinion ?? ''}`);
    }
    case 'RectificationStarted':
      return to([applicant, district], '限期整改', `${name}评估不合格，限期整改${policyOf(s.policyVersion).rectificationYears}年，整改期至${chineseInstant(e.dueAt)}止，期满后复评。`);
    case 'RectificationEnded':
      return to([applicant, district, bureau], '整改期满，进入复评', `${name}整改期已满，进入复评。`);
    case 'Revoked':
      return to([applicant, district], '取消合作基地资格', `${name}的郑州市国际科技合作基地资格已取消，原因：${e.reason}。`);
    default:
      return [];
  }
}
