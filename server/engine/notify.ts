import { write, writeOutbox } from './pending';
import { isTemplateName, type CaseVars, type TemplateName } from '../mail/templates';
import { enqueueEmails } from '../mail/enqueue';
import { resolveRecipients } from './recipients';
import type { EffectScope } from './scope';

export interface NotifyParams {
  template: TemplateName;
  to: readonly string[];
  /** the assignee whose clock the message is about, for the `assignee` group */
  assigneeId?: string | null;
  reason?: string;
  dueOn?: string;
}

/** Writes the in-app notification, one email delivery per person, and the outbox rows that send them. */
export async function notify(s: EffectScope, p: NotifyParams): Promise<void> {
  if (!isTemplateName(p.template)) throw new Error(`unknown email template ${p.template}`);
  const recipients = await resolveRecipients(s, p.to, { assigneeId: p.assigneeId });
  const data = caseVarsFor(s, p);
  await enqueueEmails(
    s.tx,
    recipients.map((r) => ({ to: r.email, recipientUserId: r.id, template: p.template, data, now: s.now, owner: s.owner, inApp: true })),
    { write: (w) => write(s, w), outboxWriter: (rows) => writeOutbox(s, rows) },
  );
}

// an owner's own words (a notice's number) travel beside the case words its templates may use
function caseVarsFor(s: EffectScope, p: NotifyParams): CaseVars & Record<string, string> {
  const { caseNumber = '', firmName = '', materialName = '', link = '' } = s.mailVars;
  return { ...s.mailVars, caseNumber, firmName, materialName, link, reason: p.reason ?? '', dueOn: p.dueOn ?? '' };
}
