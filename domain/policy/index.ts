import { POLICY_2021 } from './2021';
import { POLICY_EXAMPLE_7WD } from './example-7wd';
import { Policy } from './types';

export * from './types';

const POLICIES: Record<string, Policy> = {
  [POLICY_2021.version]: POLICY_2021,
  [POLICY_EXAMPLE_7WD.version]: POLICY_EXAMPLE_7WD,
};

export const DEFAULT_POLICY_VERSION = POLICY_2021.version;
export const POLICY_VERSIONS = Object.keys(POLICIES);

/** The longest publicity of any policy: the schedules an approval carries must cover it. */
export const LONGEST_PUBLICITY_WORKING_DAYS = Math.max(...Object.values(POLICIES).map((p) => p.publicityWorkingDays));

export function policyOf(version: string): Policy {
  const policy = POLICIES[version];
  if (!policy) throw new RangeError(`unknown policy version ${version}`);
  return policy;
}

/**
 * Why new bases opened today under this version may not be judged by measures in force, if so:
 * the measures say when they lapse, and only the bureau can say what replaced them.
 */
export function lapseOf(version: string, today: string): string | undefined {
  const { inForceUntil, source } = policyOf(version);
  if (!inForceUntil || today <= inForceUntil) return undefined;
  return `${source} were in force until ${inForceUntil}; new bases are still judged by them (POLICY_VERSION=${version}) until a successor is added to domain/policy/ and chosen`;
}
