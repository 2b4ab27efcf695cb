// The rxpath collector serves a link family's last body again when none of
// its values changed: a collector that has run many cycles must serve what a
// fresh one serves from the same files. The /proc and /sys files recorded
// for the golden test are copied and edited between cycles (a real device
// cannot be made to change one counter alone, or to leave /proc/net/dev
// and come back, on demand). rx_nohandler is the designed exception: it is
// read only when the device's rx_packets moved (or after the recheck
// interval), so an edit of it alone is not seen at once.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DeviceFilter } from '../../src/collectors/device-filter';
import { KernelFiles } from '../../src/collectors/kernel-files';
import { RxpathCollector } from '../../src/collectors/rxpath';
import { LinkCounters } from '../../src/collectors/rxpath-links';
import { Snapshot } from '../../src/exposition/snapshot';
import { parseExposition, sampleValue } from '../support/exposition';
import { PROCFS_DIR, SYSFS_DIR } from '../support/golden';

function collector(root: string, nohandlerRecheckMs?: number): RxpathCollector {
  return new RxpathCollector('', {
    procfs: path.join(root, 'proc'),
    sysfs: path.join(root, 'sys'),
    devices: new DeviceFilter(undefined, undefined),
    nohandlerRecheckMs,
  });
}

/** One cycle as the runner takes it: the previous snapshot retired, the new one rendered. */
class Served {
  private snapshot: Snapshot | undefined;
  constructor(readonly job: RxpathCollector) {}
  async cycle(): Promise<string> {
    const families = await this.job.collect();
    this.snapshot?.retire();
    this.snapshot = new Snapshot(families, Date.now());
    return Buffer.concat(this.snapshot.parts(false)).toString();
  }
}

async function fresh(root: string): Promise<string> {
  return new Served(collector(root)).cycle();
}

/** A copy of the recorded /proc and /sys, removed after the suite, and ways to edit it. */
function fakeTree() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-rxlinks-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.cpSync(PROCFS_DIR, path.join(root, 'proc'), { recursive: true });
  fs.cpSync(SYSFS_DIR, path.join(root, 'sys'), { recursive: true });
  const netDev = path.join(root, 'proc', 'net', 'dev');
  const sys = (device: string, file: string) => path.join(root, 'sys', 'class', 'net', device, file);
  /** /proc/net/dev with one device's row rewritten in place (or added last), or without it. */
  const setRow = (device: string, columns?: number[]) => {
    const row = columns && `${device.padStart(6)}: ${columns.join(' ')}`;
    const lines = fs.readFileSync(netDev, 'latin1').split('\n');
    const at = lines.findIndex((line) => line.trimStart().startsWith(`${device}:`));
    if (at < 0 && row) lines.splice(lines.length - 1, 0, row);
    else if (row) lines[at] = row;
    else lines.splice(at, 1);
    fs.writeFileSync(netDev, lines.join('\n'));
  };
  return { root, sys, setRow };
}

describe('rxpath link families served again when unchanged', () => {
  const { root, sys, setRow } = fakeTree();

  it('equals a fresh collector after each edit, and shows the edited value', async () => {
    const served = new Served(collector(root));
    const first = await served.cycle();
    assert.equal(first, await fresh(root));
    assert.equal(await served.cycle(), first, 'nothing changed: the same text');

    // rx packets and rx dropped (whose split files are then read) of one device.
    setRow('q8a', [446, 9, 0, 3, 0, 0, 0, 0, 446, 5, 0, 0, 0, 0, 0, 0]);
    fs.writeFileSync(sys('q8a', 'statistics/rx_dropped'), '3\n');
    let text = await served.cycle();
    assert.equal(text, await fresh(root));
    let samples = parseExposition(text);
    assert.equal(sampleValue(samples, 'ethtrack_nic_receive_packets_total', { device: 'q8a' }), 9);
    assert.equal(sampleValue(samples, 'ethtrack_nic_receive_dropped_total', { device: 'q8a' }), 3);
    assert.equal(sampleValue(samples, 'ethtrack_nic_receive_packets_total', { device: 'q8b' }), 5);

    // A flap: only the carrier families change.
    const up = Number(fs.readFileSync(sys('q8b', 'carrier_up_count'), 'latin1'));
    fs.writeFileSync(sys('q8b', 'carrier_up_count'), `${up + 1}\n`);
    text = await served.cycle();
    assert.equal(text, await fresh(root));
    samples = parseExposition(text);
    assert.equal(sampleValue(samples, 'ethtrack_nic_carrier_up_changes_total', { device: 'q8b' }), up + 1);

    // A device leaves /proc/net/dev, then comes back with other counters.
    setRow('br0');
    text = await served.cycle();
    assert.equal(text, await fresh(root));
    assert.equal(
      sampleValue(parseExposition(text), 'ethtrack_nic_transmit_packets_total', { device: 'br0' }),
      undefined,
    );
    setRow('br0', [0, 0, 0, 0, 0, 0, 0, 0, 700, 8, 0, 0, 0, 0, 0, 0]);
    text = await served.cycle();
    assert.equal(text, await fresh(root));
    assert.equal(sampleValue(parseExposition(text), 'ethtrack_nic_transmit_packets_total', { device: 'br0' }), 8);
    assert.equal(await served.cycle(), text, 'nothing changed since: the same text');
  });
});

