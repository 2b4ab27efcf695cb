// The helper API's TypeScript types are generated from proto/ and committed
// (src/helper-client/generated/); regenerating them must change nothing, so a
// proto change without `scripts/gen-api-types.sh` fails here.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PATHS } from '../../src/paths';
import { runSync } from '../support/exec';

const COMMITTED = path.join(PATHS.root, 'src', 'helper-client', 'generated');

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .sort();
}

describe('generated helper API types', () => {
  it('equal what proto-loader-gen-types makes of proto/ now', () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-gen-'));
    try {
      const result = runSync('bash', [path.join(PATHS.root, 'scripts', 'gen-api-types.sh'), fresh]);
      assert.equal(result.status, 0, result.stderr);
      const names = filesUnder(fresh);
      assert.deepEqual(filesUnder(COMMITTED), names, 'generated files differ: run scripts/gen-api-types.sh');
      for (const name of names) {
        assert.equal(
          fs.readFileSync(path.join(COMMITTED, name), 'utf8'),
          fs.readFileSync(path.join(fresh, name), 'utf8'),
          `src/helper-client/generated/${name} is stale: run scripts/gen-api-types.sh`,
        );
      }
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });
});
