import { readFileSync } from 'node:fs';

/**
 * SIGKILLs what a failed test left running, only if its environment holds `marker` (`NAME=value`,
 * say the test's own task queue): a pid that has ended may since belong to anything else.
 */
export function killIfOurs(pid: number, marker: string): void {
  try {
    if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)) process.kill(pid, 'SIGKILL');
  } catch {
    // gone, or no /proc to tell
  }
}
