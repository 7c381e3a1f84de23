/**
 * The longest text each field of a command may hold, in characters, by its path in the command
 * (array positions left out). The request schemas (`domain/requests`) take their ceilings from here,
 * and so do a token's claims, which name the actor; an operator's signal meets the same schemas
 * (generation 13 on): one table, so that none of them can drift from the others.
 */
export const TEXT_LIMITS = {
  comment: 2000,
  reason: 2000,
  opinion: 5000,
  'meeting.minutes': 5000,
  'siteInspection.summary': 5000,
  summary: 5000,
  round: 20,
  objectionId: 64,
  // an objection from the public
  name: 100,
  contact: 200,
  // an application, submitted or resubmitted
  'application.applicant.name': 200,
  'application.applicant.contact.name': 100,
  'application.applicant.contact.email': 200,
  'application.foreignPartner.name': 200,
  'application.field': 100,
  'application.cooperationSummary': 5000,
  'application.agreement.title': 200,
  'application.materials.name': 200,
  // who sent it, as a token's claims name them
  'actor.sub': 128,
  'actor.name': 100,
  'actor.org': 18,
  'actor.district': 12,
} as const;
