import { existsSync } from 'node:fs';
import path from 'node:path';

/** The checkout's root, from source (tests) or from dist/ (running code) alike. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

export const distFile = (...parts: string[]) => path.join(repoRoot(), 'dist', ...parts);
