import { describe, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH, type HistoryEntry } from '../../server/engine/history';

const entry: HistoryEntry = {
  ownerKind: 'case',
  ownerId: '3f1c2a4e-0b6d-4c8e-9a71-5d2e8f0c1b7a',
  eventType: 'SUBMIT',
  actorId: '8e2d4c6a-1f3b-4a5d-b7c9-0e1f2a3b4c5d',
  actorRole: 'firm',
  at: new Date('2026-05-06T02:00:00.000Z'),
  requestId: 'req-0001',
  stateBefore: 'draft',
  stateAfter: 'municipal',
  payload: { roundParamsVersion: 1 },
  machineVersion: 'case@1',
};
const previous = 'a'.repeat(64);

describe('the history hash', () => {
  // sha256 of the RFC 8785 JSON of the entry with `at` as ISO text, `seq` and `prevHash`, computed
  // once outside this code base and written down: any change to what the hash covers, or how, shows
  // here. Changing it on purpose invalidates every stored chain: that needs a migration, not a new literal.
  it('is a fixed function of the entry, its sequence number and the previous hash', () => {
    expect(entryHash(previous, 2, entry)).toBe('83ff9df9d921ded15097559dacb55338d88428bef00bd3ccbcc89dfce40fe9a1');
  });

  it('changes with the previous hash, the sequence number and every field', () => {
    const base = entryHash(previous, 2, entry);
    expect(entryHash(GENESIS_HASH, 2, entry)).not.toBe(base);
    expect(entryHash(previous, 3, entry)).not.toBe(base);
    const edits: Partial<HistoryEntry>[] = [
      { ownerId: '3f1c2a4e-0b6d-4c8e-9a71-5d2e8f0c1b7b' },
      { eventType: 'WITHDRAW' },
      { actorId: null },
      { actorRole: 'admin' },
      { at: new Date('2026-05-06T02:00:00.001Z') },
      { requestId: null },
      { stateBefore: null },
      { stateAfter: 'withdrawn' },
      { payload: { roundParamsVersion: 2 } },
      { machineVersion: 'case@2' },
    ];
    for (const edit of edits) expect(entryHash(previous, 2, { ...entry, ...edit }), JSON.stringify(edit)).not.toBe(base);
  });

  it('does not depend on the order of keys in the payload', () => {
    const a = { ...entry, payload: { a: 1, b: { c: 2, d: 3 } } };
    const b = { ...entry, payload: { b: { d: 3, c: 2 }, a: 1 } };
    expect(entryHash(previous, 2, a)).toBe(entryHash(previous, 2, b));
  });
});
