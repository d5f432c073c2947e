#!/usr/bin/env node
// TUF reads per second served by two builds of the server, in one run (ADR 0041, docs/PERFORMANCE.md).
// Usage: node scripts/bench-metadata-ab.mjs BEFORE_ROOT AFTER_ROOT [--seconds 5] [--rounds 3]
//        [--patches 40] [--clients 16] [--pg postgres://postgres@127.0.0.1:5432/postgres]
// A root is a folder whose node_modules/@patchcast/server is a built server (this checkout: `.`).
// Each build runs as its own `startServer` process with its own SQLite data folder and the same
// published patches (with --pg: each in its own new PostgreSQL database, dropped at the end); the rounds alternate between the two so that load from other work hits both.
// Each request is one step of an agent's refresh: timestamp.json, the snapshot, the targets, and
// a target file (a small bundle), in turn. Reported: requests per second, and the server process's
// CPU time per request (user + system), which other load on the machine disturbs far less.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

if (process.argv[2] === '--child') {
  const [root, dataDir, db] = process.argv.slice(3);
  const entry = join(root, 'node_modules/@patchcast/server/dist/src/index.js');
  const { startServer } = await import(pathToFileURL(entry).href);
  const server = await startServer({ dataDir, port: 0, logLevel: 'fatal', db });
  process.send?.({ url: server.url, token: server.initialAdminToken });
  process.on('message', () => process.send?.({ cpu: process.cpuUsage() }));
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      patches: { type: 'string', default: '40' },
      clients: { type: 'string', default: '16' },
      pg: { type: 'string' },
    },
  });
  if (positionals.length !== 2)
    throw new Error('usage: bench-metadata-ab.mjs BEFORE_ROOT AFTER_ROOT');
  const here = pathToFileURL(resolve('.') + '/').href;
  const { PatchcastClient, readKeyFile } = await import(
    new URL('node_modules/@patchcast/protocol/dist/src/index.js', here).href
  );
  const { publishBundle } = await import(new URL('packages/cli/dist/src/publishing.js', here).href);
  const { smallBundle } = await import(
    new URL('packages/cli/dist/src/bench/patch-fixture.js', here).href
  );
  const builds = [];
  for (const [name, root] of [
    ['before', positionals[0]],
    ['after', positionals[1]],
  ]) {
    const dataDir = await mkdtemp(join(tmpdir(), `patchcast-bench-meta-${name}-`));
    const db = values.pg === undefined ? undefined : await createDatabase(values.pg, name);
    const args = ['--child', resolve(root), dataDir, ...(db === undefined ? [] : [db.url])];
    const child = fork(new URL(import.meta.url).pathname, args);
    const ready = await new Promise((ok) => child.once('message', ok));
    const client = new PatchcastClient({ server: ready.url, token: ready.token });
    const { signers } = await readKeyFile(join(dataDir, 'keys', 'targets.key'));
    const paths = [];
    for (let i = 0; i < Number(values.patches); i++) {
      const ref = { name: `bench-${i}`, version: '1.0.0' };
      const done = await publishBundle({ client, signers, ref, bundle: smallBundle(ref) });
      paths.push(
        `${done.targetPath.replace(/[^/]+$/, '')}${done.sha256}.${done.targetPath.split('/').pop()}`,
      );
    }
    const versions = await client.status().then((s) => s.repository);
    const urls = [
      '/tuf/metadata/timestamp.json',
      `/tuf/metadata/${versions.snapshot}.snapshot.json`,
      `/tuf/metadata/${versions.targets}.targets.json`,
    ];
    builds.push({ name, url: ready.url, child, dataDir, db, urls, paths });
  }
  const rows = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const row = {};
    for (const build of round % 2 === 0 ? builds : [...builds].reverse())
      row[build.name] = await load(build, Number(values.clients), Number(values.seconds) * 1000);
    row.ratio = row.after.perSecond / row.before.perSecond;
    row.cpuRatio = row.after.cpuMicros / row.before.cpuMicros;
    rows.push(row);
    const show = (r) => `${r.perSecond.toFixed(0)}/s ${r.cpuMicros.toFixed(0)} µs CPU/request`;
    console.log(
      `round ${round + 1}: before ${show(row.before)}, after ${show(row.after)}, ` +
        `throughput ratio ${row.ratio.toFixed(2)}, CPU ratio ${row.cpuRatio.toFixed(2)}`,
    );
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const medianRatio = median(rows.map((r) => r.ratio));
  const medianCpuRatio = median(rows.map((r) => r.cpuRatio));
  console.log(JSON.stringify({ rows, medianRatio, medianCpuRatio }));
  for (const build of builds) {
    build.child.disconnect();
    await new Promise((ok) => build.child.once('exit', ok));
    await rm(build.dataDir, { recursive: true, force: true });
    await build.db?.drop();
  }
}

/** A new empty database beside `base` for one build. */
async function createDatabase(base, name) {
  const { default: pg } = await import('pg');
  const admin = async (sql) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  const db = `pc_bench_meta_${name}_${process.pid}`;
  await admin(`CREATE DATABASE "${db}"`);
  const url = new URL(base);
  url.pathname = `/${db}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`) };
}

/** The server's CPU time so far, in microseconds. */
async function cpuOf(build) {
  const answer = new Promise((ok) => build.child.once('message', ok));
  build.child.send('cpu');
  const { cpu } = await answer;
  return cpu.user + cpu.system;
}

/**
 * Requests per second over `ms`, from `clients` keep-alive connections each asking in turn, and
 * the server's CPU time per request over the same span.
 */
async function load(build, clients, ms) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const end = Date.now() + 1000 + ms;
  const measureFrom = Date.now() + 1000; // one second of warm-up
  let done = 0;
  let cpuAtStart = 0;
  const started = sleep(measureFrom - Date.now()).then(async () => {
    cpuAtStart = await cpuOf(build);
  });
  const loop = async (k) => {
    for (let i = k; Date.now() < end; i++) {
      const step = i % 4;
      const path =
        step < 3 ? build.urls[step] : `/tuf/targets/${build.paths[i % build.paths.length]}`;
      const status = await get(agent, new URL(path, build.url));
      if (status !== 200) throw new Error(`${build.name}: ${path} answered ${status}`);
      if (Date.now() >= measureFrom) done++;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, k) => loop(k)));
  await started;
  const cpu = (await cpuOf(build)) - cpuAtStart;
  agent.destroy();
  return { perSecond: done / (ms / 1000), cpuMicros: cpu / done };
}

function get(agent, url) {
  return new Promise((ok, fail) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode));
    });
    req.on('error', fail);
    req.end();
  });
}
