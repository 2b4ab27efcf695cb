// --web.config.file read and checked without starting a server: what the
// loader accepts, what it refuses (with the flag named), and basic auth's
// verdicts. test/integration/web-config.test.ts checks the same files end to
// end with curl over TLS.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { UsageError } from '../../src/flags';
import { BasicAuth } from '../../src/serving/basic-auth';
import { loadWebConfig } from '../../src/serving/web-config';
import { run } from '../support/exec';

describe('web config file', () => {
  let dir: string;
  const hash = bcrypt.hashSync('s3cret', 4);
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-webcfg-'));
    const ec = ['-pkeyopt', 'ec_paramgen_curve:prime256v1'];
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      ...ec,
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ]);
    await run('openssl', ['genpkey', '-algorithm', 'ec', ...ec, '-out', path.join(dir, 'other-key.pem')]);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads an empty file as no TLS and no users', () => {
    const config = loadWebConfig(write('empty.yml', ''));
    assert.equal(config.tls, undefined);
    assert.equal(config.basicAuthUsers.size, 0);
  });

  it('reads TLS files relative to the config file, min_version, and bcrypt users', () => {
    const file = write(
      'full.yml',
      `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS13\nbasic_auth_users:\n  prometheus: ${hash}\n`,
    );
    const config = loadWebConfig(file);
    assert.deepEqual(config.tls?.cert, fs.readFileSync(path.join(dir, 'cert.pem')));
    assert.deepEqual(config.tls?.key, fs.readFileSync(path.join(dir, 'key.pem')));
    assert.equal(config.tls?.minVersion, 'TLSv1.3');
    assert.equal(config.tls?.maxVersion, undefined);
    assert.deepEqual([...config.basicAuthUsers], [['prometheus', hash]]);
  });

  it('defaults min_version to TLS 1.2, as exporter-toolkit does', () => {
    const config = loadWebConfig(write('tls.yml', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n'));
    assert.equal(config.tls?.minVersion, 'TLSv1.2');
  });

  const bad: [string, string, RegExp][] = [
    [
      'an unknown field',
      'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  nonsense: 1\n',
      /unknown field tls_server_config\.nonsense/,
    ],
    ['a missing key file', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: nowhere.pem\n', /key_file/],
    ['no cert_file', 'tls_server_config:\n  key_file: key.pem\n', /cert_file is required/],
    [
      'a plain-text password',
      'basic_auth_users:\n  prometheus: s3cret\n',
      /basic_auth_users\.prometheus is not a bcrypt hash/,
    ],
    [
      'a bad min_version',
      'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: SSL3\n',
      /min_version must be one of/,
    ],
    [
      'client certificates',
      'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_auth_type: RequireAndVerifyClientCert\n',
      /client certificate authentication is not supported/,
    ],
    ['broken YAML', 'tls_server_config: [\n', /--web\.config\.file/],
    ['a list at the top', '- a\n- b\n', /not a YAML mapping/],
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
    it(`refuses a file with ${name}, naming the flag`, () => {
      const file = write(`bad-${name.replace(/\W/g, '-')}.yml`, content);
      assert.throws(
        () => loadWebConfig(file),
        (err: Error) =>
          err instanceof UsageError &&
          /^invalid value ".*" for flag --web\.config\.file: /.test(err.message) &&
          message.test(err.message),
      );
    });
  }

  it('refuses a file that does not exist', () => {
    assert.throws(() => loadWebConfig(path.join(dir, 'absent.yml')), UsageError);
  });

  it('basic auth lets the right user in and no one else (bcrypt in worker threads)', async () => {
    const auth = new BasicAuth(new Map([['prometheus', hash]]));
    await auth.start();
    try {
      const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
      assert.equal(auth.enabled, true);
      assert.equal(await auth.check(basic('prometheus:s3cret')), 'ok');
      assert.equal(await auth.check(basic('prometheus:s3cret')), 'ok', 'remembered');
      assert.equal(await auth.check(basic('prometheus:wrong')), 'denied');
      assert.equal(await auth.check(basic('someone:s3cret')), 'denied');
      assert.equal(await auth.check(basic('no-colon')), 'denied');
      assert.equal(await auth.check(undefined), 'denied');
      assert.equal(await auth.check('Bearer abc'), 'denied');
    } finally {
      await auth.stop();
    }
    assert.equal(new BasicAuth(new Map()).enabled, false);
  });
});
