import type { RequestHandler } from 'express';
import type { User } from '../context';
import { AppError, unauthenticated } from '../errors';
import { roleNames } from '../domain/roles';

export type Role = User['roles'][number];

/**
 * Who is asking, settled before anything of the request is read (the first middleware of a
 * route): a caller whose role may never use the route learns 403, not what is wrong with its
 * body or ids, and an upload it sends is never read.
 */
export function gate(auth: 'public' | 'user', roles: readonly Role[] | undefined): RequestHandler {
  return (req, _res, next) => {
    if (auth === 'user' && !req.user) throw unauthenticated();
    if (roles && !req.user?.roles.some((r) => roles.includes(r))) {
      const message = `only these roles may do this: ${roles.join(', ')}`;
      throw new AppError('forbidden', message, [
        { path: 'role', code: 'role.forbidden', message, messageZh: `只有以下角色可以执行此操作：${roles.map((r) => roleNames[r].zh).join('、')}` },
      ]);
    }
    next();
  };
}
