// The `/` landing page: version, helper state, each collector's last cycle.

import type { JobStatus } from '../collectors/runner';

export interface StatusInfo {
  version: string;
  helperVersion: string;
  helperState: string;
  helperError: string;
  helperRestarts: number;
  telemetryPath: string;
  gcEnabled: boolean;
  gcReason: string;
  jobs: readonly JobStatus[];
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function jobRow(job: JobStatus): string {
  const ok = job.lastError === undefined && job.lastSuccess !== undefined;
  const result = job.lastRun === undefined ? 'pending' : ok ? 'ok' : `failed: ${job.lastError ?? ''}`;
  const cells = [
    job.name,
    job.schedule,
    job.lastRun?.toISOString() ?? '—',
    job.lastDurationMs === undefined ? '—' : `${job.lastDurationMs.toFixed(1)} ms`,
    job.lastSuccess?.toISOString() ?? '—',
    result,
  ];
  const cls = job.lastRun === undefined ? 'pending' : ok ? 'ok' : 'failed';
  return `<tr class="${cls}">${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
}

export function statusPage(info: StatusInfo): string {
  const helperClass = info.helperState === 'up' ? 'ok' : 'failed';
  const helperDetail = info.helperState === 'up' ? '' : ` (${escapeHtml(info.helperError)})`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>ethtrack</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
.ok td:last-child,.ok.state{color:#fff;background:#2a7d2a}.failed td:last-child,.failed.state{color:#fff;background:#b52a2a}
.pending td:last-child{background:#ddd}.state{padding:.1em .4em}
</style></head>
<body>
<h1>ethtrack</h1>
<p>NIC statistics (ethtool) and conntrack for Prometheus. <a href="${escapeHtml(info.telemetryPath)}">Metrics</a></p>
<p>Version ${escapeHtml(info.version)}; helper <span class="state ${helperClass}">${escapeHtml(info.helperState)}</span>${helperDetail}
 version ${escapeHtml(info.helperVersion || '—')}, restarts ${info.helperRestarts}.
 Conntrack GC: ${info.gcEnabled ? `running (${escapeHtml(info.gcReason)})` : 'off'}.</p>
<table><thead><tr><th>collector</th><th>schedule</th><th>last run</th><th>duration</th><th>last success</th><th>result</th></tr></thead>
<tbody>
${info.jobs.map(jobRow).join('\n')}
</tbody></table>
</body></html>
`;
}
