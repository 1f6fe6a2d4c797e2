import { dayWords, timeWords, type Lang } from '../domain/date-words';

// One template per event, Chinese first with English below (SPEC §7, "Email"). Placeholders are
// `{{name}}`; checkTemplates() runs at start-up and refuses any placeholder a template does not declare.

export interface Bilingual {
  zh: string;
  en: string;
}

export interface Template {
  subject: Bilingual;
  body: Bilingual;
  /** the placeholders it may use */
  vars: readonly string[];
  /** placeholders worded from the others, in each language (a line that is there only when its value is) */
  derived?: (data: Readonly<Record<string, string>>, lang: Lang) => Record<string, string>;
}

/** Every case notification is rendered with these values (reason and dueOn may be empty). */
export const caseVars = ['caseNumber', 'firmName', 'materialName', 'link', 'reason', 'dueOn'] as const;
export type CaseVars = Record<(typeof caseVars)[number], string>;

/** The insurer's emails about a case's policy: the case's words and the policy's number. */
export const policyVars = [...caseVars, 'policyNumber'] as const;

/** A case's payment: the case's words, the amount paid, its date and the bank's reference. */
export const paidVars = [...caseVars, 'subsidy', 'paidOn', 'paymentReference'] as const;

/** A case's approval: the case's words and how its public notice passed, in each language. */
export const approvedVars = [...caseVars, 'noticeOutcomeZh', 'noticeOutcomeEn'] as const;

/** A case deadline's reminder and overdue notice: the case's words and the deadline's name in each language. */
export const clockVars = [...caseVars, 'deadlineZh', 'deadlineEn'] as const;

/** A round's reminders (not about one case) are rendered with these. */
export const roundVars = ['roundName', 'closesAt', 'draftCount', 'link'] as const;
export type RoundVars = Record<(typeof roundVars)[number], string>;

/** A public notice's own emails (not about one case). */
export const noticeVars = ['noticeNumber', 'caseCount', 'link', 'dueOn', 'closesOn'] as const;

/** A claim's emails: the claim and its case, what was claimed, and what the insurer decided. */
export const claimVars = [
  'claimNumber',
  'caseNumber',
  'firmName',
  'materialName',
  'kindZh',
  'kindEn',
  'occurredOn',
  'amount',
  'paidAmount',
  'reference',
  'link',
  'reason',
  'dueOn',
] as const;
/** A disbursement batch's own emails: its number, size, total in yuan and the deadline of its payment. */
export const batchVars = ['batchNumber', 'caseCount', 'total', 'link', 'reason', 'dueOn'] as const;

/**
 * The outcome of an objection, to the person who filed it: they have no account and no link to
 * follow, and what the reviewer wrote is the answer.
 */
export const objectionVars = ['noticeNumber', 'reference', 'caseNumber', 'materialName', 'outcomeZh', 'outcomeEn', 'reason'] as const;
export type ObjectionVars = Record<(typeof objectionVars)[number], string>;

/** A self-registration's emails. Nothing the registrant typed freely is echoed to a mailbox. */
export const registrationVars = ['uscc', 'link', 'confirmBy'] as const;
export type RegistrationVars = Record<(typeof registrationVars)[number], string>;

/** A staff member's invitation: their name and roles as the administrator entered them. */
export const invitationVars = ['name', 'roleNames', 'roleNamesEn', 'link', 'acceptBy'] as const;
export type InvitationVars = Record<(typeof invitationVars)[number], string>;

/** A person's own password: changed (or reset), and the link to reset a forgotten one. */
export const passwordVars = ['name', 'link', 'changedAt', 'resetBy'] as const;

const automatic: Bilingual = { zh: '\n（本邮件由系统自动发送，请勿直接回复。）', en: '\n(This message was sent automatically; please do not reply.)' };
const own = (subject: Bilingual, body: Bilingual, vars: readonly string[] = registrationVars): Template => ({
  subject,
  body: { zh: body.zh + automatic.zh, en: body.en + automatic.en },
  vars,
});

const footer: Bilingual = {
  zh: '\n\n查看申请：{{link}}\n（本邮件由系统自动发送，请勿直接回复。）',
  en: '\n\nOpen the application: {{link}}\n(This message was sent automatically; please do not reply.)',
};

