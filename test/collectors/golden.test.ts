// Every collector's exposition from helper replies recorded on real
// namespaces (test/fixtures/helper-replies/), through the real collectors,
// runner and snapshot, against the golden files under test/fixtures/golden/
// and against what ethtool and conntrack said at the moment of recording
// (test/fixtures/oracle/); the rxpath collector's from the /proc and /sys
// files recorded in the same namespace (test/fixtures/procfs/, sysfs/),
// read through --path.procfs and --path.sysfs and checked against those
// files. Needs no root. `UPDATE_GOLDEN=1 npm test` or
// `npm run test:golden -- -u` rewrites the golden files; `npm run
// fixtures:record` (root) records the replies afresh.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import winston from 'winston';
import { EthtoolCollector, ethtoolFilters } from '../../src/collectors/ethtool';
import { mapStatNames } from '../../src/collectors/ethtool-stat-names';
import { conntrackStat } from '../../src/collectors/metrics';
import { loadConfig } from '../../src/config';
import { HelperCallError } from '../../src/helper-client/client';
import { countByState, flowOracle, parseConntrackStats, parseListedEntry } from '../support/conntrack';
import { parseEthtoolS } from '../support/ethtool';
import { hasCommand, run } from '../support/exec';
import { parseExposition, sampleValue, select } from '../support/exposition';
import {
  GOLDEN_ARGS,
  GOLDEN_DIR,
  goldenJobs,
  goldenPath,
  lineDiff,
  PROCFS_DIR,
  readOracle,
  renderJobs,
  rxpathJob,
  SYSFS_DIR,
  UPDATE_GOLDEN,
  writeGolden,
} from '../support/golden';
import { ReplayHelper } from '../support/helper-replay';

const JOBS = ['ethtool', 'conntrack', 'conntrack_breakdown', 'flows', 'rxpath'];

/** Every stat of every recorded device, as the ethtool -S of the recording's moment says. */
function assertEthtoolS(exposition: string): void {
  const samples = parseExposition(exposition);
  const exported = new Set(select(samples, 'ethtrack_nic_stat').map((s) => s.labels.device));
  for (const device of ['ct0', 'q8a', 'q8b']) assert.ok(exported.has(device), `${device} recorded and exported`);
  for (const device of exported) {
    const stats = parseEthtoolS(readOracle(`ethtool-S.${device}.txt`));
    const labels = mapStatNames(stats.map(([name]) => name));
    assert.equal(select(samples, 'ethtrack_nic_stat', { device }).length, stats.length, device);
    stats.forEach(([raw, value], i) => {
      const got = sampleValue(samples, 'ethtrack_nic_stat', { device, stat: labels[i].stat, queue: labels[i].queue });
      assert.equal(got, value, `${device} ${raw}`);
    });
  }
}

