// Times on amtool's command line: RFC 3339 as Go's time.Parse(time.RFC3339, …) takes it, and
// strfmt's zero DateTime for "not given".
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseRFC3339(s: string): Date {
  const m = RFC3339.exec(s);
  const d = m ? new Date(s) : null;
  if (!d || Number.isNaN(d.getTime()))
    throw new Error(
      `parsing time ${JSON.stringify(s)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(s)} as "2006"`,
    );
  return d;
}

/** Go's zero time.Time as strfmt.DateTime encodes it. */
export const zeroTime = '0001-01-01T00:00:00.000Z';
