import { errorClass } from '../common/errors/domain-error';

export enum WebhookErrorCode {
  WEBHOOK_NOT_FOUND = 'WEBHOOK_NOT_FOUND',
  /** The URL is not http(s), does not resolve, or reaches a private, loopback or link-local address. */
  WEBHOOK_URL_REFUSED = 'WEBHOOK_URL_REFUSED',
}

export const WebhookError = errorClass<WebhookErrorCode>('WebhookError', {
  WEBHOOK_NOT_FOUND: 'not_found',
  WEBHOOK_URL_REFUSED: 'bad_request',
});

export const webhookNotFound = (id: string) => new WebhookError(WebhookErrorCode.WEBHOOK_NOT_FOUND, `No webhook subscription ${id}`);

export const webhookUrlRefused = (reason: string) =>
  new WebhookError(WebhookErrorCode.WEBHOOK_URL_REFUSED, `The webhook URL is refused: ${reason}`, {
    errors: [{ field: 'url', message: reason }],
  });
