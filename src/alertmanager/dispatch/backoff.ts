// The retry schedule of Alertmanager's notifications (cenkalti/backoff's defaults): the first
// attempt at once, then waits growing by 1.5× from 500ms up to 60s, each randomised by ±50%.

export class ExponentialBackoff {
  private current = 500;

  constructor(private readonly random: () => number = Math.random) {}

  next(): number {
    const delta = 0.5 * this.current;
    const min = this.current - delta;
    const wait = min + this.random() * (2 * delta);
    this.current = Math.min(this.current * 1.5, 60_000);
    return wait;
  }
}
