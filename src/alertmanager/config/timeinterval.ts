// Alertmanager's time intervals (`time_intervals:`): ranges of clock times, weekdays, days of the
// month (negative counts from the month's end), months and years, in an optional IANA location.
// An instant is inside an interval when every given kind of range contains it.

export interface Range {
  readonly begin: number;
  readonly end: number;
}

export interface TimeInterval {
  /** Minutes of the day, [start, end). */
  readonly times?: readonly Range[];
  readonly weekdays?: readonly Range[]; // 0 = Sunday
  readonly daysOfMonth?: readonly Range[];
  readonly months?: readonly Range[]; // 1..12
  readonly years?: readonly Range[];
  readonly location?: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function splitRange(s: string): [string, string] {
  const parts = s.split(':');
  if (parts.length === 1) return [parts[0]!, parts[0]!];
  if (parts.length === 2) return [parts[0]!, parts[1]!];
  throw new Error(`couldn't parse range ${s}, invalid format`);
}

export function parseWeekdayRange(s: string): Range {
  const [a, b] = splitRange(s.toLowerCase());
  const begin = WEEKDAYS.indexOf(a);
  const end = WEEKDAYS.indexOf(b);
  if (begin < 0) throw new Error(`${a} is not a valid weekday`);
  if (end < 0) throw new Error(`${b} is not a valid weekday`);
  if (begin > end) throw new Error('start day cannot be before end day');
  return { begin, end };
}

function int(s: string, what: string): number {
  if (!/^-?\d+$/.test(s)) throw new Error(`couldn't parse ${what} ${s}, invalid format`);
  return Number(s);
}

export function parseDayOfMonthRange(s: string): Range {
  const [a, b] = splitRange(s);
  const begin = int(a, 'range');
  const end = int(b, 'range');
  if (begin === 0 || begin < -31 || begin > 31)
    throw new Error(`${begin} is not a valid day of the month: out of range`);
  if (end === 0 || end < -31 || end > 31)
    throw new Error(`${end} is not a valid day of the month: out of range`);
  if (begin < 0 && end > 0) throw new Error('end day must be negative if start day is negative');
  if ((begin > 0 && end > 0 && end < begin) || (begin < 0 && end < 0 && end < begin))
    throw new Error(`end day ${end} is always before start day ${begin}`);
  return { begin, end };
}

function month(s: string): number {
  const i = MONTHS.indexOf(s.toLowerCase());
  if (i >= 0) return i + 1;
  if (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 12) return Number(s);
  throw new Error(`${s} is not a valid month`);
}

export function parseMonthRange(s: string): Range {
  const [a, b] = splitRange(s);
  const begin = month(a);
  const end = month(b);
  if (end < begin) throw new Error(`end month ${b} is before start month ${a}`);
  return { begin, end };
}

export function parseYearRange(s: string): Range {
  const [a, b] = splitRange(s);
  const begin = int(a, 'range');
  const end = int(b, 'range');
  if (end < begin) throw new Error(`end year ${end} is before start year ${begin}`);
  return { begin, end };
}

function minutes(s: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (m === null) throw new Error(`couldn't parse timestamp ${s}, invalid format`);
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (h > 24 || mi > 59 || (h === 24 && mi !== 0)) throw new Error(`timestamp ${s} out of range`);
  return h * 60 + mi;
}

export function parseTimeRange(start: string, end: string): Range {
  if (start === '' || end === '') throw new Error('both start and end times must be provided');
  const begin = minutes(start);
  const e = minutes(end);
  if (begin >= e) throw new Error('start time cannot be equal or greater than end time');
  return { begin, end: e };
}

export function checkLocation(loc: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: loc });
  } catch {
    throw new Error(`unknown time zone ${loc}`);
  }
}

interface Civil {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
  daysInMonth: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function civil(ms: number, loc: string | undefined): Civil {
  // Without a location (or "Local") Alertmanager reads the clock in the process's time zone.
  const zone = loc === undefined || loc === 'Local' ? undefined : loc;
  let f = formatters.get(zone ?? '');
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone ?? '', f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
  const year = Number(p.year);
  const monthN = Number(p.month);
  return {
    year,
    month: monthN,
    day: Number(p.day),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday!),
    minute: Number(p.hour) * 60 + Number(p.minute),
    daysInMonth: new Date(Date.UTC(year, monthN, 0)).getUTCDate(),
  };
}

const inAny = (rs: readonly Range[] | undefined, v: number): boolean =>
  rs === undefined || rs.some((r) => v >= r.begin && v <= r.end);

export function intervalContains(ti: TimeInterval, ms: number): boolean {
  const c = civil(ms, ti.location);
  if (ti.times !== undefined && !ti.times.some((r) => c.minute >= r.begin && c.minute < r.end))
    return false;
  if (ti.daysOfMonth !== undefined) {
    const ok = ti.daysOfMonth.some((r) => {
      const dim = c.daysInMonth;
      const begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      const end = r.end < 0 ? dim + r.end + 1 : r.end;
      if (begin > dim) return false;
      const clamp = (x: number) => Math.max(-dim, Math.min(dim, x));
      return c.day >= clamp(begin) && c.day <= clamp(end);
    });
    if (!ok) return false;
  }
  return inAny(ti.months, c.month) && inAny(ti.weekdays, c.weekday) && inAny(ti.years, c.year);
}

/** True when the instant is inside any of the intervals. */
export function anyIntervalContains(tis: readonly TimeInterval[], ms: number): boolean {
  return tis.some((t) => intervalContains(t, ms));
}
