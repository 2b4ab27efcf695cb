import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conntrackStat, NIC } from '../../src/collectors/metrics';
import { familyHeader, renderFamily } from '../../src/exposition/family';
import { Snapshot } from '../../src/exposition/snapshot';
import { escapeLabelValue } from '../../src/exposition/value-format';

describe('exposition', () => {
  it('escapes label values per the text format', () => {
    assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
    assert.equal(escapeLabelValue('plain'), 'plain');
  });

  it('renders counters without _total in OpenMetrics headers', () => {
    const meta = conntrackStat('drop');
    assert.equal(meta.name, 'ethtrack_conntrack_drop_total');
    assert.match(
      familyHeader(meta, true),
      /^# HELP ethtrack_conntrack_drop .*\n# TYPE ethtrack_conntrack_drop counter\n$/,
    );
    assert.match(familyHeader(meta, false), /# TYPE ethtrack_conntrack_drop_total counter\n$/);
  });

  it('leaves out empty families and renders samples once', () => {
    const family = renderFamily(NIC.linkUp, [{ labels: { device: 'eth0' }, value: 1 }]);
    const empty = renderFamily(NIC.info, []);
    const text = Buffer.concat(new Snapshot([family, empty], Date.now()).parts(false)).toString();
    assert.equal(text, `${familyHeader(NIC.linkUp, false)}ethtrack_nic_link_up{device="eth0"} 1\n`);
  });
});
