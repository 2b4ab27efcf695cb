// The kustomize components (podmonitor, prometheusrule, dashboards) and the
// kube-prometheus-stack overlay, built by kubectl's kustomize: each builds on
// the base alone and all together; the PrometheusRule is the rule files in
// deploy/prometheus, which promtool still accepts and tests once taken back
// out; each dashboard ConfigMap holds its committed JSON byte for byte.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import YAML from 'yaml';
import {
  PROMETHEUS_RULE,
  RULES_DIR,
  renderPrometheusRule,
  ruleFiles,
} from '../../deploy/kubernetes/components/prometheusrule/generate';
import { PATHS } from '../../src/paths';
import { runSync } from '../support/exec';
import { KUBECTL_SKIP, kustomize } from '../support/kubectl';

const ROOT = PATHS.root;
const BASE = path.join(ROOT, 'deploy', 'kubernetes');
const COMPONENTS = path.join(BASE, 'components');
const OVERLAY = path.join(ROOT, 'deploy', 'overlays', 'kube-prometheus-stack');
const DASHBOARD_DIR = path.join(ROOT, 'grafana', 'dashboards');
const BASE_KINDS = ['DaemonSet', 'Service', 'ServiceAccount'];
/** What `kubectl apply` (client side) can store in its last-applied annotation. */
const ANNOTATION_LIMIT = 262_144;

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}
interface RuleGroup {
  name: string;
  rules: Record<string, unknown>[];
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-kustomize-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function parseAll(text: string): Resource[] {
  return YAML.parseAllDocuments(text).map((doc) => doc.toJSON() as Resource);
}

/** Builds the base with the given components, from an overlay written for the purpose. */
function buildWith(components: string[]): Resource[] {
  const dir = fs.mkdtempSync(path.join(scratch, 'overlay-'));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [path.relative(dir, BASE)],
    components: components.map((name) => path.relative(dir, path.join(COMPONENTS, name))),
  };
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), YAML.stringify(kustomization));
  return parseAll(kustomize(dir));
}

const kinds = (resources: Resource[]) => resources.map((r) => r.kind).sort();
const only = (resources: Resource[], kind: string) => resources.filter((r) => r.kind === kind);

function ruleFileGroups(): RuleGroup[] {
  return ruleFiles().flatMap(
    (name) => (YAML.parse(fs.readFileSync(path.join(RULES_DIR, name), 'utf8')) as { groups: RuleGroup[] }).groups,
  );
}

