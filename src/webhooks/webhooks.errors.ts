import { errorClass } from '../common/errors/domain-error';

export enum WebhookErrorCode {
  WEBHOOK_NOT_FOUND = 'WEBHOOK_NOT_FOUND',
  /** The URL is not http(s), does not resolve, or reaches a private, loopback or link-local address. */
  WEBHOOK_URL_REFUSED = 'WEBHOOK_URL_REFUSED',
  /** A deleted subscription is history: it is neither changed, rotated, pinged nor redelivered to. */
  WEBHOOK_DELETED = 'WEBHOOK_DELETED',
  /** A redelivery to a subscription switched off (PATCH active: true first). */
  WEBHOOK_INACTIVE = 'WEBHOOK_INACTIVE',
  WEBHOOK_DELIVERY_NOT_FOUND = 'WEBHOOK_DELIVERY_NOT_FOUND',
  /** The delivery is still being attempted: it is not redelivered beside itself. */
  WEBHOOK_DELIVERY_PENDING = 'WEBHOOK_DELIVERY_PENDING',
}

export const WebhookError = errorClass<WebhookErrorCode>('WebhookError', {
  WEBHOOK_NOT_FOUND: 'not_found',
  WEBHOOK_URL_REFUSED: 'bad_request',
  WEBHOOK_DELETED: 'conflict',
  WEBHOOK_INACTIVE: 'conflict',
  WEBHOOK_DELIVERY_NOT_FOUND: 'not_found',
  WEBHOOK_DELIVERY_PENDING: 'conflict',
});

export const webhookNotFound = (id: string) => new WebhookError(WebhookErrorCode.WEBHOOK_NOT_FOUND, `No webhook subscription ${id}`);

export const webhookUrlRefused = (reason: string) =>
  new WebhookError(WebhookErrorCode.WEBHOOK_URL_REFUSED, `The webhook URL is refused: ${reason}`, {
    errors: [{ field: 'url', message: reason }],
  });

export const webhookDeleted = (id: string) =>
  new WebhookError(WebhookErrorCode.WEBHOOK_DELETED, `The webhook subscription ${id} is deleted; create a new one`);
