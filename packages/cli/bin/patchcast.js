#!/usr/bin/env node
// `patchcast agent` starts from the small agent entry (no other command is loaded: an endpoint
// keeps its memory for the host); every other command from the full CLI.
const [name, ...rest] = process.argv.slice(2);
process.exitCode =
  name === 'agent'
    ? await (await import('../dist/src/agent-main.js')).agentMain(rest)
    : await (await import('../dist/src/main.js')).main(process.argv.slice(2));
