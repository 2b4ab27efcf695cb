// The helper's WatchLinks against the real kernel, through the service's own
// client, on the sanitized (ASan and UBSan) helper in a namespace of its
// own: a resync first, then the devices a change was announced for; other
// calls served while a watch runs; a newer watch replacing an older one (a
// service restarted beside a helper that stays); a receive buffer overrun
// (made with the helper's --test-event-rcvbuf) answered with a resync; a
// stop with a watch running.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { LinkChanges } from '../../src/helper-client/api';
import { HelperClient } from '../../src/helper-client/client';
import { sleep } from '../support/exec';
import { HELPER_ASAN } from '../support/exporter';
import { HelperProcess } from '../support/helper-process';
import { type Netns, withNetns } from '../support/netns';

const ABORTED = 10;

interface Running {
  process: HelperProcess;
  client: HelperClient;
}

async function startHelper(ns: Netns, args: string[] = []): Promise<Running> {
  const socket = path.join(os.tmpdir(), `ethtrack-lw-${process.pid}-${Date.now()}.sock`);
  const helper = await HelperProcess.start(HELPER_ASAN, socket, { ns, args });
  return { process: helper, client: new HelperClient(helper.address, 5000) };
}

async function stopHelper(helper: Running): Promise<number | null> {
  helper.client.close();
  return (await helper.process.stop()).code;
}

const sanitizerReports = (helper: Running) =>
  helper.process.stderr.filter((line) => /AddressSanitizer|LeakSanitizer|runtime error:/.test(line));

/** A watch whose messages and end are kept, with a way to wait for either. */
function watch(client: HelperClient) {
  const messages: LinkChanges[] = [];
  let ended: (Error & { code: number | undefined }) | undefined;
  const handle = client.watchLinks({
    changes: (changes) => messages.push(changes),
    ended: (error) => {
      ended = error;
    },
  });
  const until = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 15_000;
    while (!done()) {
      assert.ok(Date.now() < deadline, `waited for ${what}: ${JSON.stringify(messages)} ${ended?.message ?? ''}`);
      await sleep(20);
    }
  };
  return { messages, handle, until, ended: () => ended };
}

describe('helper WatchLinks on the real kernel (ASan and UBSan build)', () => {
  it('starts with a resync, then names both ends of a flapped veth; other calls are served meanwhile', async () => {
    await withNetns(['lw'], async (ns) => {
      await ns.addVeth('lwa', 'lwb');
      await ns.addVeth('lwc', 'lwd');
      const helper = await startHelper(ns);
      try {
        const w = watch(helper.client);
        await w.until('the resync', () => w.messages.length > 0);
        assert.deepEqual(w.messages[0], { resync: true, devices: [] });
        // The call thread is not held by the watch.
        assert.match((await helper.client.info()).version, /\d/);
        await ns.exec('ip', ['link', 'set', 'lwa', 'down']);
        await ns.exec('ip', ['link', 'set', 'lwa', 'up']);
        await w.until('lwa and lwb named', () => {
          const named = new Set(w.messages.slice(1).flatMap((m) => m.devices));
          return named.has('lwa') && named.has('lwb');
        });
        for (const m of w.messages.slice(1)) {
          assert.equal(m.resync, false);
          assert.equal(new Set(m.devices).size, m.devices.length, 'each device once per message');
          for (const device of m.devices) assert.ok(['lwa', 'lwb'].includes(device), `${device} was not changed`);
        }
        w.handle.cancel();
      } finally {
        assert.equal(await stopHelper(helper), 0);
        assert.deepEqual(sanitizerReports(helper), []);
      }
    });
  });

  it('lets a newer watch replace an older one, which ends ABORTED', async () => {
    await withNetns(['lwn'], async (ns) => {
      await ns.addVeth('lna', 'lnb');
      const helper = await startHelper(ns);
      try {
        const first = watch(helper.client);
        await first.until('the first resync', () => first.messages.length > 0);
        // A second client, as a restarted service would have, while the first still reads.
        const other = new HelperClient(helper.client.address, 5000);
        const second = watch(other);
        await second.until('the second resync', () => second.messages.length > 0);
        await first.until('the first to end', () => first.ended() !== undefined);
        assert.equal(first.ended()?.code, ABORTED, first.ended()?.message);
        await ns.exec('ip', ['link', 'set', 'lna', 'down']);
        await second.until('lna named to the newer watch', () =>
          second.messages.some((m) => m.devices.includes('lna')),
        );
        second.handle.cancel();
        other.close();
      } finally {
        assert.equal(await stopHelper(helper), 0);
        assert.deepEqual(sanitizerReports(helper), []);
      }
    });
  });

  it('serves only the newest of watches that queued up; the others end ABORTED', async () => {
    await withNetns(['lwq'], async (ns) => {
      const helper = await startHelper(ns);
      const clients: HelperClient[] = [];
      try {
        const watches = [];
        for (let i = 0; i < 4; i++) {
          const client = new HelperClient(helper.client.address, 5000);
          clients.push(client);
          const w = watch(client);
          // The first is served before the others queue up behind it.
          if (i === 0) await w.until('the first resync', () => w.messages.length > 0);
          watches.push(w);
        }
        const newest = watches[3];
        await newest.until('the newest resync', () => newest.messages.length > 0);
        for (const w of watches.slice(0, 3)) {
          await w.until('an older watch to end', () => w.ended() !== undefined);
          assert.equal(w.ended()?.code, ABORTED, w.ended()?.message);
        }
        // The ones that queued were never served: no resync reached them.
        assert.deepEqual(
          watches.slice(1, 3).map((w) => w.messages.length),
          [0, 0],
        );
      } finally {
        for (const client of clients) client.close();
        assert.equal(await stopHelper(helper), 0);
        assert.deepEqual(sanitizerReports(helper), []);
      }
    });
  });

  it('answers notifications lost to a receive buffer overrun with a resync', async () => {
    await withNetns(['lwo'], async (ns) => {
      await ns.addVeth('loa', 'lob', 8);
      // The kernel's floor (a few KiB) holds one or two notifications of a veth.
      const helper = await startHelper(ns, ['--test-event-rcvbuf', '1']);
      try {
        const w = watch(helper.client);
        await w.until('the resync', () => w.messages.length > 0);
        const batch = path.join(os.tmpdir(), `ethtrack-lw-batch-${process.pid}`);
        fs.writeFileSync(batch, 'link set loa down\nlink set loa up\n'.repeat(200));
        try {
          await ns.exec('ip', ['-batch', batch]);
        } finally {
          fs.rmSync(batch, { force: true });
        }
        await w.until('a resync after the burst', () => w.messages.slice(1).some((m) => m.resync));
        w.handle.cancel();
      } finally {
        assert.equal(await stopHelper(helper), 0);
        assert.deepEqual(sanitizerReports(helper), []);
      }
    });
  });

  it('stops on SIGTERM with a watch running before the watch would next look up (5 s)', async () => {
    await withNetns(['lws'], async (ns) => {
      const helper = await startHelper(ns);
      const w = watch(helper.client);
      await w.until('the resync', () => w.messages.length > 0);
      const start = Date.now();
      helper.process.kill('SIGTERM');
      assert.equal((await helper.process.exited).code, 0);
      // Without the stop descriptor the watch thread would finish its 5 s wait first.
      assert.ok(Date.now() - start < 4500, `stopped after ${Date.now() - start} ms`);
      helper.client.close();
      assert.deepEqual(sanitizerReports(helper), []);
      assert.ok(helper.process.stderr.some((line) => line.includes('stopped')));
    });
  });
});
