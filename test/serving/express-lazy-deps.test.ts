// express loads without body-parser's parsers and qs (express-lazy-deps.ts
// says why), and its body parsers and extended query parser still parse
// when an app uses them.

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import '../../src/serving/express-lazy-deps';
import express from 'express';

const loaded = (name: string) => Object.keys(require.cache).some((id) => id.includes(`${path.sep}${name}${path.sep}`));

describe('express without body-parser and qs at start', () => {
  it('loads express without the parsers, and parses a JSON body once one is used', async () => {
    assert.equal(loaded('raw-body'), false, 'raw-body not loaded');
    assert.equal(loaded('iconv-lite'), false, 'iconv-lite not loaded');
    assert.equal(loaded('side-channel'), false, "qs's dependencies not loaded");
    const app = express();
    app.set('query parser', 'extended');
    app.get('/query', (req, res) => {
      res.json(req.query);
    });
    app.use(express.json());
    app.use(express.urlencoded({ extended: false }));
    app.post('/echo', (req, res) => {
      res.json(req.body);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
      const json = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ a: [1, 2] }),
      });
      assert.deepEqual(await json.json(), { a: [1, 2] });
      const form = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'b=3',
      });
      assert.deepEqual(await form.json(), { b: '3' });
      const query = await fetch(url.replace('/echo', '/query?c[d]=4'));
      assert.deepEqual(await query.json(), { c: { d: '4' } });
      assert.equal(loaded('raw-body'), true, 'the real parsers are loaded once used');
      // Anything else read from a stand-in comes from the real module.
      assert.equal(typeof (require('qs') as { formats?: unknown }).formats, 'object', 'qs.formats');
      assert.equal(typeof require('body-parser'), 'function', "body-parser's own export");
    } finally {
      server.close();
    }
  });
});
