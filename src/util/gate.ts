// A counting gate (Prometheus's util/gate): at most `limit` holders at a time, the rest wait in
// arrival order. A released slot passes straight to the next waiter, so a newcomer can never
// overtake the queue and the count never exceeds the limit.
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  /** limit <= 0: no limit. */
  constructor(private readonly limit: number) {}

  /** Resolves holding a slot; rejects with abortError() if the signal fires while waiting. */
  async acquire(
    signal?: AbortSignal,
    abortError: () => Error = () => new Error('context canceled'),
  ): Promise<void> {
    if (this.limit <= 0 || this.active < this.limit) {
      this.active++;
      return;
    }
    if (signal?.aborted) throw abortError();
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(go);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot goes to the next waiter as it is: active stays counted for it.
    if (next) next();
    else this.active--;
  }

  /** Holders plus waiters. */
  get inFlight(): number {
    return this.active + this.waiting.length;
  }
}
