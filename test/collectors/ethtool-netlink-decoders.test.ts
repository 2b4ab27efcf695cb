// Root-free tests of what no device here has: settings and standard-stats
// replies built from the uapi attribute numbering, and module EEPROM pages
// built from SFF-8472 (external calibration off and on), SFF-8636 (QSFP28,
// 4 lanes) and CMIS (8 lanes).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderSettings, renderStandardStats } from '../../src/collectors/ethtool-settings';
import { emptyDevice } from '../../src/collectors/ethtool-slow-settings';
import { decodeModule, diagnosticPages, IDENTITY_PAGES } from '../../src/collectors/module-eeprom';
import type { RenderedFamily } from '../../src/exposition/family';
import type { EepromPage } from '../../src/helper-client/api';
import { parseExposition, sampleValue } from '../support/exposition';

const text = (families: RenderedFamily[]) =>
  families.map((f) => `# TYPE ${f.meta.name} ${f.meta.type}\n${f.body.toString()}`).join('');
const all = () => true;

const device = emptyDevice('eth9', 9);

describe('ethtool netlink replies to families', () => {
  it('renders pause, FEC totals and lanes, and drops ETHTOOL_STAT_NOT_SET', () => {
    const notSet = 2 ** 64;
    const reply = {
      errors: [],
      devices: [
        {
          ...device,
          pause: [2, 1, 3, 1, 4, 0],
          pauseStats: [2, 5, 3, 7],
          fecKnown: true,
          fecModes: [50],
          fecActive: 50,
          fecCorrected: [30, 10, 20],
          fecUncorrectable: [4, 4, notSet],
        },
      ],
    };
    const s = parseExposition(text(renderSettings(reply, all)));
    assert.equal(sampleValue(s, 'ethtrack_nic_pause_rx_frames_total', { device: 'eth9' }), 7);
    assert.equal(sampleValue(s, 'ethtrack_nic_pause_tx_frames_total', { device: 'eth9' }), 5);
    assert.equal(sampleValue(s, 'ethtrack_nic_pause_tx_enabled', { device: 'eth9' }), 0);
    assert.equal(sampleValue(s, 'ethtrack_nic_fec_active', { device: 'eth9', mode: 'rs' }), 1);
    assert.equal(sampleValue(s, 'ethtrack_nic_fec_corrected_blocks_total', { device: 'eth9' }), 30);
    assert.equal(sampleValue(s, 'ethtrack_nic_fec_lane_corrected_blocks_total', { device: 'eth9', lane: '1' }), 20);
    assert.equal(
      sampleValue(s, 'ethtrack_nic_fec_lane_uncorrectable_blocks_total', { device: 'eth9', lane: '1' }),
      undefined,
    );
  });

  it('names standard stats by group and stat number, with the rmon histogram as ranges', () => {
    const reply = {
      error: '',
      devices: [
        {
          interface: 'eth9',
          ifindex: 9,
          groups: [
            { id: 0, stats: [0, 3], rxHistogram: [], txHistogram: [] },
            { id: 1, stats: [4, 11, 5, 12], rxHistogram: [], txHistogram: [] },
            {
              id: 3,
              stats: [],
              rxHistogram: [
                { low: 64, high: 64, value: 100 },
                { low: 1519, high: 0, value: 2 },
              ],
              txHistogram: [],
            },
          ],
        },
      ],
    };
    const s = parseExposition(text(renderStandardStats(reply, all).families));
    assert.equal(sampleValue(s, 'ethtrack_nic_phy_symbol_errors_total', { device: 'eth9' }), 3);
    assert.equal(sampleValue(s, 'ethtrack_nic_mac_frame_check_sequence_errors_total', { device: 'eth9' }), 11);
    assert.equal(sampleValue(s, 'ethtrack_nic_mac_alignment_errors_total', { device: 'eth9' }), 12);
    assert.equal(
      sampleValue(s, 'ethtrack_nic_rmon_packets_total', { device: 'eth9', direction: 'rx', range: '64-64' }),
      100,
    );
    assert.equal(
      sampleValue(s, 'ethtrack_nic_rmon_packets_total', { device: 'eth9', direction: 'rx', range: '1519-' }),
      2,
    );
  });
});

