// The notification log: for each aggregation group and receiver integration, which alerts were
// last notified as firing and resolved, and when. The dedup step reads it so that a restart or
// a repeated flush does not notify again before repeat_interval. Persisted as Alertmanager's
// `nflog` snapshot (protobuf MeshEntry records).
import type { Logger } from '../../util/log.js';
import {
  ProtoWriter,
  readFields,
  readPackedUints,
  readSnapshot,
  readTimestamp,
  Snapshotter,
  utf8,
} from '../persist/index.js';

export interface ReceiverKey {
  readonly groupName: string; // the receiver's name
  readonly integration: string;
  readonly idx: number;
}

export interface NflogEntry {
  readonly groupKey: string;
  readonly receiver: ReceiverKey;
  readonly timestamp: number;
  readonly firing: ReadonlySet<bigint>;
  readonly resolved: ReadonlySet<bigint>;
  readonly expiresAt: number;
}

const keyOf = (groupKey: string, r: ReceiverKey): string =>
  `${groupKey}\u0000${r.groupName}\u0000${r.integration}\u0000${r.idx}`;

export interface NflogOptions {
  retention: number;
  snapshotPath?: string;
  logger: Logger;
  now?: () => number;
}

export class NotificationLog {
  private readonly entries = new Map<string, NflogEntry>();
  private readonly now: () => number;
  // Written soon after each notification so that a crash does not make it be sent again.
  private readonly snapshots: Snapshotter;

  constructor(private readonly opts: NflogOptions) {
    this.now = opts.now ?? Date.now;
    this.snapshots = new Snapshotter(opts.snapshotPath, () =>
      [...this.entries.values()].map(encodedEntry),
    );
    if (opts.snapshotPath !== undefined) {
      for (const e of readSnapshot(opts.snapshotPath, decodeMeshEntry, opts.logger))
        this.entries.set(keyOf(e.groupKey, e.receiver), e);
      this.gc();
    }
  }

  query(groupKey: string, r: ReceiverKey): NflogEntry | undefined {
    return this.entries.get(keyOf(groupKey, r));
  }

  /** Records a notification; it expires after `expiry` when that is shorter than the retention. */
  log(
    groupKey: string,
    r: ReceiverKey,
    firing: readonly bigint[],
    resolved: readonly bigint[],
    expiry: number,
  ): void {
    const now = this.now();
    const keep = expiry > 0 && this.opts.retention > expiry ? expiry : this.opts.retention;
    this.entries.set(keyOf(groupKey, r), {
      groupKey,
      receiver: r,
      timestamp: now,
      firing: new Set(firing),
      resolved: new Set(resolved),
      expiresAt: now + keep,
    });
    this.changed();
  }

  gc(): number {
    const now = this.now();
    let n = 0;
    for (const [k, e] of this.entries) {
      if (e.expiresAt < now) {
        this.entries.delete(k);
        n++;
      }
    }
    if (n > 0) this.changed();
    return n;
  }

  private changed(): void {
    this.snapshots.changed();
  }

  snapshot(): number {
    return this.snapshots.snapshot();
  }

  close(): void {
    this.snapshots.close();
  }
}

/** Entries never change once logged, so each is encoded once for all the snapshots it is in. */
const encoded = new WeakMap<NflogEntry, Uint8Array>();

function encodedEntry(e: NflogEntry): Uint8Array {
  let b = encoded.get(e);
  if (b === undefined) {
    b = encodeMeshEntry(e);
    encoded.set(e, b);
  }
  return b;
}

function encodeMeshEntry(e: NflogEntry): Uint8Array {
  const recv = new ProtoWriter()
    .string(1, e.receiver.groupName)
    .string(2, e.receiver.integration)
    .uint(3, e.receiver.idx);
  const entry = new ProtoWriter()
    .string(1, e.groupKey)
    .message(2, recv)
    .timestamp(5, e.timestamp)
    .packedUints(6, [...e.firing])
    .packedUints(7, [...e.resolved]);
  return new ProtoWriter().message(1, entry).timestamp(2, e.expiresAt).finish();
}

function decodeMeshEntry(b: Uint8Array): NflogEntry {
  let entry: Uint8Array | null = null;
  let expiresAt = 0;
  for (const f of readFields(b)) {
    if (f.field === 1) entry = f.data;
    if (f.field === 2) expiresAt = readTimestamp(f.data);
  }
  if (entry === null) throw new Error('record without an entry');
  let groupKey = '';
  const receiver = { groupName: '', integration: '', idx: 0 };
  let timestamp = 0;
  const firing = new Set<bigint>();
  const resolved = new Set<bigint>();
  for (const f of readFields(entry)) {
    if (f.field === 1) groupKey = utf8(f.data);
    else if (f.field === 2) {
      for (const g of readFields(f.data)) {
        if (g.field === 1) receiver.groupName = utf8(g.data);
        if (g.field === 2) receiver.integration = utf8(g.data);
        if (g.field === 3) receiver.idx = Number(g.int);
      }
    } else if (f.field === 5) timestamp = readTimestamp(f.data);
    else if (f.field === 6) for (const v of readPackedUints(f)) firing.add(v);
    else if (f.field === 7) for (const v of readPackedUints(f)) resolved.add(v);
  }
  return { groupKey, receiver, timestamp, firing, resolved, expiresAt };
}
