#!/usr/bin/env node
// `npm test`: set up what is missing, run every Jest project (real servers included), and end
// with the one line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, '.jest-results.json');

const setup = spawnSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs')], { cwd: root, stdio: 'inherit' });
if (setup.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// CI gives the whole run 90 minutes; a Jest held open by a leaked handle must still end in the line it reads.
const JEST_LIMIT_MS = 70 * 60_000;

rmSync(results, { force: true });
const jest = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--json', `--outputFile=${results}`, '--maxWorkers=2', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', timeout: JEST_LIMIT_MS, killSignal: 'SIGKILL', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } },
);

/**
 * The counts CI reads, from Jest's results. What is not known to have passed counts as failed: a
 * results file missing, unreadable or short of its numbers, a run of no tests, and skipped or todo
 * tests (they checked nothing, and a pass would hide that).
 */
function tally(file) {
  if (!existsSync(file)) return { passed: 0, failed: 1, notes: ['Jest wrote no results'] };
  let r;
  try {
    r = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { passed: 0, failed: 1, notes: [`Jest's results are not JSON: ${err.message}`] };
  }
  const fields = ['numTotalTests', 'numPassedTests', 'numFailedTests', 'numPendingTests', 'numTodoTests', 'numRuntimeErrorTestSuites'];
  const missing = fields.filter((k) => !Number.isInteger(r?.[k]) || r[k] < 0);
  if (missing.length) return { passed: 0, failed: 1, notes: [`Jest's results lack ${missing.join(', ')}`] };
  const notes = [];
  if (r.numPendingTests) notes.push(`${r.numPendingTests} skipped`);
  if (r.numTodoTests) notes.push(`${r.numTodoTests} todo`);
  if (r.numRuntimeErrorTestSuites) notes.push(`${r.numRuntimeErrorTestSuites} suite(s) could not run`);
  // A suite that could not run has no failed tests of its own; it still is a failure.
  let failed = r.numFailedTests + r.numRuntimeErrorTestSuites + r.numPendingTests + r.numTodoTests;
  if (r.numTotalTests === 0) {
    notes.push('no tests ran');
    failed = Math.max(failed, 1);
  }
  return { passed: r.numPassedTests, failed, notes };
}

let { passed, failed, notes } = tally(results);
if (jest.error?.code === 'ETIMEDOUT') notes.push(`Jest was stopped after ${JEST_LIMIT_MS / 60_000} minutes`);
if (jest.status !== 0 && failed === 0) {
  notes.push(`Jest exited with ${jest.status ?? jest.signal}`);
  failed = 1;
}
if (notes.length) console.log(`counted as failed: ${notes.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
