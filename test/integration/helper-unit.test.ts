// The helper's C unit cases (src/helper/unit/): the ethtool netlink plumbing
// over replies no kernel here sends (a family reply over 8 KiB, a dump cut
// short with an error in NLMSG_DONE, a nest among coalescing scalars, an
// attribute overrunning its message), built with ASan and UBSan and run.

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runSync } from '../support/exec';
import { ROOT } from '../support/exporter';

describe('helper C unit cases (ethtool netlink, socket double)', () => {
  it('build with ASan and UBSan and pass, with no sanitizer report', () => {
    const build = runSync('make', ['-s', '-C', path.join(ROOT, 'src', 'helper'), 'unit']);
    assert.equal(build.status, 0, build.stdout + build.stderr);
    const result = runSync(path.join(ROOT, 'build', 'helper', 'ethnl-unit'), []);
    const out = result.stdout + result.stderr;
    assert.equal(result.status, 0, out);
    assert.match(out, /ethnl unit cases passed/);
    assert.doesNotMatch(out, /Sanitizer|runtime error:/);
  });
});
