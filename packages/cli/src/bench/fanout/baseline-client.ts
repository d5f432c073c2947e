/** One bare WebSocket client of the baseline: waits for the greeting, then records each round's arrival. */
import WebSocket from 'ws';
import { sharedNowMs } from '../clock.js';

export class BaselineClient {
  arrivedAt: number | null = null;
  bytes = 0;
  #socket: WebSocket | undefined;
  #greeted = false;

  connect(url: string, localAddress: string): Promise<void> {
    const socket = new WebSocket(url, { localAddress, handshakeTimeout: 60_000 });
    this.#socket = socket;
    return new Promise((resolve, reject) => {
      socket.on('message', (data: WebSocket.RawData) => {
        const at = sharedNowMs();
        if (!this.#greeted) {
          this.#greeted = true;
          resolve();
        } else if (this.arrivedAt === null) {
          this.arrivedAt = at;
          this.bytes = Array.isArray(data)
            ? data.reduce((sum, part) => sum + part.byteLength, 0)
            : data.byteLength;
        }
      });
      socket.on('error', reject);
      socket.on('close', (code) => reject(new Error(`closed (${code}) before the greeting`)));
    });
  }

  /** This round's arrival (and its size); the next message starts a new round. */
  takeArrival(): number | null {
    const at = this.arrivedAt;
    this.arrivedAt = null;
    return at;
  }

  close(): void {
    this.#socket?.terminate();
  }
}
