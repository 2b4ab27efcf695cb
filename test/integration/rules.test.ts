// The Prometheus rules in deploy/prometheus: promtool accepts them, their unit
// tests pass, and they query only metrics ethtrack exports.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { PATHS } from '../../src/paths';
import { runSync } from '../support/exec';
import { exportedMetricNames, metricsIn, recordedIn, recordedRuleNames } from '../support/metric-names';

const RULES_DIR = PATHS.prometheusRules;
// Every file there: a new rule file is checked without being listed here.
const ALL_FILES = fs.readdirSync(RULES_DIR).sort();
const TEST_FILES = ALL_FILES.filter((name) => name.endsWith('.test.yml'));
const RULE_FILES = ALL_FILES.filter((name) => name.endsWith('.yml') && !name.endsWith('.test.yml'));

function promtool(args: string[]): void {
  const result = runSync('promtool', args);
  assert.equal(result.status, 0, `promtool ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
}

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

// promtool comes with Debian's prometheus package, which scripts/setup.sh installs.
describe('prometheus rules', () => {
  const files = RULE_FILES.map((name) => path.join(RULES_DIR, name));

  it('pass promtool check rules', () => {
    assert.ok(RULE_FILES.length > 0 && TEST_FILES.length > 0, `no rules or tests in ${RULES_DIR}`);
    promtool(['check', 'rules', ...files]);
  });

  it('pass their promtool unit tests', () => {
    promtool(['test', 'rules', ...TEST_FILES.map((name) => path.join(RULES_DIR, name))]);
  });

  it('query only metrics that ethtrack exports', () => {
    const known = exportedMetricNames();
    const recorded = recordedRuleNames();
    for (const file of files) {
      const rules = YAML.parse(fs.readFileSync(file, 'utf8')) as RuleFile;
      for (const group of rules.groups) {
        for (const rule of group.rules) {
          const used = metricsIn(rule.expr);
          const fromRules = recordedIn(rule.expr);
          for (const name of fromRules)
            assert.ok(recorded.has(name), `${rule.alert ?? rule.record}: no rule records ${name}`);
          assert.ok(
            used.length + fromRules.length > 0 || rule.alert === 'EthtrackDown',
            `${rule.alert ?? rule.record}: no ethtrack metric`,
          );
          for (const name of used) assert.ok(known.has(name), `${rule.alert ?? rule.record}: unknown metric ${name}`);
        }
      }
    }
  });
});