const t = (subject: Bilingual, body: Bilingual, vars: readonly string[] = caseVars): Template => ({
  subject,
  body: { zh: body.zh + footer.zh, en: body.en + footer.en },
  vars,
});

const batchFooter: Bilingual = {
  zh: '\n\n查看拨付批次：{{link}}\n（本邮件由系统自动发送，请勿直接回复。）',
  en: '\n\nOpen the batch: {{link}}\n(This message was sent automatically; please do not reply.)',
};
const b = (subject: Bilingual, body: Bilingual): Template => ({
  subject,
  body: { zh: body.zh + batchFooter.zh, en: body.en + batchFooter.en },
  vars: batchVars,
});

export const templates = {
  'case.submitted': t(
    { zh: '申请 {{caseNumber}} 已提交，等待市级初审', en: 'Application {{caseNumber}} submitted for municipal review' },
    {
      zh: '{{firmName}} 的首批次应用保险补偿申请 {{caseNumber}}（{{materialName}}）已提交，进入市经信局初审。初审期限：{{dueOn}}。',
      en: 'The first-batch insurance compensation application {{caseNumber}} of {{firmName}} ({{materialName}}) was submitted and awaits municipal review, due {{dueOn}}.',
    },
  ),
  // the firm's reply to the reasons of the return (RESUBMIT's response, the event's reason), when it gave one
  'case.resubmitted': {
    ...t(
      { zh: '申请 {{caseNumber}} 已补正并重新提交', en: 'Application {{caseNumber}} resubmitted after revision' },
      {
        zh: '{{firmName}} 已对申请 {{caseNumber}}（{{materialName}}）补正材料并重新提交，请继续审核。{{replyLine}}',
        en: '{{firmName}} has revised application {{caseNumber}} ({{materialName}}) and resubmitted it for review.{{replyLine}}',
      },
      [...caseVars, 'replyLine'],
    ),
    derived: (data, lang) => ({ replyLine: data.reason ? (lang === 'zh' ? `\n企业的答复：${data.reason}` : `\nThe firm's reply: ${data.reason}`) : '' }),
  },
  'case.municipalApproved': t(
    { zh: '申请 {{caseNumber}} 已通过市级初审', en: 'Application {{caseNumber}} passed municipal review' },
    {
      zh: '申请 {{caseNumber}}（{{firmName}}，{{materialName}}）已通过市经信局初审，进入省经信厅复审。复审期限：{{dueOn}}。',
      en: 'Application {{caseNumber}} ({{firmName}}, {{materialName}}) passed municipal review and moves to provincial review, due {{dueOn}}.',
    },
  ),
  'case.provincialApproved': t(
    { zh: '申请 {{caseNumber}} 已通过省级复审', en: 'Application {{caseNumber}} passed provincial review' },
    {
      zh: '申请 {{caseNumber}}（{{materialName}}）已通过省经信厅复审，进入专家评审。',
      en: 'Application {{caseNumber}} ({{materialName}}) passed provincial review and moves to expert review.',
    },
  ),
  'case.returned': t(
    { zh: '申请 {{caseNumber}} 需要补正', en: 'Application {{caseNumber}} returned for revision' },
    {
      zh: '申请 {{caseNumber}}（{{materialName}}）被退回补正，原因：{{reason}}\n请在 {{dueOn}} 前补正并重新提交，逾期申请将失效。',
      en: 'Application {{caseNumber}} ({{materialName}}) was returned for revision: {{reason}}\nPlease revise and resubmit by {{dueOn}}; after that the application lapses.',
    },
  ),
  'case.rejected': t(
    { zh: '申请 {{caseNumber}} 未获通过', en: 'Application {{caseNumber}} rejected' },
    {
      zh: '很遗憾，申请 {{caseNumber}}（{{materialName}}）未获通过。原因：{{reason}}',
      en: 'Application {{caseNumber}} ({{materialName}}) was rejected. Reason: {{reason}}',
    },
  ),
  'case.withdrawn': t(
    { zh: '申请 {{caseNumber}} 已撤回', en: 'Application {{caseNumber}} withdrawn' },
    {
      zh: '{{firmName}} 已撤回申请 {{caseNumber}}（{{materialName}}）。原因：{{reason}}',
      en: '{{firmName}} withdrew application {{caseNumber}} ({{materialName}}). Reason: {{reason}}',
    },
  ),
  'case.lapsed': t(
    { zh: '申请 {{caseNumber}} 因逾期未补正已失效', en: 'Application {{caseNumber}} lapsed' },
    {
      zh: '申请 {{caseNumber}}（{{materialName}}）未在补正期限内重新提交，已失效。',
      en: 'Application {{caseNumber}} ({{materialName}}) was not resubmitted within the revision period and has lapsed.',
    },
  ),
  'case.policyVerified': t(
    { zh: '申请 {{caseNumber}} 的保单已核验', en: 'Policy of application {{caseNumber}} verified' },
    {
      zh: '保险公司已核验申请 {{caseNumber}}（{{materialName}}）的保单和保费发票。',
      en: 'The insurer verified the policy and premium receipt of application {{caseNumber}} ({{materialName}}).',
    },
  ),
  'case.policyMismatch': t(
    { zh: '申请 {{caseNumber}} 的保单信息不一致', en: 'Policy of application {{caseNumber}} does not match' },
    {
      zh: '保险公司核验申请 {{caseNumber}}（{{materialName}}）时发现保单信息不一致：{{reason}}\n审核人员将退回申请，企业更正保单信息后重新提交，保险公司再行核验。',
      en: 'The insurer found that the policy data of application {{caseNumber}} ({{materialName}}) does not match: {{reason}}\nThe reviewer returns the application; the firm corrects the policy data and resubmits, and the insurer verifies it again.',
    },
  ),
  'case.policyToVerify': t(
    { zh: '请核验申请 {{caseNumber}} 的保单 {{policyNumber}}', en: 'Please verify policy {{policyNumber}} of application {{caseNumber}}' },
    {
      zh: '{{firmName}} 已提交首批次应用保险补偿申请 {{caseNumber}}（{{materialName}}），投保保单号 {{policyNumber}}。请核验保单信息和保费发票，确认一致或说明不符之处。',
      en: '{{firmName}} submitted the first-batch insurance compensation application {{caseNumber}} ({{materialName}}) under policy {{policyNumber}}. Please verify the policy data and the premium invoice: confirm them, or say what does not match.',
    },
    policyVars,
  ),
  'case.policyChanged': t(
    { zh: '申请 {{caseNumber}} 的保单信息已变更，请重新核验', en: 'Policy of application {{caseNumber}} changed: please verify again' },
    {
      zh: '{{firmName}} 在补正申请 {{caseNumber}}（{{materialName}}）时修改了保单信息或保单材料，原核验结果失效，请重新核验。',
      en: '{{firmName}} changed the policy data or documents of application {{caseNumber}} ({{materialName}}) while revising it; the earlier verification no longer holds. Please verify again.',
    },
  ),
  'expert.assigned': t(
    { zh: '请评审申请 {{caseNumber}}', en: 'You are asked to review application {{caseNumber}}' },
    {
      zh: '您被指派评审 {{firmName}} 的申请 {{caseNumber}}（{{materialName}}）。请先接受或谢绝（如有利益冲突请声明），接受后按评分标准打分。评审期限：{{dueOn}}。',
      en: 'You have been assigned to review application {{caseNumber}} of {{firmName}} ({{materialName}}). Accept or decline it first (declare any conflict of interest), then score it against the rubric. Due {{dueOn}}.',
    },
  ),
  // no link: the case is no longer open to them
  'expert.replaced': own(
    { zh: '申请 {{caseNumber}} 的评审已改派', en: 'Your review of application {{caseNumber}} was reassigned' },
    {
      zh: '省级审核员已将申请 {{caseNumber}}（{{materialName}}）的评审改派给其他专家。您无需再评审此申请，也不能再查看它。',
      en: 'The provincial reviewer has reassigned the review of application {{caseNumber}} ({{materialName}}) to another expert. You need not review it any more, and it is no longer open to you.',
    },
    caseVars,
  ),
  'expert.declined': t(
    { zh: '专家谢绝评审申请 {{caseNumber}}', en: 'An expert declined application {{caseNumber}}' },
    {
      zh: '一位专家谢绝了申请 {{caseNumber}}（{{materialName}}）的评审：{{reason}}。请指派其他专家。',
      en: 'An expert declined to review application {{caseNumber}} ({{materialName}}): {{reason}}. Please assign another expert.',
    },
  ),
  'case.expertPassed': t(
    { zh: '申请 {{caseNumber}} 通过专家评审，等待公示', en: 'Application {{caseNumber}} passed the expert review and awaits the public notice' },
    {
      zh: '{{firmName}} 的申请 {{caseNumber}}（{{materialName}}）已通过专家评审，将列入公示。',
      en: 'Application {{caseNumber}} of {{firmName}} ({{materialName}}) passed the expert review and will be listed in the public notice.',
    },
  ),
  // sent only while the insurer has still to verify the policy: otherwise the approval tells it all
  'case.noticePassed': t(
    { zh: '申请 {{caseNumber}} 公示期满，已通过审核', en: 'Application {{caseNumber}} passed the public notice' },
    {
      zh: '申请 {{caseNumber}}（{{firmName}}，{{materialName}}）公示期满，无待处理异议，已通过审核。保险公司核验保单和保费发票后，申请即获批准并核定补偿金额。',
      en: 'The public notice of application {{caseNumber}} ({{firmName}}, {{materialName}}) has ended with no objection open: the review is passed. Once the insurer has verified the policy and premium receipt, the application is approved and its subsidy calculated.',
    },
  ),
  'case.approved': t(
    { zh: '申请 {{caseNumber}} 已批准，补偿金额已核定', en: 'Application {{caseNumber}} approved, subsidy calculated' },
    {
      zh: '{{noticeOutcomeZh}}：{{firmName}} 的申请 {{caseNumber}}（{{materialName}}）已批准，保费补偿金额已按本批次规则核定，计算过程可在系统中查看：{{link}}',
      en: '{{noticeOutcomeEn}}: application {{caseNumber}} of {{firmName}} ({{materialName}}) is approved; its premium subsidy has been calculated under the round rules. The derivation is shown at {{link}}',
    },
    approvedVars,
  ),
  'case.subsidyReduced': t(
    { zh: '申请 {{caseNumber}} 的补偿金额已按比例核减', en: 'The subsidy of application {{caseNumber}} was reduced pro rata' },
    {
      zh: '因本批次核准补偿总额超出预算，申请 {{caseNumber}}（{{materialName}}）的补偿金额已按比例核减，详见：{{link}}',
      en: 'The approved subsidies of the round exceed its budget: the subsidy of application {{caseNumber}} ({{materialName}}) was reduced pro rata. Details: {{link}}',
    },
  ),
  'case.paid': t(
    { zh: '申请 {{caseNumber}} 的补偿资金已拨付', en: 'The subsidy of application {{caseNumber}} has been paid' },
    {
      zh: '{{firmName}} 的申请 {{caseNumber}}（{{materialName}}）的保费补偿资金 {{subsidy}} 元已于 {{paidOn}} 拨付至贵企业登记的收款账户（银行流水号 {{paymentReference}}），请查收。',
      en: 'The premium subsidy of {{subsidy}} yuan for application {{caseNumber}} of {{firmName}} ({{materialName}}) was paid on {{paidOn}} to the bank account your firm registered (bank reference {{paymentReference}}).',
    },
    paidVars,
  ),
  'case.paymentFailed': t(
    { zh: '申请 {{caseNumber}} 的补偿资金拨付失败', en: 'The subsidy payment of application {{caseNumber}} failed' },
    {
      zh: '申请 {{caseNumber}}（{{firmName}}，{{materialName}}）的补偿资金拨付失败：{{reason}}。请企业核对收款账户，财务人员将重新纳入拨付批次。',
      en: 'The subsidy payment of application {{caseNumber}} ({{firmName}}, {{materialName}}) failed: {{reason}}. The firm should check its bank account; finance will put the case into a new batch.',
    },
  ),
  'case.recoveryStarted': t(
    { zh: '申请 {{caseNumber}} 的补偿资金启动追回', en: 'Recovery started for application {{caseNumber}}' },
    {
      zh: '申请 {{caseNumber}}（{{firmName}}，{{materialName}}）的补偿资金已启动追回，原因：{{reason}}。企业在禁止期内不得申报。',
      en: 'A recovery of the subsidy of application {{caseNumber}} ({{firmName}}, {{materialName}}) has started. Reason: {{reason}}. The firm may not apply during its ban.',
    },
  ),
  'case.recovered': t(
    { zh: '申请 {{caseNumber}} 的补偿资金已追回', en: 'The subsidy of application {{caseNumber}} has been recovered' },
    {
      zh: '申请 {{caseNumber}}（{{firmName}}，{{materialName}}）的补偿资金追回已登记完毕。',
      en: 'The recovery of the subsidy of application {{caseNumber}} ({{firmName}}, {{materialName}}) has been recorded.',
    },
  ),
  'case.objection': t(
    { zh: '公示异议：申请 {{caseNumber}}', en: 'Objection to application {{caseNumber}}' },
    {
      zh: '公示中的申请 {{caseNumber}}（{{firmName}}，{{materialName}}）收到异议，请在 {{dueOn}} 前核实处理。',
      en: 'An objection was filed against application {{caseNumber}} ({{firmName}}, {{materialName}}) on public notice. Please resolve it by {{dueOn}}.',
    },
  ),
  'notice.published': t(
    { zh: '公示 {{noticeNumber}} 已发布', en: 'Public notice {{noticeNumber}} published' },
    {
      zh: '公示 {{noticeNumber}}（共 {{caseCount}} 项申请）已发布，公示期至 {{dueOn}}。公示期内任何单位和个人均可提出异议。',
      en: 'Public notice {{noticeNumber}} ({{caseCount}} application(s)) was published and runs until {{dueOn}}. Anyone may object during the notice period.',
    },
    noticeVars,
  ),
  'notice.closed': t(
    { zh: '公示 {{noticeNumber}} 已期满', en: 'Public notice {{noticeNumber}} has ended' },
    {
      zh: '公示 {{noticeNumber}}（共 {{caseCount}} 项申请）已于 {{closesOn}} 期满。',
      en: 'Public notice {{noticeNumber}} ({{caseCount}} application(s)) ended on {{closesOn}}.',
    },
    noticeVars,
  ),
  'claim.reported': t(
    { zh: '理赔报案：申请 {{caseNumber}} 的保单（{{claimNumber}}）', en: 'Claim {{claimNumber}} reported under the policy of application {{caseNumber}}' },
    {
      zh: '{{firmName}} 就申请 {{caseNumber}}（{{materialName}}）的首批次应用保险保单报告了{{kindZh}}理赔 {{claimNumber}}：出险日期 {{occurredOn}}，索赔金额 {{amount}} 元。请核定并作出赔付或拒赔决定。',
      en: '{{firmName}} reported the {{kindEn}} claim {{claimNumber}} under the first-batch insurance policy of application {{caseNumber}} ({{materialName}}): loss on {{occurredOn}}, {{amount}} yuan claimed. Please pay or deny it.',
    },
    claimVars,
  ),
  'claim.paid': t(
    { zh: '理赔 {{claimNumber}} 已赔付', en: 'Claim {{claimNumber}} paid' },
    {
      zh: '保险公司已就申请 {{caseNumber}}（{{materialName}}）的理赔 {{claimNumber}} 作出赔付决定：赔付金额 {{paidAmount}} 元（索赔金额 {{amount}} 元），支付流水号 {{reference}}。',
      en: 'The insurer decided to pay claim {{claimNumber}} under application {{caseNumber}} ({{materialName}}): {{paidAmount}} yuan paid ({{amount}} yuan claimed), reference {{reference}}.',
    },
    claimVars,
  ),
  'claim.denied': t(
    { zh: '理赔 {{claimNumber}} 未获赔付', en: 'Claim {{claimNumber}} denied' },
    {
      zh: '保险公司拒绝了申请 {{caseNumber}}（{{materialName}}）的理赔 {{claimNumber}}（索赔金额 {{amount}} 元）。原因：{{reason}}',
      en: 'The insurer denied claim {{claimNumber}} under application {{caseNumber}} ({{materialName}}; {{amount}} yuan claimed). Reason: {{reason}}',
    },
    claimVars,
  ),
  'batch.submitted': b(
    { zh: '拨付批次 {{batchNumber}} 已提交，待审批', en: 'Disbursement batch {{batchNumber}} submitted for approval' },
    {
      zh: '拨付批次 {{batchNumber}}（{{caseCount}} 笔，合计 {{total}} 元）已提交，请审批。批次的创建人和提交人不得审批本批次。',
      en: 'Disbursement batch {{batchNumber}} ({{caseCount}} payment(s), {{total}} yuan in all) was submitted and awaits approval. Its creator and submitter may not approve it.',
    },
  ),
  'batch.approved': b(
    { zh: '拨付批次 {{batchNumber}} 已审批，请按期拨付', en: 'Disbursement batch {{batchNumber}} approved: please pay it' },
    {
      zh: '拨付批次 {{batchNumber}}（{{caseCount}} 笔，合计 {{total}} 元）已审批通过。请导出银行付款文件，于 {{dueOn}} 前完成拨付并登记银行流水号。',
      en: 'Disbursement batch {{batchNumber}} ({{caseCount}} payment(s), {{total}} yuan in all) was approved. Export the bank payment file, pay by {{dueOn}} and record the bank references.',
    },
  ),
  'batch.returned': b(
    { zh: '拨付批次 {{batchNumber}} 被退回', en: 'Disbursement batch {{batchNumber}} returned' },
    {
      zh: '拨付批次 {{batchNumber}}（{{caseCount}} 笔，合计 {{total}} 元）被退回，原因：{{reason}}',
      en: 'Disbursement batch {{batchNumber}} ({{caseCount}} payment(s), {{total}} yuan in all) was returned: {{reason}}',
    },
  ),
  'batch.paymentReminder': b(
    { zh: '提醒：拨付批次 {{batchNumber}} 须于 {{dueOn}} 前拨付', en: 'Reminder: disbursement batch {{batchNumber}} is due {{dueOn}}' },
    {
      zh: '拨付批次 {{batchNumber}}（{{caseCount}} 笔，合计 {{total}} 元）的拨付期限为 {{dueOn}}，尚有款项未登记拨付结果，请及时处理。',
      en: 'Disbursement batch {{batchNumber}} ({{caseCount}} payment(s), {{total}} yuan in all) is due to be paid by {{dueOn}}, and some payments have no recorded outcome yet.',
    },
  ),
  'batch.paymentOverdue': b(
    { zh: '督办：拨付批次 {{batchNumber}} 已超期', en: 'Overdue: disbursement batch {{batchNumber}}' },
    {
      zh: '拨付批次 {{batchNumber}}（{{caseCount}} 笔，合计 {{total}} 元）的拨付已于 {{dueOn}} 超期，尚有款项未登记拨付结果，请督办。',
      en: 'The payment of disbursement batch {{batchNumber}} ({{caseCount}} payment(s), {{total}} yuan in all) became overdue on {{dueOn}} with payments still unrecorded.',
    },
  ),
  'clock.reminder': t(
    { zh: '提醒：申请 {{caseNumber}} 将于 {{dueOn}} 到期', en: 'Reminder: application {{caseNumber}} is due {{dueOn}}' },
    {
      zh: '申请 {{caseNumber}}（{{firmName}}，{{materialName}}）的{{deadlineZh}}期限为 {{dueOn}}，请及时处理。',
      en: 'The {{deadlineEn}} deadline of application {{caseNumber}} ({{firmName}}, {{materialName}}) is {{dueOn}}.',
    },
    clockVars,
  ),
  'clock.overdue': t(
    { zh: '督办：申请 {{caseNumber}} 已超期', en: 'Overdue: application {{caseNumber}}' },
    {
      zh: '申请 {{caseNumber}}（{{firmName}}，{{materialName}}）的{{deadlineZh}}已于 {{dueOn}} 超期，请督办。',
      en: 'The {{deadlineEn}} of application {{caseNumber}} ({{firmName}}, {{materialName}}) became overdue on {{dueOn}}.',
    },
    clockVars,
  ),
  'round.closing': t(
    { zh: '提醒：{{roundName}} 将于{{closesAt}} 截止申报', en: 'Reminder: {{roundName}} closes on {{closesAt}}' },
    {
      zh: '贵企业在“{{roundName}}”中尚有 {{draftCount}} 份申请未提交。本批次将于{{closesAt}} 截止申报，截止后不能再提交。',
      en: 'Your firm has {{draftCount}} unsubmitted application(s) in "{{roundName}}". The round closes on {{closesAt}}; after that they can no longer be submitted.',
    },
    roundVars,
  ),
  'objection.resolved': {
    subject: { zh: '您对公示 {{noticeNumber}} 提出的异议已处理', en: 'Your objection to public notice {{noticeNumber}} has been resolved' },
    body: {
      zh: '您对公示 {{noticeNumber}} 中申请 {{caseNumber}}（{{materialName}}）提出的异议（受理编号 {{reference}}）已处理，结果：{{outcomeZh}}。\n说明：{{reason}}' + automatic.zh,
      en: 'Your objection {{reference}} to application {{caseNumber}} ({{materialName}}) on public notice {{noticeNumber}} has been resolved: {{outcomeEn}}.\nExplanation: {{reason}}' + automatic.en,
    },
    vars: objectionVars,
  },
  'objection.received': {
    subject: { zh: '您对公示 {{noticeNumber}} 提出的异议已收到', en: 'Your objection to public notice {{noticeNumber}} has been received' },
    body: {
      zh: '您对公示 {{noticeNumber}} 中申请 {{caseNumber}}（{{materialName}}）提出的异议已收到，受理编号 {{reference}}，如需查询请提供此编号。省经信厅核查后，将把处理结果发送到本邮箱。' + automatic.zh,
      en: 'Your objection to application {{caseNumber}} ({{materialName}}) on public notice {{noticeNumber}} has been received under reference {{reference}}; please quote it in any enquiry. Once the provincial department has examined it, the outcome is sent to this address.' + automatic.en,
    },
    vars: objectionVars,
  },
  'objection.closed': {
    subject: { zh: '您对公示 {{noticeNumber}} 提出的异议已终结', en: 'Your objection to public notice {{noticeNumber}} is closed' },
    body: {
      zh: '您对公示 {{noticeNumber}} 中申请 {{caseNumber}}（{{materialName}}）提出的异议（受理编号 {{reference}}）无需再处理：{{outcomeZh}}。' + automatic.zh,
      en: 'Your objection {{reference}} to application {{caseNumber}} ({{materialName}}) on public notice {{noticeNumber}} needs no further examination: {{outcomeEn}}.' + automatic.en,
    },
    vars: objectionVars,
  },
  'registration.confirm': own(
    { zh: '请确认企业注册（统一社会信用代码 {{uscc}}）', en: 'Confirm the registration of your firm ({{uscc}})' },
    {
      zh: '有人以本邮箱为首个账号，申请在新材料首批次应用保险补偿系统注册统一社会信用代码为 {{uscc}} 的企业。如是您本人操作，请在{{confirmBy}} 前打开以下链接完成注册：\n{{link}}\n如非本人操作，请忽略本邮件，系统不会创建任何账号。',
      en: 'Someone asked to register the firm with unified social credit code {{uscc}} on the first-batch insurance compensation system, with this email address as its first account. If that was you, open this link before {{confirmBy}} to finish:\n{{link}}\nIf it was not you, ignore this message: no account is created.',
    },
  ),
  'registration.emailTaken': own(
    { zh: '有人尝试用您的邮箱注册企业', en: 'Someone tried to register a firm with your email address' },
    {
      zh: '有人以本邮箱申请注册统一社会信用代码为 {{uscc}} 的企业。本邮箱已有账号，因此未创建新账号。如是您本人操作，请直接登录：{{link}}\n如非本人操作，请忽略本邮件，您的账号未受影响。',
      en: 'Someone asked to register the firm with unified social credit code {{uscc}} with this email address. It already has an account, so no new one was created. If that was you, sign in instead: {{link}}\nIf it was not you, ignore this message; your account is unchanged.',
    },
  ),
  'user.invitation': own(
    { zh: '邀请您使用新材料首批次应用保险补偿系统', en: 'You are invited to the first-batch insurance compensation system' },
    {
      zh: '{{name}}，您好：\n系统管理员已为您开通新材料首批次应用保险补偿系统账号，角色：{{roleNames}}。请在{{acceptBy}} 前打开以下链接设置密码，链接仅可使用一次：\n{{link}}\n链接过期后，请联系系统管理员重新发送邀请。如您不认识本系统，请忽略本邮件。',
      en: 'Dear {{name}},\nan administrator opened an account for you on the first-batch insurance compensation system, as {{roleNamesEn}}. Open this link before {{acceptBy}} to set your password; it works once:\n{{link}}\nOnce it has expired, ask the administrator to send a new invitation. If you do not know this system, ignore this message.',
    },
    invitationVars,
  ),
  'account.passwordReset': own(
    { zh: '重置您的登录密码', en: 'Reset your password' },
    {
      zh: '{{name}}，您好：\n有人为本邮箱的新材料首批次应用保险补偿系统账号申请重置密码。如是您本人操作，请在{{resetBy}} 前打开以下链接设置新密码，链接仅可使用一次：\n{{link}}\n设置新密码后，该账号在所有设备上的登录都将退出。如非本人操作，请忽略本邮件，您的密码不会改变。',
      en: 'Dear {{name}},\nsomeone asked to reset the password of the account of this email address on the first-batch insurance compensation system. If that was you, open this link before {{resetBy}} to set a new password; it works once:\n{{link}}\nSetting it signs the account out everywhere. If it was not you, ignore this message; your password stays as it is.',
    },
    passwordVars,
  ),
  'account.passwordChanged': own(
    { zh: '您的登录密码已修改', en: 'Your password was changed' },
    {
      zh: '{{name}}，您好：\n您在新材料首批次应用保险补偿系统的账号密码已于{{changedAt}} 修改，其他设备上的登录已退出。\n如非本人操作，请立即通过以下链接重置密码，并联系系统管理员：\n{{link}}',
      en: 'Dear {{name}},\nthe password of your account on the first-batch insurance compensation system was changed at {{changedAt}}, and the account was signed out on other devices.\nIf it was not you, reset the password at once with this link and tell your administrator:\n{{link}}',
    },
    passwordVars,
  ),
} satisfies Record<string, Template>;

