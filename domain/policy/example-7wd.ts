import { POLICY_2021 } from './2021';
import { Policy } from './types';

/**
 * Not a published measure: an example successor that differs only in a seven-working-day publicity,
 * kept to prove that a new issue of the rules leaves running cases on their own version.
 */
export const POLICY_EXAMPLE_7WD: Policy = {
  ...POLICY_2021,
  version: 'example-7wd',
  source: '示例修订版（非正式文件）：公示期7个工作日',
  published: false,
  // Built on the 2021 issue, whose end date it must not inherit: an illustration names none.
  inForceUntil: undefined,
  publicityWorkingDays: 7,
};
