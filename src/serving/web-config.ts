// --web.config.file in the Prometheus exporter-toolkit format: TLS
// (tls_server_config) and basic auth (basic_auth_users, bcrypt hashes).
// Read and checked whole at start-up: a bad file exits 2 before anything listens.

import fs from 'node:fs';
import path from 'node:path';
import { createSecureContext, type SecureVersion } from 'node:tls';
import type * as Yaml from 'yaml';
import { UsageError } from '../flags';

// Loaded only when --web.config.file is given: most services never need it,
// and every service would otherwise pay its memory and start-up time. (bcrypt
// runs only in basic auth's worker threads, which load it themselves.)
const yaml = (): typeof Yaml => require('yaml');

export interface WebConfig {
  tls?: { cert: Buffer; key: Buffer; minVersion: SecureVersion; maxVersion?: SecureVersion };
  basicAuthUsers: Map<string, string>;
}

const TLS_VERSIONS: Record<string, SecureVersion> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

const KNOWN_TOP = new Set(['tls_server_config', 'basic_auth_users']);
const KNOWN_TLS = new Set([
  'cert_file',
  'key_file',
  'min_version',
  'max_version',
  'client_auth_type',
  'client_ca_file',
]);

export function loadWebConfig(file: string): WebConfig {
  const fail = (why: string): never => {
    throw new UsageError(`invalid value ${JSON.stringify(file)} for flag --web.config.file: ${why}`);
  };
  let doc: unknown;
  try {
    doc = yaml().parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return fail((err as Error).message.split('\n')[0]);
  }
  if (doc === null || doc === undefined) return { basicAuthUsers: new Map() };
  if (typeof doc !== 'object' || Array.isArray(doc)) return fail('not a YAML mapping');
  const top = doc as Record<string, unknown>;
  for (const key of Object.keys(top)) if (!KNOWN_TOP.has(key)) fail(`unknown field ${key}`);

  const config: WebConfig = { basicAuthUsers: new Map() };
  const dir = path.dirname(file);
  const tlsSection = top.tls_server_config;
  if (tlsSection !== undefined && tlsSection !== null) {
    if (typeof tlsSection !== 'object') fail('tls_server_config is not a mapping');
    const tls = tlsSection as Record<string, unknown>;
    for (const key of Object.keys(tls)) if (!KNOWN_TLS.has(key)) fail(`unknown field tls_server_config.${key}`);
    if (tls.client_auth_type !== undefined || tls.client_ca_file !== undefined) {
      fail('client certificate authentication is not supported');
    }
    const readFile = (key: string): Buffer => {
      const value = tls[key];
      if (typeof value !== 'string' || value === '') return fail(`tls_server_config.${key} is required`);
      try {
        return fs.readFileSync(path.resolve(dir, value));
      } catch (err) {
        return fail(`tls_server_config.${key}: ${(err as Error).message}`);
      }
    };
    const version = (key: string, fallback: SecureVersion | undefined): SecureVersion | undefined => {
      const value = tls[key];
      if (value === undefined) return fallback;
      if (typeof value !== 'string' || !(value in TLS_VERSIONS)) {
        return fail(`tls_server_config.${key} must be one of ${Object.keys(TLS_VERSIONS).join(', ')}`);
      }
      return TLS_VERSIONS[value];
    };
    config.tls = {
      cert: readFile('cert_file'),
      key: readFile('key_file'),
      minVersion: version('min_version', 'TLSv1.2') as SecureVersion,
      maxVersion: version('max_version', undefined),
    };
    // Parse now: a certificate that does not fit its key is a bad flag value, not a failed start.
    try {
      createSecureContext(config.tls);
    } catch (err) {
      fail(`tls_server_config: ${(err as Error).message}`);
    }
  }
  const users = top.basic_auth_users;
  if (users !== undefined && users !== null) {
    if (typeof users !== 'object' || Array.isArray(users)) fail('basic_auth_users is not a mapping');
    for (const [user, hash] of Object.entries(users as Record<string, unknown>)) {
      if (typeof hash !== 'string' || !/^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) {
        fail(`basic_auth_users.${user} is not a bcrypt hash`);
      }
      config.basicAuthUsers.set(user, hash as string);
    }
  }
  return config;
}
