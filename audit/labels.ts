/** Bilingual labels for the trail: the bureau reads Chinese, partners and auditors abroad English. */
export const ACTION_LABELS: Record<string, { zh: string; en: string }> = {
  submit: { zh: '提交申报', en: 'Application submitted' },
  recommend: { zh: '区县推荐', en: 'Recommended by the district' },
  decline: { zh: '区县不予推荐', en: 'Declined by the district' },
  return: { zh: '退回修改', en: 'Returned for correction' },
  resubmit: { zh: '重新提交', en: 'Resubmitted' },
  withdraw: { zh: '撤回申报', en: 'Withdrawn by the applicant' },
  record_review: { zh: '专家评审意见', en: 'Expert review recorded' },
  conclude_review: { zh: '形成评审意见', en: 'Review concluded' },
  approve_candidate: { zh: '党组会审定候选', en: 'Approved as candidate by the party group' },
  reject_candidate: { zh: '党组会未通过', en: 'Not approved by the party group' },
  schedule_publicity: { zh: '确定公示期', en: 'Publicity window fixed' },
  await_calendar: { zh: '等待节假日安排', en: 'Waiting for the holiday schedule' },
  file_objection: { zh: '提出异议', en: 'Objection filed' },
  rule_objection: { zh: '异议处理', en: 'Objection ruled' },
  close_publicity: { zh: '公示期满', en: 'Publicity window ended' },
  certify: { zh: '认定授牌', en: 'Recognised as a base' },
  submit_annual_report: { zh: '提交年度报告', en: 'Annual report submitted' },
  start_evaluation: { zh: '启动评估', en: 'Evaluation started' },
  submit_evaluation_report: { zh: '提交评估材料', en: 'Evaluation report submitted' },
  rate: { zh: '评估结论', en: 'Rated' },
  start_rectification: { zh: '限期整改', en: 'Rectification started' },
  submit_rectification_report: { zh: '提交整改报告', en: 'Rectification report submitted' },
  end_rectification: { zh: '整改期满', en: 'Rectification period ended' },
  revoke: { zh: '取消资格', en: 'Status revoked' },
};

export const KIND_LABELS: Record<string, { zh: string; en: string }> = {
  submitted: { zh: '申报', en: 'Submission' },
  action: { zh: '办理', en: 'Decision' },
  timer: { zh: '时限到期', en: 'Timer fired' },
  stage: { zh: '阶段变更', en: 'Stage change' },
  notification: { zh: '通知', en: 'Notification' },
  persisted: { zh: '入库', en: 'Persisted' },
};

export const STAGE_LABELS: Record<string, { zh: string; en: string }> = {
  district_review: { zh: '区县审核', en: 'District review' },
  returned: { zh: '退回修改', en: 'Returned' },
  expert_review: { zh: '专家评审', en: 'Expert review' },
  party_review: { zh: '党组会审定', en: 'Party-group review' },
  publicity: { zh: '公示', en: 'Publicity' },
  objection_review: { zh: '异议核查', en: 'Objection review' },
  certified: { zh: '已认定', en: 'Recognised' },
  evaluation: { zh: '评估', en: 'Evaluation' },
  rectification: { zh: '整改', en: 'Rectification' },
  re_evaluation: { zh: '复评', en: 'Re-evaluation' },
  rejected: { zh: '未通过', en: 'Rejected' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
  revoked: { zh: '已取消资格', en: 'Revoked' },
};

/** Who acted, as the bureau names them; `public` and `system` sign what no account does. */
export const ROLE_LABELS: Record<string, string> = {
  applicant: '申报单位',
  district_officer: '区县科技主管部门',
  expert: '评审专家',
  bureau_officer: '市科技局经办处室',
  bureau_leader: '市科技局党组',
  admin: '系统管理员',
  public: '社会公众',
  system: '系统',
};
