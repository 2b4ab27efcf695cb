// Transceiver module diagnostics decoded from raw EEPROM pages, from the
// specifications: SFF-8472 (SFP: address A2h, internal or external
// calibration), SFF-8636 (QSFP/QSFP28: 4 lanes, thresholds on page 03h) and
// CMIS (QSFP-DD/OSFP: 8 lanes on page 11h, thresholds on page 02h).
// Units: temperature 1/256 °C (signed), voltage 100 µV, bias 2 µA, optical
// power 0.1 µW; results are in base units (celsius, volts, amperes, watts).
// Pure functions, so tests feed them pages built from the specs.

import type { EepromPage } from '../helper-client/api';

export type ModuleKind = 'sfp' | 'qsfp' | 'cmis';

export interface Thresholds {
  high_alarm: number;
  low_alarm: number;
  high_warning: number;
  low_warning: number;
}

export interface Lane {
  biasAmperes?: number;
  txPowerWatts?: number;
  rxPowerWatts?: number;
}

export interface ModuleDiagnostics {
  kind: ModuleKind;
  identifier: number;
  temperatureCelsius?: number;
  voltageVolts?: number;
  lanes: Lane[];
  thresholds: {
    temperature?: Thresholds;
    voltage?: Thresholds;
    bias?: Thresholds;
    txPower?: Thresholds;
    rxPower?: Thresholds;
  };
}

/** The helper's page address: 7-bit i2c address, page, bank, offset, length. */
export type PageRequest = Required<Pick<EepromPage, 'i2cAddress' | 'page' | 'bank' | 'offset' | 'length'>>;

const A0 = 0x50;
const A2 = 0x51;
const page = (i2cAddress: number, p: number, offset: number, bank = 0): PageRequest => ({
  i2cAddress,
  page: p,
  bank,
  offset,
  length: 128,
});

/** The first read of every module: page 00h, lower and upper half. */
export const IDENTITY_PAGES: PageRequest[] = [page(A0, 0, 0), page(A0, 0, 128)];

const SFP_IDS = new Set([0x03]);
const QSFP_IDS = new Set([0x0c, 0x0d, 0x11]);
const CMIS_IDS = new Set([0x18, 0x19, 0x1b, 0x1e, 0x1f, 0x20]);

export function moduleKind(identifier: number): ModuleKind | undefined {
  if (SFP_IDS.has(identifier)) return 'sfp';
  if (QSFP_IDS.has(identifier)) return 'qsfp';
  if (CMIS_IDS.has(identifier)) return 'cmis';
  return undefined;
}

/** The 256 bytes of page 00h as read; lower then upper half. */
function identity(lower: Buffer, upper: Buffer | undefined): Buffer {
  return Buffer.concat([lower, upper ?? Buffer.alloc(128)]);
}

/** Which further pages to read, from page 00h; [] when there is nothing to monitor. */
export function diagnosticPages(lower: Buffer, upper?: Buffer): PageRequest[] {
  const p0 = identity(lower, upper);
  const kind = moduleKind(p0[0]);
  if (kind === 'sfp') {
    // SFF-8472 byte 92 bit 6: digital diagnostics implemented (at A2h).
    return p0[92] & 0x40 ? [page(A2, 0, 0)] : [];
  }
  if (kind === 'qsfp') {
    // SFF-8636 byte 2 bit 2: flat memory, no page 03h.
    return p0[2] & 0x04 ? [] : [page(A0, 3, 128)];
  }
  if (kind === 'cmis') {
    // CMIS byte 2 bit 7: flat memory, no pages 02h and 11h.
    return p0[2] & 0x80 ? [] : [page(A0, 2, 128), page(A0, 0x11, 128, 0)];
  }
  return [];
}

const celsius = (raw: number) => raw / 256;
const volts = (raw: number) => raw * 100e-6;
const amperes = (raw: number) => raw * 2e-6;
const watts = (raw: number) => raw * 0.1e-6;

/** Four thresholds at `at`: high alarm, low alarm, high warning, low warning. */
function thresholds(buf: Buffer, at: number, read: (b: Buffer, o: number) => number): Thresholds {
  return {
    high_alarm: read(buf, at),
    low_alarm: read(buf, at + 2),
    high_warning: read(buf, at + 4),
    low_warning: read(buf, at + 6),
  };
}

const s16 = (b: Buffer, o: number) => b.readInt16BE(o);
const u16 = (b: Buffer, o: number) => b.readUInt16BE(o);
const scaled =
  (conv: (raw: number) => number, read = u16) =>
  (b: Buffer, o: number) =>
    conv(read(b, o));

function findPage(pages: readonly EepromPage[], i2c: number, p: number, offset: number): Buffer | undefined {
  const found = pages.find((x) => x.i2cAddress === i2c && x.page === p && x.offset === offset);
  const data = found?.data;
  if (!data || data.length < 128) return undefined;
  return Buffer.from(data as Uint8Array);
}

/** SFF-8472 external calibration: slope (unsigned 8.8) and signed offset at `at`. */
function linear(a2: Buffer, at: number, signedRaw: boolean): (b: Buffer, o: number) => number {
  const slope = a2.readUInt16BE(at) / 256;
  const offset = a2.readInt16BE(at + 2);
  return (b, o) => slope * (signedRaw ? b.readInt16BE(o) : b.readUInt16BE(o)) + offset;
}

