// The query and answers of the notification routes (list.ts, read.ts), for the OpenAPI document.
import { z } from 'zod';
import { idOut, instantOut } from '../domain/formats';

export const notificationsQuerySchema = z.strictObject({
  cursor: z.string().max(400).optional().meta({ description: 'the nextCursor of the page before' }),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
export type NotificationsQuery = z.output<typeof notificationsQuerySchema>;

export const notificationParams = z.strictObject({ id: z.uuid({ error: 'not a notification id' }).toLowerCase() });

export const notificationListSchema = z
  .strictObject({
    items: z
      .array(
        z
          .strictObject({
            id: idOut('the notification'),
            caseId: idOut('the case it is about').nullable(),
            path: z.string().nullable().meta({ description: 'the page it is about, as a path of this site', example: '/cases/0b6f2c1e-7d0a-4c8e-9a51-3f2d9c4b7e10' }),
            template: z.string().meta({ description: 'what happened, as a stable key', example: 'case.submitted' }),
            title: z.string().meta({ description: 'in Chinese' }),
            body: z.string().meta({ description: 'in Chinese' }),
            createdAt: instantOut('sent'),
            readAt: instantOut('read').nullable(),
          })
          .meta({ id: 'Notification' }),
      )
      .meta({ description: 'newest first, at most `limit`' }),
    unread: z.number().int().meta({ description: 'how many of all the person’s notifications are unread' }),
    nextCursor: z.string().nullable().meta({ description: 'pass as `cursor` for the next page; null on the last' }),
  })
  .meta({ id: 'NotificationList' });

export const notificationReadSchema = z.strictObject({ id: idOut('the notification'), readAt: instantOut('read') }).meta({ id: 'NotificationRead' });
export const notificationsMarkedSchema = z.strictObject({ marked: z.number().int().meta({ description: 'how many were unread' }) }).meta({ id: 'NotificationsMarked' });