function promtool(args: string[]): void {
  const result = runSync('promtool', args);
  assert.equal(result.status, 0, `promtool ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
}

describe('kustomize components', { skip: KUBECTL_SKIP }, () => {
  it('each builds on the base, adding only its own objects', () => {
    const cases: [string, string[]][] = [
      ['podmonitor', ['PodMonitor']],
      ['prometheusrule', ['PrometheusRule']],
      [
        'dashboards',
        fs
          .readdirSync(DASHBOARD_DIR)
          .filter((name) => name.endsWith('.json'))
          .map(() => 'ConfigMap'),
      ],
    ];
    for (const [component, added] of cases) {
      assert.deepEqual(kinds(buildWith([component])), [...BASE_KINDS, ...added].sort(), component);
    }
  });

  it('build together on the base', () => {
    const built = buildWith(['podmonitor', 'prometheusrule', 'dashboards']);
    assert.deepEqual(
      kinds(built),
      [...BASE_KINDS, 'ConfigMap', 'ConfigMap', 'ConfigMap', 'PodMonitor', 'PrometheusRule'].sort(),
    );
  });

  it('the committed PrometheusRule is generated from deploy/prometheus (npm run prometheusrule)', () => {
    assert.equal(fs.readFileSync(PROMETHEUS_RULE, 'utf8'), renderPrometheusRule());
  });

  it('the built PrometheusRule holds exactly the rule files’ groups', () => {
    const [rule] = only(buildWith(['prometheusrule']), 'PrometheusRule');
    assert.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
    assert.deepEqual(rule.spec?.groups, ruleFileGroups());
    assert.ok(ruleFiles().length >= 2, 'both ethtrack-rules.yml and ethtrack-alerts.yml');
  });

  it('rules taken back out of the built PrometheusRule pass promtool check and the promtool unit tests', () => {
    const [rule] = only(buildWith(['prometheusrule']), 'PrometheusRule');
    const dir = fs.mkdtempSync(path.join(scratch, 'rules-'));
    const extracted = path.join(dir, 'from-prometheusrule.yml');
    fs.writeFileSync(extracted, YAML.stringify({ groups: rule.spec?.groups }));
    promtool(['check', 'rules', extracted]);
    // Every unit test file as committed, loading the extracted rules instead of the files.
    // Edited as a document, so series values such as 0x15 keep their spelling.
    const testFiles = fs.readdirSync(RULES_DIR).filter((name) => name.endsWith('.test.yml'));
    const tested = new Set<string>();
    for (const name of testFiles) {
      const tests = YAML.parseDocument(fs.readFileSync(path.join(RULES_DIR, name), 'utf8'));
      for (const file of tests.toJS().rule_files as string[]) tested.add(file);
      tests.set('rule_files', [path.basename(extracted)]);
      const testFile = path.join(dir, `from-prometheusrule.${name}`);
      fs.writeFileSync(testFile, tests.toString());
      promtool(['test', 'rules', testFile]);
    }
    assert.deepEqual([...tested].sort(), ruleFiles(), 'every rule file has promtool unit tests');
  });

  it('one ConfigMap per committed dashboard, holding its JSON byte for byte', () => {
    const configMaps = only(buildWith(['dashboards']), 'ConfigMap');
    const committed = fs.readdirSync(DASHBOARD_DIR).filter((name) => name.endsWith('.json'));
    const keys = configMaps.flatMap((cm) => Object.keys(cm.data ?? {}));
    assert.deepEqual(keys.sort(), committed.sort(), 'every dashboard has its line in grafana/kustomization.yaml');
    for (const cm of configMaps) {
      assert.equal(cm.metadata.labels?.grafana_dashboard, '1', cm.metadata.name);
      const [[name, text]] = Object.entries(cm.data ?? {});
      assert.equal(text, fs.readFileSync(path.join(DASHBOARD_DIR, name), 'utf8'), `${name} as committed`);
      assert.ok(JSON.stringify(cm).length < ANNOTATION_LIMIT, `${name} fits kubectl apply's annotation`);
    }
  });

  it('dashboards query through a datasource variable that resolves to the default Prometheus', () => {
    for (const cm of only(buildWith(['dashboards']), 'ConfigMap')) {
      const [[name, text]] = Object.entries(cm.data ?? {});
      const dashboard = JSON.parse(text);
      // The sidecar does not resolve import-time inputs (${DS_PROMETHEUS}).
      assert.equal(dashboard.__inputs, undefined, name);
      const variable = dashboard.templating.list.find((v: { name: string }) => v.name === 'datasource');
      assert.equal(variable?.type, 'datasource', name);
      assert.equal(variable.query, 'prometheus', name);
      // No data source pinned by name or uid: Grafana picks its default of the type.
      assert.deepEqual(variable.current ?? {}, {}, name);
      const uids = new Set<string>();
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node !== null && typeof node === 'object') {
          const record = node as Record<string, unknown>;
          const ds = record.datasource as { uid?: string } | undefined;
          if (ds && typeof ds === 'object' && ds.uid !== undefined) uids.add(ds.uid);
          Object.values(record).forEach(walk);
        }
      };
      walk(dashboard.panels);
      assert.deepEqual([...uids], ['$' + '{datasource}'], name);
    }
  });

  it('the PodMonitor names the job "ethtrack", as the alerts and dashboards expect', () => {
    const [monitor] = only(buildWith(['podmonitor']), 'PodMonitor');
    const endpoints = monitor.spec?.podMetricsEndpoints as { relabelings: Record<string, unknown>[] }[];
    assert.ok(endpoints[0].relabelings.some((r) => r.targetLabel === 'job' && r.replacement === 'ethtrack'));
    const alerts = fs.readFileSync(path.join(RULES_DIR, 'ethtrack-alerts.yml'), 'utf8');
    assert.match(alerts, /up\{job="ethtrack"\}/);
  });
});

describe('kube-prometheus-stack overlay', { skip: KUBECTL_SKIP }, () => {
  it('builds the base with all three components, in one namespace, selectable by the chart', () => {
    const built = parseAll(kustomize(OVERLAY));
    assert.deepEqual(
      kinds(built),
      [...BASE_KINDS, 'ConfigMap', 'ConfigMap', 'ConfigMap', 'PodMonitor', 'PrometheusRule'].sort(),
    );
    for (const resource of built) assert.equal(resource.metadata.namespace, 'monitoring', resource.kind);
    for (const resource of [...only(built, 'PodMonitor'), ...only(built, 'PrometheusRule')]) {
      assert.equal(resource.metadata.labels?.release, 'kube-prometheus-stack', resource.kind);
    }
    for (const cm of only(built, 'ConfigMap')) {
      assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
      assert.equal(cm.metadata.annotations?.['k8s-sidecar-target-directory'], 'ethtrack');
    }
    const [rule] = only(built, 'PrometheusRule');
    assert.deepEqual(rule.spec?.groups, ruleFileGroups());
  });
});
