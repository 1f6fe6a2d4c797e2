import { describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import express, { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { AppError, notFound, statusOf } from '../../server/errors';
import type { AppContext } from '../../server/context';
import { mount } from '../../server/http/route';
import { duplicateRace } from '../../server/cases/duplicate';

describe('mount', () => {
  it('refuses a second route with the same operationId at start-up', () => {
    const router = Router();
    const app = {} as AppContext;
    const def = (path: string) => ({
      method: 'get' as const,
      path,
      operationId: 'probeTwiceNamed',
      summary: 'probe',
      tags: ['probe'],
      auth: 'public' as const,
      ok: { status: 204, description: 'nothing' },
      handler: async () => undefined,
    });
    mount(router, app, def('/probe-one'));
    expect(() => mount(router, app, def('/probe-two'))).toThrow('operationId probeTwiceNamed is used twice');
  });
});

describe('a route that authorizes what its params name', () => {
  it('answers 404 for a resource the caller may not see before it reads a bad query', async () => {
    const router = Router();
    mount(router, {} as AppContext, {
      method: 'get',
      path: '/hidden/:id',
      operationId: 'probeHiddenWithQuery',
      summary: 'probe',
      tags: ['probe'],
      auth: 'public',
      params: z.object({ id: z.string() }),
      authorize: () => Promise.reject(notFound('thing')),
      query: z.object({ limit: z.coerce.number().int() }),
      ok: { status: 204, description: 'nothing' },
      handler: async () => undefined,
    });
    const toStatus: ErrorRequestHandler = (err, _req, res, _next) => {
      res.status(err instanceof AppError ? statusOf[err.kind] : 500).end();
    };
    const server = express().use(router).use(toStatus).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/hidden/x?limit=lots`);
      expect(res.status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('duplicateRace', () => {
  it('rethrows a unique violation of another constraint unchanged', () => {
    const err = Object.assign(new Error('duplicate key'), { cause: { code: '23505', constraint_name: 'other' } });
    let thrown: unknown;
    try {
      duplicateRace(err);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(err);
  });
});
