import type { Response, Router } from 'express';
import type { AppContext } from '../context';
import { AppError, type FieldError } from '../errors';
import { acceptInvitation, invitedBy } from '../admin/users/accept';
import { invitationAcceptSchema, invitationTokenParams } from '../admin/users/schema';
import { Layout } from './layout';
import { CsrfField, Field, FormProblems } from './components/form';
import { field, pageOf, render, type PageCtx } from './page';
import { requireCsrf } from './csrf';
import { confirmationProblems } from './password-confirm';
import { passwordProblems } from '../enterprises/password-policy';

// The page the invitation email links to (/invitation?token=…, server/admin/users/invite.ts): the
// invited staff member sets a password there, through the same service as POST /auth/invitations/:token.

function InvitationPage({ p, token, who, errors }: { p: PageCtx; token: string; who: { name: string; email: string }; errors: readonly FieldError[] }) {
  return (
    <Layout p={p} title={p.t.invitation.title}>
      <p safe>{p.t.invitation.intro(who.name, who.email)}</p>
      <form method="post" action="/invitation" class="narrow" novalidate>
        <CsrfField p={p} />
        <input type="hidden" name="token" value={token} />
        <FormProblems p={p} errors={errors} fields={['password', 'passwordConfirm']} />
        <Field p={p} name="password" type="password" label={p.t.invitation.password} errors={errors} autocomplete="new-password" required />
        <Field p={p} name="passwordConfirm" type="password" label={p.t.invitation.passwordConfirm} errors={errors} autocomplete="new-password" required />
        <button type="submit" class="primary" safe>
          {p.t.invitation.submit}
        </button>
      </form>
    </Layout>
  );
}

function Notice({ p, title, text, link }: { p: PageCtx; title: string; text: string; link?: boolean }) {
  return (
    <Layout p={p} title={title}>
      <p role="status" safe>{text}</p>
      {link ? <p><a href="/login" safe>{p.t.invitation.signIn}</a></p> : ''}
    </Layout>
  );
}

/** A link that does not work (unknown 404, used or expired 410) is said so, with no form to fill. */
async function deadLink(res: Response, err: unknown): Promise<void> {
  if (!(err instanceof AppError) || (err.kind !== 'not_found' && err.kind !== 'gone')) throw err;
  const p = pageOf(res);
  const text = err.kind === 'gone' ? p.t.invitation.gone : p.t.invitation.unknown;
  await render(res, <Notice p={p} title={p.t.invitation.title} text={text} />, err.kind === 'gone' ? 410 : 404);
}

export function invitationPages(router: Router, app: AppContext) {
  router.get('/invitation', async (req, res) => {
    const p = pageOf(res);
    const parsed = invitationTokenParams.safeParse({ token: req.query.token });
    if (!parsed.success) return deadLink(res, new AppError('not_found', 'no invitation token'));
    try {
      const who = await invitedBy(app, parsed.data.token);
      await render(res, <InvitationPage p={p} token={parsed.data.token} who={who} errors={[]} />);
    } catch (err) {
      await deadLink(res, err);
    }
  });

  router.post('/invitation', requireCsrf(), async (req, res) => {
    const p = pageOf(res);
    const parsed = invitationTokenParams.safeParse({ token: field(req, 'token') });
    if (!parsed.success) return deadLink(res, new AppError('not_found', 'no invitation token'));
    const token = parsed.data.token;
    const body = invitationAcceptSchema.safeParse({ password: field(req, 'password') });
    try {
      const who = await invitedBy(app, token);
      if (!body.success) return await render(res, <InvitationPage p={p} token={token} who={who} errors={[{ path: 'password', message: 'too long', messageZh: '密码过长' }]} />, 400);
      // two passwords that differ save nothing; what the policy says of the first is said at once too
      const mismatch = confirmationProblems('passwordConfirm', body.data.password, field(req, 'passwordConfirm'));
      if (mismatch.length) return await render(res, <InvitationPage p={p} token={token} who={who} errors={[...passwordProblems('password', body.data.password, who.email), ...mismatch]} />, 400);
      try {
        await acceptInvitation(app, token, body.data.password, p.requestId);
      } catch (err) {
        if (err instanceof AppError && (err.kind === 'unprocessable' || err.kind === 'unavailable')) {
          const errors = err.kind === 'unprocessable' ? err.errors : [{ path: 'form', message: p.t.invitation.busy }];
          return await render(res, <InvitationPage p={p} token={token} who={who} errors={errors} />, err.kind === 'unprocessable' ? 422 : 503);
        }
        throw err;
      }
      await render(res, <Notice p={p} title={p.t.invitation.doneTitle} text={p.t.invitation.done} link />);
    } catch (err) {
      await deadLink(res, err);
    }
  });
}
