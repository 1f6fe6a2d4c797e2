import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { and, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { outbox, timers } from '../../db/schema';
import { deliverEvent, deliveryPayload } from '../../server/engine/deliver';
import { fireTimer } from '../../server/engine/timers';
import { SettableClock } from '../../server/clock';
import { factoryDates, randomUscc, type REQUIRED_DOCUMENTS } from '../../seeds/factories';
import { zh } from '../../server/pages/i18n/zh';
import type { TestApp } from './app';
import type { World } from './world';

// The steps of a person's way through the pages that more than one browser file takes: a firm's
// application and documents, an expert's scores, a notice's period brought to its end.

/** Uploads one document on the firm's case page, as a person chooses the file and presses the button. */
export async function uploadDocument(page: Page, type: (typeof REQUIRED_DOCUMENTS)[number], name: string, bytes: Buffer, mimeType = 'application/pdf'): Promise<void> {
  const kind = zh.docTypes[type];
  await page.getByLabel(`选择${kind}文件`).setInputFiles({ name, mimeType, buffer: bytes });
  const loaded = page.waitForEvent('load');
  await page.locator(`form:has(#kind-${type})`).getByRole('button', { name: /^上传/ }).click();
  await loaded;
}

/**
 * The application form on /cases/new filled in (the material chosen from the catalogue picker,
 * searched as one types, and picked with the keyboard), not yet saved.
 */
export async function fillApplication(page: Page, w: World, over: { policyNo?: string } = {}): Promise<void> {
  await page.getByLabel('在目录中搜索材料').fill('硅晶圆');
  await expect.poll(() => page.getByRole('radio').count()).toBe(1);
  await page.getByRole('radio', { name: /硅晶圆/ }).focus();
  await page.keyboard.press('Space');
  expect(await page.getByRole('radio', { name: /硅晶圆/ }).isChecked()).toBe(true);
  await page.getByLabel('规格型号').fill('300 mm, P型');
  await page.getByLabel('批号（选填）').fill('B2026-001');
  await page.getByLabel('用户单位名称').fill('宁波芯片制造有限公司');
  await page.getByLabel('用户单位统一社会信用代码').fill(randomUscc('330200'));
  await page.getByLabel('本企业声明：用户单位不是本企业的关联企业').check();
  await page.getByLabel('本企业声明：用户单位不是贸易商').check();
  await page.getByLabel('合同编号').fill(`HT-${factoryDates.year}-018`);
  await page.getByLabel('签订日期').fill(factoryDates.contractSignedOn);
  await page.getByLabel('合同金额（元）').fill('10,000,000.00');
  await page.getByLabel('销售数量').fill('20000');
  await page.getByLabel('计量单位').fill('片');
  await page.getByLabel('交付日期').fill(factoryDates.deliveredOn);
  // the world's two insurers bear the same name: the option is the world's own insurer by its id
  await page.getByLabel('承保保险公司').selectOption({ value: w.insurer.id });
  await page.getByLabel('保单号').fill(over.policyNo ?? `PICC-${factoryDates.year}-${randomUUID().slice(0, 8)}`);
  await page.getByLabel('保险金额（责任限额，元）').fill('60,000,000.00');
  await page.getByLabel('保费（元）').fill('1500000');
  await page.getByLabel('保险起期').fill(factoryDates.policyStartsOn);
  await page.getByLabel('保险止期').fill(factoryDates.policyEndsOn);
  await page.getByLabel('保费发票号码').fill('FP-0001');
  await page.getByLabel('保费支付日期').fill(factoryDates.premiumPaidOn);
}

export const INNOVATION = '技术先进性 / innovation（权重 1，满分 30 分）';
/** The default rubric's criteria as the scoring form labels them, with the points an expert gives (81 in all). */
export const RUBRIC: [string, string][] = [
  [INNOVATION, '26'],
  ['首批次应用属性 / first-batch use（权重 1，满分 30 分）', '24'],
  ['市场与产业带动 / market impact（权重 1，满分 20 分）', '15'],
  ['风险保障合理性 / risk cover（权重 1，满分 20 分）', '16'],
];
export const REVIEW_COMMENT = '材料性能指标达到目录要求，首批次应用属实。';

/** The expert, signed in on the page, opens the case from the inbox and accepts the assignment. */
export async function acceptAssignment(page: Page, caseNumber: string): Promise<void> {
  await page.goto('/inbox');
  await page.getByRole('link', { name: caseNumber }).click();
  await page.getByLabel('本人与该申请企业不存在利益冲突，承诺独立、公正评审').check();
  await page.getByRole('button', { name: '确认：接受评审任务' }).click();
  await expect.poll(() => page.getByRole('form', { name: '评分' }).count()).toBe(1);
}

/** The scoring form filled in with the rubric's points and a comment, not yet sent. */
export async function fillScores(page: Page, points: [string, string][] = RUBRIC): Promise<void> {
  const form = page.getByRole('form', { name: '评分' });
  for (const [label, given] of points) await form.getByLabel(label).fill(given);
  await form.getByLabel('评审意见').fill(REVIEW_COMMENT);
  await form.getByLabel('我已核对以上评分和意见，知悉提交后不可修改').check();
}

/** Sends the scoring form and waits for the page that shows the scores as given. */
export async function sendScores(page: Page): Promise<void> {
  await page.getByRole('form', { name: '评分' }).getByRole('button', { name: '提交评分' }).click();
  await expect.poll(() => page.getByText('您已提交评分，以下为提交的内容（不可修改）。').count()).toBe(1);
  expect(await page.getByRole('form', { name: '评分' }).count()).toBe(0);
}

/**
 * A notice's period ended: the test clock set (through the admin route) a minute past its expiry,
 * the expiry timer fired and the closed notice's event delivered to its cases. The caller sets
 * the clock back (`t.app.clock.set(new Date())`) when done.
 */
export async function endNoticePeriod(t: TestApp, w: World, noticeId: string): Promise<void> {
  if (!(t.app.clock instanceof SettableClock)) throw new Error('the test app has no settable clock');
  const [expiry] = await t.app.db.select().from(timers).where(and(eq(timers.ownerId, noticeId), eq(timers.purpose, 'expiry')));
  if (!expiry) throw new Error('no expiry timer armed');
  expect((await t.api.post('/admin/clock', { set: new Date(expiry.fireAt.getTime() + 60_000).toISOString() }, w.tokens.admin)).status).toBe(200);
  expect(await fireTimer(t.app, expiry.id)).toBe(true);
  const [message] = (await t.app.db.select().from(outbox).where(and(eq(outbox.topic, 'event'), sql`${outbox.payload}->'from'->>'id' = ${noticeId}`))).map((r) => deliveryPayload.parse(r.payload));
  if (!message) throw new Error('the closed notice told no case');
  await deliverEvent(t.app, message);
}

/** The test clock set back to the present after `endNoticePeriod`. */
export async function clockBack(t: TestApp): Promise<void> {
  if (t.app.clock instanceof SettableClock) await t.app.clock.set(new Date());
}
