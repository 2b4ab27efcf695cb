// Why a link is down and the best speed both ends advertise, from ethtool
// netlink replies no device here sends (veths report neither an extended
// link state nor a link partner). The replies are built in the test from the
// kernel's uapi layout (<linux/ethtool_netlink.h>), run through the helper's
// own C decoders (build/helper/ethnl-decode, root-free) and the service's
// renderer, so both halves are the shipped code.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderSettings } from '../../src/collectors/ethtool-settings';
import { bestCommonMbps, linkExtState, linkExtSubstate, linkModeMbps } from '../../src/collectors/link-modes';
import type { RenderedFamily } from '../../src/exposition/family';
import type { EthtoolSettingsReply } from '../../src/helper-client/api';
import { helperService } from '../../src/helper-client/client';
import { PATHS } from '../../src/paths';
import { parseExposition, sampleValue, select } from '../support/exposition';

const DECODE = path.join(PATHS.root, 'build', 'helper', 'ethnl-decode');

// ---- netlink attributes, as the kernel lays them out (4-byte aligned TLVs)
const attr = (type: number, payload: Buffer): Buffer => {
  const len = 4 + payload.length;
  const out = Buffer.alloc((len + 3) & ~3);
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, 4);
  return out;
};
const u8 = (type: number, v: number) => attr(type, Buffer.from([v]));
const u32 = (type: number, v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return attr(type, b);
};
const flag = (type: number) => attr(type, Buffer.alloc(0));
const str = (type: number, s: string) => attr(type, Buffer.from(`${s}\0`));
const nest = (type: number, ...children: Buffer[]) => attr(type | 0x8000, Buffer.concat(children));

// uapi numbering.
const A_HEADER_DEV_INDEX = 1;
const A_HEADER_DEV_NAME = 2;
const LINKSTATE = { LINK: 2, EXT_STATE: 5, EXT_SUBSTATE: 6 };
const LINKMODES = { AUTONEG: 2, OURS: 3, PEER: 4, SPEED: 5, DUPLEX: 6 };
const BITSET = { NOMASK: 1, SIZE: 2, BITS: 3, VALUE: 4, MASK: 5 };
const BITS_BIT = 1;
const BIT = { INDEX: 1, NAME: 2, VALUE: 3 };
const KIND_LINK_STATE = 5;
const KIND_LINK_MODES = 6;

const header = (name: string, ifindex: number) =>
  nest(1, u32(A_HEADER_DEV_INDEX, ifindex), str(A_HEADER_DEV_NAME, name));

/** A compact bitset: SIZE, VALUE words and (unless nomask) MASK words. */
function compact(type: number, size: number, value: number[], mask?: number[]): Buffer {
  const words = (bits: number[]) => {
    const b = Buffer.alloc(Math.ceil(size / 32) * 4);
    for (const bit of bits) b.writeUInt32LE((b.readUInt32LE((bit >> 5) * 4) | (1 << (bit & 31))) >>> 0, (bit >> 5) * 4);
    return b;
  };
  const parts = [u32(BITSET.SIZE, size), attr(BITSET.VALUE, words(value))];
  if (mask) parts.push(attr(BITSET.MASK, words(mask)));
  else parts.unshift(flag(BITSET.NOMASK));
  return nest(type, ...parts);
}

/** A verbose bitset: one BIT nest per listed bit, with its name, and a VALUE flag when set. */
function verbose(type: number, size: number, listed: number[], set: number[], nomask = false): Buffer {
  const bits = listed.map((i) =>
    nest(BITS_BIT, u32(BIT.INDEX, i), str(BIT.NAME, `mode${i}`), ...(set.includes(i) ? [flag(BIT.VALUE)] : [])),
  );
  return nest(type, ...(nomask ? [flag(BITSET.NOMASK)] : []), u32(BITSET.SIZE, size), nest(BITSET.BITS, ...bits));
}

/** Runs the helper's decoders over [kind, attributes] records; the reply it would send. */
function decode(records: [number, Buffer][]): { reply?: EthtoolSettingsReply; status: number | null; stderr: string } {
  const input = Buffer.concat(
    records.map(([kind, attrs]) => {
      const head = Buffer.alloc(5);
      head.writeUInt8(kind, 0);
      head.writeUInt32LE(attrs.length, 1);
      return Buffer.concat([head, attrs]);
    }),
  );
  const r = spawnSync(DECODE, [], { input });
  const reply =
    r.status === 0
      ? (helperService().GetEthtoolSettings.responseDeserialize(r.stdout) as EthtoolSettingsReply)
      : undefined;
  return { reply, status: r.status, stderr: r.stderr.toString() };
}

