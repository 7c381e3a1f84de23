import { Actor, Application, MATERIAL_KINDS, policyOf, withCheckCharacter } from '../../domain';

export { creditCodeProblem, eligibilityProblems, MATERIAL_KINDS, withCheckCharacter } from '../../domain';
export const POLICY_2021_FOR_TESTS = policyOf('2021');

export const CODE = withCheckCharacter('91410100MA45K0L3X');
export const OTHER_CODE = withCheckCharacter('91410100MA45K0L4Y');

export function application(creditCode = CODE, district = '410105'): Application {
  return {
    applicant: {
      name: '郑州示例科技有限公司',
      creditCode,
      district,
      legalPersonType: 'enterprise',
      registeredOn: '2021-06-01',
      creditBlacklisted: false,
      contact: { name: '张三', phone: '0371-12345678', email: 'a@example.cn' },
    },
    foreignPartner: { name: 'Fraunhofer', country: 'DE', kind: 'research_institute' },
    field: '新材料',
    cooperationSummary: '联合研发',
    agreement: { title: '协议', signedOn: '2019-01-01', validUntil: '2031-12-31', clauses: { ipOwnership: true, benefitSharing: true, breachLiability: true, disputeResolution: true } },
    team: { researchers: 30, foreignExperts: 4 },
    materials: MATERIAL_KINDS.map((kind) => ({ kind, name: `${kind}.pdf`, sha256: 'a'.repeat(64) })),
  };
}

export const actors = {
  applicant: { sub: 'app', name: '申报单位', role: 'applicant', org: CODE } as Actor,
  otherApplicant: { sub: 'app2', name: '他单位', role: 'applicant', org: OTHER_CODE } as Actor,
  district: { sub: 'd1', name: '金水区科技局', role: 'district_officer', district: '410105' } as Actor,
  otherDistrict: { sub: 'd2', name: '中原区科技局', role: 'district_officer', district: '410102' } as Actor,
  expert: { sub: 'e1', name: '专家一', role: 'expert' } as Actor,
  expert2: { sub: 'e2', name: '专家二', role: 'expert' } as Actor,
  officer: { sub: 'o1', name: '经办人', role: 'bureau_officer' } as Actor,
  leader: { sub: 'l1', name: '党组', role: 'bureau_leader' } as Actor,
  admin: { sub: 'a1', name: '管理员', role: 'admin' } as Actor,
  system: { sub: 'system', name: '系统', role: 'system' } as Actor,
};
