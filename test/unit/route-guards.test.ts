import { describe, expect, it } from 'vitest';
import { Router } from 'express';
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
