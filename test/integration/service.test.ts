// The service end to end: command line, endpoints, gRPC health, helper
// supervision and a real Prometheus server scraping it.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR } from '../../src/helper-client/client';
import { hasCommand, sleep } from '../support/exec';
import { CLI, Exporter, HELPER } from '../support/exporter';
import { parseExposition, sampleValue } from '../support/exposition';

describe('command line', () => {
  const cases: [string[], RegExp][] = [
    [['--no-such-flag'], /--no-such-flag/],
    [['--web.listen-address=nonsense'], /--web\.listen-address/],
    [['--collector.ethtool.device-exclude=[z-a]'], /--collector\.ethtool\.device-exclude/],
    [['--collector.ethtool.schedule=every minute'], /--collector\.ethtool\.schedule/],
    [['--gc.prune=sometimes'], /--gc\.prune/],
  ];
  for (const [args, flag] of cases) {
    it(`exits 2 with one line naming the flag for ${args.join(' ')}`, () => {
      const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], flag);
    });
  }

  it('exits 2 for an unreadable web config before anything listens', () => {
    const result = spawnSync(process.execPath, [CLI, '--web.config.file=/nonexistent/web.yml'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--web\.config\.file/);
  });

  it('prints help listing every collector flag, and the version', () => {
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    for (const flag of ['--[no-]collector.ethtool', '--[no-]collector.flows', '--collector.conntrack.dump-timeout']) {
      assert.ok(help.stdout.includes(flag), flag);
    }
    const version = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^ethtrack, version \d+\.\d+\.\d+/);
  });
});

function healthClient(port: number): grpc.Client & Record<string, unknown> {
  const definition = protoLoader.loadSync('grpc/health/v1/health.proto', { includeDirs: [PROTO_DIR], enums: String });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  return new loaded.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as grpc.Client &
    Record<string, unknown>;
}

function check(client: grpc.Client & Record<string, unknown>, service: string): Promise<string> {
  const method = client.Check as (
    req: object,
    opts: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, reply?: { status: string }) => void,
  ) => void;
  return new Promise((resolve, reject) =>
    method.call(client, { service }, { deadline: Date.now() + 5000 }, (err, reply) =>
      err ? reject(err) : resolve(reply?.status ?? ''),
    ),
  );
}

