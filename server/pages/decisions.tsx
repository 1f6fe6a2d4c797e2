import type { PropsWithChildren } from '@kitajs/html';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { FieldError } from '../errors';
import { caseEvents, type CaseEventType } from '../../workflows/case/events';
import { CsrfField, errorsAt, Field, FieldProblems, ProblemSummary } from './components/form';
import { field, fieldWords, type PageCtx } from './page';
import { plainAmount } from './format';

// The decision forms of a case page, generated from the events the service allows the person now
// (`allowedEvents`) and from each event's payload definition (workflows/case/events.ts): a field for
// each word the event carries, required where the event requires it.
const FIELDS = ['reason', 'reasons', 'comment', 'response', 'amount', 'reference', 'conflictOfInterest', 'noConflict'] as const;
/**
 * The page's own tick before a policy is verified: the API takes VERIFY_POLICY as it is, the page
 * asks the insurer to say first that it compared the policy and the premium receipt with its system.
 */
export const POLICY_CHECKED = 'policyChecked';
/** The fields a decision form may carry, to show again when the service refuses it. */
export const FORM_FIELDS: readonly string[] = [...FIELDS, POLICY_CHECKED];
// a yes-or-no word of an event (DECLINE_ASSIGNMENT's conflict of interest) is a check box
const CHECKS: readonly FieldName[] = ['conflictOfInterest', 'noConflict'];
// a declaration the step cannot go without (ACCEPT_ASSIGNMENT's, SPEC §2): the machine refuses it unticked
const DECLARATIONS: readonly FieldName[] = ['noConflict'];
const LINES: readonly FieldName[] = ['reason', 'reasons', 'comment', 'response'];
// the forms that end or refuse something come after the step forward (resubmit before withdraw)
const DANGER: ReadonlySet<CaseEventType> = new Set(['REJECT', 'WITHDRAW', 'DECLINE_ASSIGNMENT']);
type FieldName = (typeof FIELDS)[number];

const payloadOf = (type: CaseEventType): Record<string, { isOptional(): boolean }> => caseEvents[type].payload;
const fieldsOf = (type: CaseEventType): string[] => Object.keys(payloadOf(type));
/** Only events whose every field a page knows how to ask for get a form. */
const formable = (type: CaseEventType) => fieldsOf(type).every((k) => (FIELDS as readonly string[]).includes(k));

/** The event body a decision form sends, in the API's shape; the API's schema then checks it. */
export function eventBodyFrom(req: Request, type: CaseEventType): Record<string, unknown> {
  const body: Record<string, unknown> = { type };
  for (const key of fieldsOf(type)) {
    const text = field(req, key);
    if (CHECKS.includes(key as FieldName)) body[key] = text === 'on';
    else if (key === 'reasons') body.reasons = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((message) => ({ message }));
    // an amount may be typed as amounts are shown, with thousands separators
    else if (key === 'amount') body.amount = plainAmount(text);
    else if (text.trim() !== '' || !payloadOf(type)[key]?.isOptional()) body[key] = text;
  }
  return body;
}

/**
 * A problem of `reasons.0.message` belongs to the `reasons` field; an empty list of reasons is
 * said as what the text box wants, not as the API's "choose at least one".
 */
export const toField = (p: PageCtx, errors: FieldError[]): FieldError[] =>
  fieldWords(
    errors.map((e) => ({ ...e, path: e.path.split('.')[0] ?? e.path })),
    { reasons: { too_small: p.t.casePage.reasonsMissing } },
  );

/** The form's problem when VERIFY_POLICY comes from the page without the tick; null when ticked or another event. */
export function uncheckedPolicy(type: CaseEventType, values: Record<string, string>): FieldError | null {
  if (type !== 'VERIFY_POLICY' || values[POLICY_CHECKED] === 'on') return null;
  return { path: POLICY_CHECKED, code: 'policy.unchecked', message: 'Tick this box once you have compared them: only then is the policy verified', messageZh: '请核对后勾选此项，方可确认保单核验通过' };
}

/** The anchor of a case page form: the address a refused form comes back at, so the page opens at the form and its problems. */
export const formAnchor = (type: string) => `d-${type}`;

export interface Attempt {
  type: string;
  errors: FieldError[];
  values: Record<string, string>;
}

function PolicyTick({ p, mine }: { p: PageCtx; mine: Attempt | null }) {
  const id = `d-VERIFY_POLICY-${POLICY_CHECKED}`;
  const errors = mine ? errorsAt(mine.errors, POLICY_CHECKED) : [];
  return (
    <div class={errors.length ? 'field invalid' : 'field'}>
      <FieldProblems p={p} id={`${id}-error`} errors={errors} />
      <div class="choice">
        <input type="checkbox" id={id} name={POLICY_CHECKED} checked={mine?.values[POLICY_CHECKED] === 'on'} required aria-invalid={errors.length ? 'true' : undefined} aria-describedby={errors.length ? `${id}-error` : undefined} />
        <label for={id} safe>{p.t.casePage.policyChecked}</label>
      </div>
    </div>
  );
}

