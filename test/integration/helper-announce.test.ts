// A spawned helper is first asked once it says it serves (supervisor.ts says
// why); one whose words are lost is still found. The real helper, once with
// its stderr as it is and once through a wrapper that drops it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import winston from 'winston';
import { HelperSupervisor } from '../../src/helper-client/supervisor';
import { HELPER } from '../support/exporter';

const logger = winston.createLogger({ silent: true });

async function comesUp(helperPath: string): Promise<HelperSupervisor> {
  const s = new HelperSupervisor({ spawn: true, helperPath, socket: undefined, timeoutMs: 2000, logger });
  s.start();
  try {
    assert.equal(await s.waitUntilUp(10_000), true, `up: ${s.lastError}`);
    assert.match((await s.helper.info()).version, /\d/);
  } finally {
    await s.stop();
  }
  return s;
}

describe('spawned helper start-up', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-announce-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is probed once it announces it serves, and no probe fails before', async () => {
    const s = await comesUp(HELPER);
    assert.equal(s.lastError, '', 'no failed probe while the helper started');
  });

  it('is found without its announcement (stand-in: a wrapper dropping its stderr)', async () => {
    const wrapper = path.join(dir, 'quiet-helper');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(HELPER)} "$@" 2>/dev/null\n`, { mode: 0o755 });
    await comesUp(wrapper);
  });
});
