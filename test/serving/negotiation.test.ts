// Content negotiation by the HTTP rules (RFC 9110 §12.5): q-values, q=0 as
// "not acceptable", case-insensitive parameter names, most specific range wins.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptsGzip, wantsOpenMetrics } from '../../src/serving/negotiation';

const PROMETHEUS_3 =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

describe('Accept', () => {
  const cases: [string | undefined, boolean][] = [
    [PROMETHEUS_3, true],
    ['application/openmetrics-text', true],
    ['application/openmetrics-text; version=1.0.0,text/plain;q=0.5', true],
    ['application/openmetrics-text;q=0', false],
    ['application/openmetrics-text;Q=0', false],
    ['application/openmetrics-text; q = 0.000 , text/plain', false],
    ['Application/OpenMetrics-Text;q=0.9', true],
    ['text/plain, application/openmetrics-text;q=0.5', false],
    ['text/plain;q=0.5, application/openmetrics-text;q=0.5', false],
    ['*/*;q=0.1, application/openmetrics-text;q=0', false],
    ['application/*', true],
    ['application/*;q=0.9, text/*;q=0.1', true],
    ['*/*', false],
    ['text/plain', false],
    ['application/json', false],
    ['', false],
    [undefined, false],
  ];
  for (const [accept, openMetrics] of cases) {
    it(`${JSON.stringify(accept)} → ${openMetrics ? 'OpenMetrics' : 'text'}`, () => {
      assert.equal(wantsOpenMetrics(accept), openMetrics);
    });
  }
});

describe('Accept-Encoding', () => {
  const cases: [string | undefined, boolean][] = [
    ['gzip', true],
    ['GZIP', true],
    ['deflate, gzip;q=0.8', true],
    ['gzip;q=0.5', true],
    ['gzip;q=0', false],
    ['gzip;Q=0', false],
    ['gzip; q=0.000, identity', false],
    ['gzip;q=0.4, identity;q=0.9', false],
    ['*', true],
    ['*;q=0', false],
    ['*, gzip;q=0', false],
    ['identity', false],
    ['br', false],
    [undefined, false],
  ];
  for (const [header, gzip] of cases) {
    it(`${JSON.stringify(header)} → ${gzip ? 'gzip' : 'identity'}`, () => {
      assert.equal(acceptsGzip(header), gzip);
    });
  }
});