describe('endpoints', () => {
  let exporter: Exporter;

  before(async () => {
    exporter = await Exporter.start(['--collector.ethtool.device-include=^(eth0|lo)$']);
    await exporter.ready();
  });

  after(async () => {
    await exporter?.stop();
  });

  it('logs "ready" once, with the seconds its start took', () => {
    const ready = exporter.logs.filter((line) => line.includes('"msg":"ready"') || line.includes('"message":"ready"'));
    assert.equal(ready.length, 1, ready.join('\n'));
    const seconds = (JSON.parse(ready[0]) as { after_seconds: number }).after_seconds;
    assert.ok(seconds > 0 && seconds < 20, `after_seconds ${seconds}`);
  });

  it('serves a status page with the version, helper state and each collector', async () => {
    const reply = await exporter.request('/');
    assert.equal(reply.status, 200);
    assert.match(reply.headers['content-type'], /text\/html/);
    assert.match(reply.body, /<span class="badge ok" id="helper-state">up<\/span>/);
    for (const job of ['ethtool', 'conntrack', 'conntrack_breakdown']) {
      assert.match(reply.body, new RegExp(`<tr class="job ok" data-collector="${job}" data-result="ok">`));
    }
    assert.match(reply.body, /href="\/metrics"/);
  });

  it('answers /healthz and /readyz', async () => {
    assert.equal((await exporter.request('/healthz')).status, 200);
    assert.equal((await exporter.request('/readyz')).status, 200);
  });

  it('serves the Prometheus text format by default', async () => {
    const reply = await exporter.request('/metrics');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const samples = parseExposition(reply.body);
    assert.equal(sampleValue(samples, 'ethtrack_helper_up'), 1);
    assert.equal(sampleValue(samples, 'ethtrack_gc_enabled'), 0);
    assert.ok(reply.body.includes('# TYPE ethtrack_helper_restarts_total counter'));
    assert.ok(reply.body.includes('process_resident_memory_bytes'));
  });

  it('serves OpenMetrics when Accept asks for it, closed by # EOF', async () => {
    const reply = await exporter.request('/metrics', { Accept: 'application/openmetrics-text; version=1.0.0' });
    assert.match(reply.headers['content-type'], /^application\/openmetrics-text; version=1.0.0/);
    assert.ok(reply.body.endsWith('# EOF\n'));
    assert.equal(reply.body.indexOf('# EOF'), reply.body.length - 6, 'one EOF, at the end');
    assert.ok(reply.body.includes('# TYPE ethtrack_helper_restarts counter'));
  });

  it('gzips for scrapers that accept it, with the same content', async () => {
    const plain = await exporter.request('/metrics');
    const zipped = await exporter.request('/metrics', { 'Accept-Encoding': 'gzip' }, ['--raw']);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    const raw = spawnSync(
      'sh',
      ['-c', `curl -s -H 'Accept-Encoding: gzip' http://127.0.0.1:${exporter.httpPort}/metrics`],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    ).stdout;
    const text = zlib.gunzipSync(raw).toString();
    const nicLines = (body: string) => body.split('\n').filter((line) => line.startsWith('ethtrack_nic_'));
    assert.deepEqual(nicLines(text), nicLines(plain.body));
    // One gzip member: curl and gzip(1) read the whole body, not just a first member.
    const members = spawnSync('gzip', ['-dc'], { input: raw, maxBuffer: 64 * 1024 * 1024 });
    assert.equal(members.status, 0, String(members.stderr));
    assert.deepEqual(nicLines(members.stdout.toString()), nicLines(plain.body));
    for (const accept of ['text/plain', 'application/openmetrics-text; version=1.0.0']) {
      const curl = spawnSync(
        'curl',
        ['-sS', '--compressed', '-H', `Accept: ${accept}`, `http://127.0.0.1:${exporter.httpPort}/metrics`],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      assert.equal(curl.status, 0, `curl --compressed (${accept}): ${curl.stderr}`);
      const body = curl.stdout.toString();
      assert.deepEqual(nicLines(body), nicLines(plain.body));
      if (accept !== 'text/plain') assert.ok(body.endsWith('# EOF\n'), 'the whole OpenMetrics body, up to # EOF');
    }
  });

  it('answers grpc.health.v1 Check for the overall, helper and collector services', async () => {
    const client = healthClient(exporter.grpcPort);
    try {
      assert.equal(await check(client, ''), 'SERVING');
      assert.equal(await check(client, 'ethtrack.helper'), 'SERVING');
      assert.equal(await check(client, 'ethtrack.collector.ethtool'), 'SERVING');
      assert.equal(await check(client, 'ethtrack.collector.conntrack'), 'SERVING');
      await assert.rejects(check(client, 'ethtrack.collector.nope'), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.NOT_FOUND);
        return true;
      });
    } finally {
      client.close();
    }
  });

  it('streams grpc.health.v1 Watch', async () => {
    const client = healthClient(exporter.grpcPort);
    try {
      const watch = client.Watch as (req: object) => grpc.ClientReadableStream<{ status: string }>;
      const call = watch.call(client, { service: 'ethtrack.helper' });
      const first = await new Promise<string>((resolve, reject) => {
        call.once('data', (msg: { status: string }) => resolve(msg.status));
        call.once('error', reject);
      });
      call.cancel();
      assert.equal(first, 'SERVING');
    } finally {
      client.close();
    }
  });
});

