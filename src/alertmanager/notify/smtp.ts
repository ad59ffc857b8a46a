// A small SMTP client with the behaviour of Go's net/smtp as Alertmanager drives it: greeting,
// EHLO (HELO if refused), STARTTLS, AUTH (PLAIN, LOGIN, CRAM-MD5), MAIL (with BODY=8BITMIME and
// SMTPUTF8 when offered), RCPT, DATA with dot-stuffing, QUIT. Replies are read line by line;
// every command waits for its reply, so a server's error ends the exchange with its text.
import { createHmac } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export class SMTPError extends Error {
  constructor(
    message: string,
    /** The server's reply code, 0 for a transport failure. */
    readonly code: number,
  ) {
    super(message);
  }
}

interface Reply {
  code: number;
  lines: string[];
}

/** One SMTP session over a socket; methods mirror Go's smtp.Client. */
export class SMTPClient {
  private buf = '';
  private waiting: ((err: Error | null) => void) | null = null;
  private closed: Error | null = null;
  private ext: Map<string, string> | null = null;
  private tls = false;
  private localName = 'localhost';
  private didHello = false;

  private constructor(
    private socket: Socket | TLSSocket,
    /** The smarthost's name, for PLAIN's checks and the TLS server name. */
    readonly serverName: string,
  ) {
    this.attach(socket);
  }