const text = (families: RenderedFamily[]) =>
  families.map((f) => `# TYPE ${f.meta.name} ${f.meta.type}\n${f.body.toString()}`).join('');
const render = (reply: EthtoolSettingsReply) => parseExposition(text(renderSettings(reply, () => true)));

// 25GBASE-SR (33), 10GBASE-SR (43), 1000BASE-X (41); 25GBASE-CR (31) only we support.
const B25G_SR = 33;
const B10G_SR = 43;
const B1G_X = 41;
const B25G_CR = 31;
const AUTONEG_BIT = 6;

describe('link state and link modes from netlink replies built from the uapi layout', () => {
  it('names the down reason and sub-state in lower snake case (no cable; autoneg, no partner detected)', () => {
    const { reply } = decode([
      [KIND_LINK_STATE, Buffer.concat([header('eth7', 7), u8(LINKSTATE.LINK, 0), u8(LINKSTATE.EXT_STATE, 4)])],
      [
        KIND_LINK_STATE,
        Buffer.concat([
          header('eth8', 8),
          u8(LINKSTATE.LINK, 0),
          u8(LINKSTATE.EXT_STATE, 0),
          u8(LINKSTATE.EXT_SUBSTATE, 1),
        ]),
      ],
    ]);
    assert.ok(reply);
    const s = render(reply);
    assert.equal(
      sampleValue(s, 'ethtrack_nic_link_down_reason', { device: 'eth7', reason: 'no_cable', subreason: '' }),
      1,
    );
    assert.equal(
      sampleValue(s, 'ethtrack_nic_link_down_reason', {
        device: 'eth8',
        reason: 'autoneg',
        subreason: 'no_partner_detected',
      }),
      1,
    );
  });

  it('exports unknown future reason and sub-reason numbers as numbers, never failing', () => {
    const { reply } = decode([
      [
        KIND_LINK_STATE,
        Buffer.concat([header('eth7', 7), u8(LINKSTATE.EXT_STATE, 200), u8(LINKSTATE.EXT_SUBSTATE, 9)]),
      ],
      // A known state with a sub-state newer than the table, and a new u32 attribute (type 40).
      [
        KIND_LINK_STATE,
        Buffer.concat([header('eth8', 8), u8(LINKSTATE.EXT_STATE, 5), u8(LINKSTATE.EXT_SUBSTATE, 77), u32(40, 3)]),
      ],
    ]);
    assert.ok(reply);
    const s = render(reply);
    assert.equal(sampleValue(s, 'ethtrack_nic_link_down_reason', { device: 'eth7', reason: '200', subreason: '9' }), 1);
    assert.equal(
      sampleValue(s, 'ethtrack_nic_link_down_reason', { device: 'eth8', reason: 'cable_issue', subreason: '77' }),
      1,
    );
  });

  it('exports no down reason for a link that reports none (a veth’s reply)', () => {
    const { reply } = decode([[KIND_LINK_STATE, Buffer.concat([header('veth0', 3), u8(LINKSTATE.LINK, 1)])]]);
    assert.ok(reply);
    assert.deepEqual(select(render(reply), 'ethtrack_nic_link_down_reason'), []);
  });

  it('finds the best common speed from compact bitsets: a 25G NIC whose partner advertises 10G', () => {
    const { reply } = decode([
      [
        KIND_LINK_MODES,
        Buffer.concat([
          header('eth7', 7),
          u8(LINKMODES.AUTONEG, 1),
          // ours: advertised 25G-SR, 10G-SR, 1G-X and autoneg; supported also 25G-CR. 121 bits: 4 words.
          compact(
            LINKMODES.OURS,
            121,
            [B25G_SR, B10G_SR, B1G_X, AUTONEG_BIT],
            [B25G_SR, B10G_SR, B1G_X, B25G_CR, AUTONEG_BIT],
          ),
          compact(LINKMODES.PEER, 121, [B10G_SR, B1G_X, AUTONEG_BIT, 120]),
          u32(LINKMODES.SPEED, 10000),
          u8(LINKMODES.DUPLEX, 1),
        ]),
      ],
    ]);
    assert.ok(reply);
    const dev = reply.devices[0];
    assert.deepEqual(dev.linkModesAdvertised, [AUTONEG_BIT, B25G_SR, B1G_X, B10G_SR]);
    assert.deepEqual(dev.linkModesSupported, [AUTONEG_BIT, B25G_CR, B25G_SR, B1G_X, B10G_SR]);
    assert.deepEqual(dev.linkModesPeer, [AUTONEG_BIT, B1G_X, B10G_SR, 120]);
    assert.equal(sampleValue(render(reply), 'ethtrack_nic_link_best_common_speed_bytes', { device: 'eth7' }), 10e9 / 8);
  });

  it('finds the same from verbose bitsets, with and without a mask', () => {
    const { reply } = decode([
      [
        KIND_LINK_MODES,
        Buffer.concat([
          header('eth7', 7),
          verbose(LINKMODES.OURS, 121, [B25G_CR, B25G_SR, B10G_SR], [B25G_SR, B10G_SR]),
          verbose(LINKMODES.PEER, 121, [B25G_SR, B10G_SR], [B25G_SR, B10G_SR], true),
        ]),
      ],
    ]);
    assert.ok(reply);
    assert.deepEqual(reply.devices[0].linkModesSupported, [B25G_CR, B25G_SR, B10G_SR]);
    assert.deepEqual(reply.devices[0].linkModesAdvertised, [B25G_SR, B10G_SR]);
    assert.equal(sampleValue(render(reply), 'ethtrack_nic_link_best_common_speed_bytes', { device: 'eth7' }), 25e9 / 8);
  });

  it('exports no best common speed without a partner (empty PEER) or without modes (a veth)', () => {
    const { reply } = decode([
      [KIND_LINK_MODES, Buffer.concat([header('eth7', 7), compact(LINKMODES.OURS, 121, [B25G_SR], [B25G_SR])])],
      [KIND_LINK_MODES, Buffer.concat([header('veth0', 3), u32(LINKMODES.SPEED, 10000), u8(LINKMODES.DUPLEX, 1)])],
    ]);
    assert.ok(reply);
    assert.deepEqual(select(render(reply), 'ethtrack_nic_link_best_common_speed_bytes'), []);
  });

  it('refuses a compact bitset whose VALUE is shorter than its SIZE, and a bit without an index', () => {
    const short = nest(LINKMODES.OURS, u32(BITSET.SIZE, 121), attr(BITSET.VALUE, Buffer.alloc(4)));
    let r = decode([[KIND_LINK_MODES, Buffer.concat([header('eth7', 7), short])]]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /record 0: Bad message/);
    const noIndex = nest(LINKMODES.PEER, nest(BITSET.BITS, nest(BITS_BIT, str(BIT.NAME, 'x'), flag(BIT.VALUE))));
    r = decode([[KIND_LINK_MODES, Buffer.concat([header('eth7', 7), noIndex])]]);
    assert.equal(r.status, 1);
  });
});

