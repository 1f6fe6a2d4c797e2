// The answer of GET /notifications (list.ts), for the OpenAPI document.
import { z } from 'zod';
import { idOut, instantOut } from '../domain/formats';

export const notificationListSchema = z
  .strictObject({
    items: z
      .array(
        z
          .strictObject({
            id: idOut('the notification'),
            caseId: idOut('the case it is about').nullable(),
            template: z.string().meta({ description: 'what happened, as a stable key', example: 'case.submitted' }),
            title: z.string().meta({ description: 'in Chinese' }),
            body: z.string().meta({ description: 'in Chinese' }),
            createdAt: instantOut('sent'),
            readAt: instantOut('read').nullable(),
          })
          .meta({ id: 'Notification' }),
      )
      .meta({ description: 'newest first, at most 100' }),
  })
  .meta({ id: 'NotificationList' });
