import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Public } from '../common/http/controller';
import { ApiProblem } from '../common/http/api-problems';
import { AuthService } from './auth.service';
import { TokenRequestDto, TokenResponseDto } from './dto/token.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  // Limits (AUTH_RATE_LIMIT_*) come from the @fastify/rate-limit plugin set up in configureApp.
  @RouteConfig({ rateLimit: {} })
  @ApiOperation({ summary: 'Exchange a username and password for a bearer token' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblem(401, 'Invalid username or password (never says which)')
  @ApiProblem(429, 'Too many attempts for this username from this address')
  @ApiProblems(400)
  token(@Body() body: TokenRequestDto) {
    return this.auth.issueToken(body.username, body.password);
  }
}
