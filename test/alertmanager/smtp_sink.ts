// A recording SMTP server for the email tests: EHLO with the configured extensions, STARTTLS
// (given a certificate), AUTH PLAIN / LOGIN / CRAM-MD5 checked against one user, MAIL, RCPT,
// DATA, QUIT. It keeps each session's client lines and the messages received.
import { createServer, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { createHmac } from 'node:crypto';
import type { TestContext } from 'node:test';

export interface SMTPSession {
  lines: string[];
  messages: string[];
}

export interface SMTPSinkOptions {
  /** AUTH mechanisms to advertise (after TLS when starttls is set). */
  auth?: string[];
  starttls?: { key: Buffer; cert: Buffer };
  /** TLS from the first byte (as on port 465). */
  implicitTLS?: { key: Buffer; cert: Buffer };
  port?: number;
  user?: string;
  password?: string;
  secret?: string;
}

const CHALLENGE = '<1896.697170952@sink.example>';

export async function startSMTPSink(
  t: TestContext,
  o: SMTPSinkOptions = {},
): Promise<{
  port: number;
  sessions: SMTPSession[];
  waitFor: (n: number, ms?: number) => Promise<SMTPSession[]>;
}> {
  const sessions: SMTPSession[] = [];
  const srv = createServer((plain) => {
    const s: SMTPSession = { lines: [], messages: [] };
    sessions.push(s);
    const raw: Socket = o.implicitTLS
      ? new TLSSocket(plain, { isServer: true, key: o.implicitTLS.key, cert: o.implicitTLS.cert })
      : plain;
    let sock: Socket = raw;
    let tls = o.implicitTLS !== undefined;
    let buf = '';
    let mode: 'cmd' | 'data' | 'login-user' | 'login-pass' | 'cram' = 'cmd';
    let data = '';
    let loginUser = '';
    const send = (l: string) => sock.write(l + '\r\n');
    const ehlo = () => {
      const ext = ['8BITMIME', 'PIPELINING'];
      if (o.starttls && !tls) ext.push('STARTTLS');
      if (o.auth && (!o.starttls || tls)) ext.push('AUTH ' + o.auth.join(' '));
      send('250-sink.example greets you');
      ext.forEach((e, i) => send(`250${i === ext.length - 1 ? ' ' : '-'}${e}`));
    };
    const ok = (u: string, p: string) =>
      u === o.user && p === o.password
        ? send('235 2.7.0 Authentication successful')
        : send('535 5.7.8 bad credentials');
    const onLine = (line: string) => {
      if (mode === 'data') {
        if (line === '.') {
          s.messages.push(data);
          data = '';
          mode = 'cmd';
          send('250 2.0.0 queued');
        } else data += line + '\r\n';
        return;
      }
      s.lines.push(line);
      if (mode === 'login-user') {
        loginUser = Buffer.from(line, 'base64').toString();
        mode = 'login-pass';
        return send('334 ' + Buffer.from('Password:').toString('base64'));
      }
      if (mode === 'login-pass') {
        mode = 'cmd';
        return ok(loginUser, Buffer.from(line, 'base64').toString());
      }
      if (mode === 'cram') {
        mode = 'cmd';
        const [u, d] = Buffer.from(line, 'base64').toString().split(' ');
        return u === o.user &&
          d ===
            createHmac('md5', o.secret ?? '')
              .update(CHALLENGE)
              .digest('hex')
          ? send('235 ok')
          : send('535 bad');
      }
      const verb = line.split(' ')[0]!.toUpperCase();
      switch (verb) {
        case 'EHLO':
          return ehlo();
        case 'HELO':
          return send('250 sink.example');
        case 'STARTTLS': {
          send('220 2.0.0 ready');
          const secure = new TLSSocket(sock, {
            isServer: true,
            key: o.starttls!.key,
            cert: o.starttls!.cert,
          });
          sock.removeAllListeners('data');
          sock = secure;
          tls = true;
          secure.on('data', onData);
          secure.on('error', () => {});
          return;
        }
        case 'AUTH': {
          const [, mech, init] = line.split(' ');
          if (mech === 'PLAIN') {
            const [, u, p] = Buffer.from(init ?? '', 'base64')
              .toString()
              .split('\u0000');
            return ok(u!, p!);
          }
          if (mech === 'LOGIN') {
            mode = 'login-user';
            return send('334 ' + Buffer.from('Username:').toString('base64'));
          }
          if (mech === 'CRAM-MD5') {
            mode = 'cram';
            return send('334 ' + Buffer.from(CHALLENGE).toString('base64'));
          }
          return send('504 unrecognized');
        }
        case 'MAIL':
        case 'RCPT':
          return send('250 2.1.0 ok');
        case 'DATA':
          mode = 'data';
          return send('354 go ahead');
        case 'QUIT':
          send('221 bye');
          return sock.end();
        default:
          return send('502 not implemented');
      }
    };
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        onLine(line);
      }
    };
    raw.on('data', onData);
    raw.on('error', () => {});
    send('220 sink.example ESMTP');
  });
  await new Promise<void>((r, j) => {
    srv.once('error', j);
    srv.listen(o.port ?? 0, '127.0.0.1', () => r());
  });
  t.after(() => srv.close());
  const waitFor = async (n: number, ms = 20_000) => {
    const deadline = Date.now() + ms;
    const done = () => sessions.filter((x) => x.lines.includes('QUIT')).length >= n;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!done())
      throw new Error(
        `SMTP sink: ${sessions.length} sessions, not ${n} finished, in ${ms} ms: ${JSON.stringify(sessions)}`,
      );
    return sessions;
  };
  return { port: (srv.address() as { port: number }).port, sessions, waitFor };
}
