// The `/` status page rendered from runner statuses, without a server: one
// row per collector job with its result, the helper's state, and HTML in
// error messages escaped.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobStatus } from '../../src/collectors/runner';
import { type StatusInfo, statusPage } from '../../src/serving/status-page';

const job = (name: string, extra: Partial<JobStatus>): JobStatus => ({
  name,
  schedule: '*/15 * * * * *',
  intervalMs: 15_000,
  running: false,
  succeeded: false,
  skippedOverlaps: 0,
  ...extra,
});

const run = new Date('2025-01-02T03:04:05.000Z');
const info = (extra: Partial<StatusInfo> = {}): StatusInfo => ({
  version: '1.2.3',
  helperVersion: '1.2.3',
  helperState: 'up',
  helperError: '',
  helperRestarts: 2,
  telemetryPath: '/metrics',
  gcEnabled: false,
  gcReason: '',
  jobs: [
    job('ethtool', { lastRun: run, lastSuccess: run, lastDurationMs: 12.345, succeeded: true }),
    job('conntrack', { lastRun: run, lastDurationMs: 1, lastError: 'helper <GetConntrackSummary>: "no" & more' }),
    job('flows', {}),
  ],
  ...extra,
});

/** The table's rows as [class, cells]. */
function rows(html: string): [string, string[]][] {
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr class="(\w+)">(.*?)<\/tr>/g)].map((row) => [
    row[1],
    [...row[2].matchAll(/<td>(.*?)<\/td>/g)].map((cell) => cell[1]),
  ]);
}

describe('status page', () => {
  it('has one row per job: ok, failed with its error, pending', () => {
    assert.deepEqual(rows(statusPage(info())), [
      ['ok', ['ethtool', '*/15 * * * * *', run.toISOString(), '12.3 ms', run.toISOString(), 'ok']],
      [
        'failed',
        [
          'conntrack',
          '*/15 * * * * *',
          run.toISOString(),
          '1.0 ms',
          '—',
          'failed: helper &#60;GetConntrackSummary&#62;: &#34;no&#34; &#38; more',
        ],
      ],
      ['pending', ['flows', '*/15 * * * * *', '—', '—', '—', 'pending']],
    ]);
  });

  it('shows the helper up with its version and restarts, GC off, and links the metrics path', () => {
    const html = statusPage(info({ telemetryPath: '/custom"path' }));
    assert.match(html, /helper <span class="state ok">up<\/span>\n version 1\.2\.3, restarts 2\./);
    assert.match(html, /Conntrack GC: off\./);
    assert.match(html, /<a href="\/custom&#34;path">Metrics<\/a>/);
  });

  it('shows a helper that is down with its error, escaped, and the GC reason', () => {
    const html = statusPage(
      info({
        helperState: 'restarting',
        helperError: 'exit <1>',
        helperVersion: '',
        gcEnabled: true,
        gcReason: 'flows collector',
      }),
    );
    assert.match(html, /<span class="state failed">restarting<\/span> \(exit &#60;1&#62;\)/);
    assert.match(html, /version —,/);
    assert.match(html, /Conntrack GC: running \(flows collector\)\./);
  });

  it('renders an empty table when no collector is enabled', () => {
    assert.deepEqual(rows(statusPage(info({ jobs: [] }))), []);
  });
});