describe('rxpath rx_nohandler read only when rx_packets moved', () => {
  const { root, sys, setRow } = fakeTree();
  const HOUR = 3_600_000;
  const nohandler = (text: string, device: string) =>
    sampleValue(parseExposition(text), 'ethtrack_nic_receive_nohandler_total', { device });
  /** q8b's /proc/net/dev row with these rx and tx packet counts. */
  const q8b = (rx: number, tx: number) => setRow('q8b', [446, rx, 0, 0, 0, 0, 0, 0, 446, tx, 0, 0, 0, 0, 0, 0]);
  const setNohandler = (value: number) => fs.writeFileSync(sys('q8b', 'statistics/rx_nohandler'), `${value}\n`);

  it('keeps the value read while the row does not move (by design), and reads it once rx_packets moves', async () => {
    const served = new Served(collector(root, HOUR));
    assert.equal(await served.cycle(), await fresh(root));
    // The second cycle's read is the one kept: made a cycle after rx_packets last moved.
    assert.equal(await served.cycle(), await fresh(root));

    // Only the sysfs file changes: the whole /proc/net/dev is last cycle's.
    setNohandler(4);
    assert.equal(nohandler(await served.cycle(), 'q8b'), 0, 'not read: /proc/net/dev unchanged');
    // Another device's row changes; q8b's row bytes are last cycle's.
    setRow('q8a', [446, 6, 0, 0, 0, 0, 0, 0, 446, 5, 0, 0, 0, 0, 0, 0]);
    assert.equal(nohandler(await served.cycle(), 'q8b'), 0, "not read: q8b's row unchanged");
    // q8b's row changes but not its rx_packets.
    q8b(5, 9);
    assert.equal(nohandler(await served.cycle(), 'q8b'), 0, 'not read: rx_packets unchanged');

    q8b(6, 9);
    let text = await served.cycle();
    assert.equal(nohandler(text, 'q8b'), 4, 'rx_packets moved: read');
    assert.equal(text, await fresh(root));
    // That read was made in the cycle rx_packets moved: the next cycle reads again.
    setNohandler(5);
    text = await served.cycle();
    assert.equal(nohandler(text, 'q8b'), 5, 'read once more after rx_packets moved');
    assert.equal(text, await fresh(root));
    setNohandler(6);
    assert.equal(nohandler(await served.cycle(), 'q8b'), 5, 'kept again');
    q8b(7, 9);
    text = await served.cycle();
    assert.equal(nohandler(text, 'q8b'), 6);
    assert.equal(text, await fresh(root));
  });

  it('with a recheck interval of 0 reads rx_nohandler every cycle', async () => {
    const served = new Served(collector(root, 0));
    await served.cycle();
    await served.cycle();
    const before = nohandler(await served.cycle(), 'q8b') ?? -1;
    setNohandler(before + 3);
    const text = await served.cycle();
    assert.equal(nohandler(text, 'q8b'), before + 3);
    assert.equal(text, await fresh(root));
  });
});

describe('rxpath link counters of a device renamed away and made anew under its name', () => {
  const carriers = (text: string, device: string) =>
    ['up', 'down'].map((way) =>
      sampleValue(parseExposition(text), `ethtrack_nic_carrier_${way}_changes_total`, { device }),
    );
  /** q8a renamed to q8old (its kept descriptors follow it), and a new q8a with the given carrier counts. */
  const remake = (tree: ReturnType<typeof fakeTree>, up: number, down: number) => {
    fs.renameSync(tree.sys('q8a', ''), tree.sys('q8old', ''));
    fs.cpSync(tree.sys('q8old', ''), tree.sys('q8a', ''), { recursive: true });
    fs.writeFileSync(tree.sys('q8a', 'carrier_up_count'), `${up}\n`);
    fs.writeFileSync(tree.sys('q8a', 'carrier_down_count'), `${down}\n`);
    fs.writeFileSync(tree.sys('q8a', 'carrier_changes'), `${up + down}\n`);
  };

  it('without the link watch: counters that went back show another device, whose files are opened anew', async () => {
    const tree = fakeTree();
    const served = new Served(collector(tree.root));
    await served.cycle();
    await served.cycle();
    remake(tree, 1, 0);
    // The new device's counters start again; the old one's row is gone with its name (excluded here).
    tree.setRow('q8a', [60, 1, 0, 0, 0, 0, 0, 0, 60, 1, 0, 0, 0, 0, 0, 0]);
    const text = await served.cycle();
    assert.deepEqual(carriers(text, 'q8a'), [1, 0]);
    assert.equal(text, await fresh(tree.root));
  });

  it("after a resync of the link watch (renewAll), though the device's counters did not go back", async () => {
    const tree = fakeTree();
    const files = new KernelFiles();
    const links = new LinkCounters(
      files,
      path.join(tree.root, 'proc'),
      path.join(tree.root, 'sys'),
      new DeviceFilter(undefined, undefined),
    );
    const q8aCarriers = () => {
      const device = links.order.find((d) => d.name === 'q8a');
      return device ? [...device.carrierCounts] : [];
    };
    links.read(null);
    const before = q8aCarriers();
    // Nothing named since: the counts stand as read.
    links.read(new Set());
    remake(tree, before[0] + 5, before[1] + 5);
    links.read(new Set());
    assert.deepEqual(q8aCarriers(), before, 'not named, not read: the counts stand');
    links.renewAll();
    links.read(null);
    assert.deepEqual(q8aCarriers(), [before[0] + 5, before[1] + 5], "the new q8a's own counts");
    files.closeAll();
  });
});
