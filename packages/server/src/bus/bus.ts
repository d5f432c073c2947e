/**
 * The Bus port: fan-out of events among server nodes. The in-process adapter serves the embedded
 * default; a NATS JetStream adapter serves several nodes. One conformance suite runs on both.
 *
 * Delivery is at least once and in publish order per topic. Each node has a durable cursor per
 * topic, so a node that was down receives what it missed when it subscribes again. Handlers must
 * be idempotent: every event carries an id (`notice` may omit it; a notice is only a hint).
 */
import type { DeviceState, PatchRef } from '@patchcast/protocol';

export const BUS_TOPICS = [
  'notice',
  'device-command',
  'device-result',
  'device-health',
  'rollout-event',
  'device-disconnect',
] as const;

/** Why a device's connection is closed on every node (ADR 0029). */
export const DISCONNECT_REASONS = ['revoked', 'removed', 'key-replaced'] as const;
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

export const ROLLOUT_EVENT_KINDS = ['created', 'taken-over', 'completed'] as const;
export type RolloutEventKind = (typeof ROLLOUT_EVENT_KINDS)[number];

export interface BusEvents {
  /** Tell connected agents among `deviceIds` that a rollout wants them to install `patch`. */
  notice: {
    readonly id?: string;
    readonly rolloutId: string;
    readonly patch: PatchRef;
    readonly targetPath: string;
    readonly deviceIds: readonly string[];
    /** The rollout may install below a device's installed version (ADR 0017). */
    readonly allowDowngrade?: true;
  };
  /** A planned rollout asks devices to run the health check (control cohort) or to roll back. */
  'device-command': {
    readonly kind: 'health-request' | 'rollback';
    readonly rolloutId: string;
    readonly wave: number;
    readonly patch: PatchRef;
    readonly targetPath: string;
    readonly deviceIds: readonly string[];
  };
  /** A device report was applied to the store on the node the agent is connected to. */
  'device-result': {
    /** The report id: applying it twice is harmless. */
    readonly id: string;
    readonly rolloutId: string;
    readonly deviceId: string;
    readonly state: DeviceState;
    readonly node: string;
  };
  /** A control device's health for a planned rollout's wave was journaled on the node it reached. */
  'device-health': {
    /** `<rolloutId>:<deviceId>:<wave>`. */
    readonly id: string;
    readonly rolloutId: string;
    readonly deviceId: string;
    readonly node: string;
    readonly wave: number;
  };
  /** A rollout was created, changed hands, or completed (cluster/rollout-coordinator.ts). */
  'rollout-event': {
    readonly id: string;
    readonly rolloutId: string;
    readonly kind: RolloutEventKind;
    readonly node: string;
    readonly at: string;
  };
  /** Close the device's connection, wherever it is: revoked, removed, or its key replaced. */
  'device-disconnect': {
    readonly id: string;
    readonly deviceId: string;
    /** The key no longer valid: only connections authenticated with it are closed. */
    readonly publicKey: string;
    readonly reason: DisconnectReason;
    readonly node: string;
  };
}

export type BusTopic = keyof BusEvents;

/** `degraded`: events may reach only this node until the bus recovers; `detail` says why. */
export interface BusHealth {
  readonly state: 'ok' | 'degraded';
  readonly detail?: string;
}

export interface Bus {
  readonly kind: string;
  /** This node's name; durable cursors are kept per node. */
  readonly nodeId: string;
  publish<T extends BusTopic>(topic: T, event: BusEvents[T]): Promise<void>;
  /** Returns an unsubscribe function. Handlers must not throw; errors are logged by the bus. */
  subscribe<T extends BusTopic>(
    topic: T,
    handler: (event: BusEvents[T]) => Promise<void>,
  ): () => void;
  /** Resolves once every subscription made so far receives events published from now on. */
  ready(): Promise<void>;
  health(): BusHealth;
  close(): Promise<void>;
}
