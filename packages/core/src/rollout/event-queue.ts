/** A binary min-heap of timed items; equal times come out in insertion order. */
export class EventQueue<T> {
  readonly #heap: { at: number; seq: number; item: T }[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(at: number, item: T): void {
    this.#heap.push({ at, seq: this.#seq++, item });
    this.#up(this.#heap.length - 1);
  }

  pop(): { at: number; item: T } | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (heap.length > 0) {
      heap[0] = last;
      this.#down(0);
    }
    return { at: top.at, item: top.item };
  }

  #less(i: number, j: number): boolean {
    const a = this.#heap[i];
    const b = this.#heap[j];
    if (a === undefined || b === undefined) return false;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    [heap[i], heap[j]] = [heap[j] as (typeof heap)[number], heap[i] as (typeof heap)[number]];
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      let best = i;
      if (this.#less(left, best)) best = left;
      if (this.#less(left + 1, best)) best = left + 1;
      if (best === i) return;
      this.#swap(i, best);
      i = best;
    }
  }
}
