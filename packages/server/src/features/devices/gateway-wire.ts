/** What the agent gateway puts on sockets and on the bus: frames, refusals, announcements. */
import type { WebSocket } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import type { HealthMessage, Report, ServerMessage } from '@patchcast/protocol';
import type { Bus, BusEvents } from '../../bus/bus.js';

interface Announcing {
  readonly bus: Bus;
  readonly textLog: FastifyBaseLogger;
}

/** A planned rollout's health request or rollback command, as sent to its devices. */
export function commandMessage(event: BusEvents['device-command']): ServerMessage {
  const { rolloutId, patch } = event;
  return event.kind === 'rollback'
    ? { type: 'rollback', rolloutId, patch }
    : {
        type: 'health-request',
        rolloutId,
        wave: event.wave,
        patch,
        targetPath: event.targetPath,
      };
}

/** Tells the other nodes (the one driving the rollout) that a report was applied here. */
export function announceResult(deps: Announcing, deviceId: string, report: Report): void {
  const { bus, textLog } = deps;
  const event = {
    id: report.reportId,
    rolloutId: report.rolloutId,
    deviceId,
    state: report.state,
  };
  bus
    .publish('device-result', { ...event, node: bus.nodeId })
    .catch((error: unknown) => textLog.error({ err: error }, 'device result not announced'));
}

/** Tells the node driving a planned rollout that a control device's health was taken here. */
export function announceHealth(deps: Announcing, deviceId: string, message: HealthMessage): void {
  const { bus, textLog } = deps;
  const id = `${message.rolloutId}:${deviceId}:${message.wave}`;
  bus
    .publish('device-health', {
      id,
      rolloutId: message.rolloutId,
      deviceId,
      node: bus.nodeId,
      wave: message.wave,
    })
    .catch((error: unknown) => textLog.error({ err: error }, 'device health not announced'));
}

export function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/**
 * Sends `message` to those of `deviceIds` connected here (serialised once for every socket);
 * returns the devices it went to.
 */
export function sendToDevices(
  socketOf: (deviceId: string) => WebSocket | undefined,
  deviceIds: readonly string[],
  message: ServerMessage,
): string[] {
  const frame = Buffer.from(JSON.stringify(message));
  const sent: string[] = [];
  for (const deviceId of deviceIds) {
    const socket = socketOf(deviceId);
    if (socket === undefined || socket.readyState !== socket.OPEN) continue;
    socket.send(frame, { binary: false });
    sent.push(deviceId);
  }
  return sent;
}

/** The notice of a rollout as sent to its devices, with the timestamp version to expect. */
export function noticeMessage(event: BusEvents['notice'], timestampVersion: number): ServerMessage {
  return {
    type: 'notice',
    rolloutId: event.rolloutId,
    patch: event.patch,
    targetPath: event.targetPath,
    timestampVersion,
    ...(event.allowDowngrade === true ? { allowDowngrade: true } : {}),
  };
}

export function revokedMessage(deviceId: string): string {
  return `device ${deviceId} was revoked by an operator; this key is refused from now on`;
}

export function certRequiredMessage(): string {
  return 'this server takes agents only on its agent port, with a device certificate (--require-client-cert)';
}

export function reject(socket: WebSocket, code: string, message: string): undefined {
  send(socket, { type: 'error', code, message });
  socket.close(4401, code);
  return undefined;
}
