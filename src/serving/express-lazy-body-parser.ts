// Imported before express. express's entry point copies json, raw, text and
// urlencoded from body-parser when it loads, and body-parser 2 loads all
// four parsers at once (qs, iconv-lite, raw-body, type-is, mime-db): 56 ms
// of the service's half-second start, measured with a require timer, for
// request bodies ethtrack never takes. So body-parser's entry is put in
// require.cache (which node documents as open to adding entries) as the
// same four functions, each loading the real module when first called;
// express.json() and the others keep working, as a test checks.

import Module from 'node:module';
import path from 'node:path';

type BodyParser = Record<'json' | 'raw' | 'text' | 'urlencoded', (...args: unknown[]) => unknown>;

const id = require.resolve('body-parser', { paths: [path.dirname(require.resolve('express'))] });

if (!require.cache[id]) {
  let real: BodyParser | undefined;
  const load = (): BodyParser => {
    if (!real) {
      delete require.cache[id];
      real = require(id) as BodyParser;
    }
    return real;
  };
  const lazy =
    (name: keyof BodyParser) =>
    (...args: unknown[]) =>
      load()[name](...args);
  const entry = new Module(id);
  entry.filename = id;
  entry.loaded = true;
  entry.exports = { json: lazy('json'), raw: lazy('raw'), text: lazy('text'), urlencoded: lazy('urlencoded') };
  require.cache[id] = entry;
}
