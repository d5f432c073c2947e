/**
 * Console sessions' part of the Store (ADR 0035, amended): a session row is keyed by the SHA-256
 * of the session id (the id itself is only ever in the browser's cookie), names the API token it
 * was made from by that token's hash, and keeps the token's role and device scope as they were at
 * sign-in. Every request still re-checks the token itself, so a revoked token ends its sessions.
 * Rows live in the database, so a restart keeps them and every node of a cluster knows them.
 */
import type { DeviceSelector, Role } from '@patchcast/protocol';

export interface ConsoleSessionRecord {
  /** Hex SHA-256 of the session id. */
  readonly idHash: string;
  readonly tokenHash: string;
  readonly role: Role;
  readonly devices?: DeviceSelector | undefined;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  /** Signed out at this instant. */
  readonly revokedAt?: string | undefined;
}

export interface ConsoleSessionStore {
  create(session: ConsoleSessionRecord): Promise<void>;
  /** The session by id hash if it is neither signed out nor expired at `now`. */
  findLive(idHash: string, now: string): Promise<ConsoleSessionRecord | undefined>;
  /** Records that the session was used at `at`. */
  touch(idHash: string, at: string): Promise<void>;
  /** Signs the session out at `at` (kept as it was if already signed out). */
  revoke(idHash: string, at: string): Promise<void>;
  /**
   * Deletes the token's sessions but the `count` newest (live or signed out), so one token
   * signing in again and again cannot fill the table; returns how many went.
   */
  keepNewest(tokenHash: string, count: number): Promise<number>;
  /** Deletes sessions that expired before `before` (signed out or not); returns how many. */
  sweep(before: string): Promise<number>;
}
