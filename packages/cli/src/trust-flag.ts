import { trustCaFile } from '@patchcast/protocol/agent';
import type { Command, Invocation } from './command.js';
import { stringFlag } from './args.js';

/**
 * For a command that talks to a server over the network (it declares `--ca`): trusts the CA of
 * --ca FILE or $PATCHCAST_CA for the whole process, before the first connection.
 */
export async function trustFor(command: Command, invocation: Invocation): Promise<void> {
  if (command.options.ca === undefined) return;
  const file = stringFlag(invocation, 'ca') ?? invocation.io.env.PATCHCAST_CA;
  if (file !== undefined && file !== '') await trustCaFile(file);
}
