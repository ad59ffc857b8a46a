// Email (notify/email): one SMTP session per notification — implicit TLS on port 465, else
// plain with STARTTLS when require_tls (the default), AUTH with the first mechanism the server
// offers that the config can satisfy, then a multipart/alternative message of the text and HTML
// parts in quoted-printable, its headers Q-encoded. Connection-level failures are retried,
// template and address errors are not.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { ConfigReader, templater } from './common.js';
import {
  NotifyError,
  type AlertmanagerGlobal,
  type Integration,
  type IntegrationDeps,
  type IntegrationType,
  type NotifyAlert,
  type NotifyContext,
} from './integration.js';
import { SMTPClient, cramMD5Auth, loginAuth, plainAuth, type AuthMechanism } from './smtp.js';
import { parseAddressList, qEncode, quotedPrintable } from './mime.js';

interface TLSSettings {
  caFile: string;
  certFile: string;
  keyFile: string;
  serverName: string;
  insecureSkipVerify: boolean;
  minVersion: string;
}

export interface EmailConfig {
  sendResolved: boolean;
  to: string;
  from: string;
  hello: string;
  host: string;
  port: string;
  authUsername: string;
  authPassword: string;
  authPasswordFile: string;
  authSecret: string;
  authIdentity: string;
  /** Canonical header name → template. */
  headers: Map<string, string>;
  html: string;
  text: string;
  requireTLS: boolean;
  tls: TLSSettings;
}

/** textproto.CanonicalMIMEHeaderKey: each dash-separated word capitalised. */
export function canonicalHeaderKey(k: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(k)) return k;
  return k
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

function splitHostPort(s: string, where: string): [string, string] {
  const m = /^\[([^\]]*)\]:(\d*)$/.exec(s) ?? /^([^:]*):([^:]*)$/.exec(s);
  if (!m) throw new Error(`${where}: address ${s}: missing port in address`);
  if (m[2] === '') throw new Error(`${where}: address ${s}: port must be specified`);
  return [m[1]!, m[2]!];
}

function parseTLS(raw: Readonly<Record<string, unknown>> | undefined): TLSSettings {
  const r = new ConfigReader(raw ?? {}, 'TLSConfig');
  const t = {
    caFile: r.str('ca_file'),
    certFile: r.str('cert_file'),
    keyFile: r.str('key_file'),
    serverName: r.str('server_name'),
    insecureSkipVerify: r.bool('insecure_skip_verify', false),
    minVersion: r.str('min_version'),
  };
  r.done();
  if ((t.certFile === '') !== (t.keyFile === ''))
    r.fail(`tls_config: exactly one of key and cert file specified`);
  if (t.minVersion !== '' && !['TLS10', 'TLS11', 'TLS12', 'TLS13'].includes(t.minVersion))
    r.fail(`tls_config: unknown TLS version: ${t.minVersion}`);
  return t;
}

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): EmailConfig {
  const r = new ConfigReader(raw, 'EmailConfig');
  const smarthost = r.str('smarthost');
  const requireTLS = r.optBool('require_tls');
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(r.stringMap('headers') ?? {})) {
    const key = canonicalHeaderKey(k);
    if (headers.has(key)) r.fail(`duplicate header ${JSON.stringify(key)} in email config`);
    headers.set(key, v);
  }
  const c = {
    sendResolved: r.bool('send_resolved', false),
    to: r.str('to'),
    from: r.str('from'),
    hello: r.str('hello'),
    authUsername: r.str('auth_username'),
    authPassword: r.str('auth_password'),
    authPasswordFile: r.str('auth_password_file'),
    authSecret: r.str('auth_secret'),
    authIdentity: r.str('auth_identity'),
    html: r.str('html', '{{ template "email.default.html" . }}'),
    text: r.str('text'),
    tls: parseTLS(r.mapping('tls_config')),
  };
  r.done();
  if (c.to === '') r.fail('missing to address in email config');
  let hostPort = smarthost;
  if (hostPort === '') {
    hostPort = global.smtpSmarthost || r.fail('no global SMTP smarthost set');
  }
  const [host, port] = splitHostPort(hostPort, 'smarthost');
  if (c.from === '') {
    c.from = global.smtpFrom || r.fail('no global SMTP from set');
  }
  if (c.hello === '') c.hello = global.smtpHello;
  if (c.authUsername === '') c.authUsername = global.smtpAuthUsername ?? '';
  if (c.authPassword === '' && c.authPasswordFile === '') {
    c.authPassword = global.smtpAuthPassword ?? '';
    c.authPasswordFile = global.smtpAuthPasswordFile ?? '';
  }
  if (c.authSecret === '') c.authSecret = global.smtpAuthSecret ?? '';
  if (c.authIdentity === '') c.authIdentity = global.smtpAuthIdentity ?? '';
  if (!headers.has('Subject')) headers.set('Subject', '{{ template "email.default.subject" . }}');
  if (!headers.has('To')) headers.set('To', c.to);
  if (!headers.has('From')) headers.set('From', c.from);
  return { ...c, host, port, headers, requireTLS: requireTLS ?? global.smtpRequireTls };
}

