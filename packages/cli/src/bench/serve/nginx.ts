/**
 * A throwaway nginx serving a folder on a loopback port: temporary prefix and config, in the
 * foreground (`daemon off`), stopped afterwards. Absent nginx is not an error: callers skip.
 */
import { spawn } from 'node:child_process';
import { access, chmod, constants, mkdir, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { captureOutput, ownChild, stopProcess } from '../child-process.js';
import { pollUntil } from '../concurrency.js';
import { PatchcastError } from '@patchcast/core';

export interface RunningNginx {
  readonly url: string;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

export async function findNginx(): Promise<string | undefined> {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'nginx'));
  for (const path of [...onPath, ...CANDIDATES]) {
    if (
      await access(path, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  return undefined;
}

/** Serves `root` from `prefix`; both must be reachable by nginx's worker user (nobody, as root). */
export async function startNginx(
  binary: string,
  root: string,
  prefix: string,
): Promise<RunningNginx> {
  const port = await freePort();
  await mkdir(join(prefix, 'temp'), { recursive: true, mode: 0o755 });
  await chmod(prefix, 0o755);
  const conf = join(prefix, 'nginx.conf');
  await writeFile(conf, config(root, prefix, port));
  const child = ownChild(
    spawn(binary, ['-e', join(prefix, 'error.log'), '-p', prefix, '-c', conf], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const output = captureOutput(child);
  const up = await pollUntil(() => accepts(port), 10_000, 50);
  if (!up || child.exitCode !== null) {
    await stopProcess(child);
    throw new PatchcastError('INTERNAL', `nginx did not start: ${output()}`);
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

function config(root: string, prefix: string, port: number): string {
  const temp = (name: string) => `${name}_temp_path ${join(prefix, 'temp', name)};`;
  return `worker_processes 1;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
