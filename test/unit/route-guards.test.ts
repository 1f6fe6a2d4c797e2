import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError, notFound, statusOf } from '../../server/errors';
import type { AppContext, User } from '../../server/context';
import { mount, type PublicRouteDef, type UserRouteDef } from '../../server/http/route';
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

const toStatus: ErrorRequestHandler = (err, _req, res, _next) => {
  res.status(err instanceof AppError ? statusOf[err.kind] : 500).end();
};

/** Serves `router` behind `first` on an ephemeral port and answers the status of GET `path`. */
async function answerOf(router: Router, path: string, first: RequestHandler[] = []): Promise<number> {
  const server = express().use(...first, router).use(toStatus).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  try {
    const { port } = server.address() as AddressInfo;
    return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const someone: User = { id: '00000000-0000-4000-8000-000000000001', email: 'a@example.com', name: 'A', roles: ['admin'], enterpriseId: null, city: null, insurerId: null, affiliations: [] };

describe('the caller a route is given', () => {
  it('is User | null on a public route and User on a user route', () => {
    expectTypeOf<Parameters<PublicRouteDef<z.ZodObject, z.ZodObject, z.ZodObject>['handler']>[0]['ctx']['user']>().toEqualTypeOf<User | null>();
    expectTypeOf<Parameters<UserRouteDef<z.ZodObject, z.ZodObject, z.ZodObject>['handler']>[0]['ctx']['user']>().toEqualTypeOf<User>();
  });

  it('does not let a public handler read the user without a null check', () => {
    mount(Router(), {} as AppContext, {
      method: 'get',
      path: '/probe',
      operationId: 'probePublicUser',
      summary: 'probe',
      tags: ['probe'],
      auth: 'public',
      ok: { status: 204, description: 'nothing' },
      handler: async ({ ctx }) => {
        // @ts-expect-error a public route's caller may be anonymous
        void ctx.user.id;
        void ctx.user?.id;
      },
    });
  });

  it('answers 500 and never runs the handler when a user route is reached without a user', async () => {
    const router = Router();
    let ran = false;
    mount(router, {} as AppContext, {
      method: 'get',
      path: '/mine',
      operationId: 'probeLostUser',
      summary: 'probe',
      tags: ['probe'],
      auth: 'user',
      // a middleware that loses the user after gate() let it through: a bug, not an anonymous caller
      before: [(req, _res, next) => ((req.user = undefined), next())],
      ok: { status: 204, description: 'nothing' },
      handler: async () => {
        ran = true;
      },
    });
    const signIn: RequestHandler = (req, _res, next) => ((req.user = someone), next());
    expect(await answerOf(router, '/mine', [signIn])).toBe(500);
    expect(ran).toBe(false);
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
