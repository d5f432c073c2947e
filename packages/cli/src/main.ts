/** The `patchcast` command: dispatch to a subcommand; turn every failure into one clear line. */
import type { Command, Io } from './command.js';
import { serverCommand } from './commands/server.js';
import { agentCommand } from './commands/agent.js';
import { publishCommand } from './commands/publish.js';
import { bundleCommand } from './commands/bundle.js';
import { enrollTokenCommand } from './commands/enroll-token.js';
import { rolloutCommand } from './commands/rollout.js';
import { devicesCommand } from './commands/devices.js';
import { statusCommand } from './commands/status.js';
import { demoCommand } from './commands/demo.js';
import { scanCommand } from './commands/scan.js';
import { vulnsCommand } from './commands/vulns.js';
import { reportCommand } from './commands/report.js';
import { inventoryCommand } from './commands/inventory.js';
import { keysCommand } from './commands/keys.js';
import { rootCommand } from './commands/root.js';
import { delegateCommand } from './commands/delegate.js';
import { auditCommand } from './commands/audit.js';
import { benchCommand } from './commands/bench.js';
import { applyCommand } from './commands/apply.js';
import { exportCommand } from './commands/export.js';
import { withdrawCommand } from './commands/withdraw.js';
import { patchesCommand } from './commands/patches.js';
import { witnessCommand } from './commands/witness.js';
import { tlsCommand } from './commands/tls.js';
import { tokenCommand } from './commands/token.js';
import { webhookCommand } from './commands/webhook.js';
import { EXIT_USAGE, defaultIo, runNamed } from './run-command.js';

export const VERSION = '0.1.0';

export const COMMANDS: readonly Command[] = [
  demoCommand,
  serverCommand,
  agentCommand,
  publishCommand,
  withdrawCommand,
  patchesCommand,
  bundleCommand,
  applyCommand,
  exportCommand,
  enrollTokenCommand,
  rolloutCommand,
  devicesCommand,
  statusCommand,
  keysCommand,
  rootCommand,
  delegateCommand,
  inventoryCommand,
  scanCommand,
  vulnsCommand,
  reportCommand,
  auditCommand,
  benchCommand,
  witnessCommand,
  tokenCommand,
  webhookCommand,
  tlsCommand,
];

export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  const [name] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`patchcast ${VERSION}\n`);
    return 0;
  }
  return runNamed('patchcast', COMMANDS, argv, io);
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `patchcast ${VERSION}: real-time, verifiable patch distribution

usage: patchcast <command> [options]    (patchcast <command> --help for details)

commands:
${lines.join('\n')}

Start with: patchcast demo
`;
}
