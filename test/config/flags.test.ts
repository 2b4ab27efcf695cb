import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COLLECTORS } from '../../src/collectors';
import { enabledCollectors } from '../../src/collectors/registry';
import { allFlags, loadConfig } from '../../src/config';
import { type Pattern, parseDuration, parseFlags, parseListenAddress, UsageError } from '../../src/flags';

const base = ['--helper.path=/bin/true'];

describe('flags', () => {
  it('has SPEC defaults', () => {
    const config = loadConfig(base);
    assert.deepEqual(config.listen, { host: '', port: 10160 });
    assert.deepEqual(config.grpcListen, { host: '', port: 10161 });
    assert.equal(config.telemetryPath, '/metrics');
    assert.equal(config.flags.get('collector.ethtool'), true);
    assert.equal(config.flags.get('collector.conntrack'), true);
    assert.equal(config.flags.get('collector.flows'), false);
    assert.equal(config.flags.get('collector.ethtool.schedule'), '*/15 * * * * *');
    assert.equal(config.flags.get('collector.conntrack.breakdown-schedule'), '0 * * * * *');
    assert.equal(config.flags.get('collector.conntrack.dump-timeout'), 5000);
    assert.equal(config.flags.get('collector.flows.max-series'), 10000);
    assert.deepEqual(config.gc, { intervalMs: 15000, prune: 'off', threshold: 0.9, maxPerCycle: 1000 });
    assert.equal(config.helper.timeoutMs, 2000);
    assert.equal(config.helper.spawn, true);
    assert.deepEqual(config.log, { level: 'info', format: 'logfmt' });
    const exclude = config.flags.get('collector.ethtool.device-exclude') as Pattern;
    for (const dev of [
      'lo',
      'veth12ab',
      'cali0',
      'lxc9',
      'cilium_host',
      'flannel.1',
      'cni0',
      'docker0',
      'kube-ipvs0',
    ]) {
      assert.ok(exclude.test(dev), dev);
    }
    assert.ok(!exclude.test('eth0'));
  });

  it('accepts --flag=value, --flag value, --flag and --no-flag', () => {
    const config = loadConfig([
      ...base,
      '--collector.flows',
      '--no-collector.conntrack',
      '--log.level',
      'debug',
      '--gc.prune=dry-run',
    ]);
    assert.equal(config.flags.get('collector.flows'), true);
    assert.equal(config.flags.get('collector.conntrack'), false);
    assert.equal(config.log.level, 'debug');
    assert.equal(config.gc.prune, 'dry-run');
  });

  const rejected: [string[], RegExp][] = [
    [['--nope'], /unknown flag --nope/],
    [['--web.listen-address=10160'], /--web\.listen-address/],
    [['--web.listen-address=:99999'], /--web\.listen-address/],
    [['--collector.ethtool.device-include=('], /--collector\.ethtool\.device-include/],
    // RE2 syntax, as node_exporter's Go regexps: no lookaround, no backreferences.
    [['--collector.ethtool.stat-include=^(?=rx)'], /--collector\.ethtool\.stat-include: not an RE2 regexp/],
    [['--collector.ethtool.stat-exclude=(a)\\1'], /--collector\.ethtool\.stat-exclude: not an RE2 regexp/],
    [['--web.max-requests=-1'], /--web\.max-requests: must be at least 0/],
    [['--web.max-connections=0'], /--web\.max-connections: must be at least 1/],
    [['--grpc.max-connections=x'], /--grpc\.max-connections: expected a number/],
    [['--collector.ethtool.schedule=* * * * *'], /--collector\.ethtool\.schedule: .*six fields/],
    [['--collector.conntrack.schedule=99 * * * * *'], /--collector\.conntrack\.schedule/],
    [['--collector.conntrack.dump-timeout=5'], /--collector\.conntrack\.dump-timeout/],
    [['--gc.prune=maybe'], /--gc\.prune: expected one of off, dry-run, on/],
    [['--gc.prune.threshold=1.5'], /--gc\.prune\.threshold: must be at most 1/],
    [['--gc.prune.max-per-cycle=0'], /--gc\.prune\.max-per-cycle/],
    [['--collector.flows.max-series=1.5'], /--collector\.flows\.max-series: expected an integer/],
    [['--log.format=xml'], /--log\.format/],
    [['--log.level'], /--log\.level needs a value/],
    [['--no-log.level'], /unknown flag --no-log\.level/],
    [['--collector.flows=yes'], /--collector\.flows: expected true or false/],
    [['--web.telemetry-path=metrics'], /--web\.telemetry-path/],
    [['--helper.socket=/run/x.sock'], /--helper\.socket: expected unix:/],
    [['--no-helper.spawn'], /--helper\.socket is required/],
    [['--helper.path=/nonexistent/helper'], /--helper\.path/],
    [['--web.config.file=/nonexistent.yml'], /--web\.config\.file/],
    [['stray'], /unexpected argument "stray"/],
  ];
  for (const [args, message] of rejected) {
    it(`rejects ${args.join(' ')} with a message naming the flag`, () => {
      assert.throws(
        () => loadConfig([...base, ...args]),
        (err: Error) => {
          assert.ok(err instanceof UsageError);
          assert.match(err.message, message);
          assert.ok(!err.message.includes('\n'), 'one line');
          return true;
        },
      );
    });
  }

  it('every flag has help and a valid default', () => {
    const specs = allFlags();
    assert.equal(new Set(specs.map((s) => s.name)).size, specs.length, 'flag names are unique');
    for (const spec of specs) assert.ok(spec.help.length > 0, spec.name);
    parseFlags(specs, []);
  });

  it('parses durations and listen addresses like node_exporter', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('5s'), 5000);
    assert.equal(parseDuration('1m'), 60000);
    assert.equal(parseDuration('5'), undefined);
    assert.deepEqual(parseListenAddress('[::1]:10160'), { host: '::1', port: 10160 });
    assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.equal(parseListenAddress('localhost'), undefined);
  });

  it('--collector.disable-defaults runs only the collectors enabled by name, wherever they stand', () => {
    const enabled = (...args: string[]) =>
      enabledCollectors(COLLECTORS, loadConfig([...base, ...args]).flags).map((def) => def.name);
    assert.deepEqual(enabled(), ['ethtool', 'conntrack', 'rxpath']);
    assert.deepEqual(enabled('--collector.disable-defaults'), []);
    assert.deepEqual(enabled('--collector.disable-defaults', '--collector.ethtool'), ['ethtool']);
    assert.deepEqual(enabled('--collector.ethtool', '--collector.disable-defaults'), ['ethtool']);
    assert.deepEqual(enabled('--collector.disable-defaults', '--collector.flows=true'), ['flows']);
    assert.deepEqual(enabled('--collector.disable-defaults', '--collector.flows', '--no-collector.flows'), []);
    assert.deepEqual(enabled('--collector.disable-defaults=false', '--collector.flows'), [
      'ethtool',
      'conntrack',
      'flows',
      'rxpath',
    ]);
    assert.deepEqual(enabled('--no-collector.disable-defaults'), ['ethtool', 'conntrack', 'rxpath']);
    // Sub-flags of a collector that is off are still validated.
    assert.throws(
      () => loadConfig([...base, '--collector.disable-defaults', '--collector.ethtool.schedule=nope']),
      /--collector\.ethtool\.schedule/,
    );
  });
});
