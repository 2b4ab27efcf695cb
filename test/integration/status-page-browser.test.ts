// The status page as an operator sees it: the real exporter in a namespace
// with a veth, its `/` opened in headless Chromium (Debian's chromium), the
// DOM the browser built checked row by row, and a screenshot kept under
// test-results/ for people to look at.
//
// A collector fails for real: the exporter (and the helper it spawns) runs
// under setpriv without CAP_NET_ADMIN in its bounding set, the deployment
// mistake of a helper not granted NET_ADMIN. ethtool needs no capability and
// succeeds; every conntrack call is refused by the kernel (EPERM), so the
// conntrack, conntrack_breakdown and flows collectors fail.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PATHS } from '../../src/paths';
import { hasCommand, sleep } from '../support/exec';
import { Exporter } from '../support/exporter';
import { type ParsedSample, parseExposition, select } from '../support/exposition';
import { ethtoolMetricNames } from '../support/metric-names';
import { Netns } from '../support/netns';

const SCREENSHOT = path.join(PATHS.testResults, 'status-page.png');
const COLLECTORS = ['ethtool', 'ethtool_module', 'conntrack', 'conntrack_breakdown', 'flows', 'rxpath'];
const CONNTRACK_JOBS = ['conntrack', 'conntrack_breakdown', 'flows'];

