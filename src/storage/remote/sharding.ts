// How many shards a remote-write queue should run, worked out as Prometheus works it out: from
// smoothed rates of samples read, sent and dropped, the time sends take, and how far the highest
// sent timestamp trails the highest stored one. Enough shards to send what comes in, plus 5% of
// the backlog per second; changes under 30% are not worth a reshard.

/** Prometheus's shardUpdateDuration: rates are ticked, and shards reconsidered, this often. */
export const SHARD_UPDATE_INTERVAL = 10_000;
const EWMA_WEIGHT = 0.2;
const TOLERANCE = 0.3;
/** Seconds behind beyond which the queue does not shrink. */
const MAX_DELAY_TO_DOWNSHARD = 10;

/** An exponentially weighted rate per second of events counted between ticks. */
export class EWMARate {
  private pending = 0;
  private value = 0;
  private started = false;

  constructor(private readonly intervalMs: number) {}

  incr(n: number): void {
    this.pending += n;
  }

  tick(): void {
    const instant = this.pending / (this.intervalMs / 1000);
    this.pending = 0;
    this.value = this.started ? this.value + EWMA_WEIGHT * (instant - this.value) : instant;
    this.started = true;
  }

  rate(): number {
    return this.value;
  }
}

export interface ShardInputs {
  current: number;
  min: number;
  max: number;
  /** Samples per second read for this queue, sent, and dropped by relabeling. */
  inRate: number;
  outRate: number;
  droppedRate: number;
  /** Seconds spent sending per second. */
  outDuration: number;
  /** Seconds: highest timestamp stored minus highest sent. */
  delay: number;
}

/** The unrounded estimate (what prometheus_remote_storage_shards_desired shows) and the shard count to run. */
export function desiredShards(x: ShardInputs): { estimate: number; shards: number } {
  if (x.outRate <= 0) return { estimate: x.current, shards: x.current };
  const kept = x.outRate / (x.droppedRate + x.outRate);
  const pending = x.delay * x.inRate * kept;
  const timePerSample = x.outDuration / x.outRate;
  const estimate = timePerSample * (x.inRate * kept + 0.05 * pending);
  const want = Math.ceil(estimate);
  if (want >= x.current * (1 - TOLERANCE) && want <= x.current * (1 + TOLERANCE))
    return { estimate, shards: x.current };
  if (want < x.current && x.delay > MAX_DELAY_TO_DOWNSHARD) return { estimate, shards: x.current };
  return { estimate, shards: Math.min(x.max, Math.max(x.min, want)) };
}