  /** Connects (implicit TLS when tlsOptions is given, as for port 465) and reads the greeting. */
  static async connect(
    host: string,
    port: number,
    tlsOptions: ConnectionOptions | null,
    signal: AbortSignal,
  ): Promise<SMTPClient> {
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const s = tlsOptions ? tlsConnect({ host, port, ...tlsOptions }) : netConnect({ host, port });
      const onErr = (e: Error) => reject(e);
      s.once('error', onErr);
      s.once(tlsOptions ? 'secureConnect' : 'connect', () => {
        s.off('error', onErr);
        resolve(s);
      });
      signal.addEventListener('abort', () => s.destroy(new Error('context canceled')), {
        once: true,
      });
    });
    const c = new SMTPClient(socket, host);
    c.tls = tlsOptions !== null;
    const greeting = await c.readReply();
    if (greeting.code !== 220) {
      c.socket.destroy();
      throw new SMTPError(`${greeting.code} ${greeting.lines.join('\n')}`, greeting.code);
    }
    return c;
  }

  private attach(s: Socket | TLSSocket): void {
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      this.buf += d;
      this.wake(null);
    });
    s.on('error', (e) => {
      this.closed = e;
      this.wake(e);
    });
    s.on('close', () => {
      this.closed ??= new Error('EOF');
      this.wake(this.closed);
    });
  }

  private wake(err: Error | null): void {
    const w = this.waiting;
    this.waiting = null;
    w?.(err);
  }

  private async readLine(): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf('\n');
      if (i >= 0) {
        const line = this.buf.slice(0, i).replace(/\r$/, '');
        this.buf = this.buf.slice(i + 1);
        return line;
      }
      if (this.closed) throw new SMTPError(this.closed.message, 0);
      await new Promise<void>(
        (resolve, reject) =>
          (this.waiting = (e) =>
            e && this.buf.indexOf('\n') < 0 ? reject(new SMTPError(e.message, 0)) : resolve()),
      );
    }
  }

  /** One reply, multi-line ("250-…" … "250 …") joined. */
  private async readReply(): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!m) throw new SMTPError(`short response: ${line}`, 0);
      lines.push(m[3]!);
      if (m[2] !== '-') return { code: Number(m[1]), lines };
    }
  }

  private write(s: string): void {
    this.socket.write(s);
  }

  /** Sends a command and checks its reply code; Go's textproto error is "<code> <text>". */
  private async cmd(expect: number, line: string): Promise<Reply> {
    this.write(line + '\r\n');
    const r = await this.readReply();
    if (r.code !== expect) throw new SMTPError(`${r.code} ${r.lines.join('\n')}`, r.code);
    return r;
  }

  /** EHLO, falling back to HELO; learns the extensions. */
  async hello(name: string): Promise<void> {
    if (this.didHello) throw new SMTPError('smtp: Hello called after other methods', 0);
    this.localName = name;
    await this.ehloOrHelo();
  }

  private async ehloOrHelo(): Promise<void> {
    this.didHello = true;
    this.write(`EHLO ${this.localName}\r\n`);
    const r = await this.readReply();
    if (r.code === 250) {
      this.ext = new Map();
      for (const l of r.lines.slice(1)) {
        const [k, ...rest] = l.split(' ');
        this.ext.set(k!.toUpperCase(), rest.join(' '));
      }
      return;
    }
    await this.cmd(250, `HELO ${this.localName}`);
    this.ext = null;
  }

  private async ensureHello(): Promise<void> {
    if (!this.didHello) await this.ehloOrHelo();
  }

  async extension(name: string): Promise<[boolean, string]> {
    await this.ensureHello();
    const v = this.ext?.get(name.toUpperCase());
    return v === undefined ? [false, ''] : [true, v];
  }

  get isTLS(): boolean {
    return this.tls;
  }

  async startTLS(options: ConnectionOptions): Promise<void> {
    await this.ensureHello();
    await this.cmd(220, 'STARTTLS');
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    this.socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain, ...options });
      s.once('error', reject);
      s.once('secureConnect', () => {
        s.off('error', reject);
        resolve(s);
      });
    });
    this.attach(this.socket);
    this.tls = true;
    await this.ehloOrHelo();
  }

  /** AUTH with one mechanism; a challenge the mechanism cannot answer cancels with "*". */
  async auth(mech: AuthMechanism): Promise<void> {
    await this.ensureHello();
    const start = mech.start({
      name: this.serverName,
      tls: this.tls,
      auth: [...(this.ext?.get('AUTH')?.split(' ') ?? [])],
    });
    let r: Reply;
    // Go trims the command, so an empty initial response sends nothing after the name.
    this.write(
      `AUTH ${start.name}${start.initial ? ' ' + Buffer.from(start.initial).toString('base64') : ''}\r\n`,
    );
    r = await this.readReply();
    while (r.code === 334) {
      const challenge = Buffer.from(r.lines.join(''), 'base64').toString('latin1');
      let answer: string | null;
      try {
        answer = mech.next(challenge, true);
      } catch (e) {
        this.write('*\r\n');
        await this.readReply();
        throw e;
      }
      this.write(Buffer.from(answer ?? '', 'latin1').toString('base64') + '\r\n');
      r = await this.readReply();
    }
    if (r.code !== 235) throw new SMTPError(`${r.code} ${r.lines.join('\n')}`, r.code);
  }

  async mail(from: string): Promise<void> {
    await this.ensureHello();
    let line = `MAIL FROM:<${from}>`;
    if (this.ext?.has('8BITMIME')) line += ' BODY=8BITMIME';
    if (this.ext?.has('SMTPUTF8')) line += ' SMTPUTF8';
    await this.cmd(250, line);
  }

  async rcpt(to: string): Promise<void> {
    this.write(`RCPT TO:<${to}>\r\n`);
    const r = await this.readReply();
    if (Math.floor(r.code / 10) !== 25)
      throw new SMTPError(`${r.code} ${r.lines.join('\n')}`, r.code);
  }

  /** DATA: the message with bare newlines made CRLF and leading dots doubled. */
  async data(message: string): Promise<void> {
    await this.cmd(354, 'DATA');
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.write(body.endsWith('\r\n') ? body + '.\r\n' : body + '\r\n.\r\n');
    const r = await this.readReply();
    if (r.code !== 250) throw new SMTPError(`${r.code} ${r.lines.join('\n')}`, r.code);
  }

  async quit(): Promise<void> {
    try {
      await this.ensureHello();
      await this.cmd(221, 'QUIT');
    } finally {
      this.socket.destroy();
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface ServerInfo {
  name: string;
  tls: boolean;
  auth: string[];
}

/** An AUTH mechanism: its first step (name and initial response, null for none) and its answers. */
export interface AuthMechanism {
  readonly label: string;
  start(server: ServerInfo): { name: string; initial: string | null };
  next(challenge: string, more: boolean): string | null;
}

const isLocalhost = (h: string) => h === 'localhost' || h === '127.0.0.1' || h === '::1';

/** smtp.PlainAuth: refuses to send the password in clear except to localhost. */
export function plainAuth(
  identity: string,
  username: string,
  password: string,
  host: string,
): AuthMechanism {
  return {
    label: '*smtp.plainAuth',
    start(server) {
      if (!server.tls && !isLocalhost(server.name))
        throw new SMTPError('unencrypted connection', 0);
      if (server.name !== host) throw new SMTPError('wrong host name', 0);
      return { name: 'PLAIN', initial: `${identity}\u0000${username}\u0000${password}` };
    },
    next(_c, more) {
      if (more) throw new SMTPError('unexpected server challenge', 0);
      return null;
    },
  };
}

/** Alertmanager's LOGIN: answers "Username:" and "Password:" prompts. */
export function loginAuth(username: string, password: string): AuthMechanism {
  return {
    label: '*email.loginAuth',
    start: () => ({ name: 'LOGIN', initial: '' }),
    next(challenge, more) {
      if (!more) return null;
      switch (challenge.toLowerCase()) {
        case 'username:':
          return username;
        case 'password:':
          return password;
        default:
          throw new SMTPError('unexpected server challenge', 0);
      }
    },
  };
}

/** smtp.CRAMMD5Auth: the username and the hex HMAC-MD5 of the challenge. */
export function cramMD5Auth(username: string, secret: string): AuthMechanism {
  return {
    label: '*smtp.cramMD5Auth',
    start: () => ({ name: 'CRAM-MD5', initial: null }),
    next(challenge, more) {
      if (!more) return null;
      return `${username} ${createHmac('md5', secret).update(Buffer.from(challenge, 'latin1')).digest('hex')}`;
    },
  };
}
