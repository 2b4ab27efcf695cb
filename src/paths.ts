// Where ethtrack finds its own files: the repository (or installed package)
// root and what lives under it. Every path to the project's own files comes
// from here, so no module counts `..` from its own location and a file can
// move a folder deeper without silently looking under dist/.

import fs from 'node:fs';
import path from 'node:path';

/** The first directory at or above `start` holding ethtrack's package.json. */
export function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'ethtrack') return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no ethtrack package.json at or above ${start}`);
  }
}

export const ROOT = findRoot(__dirname);

export const PATHS = {
  root: ROOT,
  packageJson: path.join(ROOT, 'package.json'),
  proto: path.join(ROOT, 'proto'),
  helper: path.join(ROOT, 'build', 'helper', 'ethtrack-helper'),
  helperAsan: path.join(ROOT, 'build', 'helper', 'ethtrack-helper-asan'),
  cli: path.join(ROOT, 'dist', 'src', 'cli.js'),
  /** The bcrypt worker's script: a file of its own, which the bundled cli.js (in dist/src) is not beside. */
  bcryptWorker: path.join(ROOT, 'dist', 'src', 'serving', 'bcrypt-worker.js'),
  dashboards: path.join(ROOT, 'grafana', 'dashboards'),
  prometheusRules: path.join(ROOT, 'deploy', 'prometheus'),
  kubernetes: path.join(ROOT, 'deploy', 'kubernetes'),
  testFixtures: path.join(ROOT, 'test', 'fixtures'),
  /** Artifacts a test run keeps for people to look at (screenshots); git-ignored. */
  testResults: path.join(ROOT, 'test-results'),
} as const;
