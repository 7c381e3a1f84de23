import { defineSearchAttributeKey, SearchAttributePair, SearchAttributeType, SearchAttributeUpdatePair, TypedSearchAttributes } from '@temporalio/common';
import type { BaseState } from '../domain';

/** Registered on the server at start (dev server flags, or the worker's own check). */
export const SEARCH_ATTRIBUTES = {
  BaseStage: defineSearchAttributeKey('BaseStage', SearchAttributeType.KEYWORD),
  BaseDistrict: defineSearchAttributeKey('BaseDistrict', SearchAttributeType.KEYWORD),
  BaseRating: defineSearchAttributeKey('BaseRating', SearchAttributeType.KEYWORD),
  PolicyVersion: defineSearchAttributeKey('PolicyVersion', SearchAttributeType.KEYWORD),
  PublicityEndsAt: defineSearchAttributeKey('PublicityEndsAt', SearchAttributeType.DATETIME),
  ApplicantName: defineSearchAttributeKey('ApplicantName', SearchAttributeType.TEXT),
};
const SA = SEARCH_ATTRIBUTES;

/** What a base shows Temporal's visibility; null where it has nothing (an upsert of null removes the attribute). */
export function searchAttributesOf(s: BaseState): SearchAttributeUpdatePair[] {
  const rating = [...s.evaluations].reverse().find((e) => e.rating)?.rating;
  return [
    { key: SA.BaseStage, value: s.stage },
    { key: SA.BaseDistrict, value: s.application.applicant.district },
    { key: SA.BaseRating, value: rating || null },
    { key: SA.PolicyVersion, value: s.policyVersion },
    { key: SA.PublicityEndsAt, value: s.publicity?.endsAt ? new Date(s.publicity.endsAt) : null },
    { key: SA.ApplicantName, value: s.application.applicant.name },
  ];
}

/** The same, as a workflow is started with them (nothing to remove yet). */
export const startingSearchAttributes = (s: BaseState): SearchAttributePair[] => searchAttributesOf(s).filter((p): p is SearchAttributePair => p.value !== null);

/** Compares what a base would show with what a run holds, whichever side it comes from, in any order. */
export function searchKeyOf(pairs: SearchAttributeUpdatePair[]): string {
  const named = pairs.map(({ key, value }): [string, unknown] => [key.name, value instanceof Date ? value.toISOString() : (value ?? null)]);
  return JSON.stringify(named.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The key of what a run holds now (what it was started with, once started). */
export const heldSearchKey = (held: TypedSearchAttributes): string =>
  searchKeyOf(Object.values(SA).map((key) => ({ key, value: held.get(key) ?? null }) as SearchAttributeUpdatePair));
