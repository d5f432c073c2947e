/**
 * The physical baseline: a bare `ws` server in its own process. It greets each connection (as the
 * real server's welcome does, which also warms the send path) and, when asked, sends one prepared
 * message to every connection in a plain loop.
 */
import { WebSocketServer } from 'ws';
import { sharedNowMs } from '../clock.js';
import { serveRequests } from '../rpc.js';
import { BASELINE_REQUEST_KINDS, paddedMessage } from './baseline-messages.js';
import type { BaselineRequest } from './baseline-messages.js';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 * 1024 });
server.on('connection', (socket) => socket.send('{"type":"welcome"}'));

function broadcast(bytes: number): { sent: number; startedAt: number; loopMs: number } {
  const message = paddedMessage(bytes);
  const startedAt = sharedNowMs();
  let sent = 0;
  for (const socket of server.clients) {
    socket.send(message, { binary: false });
    sent++;
  }
  return { sent, startedAt, loopMs: sharedNowMs() - startedAt };
}

function port(): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

serveRequests<BaselineRequest>(BASELINE_REQUEST_KINDS, (request) => {
  if (request.kind === 'listen') return Promise.resolve({ port: port() });
  if (request.kind === 'count') return Promise.resolve({ connections: server.clients.size });
  return Promise.resolve(broadcast(request.bytes));
});
