/** Keeps the first and last halves of a byte stream within a fixed budget; drops the middle. */
export class CappedOutput {
  readonly #half: number;
  readonly #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #total = 0;

  constructor(maxBytes: number) {
    this.#half = Math.floor(maxBytes / 2);
  }

  push(chunk: Buffer): void {
    this.#total += chunk.length;
    const room = this.#half - this.#headBytes;
    if (room > 0) {
      const head = chunk.subarray(0, room);
      this.#head.push(Buffer.from(head));
      this.#headBytes += head.length;
      chunk = chunk.subarray(head.length);
    }
    if (chunk.length > 0) this.#pushTail(chunk);
  }

  #pushTail(chunk: Buffer): void {
    this.#tail.push(Buffer.from(chunk));
    this.#tailBytes += chunk.length;
    while (this.#tailBytes > this.#half) {
      const first = this.#tail[0] ?? Buffer.alloc(0);
      const excess = this.#tailBytes - this.#half;
      if (first.length <= excess) this.#tail.shift();
      else this.#tail[0] = first.subarray(excess);
      this.#tailBytes -= Math.min(first.length, excess);
    }
  }

  result(): { output: string; outputBytes: number } {
    const dropped = this.#total - this.#headBytes - this.#tailBytes;
    const middle = dropped > 0 ? [Buffer.from(`\n[... ${dropped} bytes omitted ...]\n`)] : [];
    const output = Buffer.concat([...this.#head, ...middle, ...this.#tail]).toString('utf8');
    return { output, outputBytes: this.#total };
  }
}
