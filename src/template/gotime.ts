// The time.Time methods templates reach through toTime (".Format", ".Unix", …), in UTC as
// Prometheus's toTime returns them. Go's reference-layout formatting is covered for the tokens
// seen in alert templates.
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number, w: number, c = '0') => String(n).padStart(w, c);

// Longest tokens first, so "2006" wins over "2", "January" over "Jan".
const TOKENS = [
  'January',
  'Monday',
  '-07:00:00',
  'Z07:00:00',
  '-07:00',
  'Z07:00',
  '-0700',
  'Z0700',
  '2006',
  '.000000000',
  '.000000',
  '.000',
  '.999999999',
  '.999999',
  '.999',
  'Jan',
  'Mon',
  'MST',
  '002',
  '01',
  '02',
  '_2',
  '03',
  '04',
  '05',
  '06',
  '15',
  '-07',
  'Z07',
  'PM',
  'pm',
  '1',
  '2',
  '3',
  '4',
  '5',
];

export function formatGoTime(d: Date, layout: string): string {
  const ms = d.getTime();
  let out = '';
  for (let i = 0; i < layout.length;) {
    const tok = TOKENS.find((t) => layout.startsWith(t, i));
    if (!tok) {
      out += layout[i];
      i++;
      continue;
    }
    i += tok.length;
    const frac = ((ms % 1000) + 1000) % 1000;
    switch (tok) {
      case 'January':
        out += MONTHS[d.getUTCMonth()];
        break;
      case 'Jan':
        out += MONTHS[d.getUTCMonth()]!.slice(0, 3);
        break;
      case 'Monday':
        out += DAYS[d.getUTCDay()];
        break;
      case 'Mon':
        out += DAYS[d.getUTCDay()]!.slice(0, 3);
        break;
      case '2006':
        out += pad(d.getUTCFullYear(), 4);
        break;
      case '06':
        out += pad(d.getUTCFullYear() % 100, 2);
        break;
      case '01':
        out += pad(d.getUTCMonth() + 1, 2);
        break;
      case '1':
        out += String(d.getUTCMonth() + 1);
        break;
      case '02':
        out += pad(d.getUTCDate(), 2);
        break;
      case '_2':
        out += pad(d.getUTCDate(), 2, ' ');
        break;
      case '2':
        out += String(d.getUTCDate());
        break;
      case '002': {
        const start = Date.UTC(d.getUTCFullYear(), 0, 1);
        out += pad(Math.floor((ms - start) / 86_400_000) + 1, 3);
        break;
      }
      case '15':
        out += pad(d.getUTCHours(), 2);
        break;
      case '03':
        out += pad(d.getUTCHours() % 12 || 12, 2);
        break;
      case '3':
        out += String(d.getUTCHours() % 12 || 12);
        break;
      case '04':
        out += pad(d.getUTCMinutes(), 2);
        break;
      case '4':
        out += String(d.getUTCMinutes());
        break;
      case '05':
        out += pad(d.getUTCSeconds(), 2);
        break;
      case '5':
        out += String(d.getUTCSeconds());
        break;
      case 'PM':
        out += d.getUTCHours() >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += d.getUTCHours() >= 12 ? 'pm' : 'am';
        break;
      case 'MST':
        out += 'UTC';
        break;
      case 'Z07:00:00':
      case 'Z07:00':
      case 'Z0700':
      case 'Z07':
        out += 'Z';
        break;
      case '-07:00:00':
        out += '+00:00:00';
        break;
      case '-07:00':
        out += '+00:00';
        break;
      case '-0700':
        out += '+0000';
        break;
      case '-07':
        out += '+00';
        break;
      case '.000':
        out += '.' + pad(frac, 3);
        break;
      case '.000000':
        out += '.' + pad(frac, 3) + '000';
        break;
      case '.000000000':
        out += '.' + pad(frac, 3) + '000000';
        break;
      default: {
        // .999…: fraction with trailing zeros removed, nothing when zero.
        const f = pad(frac, 3).replace(/0+$/, '');
        out += f === '' ? '' : '.' + f;
      }
    }
  }
  return out;
}

/** Go's default time.Time printing (String()), in UTC. */
export function goTimeString(d: Date): string {
  return formatGoTime(d, '2006-01-02 15:04:05.999999999 -0700 MST');
}

/** Calls a time.Time method by name; undefined when there is no such method. Go ints come back as bigint so they print as integers. */
export function callTimeMethod(d: Date, name: string, args: unknown[]): unknown {
  const r = timeMethod(d, name, args);
  return typeof r === 'number' ? BigInt(r) : r;
}

function timeMethod(d: Date, name: string, args: unknown[]): unknown {
  switch (name) {
    case 'Format':
      return formatGoTime(d, String(args[0] ?? ''));
    case 'Unix':
      return Math.floor(d.getTime() / 1000);
    case 'UnixMilli':
      return d.getTime();
    case 'UnixNano':
      return d.getTime() * 1e6;
    case 'UTC':
    case 'Local':
      return d;
    case 'Year':
      return d.getUTCFullYear();
    case 'Month':
      return MONTHS[d.getUTCMonth()];
    case 'Day':
      return d.getUTCDate();
    case 'Hour':
      return d.getUTCHours();
    case 'Minute':
      return d.getUTCMinutes();
    case 'Second':
      return d.getUTCSeconds();
    case 'Weekday':
      return DAYS[d.getUTCDay()];
    case 'YearDay':
      return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    case 'String':
      return goTimeString(d);
    default:
      return undefined;
  }
}