const TLS_VERSIONS = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
} as const;

function tlsOptions(c: EmailConfig): ConnectionOptions {
  const t = c.tls;
  const name = t.serverName !== '' ? t.serverName : c.host;
  // Node verifies an IP address against the certificate without SNI (which may not carry one).
  const o: ConnectionOptions = {
    rejectUnauthorized: !t.insecureSkipVerify,
    ...(isIP(name) ? {} : { servername: name }),
  };
  if (t.caFile !== '') o.ca = readFileSync(t.caFile);
  if (t.certFile !== '') o.cert = readFileSync(t.certFile);
  if (t.keyFile !== '') o.key = readFileSync(t.keyFile);
  if (t.minVersion !== '') o.minVersion = TLS_VERSIONS[t.minVersion as keyof typeof TLS_VERSIONS];
  return o;
}

/** The first of the server's mechanisms the config can use; errors for the rest as Alertmanager words them. */
function chooseAuth(c: EmailConfig, mechs: string): AuthMechanism | null {
  if (c.authUsername === '') return null;
  const errs: string[] = [];
  const password = (): string =>
    c.authPasswordFile !== '' ? readFileSync(c.authPasswordFile, 'utf8') : c.authPassword;
  for (const mech of mechs.split(' ')) {
    switch (mech) {
      case 'CRAM-MD5':
        if (c.authSecret === '') {
          errs.push('missing secret for CRAM-MD5 auth mechanism');
          continue;
        }
        return cramMD5Auth(c.authUsername, c.authSecret);
      case 'PLAIN':
      case 'LOGIN': {
        let p: string;
        try {
          p = password();
        } catch (e) {
          errs.push(`could not read ${c.authPasswordFile}: ${(e as Error).message}`);
          continue;
        }
        if (p === '') {
          errs.push(`missing password for ${mech} auth mechanism`);
          continue;
        }
        return mech === 'PLAIN'
          ? plainAuth(c.authIdentity, c.authUsername, p, c.host)
          : loginAuth(c.authUsername, p);
      }
    }
  }
  if (errs.length === 0) errs.push(`unknown auth mechanism: ${mechs}`);
  throw new NotifyError(
    `find auth mechanism: ${errs.length} error${errs.length > 1 ? 's' : ''} occurred:\n${errs.map((e) => `\t* ${e}`).join('\n')}\n\n`,
    true,
  );
}