describe('helper supervision', () => {
  it('restarts a SIGKILLed helper while every scrape keeps answering 200', async () => {
    const exporter = await Exporter.start([
      '--collector.ethtool.device-include=^eth0$',
      '--collector.ethtool.schedule=* * * * * *',
      '--collector.conntrack.schedule=* * * * * *',
    ]);
    try {
      await exporter.ready();
      const pid = await exporter.helperPid();
      const statuses: number[] = [];
      let scraping = true;
      const scraper = (async () => {
        while (scraping) {
          statuses.push((await exporter.request('/metrics')).status);
          await sleep(20);
        }
      })();
      await sleep(300);
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 15_000;
      let samples = parseExposition(await exporter.metrics());
      while (Date.now() < deadline) {
        samples = parseExposition(await exporter.metrics());
        const restarted = (sampleValue(samples, 'ethtrack_helper_restarts_total') ?? 0) >= 1;
        if (restarted && sampleValue(samples, 'ethtrack_helper_up') === 1) break;
        await sleep(100);
      }
      const killedAt = Date.now();
      await exporter.waitForCycle('ethtool', killedAt);
      scraping = false;
      await scraper;
      assert.equal(sampleValue(samples, 'ethtrack_helper_up'), 1);
      assert.ok((sampleValue(samples, 'ethtrack_helper_restarts_total') ?? 0) >= 1);
      assert.notEqual(await exporter.helperPid(), pid, 'a new helper process');
      assert.ok(statuses.length > 10, `scraped ${statuses.length} times`);
      assert.deepEqual(
        statuses.filter((s) => s !== 200),
        [],
      );
      const after = parseExposition(await exporter.metrics());
      assert.equal(sampleValue(after, 'ethtrack_collector_success', { collector: 'ethtool' }), 1);
    } finally {
      await exporter.stop();
    }
  });

  it('stops on SIGTERM with exit 0 and takes the helper with it', async () => {
    const exporter = await Exporter.start(['--collector.ethtool.device-include=^eth0$']);
    await exporter.ready();
    const pid = await exporter.helperPid();
    const start = Date.now();
    const code = await exporter.stop('SIGTERM');
    assert.equal(code, 0);
    assert.ok(Date.now() - start < 5000, 'within 5 s');
    assert.throws(() => process.kill(pid, 0), 'the helper is gone');
  });

  it('connects to a helper started elsewhere with --no-helper.spawn', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-connect-'));
    const socket = path.join(dir, 'run', 'helper.sock');
    const helper = spawn(HELPER, ['--socket', socket], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 5000;
      while (!fs.existsSync(socket) && Date.now() < deadline) await sleep(20);
      const exporter = await Exporter.start([
        '--no-helper.spawn',
        `--helper.socket=unix://${socket}`,
        '--collector.ethtool.device-include=^eth0$',
      ]);
      try {
        await exporter.ready();
        const samples = parseExposition(await exporter.metrics());
        assert.equal(sampleValue(samples, 'ethtrack_helper_up'), 1);
        assert.equal(sampleValue(samples, 'ethtrack_collector_success', { collector: 'ethtool' }), 1);
        assert.equal((fs.statSync(socket).mode & 0o777).toString(8), '660');
        assert.equal((fs.statSync(path.dirname(socket)).mode & 0o777).toString(8), '750');
      } finally {
        await exporter.stop();
      }
    } finally {
      helper.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a real Prometheus server', { skip: !hasCommand('prometheus') }, () => {
  it('scrapes the exporter: target up and NIC series queryable', async () => {
    const exporter = await Exporter.start(['--collector.ethtool.device-include=^eth0$']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-prom-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n  - job_name: ethtrack\n    static_configs: [{targets: ['127.0.0.1:${exporter.httpPort}']}]\n`,
    );
    const prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    try {
      await exporter.ready();
      const query = async (expr: string) => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`);
        const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
        return body.data.result;
      };
      const deadline = Date.now() + 30_000;
      let up: { value: [number, string] }[] = [];
      let nic: { value: [number, string] }[] = [];
      while (Date.now() < deadline) {
        try {
          up = await query('up{job="ethtrack"}');
          nic = await query('count(ethtrack_nic_stat{device="eth0"})');
          if (up[0]?.value[1] === '1' && nic.length > 0) break;
        } catch {
          // Prometheus still starting
        }
        await sleep(250);
      }
      assert.equal(up[0]?.value[1], '1', 'target up');
      assert.ok(Number(nic[0]?.value[1]) > 0, 'NIC series stored');
      const failed = await query('scrape_samples_post_metric_relabeling{job="ethtrack"}');
      assert.ok(Number(failed[0]?.value[1]) > 0);
    } finally {
      prometheus.kill('SIGTERM');
      await new Promise((resolve) => prometheus.once('exit', resolve));
      await exporter.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
