// The `/` landing page an operator opens first: is the helper up, is the GC
// loop running and why, and how each collector's last cycle went (result,
// series served, timing). One self-contained HTML page (inline CSS, no
// scripts, no external assets) that reloads itself with a meta refresh.

import type { JobStatus } from '../collectors/runner';
import type { GcState } from '../gc/loop';

export interface StatusInfo {
  version: string;
  helperVersion: string;
  helperState: string;
  helperError: string;
  helperRestarts: number;
  telemetryPath: string;
  gc: GcState;
  jobs: readonly JobStatus[];
}

/** Bounds of the page's own refresh: often enough to follow a fast collector, never a reload storm. */
export const REFRESH_MIN_S = 5;
export const REFRESH_MAX_S = 30;

export type JobResult = 'ok' | 'no data' | 'failed' | 'pending';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The shortest collector interval, bounded to [REFRESH_MIN_S, REFRESH_MAX_S] seconds. */
export function refreshSeconds(jobs: readonly JobStatus[]): number {
  const shortest = Math.min(...jobs.map((job) => job.intervalMs / 1000));
  if (!Number.isFinite(shortest)) return REFRESH_MAX_S;
  return Math.min(REFRESH_MAX_S, Math.max(REFRESH_MIN_S, Math.round(shortest)));
}

/** A failure wins over an older success; no data is a success with nothing to serve. */
export function jobResult(job: JobStatus): JobResult {
  if (job.lastError !== undefined) return 'failed';
  if (job.lastSuccess === undefined) return 'pending';
  return job.noData !== undefined ? 'no data' : 'ok';
}

const RESULT_CLASS: Record<JobResult, string> = { ok: 'ok', 'no data': 'nodata', failed: 'failed', pending: 'pending' };

