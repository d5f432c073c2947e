/**
 * The tracker (docs/protocol/peers.md §3, ADR 0040): which connected device holds which pieces of
 * which target, per site. A device's site is its `site` label as the server holds it; a device
 * without one has no peers. Held in this node's memory only: a device is tracked on the node its
 * channel is connected to, so devices of one site on different nodes do not see each other (they
 * use the origin); `check` reads the store and answers the same on every node.
 */
import { MAX_PEERS, decodeBitfield } from '@patchcast/protocol';
import type { PeerFault, PeerInfo } from '@patchcast/protocol';
import type { DeviceRecord } from '../../storage/store.js';

export const SITE_LABEL = 'site';
const SITE_CACHE_MS = 10_000;

interface Holding {
  readonly site: string;
  readonly address: string;
  readonly pieces: number;
  readonly have: string;
}

export interface TrackerDeps {
  readonly getDevice: (id: string) => Promise<DeviceRecord | undefined>;
  readonly online: (deviceId: string) => boolean;
  readonly warn: (fields: Record<string, unknown>, message: string) => void;
}

/** The site of an enrolled device that is not revoked, else undefined. */
export function siteOf(device: DeviceRecord | undefined): string | undefined {
  if (device === undefined || device.revokedAt !== undefined) return undefined;
  const site = device.labels[SITE_LABEL];
  return site === undefined || site === '' ? undefined : site;
}

export class PeerTracker {
  readonly #deps: TrackerDeps;
  /** target sha256 -> device id -> what it holds. */
  readonly #targets = new Map<string, Map<string, Holding>>();
  readonly #sites = new Map<string, { readonly site: string | undefined; readonly at: number }>();

  constructor(deps: TrackerDeps) {
    this.#deps = deps;
  }

  async have(deviceId: string, sha256: string, holding: Omit<Holding, 'site'>): Promise<void> {
    const site = await this.#siteOf(deviceId);
    if (site === undefined) return this.drop(deviceId, sha256);
    const holders = this.#targets.get(sha256) ?? new Map<string, Holding>();
    this.#targets.set(sha256, holders);
    holders.set(deviceId, { ...holding, site });
  }

  drop(deviceId: string, sha256: string): void {
    const holders = this.#targets.get(sha256);
    holders?.delete(deviceId);
    if (holders?.size === 0) this.#targets.delete(sha256);
  }

  /** Connected devices of the asker's site holding pieces of `sha256`, at most MAX_PEERS. */
  async want(deviceId: string, sha256: string): Promise<PeerInfo[]> {
    const site = await this.#siteOf(deviceId);
    const holders = this.#targets.get(sha256);
    if (site === undefined || holders === undefined) return [];
    const peers: PeerInfo[] = [];
    for (const [id, holding] of holders) {
      if (!this.#deps.online(id)) {
        holders.delete(id); // gone: its holdings are forgotten, it announces again on return
        continue;
      }
      if (id === deviceId || holding.site !== site) continue;
      if (decodeBitfield(holding.have, holding.pieces).size === 0) continue;
      peers.push({ deviceId: id, address: holding.address, have: holding.have });
    }
    return shuffled(peers).slice(0, MAX_PEERS);
  }

  /**
   * The site of a device for `have` and `want`, read from the store at most every SITE_CACHE_MS
   * (an agent asks several times a second). A revoked device's connections are closed, so it
   * drops out of answers at once; `check` always reads the store.
   */
  async #siteOf(deviceId: string): Promise<string | undefined> {
    const now = Date.now();
    const cached = this.#sites.get(deviceId);
    if (cached !== undefined && now - cached.at < SITE_CACHE_MS) return cached.site;
    const site = siteOf(await this.#deps.getDevice(deviceId));
    this.#sites.set(deviceId, { site, at: now });
    return site;
  }

  /** `peerId`'s key when it is an enrolled, not revoked device of the asker's site. */
  async check(deviceId: string, peerId: string): Promise<string | undefined> {
    const [asker, peer] = await Promise.all([
      this.#deps.getDevice(deviceId),
      this.#deps.getDevice(peerId),
    ]);
    const site = siteOf(asker);
    return site !== undefined && siteOf(peer) === site ? peer?.publicKey : undefined;
  }

  /** A peer served a piece badly: logged for the operator; the peer is not evicted on one word. */
  report(deviceId: string, peerId: string, sha256: string, piece: number, fault: PeerFault): void {
    this.#deps.warn(
      { deviceId, peerId, sha256, piece, fault },
      'peer reported by a device of its site',
    );
  }
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
