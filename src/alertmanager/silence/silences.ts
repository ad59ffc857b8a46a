// Silences: create, update (in place when Alertmanager allows it, else expire and replace),
// expire, query, mute a label set, garbage-collect after the retention, and persist as
// Alertmanager's `silences` snapshot (protobuf MeshSilence records).
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../util/log.js';
import { AMMatcher, matchersMatch, type MatchType } from '../matchers/index.js';
import type { LabelSet } from '../model/index.js';
import {
  ProtoWriter,
  readFields,
  readSnapshot,
  readTimestamp,
  Snapshotter,
  utf8,
} from '../persist/index.js';

export type SilenceState = 'active' | 'pending' | 'expired';

export interface Silence {
  readonly id: string;
  readonly matchers: readonly AMMatcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly updatedAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

export type SilenceInput = Omit<Silence, 'updatedAt'>;

export class SilenceNotFoundError extends Error {
  constructor() {
    super('silence not found');
  }
}
export class SilenceValidationError extends Error {}

export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  if (now < s.endsAt) return 'active';
  return 'expired';
}

function validate(s: Silence): void {
  const invalid = (why: string) => new SilenceValidationError(`silence invalid: ${why}`);
  if (s.matchers.length === 0) throw invalid('at least one matcher required');
  let allEmpty = true;
  s.matchers.forEach((m, i) => {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name))
      throw invalid(`invalid label matcher ${i}: invalid label name "${m.name}"`);
    allEmpty &&= m.matches('');
  });
  if (allEmpty) throw invalid('at least one matcher must not match the empty string');
  if (s.endsAt < s.startsAt) throw invalid('end time must not be before start time');
}

const sameMatchers = (a: readonly AMMatcher[], b: readonly AMMatcher[]): boolean =>
  a.length === b.length &&
  a.every((m, i) => m.type === b[i]!.type && m.name === b[i]!.name && m.value === b[i]!.value);

const PB_TYPE: Record<MatchType, number> = { '=': 0, '=~': 1, '!=': 2, '!~': 3 };
const FROM_PB: MatchType[] = ['=', '=~', '!=', '!~'];

export interface SilencesOptions {
  retention: number;
  /** The snapshot file (`<storage.path>/silences`); none keeps silences in memory only. */
  snapshotPath?: string;
  logger: Logger;
  now?: () => number;
}

export class Silences {
  private readonly byId = new Map<string, Silence>();
  private readonly now: () => number;
  private readonly snapshots: Snapshotter;
  /** Bumped on every change; lets callers cache what a version muted. */
  version = 0;

  constructor(private readonly opts: SilencesOptions) {
    this.now = opts.now ?? Date.now;
    this.snapshots = new Snapshotter(opts.snapshotPath, () =>
      [...this.byId.values()].map((s) => encodeMeshSilence(s, s.endsAt + this.opts.retention)),
    );
    if (opts.snapshotPath !== undefined) {
      for (const s of readSnapshot(opts.snapshotPath, decodeMeshSilence, opts.logger))
        this.byId.set(s.id, s);
      this.gc();
    }
  }

  get(id: string): Silence | undefined {
    return this.byId.get(id);
  }

  list(): Silence[] {
    return [...this.byId.values()];
  }

  /** Creates or updates; returns the id (a new one when an update had to replace). */
  set(input: SilenceInput): string {
    const now = this.now();
    const prev = input.id === '' ? undefined : this.byId.get(input.id);
    if (input.id !== '' && prev === undefined) throw new SilenceNotFoundError();
    const candidate: Silence = { ...input, updatedAt: now };
    validate(candidate);
    if (prev !== undefined) {
      if (this.canUpdate(prev, candidate, now)) {
        this.store(candidate);
        return candidate.id;
      }
      if (silenceState(prev, now) !== 'expired') this.expire(prev.id);
    }
    const fresh: Silence = {
      ...candidate,
      id: randomUUID(),
      startsAt: Math.max(candidate.startsAt, now),
    };
    this.store(fresh);
    return fresh.id;
  }