function decodeSfp(p0: Buffer, a2: Buffer | undefined): ModuleDiagnostics {
  const diag: ModuleDiagnostics = { kind: 'sfp', identifier: p0[0], lanes: [], thresholds: {} };
  if (!a2 || !(p0[92] & 0x40)) return diag;
  const external = (p0[92] & 0x10) !== 0;
  let temp: (b: Buffer, o: number) => number = s16;
  let vcc: (b: Buffer, o: number) => number = u16;
  let bias: (b: Buffer, o: number) => number = u16;
  let tx: (b: Buffer, o: number) => number = u16;
  let rx: (b: Buffer, o: number) => number = u16;
  if (external) {
    // Bytes 56-75: Rx_PWR(4) .. Rx_PWR(0), big-endian IEEE 754 floats.
    const c = [4, 3, 2, 1, 0].map((i) => a2.readFloatBE(56 + 4 * (4 - i)));
    const [c4, c3, c2, c1, c0] = c;
    rx = (b, o) => {
      const r = b.readUInt16BE(o);
      return c4 * r ** 4 + c3 * r ** 3 + c2 * r ** 2 + c1 * r + c0;
    };
    bias = linear(a2, 76, false);
    tx = linear(a2, 80, false);
    temp = linear(a2, 84, true);
    vcc = linear(a2, 88, false);
  }
  const conv = (read: (b: Buffer, o: number) => number, unit: (raw: number) => number) => (b: Buffer, o: number) =>
    unit(read(b, o));
  diag.temperatureCelsius = conv(temp, celsius)(a2, 96);
  diag.voltageVolts = conv(vcc, volts)(a2, 98);
  diag.lanes = [
    {
      biasAmperes: conv(bias, amperes)(a2, 100),
      txPowerWatts: conv(tx, watts)(a2, 102),
      rxPowerWatts: Math.max(0, conv(rx, watts)(a2, 104)),
    },
  ];
  diag.thresholds = {
    temperature: thresholds(a2, 0, conv(temp, celsius)),
    voltage: thresholds(a2, 8, conv(vcc, volts)),
    bias: thresholds(a2, 16, conv(bias, amperes)),
    txPower: thresholds(a2, 24, conv(tx, watts)),
    rxPower: thresholds(a2, 32, conv(rx, watts)),
  };
  return diag;
}

function decodeQsfp(p0: Buffer, p3: Buffer | undefined): ModuleDiagnostics {
  const lanes: Lane[] = [];
  for (let lane = 0; lane < 4; lane++) {
    lanes.push({
      rxPowerWatts: watts(p0.readUInt16BE(34 + 2 * lane)),
      biasAmperes: amperes(p0.readUInt16BE(42 + 2 * lane)),
      txPowerWatts: watts(p0.readUInt16BE(50 + 2 * lane)),
    });
  }
  const diag: ModuleDiagnostics = {
    kind: 'qsfp',
    identifier: p0[0],
    temperatureCelsius: celsius(p0.readInt16BE(22)),
    voltageVolts: volts(p0.readUInt16BE(26)),
    lanes,
    thresholds: {},
  };
  if (p3) {
    // Page 03h, as bytes 128-255 of the page: offsets below are page offsets - 128.
    diag.thresholds = {
      temperature: thresholds(p3, 0, scaled(celsius, s16)),
      voltage: thresholds(p3, 16, scaled(volts)),
      rxPower: thresholds(p3, 48, scaled(watts)),
      bias: thresholds(p3, 56, scaled(amperes)),
      txPower: thresholds(p3, 64, scaled(watts)),
    };
  }
  return diag;
}

function decodeCmis(p0: Buffer, p2: Buffer | undefined, p11: Buffer | undefined): ModuleDiagnostics {
  const diag: ModuleDiagnostics = {
    kind: 'cmis',
    identifier: p0[0],
    temperatureCelsius: celsius(p0.readInt16BE(14)),
    voltageVolts: volts(p0.readUInt16BE(16)),
    lanes: [],
    thresholds: {},
  };
  if (p11) {
    // Page 11h bytes 154-201 (offsets here minus 128): tx power, tx bias, rx power, lanes 1-8.
    for (let lane = 0; lane < 8; lane++) {
      diag.lanes.push({
        txPowerWatts: watts(p11.readUInt16BE(26 + 2 * lane)),
        biasAmperes: amperes(p11.readUInt16BE(42 + 2 * lane)),
        rxPowerWatts: watts(p11.readUInt16BE(58 + 2 * lane)),
      });
    }
  }
  if (p2) {
    // Page 02h bytes 128-199: module temperature, voltage; lane tx power, bias, rx power.
    diag.thresholds = {
      temperature: thresholds(p2, 0, scaled(celsius, s16)),
      voltage: thresholds(p2, 8, scaled(volts)),
      txPower: thresholds(p2, 48, scaled(watts)),
      bias: thresholds(p2, 56, scaled(amperes)),
      rxPower: thresholds(p2, 64, scaled(watts)),
    };
  }
  return diag;
}

/** Decodes what the helper read; undefined for a module type this does not know. */
export function decodeModule(pages: readonly EepromPage[]): ModuleDiagnostics | undefined {
  const lower = findPage(pages, A0, 0, 0);
  if (!lower) return undefined;
  const p0 = identity(lower, findPage(pages, A0, 0, 128));
  switch (moduleKind(p0[0])) {
    case 'sfp':
      return decodeSfp(p0, findPage(pages, A2, 0, 0));
    case 'qsfp':
      return decodeQsfp(p0, findPage(pages, A0, 3, 128));
    case 'cmis':
      return decodeCmis(p0, findPage(pages, A0, 2, 128), findPage(pages, A0, 0x11, 128));
    default:
      return undefined;
  }
}
