// The answers of the disbursement routes, for the OpenAPI document (present.ts, list.ts, statement.ts write them).
import { z } from 'zod';
import { dateOut, idOut, instantOut, nextCursorOut, yuanOut } from '../domain/formats';
import { paymentStatuses } from '../../db/schema/batches';
import { BATCH_EVENT_TYPES } from '../../workflows/batch/events';
import { BATCH_STATES } from '../../workflows/batch/machine';

const numberOut = z.string().meta({ description: 'human-facing number, per year', example: 'PB2026-0001' });
const paymentIdOut = z.string().meta({ description: 'the payment id printed on the bank file', example: 'PAY-PB2026-0001-0001' });
const stateOut = z.enum(BATCH_STATES).meta({ description: 'draft → submitted → approved → settled; a draft may be cancelled' });
const person = z.strictObject({ id: idOut('the user'), name: z.string() });

const batchCaseSchema = z
  .strictObject({
    caseId: idOut('the case'),
    caseNumber: z.string().meta({ example: 'ZJ2026-000042' }),
    paymentId: paymentIdOut,
    amount: yuanOut('the subsidy paid, as it stood when the batch was made'),
    payee: z.string().meta({ description: 'the firm, as the bank file names it' }),
    bankName: z.string(),
    bankAccount: z.string(),
    status: z.enum(paymentStatuses),
    reference: z.string().nullable().meta({ description: 'the bank reference of a paid payment' }),
    paidOn: dateOut('when it was paid').nullable(),
    failure: z.string().nullable().meta({ description: 'what the bank said about a failed payment' }),
  })
  .meta({ id: 'DisbursementBatchCase' });

export const batchViewSchema = z
  .strictObject({
    id: idOut('the batch'),
    number: numberOut,
    state: stateOut,
    version: z.int().meta({ description: 'send it back as If-Match with the next event' }),
    roundId: idOut('the round of its cases'),
    city: z.string().nullable().meta({ description: 'the city whose cases it was made of, if one' }),
    createdBy: person,
    createdAt: instantOut('when it was made'),
    submittedAt: instantOut('when it was last submitted').nullable(),
    approvedBy: person.nullable(),
    approvedAt: instantOut('when it was approved').nullable(),
    settledAt: instantOut('when its last payment was recorded').nullable(),
    cancelledAt: instantOut('when it was cancelled').nullable(),
    payment: z
      .strictObject({ dueOn: dateOut('payment is due by this day (the round’s payment days after approval)'), overdue: z.boolean() })
      .nullable()
      .meta({ description: 'the payment deadline, from approval on' }),
    totals: z.strictObject({
      cases: z.int().meta({ description: 'payments of the batch, cancelled ones left out' }),
      amount: yuanOut('their total'),
      paid: yuanOut('paid so far'),
      failed: yuanOut('failed'),
      pending: yuanOut('not yet recorded'),
      counts: z.strictObject({ pending: z.int(), paid: z.int(), failed: z.int(), cancelled: z.int() }),
    }),
    cases: z.array(batchCaseSchema).meta({ description: 'in bank-file order' }),
    allowedEvents: z.array(z.enum(BATCH_EVENT_TYPES)).meta({ description: 'the events the caller may send now' }),
  })
  .meta({ id: 'DisbursementBatch' });

export const batchListSchema = z
  .strictObject({
    items: z.array(
      z
        .strictObject({
          id: idOut('the batch'),
          number: numberOut,
          state: stateOut,
          roundId: idOut('the round'),
          city: z.string().nullable(),
          cases: z.int(),
          amount: yuanOut('the total of its payments'),
          createdBy: person,
          createdAt: instantOut('when it was made'),
        })
        .meta({ id: 'DisbursementBatchSummary' }),
    ),
    nextCursor: nextCursorOut,
  })
  .meta({ id: 'DisbursementBatchList' });

const statementLine = z.int().meta({ description: 'the line of the statement file (the header is line 1)' });
export const statementReportSchema = z
  .strictObject({
    batchId: idOut('the batch'),
    lines: z.int().meta({ description: 'payment lines read' }),
    matched: z.array(z.strictObject({ line: statementLine, paymentId: paymentIdOut, caseId: idOut('its case'), amount: yuanOut('the amount'), reference: z.string().nullable(), date: dateOut('the day on the statement').nullable(), status: z.enum(paymentStatuses) })),
    unknown: z.array(z.strictObject({ line: statementLine, paymentId: z.string(), amount: yuanOut('the amount on the statement').nullable() })).meta({ description: 'payment ids this batch does not have' }),
    wrongAmount: z.array(z.strictObject({ line: statementLine, paymentId: paymentIdOut, expected: yuanOut('the payment'), stated: yuanOut('the statement') })),
    duplicates: z.array(z.strictObject({ line: statementLine, paymentId: paymentIdOut })).meta({ description: 'a payment id listed again after its first line' }),
    missing: z.array(z.strictObject({ paymentId: paymentIdOut, caseId: idOut('its case'), amount: yuanOut('the payment'), status: z.enum(paymentStatuses) })).meta({ description: 'payments of the batch (cancelled ones left out) that the statement does not list' }),
    invalid: z.array(z.strictObject({ line: statementLine, message: z.string(), messageZh: z.string() })).meta({ description: 'lines that could not be read' }),
  })
  .meta({ id: 'BankStatementReport' });