  private canUpdate(a: Silence, b: Silence, now: number): boolean {
    if (!sameMatchers(a.matchers, b.matchers)) return false;
    switch (silenceState(a, now)) {
      case 'active':
        return b.startsAt === a.startsAt && b.endsAt >= now;
      case 'pending':
        return b.startsAt >= now;
      case 'expired':
        return false;
    }
  }

  expire(id: string): void {
    const s = this.byId.get(id);
    if (s === undefined) throw new SilenceNotFoundError();
    const now = this.now();
    switch (silenceState(s, now)) {
      case 'expired':
        throw new SilenceValidationError(`silence ${id} already expired`);
      case 'active':
        this.store({ ...s, endsAt: now, updatedAt: now });
        return;
      case 'pending':
        this.store({ ...s, startsAt: now, endsAt: now, updatedAt: now });
    }
  }

  /** The ids of the active silences whose matchers all match the label set. */
  mutedBy(ls: LabelSet): string[] {
    const now = this.now();
    const out: string[] = [];
    for (const s of this.byId.values())
      if (silenceState(s, now) === 'active' && matchersMatch(s.matchers, ls)) out.push(s.id);
    return out.sort();
  }

  /** Drops silences that ended longer than the retention ago; returns how many. */
  gc(): number {
    const cutoff = this.now() - this.opts.retention;
    let n = 0;
    for (const [id, s] of this.byId) {
      if (s.endsAt < cutoff) {
        this.byId.delete(id);
        n++;
      }
    }
    if (n > 0) this.changed();
    return n;
  }

  private store(s: Silence): void {
    this.byId.set(s.id, s);
    this.changed();
  }

  private changed(): void {
    this.version++;
    this.snapshots.changed();
  }

  /** Writes the snapshot now if anything changed; returns its size in bytes. */
  snapshot(): number {
    return this.snapshots.snapshot();
  }

  close(): void {
    this.snapshots.close();
  }
}

function encodeMeshSilence(s: Silence, expiresAt: number): Uint8Array {
  const sil = new ProtoWriter().string(1, s.id);
  for (const m of s.matchers)
    sil.message(2, new ProtoWriter().uint(1, PB_TYPE[m.type]).string(2, m.name).string(3, m.value));
  sil
    .timestamp(3, s.startsAt)
    .timestamp(4, s.endsAt)
    .timestamp(5, s.updatedAt)
    .string(8, s.createdBy)
    .string(9, s.comment);
  return new ProtoWriter().message(1, sil).timestamp(2, expiresAt).finish();
}

function decodeMeshSilence(b: Uint8Array): Silence {
  let body: Uint8Array | null = null;
  for (const f of readFields(b)) if (f.field === 1) body = f.data;
  if (body === null) throw new Error('record without a silence');
  let id = '';
  const matchers: AMMatcher[] = [];
  let startsAt = 0;
  let endsAt = 0;
  let updatedAt = 0;
  let createdBy = '';
  let comment = '';
  for (const f of readFields(body)) {
    switch (f.field) {
      case 1:
        id = utf8(f.data);
        break;
      case 2: {
        let type = 0;
        let name = '';
        let value = '';
        for (const g of readFields(f.data)) {
          if (g.field === 1) type = Number(g.int);
          if (g.field === 2) name = utf8(g.data);
          if (g.field === 3) value = utf8(g.data);
        }
        const t = FROM_PB[type];
        if (t === undefined) throw new Error(`unknown matcher type ${type}`);
        matchers.push(new AMMatcher(t, name, value));
        break;
      }
      case 3:
        startsAt = readTimestamp(f.data);
        break;
      case 4:
        endsAt = readTimestamp(f.data);
        break;
      case 5:
        updatedAt = readTimestamp(f.data);
        break;
      case 8:
        createdBy = utf8(f.data);
        break;
      case 9:
        comment = utf8(f.data);
        break;
    }
  }
  if (id === '') throw new Error('silence without an id');
  return { id, matchers, startsAt, endsAt, updatedAt, createdBy, comment };
}
