import { createHmac } from 'node:crypto';

/**
 * DingTalk custom robot signing ("加签"): the request carries `timestamp`
 * (ms) and `sign` = base64(HMAC-SHA256(key = secret, message = timestamp +
 * "\n" + secret)), URL-encoded, as query parameters. DingTalk refuses a
 * timestamp more than an hour away from its clock.
 */
export function dingtalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** The robot's URL (with its access_token) plus `timestamp` and `sign`. */
export function signedDingtalkUrl(webhookUrl: string, secret: string, timestamp: number): string {
  const url = new URL(webhookUrl);
  url.searchParams.set('timestamp', String(timestamp));
  // URLSearchParams percent-encodes + / = of the base64, as DingTalk requires.
  url.searchParams.set('sign', dingtalkSign(secret, timestamp));
  return url.toString();
}
