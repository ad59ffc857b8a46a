// The listening socket in front of the HTTP server, as Prometheus's: at most --web.max-connections
// connections are served at once (netutil.LimitListener — the next ones are left waiting, not
// refused, until one closes), and on a TLS port a client speaking plain HTTP gets Go's 400
// instead of a dropped connection.
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { Server as TLSServer } from 'node:tls';

/** Go's net/http answer to plain HTTP on a TLS listener. */
const HTTP_ON_TLS =
  'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';
/**
 * Connections waiting past the limit sit in the kernel's accept backlog in Go (somaxconn, 4096 on
 * current Linux); here they are accepted and held, as many at most.
 */
const MAX_WAITING = 4096;
/** The first five bytes Go takes for HTTP on a TLS port (tlsRecordHeaderLooksLikeHTTP). */
const HTTP_STARTS = new Set(['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO']);

export class LimitedListener {
  private readonly front: NetServer;
  private active = 0;
  private readonly waiting: Socket[] = [];
  private readonly admitted = new Set<Socket>();

  /** maxConnections as Prometheus takes it: 0 (or less) admits nothing, as a zero-size semaphore. */
  constructor(
    private readonly server: Server,
    private readonly maxConnections: number,
  ) {
    // Paused until admitted: a waiting connection is read from only once it has a slot.
    this.front = createNetServer({ pauseOnConnect: true }, (socket) => this.arrive(socket));
  }

  listen(port: number, host: string | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.front.once('error', reject);
      this.front.listen(port, host, () => {
        this.front.off('error', reject);
        resolve();
      });
    });
  }

  address(): ReturnType<NetServer['address']> {
    return this.front.address();
  }

  /** Connections being served and waiting for a slot. */
  get counts(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  close(): Promise<void> {
    for (const s of this.waiting.splice(0)) s.destroy();
    for (const s of this.admitted) s.destroy();
    return new Promise((resolve) => this.front.close(() => resolve()));
  }

  private arrive(socket: Socket): void {
    socket.on('error', () => {});
    if (this.active < this.maxConnections) this.admit(socket);
    else if (this.waiting.length < MAX_WAITING) this.waiting.push(socket);
    // Past the backlog a kernel drops the connection attempt.
    else socket.destroy();
  }

  private admit(socket: Socket): void {
    this.active++;
    this.admitted.add(socket);
    socket.once('close', () => {
      this.admitted.delete(socket);
      this.active--;
      const next = this.waiting.shift();
      if (next) this.admit(next);
    });
    if (this.server instanceof TLSServer) this.sniff(socket);
    else this.handOver(socket);
  }

  private handOver(socket: Socket): void {
    this.server.emit('connection', socket);
    socket.resume();
  }

  /** Reads the first bytes of a TLS connection: plain HTTP gets Go's 400, anything else goes on to TLS. */
  private sniff(socket: Socket): void {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < 5 && head[0] !== 0x16) return;
      socket.off('data', onData);
      socket.pause();
      if (HTTP_STARTS.has(head.subarray(0, 5).toString('latin1'))) {
        socket.end(HTTP_ON_TLS);
        return;
      }
      // The TLS server takes the bytes already read as if they had just arrived, and reads
      // the socket itself from here on (resuming it here as well would steal its bytes).
      socket.unshift(head);
      this.server.emit('connection', socket);
    };
    socket.on('data', onData);
    socket.resume();
  }
}
