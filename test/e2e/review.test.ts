import { describe, expect, it } from 'vitest';
import { consoleErrors, descriptionOf, expectAccessible, fitsWidth, openPage, signIn, useBrowser } from '../support/browser';
import { acceptAssignment, clockBack, endNoticePeriod, fillScores, INNOVATION, REVIEW_COMMENT, RUBRIC, sendScores } from '../support/journeys';

// The review stage in a browser (SPEC §4): the provincial reviewer assigns a panel, each expert
// scores with the rubric, the notice is published, a visitor objects, the objection is dismissed,
// and the notice's period ends with the case approved. Time moves here: the file's database is its own.
const { t, w, browser } = useBrowser();

describe('the expert review, the notice and its objection, in a browser', { timeout: 240_000 }, () => {
  it('takes a case from expert assignment to approval through the pages', async () => {
    const caseId = await w.caseIn('expert');
    const number = (await t.api.get<{ number: string }>(`/cases/${caseId}`, w.tokens.provincial)).body.number;
    const panel = [];
    for (const name of ['周立新', '陈海燕', '刘国栋']) panel.push((await w.makeExperts(1, { name, organisationName: '浙江大学材料科学与工程学院' }))[0]);
    const [conflicted] = await w.makeExperts(1, { name: '赵关联', organisationUscc: w.firm.uscc, organisationName: '申报企业本身' });
    if (!conflicted || panel.some((e) => !e)) throw new Error('no experts');

    // the provincial reviewer picks the panel; the expert who works for the firm is marked
    const provincial = await openPage(browser, t.url);
    await signIn(provincial, w.people.provincial.email);
    await provincial.goto(`/cases/${caseId}`);
    const assign = provincial.getByRole('form', { name: '指派评审专家' });
    await expect.poll(() => assign.count()).toBe(1);
    const marked = assign.getByRole('checkbox', { name: '赵关联 · 申报企业本身' });
    expect(await marked.getAttribute('aria-describedby')).toBeTruthy();
    await expect.poll(() => assign.getByText(`利益冲突：任职于申报企业 ${w.firm.name}（${w.firm.uscc}）`).count()).toBe(1);
    await expectAccessible(provincial, 'review-assign-experts');
    // naming only one expert is refused: the quorum is three
    await assign.getByRole('checkbox', { name: '周立新 · 浙江大学材料科学与工程学院' }).check();
    await assign.getByRole('button', { name: '指派' }).click();
    await expect.poll(() => provincial.getByRole('alert').textContent()).toContain('专家');
    for (const name of ['陈海燕', '刘国栋']) await provincial.getByRole('checkbox', { name: `${name} · 浙江大学材料科学与工程学院` }).check();
    expect(await provincial.getByRole('checkbox', { name: '周立新 · 浙江大学材料科学与工程学院' }).isChecked()).toBe(true);
    await provincial.getByRole('form', { name: '指派评审专家' }).getByRole('button', { name: '指派' }).click();
    await expect.poll(() => provincial.getByRole('status').textContent()).toContain('指派评审专家');
    await expect.poll(() => provincial.getByRole('cell', { name: '待接受' }).count()).toBe(3);

    // each expert, from the inbox, accepts and scores; the first types a score above a criterion's maximum
    for (const [i, expert] of panel.entries()) {
      if (!expert) continue;
      const page = await openPage(browser, t.url, { phone: i === 0 });
      await signIn(page, expert.user.email);
      await acceptAssignment(page, number);
      // the first types a score above a criterion's maximum
      await fillScores(page, i === 0 ? RUBRIC.map(([label, points]) => [label, label === INNOVATION ? '35' : points]) : RUBRIC);
      if (i === 0) {
        // the total follows the points as they are typed: the criterion above its maximum counts for nothing yet
        await expect.poll(() => page.locator('#s-total').textContent()).toBe('已填有效得分 3 / 4 项，合计 55.00 分（及格分 60 分）');
        expect(await fitsWidth(page)).toBe(true);
        await expectAccessible(page, 'review-score-expert-phone');
        // the refusal is the page that answers the form's POST: read the field there once it has
        // loaded, not the field of the page the click leaves (which has no aria-invalid yet)
        const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/cases/${caseId}/events`);
        await page.getByRole('form', { name: '评分' }).getByRole('button', { name: '提交评分' }).click();
        // refused for the score (422), not for a stale version (409) nor its words (400)
        expect((await answered).status()).toBe(422);
        await page.waitForURL((url) => url.pathname === `/cases/${caseId}/events`);
        expect(await page.getByLabel(INNOVATION).getAttribute('aria-invalid')).toBe('true');
        expect(await descriptionOf(page, INNOVATION)).toContain('最高 30 分');
        // what was typed is kept
        expect(await page.getByLabel('评审意见').inputValue()).toBe(REVIEW_COMMENT);
        await expectAccessible(page, 'review-score-error-phone');
        await page.getByLabel(INNOVATION).fill('26');
        await expect.poll(() => page.locator('#s-total').textContent()).toBe('您的总分：81.00 分（及格分 60 分）');
      }
      await sendScores(page);
      expect(await page.getByRole('cell', { name: '81.00' }).count()).toBeGreaterThan(0);
      expect(await page.locator('#own-total').textContent()).toContain('您的总分：81.00 分');
      if (i === 0) await expectAccessible(page, 'review-scored-expert-phone');
      await page.context().close();
    }

    // the provincial reviewer sees the panel's scores and totals
    await provincial.goto(`/cases/${caseId}`);
    await expect.poll(() => provincial.getByRole('cell', { name: '81.00' }).count()).toBe(3);
    expect(await provincial.locator('#expert-mean').textContent()).toBe('3 位专家总分的平均分为 81.00 分，达到及格分 60 分：专家评审通过。');
    await expectAccessible(provincial, 'review-panel-provincial');
    expect(await provincial.getByRole('link', { name: '此申请待列入公示：请在“公示管理”中发布。' }).count()).toBe(1);

    // and puts the case on a public notice
    await provincial.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '公示管理' }).click();
    await expect.poll(() => provincial.getByRole('heading', { level: 1 }).textContent()).toBe('公示管理');
    await provincial.getByRole('checkbox', { name: `列入公示：${number}` }).check();
    await expectAccessible(provincial, 'review-notice-publish');
    await provincial.getByRole('button', { name: '发布公示' }).click();
    // a notice cannot be taken back: the cases are listed again, and published only on confirmation
    await provincial.getByRole('button', { name: /^确认发布/ }).click();
    await expect.poll(() => provincial.getByRole('status').textContent()).toContain('公示已发布');
    const noticeId = /\/review\/notices\/([0-9a-f-]{36})/.exec(provincial.url())?.[1];
    if (!noticeId) throw new Error(`not on a notice page: ${provincial.url()}`);

    // a visitor objects on the public page
    const visitor = await openPage(browser, t.url);
    await visitor.goto(`/notices/${noticeId}`);
    await visitor.getByLabel('姓名或单位名称').fill('李明');
    await visitor.getByLabel('联系方式（选填）').fill('li.ming@example.com');
    await visitor.getByLabel('异议理由').fill('该材料已在省外批量供货多年，并非首批次应用。');
    await visitor.getByRole('button', { name: '提交异议' }).click();
    await expect.poll(() => visitor.getByRole('status').textContent()).toContain('异议已收到');
    await visitor.context().close();

    // the staff notice page shows the objection with who filed it; the reviewer resolves it on the case
    await provincial.goto(`/review/notices/${noticeId}`);
    await expect.poll(() => provincial.getByText('该材料已在省外批量供货多年，并非首批次应用。').count()).toBe(1);
    await expect.poll(() => provincial.getByText('李明（li.ming@example.com）').count()).toBe(1);
    await expectAccessible(provincial, 'review-notice-staff');
    await provincial.getByRole('link', { name: '处理异议' }).click();
    const resolve = provincial.getByRole('form', { name: '处理 李明 的异议' });
    await expect.poll(() => resolve.count()).toBe(1);
    // a reason is required: refused beside the field
    await resolve.getByRole('button', { name: '异议不成立' }).click();
    await expect.poll(() => provincial.getByLabel('处理理由').getAttribute('aria-invalid')).toBe('true');
    expect(await descriptionOf(provincial, '处理理由')).toContain('请填写理由');
    await provincial.getByLabel('处理理由').fill('经核实，省外供货为同类其他规格产品，本申请材料属首批次应用。');
    await expectAccessible(provincial, 'review-objection-resolve');
    await provincial.getByRole('form', { name: '处理 李明 的异议' }).getByRole('button', { name: '异议不成立' }).click();
    await expect.poll(() => provincial.getByRole('status').textContent()).toContain('异议已处理');
    await expect.poll(() => provincial.getByText('异议不成立').first().count()).toBe(1);
    expect((await t.api.get<{ state: string }>(`/cases/${caseId}`, w.tokens.provincial)).body.state).toBe('notice');

    // the notice's period ends: the clock is moved past its expiry, the expiry fires, the case is approved
    try {
      await endNoticePeriod(t, w, noticeId);
      await provincial.goto(`/cases/${caseId}`);
      await expect.poll(() => provincial.locator('main p .badge').first().textContent()).toBe('补偿已核定');

      // the staff notice page, closed, in English
      await provincial.goto(`/review/notices/${noticeId}`);
      await provincial.getByRole('button', { name: '切换语言' }).click();
      await expect.poll(() => provincial.getByRole('heading', { name: 'Objections to this notice' }).count()).toBe(1);
      await expect.poll(() => provincial.getByText('Dismissed').count()).toBeGreaterThan(0);
      await expectAccessible(provincial, 'review-notice-staff-en');
    } finally {
      await clockBack(t);
    }
    expect(consoleErrors).toEqual([]);
  });
});
