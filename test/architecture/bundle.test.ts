// The shipped entry, dist/src/cli.js, is one esbuild bundle (scripts/bundle.js
// says why): it keeps the shebang of src/cli.ts, and running it loads no
// other module of the project's, while body-parser and qs stay outside it,
// still replaced by express-lazy-deps.ts's stubs until used.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PATHS } from '../../src/paths';
import { VERSION } from '../../src/version';

describe('the bundled entry', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-bundle-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opens with the shebang src/cli.ts has, and is executable', () => {
    const shebang = fs.readFileSync(path.join(PATHS.root, 'src', 'cli.ts'), 'utf8').split('\n')[0];
    assert.match(shebang, /^#!/);
    assert.equal(fs.readFileSync(PATHS.cli, 'utf8').split('\n')[0], shebang);
    fs.accessSync(PATHS.cli, fs.constants.X_OK);
  });

  it('prints its version loading no project module but itself, nor body-parser or qs for real', () => {
    // Preloaded into the run: the modules in require.cache when it exits, one per line on fd 3.
    const preload = path.join(dir, 'list-modules.js');
    fs.writeFileSync(
      preload,
      "process.on('exit', () => require('node:fs').writeSync(3, Object.keys(require.cache).join('\\n')));\n",
    );
    const run = spawnSync(process.execPath, ['-r', preload, PATHS.cli, '--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `ethtrack, version ${VERSION} (node ${process.version})\n`);
    const modules = String(run.output[3]).split('\n');
    const project = modules.filter((id) => id.startsWith(path.join(PATHS.root, 'dist') + path.sep));
    assert.deepEqual(project, [PATHS.cli]);
    // Both external: their stubs are in require.cache, their dependencies are not.
    const loaded = (name: string) =>
      modules.some((id) => id.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`));
    assert.equal(loaded('body-parser'), true, 'body-parser required at run time');
    assert.equal(loaded('qs'), true, 'qs required at run time');
    assert.equal(loaded('raw-body'), false, "body-parser's parsers not loaded");
    assert.equal(loaded('side-channel'), false, "qs's dependencies not loaded");
  });
});