function ago(then: Date, now: number): string {
  const seconds = Math.max(0, Math.round((now - then.getTime()) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

function timeCell(when: Date | undefined, now: number): string {
  if (when === undefined) return '<td class="muted">—</td>';
  const iso = when.toISOString();
  return `<td class="when"><time datetime="${escapeHtml(iso)}">${escapeHtml(iso.slice(11, 19))}</time> <span class="muted">${escapeHtml(ago(when, now))}</span></td>`;
}

function jobRow(job: JobStatus, now: number): string {
  const result = jobResult(job);
  const cls = RESULT_CLASS[result];
  const detail = result === 'failed' ? (job.lastError ?? '') : result === 'no data' ? (job.noData ?? '') : '';
  const series = result === 'pending' ? '—' : String(job.series);
  const duration = job.lastDurationMs === undefined ? '—' : `${job.lastDurationMs.toFixed(1)} ms`;
  return [
    `<tr class="job ${cls}" data-collector="${escapeHtml(job.name)}" data-result="${escapeHtml(result)}">`,
    `<th scope="row">${escapeHtml(job.name)}</th>`,
    `<td><span class="badge ${cls}">${escapeHtml(result)}</span>${job.running ? ' <span class="muted">running</span>' : ''}</td>`,
    `<td class="num">${escapeHtml(series)}</td>`,
    timeCell(job.lastRun, now),
    `<td class="num">${escapeHtml(duration)}</td>`,
    timeCell(job.lastSuccess, now),
    `<td><code>${escapeHtml(job.schedule)}</code></td>`,
    `<td class="detail">${escapeHtml(detail)}</td>`,
    '</tr>',
  ].join('');
}

function helperCard(info: StatusInfo): string {
  const cls = info.helperState === 'up' ? 'ok' : info.helperState === 'starting' ? 'pending' : 'failed';
  const error =
    info.helperState !== 'up' && info.helperError ? `<p class="detail">${escapeHtml(info.helperError)}</p>` : '';
  return `<section class="card" id="helper"><h2>Helper</h2>
<p><span class="badge ${cls}" id="helper-state">${escapeHtml(info.helperState)}</span></p>
<p>version ${escapeHtml(info.helperVersion || '—')} · restarts ${escapeHtml(String(info.helperRestarts))}</p>${error}</section>`;
}

function gcCard(gc: GcState): string {
  const detail = gc.enabled
    ? `<p>for ${escapeHtml(gc.reason)} · every ${escapeHtml(String(gc.intervalMs / 1000))} s</p>
<p>runs ${escapeHtml(String(gc.runs))} · evicted ${escapeHtml(String(gc.evicted))}</p>`
    : '<p class="muted">no consumer: the flows collector and --gc.prune are off</p>';
  return `<section class="card" id="gc"><h2>Conntrack GC</h2>
<p><span class="badge ${gc.enabled ? 'ok' : 'off'}" id="gc-state">${gc.enabled ? 'enabled' : 'off'}</span></p>
${detail}</section>`;
}

function collectorsCard(jobs: readonly JobStatus[]): string {
  const counts = new Map<JobResult, number>();
  for (const job of jobs) counts.set(jobResult(job), (counts.get(jobResult(job)) ?? 0) + 1);
  const parts = (['ok', 'no data', 'failed', 'pending'] as const)
    .filter((result) => counts.has(result))
    .map((result) => `<span class="badge ${RESULT_CLASS[result]}">${counts.get(result)} ${escapeHtml(result)}</span>`);
  const series = jobs.reduce((sum, job) => sum + job.series, 0);
  return `<section class="card" id="summary"><h2>Collectors</h2>
<p>${parts.join(' ') || '<span class="muted">none enabled</span>'}</p>
<p>${escapeHtml(String(series))} series in the latest snapshots</p></section>`;
}

const STYLE = `
:root{--ok:#1f7a3a;--failed:#b42318;--nodata:#8a6100;--pending:#59606b;--line:#d9dde3}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f4f6f8}
header{display:flex;align-items:baseline;gap:1em;padding:1em 2em;background:#1d2330;color:#fff}
header h1{margin:0;font-size:1.4em}header a{color:#9ecbff;margin-left:auto}
main{padding:1.5em 2em}
.cards{display:flex;gap:1em;flex-wrap:wrap;margin-bottom:1.5em}
.card{flex:1 1 14em;background:#fff;border:1px solid var(--line);border-radius:6px;padding:.8em 1em}
.card h2{margin:0 0 .4em;font-size:.8em;text-transform:uppercase;letter-spacing:.06em;color:#59606b}
.card p{margin:.3em 0}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:6px}
th,td{padding:.5em .8em;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:.8em;text-transform:uppercase;letter-spacing:.05em;color:#59606b;background:#fafbfc}
tbody th{font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.05em .55em;border-radius:1em;font-size:.9em;font-weight:600;color:#fff;background:var(--pending)}
.badge.ok{background:var(--ok)}.badge.failed{background:var(--failed)}.badge.nodata{background:var(--nodata)}
.badge.off{background:#fff;color:var(--pending);border:1px solid var(--line)}
tr.failed{background:#fdf1f0}tr.nodata{background:#fdf8ec}
.detail{color:var(--failed);word-break:break-word}tr.nodata .detail{color:var(--nodata)}
.muted{color:#7a828e}code{font-size:.95em}.when,code{white-space:nowrap}
footer{padding:0 2em 1.5em;color:#7a828e;font-size:.9em}`;

export function statusPage(info: StatusInfo, now = Date.now()): string {
  const refresh = refreshSeconds(info.jobs);
  const metrics = escapeHtml(info.telemetryPath);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${refresh}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>ethtrack status</title>
<style>${STYLE}</style></head>
<body>
<header><h1>ethtrack</h1><span>version ${escapeHtml(info.version)}</span><a href="${metrics}">${metrics}</a></header>
<main>
<div class="cards">
${helperCard(info)}
${gcCard(info.gc)}
${collectorsCard(info.jobs)}
</div>
<table id="collectors"><thead><tr><th>collector</th><th>result</th><th class="num">series</th><th>last run (UTC)</th><th class="num">duration</th><th>last success (UTC)</th><th>schedule</th><th>error or reason</th></tr></thead>
<tbody>
${info.jobs.map((job) => jobRow(job, now)).join('\n')}
</tbody></table>
</main>
<footer>Rendered ${escapeHtml(new Date(now).toISOString())}; reloads every ${refresh} s. NIC statistics (ethtool) and conntrack for Prometheus: <a href="${metrics}">${metrics}</a></footer>
</body></html>
`;
}
