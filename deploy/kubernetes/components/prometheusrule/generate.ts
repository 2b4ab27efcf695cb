// The PrometheusRule of components/prometheusrule, made from the rule files
// in deploy/prometheus (every *.yml but the promtool tests), which stay the
// one source of truth. kustomize cannot assemble it itself: no generator turns
// a file into a resource's spec, and its load restrictor refuses files outside
// the component's directory. So `npm run prometheusrule` writes
// prometheusrule.yaml, which is committed; test/kustomize.test.ts fails when
// the two differ.

import fs from 'node:fs';
import path from 'node:path';
import YAML, { isSeq, Scalar, type YAMLSeq } from 'yaml';
import { PATHS } from '../../../../src/paths';

const ROOT = PATHS.root;
export const RULES_DIR = path.join(ROOT, 'deploy', 'prometheus');
export const PROMETHEUS_RULE = path.join(
  ROOT,
  'deploy',
  'kubernetes',
  'components',
  'prometheusrule',
  'prometheusrule.yaml',
);

/** The rule files, by name, in a stable order. */
export function ruleFiles(): string[] {
  return fs
    .readdirSync(RULES_DIR)
    .filter((name) => name.endsWith('.yml') && !name.endsWith('.test.yml'))
    .sort();
}

const HEADER = [
  ' Generated from deploy/prometheus/*.yml by `npm run prometheusrule`: edit',
  ' those files, not this one (test/kustomize.test.ts fails when they differ).',
].join('\n');

/** prometheusrule.yaml as committed: every rule file's groups, comments kept. */
export function renderPrometheusRule(): string {
  const groups = new YAML.Document([]).contents as YAMLSeq;
  for (const name of ruleFiles()) {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(RULES_DIR, name), 'utf8'));
    if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0].message}`);
    const fileGroups = doc.get('groups', true);
    if (!isSeq(fileGroups)) throw new Error(`${name}: no groups list`);
    // Multi-line strings as literal blocks: go-yaml (kustomize, the operator)
    // reads a folded block with more-indented lines (a PromQL expression
    // split over lines) with an extra newline, the spec and this library
    // without; a literal block reads the same everywhere.
    YAML.visit(fileGroups, {
      Scalar(_, node) {
        if (typeof node.value === 'string' && node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
      },
    });
    fileGroups.items.forEach((group, i) => {
      // Say where each file's groups start, so a reader finds the source.
      if (i === 0 && YAML.isNode(group)) group.commentBefore = ` From deploy/prometheus/${name}.`;
      groups.items.push(group);
    });
  }
  const out = new YAML.Document({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'ethtrack', labels: { 'app.kubernetes.io/name': 'ethtrack' } },
    spec: {},
  });
  out.setIn(['spec', 'groups'], groups);
  out.commentBefore = HEADER;
  return out.toString({ lineWidth: 0 });
}

if (require.main === module) {
  fs.writeFileSync(PROMETHEUS_RULE, renderPrometheusRule());
  console.log(`wrote ${path.relative(process.cwd(), PROMETHEUS_RULE)}`);
}