/** The label of each field a decision form asks for, as the form shows it. */
export function fieldLabels(p: PageCtx): Record<FieldName, string> {
  const c = p.t.casePage;
  return { reason: c.reason, reasons: c.reasons, comment: c.comment, response: c.response, amount: c.amount, reference: c.reference, conflictOfInterest: p.t.review.conflictOfInterest, noConflict: p.t.review.noConflict };
}

function DecisionForm({ p, caseId, version, type, attempt }: { p: PageCtx; caseId: string; version: number; type: CaseEventType; attempt: Attempt | null }) {
  const c = p.t.casePage;
  const mine = attempt?.type === type ? attempt : null;
  const errors = mine?.errors ?? [];
  const labels = fieldLabels(p);
  const fields = fieldsOf(type) as FieldName[];
  const summary = [
    ...fields.map((name) => ({ path: name, id: `d-${type}-${name}`, label: labels[name] })),
    ...(type === 'VERIFY_POLICY' ? [{ path: POLICY_CHECKED, id: `d-${type}-${POLICY_CHECKED}`, label: c.policyChecked }] : []),
  ];
  return (
    <form method="post" action={`/cases/${caseId}/events#${formAnchor(type)}`} class="decision" aria-labelledby={formAnchor(type)} novalidate>
      <h3 id={formAnchor(type)} safe>{p.t.events[type]}</h3>
      <CsrfField p={p} />
      <input type="hidden" name="type" value={type} />
      <input type="hidden" name="version" value={String(version)} />
      <input type="hidden" name="key" value={randomUUID()} />
      <ProblemSummary p={p} errors={errors} fields={summary} />
      {fields.map((name) =>
        CHECKS.includes(name) ? (
          <div class="choice">
            <input type="checkbox" id={`d-${type}-${name}`} name={name} checked={mine?.values[name] === 'on'} required={DECLARATIONS.includes(name)} aria-invalid={DECLARATIONS.includes(name) && errors.some((e) => e.code === `guard.declaresNoConflict`) ? 'true' : undefined} />
            <label for={`d-${type}-${name}`} safe>{labels[name]}</label>
          </div>
        ) : (
          <Field
            p={p}
            idPrefix={`d-${type}`}
            name={name}
            label={labels[name]}
            errors={errors}
            value={mine?.values[name] ?? ''}
            required={!payloadOf(type)[name]?.isOptional()}
            hint={name === 'reasons' ? p.t.actions.reasonsHint : name === 'response' ? c.responseHint : undefined}
            multiline={LINES.includes(name)}
          />
        ),
      )}
      {type === 'VERIFY_POLICY' ? <PolicyTick p={p} mine={mine} /> : ''}
      <button type="submit" class={DANGER.has(type) ? 'danger' : 'primary'} safe>{c.send(p.t.events[type])}</button>
    </form>
  );
}

/**
 * `elsewhere`: the person has a form in another part of the page (the expert review), so "nothing to
 * do" would be wrong. `claimsToDecide`: the claims of the case that wait for this person's decision,
 * whose forms are in the claims part below — the case itself may ask nothing of them while a claim
 * does. `children`: what the forms decide on, shown before them (the policy the insurer checks).
 */
export function Decisions({
  p,
  caseId,
  version,
  allowed,
  attempt,
  elsewhere = false,
  claimsToDecide = [],
  children,
}: PropsWithChildren<{
  p: PageCtx;
  caseId: string;
  version: number;
  allowed: readonly CaseEventType[];
  attempt: Attempt | null;
  elsewhere?: boolean;
  claimsToDecide?: readonly { id: string; number: string }[];
}>) {
  const forms = [...allowed.filter((t) => formable(t) && !DANGER.has(t)), ...allowed.filter((t) => formable(t) && DANGER.has(t))];
  if (forms.length === 0 && elsewhere) return '';
  return (
    <section aria-labelledby="decisions">
      <h2 id="decisions" safe>{p.t.casePage.decisions}</h2>
      {claimsToDecide.map((c) => (
        <p class="next">
          <a href={`#claim-${c.id}`} safe>
            {p.t.casePage.claimToDecide(c.number)}
          </a>
        </p>
      ))}
      {forms.length === 0 && claimsToDecide.length === 0 ? <p class="empty" safe>{p.t.casePage.noDecisions}</p> : ''}
      {children}
      {forms.map((type) => (
        <DecisionForm p={p} caseId={caseId} version={version} type={type} attempt={attempt} />
      ))}
    </section>
  );
}
