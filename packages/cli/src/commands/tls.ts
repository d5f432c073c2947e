import { mkdir, link, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PatchcastError } from '@patchcast/core';
import type { Command, Invocation } from '../command.js';
import { boolFlag, requiredFlag, stringFlag } from '../args.js';
import { JSON_OPTION, printJson } from '../context.js';

const FILES = [
  ['ca.pem', 'caCert', 0o644],
  ['ca.key', 'caKey', 0o600],
  ['server.pem', 'serverCert', 0o644],
  ['server.key', 'serverKey', 0o600],
] as const;

export const tlsCommand: Command = {
  name: 'tls',
  summary: 'make a private CA and a server certificate for labs and tests',
  usage: 'patchcast tls init --hosts NAME[,NAME...] --out DIR [--days N] [--json]',
  help: `Writes, in DIR:
  ca.pem       the private CA certificate: give it to agents and the CLI (--ca or PATCHCAST_CA)
  ca.key       the CA's private key (mode 0600): keep it off the server
  server.pem   the server certificate (valid for the --hosts names), followed by ca.pem
  server.key   the server's private key (mode 0600)
Start the server with --tls-cert DIR/server.pem --tls-key DIR/server.key. Keys are ECDSA P-256.
On a real deployment use certificates from your organisation's CA or ACME instead; the server
re-reads its certificate files on SIGHUP. Existing files are never overwritten (CONFLICT).

Options:
  --hosts NAMES  DNS names and IP addresses agents use to reach the server, comma-separated
                 (e.g. patch.example.org,10.0.0.5,localhost,127.0.0.1)
  --out DIR      folder to write (created if missing)
  --days N       validity of the server certificate in days (default: 397; the CA: ten times)
  --json         print {"dir","caCert","serverCert","serverKey","hosts","notAfter"}`,
  options: {
    hosts: { type: 'string' },
    out: { type: 'string' },
    days: { type: 'string' },
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 1 },
  async run(invocation) {
    const [action] = invocation.positionals;
    if (action !== 'init')
      throw new PatchcastError('USAGE', `unknown tls action "${action ?? ''}"`, {
        hint: 'use `patchcast tls init --hosts NAMES --out DIR`',
      });
    return init(invocation);
  },
};

async function init(invocation: Invocation): Promise<number> {
  const hosts = requiredFlag(invocation, 'hosts', 'e.g. --hosts localhost,127.0.0.1')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const dir = resolve(requiredFlag(invocation, 'out', 'e.g. --out tls'));
  const days = daysFlag(invocation);
  const now = new Date();
  // Loaded here only: the X.509 library stays out of every other command (the agent's memory).
  const { createLabPki } = await import('@patchcast/server');
  const pki = await createLabPki({ hosts, days, now });
  await mkdir(dir, { recursive: true });
  // Every file is written aside, then linked into place: a name that exists is never replaced,
  // and an interrupted run leaves no half-written file under a final name.
  const written: string[] = [];
  try {
    for (const [name, field, mode] of FILES) {
      const path = join(dir, name);
      const temp = `${path}.tmp-${process.pid}`;
      await writeFile(temp, pki[field], { mode, flag: 'wx' });
      try {
        await link(temp, path);
      } finally {
        await unlink(temp);
      }
      written.push(path);
    }
  } catch (error) {
    await Promise.all(written.map((p) => unlink(p).catch(() => undefined)));
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new PatchcastError(
        'CONFLICT',
        `${dir} already holds TLS files; refusing to overwrite`,
        {
          hint: 'choose another --out folder, or move the old files away first',
        },
      );
    throw error;
  }
  const notAfter = new Date(now.getTime() + days * 24 * 3600 * 1000).toISOString();
  const result = {
    dir,
    caCert: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    hosts,
    notAfter,
  };
  if (boolFlag(invocation, 'json')) {
    printJson(invocation, result);
    return 0;
  }
  invocation.io.out(
    `Wrote a lab CA and a server certificate for ${hosts.join(', ')} (until ${notAfter}) to ${dir}:
  server:        patchcast server --tls-cert ${result.serverCert} --tls-key ${result.serverKey} ...
  agents, CLI:   --ca ${result.caCert}   (or PATCHCAST_CA=${result.caCert})
Keep ${join(dir, 'ca.key')} off the server: whoever holds it can impersonate the server.
`,
  );
  return 0;
}

function daysFlag(invocation: Invocation): number {
  const value = stringFlag(invocation, 'days') ?? '397';
  if (!/^[1-9][0-9]{0,4}$/.test(value) || Number(value) > 3650)
    throw new PatchcastError('USAGE', '--days must be a whole number from 1 to 3650');
  return Number(value);
}
