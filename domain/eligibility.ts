import { Application } from './application';
import { creditCodeProblem } from './credit-code';
import { districtName } from './districts';
import { FieldProblem } from './errors';
import { Policy } from './policy';
import { addYearsToDate, IsoDate } from './time';

const CREDIT_CODE_MESSAGES = {
  length: 'a unified social credit code has 18 characters',
  characters: 'a unified social credit code uses only digits and the letters of GB 32100-2015 (no I, O, S, V, Z)',
  check_character: 'the check character does not match (GB 32100-2015)',
} as const;

/**
 * The machine-checkable conditions of Art. 7 and the materials of Art. 8(1), each a named reason.
 * What people judge (priority fields, the partner's standing) is left to the reviewers.
 */
export function eligibilityProblems(app: Application, submittedOn: IsoDate, policy: Policy): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const a = app.applicant;
  const codeProblem = creditCodeProblem(a.creditCode);
  if (codeProblem) problems.push({ path: 'applicant.creditCode', message: CREDIT_CODE_MESSAGES[codeProblem] });
  if (!districtName(a.district)) problems.push({ path: 'applicant.district', message: 'not a district of Zhengzhou (see /api/districts)' });
  if (a.registeredOn > submittedOn) {
    problems.push({ path: 'applicant.registeredOn', message: 'registration date lies in the future' });
  } else if (addYearsToDate(a.registeredOn, policy.minYearsRegistered) > submittedOn) {
    problems.push({
      path: 'applicant.registeredOn',
      message: `registered under ${policy.minYearsRegistered} years before the day of application (Art. 7(1))`,
    });
  }
  if (a.creditBlacklisted) problems.push({ path: 'applicant.creditBlacklisted', message: 'on the social-credit blacklist (Art. 7(1))' });
  for (const clause of policy.requiredClauses) {
    if (!app.agreement.clauses[clause]) {
      problems.push({ path: `agreement.clauses.${clause}`, message: 'the cooperation agreement must settle this (Art. 7(3))' });
    }
  }
  if (app.agreement.signedOn > submittedOn) problems.push({ path: 'agreement.signedOn', message: 'the agreement is not signed yet' });
  if (app.agreement.validUntil < submittedOn) {
    problems.push({ path: 'agreement.validUntil', message: 'the agreement has expired; Art. 7(3) asks for one in force' });
  }
  const kinds = new Set(app.materials.map((m) => m.kind));
  for (const kind of policy.requiredMaterials) {
    if (!kinds.has(kind)) problems.push({ path: 'materials', message: `missing required material ${kind} (Art. 8(1))` });
  }
  return problems;
}
