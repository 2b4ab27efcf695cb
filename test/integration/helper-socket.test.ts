// The helper's socket set-up never follows a symlink: it may run as root in a
// directory that other users can write (a shared emptyDir).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HELPER } from '../support/exporter';

function startHelper(socket: string, extra: string[] = []) {
  return spawnSync(HELPER, ['--socket', socket, ...extra], { encoding: 'utf8', timeout: 5000 });
}

describe('helper socket set-up', () => {
  it('refuses a symlink at the socket path and leaves its target alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-sock-'));
    try {
      const victim = path.join(dir, 'victim');
      fs.writeFileSync(victim, 'secret', { mode: 0o600 });
      fs.symlinkSync(victim, path.join(dir, 'helper.sock'));
      const result = startHelper(path.join(dir, 'helper.sock'), ['--allow-gid', '4242']);
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /exists and is not a socket/);
      const st = fs.statSync(victim);
      assert.equal(st.mode & 0o777, 0o600);
      assert.equal(st.gid, 0);
      assert.equal(fs.readFileSync(victim, 'utf8'), 'secret');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a symlinked directory on the way to the socket', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-sock-'));
    try {
      const elsewhere = path.join(dir, 'elsewhere');
      fs.mkdirSync(elsewhere, { mode: 0o700 });
      fs.symlinkSync(elsewhere, path.join(dir, 'run'));
      const result = startHelper(path.join(dir, 'run', 'helper.sock'), ['--allow-gid', '4242']);
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /opening its directory/);
      assert.deepEqual(fs.readdirSync(elsewhere), []);
      assert.equal(fs.statSync(elsewhere).gid, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates missing directories 0750 and the socket 0660, given to --allow-gid', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-sock-'));
    const socket = path.join(dir, 'a', 'b', 'helper.sock');
    const { spawn } = await import('node:child_process');
    const helper = spawn(HELPER, ['--socket', socket, '--allow-gid', '4242'], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 5000;
      while (!fs.existsSync(socket) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const [p, mode] of [
        [path.join(dir, 'a'), 0o750],
        [path.join(dir, 'a', 'b'), 0o750],
        [socket, 0o660],
      ] as const) {
        const st = fs.lstatSync(p);
        assert.equal(st.mode & 0o777, mode, p);
        assert.equal(st.gid, 4242, p);
      }
    } finally {
      helper.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
