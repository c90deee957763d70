import { errorClass } from '../common/errors/domain-error';

export enum NotificationErrorCode {
  NOTIFICATION_CHANNEL_NOT_FOUND = 'NOTIFICATION_CHANNEL_NOT_FOUND',
  /** The robot URL is not http(s), does not resolve, or reaches a private, loopback or link-local address. */
  NOTIFICATION_CHANNEL_URL_REFUSED = 'NOTIFICATION_CHANNEL_URL_REFUSED',
  /** Another live channel of the region has this name. */
  NOTIFICATION_CHANNEL_NAME_TAKEN = 'NOTIFICATION_CHANNEL_NAME_TAKEN',
  /** NOTIFY_SECRET_KEY is not set on the server: a robot's credentials cannot be stored. */
  NOTIFY_SECRET_KEY_MISSING = 'NOTIFY_SECRET_KEY_MISSING',
  NOTIFICATION_TEMPLATE_NOT_FOUND = 'NOTIFICATION_TEMPLATE_NOT_FOUND',
  /** The template does not compile, or does not render against the sample message (the engine's message says why). */
  NOTIFICATION_TEMPLATE_INVALID = 'NOTIFICATION_TEMPLATE_INVALID',
  NOTIFICATION_DELIVERY_NOT_FOUND = 'NOTIFICATION_DELIVERY_NOT_FOUND',
  /** Only a dead delivery can be retried by hand (the others are sent, suppressed, or still being attempted). */
  NOTIFICATION_DELIVERY_NOT_DEAD = 'NOTIFICATION_DELIVERY_NOT_DEAD',
}

export const NotificationError = errorClass<NotificationErrorCode>('NotificationError', {
  NOTIFICATION_CHANNEL_NOT_FOUND: 'not_found',
  NOTIFICATION_CHANNEL_URL_REFUSED: 'bad_request',
  NOTIFICATION_CHANNEL_NAME_TAKEN: 'conflict',
  NOTIFY_SECRET_KEY_MISSING: 'conflict',
  NOTIFICATION_TEMPLATE_NOT_FOUND: 'not_found',
  NOTIFICATION_TEMPLATE_INVALID: 'bad_request',
  NOTIFICATION_DELIVERY_NOT_FOUND: 'not_found',
  NOTIFICATION_DELIVERY_NOT_DEAD: 'conflict',
});

export const channelNotFound = (id: string) =>
  new NotificationError(NotificationErrorCode.NOTIFICATION_CHANNEL_NOT_FOUND, `No notification channel ${id}`);

export const channelUrlRefused = (reason: string) =>
  new NotificationError(NotificationErrorCode.NOTIFICATION_CHANNEL_URL_REFUSED, `The robot URL is refused: ${reason}`, {
    errors: [{ field: 'webhookUrl', message: reason }],
  });

export const channelNameTaken = (region: string, name: string) =>
  new NotificationError(
    NotificationErrorCode.NOTIFICATION_CHANNEL_NAME_TAKEN,
    `Region ${region} already has a notification channel named ${JSON.stringify(name)}`,
    { errors: [{ field: 'name', message: 'is taken in this region' }] },
  );

export const secretKeyMissing = () =>
  new NotificationError(
    NotificationErrorCode.NOTIFY_SECRET_KEY_MISSING,
    'The server has no NOTIFY_SECRET_KEY: a robot’s webhook key and secret are stored encrypted, and cannot be stored without it',
  );

export const templateNotFound = (eventType: string, channel: string) =>
  new NotificationError(NotificationErrorCode.NOTIFICATION_TEMPLATE_NOT_FOUND, `No notification template ${eventType}/${channel}`);

export const templateInvalid = (field: 'body' | 'subject', message: string) =>
  new NotificationError(NotificationErrorCode.NOTIFICATION_TEMPLATE_INVALID, `The template's ${field} is refused: ${message}`, {
    errors: [{ field, message }],
  });
