// --web.config.file in the exporter-toolkit format, checked with real curl
// over https: TLS with a minimum version, basic auth with bcrypt hashes, and
// bad files refused before anything listens.

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { run } from '../support/exec';
import { CLI, Exporter } from '../support/exporter';

function curl(args: string[]): Promise<{ code: number; status: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      'curl',
      ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', ...args],
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, status: stdout.trim(), stderr }),
    ),
  );
}

describe('--web.config.file', () => {
  let dir: string;
  let exporter: Exporter;
  let base: string;
  const ca = () => path.join(dir, 'cert.pem');

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-web-'));
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      ca(),
    ]);
    await run('openssl', [
      'genpkey',
      '-algorithm',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-out',
      path.join(dir, 'other-key.pem'),
    ]);
    const hash = bcrypt.hashSync('s3cret', 10);
    fs.writeFileSync(
      path.join(dir, 'web.yml'),
      `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS13\nbasic_auth_users:\n  prometheus: ${hash}\n`,
    );
    exporter = await Exporter.start([`--web.config.file=${path.join(dir, 'web.yml')}`, '--no-collector.conntrack']);
    base = `https://127.0.0.1:${exporter.httpPort}`;
  });

  after(async () => {
    await exporter?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves /metrics over TLS to the right user', async () => {
    const reply = await curl(['--cacert', ca(), '-u', 'prometheus:s3cret', `${base}/metrics`]);
    assert.equal(reply.status, '200', reply.stderr);
  });

  it('answers 401 to a wrong password, an unknown user and no credentials', async () => {
    for (const auth of [['-u', 'prometheus:wrong'], ['-u', 'someone:s3cret'], []]) {
      const reply = await curl(['--cacert', ca(), ...auth, `${base}/metrics`]);
      assert.equal(reply.status, '401', auth.join(' '));
    }
  });

  it('guards the status page; health endpoints answer probes without credentials', async () => {
    assert.equal((await curl(['--cacert', ca(), `${base}/`])).status, '401');
    assert.equal((await curl(['--cacert', ca(), `${base}/healthz`])).status, '200');
    assert.match((await curl(['--cacert', ca(), `${base}/readyz`])).status, /^(200|503)$/);
  });

  it('closes an idle connection that never started TLS to admit a scrape when full', async () => {
    const full = await Exporter.start([
      `--web.config.file=${path.join(dir, 'web.yml')}`,
      '--no-collector.conntrack',
      '--web.max-connections=2',
    ]);
    const idle: net.Socket[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const socket = net.connect({ host: '127.0.0.1', port: full.httpPort });
        socket.on('error', () => undefined);
        await new Promise((resolve) => socket.once('connect', resolve));
        idle.push(socket);
      }
      const reply = await curl([
        '--cacert',
        ca(),
        '-u',
        'prometheus:s3cret',
        `https://127.0.0.1:${full.httpPort}/metrics`,
      ]);
      assert.equal(reply.status, '200', reply.stderr);
    } finally {
      for (const socket of idle) socket.destroy();
      await full.stop();
    }
  });

  it('refuses TLS versions below min_version and plain HTTP', async () => {
    const old = await curl(['--cacert', ca(), '--tls-max', '1.2', '-u', 'prometheus:s3cret', `${base}/metrics`]);
    assert.notEqual(old.code, 0, 'TLS 1.2 handshake refused');
    const plain = await curl([`http://127.0.0.1:${exporter.httpPort}/metrics`]);
    assert.notEqual(plain.status, '200');
  });

  const bad: [string, string, RegExp][] = [
    [
      'unknown field',
      'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  nonsense: 1\n',
      /unknown field/,
    ],
    ['missing key file', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: nowhere.pem\n', /key_file/],
    ['plain-text password', 'basic_auth_users:\n  prometheus: s3cret\n', /not a bcrypt hash/],
    [
      'bad min_version',
      'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: SSL3\n',
      /min_version/,
    ],
    ['not YAML', 'tls_server_config: [\n', /--web\.config\.file/],
    [
      'a key that does not fit the certificate',
      'tls_server_config:\n  cert_file: cert.pem\n  key_file: other-key.pem\n',
      /tls_server_config/,
    ],
    [
      'http_server_config, which is not supported',
      'http_server_config:\n  http2: false\n',
      /unknown field http_server_config/,
    ],
  ];
  for (const [name, content, message] of bad) {
    it(`exits 2 before listening for a web config with ${name}`, () => {
      const file = path.join(dir, `bad-${name.replace(/\W/g, '-')}.yml`);
      fs.writeFileSync(file, content);
      const result = spawnSync(
        process.execPath,
        [CLI, `--web.config.file=${file}`, '--web.listen-address=127.0.0.1:0'],
        {
          encoding: 'utf8',
          timeout: 10_000,
        },
      );
      assert.equal(result.status, 2);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], /--web\.config\.file/);
      assert.match(lines[0], message);
      assert.doesNotMatch(result.stderr, /listening/);
    });
  }
});
