import { PatchcastError } from '@patchcast/core/base';
import type { AgentConfig, PeerFlags } from '@patchcast/agent/start';
import type { Command, Invocation } from '../command.js';
import { readWitnessKeys } from '../witness/witness-config.js';
import {
  listFlag,
  parseLabels,
  parseDuration,
  parseListen,
  requirePqFlag,
  requiredFlag,
  stringFlag,
} from '../args.js';
import { untilSignal } from '../until-signal.js';
import { normalizeServerUrl } from '@patchcast/protocol/agent';

export const agentCommand: Command = {
  name: 'agent',
  summary: 'run an endpoint agent: enroll once, then install verified patches as they are pushed',
  usage:
    'patchcast agent --data DIR [--server URL[,URL...] --enroll TOKEN [--replace DEVICE]] [--root DIR] [--name NAME] [--label k=v]... [--log-key KEY] [--witness VKEYFILE]... [--witness-threshold K] [--max-download-rate RATE] [--peer on|off [--peer-listen HOST:PORT] [--peer-address URL] [--peer-rate RATE] [--peer-serve on|off]] [--ca FILE]',
  help: `Enrolls with a single-use token the first time (making its own Ed25519 device key), then holds a
live WebSocket to the server, authenticated by that key. On a notice it refreshes and verifies the TUF
metadata, downloads the bundle, checks its hash and the log's proof of its publication, installs it
into the managed root transactionally, runs the health check, rolls back on failure, and reports.

Options:
  --data DIR            agent state: identity, trusted metadata, install journal (required)
  --server URL          server URL (needed to enroll, default: $PATCHCAST_SERVER; later read
                        from DIR). Several nodes of one cluster: repeat the flag or separate
                        URLs with commas; the agent dials the first and, when a link is lost,
                        the next (kept in DIR/servers.json)
  --enroll TOKEN        enrollment token from \`patchcast enroll-token create\`. Given again with
                        the same --data folder, the host enrolls again with the device key it
                        holds and stays the same device (its --label flags then replace the
                        device's labels); if that fails (e.g. a used token) it warns and runs
  --replace DEVICE      this new host takes over DEVICE (a lost or rebuilt machine): same id and
                        history, this host's new key; the old key is refused from then on. Needs
                        a token from \`patchcast enroll-token create --replace DEVICE\`
  --root DIR            managed root that patches install into (default: DIR/root)
  --name NAME           device name shown to operators (default: the hostname)
  --label k=v           a device label, repeatable (rollouts select by label). Counts when the
                        agent enrolls; later labels change only on the server
                        (\`patchcast devices label ID k=v\`), and differing flags are reported
                        as ignored
  --ca FILE             trust this CA (PEM) for an https:// server, besides the system's
                        (default: $PATCHCAST_CA); give it at every start, as the unit file does
  --trusted-root FILE   root.json obtained out of band (default: trust the server's 1.root.json once)
  --log-key KEY         the log's verifier key obtained out of band (\`patchcast status\`; default:
                        trust the server's /log/key once)
  --witness VKEYFILE    a witness verifier key (\`patchcast witness keygen\` wrote it), repeatable:
                        a patch is installed only if the log checkpoint proving its publication
                        carries cosignatures of --witness-threshold of these witnesses
  --witness-threshold K how many of the --witness keys must cosign (default: all of them);
                        otherwise the patch is refused with SECURITY_WITNESS_MISSING
  --require-pq on|off   refuse metadata of any role without ML-DSA-65 keys and signatures, so a
                        repository cannot downgrade to classical signatures (default: on when
                        the trusted root gives every role ML-DSA-65 keys, else off)
  --max-download-rate RATE
                        cap patch downloads at RATE bytes per second, with an optional binary
                        suffix (5M = 5 MiB/s); 0 or off removes the cap. Kept in DIR/policy.json
                        for later starts without the flag
  --peer on|off         peer-to-peer (default off): fetch pieces of a patch from agents of the
                        same site (the device label site=...) that hold them, each piece checked
                        against the signed piece hashes, else from the server; and serve them
  --peer-listen HOST:PORT
                        where this agent serves pieces to its site (default 0.0.0.0:7475)
  --peer-address URL    the address peers are told, http://HOST:PORT (default: --peer-listen)
  --peer-rate RATE      upload cap for all peers together (default 20M = 20 MiB/s)
  --peer-serve on|off   off on a metered link or battery: fetch from peers, serve none
  --peer-timeout TIME   a piece a peer has not delivered within TIME (default 10s) counts as
                        stalled: the peer is dropped and reported`,
  options: {
    data: { type: 'string' },
    server: { type: 'string', multiple: true },
    enroll: { type: 'string' },
    replace: { type: 'string' },
    root: { type: 'string' },
    name: { type: 'string' },
    label: { type: 'string', multiple: true },
    'trusted-root': { type: 'string' },
    'log-key': { type: 'string' },
    witness: { type: 'string', multiple: true },
    'witness-threshold': { type: 'string' },
    'require-pq': { type: 'string' },
    'max-download-rate': { type: 'string' },
    peer: { type: 'string' },
    'peer-listen': { type: 'string' },
    'peer-address': { type: 'string' },
    'peer-rate': { type: 'string' },
    'peer-serve': { type: 'string' },
    'peer-timeout': { type: 'string' },
    ca: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  run: (invocation) => runAgent(invocation, {}),
};

/** Exit code of an agent that must be started again (its executable was replaced or restored). */
export const EXIT_RESTART = 75;

/** What only the packaged agent adds: replacing itself, and the trial of a new version. */
export type PackagedAgentConfig = Pick<AgentConfig, 'selfUpdate' | 'trialOkFile'>;

/** Runs the agent until a signal (0), its revocation (throws) or a restart request (75). */
export async function runAgent(
  invocation: Invocation,
  packaged: PackagedAgentConfig,
): Promise<number> {
  const { peerConfig, startAgent } = await import('@patchcast/agent/start');
  const dataDir = requiredFlag(invocation, 'data', 'e.g. --data /var/lib/patchcast-agent');
  const err = invocation.io.err;
  const given = listFlag(invocation, 'server');
  const servers = parseServerList(
    given.length > 0 ? given : [invocation.io.env.PATCHCAST_SERVER ?? ''],
  );
  const agent = await startAgent({
    dataDir,
    rootDir: stringFlag(invocation, 'root') ?? `${dataDir}/root`,
    server: servers[0],
    servers,
    enrollToken: stringFlag(invocation, 'enroll'),
    replaces: replaceFlag(invocation),
    name: stringFlag(invocation, 'name'),
    labels: parseLabels(listFlag(invocation, 'label')),
    trustedRootFile: stringFlag(invocation, 'trusted-root'),
    logKey: stringFlag(invocation, 'log-key'),
    witnesses: await agentWitnesses(invocation),
    requirePq: requirePqFlag(invocation),
    maxDownloadRate: stringFlag(invocation, 'max-download-rate'),
    peer: peerConfig(peerFlags(invocation)),
    log: (line) => err(`${new Date().toISOString()} agent: ${line}\n`),
    ...packaged,
  });
  err(`agent ${agent.deviceId} running; Ctrl-C to stop\n`);
  const ended = await Promise.race([
    untilSignal().then(() => 'signal' as const),
    agent.restart.then(() => 'restart' as const),
    agent.revoked,
  ]);
  await agent.stop();
  if (ended instanceof PatchcastError) throw ended;
  if (ended === 'restart') {
    err(
      `agent ${agent.deviceId} restarting (exit ${EXIT_RESTART}) to run the executable in place\n`,
    );
    return EXIT_RESTART;
  }
  return 0;
}

function peerFlags(invocation: Invocation): PeerFlags {
  const listen = stringFlag(invocation, 'peer-listen');
  const timeout = stringFlag(invocation, 'peer-timeout');
  return {
    enabled: onOff(invocation, 'peer') ?? false,
    serve: onOff(invocation, 'peer-serve'),
    listen: listen === undefined ? undefined : parseListen(listen, '--peer-listen'),
    address: stringFlag(invocation, 'peer-address'),
    rate: stringFlag(invocation, 'peer-rate'),
    pieceTimeoutMs: timeout === undefined ? undefined : parseDuration(timeout) * 1000,
  };
}

function onOff(invocation: Invocation, name: string): boolean | undefined {
  const value = stringFlag(invocation, name);
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new PatchcastError('USAGE', `--${name} must be on or off, not "${value}"`);
}

/** `--replace DEVICE` makes sense only while enrolling. */
function replaceFlag(invocation: Invocation): string | undefined {
  const replaces = stringFlag(invocation, 'replace');
  if (replaces !== undefined && stringFlag(invocation, 'enroll') === undefined) {
    throw new PatchcastError('USAGE', '--replace DEVICE needs --enroll TOKEN', {
      hint: 'make a token with `patchcast enroll-token create --replace DEVICE`',
    });
  }
  return replaces;
}

/** `--witness VKEYFILE`... and `--witness-threshold K` (checked by the agent's witness policy). */
async function agentWitnesses(invocation: Invocation) {
  const keys = await readWitnessKeys(listFlag(invocation, 'witness'));
  const threshold = stringFlag(invocation, 'witness-threshold');
  if (threshold !== undefined && !/^[1-9][0-9]{0,2}$/.test(threshold)) {
    throw new PatchcastError('USAGE', '--witness-threshold must be a whole number from 1');
  }
  return { keys, ...(threshold === undefined ? {} : { threshold: Number(threshold) }) };
}

/** `--server` values split on commas, blanks dropped, each checked (USAGE when malformed). */
function parseServerList(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map(normalizeServerUrl);
}
