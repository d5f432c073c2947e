import type { BusTopic } from '../bus.js';

/** What a hub needs from a node's bus: hand it one event of a topic it subscribes to. */
export interface HubMember {
  hasSubscribers(topic: BusTopic): boolean;
  deliver(topic: BusTopic, event: unknown): Promise<void>;
}

interface NodeCursor {
  member: HubMember | undefined;
  /** Topics this node ever subscribed to: its durable cursors. */
  readonly durable: Set<BusTopic>;
  readonly backlog: Map<BusTopic, unknown[]>;
}

/**
 * The in-process stand-in for a shared bus: several nodes in one process (tests, the demo).
 * Like a JetStream durable consumer, a node that subscribed to a topic once keeps a cursor on
 * it: what is published while it has no subscriber (closed, restarting) waits in its backlog.
 */
export class MemoryBusHub {
  readonly #nodes = new Map<string, NodeCursor>();

  join(nodeId: string, member: HubMember): void {
    const node = this.#nodes.get(nodeId);
    if (node === undefined)
      this.#nodes.set(nodeId, { member, durable: new Set(), backlog: new Map() });
    else node.member = member;
  }

  leave(nodeId: string, member: HubMember): void {
    const node = this.#nodes.get(nodeId);
    if (node?.member === member) node.member = undefined;
  }

  /** Marks the node's cursor on `topic` durable and returns what it missed, oldest first. */
  attach(nodeId: string, topic: BusTopic): unknown[] {
    const node = this.#nodes.get(nodeId);
    if (node === undefined) return [];
    node.durable.add(topic);
    const missed = node.backlog.get(topic) ?? [];
    node.backlog.delete(topic);
    return missed;
  }

  publish(topic: BusTopic, event: unknown): Promise<void[]> {
    const deliveries: Promise<void>[] = [];
    for (const node of this.#nodes.values()) {
      if (node.member?.hasSubscribers(topic) === true)
        deliveries.push(node.member.deliver(topic, event));
      else if (node.durable.has(topic)) {
        const backlog = node.backlog.get(topic) ?? [];
        node.backlog.set(topic, backlog);
        backlog.push(event);
      }
    }
    return Promise.all(deliveries);
  }
}
