export interface FieldProblem {
  path: string;
  message: string;
}

export type DomainErrorCode = 'FORBIDDEN' | 'INVALID' | 'INELIGIBLE' | 'ILLEGAL_STAGE' | 'NOT_FOUND';

/** A refusal the caller can act on; it carries a stable code the API maps onto a status. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: { errors?: FieldProblem[]; stage?: string; allowedActions?: string[] } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const invalid = (message: string, errors: FieldProblem[]) => new DomainError('INVALID', message, { errors });
export const ineligible = (errors: FieldProblem[]) =>
  new DomainError('INELIGIBLE', 'The applicant does not meet the conditions of Art. 7', { errors });
export const illegalStage = (action: string, stage: string, allowedActions: string[], why?: string) =>
  new DomainError('ILLEGAL_STAGE', why ? `${action} is not possible now: ${why}` : `${action} is not allowed while the base is in ${stage}`, { stage, allowedActions });
