import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { REPORT_READERS } from '../../reports/access';
import { exportApprovedCases } from '../../reports/cases-export';
import { roundReportView } from '../../reports/present';
import { roundReport } from '../../reports/round-report';
import { FIGURES, roundReportSchema } from '../../reports/schema';
import { summaryWorkbook } from '../../reports/summary-xlsx';
import { workbookFileName, XLSX_MEDIA_TYPE } from '../../reports/xlsx';
import { sendAttachment, streamAttachment } from '../attachment';
import { mount } from '../route';

const roundParams = z.object({ id: z.uuid({ error: 'not a round id' }).toLowerCase() });
const definitions = `${Object.values(FIGURES).join('. ')}.`;

export function reportsRoutes(router: Router, app: AppContext): void {
  // before GET /reports/rounds/:id, which would otherwise take "<id>.xlsx" for its id
  mount(router, app, {
    method: 'get',
    path: '/reports/rounds/:id.xlsx',
    operationId: 'getRoundReportWorkbook',
    summary: 'The round report as a workbook: sheets 概览 Summary, 按状态 By state, 按城市 By city',
    description: `The figures of GET /reports/rounds/{id}; money cells are numbers in yuan (format #,##0.00), counts are integers. ${definitions}`,
    tags: ['reports'],
    auth: 'user',
    roles: REPORT_READERS,
    params: roundParams,
    ok: { status: 200, description: 'the workbook, as an attachment named after the round', file: XLSX_MEDIA_TYPE },
    errors: [404],
    handler: async ({ ctx, params, res }) => {
      const report = await roundReport(ctx, params.id);
      sendAttachment(res, { mediaType: XLSX_MEDIA_TYPE, fileName: workbookFileName(report.round.name, '补偿资金报表'), body: await summaryWorkbook(report) });
    },
  });
  mount(router, app, {
    method: 'get',
    path: '/reports/rounds/:id',
    operationId: 'getRoundReport',
    summary: "A round's cases by state and city, and its money: premiums requested, approved, reduced, current, paid, recovered",
    description: `Each section is one aggregate query, all read from one snapshot. ${definitions}`,
    tags: ['reports'],
    auth: 'user',
    roles: REPORT_READERS,
    params: roundParams,
    ok: { status: 200, description: 'the report', schema: roundReportSchema },
    errors: [404],
    handler: async ({ ctx, params }) => roundReportView(await roundReport(ctx, params.id)),
  });
  mount(router, app, {
    method: 'get',
    path: '/reports/rounds/:id/cases.xlsx',
    operationId: 'exportRoundCases',
    summary: "The round's approved cases as a workbook, one row each, in approval order",
    description:
      'Case number, firm, city, catalogue entry, state, the inputs P, C and L, the subsidy derivation as calculated (L′, E, S), ' +
      'what the per-firm cap and the pro-rata reduction took, the current subsidy, the amount recovered, the flags and the rule version. ' +
      'Streamed as it is read, so its size is bounded by the round, not by memory; a failure part-way cuts the connection. ' +
      'A few exports run at once per server: another answers 429 with Retry-After.',
    tags: ['reports'],
    auth: 'user',
    roles: REPORT_READERS,
    params: roundParams,
    ok: { status: 200, description: 'the workbook, as an attachment named after the round', file: XLSX_MEDIA_TYPE },
    errors: [404, 429],
    handler: async ({ ctx, params, res }) => {
      await streamAttachment(res, XLSX_MEDIA_TYPE, app.log, (open) => exportApprovedCases(ctx, params.id, open));
    },
  });
}
