import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchingSocket } from '../../db/socket';

// db/socket.ts hands postgres.js its socket: it must connect where postgres.js would, a Unix
// socket's path when the URL names one, and deliver the writes of one turn together.
describe("the database connection's socket", () => {
  it("connects to a Unix socket's path when it is given one, and delivers every write of a turn, in order", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sock-'));
    const where = path.join(dir, '.s.PGSQL.5432');
    const received: Buffer[] = [];
    const done = new Promise<string>((resolve) => {
      const server = net.createServer((conn) => {
        conn.on('data', (d: Buffer) => {
          received.push(d);
          if (Buffer.concat(received).toString().endsWith('!')) {
            conn.end();
            server.close();
            resolve(Buffer.concat(received).toString());
          }
        });
      });
      server.listen(where);
    });
    try {
      // a port nothing listens on: only the path can answer
      const socket = batchingSocket({ host: ['127.0.0.1'], port: [1], path: where });
      const failed = new Promise<Error>((resolve) => socket.on('error', resolve));
      socket.write('a');
      // held until the turn's other writes are made: they leave in one system call
      expect(socket.writableCorked).toBe(1);
      socket.write('b');
      socket.write('!');
      expect(socket.writableCorked).toBe(1);
      await new Promise((r) => process.nextTick(r));
      expect(socket.writableCorked).toBe(0);
      expect(await Promise.race([done, failed.then((e) => `error: ${e.message}`)])).toBe('ab!');
      socket.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('corks the writes of every turn, not only of the first', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sock-'));
    const where = path.join(dir, '.s.PGSQL.5432');
    const received: Buffer[] = [];
    const server = net.createServer((conn) => conn.on('data', (d: Buffer) => received.push(d)));
    await new Promise<void>((resolve) => server.listen(where, resolve));
    const turn = () => new Promise((r) => process.nextTick(r));
    try {
      const socket = batchingSocket({ host: ['127.0.0.1'], port: [1], path: where });
      await new Promise((resolve) => socket.once('connect', resolve));
      for (const text of ['a', 'b', 'c']) {
        socket.write(text);
        expect(socket.writableCorked, text).toBe(1);
        socket.write(text);
        await turn();
        expect(socket.writableCorked, text).toBe(0);
      }
      await expect.poll(() => Buffer.concat(received).toString()).toBe('aabbcc');
      socket.destroy();
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
