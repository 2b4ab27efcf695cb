// The packets-lost ledger end to end: a real Prometheus server loads every
// rule file of deploy/prometheus (not the promtool tests), scrapes the
// exporter inside a namespace, and after the test makes real losses there —
// UDP receive-buffer errors and TCP listen overflows (socket), backlog drops
// over a veth with RPS and netdev_max_backlog lowered (backlog), new flows
// into a conntrack table at its limit (conntrack) —
// `ethtrack:packets_lost:rate5m` carries non-zero series for those layers.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hasCommand, run, sleep } from '../support/exec';
import { Exporter, HELPER, ROOT } from '../support/exporter';
import { makeSocketLosses } from '../support/losses';
import { Netns } from '../support/netns';

const CT_FILL = path.join(ROOT, 'build', 'helper', 'ct-fill');
const RULES = path.join(ROOT, 'deploy', 'prometheus');

type Result = { metric: Record<string, string>; value: [number, string] }[];

describe('the packets-lost ledger in a real Prometheus', { skip: !hasCommand('prometheus') }, () => {
  it('records non-zero socket, backlog and conntrack losses made for real', { timeout: 150_000 }, async () => {
    const ns = await Netns.create('ple');
    const peer = await Netns.create('plp');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-ledger-'));
    const sysctl = '/proc/sys/net/core/netdev_max_backlog';
    const saved = fs.readFileSync(sysctl, 'utf8').trim();
    let exporter: Exporter | undefined;
    let prometheus: ChildProcess | undefined;
    try {
      if (!fs.existsSync(CT_FILL)) await run('make', ['-s', '-C', path.join(ROOT, 'src', 'helper'), 'bench']);
      await peer.addVeth('pla', 'plb', 1, { peerNs: ns, address: '10.79.0.1/24', peerAddress: '10.79.0.2/24' });
      // RPS steers plb's packets to CPU 1's backlog, so a burst sent from CPU 0 overflows it.
      await ns.exec('sh', ['-c', 'echo 2 > /sys/class/net/plb/queues/rx-0/rps_cpus']);
      exporter = await Exporter.start(
        [
          '--no-collector.ethtool',
          '--no-collector.conntrack.breakdown',
          '--collector.conntrack.schedule=* * * * * *',
          '--collector.rxpath.schedule=* * * * * *',
          '--collector.rxpath.device-include=^plb$',
        ],
        { ns, helper: HELPER },
      );
      await exporter.ready(30_000);

      const rules = fs
        .readdirSync(RULES)
        .filter((name) => name.endsWith('.yml') && !name.endsWith('.test.yml'))
        .map((name) => `'${path.join(RULES, name)}'`);
      const port = 20000 + Math.floor(Math.random() * 20000);
      fs.writeFileSync(
        path.join(dir, 'prometheus.yml'),
        [
          'global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}',
          `rule_files: [${rules.join(', ')}]`,
          'scrape_configs:',
          '  - job_name: ethtrack',
          `    static_configs: [{targets: ['127.0.0.1:${exporter.httpPort}']}]`,
          '',
        ].join('\n'),
      );
      // In the namespace, where the exporter listens.
      prometheus = spawn(
        'ip',
        [
          'netns',
          'exec',
          ns.name,
          'prometheus',
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      const query = async (expr: string): Promise<Result> => {
        const out = await ns.exec('curl', [
          '-sf',
          `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`,
        ]);
        return (JSON.parse(out) as { data: { result: Result } }).data.result;
      };
      const byLayer = async (): Promise<Map<string, number>> => {
        const result = await query('sum by (layer) (ethtrack:packets_lost:rate5m)');
        return new Map(result.map((r) => [r.metric.layer, Number(r.value[1])]));
      };
      // Before any loss: the ledger is evaluated over at least two scrapes, so a rise is a rate.
      let layers = new Map<string, number>();
      for (const deadline = Date.now() + 40_000; Date.now() < deadline; await sleep(250)) {
        layers = await byLayer().catch(() => new Map());
        if (layers.has('socket') && layers.has('backlog') && layers.has('conntrack')) break;
      }
      assert.ok(
        layers.has('socket') && layers.has('backlog') && layers.has('conntrack'),
        `ledger evaluated: ${[...layers]}`,
      );

      // socket: a UDP socket with the smallest receive buffer and no reader, flooded; a listener with backlog 1 never accepting.
      await makeSocketLosses(ns);
      // backlog: a global sysctl, lowered for the shortest burst and restored at once.
      try {
        fs.writeFileSync(sysctl, '2');
        await peer.exec('taskset', [
          '-c',
          '0',
          '/usr/bin/python3',
          '-c',
          "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nfor i in range(20000): s.sendto(b'x', ('10.79.0.2', 9))",
        ]);
      } finally {
        fs.writeFileSync(sysctl, saved);
      }
      // conntrack: the table filled to its limit (ct-fill stops there), then new flows into it.
      const limit = Number((await ns.exec('cat', ['/proc/sys/net/netfilter/nf_conntrack_max'])).trim());
      await ns.exec(CT_FILL, [String(limit), '3600']).catch(() => '');
      await ns.exec('iptables', ['-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'ACCEPT']);
      await ns.exec('sh', ['-c', 'for i in $(seq 1 50); do ping -c1 -W0.05 127.0.0.$((i+1)) >/dev/null 2>&1; done']);

      for (const deadline = Date.now() + 40_000; Date.now() < deadline; await sleep(500)) {
        layers = await byLayer();
        if (['socket', 'backlog', 'conntrack'].every((layer) => (layers.get(layer) ?? 0) > 0)) break;
      }
      for (const layer of ['socket', 'backlog', 'conntrack']) {
        assert.ok((layers.get(layer) ?? 0) > 0, `layer ${layer} non-zero: ${JSON.stringify([...layers])}`);
      }
      const reasons = await query('ethtrack:packets_lost:rate5m{layer="socket"} > 0');
      const named = new Set(reasons.map((r) => r.metric.reason));
      assert.ok(named.has('receive_buffer') && named.has('listen_overflow'), `socket reasons: ${[...named]}`);
    } finally {
      fs.writeFileSync(sysctl, saved);
      if (prometheus) {
        prometheus.kill('SIGTERM');
        await new Promise((resolve) => prometheus?.once('exit', resolve));
      }
      await exporter?.stop();
      ns.destroy();
      peer.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
