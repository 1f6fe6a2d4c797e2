import { z } from 'zod';
import { visibleText } from '../domain/text';
import { idOut, instantOut } from '../domain/formats';

export const colleagueInviteSchema = z
  .strictObject({
    name: visibleText(1, 100, 'required', '请填写同事的姓名'),
    email: z.email('must be an email address').max(254),
  })
  .meta({ id: 'FirmColleagueInvite' });

export const colleagueInvitedSchema = z
  .strictObject({
    email: z.string().meta({ description: 'the address invited: it receives a link, or, when it already has an account, a notice (the answer is the same)' }),
    expiresAt: instantOut('the invitation stops working'),
  })
  .meta({ id: 'FirmColleagueInvited' });

export const firmAccountsSchema = z
  .strictObject({
    accounts: z.array(z.strictObject({ id: idOut('the user'), name: z.string(), email: z.string(), active: z.boolean(), createdAt: instantOut('opened') })).meta({ description: "the firm's accounts that have set a password" }),
    invitations: z
      .array(z.strictObject({ id: idOut('the invitation'), name: z.string(), email: z.string(), invitedBy: z.string().meta({ description: 'the name of the firm user who invited' }), createdAt: instantOut('sent'), expiresAt: instantOut('stops working') }))
      .meta({ description: 'invitations neither accepted nor expired, newest first, one per address' }),
  })
  .meta({ id: 'FirmAccounts' });
