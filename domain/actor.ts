export const ROLES = ['applicant', 'district_officer', 'expert', 'bureau_officer', 'bureau_leader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who did something: a signed-in person, a member of the public (objections) or the system (timers). */
export interface Actor {
  sub: string;
  name: string;
  role: Role | 'public' | 'system';
  /** Unified social credit code, for applicants. */
  org?: string;
  /** District code, for district officers. */
  district?: string;
}

export const SYSTEM: Actor = { sub: 'system', name: '系统', role: 'system' };

export const STAFF_ROLES: readonly Role[] = ['district_officer', 'expert', 'bureau_officer', 'bureau_leader', 'admin'];
export const AUDIT_ROLES: readonly Role[] = ['admin', 'bureau_officer', 'bureau_leader'];