export type TemplateName = keyof typeof templates;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(templates, name);
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1] ?? '');

/** Fails the start when a template uses a placeholder nobody fills in. */
export function checkTemplates(all: Record<string, Template> = templates): void {
  const problems: string[] = [];
  for (const [name, tpl] of Object.entries(all)) {
    const known = new Set<string>(tpl.vars);
    for (const text of [tpl.subject.zh, tpl.subject.en, tpl.body.zh, tpl.body.en]) {
      for (const p of placeholders(text)) if (!known.has(p)) problems.push(`${name}: unknown placeholder {{${p}}}`);
    }
  }
  if (problems.length > 0) throw new Error(`email templates are broken — ${problems.join('; ')}`);
}

const fill = (text: string, data: Record<string, string>) => text.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, k: string) => data[k] ?? '');

// Dates and instants travel in the data as ISO (YYYY-MM-DD; an instant's toISOString()) and are
// worded as the pages word them, in each language's own text; instants are deadlines, so they
// name Beijing time. A value of another shape (queued before this rule) is shown as it came.
const DAY_VARS = new Set(['dueOn', 'paidOn', 'occurredOn', 'closesOn']);
const INSTANT_VARS = new Set(['closesAt', 'confirmBy', 'acceptBy', 'resetBy', 'changedAt']);
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function worded(data: Record<string, string>, lang: Lang): Record<string, string> {
  const word = (k: string, v: string) => {
    if (DAY_VARS.has(k)) return dayWords(v, lang);
    if (INSTANT_VARS.has(k) && ISO_INSTANT.test(v)) return timeWords(new Date(v), lang, true);
    return v;
  };
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, word(k, v)]));
}

export function render(name: TemplateName, data: Record<string, string>) {
  const tpl: Template = templates[name];
  const zh = { ...worded(data, 'zh'), ...tpl.derived?.(data, 'zh') };
  const en = { ...worded(data, 'en'), ...tpl.derived?.(data, 'en') };
  return {
    subject: `${fill(tpl.subject.zh, zh)} / ${fill(tpl.subject.en, en)}`,
    titleZh: fill(tpl.subject.zh, zh),
    bodyZh: fill(tpl.body.zh, zh),
    text: `${fill(tpl.body.zh, zh)}\n\n————————\n\n${fill(tpl.body.en, en)}`,
  };
}
