/**
 * An agent simulated in the benchmark's own process: its own Ed25519 device key, enrolled for
 * real, the real challenge-response hello on its own loopback WebSocket, a package inventory sent
 * as a real agent sends it, and on release the frames a real agent sends when an install has
 * succeeded (its installed list, the `installed` report, the package inventory diff), without
 * the verification and install work before them.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ed25519Signer } from '@patchcast/core';
import {
  AGENT_CHANNEL_PATH,
  PatchcastClient,
  authStatement,
  frameText,
  inventoryDigest,
  inventoryUpdateParts,
  parseServerMessage,
} from '@patchcast/protocol';
import type { AgentMessage, Inventory, Notice, PackageInventory } from '@patchcast/protocol';
import { newDeviceKey } from '../fanout/device-key.js';

const MAX_RECONNECTS = 20;

export class LoopbackAgent {
  readonly #server: string;
  readonly #name: string;
  readonly #pair = newDeviceKey();
  #deviceId = '';
  #socket: WebSocket | undefined;
  #packages: PackageInventory | undefined;
  readonly #waiting = new Map<string, (digest: string) => void>();
  #reportId: string | undefined;
  notice: Notice | undefined;
  /** performance.now() when the `installed` report was acknowledged. */
  ackedAt: number | undefined;
  failure: string | undefined;
  /** Package inventories the server acknowledged. */
  syncs = 0;
  /** Connections dialled again after the server closed one. */
  reconnects = 0;
  #closing = false;
  #report: AgentMessage | undefined;
  #syncing:
    { readonly next: PackageInventory; readonly resolve: (digest: string) => void } | undefined;

  constructor(server: string, name: string) {
    this.#server = server;
    this.#name = name;
  }

  async enroll(token: string): Promise<void> {
    const client = new PatchcastClient({ server: this.#server, timeoutMs: 120_000 });
    const answer = await client.enroll({
      token,
      publicKey: this.#pair.publicHex,
      name: this.#name,
      labels: { bench: 'reports' },
      inventory: this.#inventory(undefined),
    });
    this.#deviceId = answer.deviceId;
  }

  /**
   * Resolves on `welcome`. A connection the server closes later (a heartbeat missed while this
   * busy process answered late) is dialled again, as a real agent does: the server then sends
   * the open notices again.
   */
  connect(localAddress: string): Promise<void> {
    const url = `${this.#server.replace(/^http/, 'ws')}${AGENT_CHANNEL_PATH}`;
    const socket = new WebSocket(url, { localAddress, handshakeTimeout: 60_000 });
    this.#socket = socket;
    let welcomed = false;
    return new Promise((resolve, reject) => {
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        this.#onFrame(frameText(data), () => {
          if (this.reconnects > 0) this.#resend();
          welcomed = true;
          resolve();
        });
      });
      socket.on('error', (error) => {
        if (!welcomed) reject(error);
      });
      socket.on('close', (code) => {
        if (!welcomed) return reject(new Error(`closed (${code}) before welcome`));
        if (this.#closing || this.reconnects >= MAX_RECONNECTS) return;
        this.reconnects += 1;
        setTimeout(() => void this.connect(localAddress).catch(() => undefined), 500);
      });
    });
  }

  /** Sends a full package inventory and waits for its `inventory-ack`. */
  async sendPackages(packages: PackageInventory): Promise<void> {
    await this.#sync(undefined, packages);
    this.#packages = packages;
  }

  /** What a real agent sends once an install succeeded (`next`: its package inventory then). */
  reportInstalled(next: PackageInventory | undefined): void {
    const notice = this.notice;
    if (notice === undefined) return this.#fail('NO_NOTICE');
    this.#send({ type: 'inventory', inventory: this.#inventory(notice) });
    this.#reportId = randomUUID();
    const { rolloutId, patch } = notice;
    this.#report = {
      type: 'report',
      reportId: this.#reportId,
      rolloutId,
      patch,
      state: 'installed',
    };
    this.#send(this.#report);
    if (next !== undefined && this.#packages !== undefined)
      this.#sync(this.#packages, next).catch((error: unknown) => this.#fail(String(error)));
  }

  /** Forgets the last notice and acknowledgment: the next rollout's notice is awaited. */
  nextRollout(): void {
    this.notice = undefined;
    this.ackedAt = undefined;
    this.#report = undefined;
  }

  close(): void {
    this.#closing = true;
    this.#socket?.terminate();
  }

  async #sync(base: PackageInventory | undefined, next: PackageInventory): Promise<void> {
    const acked = new Promise<string>((resolve) => {
      this.#syncing = { next, resolve };
    });
    this.#sendInventory(base, next);
    if ((await acked) !== inventoryDigest(next)) this.#fail('INVENTORY_DIGEST');
    this.#syncing = undefined;
    this.#packages = next;
    this.syncs += 1;
  }

  #sendInventory(base: PackageInventory | undefined, next: PackageInventory): void {
    const updateId = `bench-${randomUUID()}`;
    const resolve = this.#syncing?.resolve;
    if (resolve !== undefined) this.#waiting.set(updateId, resolve);
    for (const update of inventoryUpdateParts({ updateId, base, next }))
      this.#send({ type: 'package-inventory', update });
  }

  /** After a reconnect, what a real agent's outbox sends again: the unacknowledged report, and the inventory in full. */
  #resend(): void {
    if (this.#report !== undefined && this.ackedAt === undefined) this.#send(this.#report);
    if (this.#syncing !== undefined) this.#sendInventory(undefined, this.#syncing.next);
  }

  #onFrame(text: string, welcomed: () => void): void {
    const message = parseServerMessage(text);
    if (message === undefined) return this.#fail('MALFORMED_SERVER_MESSAGE');
    if (message.type === 'challenge') this.#send(this.#hello(message.nonce));
    else if (message.type === 'welcome') welcomed();
    else if (message.type === 'notice') this.notice ??= message;
    else if (message.type === 'ack' && message.reportId === this.#reportId)
      this.ackedAt = performance.now();
    else if (message.type === 'inventory-ack') {
      this.#waiting.get(message.updateId)?.(message.digest);
      this.#waiting.delete(message.updateId);
    } else if (message.type === 'inventory-resync') this.#fail(`RESYNC ${message.code}`);
    else if (message.type === 'error') this.#fail(message.code);
  }

  #hello(nonce: string): AgentMessage {
    const audience = new URL(this.#server).host;
    return {
      type: 'hello',
      deviceId: this.#deviceId,
      nonce,
      signature: ed25519Signer(this.#pair).sign(authStatement(this.#deviceId, nonce, audience)),
      lastTimestampVersion: 0,
      inventory: this.#inventory(undefined),
    };
  }

  #send(message: AgentMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #fail(code: string): void {
    this.failure ??= code;
  }

  #inventory(installed: Notice | undefined): Inventory {
    const at = new Date().toISOString();
    return {
      hostname: this.#name,
      os: 'linux',
      arch: process.arch,
      agentVersion: 'bench-loopback',
      installed: installed === undefined ? [] : [{ ...installed.patch, installedAt: at }],
    };
  }
}