describe('golden expositions from recorded helper replies', () => {
  let replay: ReplayHelper;
  let expositions: Map<string, string>;
  const listed = () => readOracle('conntrack-L.txt').split('\n').filter(Boolean).map(parseListedEntry);

  before(async () => {
    replay = new ReplayHelper();
    expositions = await renderJobs([...goldenJobs(), rxpathJob()], replay);
  });

  it('renders one exposition per collector job, each with a golden file', () => {
    assert.deepEqual([...expositions.keys()].sort(), [...JOBS].sort());
    if (!UPDATE_GOLDEN) {
      const files = fs.readdirSync(GOLDEN_DIR).filter((file) => file.endsWith('.prom'));
      assert.deepEqual(files.sort(), JOBS.map((job) => `${job}.prom`).sort(), 'no golden file without a job');
    }
  });

  for (const job of JOBS) {
    it(`${job}: the exposition equals test/fixtures/golden/${job}.prom`, () => {
      const actual = expositions.get(job) ?? '';
      assert.ok(actual.length > 0, `${job} rendered samples`);
      if (UPDATE_GOLDEN) {
        writeGolden(job, actual);
        return;
      }
      const expected = fs.readFileSync(goldenPath(job), 'utf8');
      if (actual !== expected) {
        assert.fail(
          `${job} exposition differs from test/fixtures/golden/${job}.prom ` +
            `(- golden, + now; rewrite with UPDATE_GOLDEN=1 if the change is meant):\n${lineDiff(expected, actual)}`,
        );
      }
    });

    it(`${job}: the golden file passes promtool check metrics`, { skip: !hasCommand('promtool') }, async () => {
      const text = fs.readFileSync(goldenPath(job), 'utf8');
      assert.equal((await run('promtool', ['check', 'metrics'], text)).trim(), '');
    });
  }

  it('ethtool: every stat of every device equals the ethtool -S of the same moment', () => {
    assertEthtoolS(expositions.get('ethtool') ?? '');
  });

  it('ethtool: driver info equals the ethtool -i of the same moment', () => {
    const samples = parseExposition(expositions.get('ethtool') ?? '');
    const infos = select(samples, 'ethtrack_nic_info');
    assert.ok(
      infos.some((s) => s.labels.driver === 'bridge'),
      'the bridge (no stats) still has its info',
    );
    for (const sample of infos) {
      const info = readOracle(`ethtool-i.${sample.labels.device}.txt`);
      const field = (name: string) => new RegExp(`^${name}: ?(.*)$`, 'm').exec(info)?.[1].trim() ?? '';
      assert.deepEqual(sample.labels, {
        device: sample.labels.device,
        driver: field('driver'),
        driver_version: field('version'),
        firmware_version: field('firmware-version'),
        bus_info: field('bus-info'),
      });
    }
  });

  it('conntrack: entries equal the conntrack -L lines, every statistic the conntrack -S sum', () => {
    const samples = parseExposition(expositions.get('conntrack') ?? '');
    assert.equal(sampleValue(samples, 'ethtrack_conntrack_entries'), listed().length);
    const stats = parseConntrackStats(readOracle('conntrack-S.txt'));
    assert.ok(stats.size >= 10, 'conntrack -S lists the kernel statistics');
    for (const [stat, value] of stats) {
      assert.equal(sampleValue(samples, conntrackStat(stat).name), value, stat);
    }
  });

  it('conntrack_breakdown: counts by family, protocol and state equal the conntrack -L of the same moment', () => {
    const samples = parseExposition(expositions.get('conntrack_breakdown') ?? '');
    const exported = new Map(
      select(samples, 'ethtrack_conntrack_entries_by_state')
        .map((s) => [`${s.labels.family}|${s.labels.protocol}|${s.labels.state}`, s.value] as const)
        .sort(([x], [y]) => (x < y ? -1 : 1)),
    );
    const expected = countByState(listed());
    assert.ok(expected.has('ipv6|tcp|time_wait') && expected.has('ipv4|other|unreplied'), 'every state recorded');
    assert.deepEqual(exported, expected);
  });

  it('flows: bytes and packets per peer and port equal the conntrack -L accounting of the same moment', () => {
    const samples = parseExposition(expositions.get('flows') ?? '');
    const exported = new Map<string, { bytes: number; packets: number }>();
    for (const s of select(samples, 'ethtrack_flow_bytes_total')) {
      const { direction, protocol, peer, port } = s.labels;
      const packets = sampleValue(samples, 'ethtrack_flow_packets_total', s.labels) ?? Number.NaN;
      exported.set(`${direction}|${protocol}|${peer}|${port}`, { bytes: s.value, packets });
    }
    const expected = flowOracle(listed(), new Set(replay.recording.localAddresses));
    assert.ok(
      [...expected.values()].some((sum) => sum.bytes > 0),
      'the recording has accounted traffic',
    );
    assert.deepEqual(new Map([...exported].sort()), expected);
    assert.equal(sampleValue(samples, 'ethtrack_flow_tracked'), listed().length);
  });

  const proc = (file: string) => fs.readFileSync(path.join(PROCFS_DIR, file), 'utf8');
  const sys = (device: string, file: string) =>
    Number(fs.readFileSync(path.join(SYSFS_DIR, 'class', 'net', device, file), 'utf8'));

  it('rxpath: softnet per CPU equals the recorded softnet_stat columns', () => {
    const samples = parseExposition(expositions.get('rxpath') ?? '');
    const rows = proc('net/softnet_stat').trim().split('\n');
    assert.equal(rows.length, 2, 'two CPUs recorded');
    assert.equal(select(samples, 'ethtrack_softnet_processed_total').length, rows.length);
    rows.forEach((row, cpu) => {
      const col = row
        .trim()
        .split(/\s+/)
        .map((hex) => Number.parseInt(hex, 16));
      const labels = { cpu: String(cpu) };
      assert.equal(sampleValue(samples, 'ethtrack_softnet_processed_total', labels), col[0], `cpu ${cpu} processed`);
      assert.equal(sampleValue(samples, 'ethtrack_softnet_dropped_total', labels), col[1], `cpu ${cpu} dropped`);
      assert.equal(sampleValue(samples, 'ethtrack_softnet_time_squeezed_total', labels), col[2], `cpu ${cpu} squeezed`);
    });
  });

  it('rxpath: link counters and flaps equal the recorded /proc/net/dev and sysfs files, for the included devices', () => {
    const samples = parseExposition(expositions.get('rxpath') ?? '');
    const exported = new Set(select(samples, 'ethtrack_nic_receive_packets_total').map((s) => s.labels.device));
    assert.deepEqual([...exported].sort(), ['br0', 'ct0', 'q8a', 'q8b'], 'lo left out by the default exclusion');
    const rows = new Map(
      proc('net/dev')
        .split('\n')
        .slice(2)
        .filter(Boolean)
        .map((line) => {
          const [name, rest] = line.split(':');
          return [name.trim(), rest.trim().split(/\s+/).map(Number)] as const;
        }),
    );
    for (const device of exported) {
      const row = rows.get(device) ?? [];
      assert.equal(sampleValue(samples, 'ethtrack_nic_receive_packets_total', { device }), row[1], `${device} rx`);
      assert.equal(sampleValue(samples, 'ethtrack_nic_transmit_packets_total', { device }), row[9], `${device} tx`);
      assert.equal(sys(device, 'statistics/rx_packets'), row[1], `${device}: sysfs and /proc/net/dev agree`);
      for (const [metric, file] of [
        ['ethtrack_nic_carrier_up_changes_total', 'carrier_up_count'],
        ['ethtrack_nic_carrier_down_changes_total', 'carrier_down_count'],
        ['ethtrack_nic_receive_nohandler_total', 'statistics/rx_nohandler'],
      ]) {
        assert.equal(sampleValue(samples, metric, { device }), sys(device, file), `${device} ${file}`);
      }
    }
    assert.ok(
      (sampleValue(samples, 'ethtrack_nic_receive_packets_total', { device: 'ct0' }) ?? 0) > 0,
      'the recording has traffic on ct0',
    );
  });

  it('rxpath: socket-layer counters equal the recorded snmp, snmp6 and netstat', () => {
    const samples = parseExposition(expositions.get('rxpath') ?? '');
    const pairs = (text: string) => {
      const out = new Map<string, number>();
      const lines = text.trim().split('\n');
      for (let i = 0; i + 1 < lines.length; i += 2) {
        const keys = lines[i].split(/\s+/);
        const values = lines[i + 1].split(/\s+/);
        const section = keys[0].replace(/:$/, '');
        for (let k = 1; k < keys.length; k++) out.set(`${section}.${keys[k]}`, Number(values[k]));
      }
      return out;
    };
    const snmp = pairs(proc('net/snmp'));
    const netstat = pairs(proc('net/netstat'));
    const snmp6 = new Map(
      proc('net/snmp6')
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/))
        .map(([key, value]) => [key, Number(value)] as const),
    );
    const at = (name: string, protocol: string) => sampleValue(samples, name, { protocol });
    assert.equal(at('ethtrack_socket_receive_buffer_errors_total', 'udp'), snmp.get('Udp.RcvbufErrors'));
    assert.equal(at('ethtrack_socket_receive_errors_total', 'udp'), snmp.get('Udp.InErrors'));
    assert.equal(at('ethtrack_socket_receive_errors_total', 'tcp'), snmp.get('Tcp.InErrs'));
    assert.equal(at('ethtrack_socket_receive_buffer_errors_total', 'udp6'), snmp6.get('Udp6RcvbufErrors'));
    assert.equal(at('ethtrack_socket_listen_overflows_total', 'tcp'), netstat.get('TcpExt.ListenOverflows'));
    assert.equal(at('ethtrack_socket_listen_drops_total', 'tcp'), netstat.get('TcpExt.ListenDrops'));
  });

  it('rxpath: the recorded sysfs tree is plain directories and files, no symlinks', () => {
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        assert.ok(!entry.isSymbolicLink(), `${full} is not a symlink`);
        return entry.isDirectory() ? walk(full) : [full];
      });
    const files = walk(SYSFS_DIR);
    assert.ok(
      files.some((f) => f.endsWith(path.join('q8a', 'queues', 'rx-7', 'rps_cpus'))),
      'the 8-queue veth',
    );
  });

  it('refuses a call it has no recording for, naming what was asked (a replay cannot invent replies)', async () => {
    await assert.rejects(replay.conntrackBreakdown(1), /no recorded GetConntrackBreakdown reply.*fixtures:record/);
  });
});

