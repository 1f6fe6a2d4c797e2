import { z } from 'zod';

/** What a sign-in sends, through the API (JSON) or the sign-in page (a form) alike. */
export const loginBodySchema = z.strictObject({ email: z.email().max(254), password: z.string().min(1).max(200) });
