import { z } from 'zod';
import { isCityCode } from '../domain/cities';
import { visibleText } from '../domain/text';
import { normalUscc } from '../domain/uscc';

// Shapes of SPEC §7's registration body and of the profile edit. Shape errors (a JSON number for a
// text, an unknown key, a city that is not one of the 11) answer 400 here; the rules that need a
// reason in Chinese and English (USCC check character, password policy, affiliations) are checked
// by the service and answer 422 with every reason at once.

const required = (max: number, zh: string) => visibleText(1, max, 'required', zh);

// Not validated here: checkUscc reports length and check character with its own messages.
export const usccText = z.string().overwrite(normalUscc).max(64, 'a USCC has 18 characters');

const city = z.string().refine(isCityCode, {
  error: 'must be the GB/T 2260 code of one of the 11 cities (330100 杭州市 … 331100 丽水市)',
  params: { messageZh: '请选择本省 11 个设区市之一' },
});

/** The English of the phone's and the account's checks, with their Chinese (server/http/issue-words.ts). */
export const PHONE_MESSAGE = 'must be a telephone number, e.g. 13800000000 or 0571-87654321';
export const PHONE_MESSAGE_ZH = '电话号码格式不正确，例如 13800000000 或 0571-87654321';
export const ACCOUNT_MESSAGE = 'must be the account number, in digits (spaces and dashes between them are left out)';
export const ACCOUNT_MESSAGE_ZH = '请填写银行账号，只含数字（数字间的空格和横线会被去掉）';

const phone = z
  .string()
  .trim()
  // an empty phone is missing, not badly written
  .refine((s) => s !== '', { message: 'required', params: { messageZh: '请填写联系电话' }, abort: true })
  .regex(/^\+?\d[\d\s()-]{3,28}\d$/, PHONE_MESSAGE);

// Corporate accounts are all digits (12–25 in practice), often written in groups of four: the
// spaces and dashes between the groups go, full-width digits become digits, and the rest is checked.
const bankAccount = z
  .string()
  .overwrite((s) => s.normalize('NFKC').replace(/[\s-]/gu, ''))
  .regex(/^\d{6,40}$/, ACCOUNT_MESSAGE);

const affiliations = z.array(usccText).max(200, 'at most 200 affiliated firms');

const editable = {
  name: required(200, '请填写企业名称'),
  address: required(500, '请填写地址'),
  contactName: required(100, '请填写联系人'),
  contactPhone: phone,
  contactEmail: z.email('must be an email address').max(254),
  bankName: required(200, '请填写开户银行'),
  bankAccount,
  affiliations,
};

export const registerSchema = z
  .strictObject({
    enterprise: z.strictObject({
      ...editable,
      uscc: usccText,
      city,
      // the bank can follow later: an incomplete profile only blocks SUBMIT (SPEC §5)
      bankName: editable.bankName.optional(),
      bankAccount: editable.bankAccount.optional(),
      affiliations: affiliations.default([]),
    }),
    user: z.strictObject({
      email: z.email('must be an email address').max(254),
      // the policy (length, character classes) is checked by the service with reasons
      password: z.string().max(1000, 'too long'),
      name: required(100, '请填写您的姓名'),
    }),
  })
  .meta({ id: 'EnterpriseRegistration' });

// Fixed at registration: the USCC is the firm's identity and the city decides who reviews it.
const fixed = (what: string) =>
  z.unknown().refine(() => false, { error: `${what} cannot be changed by the firm; ask the provincial department to correct it`, params: { messageZh: '此项在注册时确定，企业不能修改；如有错误请联系省经信厅更正' } })
    .optional()
    .meta({ description: `${what}: fixed at registration; sending it is refused (400)` });

export const enterprisePatchSchema = z
  .strictObject(editable)
  .partial()
  .extend({ uscc: fixed('the unified social credit code'), city: fixed('the city') })
  .meta({ id: 'EnterprisePatch' });

export const enterpriseSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    uscc: z.string(),
    city: z.string(),
    cityName: z.string().nullable(),
    address: z.string(),
    contactName: z.string(),
    contactPhone: z.string(),
    contactEmail: z.string(),
    bankName: z.string(),
    bankAccount: z.string(),
    affiliations: z.array(z.string()),
    bannedUntil: z.string().nullable(),
    profileComplete: z.boolean(),
    missing: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Enterprise' });

export const registeredSchema = z.object({
  enterprise: enterpriseSchema,
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string(), roles: z.array(z.string()), enterpriseId: z.uuid() }),
});

export const registrationPendingSchema = z
  .object({
    email: z.string().meta({ description: 'where the next step was sent' }),
    confirmBy: z.string().meta({ description: 'when a confirmation link sent now stops working' }),
  })
  .meta({ id: 'RegistrationPending' });

export const registrationConfirmationSchema = z
  .strictObject({ token: z.string().min(1).max(200).meta({ description: 'the token of the emailed link' }) })
  .meta({ id: 'RegistrationConfirmation' });

export type Registration = z.output<typeof registerSchema>;
export type EnterprisePatch = z.output<typeof enterprisePatchSchema>;
export type EnterpriseView = z.output<typeof enterpriseSchema>;
