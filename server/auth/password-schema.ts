import { z } from 'zod';

// What changing and resetting a password send, through the API (JSON) or the pages (forms) alike.
// The policy (length, kinds of character, guessability) is checked by the service, with reasons.

export const passwordChangeSchema = z
  .strictObject({
    currentPassword: z.string().max(1000, 'too long').meta({ description: 'the password the account has now' }),
    newPassword: z.string().max(1000, 'too long').meta({ description: 'the new password; the registration password policy applies' }),
  })
  .meta({ id: 'PasswordChange' });

export const passwordResetRequestSchema = z
  .strictObject({ email: z.email('must be an email address').max(254).meta({ description: 'the email address the account signs in with' }) })
  .meta({ id: 'PasswordResetRequest' });

export const passwordResetSentSchema = z
  .strictObject({ linkMinutes: z.number().int().meta({ description: 'how long a link sent now works' }) })
  .meta({ id: 'PasswordResetSent' });

export const passwordResetConfirmSchema = z
  .strictObject({
    token: z.string().min(1).max(200).meta({ description: 'the token of the emailed link' }),
    password: z.string().max(1000, 'too long').meta({ description: 'the new password; the registration password policy applies' }),
  })
  .meta({ id: 'PasswordReset' });
