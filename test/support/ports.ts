import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A loopback TCP port the system hands out as free just now, for a process a test starts itself.
 * A port picked at random from a range may be one already taken — the shared Redis's 6379, or a
 * server another test file started — and a test would then talk to the wrong process or wait for
 * one that could never bind.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port was handed out');
  return address.port;
}
