import net from 'node:net';

/** What postgres.js hands its `socket` option: its parsed connection options. */
interface Target {
  host: string[];
  port: number[];
  path: string | false;
}

/**
 * The connection's socket for postgres.js (its documented `socket` option), with the writes of one
 * turn of the event loop sent in one system call. postgres.js writes each message of 1 KiB or more
 * at once, so the dozen pipelined statements of a transition (docs/benchmarks.md) each cost a write
 * to the kernel and a wake-up of the server; corked until the current work is done, they leave
 * together. Nothing else changes: the socket connects as postgres.js would connect it (a Unix
 * socket's path, else the first host and port), writes made before it is connected wait in it as
 * they do in any socket, and its errors, timeouts and closing reach postgres.js as before.
 */
export function batchingSocket(target: Target): net.Socket {
  const socket = new net.Socket();
  const host = target.host[0] ?? 'localhost';
  const port = target.port[0] ?? 5432;
  // postgres.js names these in its connection errors
  Object.assign(socket, { host, port });
  if (target.path) socket.connect(target.path);
  else socket.connect(port, host);
  // after connect(), which puts back the prototype's write in place of one set on the socket
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      // after the promise jobs of this turn: every statement a transition issues at once
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(...args);
  }) as typeof socket.write;
  return socket;
}
