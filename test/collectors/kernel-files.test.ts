// KernelFiles' kept descriptors: a counter read through a remembered
// descriptor number never reads another file that number came to stand for.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CounterHandle, KernelFiles } from '../../src/collectors/kernel-files';

describe('counters read through a remembered descriptor', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-kfiles-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  it('reads the file again after its descriptor was closed and the number reused', () => {
    const files = new KernelFiles();
    const a = new CounterHandle(write('a/carrier_changes', '7\n'));
    assert.equal(files.readCounterAt(a), 7);
    assert.equal(files.readCounterAt(a), 7, 'through the remembered descriptor');
    const used = a.fd;
    files.close(a.file);
    // The lowest free number is the one just closed: b gets it.
    const b = write('b/carrier_changes', '99\n');
    assert.equal(files.readCounter(b), 99);
    assert.equal(fs.fstatSync(used).ino, fs.statSync(b).ino, 'the number now stands for b');
    fs.writeFileSync(a.file, '8\n');
    assert.equal(files.readCounterAt(a), 8, "a's own value, not b's");
    assert.notEqual(a.fd, used);
    files.closeAll();
  });

  it('fails naming the file when it holds no counter', () => {
    const files = new KernelFiles();
    const bad = new CounterHandle(write('bad', 'up\n'));
    assert.throws(() => files.readCounterAt(bad), /bad: unexpected format: "up\\n" is not a counter/);
    files.closeAll();
  });
});