describe('ethtool netlink calls failing (stand-in: the replay rejects them as the helper would)', () => {
  const NETLINK_RPCS = ['GetEthtoolSettings', 'GetStandardStats'];
  const cases: [string, grpc.status, string][] = [
    [
      'a kernel without ethtool netlink',
      grpc.status.FAILED_PRECONDITION,
      'ethtool netlink family: Operation not supported',
    ],
    ['a netlink dump that times out', grpc.status.UNAVAILABLE, 'ethtool netlink family: Connection timed out'],
    ['a call past its deadline', grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'],
  ];

  for (const [what, code, detail] of cases) {
    it(`${what}: every ethtool -S stat and the link info are still exported, the netlink extras left out`, async () => {
      const replay = new ReplayHelper();
      for (const rpc of NETLINK_RPCS) replay.failures.set(rpc, new HelperCallError(rpc, code, detail));
      const jobs = goldenJobs().filter((job) => job.name === 'ethtool');
      const exposition = (await renderJobs(jobs, replay)).get('ethtool') ?? '';
      assertEthtoolS(exposition);
      const samples = parseExposition(exposition);
      assert.ok(select(samples, 'ethtrack_nic_info').length > 0, 'driver info');
      assert.ok(select(samples, 'ethtrack_nic_link_up').length > 0, 'link state');
      assert.equal(select(samples, 'ethtrack_nic_channels').length, 0, 'no settings from a failed call');
    });
  }

  it('logs each failing extra once: no ethtool netlink at info, other errors at warn and again when they change', async () => {
    const lines: { level: string; message: string; reason?: string }[] = [];
    const logger = winston.createLogger({
      format: winston.format.json(),
      transports: [
        new winston.transports.Stream({
          stream: new PassThrough().on('data', (d) => lines.push(JSON.parse(String(d)))),
        }),
      ],
    });
    const filters = ethtoolFilters(loadConfig(GOLDEN_ARGS).flags);
    const collector = new EthtoolCollector('* * * * * *', filters, logger, {
      settings: true,
      standardStats: true,
      maxSeries: 0,
      skipZero: false,
    });
    // A fresh replay each cycle: the collector then asks for every stat name again, as recorded.
    const cycle = async (code: grpc.status, detail: string) => {
      const replay = new ReplayHelper();
      for (const rpc of NETLINK_RPCS) replay.failures.set(rpc, new HelperCallError(rpc, code, detail));
      await collector.collect(replay);
    };
    const netlinkLines = () => lines.filter((line) => /ethtool netlink/.test(line.message));
    await cycle(grpc.status.FAILED_PRECONDITION, 'ethtool netlink family: Operation not supported');
    await cycle(grpc.status.FAILED_PRECONDITION, 'ethtool netlink family: Operation not supported');
    assert.deepEqual(
      netlinkLines().map((line) => [line.level, line.reason]),
      [
        ['info', 'no ethtool netlink on this kernel'],
        ['info', 'no ethtool netlink on this kernel'],
      ],
      'once per extra (settings, standard stats)',
    );
    lines.length = 0;
    await cycle(grpc.status.UNAVAILABLE, 'ethtool netlink family: Connection timed out');
    await cycle(grpc.status.UNAVAILABLE, 'ethtool netlink family: Connection timed out');
    assert.equal(netlinkLines().length, 2);
    assert.ok(netlinkLines().every((line) => line.level === 'warn' && /Connection timed out/.test(line.reason ?? '')));
    lines.length = 0;
    await cycle(grpc.status.UNAVAILABLE, 'ethtool netlink family: No buffer space available');
    assert.equal(netlinkLines().length, 2, 'a new error text is logged again');
    assert.equal(
      lines.filter((line) => /lacks ethtool netlink/.test(line.message)).length,
      0,
      'a failed call is not logged as every device lacking it',
    );
  });
});
