#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` builds dist/ through the prepare script.
//
// The archiver needs the Node.js that package.json's "engines" names. Started by an older node (a machine's
// /usr/bin/node, say, through npx), it runs itself again under the project's pinned Node.js when the project's
// setup has installed it (`npm run demo`, `npm test` or `bash scripts/with-node.sh true` do), and otherwise says
// what to install.
'use strict';
const MINIMUM = [24, 11, 0];

function recentEnough(version) {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < MINIMUM.length; i += 1) {
    if (parts[i] !== MINIMUM[i]) return parts[i] > MINIMUM[i];
  }
  return true;
}

function pinnedNode() {
  const { existsSync, readFileSync } = require('node:fs');
  const { homedir } = require('node:os');
  const { join, resolve } = require('node:path');
  const home = resolve(process.env.DB_ARCHIVER_HOME || join(homedir(), '.cache', 'db-archiver'));
  const version = readFileSync(join(__dirname, '..', '.node-version'), 'utf8').trim();
  const node = join(home, 'tools', `node-${version}`, 'bin', 'node');
  return { version, node, installed: existsSync(node) };
}

/** Runs this file under `node`, passing signals on (SIGINT/SIGTERM drain a worker) and exiting as it does. */
function runUnder(node) {
  const { spawn } = require('node:child_process');
  const child = spawn(node, [__filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    // A terminal's Ctrl-C reaches both processes; the child decides, this one only waits for it.
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    process.stderr.write(`archiver: could not start ${node}: ${error.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}

if (recentEnough(process.versions.node)) {
  require('../dist/client.js');
} else {
  const pinned = pinnedNode();
  if (pinned.installed) {
    runUnder(pinned.node);
  } else {
    process.stderr.write(
      `archiver: needs Node.js >= ${MINIMUM.join('.')}, and this is ${process.version}. Install the project's ` +
        `Node.js ${pinned.version} with \`bash scripts/with-node.sh true\` (it goes to ${pinned.node}), ` +
        'or put a Node.js 24 LTS first on PATH.\n',
    );
    process.exit(2);
  }
}
