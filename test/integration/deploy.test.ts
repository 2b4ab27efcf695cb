// The Kubernetes base in deploy/kubernetes: it builds with kustomize, the
// helper container holds CAP_NET_ADMIN and nothing else, the exporter holds
// nothing, and the socket's group, the exporter's group and --allow-gid agree.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { PATHS } from '../../src/paths';
import { KUBECTL_SKIP, kustomize } from '../support/kubectl';

const BASE = PATHS.kubernetes;

interface Container {
  name: string;
  command: string[];
  args?: string[];
  securityContext: {
    runAsUser: number;
    runAsGroup: number;
    runAsNonRoot: boolean;
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    capabilities: { drop: string[]; add?: string[] };
  };
  readinessProbe?: { grpc?: { port: number; service: string } };
  livenessProbe?: { httpGet?: { port: number; path: string } };
  resources: { limits: { memory: string } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface DaemonSet {
  spec: {
    template: {
      spec: {
        hostNetwork: boolean;
        securityContext: { fsGroup: number; seccompProfile: { type: string } };
        tolerations: { operator: string }[];
        containers: Container[];
      };
    };
  };
}

const daemonSet = YAML.parse(fs.readFileSync(path.join(BASE, 'daemonset.yaml'), 'utf8')) as DaemonSet;
const pod = daemonSet.spec.template.spec;
const container = (name: string): Container => {
  const found = pod.containers.find((c) => c.name === name);
  assert.ok(found, `container ${name}`);
  return found;
};

describe('kubernetes base', () => {
  it('builds with kubectl kustomize', { skip: KUBECTL_SKIP }, () => {
    const kinds = YAML.parseAllDocuments(kustomize(BASE)).map((doc) => (doc.toJSON() as { kind: string }).kind);
    assert.deepEqual(kinds.sort(), ['DaemonSet', 'Service', 'ServiceAccount']);
  });

  it('runs on every node in the host network namespace', () => {
    assert.equal(pod.hostNetwork, true);
    assert.ok(pod.tolerations.some((t) => t.operator === 'Exists'));
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
  });

  it('gives the helper CAP_NET_ADMIN alone, and the exporter nothing', () => {
    const helper = container('helper').securityContext;
    assert.deepEqual(helper.capabilities, { drop: ['ALL'], add: ['NET_ADMIN'] });
    const exporter = container('ethtrack').securityContext;
    assert.deepEqual(exporter.capabilities, { drop: ['ALL'] });
    assert.equal(exporter.runAsNonRoot, true);
    for (const context of [helper, exporter]) {
      assert.equal(context.allowPrivilegeEscalation, false);
      assert.equal(context.readOnlyRootFilesystem, true);
    }
  });

  it('lets the exporter through the helper’s peer check', () => {
    const helper = container('helper');
    const exporter = container('ethtrack');
    const allowGid = Number(helper.command[helper.command.indexOf('--allow-gid') + 1]);
    assert.equal(exporter.securityContext.runAsGroup, allowGid, 'exporter gid is --allow-gid');
    assert.equal(pod.securityContext.fsGroup, allowGid, 'fsGroup is --allow-gid (the helper may chown to it)');
    const socket = helper.command[helper.command.indexOf('--socket') + 1];
    assert.ok(exporter.args?.includes('--no-helper.spawn'));
    assert.ok(exporter.args?.includes(`--helper.socket=unix://${socket}`));
    for (const c of [helper, exporter]) {
      assert.ok(
        c.volumeMounts.some((mount) => mount.mountPath === path.dirname(socket)),
        `${c.name} mounts the socket`,
      );
    }
  });

  it('probes the ports the exporter listens on', () => {
    const exporter = container('ethtrack');
    assert.ok(exporter.args?.includes(`--grpc.listen-address=:${exporter.readinessProbe?.grpc?.port}`));
    assert.equal(exporter.readinessProbe?.grpc?.service, '');
    assert.ok(exporter.args?.includes(`--web.listen-address=:${exporter.livenessProbe?.httpGet?.port}`));
    assert.equal(exporter.livenessProbe?.httpGet?.path, '/healthz');
  });
});
