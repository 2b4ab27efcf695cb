// The Grafana dashboards: the committed JSON is what grafana/generate.ts
// produces, every query names a metric ethtrack exports, and everything goes
// through the `datasource` variable so file provisioning works.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DASHBOARD_DIR, renderDashboards } from '../../grafana/generate';
import { DATASOURCE_UID } from '../../grafana/panels';
import { runSync } from '../support/exec';
import { exportedMetricNames, metricsIn, recordedIn, recordedRuleNames } from '../support/metric-names';

interface Target {
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  type: string;
  title: string;
  panels?: Panel[];
  datasource?: { type: string; uid: string };
  targets?: Target[];
  gridPos: { x: number; y: number; w: number; h: number };
}
interface Variable {
  type: string;
  name: string;
  query: unknown;
  datasource?: { uid: string };
}
interface Dashboard {
  uid: string;
  title: string;
  templating: { list: Variable[] };
  panels: Panel[];
}

const rendered = renderDashboards();
const dashboards = [...rendered].map(([name, text]) => ({ name, dashboard: JSON.parse(text) as Dashboard, text }));

describe('grafana dashboards', () => {
  it('are committed as generated (run npm run dashboards)', () => {
    const committed = fs.readdirSync(DASHBOARD_DIR).filter((name) => name.endsWith('.json'));
    assert.deepEqual(committed.sort(), [...rendered.keys()].sort());
    for (const [name, text] of rendered) {
      assert.equal(fs.readFileSync(path.join(DASHBOARD_DIR, name), 'utf8'), text, `${name} is stale`);
    }
  });

  it('query only metrics that ethtrack exports, or rules deploy/prometheus records', () => {
    const known = exportedMetricNames();
    const recorded = recordedRuleNames();
    for (const { name, dashboard } of dashboards) {
      for (const panel of dashboard.panels) {
        for (const target of panel.targets ?? []) {
          const used = metricsIn(target.expr);
          const fromRules = recordedIn(target.expr);
          for (const rule of fromRules)
            assert.ok(recorded.has(rule), `${name} "${panel.title}": no rule records ${rule}`);
          assert.ok(used.length + fromRules.length > 0, `${name} "${panel.title}": no metric in ${target.expr}`);
          for (const metric of used) assert.ok(known.has(metric), `${name} "${panel.title}": unknown metric ${metric}`);
        }
      }
      for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
        for (const metric of metricsIn(JSON.stringify(variable.query))) {
          assert.ok(known.has(metric), `${name} variable ${variable.name}: unknown metric ${metric}`);
        }
      }
    }
  });

  it('hold queries promtool parses', () => {
    // Each query as a recording rule, Grafana's variables filled in as Grafana would.
    const exprs = dashboards.flatMap(({ dashboard }) =>
      dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    );
    const rules = exprs.map((expr, index) => ({
      record: `dashboard_query_${index}`,
      expr: expr.replaceAll('$__rate_interval', '1m').replace(/\$(job|instance|device)\b/g, '.+'),
    }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-dashboards-'));
    try {
      const file = path.join(dir, 'queries.yml');
      fs.writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboards', rules }] }));
      const result = runSync('promtool', ['check', 'rules', file]);
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keep every panel at the top level, where the checks here see it', () => {
    // The SDK's rows can hold panels; ours stay open and empty, their panels follow them.
    for (const { name, dashboard } of dashboards) {
      for (const panel of dashboard.panels.filter((p) => p.type === 'row')) {
        assert.deepEqual(panel.panels ?? [], [], `${name} row "${panel.title}"`);
      }
    }
  });

  it('use the datasource variable, never DS_ inputs, under a uid named like the file', () => {
    for (const { name, dashboard, text } of dashboards) {
      assert.equal(`${dashboard.uid}.json`, name);
      assert.doesNotMatch(text, /\$\{DS_|__inputs/, name);
      const datasource = dashboard.templating.list.find((v) => v.name === 'datasource');
      assert.equal(datasource?.type, 'datasource', `${name}: datasource variable`);
      assert.equal(datasource?.query, 'prometheus', `${name}: datasource variable`);
      for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
        assert.equal(panel.datasource?.uid, DATASOURCE_UID, `${name} "${panel.title}"`);
        assert.ok(panel.targets?.length, `${name} "${panel.title}": no queries`);
        for (const target of panel.targets ?? []) assert.equal(target.datasource.uid, DATASOURCE_UID);
      }
      for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
        assert.equal(variable.datasource?.uid, DATASOURCE_UID, `${name} variable ${variable.name}`);
      }
    }
  });

  it('have job and instance variables, and device on the NIC dashboard', () => {
    for (const { name, dashboard } of dashboards) {
      const names = dashboard.templating.list.map((v) => v.name);
      for (const variable of ['datasource', 'job', 'instance'])
        assert.ok(names.includes(variable), `${name}: ${variable}`);
    }
    const nics = dashboards.find((d) => d.dashboard.uid === 'ethtrack-nics');
    assert.ok(nics?.dashboard.templating.list.some((v) => v.name === 'device'));
  });

  it('lay panels out without overlap', () => {
    for (const { name, dashboard } of dashboards) {
      const cells = new Set<string>();
      for (const panel of dashboard.panels) {
        const { x, y, w, h } = panel.gridPos;
        assert.ok(x + w <= 24, `${name} "${panel.title}" is wider than the grid`);
        for (let row = y; row < y + h; row++) {
          for (let column = x; column < x + w; column++) {
            const cell = `${column},${row}`;
            assert.ok(!cells.has(cell), `${name} "${panel.title}" overlaps another panel`);
            cells.add(cell);
          }
        }
      }
    }
  });
});
