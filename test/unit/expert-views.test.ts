import { describe, expect, it } from 'vitest';
import { expertsView } from '../../server/cases/experts-view';
import { historyFor } from '../../server/cases/history-view';
import type { User } from '../../server/context';
import type { Assignment, AssignmentStatus, CaseContext } from '../../workflows/case/types';

// What the case page and its history tell each reader about the expert review (SPEC §2): the
// provincial reviewer everything; an expert their own assignment, and the others' scores and
// opinions — never their names, reasons or conflicts — once their own score is in; others nothing.
const at = '2026-06-01T10:00:00.000Z';
const assignment = (expertId: string, status: AssignmentStatus, over: Partial<Assignment> = {}): Assignment => ({
  expertId,
  status,
  conflict: null,
  note: null,
  scores: null,
  opinion: null,
  assignedAt: at,
  at,
  ...over,
});
const user = (id: string, roles: User['roles']): User => ({ id, roles, email: `${id}@example.test`, name: id, city: null, enterpriseId: null, insurerId: null, affiliations: [] });
const context = (experts: Assignment[]): Partial<CaseContext> => ({
  experts,
  expertReview: { rubric: { criteria: [{ key: 'q', label: '质量', maxPoints: 100, weight: 1 }], passMark: 60 }, quorum: 3 },
});
const panel = () =>
  context([
    assignment('e1', 'scored', { scores: { q: 80 }, opinion: '专家甲：工艺先进' }),
    assignment('e2', 'declined', { conflict: 'declared', note: '曾为该企业提供咨询' }),
    assignment('e3', 'accepted'),
    assignment('e4', 'declined', { conflict: 'detected', note: 'works for 91330100799655058B' }),
    assignment('e5', 'scored', { scores: { q: 70 }, opinion: '专家戊：市场前景好' }),
  ]);

describe('the experts on the case page', () => {
  it("hides the others' scores and opinions from an expert whose own score is not in", () => {
    const seen = expertsView(panel(), user('e3', ['expert']));
    expect(seen.filter((a) => !a.mine).map((a) => [a.scores, a.total, a.opinion])).toEqual(Array.from({ length: 4 }, () => [null, null, null]));
    expect(seen.find((a) => a.mine)).toMatchObject({ expertId: 'e3', status: 'accepted' });
  });

  it("shows the others' scores and opinions once the expert's own is in, never who they are, why they declined or their conflict", () => {
    const seen = expertsView(panel(), user('e5', ['expert']));
    expect(seen.find((a) => a.expertId === null && a.status === 'scored')).toMatchObject({ scores: { q: 80 }, total: 80, opinion: '专家甲：工艺先进' });
    for (const other of seen.filter((a) => !a.mine)) expect([other.expertId, other.note, other.conflict]).toEqual([null, null, null]);
    expect(JSON.stringify(seen)).not.toContain('咨询');
    expect(JSON.stringify(seen)).not.toContain('91330100799655058B');
  });

  it('shows the provincial reviewer every name, reason and conflict', () => {
    const seen = expertsView(panel(), user('p1', ['provincial']));
    expect(seen.map((a) => [a.expertId, a.conflict, a.note])).toEqual([
      ['e1', null, null],
      ['e2', 'declared', '曾为该企业提供咨询'],
      ['e3', null, null],
      ['e4', 'detected', 'works for 91330100799655058B'],
      ['e5', null, null],
    ]);
  });

  it('marks overdue only an open assignment whose own deadline passed, not one declined, replaced or scored since', () => {
    const experts = context([
      assignment('late', 'accepted'),
      assignment('gone', 'replaced'),
      assignment('out', 'declined', { note: '出差' }),
      assignment('done', 'scored', { scores: { q: 60 }, opinion: '及格' }),
    ]);
    const overdue = new Set(['late', 'gone', 'out', 'done']);
    expect(expertsView(experts, user('p1', ['provincial']), overdue).map((a) => [a.expertId, a.overdue])).toEqual([
      ['late', true],
      ['gone', false],
      ['out', false],
      ['done', false],
    ]);
  });

  it('labels each panel member with one letter, by the order first assigned, whoever reads the panel', () => {
    const experts = context([
      assignment('e1', 'replaced'),
      assignment('e2', 'accepted'),
      assignment('e3', 'scored', { scores: { q: 70 }, opinion: '同意' }),
      assignment('e4', 'assigned'),
      // replaced once and invited again: still the expert first assigned
      assignment('e1', 'accepted'),
    ]);
    const lettersTo = (id: string, roles: User['roles']) => expertsView(experts, user(id, roles)).map((a) => a.panelLetter);
    expect(lettersTo('p1', ['provincial'])).toEqual(['A', 'B', 'C', 'D', 'A']);
    for (const reader of ['e1', 'e2', 'e3', 'e4']) expect(lettersTo(reader, ['expert']), reader).toEqual(['A', 'B', 'C', 'D', 'A']);
    // the letter of another expert names nobody: each reader but the provincial one sees the others unnamed
    const seen = expertsView(experts, user('e2', ['expert']));
    expect(seen.filter((a) => !a.mine).map((a) => [a.panelLetter, a.expertId])).toEqual([
      ['A', null],
      ['C', null],
      ['D', null],
      ['A', null],
    ]);
  });

  it('goes on past Z as AA, AB, …', () => {
    const many = context(Array.from({ length: 28 }, (_, i) => assignment(`x${i}`, 'assigned')));
    expect(expertsView(many, user('p1', ['provincial'])).slice(24).map((a) => a.panelLetter)).toEqual(['Y', 'Z', 'AA', 'AB']);
  });

  it('shows nothing to a reader who is neither the provincial reviewer nor on the panel', () => {
    expect(expertsView(panel(), user('f1', ['firm']))).toEqual([]);
    expect(expertsView(panel(), user('x9', ['expert']))).toEqual([]);
  });
});

describe('the expert steps in the history', () => {
  const entries = [
    { eventType: 'ASSIGN_EXPERTS', actorId: 'p1', payload: { expertIds: ['e1', 'e2', 'e3'] } },
    { eventType: 'DECLINE_ASSIGNMENT', actorId: 'e2', payload: { reason: '曾为该企业提供咨询', conflictOfInterest: true } },
    { eventType: 'SCORE', actorId: 'e1', payload: { scores: { q: 80 }, opinion: '专家甲：工艺先进' } },
    { eventType: 'APPROVE', actorId: 'p1', payload: { comment: '同意' } },
  ];

  it("keeps another expert's reason for declining, and who they are, from an expert and from the firm", () => {
    const scored = context([assignment('e1', 'scored', { scores: { q: 80 } }), assignment('e2', 'declined'), assignment('e3', 'scored', { scores: { q: 70 } })]);
    // an expert of the panel reads the one who declined by their panel letter; the firm, not even that
    const declineTo = (reader: User) => historyFor(entries, scored, reader).find((e) => e.eventType === 'DECLINE_ASSIGNMENT');
    expect(declineTo(user('e3', ['expert']))).toEqual({ eventType: 'DECLINE_ASSIGNMENT', actorId: null, payload: {}, panelLetter: 'B' });
    expect(declineTo(user('f1', ['firm']))).toEqual({ eventType: 'DECLINE_ASSIGNMENT', actorId: null, payload: {} });
    // the expert who declined reads their own entry whole
    expect(historyFor(entries, scored, user('e2', ['expert']))[1]).toEqual(entries[1]);
    expect(historyFor(entries, scored, user('p1', ['provincial']))).toEqual(entries);
  });
});
