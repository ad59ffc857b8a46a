// amtool silence add|query|expire|import.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseDuration } from '../../model/duration/index.js';
import { parseGoDuration } from '../../alertmanager/notify/index.js';
import { UsageError, type FlagSpec } from './args.js';
import { APIError, type APISilence, type PostableSilence } from './client.js';
import type { CommandContext } from './context.js';
import { apiMatcher, parseMatcher, withAlertnameDefault } from './matcher.js';
import { parseRFC3339 } from './times.js';

function username(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

export const SILENCE_ADD_FLAGS: FlagSpec[] = [
  { name: 'author', short: 'a', kind: 'string', default: username() },
  { name: 'require-comment', kind: 'bool', default: 'true' },
  { name: 'duration', short: 'd', kind: 'string', default: '1h' },
  { name: 'start', kind: 'string' },
  { name: 'end', kind: 'string' },
  { name: 'comment', short: 'c', kind: 'string' },
];

export async function silenceAdd(c: CommandContext): Promise<void> {
  const f = c.flags;
  const matchers = withAlertnameDefault(c.args).map(parseMatcher);
  if (matchers.length < 1) throw new UsageError('no matchers specified');
  const startsAt = f.str('start') !== '' ? parseRFC3339(f.str('start')) : new Date();
  let endsAt: Date;
  if (f.str('end') !== '') endsAt = parseRFC3339(f.str('end'));
  else {
    const d = parseDuration(f.str('duration'));
    if (d === 0) throw new UsageError('silence duration must be greater than 0');
    endsAt = new Date(startsAt.getTime() + d);
  }
  if (startsAt.getTime() > endsAt.getTime())
    throw new UsageError('silence cannot start after it ends');
  if (f.bool('require-comment') && f.str('comment') === '')
    throw new UsageError('comment required by config');
  const id = await (
    await c.client()
  ).postSilence({
    matchers: matchers.map(apiMatcher),
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    createdBy: f.str('author'),
    comment: f.str('comment'),
  });
  c.io.out(id + '\n');
}

export const SILENCE_QUERY_FLAGS: FlagSpec[] = [
  { name: 'expired', kind: 'bool' },
  { name: 'quiet', short: 'q', kind: 'bool' },
  { name: 'created-by', kind: 'string' },
  { name: 'within', kind: 'string' },
];

export async function silenceQuery(c: CommandContext): Promise<void> {
  const f = c.flags;
  const within = f.str('within') === '' ? 0 : parseGoDuration(f.str('within'));
  if (within === null)
    throw new UsageError(`time: invalid duration ${JSON.stringify(f.str('within'))}`);
  const expired = f.bool('expired');
  const now = Date.now();
  const shown = (await (await c.client()).getSilences(withAlertnameDefault(c.args))).filter((s) => {
    const end = Date.parse(s.endsAt);
    if (!expired && end < now) return false;
    if (expired && end > now) return false;
    if (!expired && within > 0 && end > now + within) return false;
    if (expired && within > 0 && end < now - within) return false;
    return f.str('created-by') === '' || s.createdBy === f.str('created-by');
  });
  if (f.bool('quiet')) c.io.out(shown.map((s) => s.id + '\n').join(''));
  else c.io.out(c.formatter.silences(shown));
}

export async function silenceExpire(c: CommandContext): Promise<void> {
  if (c.args.length < 1) throw new UsageError('no silence IDs specified');
  const client = await c.client();
  for (const id of c.args) await client.deleteSilence(id);
}

export const SILENCE_IMPORT_FLAGS: FlagSpec[] = [
  { name: 'force', short: 'f', kind: 'bool' },
  { name: 'worker', short: 'w', kind: 'string', default: '8' },
];

/** Posts each silence of a JSON array (as `silence query -o json` writes); a silence gone from the server is created anew. */
export async function silenceImport(c: CommandContext): Promise<void> {
  const text = c.args[0] !== undefined ? readFileSync(c.args[0], 'utf8') : c.io.stdin();
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `couldn't unmarshal input data, is it JSON?: ${text.trim() === '' ? 'EOF' : (e as Error).message}`,
    );
  }
  if (!Array.isArray(list))
    throw new UsageError("couldn't unmarshal input data, is it JSON?: not an array");
  const client = await c.client();
  let failed = 0;
  for (const raw of list as Record<string, unknown>[]) {
    const s: PostableSilence = {
      ...(c.flags.bool('force') || typeof raw['id'] !== 'string' || raw['id'] === ''
        ? {}
        : { id: raw['id'] }),
      matchers: (raw['matchers'] as PostableSilence['matchers']) ?? [],
      startsAt: String(raw['startsAt'] ?? ''),
      endsAt: String(raw['endsAt'] ?? ''),
      createdBy: String(raw['createdBy'] ?? ''),
      comment: String(raw['comment'] ?? ''),
    };
    try {
      let id: string;
      try {
        id = await client.postSilence(s);
      } catch (e) {
        if (!(e instanceof APIError && e.status === 404)) throw e;
        delete s.id;
        id = await client.postSilence(s);
      }
      c.io.out(id + '\n');
    } catch (e) {
      failed++;
      c.io.err(`Error adding silence id='${s.id ?? ''}': ${(e as Error).message}\n`);
    }
  }
  if (failed > 0) throw new UsageError(`couldn't import ${failed} out of ${list.length} silences`);
}

export const SILENCE_UPDATE_FLAGS: FlagSpec[] = [
  { name: 'quiet', short: 'q', kind: 'bool' },
  { name: 'duration', short: 'd', kind: 'string' },
  { name: 'start', kind: 'string' },
  { name: 'end', kind: 'string' },
  { name: 'comment', short: 'c', kind: 'string' },
];

/**
 * Changes start, end (or duration from the start) and comment of existing silences and prints
 * them as they were read, with the id the update returned. (amtool 0.25's -q prints a pointer
 * by mistake; the ids are printed here.)
 */
export async function silenceUpdate(c: CommandContext): Promise<void> {
  const f = c.flags;
  if (c.args.length < 1) throw new UsageError('no silence IDs specified');
  const client = await c.client();
  const updated: APISilence[] = [];
  for (const id of c.args) {
    const s = await client.getSilence(id);
    if (f.str('start') !== '') s.startsAt = parseRFC3339(f.str('start')).toISOString();
    if (f.str('end') !== '') s.endsAt = parseRFC3339(f.str('end')).toISOString();
    else if (f.str('duration') !== '') {
      const d = parseDuration(f.str('duration'));
      if (d === 0) throw new UsageError('silence duration must be greater than 0');
      s.endsAt = new Date(Date.parse(s.startsAt) + d).toISOString();
    }
    if (Date.parse(s.startsAt) > Date.parse(s.endsAt))
      throw new UsageError('silence cannot start after it ends');
    if (f.str('comment') !== '') s.comment = f.str('comment');
    s.id = await client.postSilence({
      id: s.id,
      matchers: s.matchers,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      createdBy: s.createdBy,
      comment: s.comment,
    });
    updated.push(s);
  }
  if (f.bool('quiet')) c.io.out(updated.map((s) => s.id + '\n').join(''));
  else c.io.out(c.formatter.silences(updated));
}
