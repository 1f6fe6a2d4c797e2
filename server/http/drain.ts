import type { Server } from 'node:http';

/**
 * A graceful stop for an HTTP server under keep-alive traffic. `server.close()` alone waits for
 * every kept-alive socket, and a client that keeps sending keeps its socket busy, so the grace
 * period would run out with the workers and the pool never closed. Instead: stop accepting, close
 * idle sockets now and whenever one falls idle, and answer whatever is in flight with
 * `Connection: close` so that its socket ends with the answer.
 */
export function drainable(server: Server): () => Promise<void> {
  let draining = false;
  server.prependListener('request', (_req, res) => {
    if (draining) res.setHeader('Connection', 'close');
  });
  return async () => {
    draining = true;
    const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
    }
  };
}
