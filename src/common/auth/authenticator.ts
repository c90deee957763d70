import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { CommonError, CommonErrorCode } from '../errors/common-errors';
import { AuthContext } from './auth-context';
import { PrincipalLoader } from './principal-loader';
import { scopePrefix } from './region-scope';

export interface TokenClaims {
  sub: string;
  /** The staff member's token version when issued; deactivation bumps it. */
  tv: number;
}

/** What a verified token also carries: jsonwebtoken checks `exp` only when it is present, so its presence is checked here. */
interface VerifiedClaims extends TokenClaims {
  exp?: unknown;
  iat?: unknown;
}

/** Tokens verified lately, at most this many (a working day's sessions of a large desk). */
const VERIFIED_MAX = 10_000;

@Injectable()
export class Authenticator {
  /**
   * Token → its verified claims, until it expires. The signature check and
   * claim decoding were 2–6 % of a request's CPU in the profiles of issue 15
   * point 3 (docs/PERFORMANCE.md), and the answer for a given token never
   * changes but for its expiry, which is checked on every use; revocation is
   * the principal check below, which every request still makes.
   */
  private readonly verified = new Map<string, TokenClaims & { exp: number }>();

  constructor(
    private readonly jwt: JwtService,
    private readonly principals: PrincipalLoader,
  ) {}

  /**
   * Verifies a bearer token and reloads the staff member, so a deactivation
   * or a role change takes effect on the very next request.
   */
  async authenticate(authorization: string | undefined, requestId?: string): Promise<AuthContext> {
    const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new CommonError(CommonErrorCode.UNAUTHENTICATED, 'A bearer token is required');
    const claims = await this.verify(token);
    const principal = await this.principals.loadPrincipal(claims.sub);
    if (!principal || !principal.active || principal.tokenVersion !== claims.tv) {
      throw new CommonError(CommonErrorCode.UNAUTHENTICATED, 'The token has been revoked');
    }
    return {
      staffId: claims.sub,
      username: principal.username,
      roles: principal.roles,
      scopes: principal.regions.map(scopePrefix),
      requestId,
    };
  }

  private async verify(token: string): Promise<TokenClaims> {
    const known = this.verified.get(token);
    // jsonwebtoken's own rule: expired once the clock, in whole seconds, reaches `exp`.
    if (known && Math.floor(Date.now() / 1000) < known.exp) return known;
    if (known) this.verified.delete(token);
    let claims: VerifiedClaims;
    try {
      claims = await this.jwt.verifyAsync<VerifiedClaims & object>(token); // HS256 and issuer pinned by the module
    } catch {
      throw new CommonError(CommonErrorCode.UNAUTHENTICATED, 'The token is invalid or expired');
    }
    // A token without an expiry would never die (short of a deactivation): every token this service issues has both.
    if (
      typeof claims.sub !== 'string' ||
      typeof claims.tv !== 'number' ||
      typeof claims.exp !== 'number' ||
      typeof claims.iat !== 'number'
    ) {
      throw new CommonError(CommonErrorCode.UNAUTHENTICATED, 'The token is invalid or expired');
    }
    const verified = { sub: claims.sub, tv: claims.tv, exp: claims.exp };
    // The oldest entry goes first (a Map keeps insertion order).
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, verified);
    return verified;
  }
}
