import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * The rate-limit key of a password change: the address and (a digest of)
 * the bearer token. The route runs the sign-in limiter (configure-app.ts)
 * before the guard has read the token, and the token is what names the
 * account whose old password is being guessed.
 */
export function passwordChangeKey(req: FastifyRequest): string {
  const token = String(req.headers.authorization ?? '');
  return `password|${req.ip}|${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
}
