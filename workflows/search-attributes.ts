import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered on the server at start (dev server flags, or the worker's own check). */
export const SEARCH_ATTRIBUTES = {
  BaseStage: defineSearchAttributeKey('BaseStage', SearchAttributeType.KEYWORD),
  BaseDistrict: defineSearchAttributeKey('BaseDistrict', SearchAttributeType.KEYWORD),
  BaseRating: defineSearchAttributeKey('BaseRating', SearchAttributeType.KEYWORD),
  PolicyVersion: defineSearchAttributeKey('PolicyVersion', SearchAttributeType.KEYWORD),
  PublicityEndsAt: defineSearchAttributeKey('PublicityEndsAt', SearchAttributeType.DATETIME),
  ApplicantName: defineSearchAttributeKey('ApplicantName', SearchAttributeType.TEXT),
};