/** Headless Chromium inside the namespace, with a throwaway profile; returns its stdout. */
async function chromium(ns: Netns, args: readonly string[]): Promise<string> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-chromium-'));
  const [cmd, cmdArgs] = ns.wrap('chromium', [
    '--headless',
    // Root cannot use Chromium's sandbox; the page is our own, from loopback.
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-extensions',
    `--user-data-dir=${profile}`,
    ...args,
  ]);
  try {
    return await new Promise<string>((resolve, reject) =>
      execFile(cmd, cmdArgs, { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, out, stderr) =>
        err ? reject(new Error(`chromium ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(out),
      ),
    );
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

interface Row {
  collector: string;
  result: string;
  cells: string[];
}

const textOf = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .trim();

/** The collector rows of the DOM Chromium serialised, cell texts in column order. */
function collectorRows(dom: string): Row[] {
  const rows: Row[] = [];
  for (const match of dom.matchAll(/<tr\b([^>]*)>([\s\S]*?)<\/tr>/g)) {
    const collector = /data-collector="([^"]*)"/.exec(match[1])?.[1];
    const result = /data-result="([^"]*)"/.exec(match[1])?.[1];
    if (collector === undefined || result === undefined) continue;
    const cells = [...match[2].matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => textOf(cell[1]));
    rows.push({ collector, result, cells });
  }
  return rows;
}

/** The columns of the page's table, by header text. */
function columns(dom: string): string[] {
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(dom)?.[1] ?? '';
  return [...head.matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((cell) => textOf(cell[1]));
}

/** PNG width and height from its IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${file} is a PNG`);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the status page in headless Chromium', {
  skip: !hasCommand('chromium') && 'chromium is not installed',
}, () => {
  it('shows every collector with result and series, the helper up, GC running, and a collector failing for real (helper without CAP_NET_ADMIN) as failed; keeps a screenshot', async () => {
    const ns = await Netns.create('status');
    let exporter: Exporter | undefined;
    try {
      await ns.addVeth('nic0', 'nic1', 2);
      exporter = await Exporter.start(
        ['--collector.ethtool.device-include=^nic', '--collector.flows', '--gc.interval=1s'],
        { ns, runUnder: ['setpriv', '--inh-caps=-all', '--bounding-set=-net_admin'] },
      );
      const running = exporter;
      // Every job has finished a cycle (the conntrack ones by failing) and the GC loop has run.
      const samples: ParsedSample[] = await waitFor('a cycle of every collector and a GC pass', async () => {
        const parsed = parseExposition(await running.metrics());
        const done = select(parsed, 'ethtrack_collector_duration_seconds').map((s) => s.labels.collector);
        const gcRuns = select(parsed, 'ethtrack_gc_runs_total').reduce((sum, s) => sum + s.value, 0);
        return COLLECTORS.every((name) => done.includes(name)) && gcRuns > 0 ? parsed : undefined;
      });
      // The oracle for "every collector": the exporter's own per-collector self-metrics.
      const fromMetrics = select(samples, 'ethtrack_collector_success').map((s) => s.labels.collector);
      assert.deepEqual([...fromMetrics].sort(), [...COLLECTORS].sort());
      for (const name of CONNTRACK_JOBS)
        assert.equal(select(samples, 'ethtrack_collector_success', { collector: name })[0].value, 0, name);
      const ethtoolNames = ethtoolMetricNames(false);
      const nicSeries = samples.filter((s) => ethtoolNames.has(s.name)).length;
      assert.ok(nicSeries > 0, 'ethtool serves the veth');

      const url = `http://127.0.0.1:${exporter.httpPort}/`;
      const dom = await chromium(ns, ['--dump-dom', url]);
      assert.match(dom, /<title>ethtrack status<\/title>/);
      assert.match(dom, /<meta http-equiv="refresh" content="15">/, 'reloads at the shortest schedule, every 15 s');
      assert.doesNotMatch(dom, /<(script|link|img)\b/, 'self-contained: no scripts, stylesheets or images');

      const header = columns(dom);
      const col = (name: string) => {
        const index = header.findIndex((text) => text.startsWith(name));
        assert.ok(index >= 0, `column ${name} in ${header.join(' | ')}`);
        return index;
      };
      const rows = collectorRows(dom);
      for (const name of fromMetrics)
        assert.ok(
          rows.some((row) => row.collector === name),
          `a row for ${name}`,
        );
      assert.equal(rows.length, fromMetrics.length, 'one row per collector');
      const row = (name: string) => rows.find((r) => r.collector === name) as Row;

      const ethtool = row('ethtool');
      assert.equal(ethtool.result, 'ok');
      assert.equal(ethtool.cells[col('result')], 'ok');
      assert.equal(Number(ethtool.cells[col('series')]), nicSeries, 'ethtool series = the samples of its metrics');
      assert.match(ethtool.cells[col('duration')], /^\d+\.\d ms$/);
      assert.match(ethtool.cells[col('last run')], /^\d\d:\d\d:\d\d \d+ s ago$/);
      for (const name of CONNTRACK_JOBS) {
        const failed = row(name);
        assert.equal(failed.result, 'failed', name);
        assert.match(failed.cells[col('result')], /^failed/, name);
        assert.match(failed.cells[col('error')], /Operation not permitted/, `${name} shows the kernel's refusal`);
        assert.equal(failed.cells[col('last success')], '—', `${name} never succeeded`);
      }

      assert.match(dom, /<span class="badge ok" id="helper-state">up<\/span>/, 'helper up');
      assert.match(dom, /<span class="badge ok" id="gc-state">enabled<\/span>/, 'GC enabled');
      assert.match(
        textOf(/<section class="card" id="gc">([\s\S]*?)<\/section>/.exec(dom)?.[1] ?? ''),
        /flows collector[\s\S]*runs [1-9]\d* · evicted \d+/,
      );
      assert.match(dom, /<a href="\/metrics">/);

      fs.mkdirSync(PATHS.testResults, { recursive: true });
      fs.rmSync(SCREENSHOT, { force: true });
      await chromium(ns, [`--screenshot=${SCREENSHOT}`, '--window-size=1280,900', '--hide-scrollbars', url]);
      assert.deepEqual(pngSize(SCREENSHOT), [1280, 900]);
      assert.deepEqual(exporter.sanitizerReports(), []);
    } finally {
      await exporter?.stop();
      ns.destroy();
    }
  });
});
