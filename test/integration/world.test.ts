import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-app';
import { type CaseStep } from '../support/world';

const { t, w } = useTestApp();

// The test helper that brings a case to a named state must land exactly there, or every test
// that starts from it starts somewhere else.
describe('world.caseIn', () => {
  const expected: [CaseStep, string, string][] = [
    ['draft', 'draft', 'draft'],
    ['municipal', 'municipal', 'pendingVerification'],
    ['revision', 'revision', 'pendingVerification'],
    ['provincial', 'provincial', 'pendingVerification'],
    ['verifiedProvincial', 'provincial', 'verified'],
    ['provincialRevision', 'revision', 'verified'],
    ['expert', 'expert', 'verified'],
    ['awaitingNotice', 'awaitingNotice', 'verified'],
    ['approved', 'calculated', 'draft'],
  ];
  for (const [step, state, insurance] of expected) {
    it(`brings a case to ${step}`, async () => {
      const id = await w.caseIn(step);
      const [row] = await t.app.database.sql`select state, snapshot->'value'->'inReview'->>'insurance' as insurance from cases where id = ${id}`;
      expect([row?.state, row?.insurance ?? 'draft']).toEqual([state, insurance]);
    });
  }
});
