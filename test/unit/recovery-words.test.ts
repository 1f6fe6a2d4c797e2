import { describe, expect, it } from 'vitest';
import { zh } from '../../server/pages/i18n/zh';
import { en } from '../../server/pages/i18n/en';

// The recovery notice on a case's page joins finance's reason and the ban: one mark between them,
// never two ("骗取补偿。；").
describe('the recovery notice', () => {
  it('joins a reason without an ending mark to the ban with one separator', () => {
    expect(zh.casePage.recovery('以虚假材料骗取补偿', '2029年12月16日')).toBe('已启动追回：以虚假材料骗取补偿；企业禁止申报至 2029年12月16日');
    expect(en.casePage.recovery('false documents', '16 Dec 2029')).toBe('Recovery started: false documents; the firm may not apply until 16 Dec 2029');
  });

  it('adds no second mark to a reason that ends its own sentence', () => {
    for (const reason of ['以虚假材料骗取补偿。', '以虚假材料骗取补偿；', 'fraud.', '骗取补偿！ ']) {
      const words = zh.casePage.recovery(reason, '2029年12月16日');
      expect(words, reason).not.toMatch(/[。；;.!！]\s*[；;]/);
      expect(words, reason).toContain('企业禁止申报至 2029年12月16日');
    }
    expect(zh.casePage.recovery('以虚假材料骗取补偿。', '2029年12月16日')).toBe('已启动追回：以虚假材料骗取补偿。企业禁止申报至 2029年12月16日');
    expect(en.casePage.recovery('Fraud.', '16 Dec 2029')).toBe('Recovery started: Fraud. The firm may not apply until 16 Dec 2029');
  });
});