describe('link mode and reason tables (uapi enums)', () => {
  it('maps link mode bits to speeds and leaves non-speed bits out', () => {
    assert.equal(linkModeMbps(0), 10);
    assert.equal(linkModeMbps(5), 1000);
    assert.equal(linkModeMbps(33), 25000);
    assert.equal(linkModeMbps(92), 10);
    assert.equal(linkModeMbps(120), 800000);
    for (const nonSpeed of [6, 7, 13, 14, 49, 50, 74]) assert.equal(linkModeMbps(nonSpeed), undefined);
    assert.equal(bestCommonMbps([B25G_SR, B10G_SR], [B25G_CR, B10G_SR]), 10000);
    assert.equal(bestCommonMbps([AUTONEG_BIT], [AUTONEG_BIT]), undefined);
  });

  it('names every reason of enum ethtool_link_ext_state', () => {
    assert.deepEqual(
      Array.from({ length: 11 }, (_, i) => linkExtState(i)),
      [
        'autoneg',
        'link_training_failure',
        'link_logical_mismatch',
        'bad_signal_integrity',
        'no_cable',
        'cable_issue',
        'eeprom_issue',
        'calibration_failure',
        'power_budget_exceeded',
        'overheat',
        'module',
      ],
    );
    assert.equal(linkExtSubstate(3, 4), 'serdes_alos');
    assert.equal(linkExtSubstate(10, 1), 'cmis_not_ready');
    assert.equal(linkExtSubstate(4, 1), '1');
    assert.equal(linkExtSubstate(4, 0), '');
  });
});
