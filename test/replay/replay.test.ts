import { CURRENT_GENERATION, fromJson, hasDecisions, loadFixtures, replay } from '../support/replay';
import { PATHS } from '../support/paths';

// Bases live for years: today's workflow code must replay every recorded path of every earlier
// generation exactly, or the running bases it describes would break. A change that fails here
// goes behind patched().
jest.setTimeout(180_000);

const fixtures = loadFixtures();
const generations = [...new Set(fixtures.map((f) => f.generation))];

test("there is a recorded history for every path of a base's life under today's code", () => {
  const current = fixtures.filter((f) => f.generation === CURRENT_GENERATION);
  expect(current.map((f) => f.path).sort()).toEqual(Object.keys(PATHS).sort());
  expect(current.some((f) => f.runs.length > 1)).toBe(true); // continue-as-new is among them
  expect(generations.length).toBeGreaterThan(1); // and bases started under earlier code
});

test.each(generations)('every run recorded under %s replays against the current workflow code', async (generation) => {
  const runs = fixtures
    .filter((f) => f.generation === generation)
    .flatMap((f) => f.runs.map((r, i) => ({ name: `${generation}/${f.path}#${i + 1}`, history: fromJson(r.history) })));
  // Every run that decided anything is replayed (the oldest fixtures keep a run that only started).
  const decided = runs.filter((r) => hasDecisions(r.history)).length;
  expect(decided).toBeGreaterThan(0);
  expect(await replay(runs)).toEqual({ replayed: decided, failures: [] });
});