/** time.RFC1123Z in the local zone: "Mon, 02 Jan 2006 15:04:05 -0700". */
function rfc1123z(d: Date): string {
  const off = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + off * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][local.getUTCDay()]!;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    local.getUTCMonth()
  ]!;
  const sign = off < 0 ? '-' : '+';
  return `${day}, ${p(local.getUTCDate())} ${mon} ${local.getUTCFullYear()} ${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())} ${sign}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
}

const wrap =
  (what: string, retry: boolean) =>
  (e: unknown): never => {
    if (e instanceof NotifyError) throw e;
    throw new NotifyError(`${what}: ${(e as Error).message}`, retry);
  };

function create(c: EmailConfig, index: number, deps: IntegrationDeps): Integration {
  const host = (() => {
    try {
      return hostname();
    } catch {
      return 'localhost.localdomain';
    }
  })();
  return {
    name: 'email',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const implicitTLS = c.port === '465';
      const client = await SMTPClient.connect(
        c.host,
        Number(c.port),
        implicitTLS ? tlsOptions(c) : null,
        ctx.signal,
      ).catch(
        wrap(
          implicitTLS ? 'establish TLS connection to server' : 'establish connection to server',
          true,
        ),
      );
      let success = false;
      try {
        if (c.hello !== '') await client.hello(c.hello).catch(wrap('send EHLO command', true));
        if (c.requireTLS) {
          const [ok] = await client.extension('STARTTLS');
          if (!ok)
            throw new NotifyError(
              `'require_tls' is true (default) but "${c.host}:${c.port}" does not advertise the STARTTLS extension`,
              true,
            );
          await client.startTLS(tlsOptions(c)).catch(wrap('send STARTTLS command', true));
        }
        const [hasAuth, mechs] = await client.extension('AUTH');
        if (hasAuth) {
          const mech = chooseAuth(c, mechs);
          if (mech) await client.auth(mech).catch(wrap(`${mech.label} auth`, true));
        }
        const { text, html } = templater(deps, ctx, alerts);
        const from = await text(c.from).catch(wrap("execute 'from' template", false));
        const to = await text(c.to).catch(wrap("execute 'to' template", false));
        let fromAddrs: string[];
        try {
          fromAddrs = parseAddressList(from);
        } catch (e) {
          throw new NotifyError(`parse 'from' addresses: ${(e as Error).message}`, false);
        }
        if (fromAddrs.length !== 1)
          throw new NotifyError(
            `must be exactly one 'from' address (got: ${fromAddrs.length})`,
            false,
          );
        await client.mail(fromAddrs[0]!).catch(wrap('send MAIL command', true));
        let toAddrs: string[];
        try {
          toAddrs = parseAddressList(to);
        } catch (e) {
          throw new NotifyError(`parse 'to' addresses: ${(e as Error).message}`, false);
        }
        for (const a of toAddrs) await client.rcpt(a).catch(wrap('send RCPT command', true));

        let head = '';
        for (const [name, t] of c.headers) {
          const value = await text(t).catch(
            wrap(`execute ${JSON.stringify(name)} header template`, false),
          );
          head += `${name}: ${qEncode(value)}\r\n`;
        }
        if (!c.headers.has('Message-Id'))
          head += `Message-Id: <${BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)}.${randomBytes(8).readBigUInt64BE()}@${host}>\r\n`;
        const boundary = randomBytes(30).toString('hex');
        head += `Date: ${rfc1123z(new Date())}\r\n`;
        head += `Content-Type: multipart/alternative;  boundary=${boundary}\r\n`;
        head += 'MIME-Version: 1.0\r\n\r\n';
        const parts: string[] = [];
        if (c.text !== '')
          parts.push(
            part('text/plain', await text(c.text).catch(wrap('execute text template', false))),
          );
        if (c.html !== '')
          parts.push(
            part('text/html', await html(c.html).catch(wrap('execute html template', false))),
          );
        const body =
          parts.map((p, i) => `${i === 0 ? '' : '\r\n'}--${boundary}\r\n${p}`).join('') +
          `\r\n--${boundary}--\r\n`;
        await client.data(head + body).catch(wrap('send DATA command', true));
        success = true;
      } finally {
        await client.quit().catch((e: unknown) => {
          if (success)
            deps.log('warn', 'failed to close SMTP connection', { err: (e as Error).message });
        });
      }
    },
  };
}

/** One multipart part: its headers in Go's sorted order, then the quoted-printable body. */
function part(type: string, body: string): string {
  return `Content-Transfer-Encoding: quoted-printable\r\nContent-Type: ${type}; charset=UTF-8\r\n\r\n${quotedPrintable(body)}`;
}

export const email: IntegrationType<EmailConfig> = {
  configKey: 'email_configs',
  name: 'email',
  parse,
  create,
};
