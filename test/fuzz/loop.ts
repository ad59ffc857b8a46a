// The mutation loop (`npm run fuzz -- --minutes N [--target T] [--seed S] [--hang-ms MS]`): for
// each target in turn, one worker mutates inputs from the target's corpus and structured seeds
// for N minutes, while this thread watches its case counter: a case that outlives the hang limit
// gets its input saved and the worker replaced. Every crash and hang is saved into the corpus
// with its error (known defects are counted, not saved). Ends with a summary per target.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { readCorpus, saveFinding } from './corpus.js';
import { spawnWorker } from './spawn.js';
import { TARGETS, target as targetByName } from './targets/index.js';
import type { Outcome, Target } from './target.js';
import { BODY, KINDS, SHARED_BYTES, type WorkerMessage } from './protocol.js';

interface Options {
  minutes: number;
  targets: Target[];
  seed: number;
  hangMs: number | null;
}

interface Summary {
  target: string;
  execs: number;
  counts: Record<string, number>;
  crashes: number;
  hangs: number;
  saved: string[];
  known: Map<string, number>;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    minutes: 1,
    targets: [...TARGETS],
    seed: Date.now() % 2 ** 31,
    hangMs: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [k, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const val = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    if (k === '--minutes') o.minutes = Number(val());
    else if (k === '--target') o.targets = val().split(',').map(targetByName);
    else if (k === '--seed') o.seed = Number(val());
    else if (k === '--hang-ms') o.hangMs = Number(val());
    else
      throw new Error(
        `unknown argument ${a}; usage: npm run fuzz -- --minutes N [--target T[,T…]] [--seed S] [--hang-ms MS]`,
      );
  }
  if (!(o.minutes > 0)) throw new Error('--minutes must be a positive number (minutes per target)');
  return o;
}

const report = (o: Outcome & { kind: 'crash' }): string => `${o.name}: ${o.message}\n${o.stack}`;

/** Saves a finding; a failure to save (say, no descriptors left: itself a finding) is printed, not fatal. */
function keep(
  s: Summary,
  target: string,
  kind: 'crash' | 'hang',
  input: Uint8Array,
  text: string,
): void {
  try {
    s.saved.push(saveFinding(target, kind, input, text));
  } catch (e) {
    console.error(
      `fuzz: could not save a ${kind} of ${target} (${(e as Error).message}): ${text.split('\n')[0]}`,
    );
  }
}

/** Runs one target's worker until the deadline, replacing it after every hang. */
async function fuzzTarget(
  t: Target,
  minutes: number,
  seed: number,
  hangMs: number,
): Promise<Summary> {
  const s: Summary = {
    target: t.name,
    execs: 0,
    counts: {},
    crashes: 0,
    hangs: 0,
    saved: [],
    known: new Map(),
  };
  const corpus = readCorpus(t.name).map((c) => c.input);
  const deadline = Date.now() + minutes * 60_000;
  const seen = new Set<string>();
  let round = 0;
  while (Date.now() < deadline - 1000) {
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    const head = new Int32Array(shared, 0, BODY / 4);
    const current = (): Uint8Array =>
      new Uint8Array(shared, BODY, Math.min(Atomics.load(head, 1), SHARED_BYTES - BODY)).slice();
    const scratch = mkdtempSync(join(tmpdir(), `fuzz-${t.name}-`));
    const w: Worker = spawnWorker({
      mode: 'mutate',
      target: t.name,
      seed: (seed + round++ * 7919) >>> 0,
      deadline,
      corpus,
      shared,
      scratch,
    });
    const ended = await new Promise<'done' | 'hang' | 'died'>((resolve) => {
      let last = -1;
      let lastChange = Date.now();
      const timer = setInterval(() => {
        const n = Atomics.load(head, 0);
        if (n !== last) {
          last = n;
          lastChange = Date.now();
        } else if (n > 0 && Date.now() - lastChange > hangMs) {
          clearInterval(timer);
          s.hangs++;
          keep(
            s,
            t.name,
            'hang',
            current(),
            `hang: no answer within ${hangMs} ms (fuzz loop, seed ${seed})`,
          );
          void w.terminate().then(() => resolve('hang'));
        }
      }, 100);
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'done') {
          clearInterval(timer);
          resolve('done');
        }
        if (m.type === 'finding') {
          if (m.outcome.kind === 'known')
            s.known.set(m.outcome.ref, (s.known.get(m.outcome.ref) ?? 0) + 1);
          else if (m.outcome.kind === 'crash') {
            s.crashes++;
            // One saved input per distinct error (the message without its numbers), not thousands.
            const sig = `${m.outcome.name}:${m.outcome.message.replace(/\d+/g, 'N').slice(0, 120)}`;
            if (!seen.has(sig)) {
              seen.add(sig);
              keep(s, t.name, 'crash', m.input, report(m.outcome));
            }
          }
        }
      });
      w.on('error', (e) => {
        clearInterval(timer);
        s.crashes++;
        keep(s, t.name, 'crash', current(), `WorkerDied: ${e.message}\n${e.stack ?? ''}`);
        resolve('died');
      });
    });
    await w.terminate();
    rmSync(scratch, { recursive: true, force: true });
    KINDS.forEach((k, i) => (s.counts[k] = (s.counts[k] ?? 0) + Atomics.load(head, 2 + i)));
    s.execs += Atomics.load(head, 0);
    if (ended === 'done') break;
  }
  return s;
}

export async function main(argv: string[]): Promise<number> {
  const o = parseArgs(argv);
  console.log(`fuzz: ${o.targets.length} target(s), ${o.minutes} min each, seed ${o.seed}`);
  const all: Summary[] = [];
  for (const t of o.targets) {
    const s = await fuzzTarget(t, o.minutes, o.seed, o.hangMs ?? t.hangMs);
    all.push(s);
    const known = [...s.known].map(([r, n]) => `${n}× ${r}`).join('; ');
    console.log(
      `${t.name.padEnd(14)} ${String(s.execs).padStart(9)} execs  ${JSON.stringify(s.counts)}  crashes ${s.crashes}  hangs ${s.hangs}${known ? `  known: ${known}` : ''}`,
    );
    for (const f of s.saved) console.log(`  saved ${f}`);
  }
  const bad = all.reduce((n, s) => n + s.crashes + s.hangs, 0);
  console.log(`fuzz: ${all.reduce((n, s) => n + s.execs, 0)} executions, ${bad} crash(es)/hang(s)`);
  return bad > 0 ? 1 : 0;
}
