// The rxpath collector serves a link family's last body again when none of
// its values changed: a collector that has run many cycles must serve what a
// fresh one serves from the same files. The /proc and /sys files recorded
// for the golden test are copied and edited between cycles (a real device
// cannot be made to change one counter alone, or to leave /proc/net/dev
// and come back, on demand).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DeviceFilter } from '../../src/collectors/device-filter';
import { RxpathCollector } from '../../src/collectors/rxpath';
import { Snapshot } from '../../src/exposition/snapshot';
import { parseExposition, sampleValue } from '../support/exposition';
import { PROCFS_DIR, SYSFS_DIR } from '../support/golden';

function collector(root: string): RxpathCollector {
  return new RxpathCollector('', {
    procfs: path.join(root, 'proc'),
    sysfs: path.join(root, 'sys'),
    devices: new DeviceFilter(undefined, undefined),
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

describe('rxpath link families served again when unchanged', () => {
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
