// The status page's HTML without a browser (the browser test is
// test/integration/status-page-browser.test.ts): one row per collector with
// its result, series and error or no-data reason, the helper and GC cards,
// the bounded self-refresh, and everything escaped.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobStatus } from '../../src/collectors/runner';
import { jobResult, refreshSeconds, type StatusInfo, statusPage } from '../../src/serving/status-page';

const NOW = Date.parse('2026-01-02T03:04:05.000Z');

function job(name: string, fields: Partial<JobStatus> = {}): JobStatus {
  return {
    name,
    schedule: '*/15 * * * * *',
    intervalMs: 15_000,
    running: false,
    series: 0,
    succeeded: false,
    skippedOverlaps: 0,
    ...fields,
  };
}

const ran = new Date(NOW - 3000);
const ok = job('ethtool', { lastRun: ran, lastSuccess: ran, lastDurationMs: 12.34, series: 48, succeeded: true });
const failed = job('conntrack', { lastRun: ran, lastDurationMs: 2, lastError: 'EPERM <b>&"' });
const empty = job('flows', { lastRun: ran, lastSuccess: ran, succeeded: true, noData: 'nf_conntrack is not loaded' });
const pending = job('conntrack_breakdown', { schedule: '0 * * * * *', intervalMs: 60_000 });

function info(fields: Partial<StatusInfo> = {}): StatusInfo {
  return {
    version: '1.2.3',
    helperVersion: '1.2.3',
    helperState: 'up',
    helperError: '',
    helperRestarts: 2,
    telemetryPath: '/metrics',
    gc: { enabled: true, reason: 'flows collector', intervalMs: 15_000, runs: 7, evicted: 3 },
    jobs: [ok, failed, empty, pending],
    ...fields,
  };
}

function row(page: string, name: string): string {
  const match = new RegExp(`<tr class="job [a-z]+" data-collector="${name}"[^>]*>.*?</tr>`).exec(page);
  assert.ok(match, `a row for ${name}`);
  return match[0];
}

describe('status page', () => {
  it('gives each collector a row with its result, series, duration and times', () => {
    const page = statusPage(info(), NOW);
    const ethtool = row(page, 'ethtool');
    assert.match(ethtool, /data-result="ok"/);
    assert.match(ethtool, /<td class="num">48<\/td>/);
    assert.match(ethtool, /<td class="num">12\.3 ms<\/td>/);
    assert.match(
      ethtool,
      /<time datetime="2026-01-02T03:04:02.000Z">03:04:02<\/time> <span class="muted">3 s ago<\/span>/,
    );
    assert.equal((page.match(/<tr class="job /g) ?? []).length, 4);
  });

  it('shows a failed collector as failed with its error, escaped', () => {
    const conntrack = row(statusPage(info(), NOW), 'conntrack');
    assert.match(conntrack, /data-result="failed"/);
    assert.match(conntrack, /<span class="badge failed">failed<\/span>/);
    assert.match(conntrack, /<td class="detail">EPERM &#60;b&#62;&#38;&#34;<\/td>/);
    assert.doesNotMatch(conntrack, /<b>/);
  });

  it('shows a no-data collector as no data with the reason, and a collector not yet run as pending', () => {
    const page = statusPage(info(), NOW);
    assert.match(row(page, 'flows'), /data-result="no data".*<td class="detail">nf_conntrack is not loaded<\/td>/);
    assert.match(row(page, 'conntrack_breakdown'), /data-result="pending".*<td class="num">—<\/td>/);
  });

  it('a failure after a success is a failure; no data is not one', () => {
    assert.equal(jobResult({ ...ok, lastError: 'timed out' }), 'failed');
    assert.equal(jobResult(empty), 'no data');
    assert.equal(jobResult(pending), 'pending');
    assert.equal(jobResult(ok), 'ok');
  });

  it('shows the helper state, and the error when it is not up', () => {
    assert.match(statusPage(info(), NOW), /<span class="badge ok" id="helper-state">up<\/span>/);
    const down = statusPage(info({ helperState: 'down', helperError: 'connect ENOENT <sock>' }), NOW);
    assert.match(down, /<span class="badge failed" id="helper-state">down<\/span>/);
    assert.match(down, /<p class="detail">connect ENOENT &#60;sock&#62;<\/p>/);
  });

  it('shows the GC loop enabled with its reason, runs and evictions, or off', () => {
    const on = statusPage(info(), NOW);
    assert.match(on, /id="gc-state">enabled<\/span>/);
    assert.match(on, /for flows collector · every 15 s<\/p>\n<p>runs 7 · evicted 3<\/p>/);
    const off = statusPage(info({ gc: { enabled: false, reason: '', intervalMs: 15_000, runs: 0, evicted: 0 } }), NOW);
    assert.match(off, /id="gc-state">off<\/span>/);
    assert.doesNotMatch(off, /runs 0/);
  });

  it('reloads itself at the shortest collector interval, bounded to 5–30 s', () => {
    assert.match(statusPage(info(), NOW), /<meta http-equiv="refresh" content="15">/);
    assert.equal(refreshSeconds([job('fast', { intervalMs: 1000 })]), 5);
    assert.equal(refreshSeconds([job('slow', { intervalMs: 300_000 })]), 30);
    assert.equal(refreshSeconds([]), 30);
  });

  it('is one self-contained page: no scripts, stylesheets or images from anywhere', () => {
    const page = statusPage(info(), NOW);
    assert.doesNotMatch(page, /<(script|link|img|iframe)\b/);
    assert.doesNotMatch(page, /url\(|@import|https?:/);
  });

  it('escapes the version, the telemetry path and collector names', () => {
    const page = statusPage(
      info({ version: '<v>', telemetryPath: '/m"x', jobs: [job('a<b', { lastRun: ran, lastError: 'x' })] }),
      NOW,
    );
    assert.match(page, /version &#60;v&#62;/);
    assert.match(page, /href="\/m&#34;x"/);
    assert.match(page, /data-collector="a&#60;b"/);
    assert.doesNotMatch(page, /<v>|a<b/);
  });
});
