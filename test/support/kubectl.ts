// kubectl's built-in kustomize for the deploy tests. A machine without
// kubectl skips them, except under CI=true, where a skip would pass a check
// that never ran: there they fail and say what to install. (Debian's own
// kubernetes-client is 1.20, whose kustomize predates components, so
// scripts/setup.sh cannot install a usable one.)

import assert from 'node:assert/strict';
import { hasCommand, runSync } from './exec';

const HAVE_KUBECTL = hasCommand('kubectl');

/** For `it(..., { skip: KUBECTL_SKIP })`: false when the test must run. */
export const KUBECTL_SKIP: string | false =
  HAVE_KUBECTL || process.env.CI === 'true' ? false : 'kubectl is not installed (under CI=true this fails)';

/** `kubectl kustomize dir`'s output; fails the test when it does not build. */
export function kustomize(dir: string): string {
  assert.ok(
    HAVE_KUBECTL,
    'kubectl is not installed, and CI=true makes that a failure: install kubectl 1.27 or newer ' +
      '(kustomize 5 with components), e.g. from https://pkgs.k8s.io, and run the tests again',
  );
  const result = runSync('kubectl', ['kustomize', dir]);
  assert.equal(result.status, 0, `kubectl kustomize ${dir}:\n${result.stderr}`);
  return result.stdout;
}
