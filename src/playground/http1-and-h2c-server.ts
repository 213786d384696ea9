import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

/** What a cleartext HTTP/2 client sends first (RFC 9113, section 3.4); no HTTP/1.1 request starts so. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type ServedRequest = http.IncomingMessage | http2.Http2ServerRequest;

/** The part of an answer that http's ServerResponse and http2's compatibility response both have. */
export interface ServedResponse {
  writeHead(status: number, headers: http.OutgoingHttpHeaders): unknown;
  write(chunk: Uint8Array): boolean;
  end(chunk?: Uint8Array | string): unknown;
  /** Emitted when the answer ends, or when the client goes away before it does. */
  once(event: 'close', listener: () => void): unknown;
}

type Handler = (request: ServedRequest, response: ServedResponse) => void;

/**
 * One loopback port answering both HTTP/1.1 and cleartext HTTP/2 (h2c with prior knowledge) with the
 * same handler, as Bedrock's endpoints answer both (over TLS, where ALPN chooses). Node serves each on a
 * server of its own, so a plain TCP server accepts the connections and hands each to the server of the
 * protocol its first bytes show.
 */
export class Http1AndH2cServer {
  private readonly listener = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
  private readonly http1: http.Server;
  private readonly h2c: http2.Http2Server;
  /**
   * Every connection accepted, whatever it speaks, to end on close. The servers' own tracking does not
   * do: `closeAllConnections()` only knows the connections of an http.Server that listens itself.
   */
  private readonly sockets = new Set<net.Socket>();

  constructor(handler: Handler) {
    this.http1 = http.createServer(handler);
    this.h2c = http2.createServer(handler);
  }

  /** Listens on an ephemeral loopback port; resolves to the server's URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.listener.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.listener.address() as net.AddressInfo).port}`;
  }

  /** Ends every connection, mid-answer or kept alive, and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.listener.close(resolve));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // Until a server owns the socket, a client that resets it must not crash the process.
    const dropped = () => socket.destroy();
    socket.on('error', dropped);
    let head: Buffer = Buffer.alloc(0);
    const sniff = (chunk: Buffer) => {
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      const compared = Math.min(head.length, H2_PREFACE.length);
      const h2 = head.subarray(0, compared).equals(H2_PREFACE.subarray(0, compared));
      if (h2 && compared < H2_PREFACE.length) return;
      socket.off('data', sniff);
      socket.off('error', dropped);
      socket.pause();
      socket.unshift(head);
      if (h2) {
        // An HTTP/2 session reads what is already buffered on the socket (nodejs/node#34532).
        this.h2c.emit('connection', socket);
      } else {
        // The HTTP/1.1 parser reads the socket's native handle, never its JS buffer: resuming the
        // socket hands it the buffered bytes as a 'data' event, before any later read.
        this.http1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', sniff);
  }
}
