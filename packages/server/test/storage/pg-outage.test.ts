/**
 * PostgreSQL going away while a node runs: requests fail with DB_UNAVAILABLE (never a silent
 * success), the operator hook hears about it, and the same store works again once the database is
 * back. The outage is real: the store talks to PostgreSQL through a loopback TCP relay that the
 * test cuts and restores.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { PatchcastError } from '@patchcast/core';
import { PgStore } from '../../src/storage/postgres/pg-store.js';
import { pgTestDatabase } from './pg-test-db.js';

/** A TCP relay to `target` on 127.0.0.1:`port` (0: any free port) that can be cut. */
class Relay {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  constructor(readonly target: URL) {}

  async open(port = 0): Promise<number> {
    const server = createServer((client) => {
      const upstream = createConnection(Number(this.target.port || 5432), this.target.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => [client, upstream].forEach((x) => x.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : port;
  }

  /** Stops accepting and drops every relayed connection, as a crashed database host would. */
  async cut(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
  }
}

const db = await pgTestDatabase();
if (!db.available) {
  test('PostgreSQL outage while running', (t) => t.skip(db.reason));
} else {
  test('PostgreSQL lost mid-run: DB_UNAVAILABLE, reported, and the store recovers', async () => {
    const relay = new Relay(new URL(db.url));
    const port = await relay.open();
    const url = new URL(db.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const lost: Error[] = [];
    const store = await PgStore.open({
      url: url.toString(),
      schema: db.newSchema(),
      poolSize: 2,
      connectTimeoutMs: 2000,
      onError: (error) => lost.push(error),
    });
    try {
      assert.equal(await store.initSetting('before', 'x'), 'x');
      await relay.cut();
      const error = await store.initSetting('during', 'y').then(
        () => assert.fail('a write while the database is gone must not succeed'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof PatchcastError, String(error));
      assert.equal(error.code, 'DB_UNAVAILABLE');
      assert.ok(lost.length > 0, 'the operator hook heard about it');

      await relay.open(port);
      assert.equal(await store.getSetting('before'), 'x', 'the store works again');
      assert.equal(await store.getSetting('during'), undefined, 'the failed write did not land');
      assert.equal(await store.initSetting('during', 'z'), 'z');
    } finally {
      await store.close();
      await relay.cut();
    }
  });
}
