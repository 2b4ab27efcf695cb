// Bundles the service's entry: dist/src/cli.js (as tsc wrote it) and the
// modules it loads at start-up become one file, written over
// dist/src/cli.js, so every place that runs the entry (the tests, npm start,
// the image's ENTRYPOINT, the systemd units) runs the bundle unchanged.
//
// Why: starting the service is mostly loading modules, and with ~400 files
// node's CJS loader itself (resolving, stat, realpath, package.json reads)
// took ~100 ms of CPU before any of them compiled. One file skips all that.
// The other files under dist/src/ stay as tsc wrote them (the unit tests and
// the bcrypt worker load them).
//
// Run by `npm run build` after tsc, and by the image's build stage.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist', 'src', 'cli.js');

/**
 * Left as runtime requires from node_modules rather than bundled:
 * - body-parser, qs: src/serving/express-lazy-deps.ts puts lazy stubs for
 *   them in require.cache before express loads; a bundled copy would not
 *   look there, and would load all of it at start again.
 * - node-cron, yaml, grpc-health-check: required only when a feature is used
 *   (a cron schedule, --web.config.file, the health server); bundled, their
 *   code would be read and parsed on every start.
 * - @grpc/proto-loader: grpc-js requires it only to serve channelz or ORCA,
 *   which ethtrack does not, and then reads .proto files relative to its own
 *   __dirname, which a bundle changes. Left out, it brings neither protobufjs's
 *   parser into the bundle.
 * - bcryptjs: only the bcrypt worker (a file of its own) loads it.
 * - mime-db: 230 kB of JSON that node parses with JSON.parse; bundled, it is
 *   a JavaScript object literal whose bytecode and boilerplate held ~1.4 MB
 *   more of the idle service's anonymous memory.
 */
const EXTERNAL = [
  'body-parser',
  'qs',
  'node-cron',
  'yaml',
  'grpc-health-check',
  '@grpc/proto-loader',
  'bcryptjs',
  'mime-db',
];

/** The bundle's second line (after the shebang), by which a second run knows it. */
const BANNER = '// Bundled by scripts/bundle.js from the files tsc wrote; edit src/, not this.';

async function main() {
  // tsc (incremental) rewrites only what changed: bundling a bundle would keep stale code.
  if (fs.readFileSync(entry, 'utf8').includes(BANNER)) {
    throw new Error(`${entry} is already the bundle: build with \`npm run build\`, which runs tsc on an empty dist/`);
  }
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: entry,
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: BANNER },
    external: EXTERNAL,
    // express-lazy-deps.ts resolves express's files on disk on purpose (to find
    // the body-parser and qs express would load); they are there beside the bundle.
    logOverride: { 'require-resolve-not-external': 'silent' },
    // V8 keeps a script's source: one non-ASCII character makes all 2 MB of it
    // two bytes a character. 'ascii' escapes strings and identifiers; comments
    // esbuild keeps are made ASCII below.
    charset: 'ascii',
    // Composed with tsc's maps, so a trace run with --enable-source-maps names src/*.ts lines.
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  if (result.errors.length > 0) process.exit(1);
  for (const file of result.outputFiles) {
    // One UTF-16 unit for one, so the source map's columns still hold.
    const text = file.path.endsWith('.js') ? file.text.replace(/[\u0080-\uffff]/g, '?') : file.text;
    fs.writeFileSync(file.path, text);
  }
  // tsc's incremental record still lists cli.js as written from src/cli.ts: a later plain tsc
  // (npm run dashboards) would keep the bundle, stale, beside fresh modules. Without the record,
  // the next tsc writes every file again.
  fs.rmSync(path.join(root, 'dist', '.tsbuildinfo'), { force: true });
}

main().catch((err) => {
  process.stderr.write(`bundle: ${err.message}\n`);
  process.exit(1);
});
