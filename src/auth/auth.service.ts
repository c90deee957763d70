import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { TokenClaims } from '../common/auth/authenticator';
import { CommonError, CommonErrorCode } from '../common/errors/common-errors';
import { hashPassword, verifyPassword } from '../common/auth/passwords';
import { StaffService } from '../staff/staff.service';
import { TokenResponseDto } from './dto/token.dto';

@Injectable()
export class AuthService {
  // Verified when the username is unknown, so both failures take the same time.
  private readonly decoy = hashPassword('focus-one-decoy-password');

  constructor(
    private readonly staff: StaffService,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async issueToken(username: string, password: string): Promise<TokenResponseDto> {
    const staff = await this.staff.findForLogin(username);
    const ok = await verifyPassword(staff?.passwordHash ?? (await this.decoy), password);
    // One answer for an unknown user, a wrong password and a deactivated account.
    if (!staff || !ok || !staff.active) {
      throw new CommonError(CommonErrorCode.UNAUTHENTICATED, 'Invalid username or password');
    }
    const claims: TokenClaims = { sub: staff.id, tv: staff.tokenVersion };
    return {
      accessToken: await this.jwt.signAsync(claims),
      tokenType: 'Bearer',
      expiresIn: this.config.auth.tokenTtlSeconds,
    };
  }
}
