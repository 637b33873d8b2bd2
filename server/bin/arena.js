#!/usr/bin/env node
// Node strips the CLI's TypeScript types itself, so `npx arena` needs no build step.
await import('../src/cli/run.ts');
