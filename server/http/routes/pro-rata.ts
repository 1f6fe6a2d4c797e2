import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { proposeProRata } from '../../pro-rata/propose';
import { approveProRata } from '../../pro-rata/approve';
import { getProRata } from '../../pro-rata/get';
import { proRataProposalSchema } from '../../pro-rata/view-schema';
import { mount, reply } from '../route';

const roundParams = z.object({ id: z.uuid({ error: 'not a round id' }).toLowerCase() });
const proposalParams = roundParams.extend({ proposalId: z.uuid({ error: 'not a proposal id' }).toLowerCase() });

// 按比例核减 (SPEC §6, §7): finance proposes, a second finance user approves.
export function proRataRoutes(router: Router, app: AppContext): void {
  mount(router, app, {
    method: 'post',
    path: '/rounds/:id/pro-rata',
    operationId: 'proposeProRata',
    summary: 'Propose a pro-rata reduction (按比例核减) of the round’s approved, unpaid subsidies to its available budget',
    description:
      'The cases reduced are the round’s approved cases not yet in a batch (state calculated). They share the budget less what is committed — the subsidy of the round’s cases batched, approved for payment, paid, under recovery or recovered: each S × available / total floored to the fen, the fen left over to the largest remainders, ties by case number. 422 when the round has no budget or the total fits. A newer proposal supersedes the open ones of the round.',
    tags: ['money'],
    auth: 'user',
    roles: ['finance'],
    params: roundParams,
    ok: { status: 201, description: 'the proposal, open for a second finance user’s approval', schema: proRataProposalSchema },
    errors: [403, 404, 422],
    handler: async ({ ctx, params }) => {
      const view = await proposeProRata(ctx, params.id);
      return reply({ status: 201, body: view, headers: { Location: `/api/v1/rounds/${view.roundId}/pro-rata/${view.id}` } });
    },
  });
  mount(router, app, {
    method: 'post',
    path: '/rounds/:id/pro-rata/:proposalId/approve',
    operationId: 'approveProRata',
    summary: 'Approve and apply a pro-rata proposal (a finance user other than its proposer)',
    description:
      'In one transaction: each reduced case gets its new amount, an adjustment shown by GET /cases/{id}/subsidy, and SUBSIDY_REDUCED in its history; the firm is emailed. 403 to the proposer; 409 when the proposal is no longer open or anything it was computed from has changed since (propose again).',
    tags: ['money'],
    auth: 'user',
    roles: ['finance'],
    params: proposalParams,
    ok: { status: 200, description: 'the approved proposal', schema: proRataProposalSchema },
    errors: [403, 404, 409],
    handler: async ({ ctx, params }) => approveProRata(ctx, params.id, params.proposalId),
  });
  mount(router, app, {
    method: 'get',
    path: '/rounds/:id/pro-rata/:proposalId',
    operationId: 'getProRata',
    summary: 'A pro-rata proposal and its cases',
    tags: ['money'],
    auth: 'user',
    roles: ['finance', 'provincial'],
    params: proposalParams,
    ok: { status: 200, description: 'the proposal', schema: proRataProposalSchema },
    errors: [403, 404],
    handler: async ({ ctx, params }) => getProRata(ctx, params.id, params.proposalId),
  });
}
