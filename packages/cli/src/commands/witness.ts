import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { PatchcastError, generateCosignerKeys, isValidKeyName } from '@patchcast/core';
import { writeNewKeyFile } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, listFlag, parseListen, requiredFlag, stringFlag } from '../args.js';
import { JSON_OPTION, printJson } from '../context.js';
import { readCosigner, readLogs } from '../witness/witness-config.js';
import { startWitness } from '../witness/witness-server.js';
import { WitnessState } from '../witness/witness-state.js';
import { untilSignal } from '../until-signal.js';

export const witnessCommand: Command = {
  name: 'witness',
  summary: 'run an independent transparency log witness (C2SP tlog-witness), or make its key',
  usage:
    'patchcast witness keygen --name NAME --out FILE [--json] | patchcast witness --key FILE --state DIR --listen HOST:PORT --log [ORIGIN=]VKEYFILE...',
  help: `A witness cosigns a log's checkpoints, each only if it extends the last one it cosigned for that
log, so that a log cannot show different histories to different agents without a witness noticing.
Run it on another machine, by another party than the server (docs/protocol/log.md "Witnesses").

  patchcast witness keygen --name NAME --out FILE
      writes the witness's Ed25519 private key FILE (mode 0600) and its note verifier key
      FILE.vkey (C2SP tlog-cosignature type 0x04). NAME is a URL-like name, e.g.
      witness.example.com/w1. Give FILE.vkey to servers (--witness URL=FILE.vkey) and agents
      (--witness FILE.vkey).

  patchcast witness --key FILE --state DIR --listen HOST:PORT --log [ORIGIN=]VKEYFILE...
      serves POST /add-checkpoint (C2SP tlog-witness) and GET /<sha256(origin) hex>/checkpoint.
      It verifies the log's signature (403), that the origin is a followed log (404), the old
      size (409 with the size it last cosigned) and the consistency proof (422), keeps the last
      checkpoint it cosigned per log in DIR (written aside, synced, renamed), and answers with
      its cosignature line. Stops cleanly on SIGINT or SIGTERM.

Options:
  --name NAME           keygen: the witness's key name
  --out FILE            keygen: the private key file to write (its verifier key: FILE.vkey)
  --key FILE            the witness's private key (from keygen)
  --state DIR           where the last cosigned checkpoint of each log is kept
  --listen HOST:PORT    address to listen on (default: 127.0.0.1:8090)
  --log [ORIGIN=]VKEYFILE
                        a log to witness (repeatable): its note verifier key file (the
                        server's keys/log.pub, or log.key of \`patchcast status --json\`);
                        ORIGIN defaults to the key's name
  --json                keygen: print {"file","vkeyFile","verifierKey"}`,
  options: {
    name: { type: 'string' },
    out: { type: 'string' },
    key: { type: 'string' },
    state: { type: 'string' },
    listen: { type: 'string' },
    log: { type: 'string', multiple: true },
    ...JSON_OPTION,
  },
  positionals: { min: 0, max: 1 },
  async run(invocation) {
    const [action] = invocation.positionals;
    if (action === 'keygen') return keygen(invocation);
    if (action !== undefined) {
      throw new PatchcastError('USAGE', `unknown witness action "${action}"`, {
        hint: 'use `patchcast witness keygen ...` or `patchcast witness --key FILE ...`',
      });
    }
    return serve(invocation);
  },
};

async function keygen(invocation: Invocation): Promise<number> {
  const name = requiredFlag(invocation, 'name', 'e.g. --name witness.example.com/w1');
  const file = requiredFlag(invocation, 'out', 'e.g. --out witness.key');
  if (!isValidKeyName(name)) {
    throw new PatchcastError('USAGE', `--name "${name}" is not a valid key name`, {
      hint: 'a key name has no spaces and no "+", e.g. witness.example.com/w1',
    });
  }
  const vkeyFile = `${file}.vkey`;
  if (existsSync(vkeyFile)) {
    throw new PatchcastError(
      'CONFLICT',
      `${vkeyFile} already exists; refusing to overwrite a key`,
      { hint: 'choose another --out file, or move the existing one away first' },
    );
  }
  const keys = generateCosignerKeys(name);
  await writeNewKeyFile(file, `${keys.signerKey}\n`);
  await writeFile(vkeyFile, `${keys.verifierKey}\n`, { mode: 0o644, flag: 'wx' });
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, { file, vkeyFile, verifierKey: keys.verifierKey });
  } else {
    invocation.io.out(`wrote ${file} (mode 0600) and ${vkeyFile}\n${keys.verifierKey}\n`);
  }
  return 0;
}

async function serve(invocation: Invocation): Promise<number> {
  const cosigner = await readCosigner(requiredFlag(invocation, 'key', 'e.g. --key witness.key'));
  const state = new WitnessState(requiredFlag(invocation, 'state', 'e.g. --state witness-state'));
  const logs = await readLogs(listFlag(invocation, 'log'));
  if (logs.size === 0) {
    throw new PatchcastError('USAGE', 'a witness needs at least one --log', {
      hint: "pass --log VKEYFILE with the server's log verifier key (keys/log.pub)",
    });
  }
  await state.open();
  const print = (line: string) => invocation.io.err(`${new Date().toISOString()} ${line}\n`);
  const witness = await startWitness(
    { cosigner, state, logs, now: () => Date.now(), print },
    parseListen(stringFlag(invocation, 'listen') ?? '127.0.0.1:8090'),
  );
  print(`witness ${cosigner.name} listening on ${witness.url} for ${[...logs.keys()].join(', ')}`);
  await untilSignal();
  await witness.close();
  return 0;
}