const half = () => Buffer.alloc(128);
const pageOf = (i2cAddress: number, page: number, offset: number, data: Buffer, bank = 0): EepromPage => ({
  i2cAddress,
  page,
  bank,
  offset,
  length: 128,
  data,
});
const near = (got: number | undefined, want: number) =>
  assert.ok(got !== undefined && Math.abs(got - want) <= Math.abs(want) * 1e-9 + 1e-12, `${got} != ${want}`);

/** Four thresholds at `at`, big-endian u16 (or s16). */
function putThresholds(buf: Buffer, at: number, values: number[], signed = false): void {
  values.forEach((v, i) => {
    if (signed) buf.writeInt16BE(v, at + 2 * i);
    else buf.writeUInt16BE(v, at + 2 * i);
  });
}

describe('module EEPROM decoders', () => {
  function sfp(external: boolean): EepromPage[] {
    const lower = half();
    const upper = half();
    lower[0] = 0x03;
    lower[92] = 0x40 | (external ? 0x10 : 0x20);
    const a2 = half();
    putThresholds(a2, 0, [75 * 256, -5 * 256, 70 * 256, 0], true);
    putThresholds(a2, 32, [10000, 100, 8000, 200]);
    a2.writeInt16BE(40 * 256 + 128, 96); // 40.5 °C raw
    a2.writeUInt16BE(33000, 98); // 3.3 V
    a2.writeUInt16BE(3000, 100); // 6 mA
    a2.writeUInt16BE(5000, 102); // 0.5 mW
    a2.writeUInt16BE(4000, 104); // 0.4 mW
    if (external) {
      // Rx_PWR(4..0) = 0, 0, 0, 2, 10; slopes 1.5 (T), 2 (V), 1 (I, TxPwr); offsets.
      [0, 0, 0, 2, 10].forEach((c, i) => {
        a2.writeFloatBE(c, 56 + 4 * i);
      });
      a2.writeUInt16BE(256, 76);
      a2.writeInt16BE(0, 78);
      a2.writeUInt16BE(256, 80);
      a2.writeInt16BE(0, 82);
      a2.writeUInt16BE(384, 84);
      a2.writeInt16BE(-256, 86);
      a2.writeUInt16BE(512, 88);
      a2.writeInt16BE(10, 90);
    }
    return [pageOf(0x50, 0, 0, lower), pageOf(0x50, 0, 128, upper), pageOf(0x51, 0, 0, a2)];
  }

  it('asks for A2h only for an SFP with diagnostics', () => {
    const pages = sfp(false);
    assert.deepEqual(
      IDENTITY_PAGES.map((p) => p.i2cAddress),
      [0x50, 0x50],
    );
    assert.deepEqual(diagnosticPages(pages[0].data as Buffer), [
      { i2cAddress: 0x51, page: 0, bank: 0, offset: 0, length: 128 },
    ]);
  });

  it('decodes an internally calibrated SFP (SFF-8472)', () => {
    const d = decodeModule(sfp(false));
    assert.equal(d?.kind, 'sfp');
    near(d?.temperatureCelsius, 40.5);
    near(d?.voltageVolts, 3.3);
    near(d?.lanes[0].biasAmperes, 0.006);
    near(d?.lanes[0].txPowerWatts, 0.0005);
    near(d?.lanes[0].rxPowerWatts, 0.0004);
    near(d?.thresholds.temperature?.high_warning, 70);
    near(d?.thresholds.temperature?.low_alarm, -5);
    near(d?.thresholds.rxPower?.low_warning, 200 * 0.1e-6);
  });

  it('applies SFF-8472 external calibration to values and thresholds', () => {
    const d = decodeModule(sfp(true));
    // T = 1.5 * raw - 256 (1/256 °C units); V = 2 * raw + 10; Rx = 2 * raw + 10.
    near(d?.temperatureCelsius, (1.5 * (40 * 256 + 128) - 256) / 256);
    near(d?.voltageVolts, (2 * 33000 + 10) * 100e-6);
    near(d?.lanes[0].rxPowerWatts, (2 * 4000 + 10) * 0.1e-6);
    near(d?.thresholds.rxPower?.high_alarm, (2 * 10000 + 10) * 0.1e-6);
    near(d?.thresholds.temperature?.high_alarm, (1.5 * 75 * 256 - 256) / 256);
  });

  it('decodes a QSFP28 (SFF-8636): 4 lanes, thresholds on page 03h', () => {
    const lower = half();
    lower[0] = 0x11;
    lower.writeInt16BE(35 * 256, 22);
    lower.writeUInt16BE(32500, 26);
    for (let l = 0; l < 4; l++) {
      lower.writeUInt16BE(1000 * (l + 1), 34 + 2 * l);
      lower.writeUInt16BE(2000 + l, 42 + 2 * l);
      lower.writeUInt16BE(3000 + l, 50 + 2 * l);
    }
    const p3 = half();
    putThresholds(p3, 0, [80 * 256, -10 * 256, 75 * 256, -5 * 256], true);
    putThresholds(p3, 48, [20000, 50, 15000, 100]);
    assert.deepEqual(diagnosticPages(lower), [{ i2cAddress: 0x50, page: 3, bank: 0, offset: 128, length: 128 }]);
    const d = decodeModule([pageOf(0x50, 0, 0, lower), pageOf(0x50, 0, 128, half()), pageOf(0x50, 3, 128, p3)]);
    assert.equal(d?.kind, 'qsfp');
    assert.equal(d?.lanes.length, 4);
    near(d?.temperatureCelsius, 35);
    near(d?.voltageVolts, 3.25);
    near(d?.lanes[3].rxPowerWatts, 4000 * 0.1e-6);
    near(d?.lanes[2].biasAmperes, 2002 * 2e-6);
    near(d?.lanes[1].txPowerWatts, 3001 * 0.1e-6);
    near(d?.thresholds.rxPower?.low_warning, 100 * 0.1e-6);
    near(d?.thresholds.temperature?.high_warning, 75);
  });

  it('decodes a CMIS module: 8 lanes on page 11h, thresholds on page 02h', () => {
    const lower = half();
    lower[0] = 0x18;
    lower.writeInt16BE(50 * 256, 14);
    lower.writeUInt16BE(33100, 16);
    const p11 = half();
    for (let l = 0; l < 8; l++) {
      p11.writeUInt16BE(100 + l, 154 - 128 + 2 * l);
      p11.writeUInt16BE(200 + l, 170 - 128 + 2 * l);
      p11.writeUInt16BE(300 + l, 186 - 128 + 2 * l);
    }
    const p2 = half();
    putThresholds(p2, 0, [85 * 256, -5 * 256, 80 * 256, 0], true);
    putThresholds(p2, 192 - 128, [30000, 10, 25000, 20]);
    assert.equal(diagnosticPages(lower).length, 2);
    const d = decodeModule([
      pageOf(0x50, 0, 0, lower),
      pageOf(0x50, 0, 128, half()),
      pageOf(0x50, 2, 128, p2),
      pageOf(0x50, 0x11, 128, p11),
    ]);
    assert.equal(d?.kind, 'cmis');
    assert.equal(d?.lanes.length, 8);
    near(d?.temperatureCelsius, 50);
    near(d?.lanes[7].txPowerWatts, 107 * 0.1e-6);
    near(d?.lanes[7].biasAmperes, 207 * 2e-6);
    near(d?.lanes[7].rxPowerWatts, 307 * 0.1e-6);
    near(d?.thresholds.rxPower?.low_warning, 20 * 0.1e-6);
    near(d?.thresholds.temperature?.high_warning, 80);
  });

  it('refuses short pages and unknown module types without throwing', () => {
    assert.equal(decodeModule([pageOf(0x50, 0, 0, Buffer.alloc(10))]), undefined);
    const lower = half();
    lower[0] = 0x42;
    assert.equal(decodeModule([pageOf(0x50, 0, 0, lower)]), undefined);
  });
});
