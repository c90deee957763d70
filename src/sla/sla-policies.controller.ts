import { Body, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ApiController, ApiProblems, Auth, Roles, type AuthContext, ApiErrors } from '../common/http/controller';
import { invalidFields } from '../common/errors/common-errors';
import { SlaPoliciesService } from './sla-policies.service';

const POLICY_KEY = /^(fault|complaint|support|inquiry|order):P[1-4]$/;
const YEAR = 365 * 86_400;
const CALENDAR_KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Every field optional: what is absent keeps its value. The floor (SLA_MIN_SECONDS) is checked by the service. */
class UpdatePolicyDto {
  @ApiPropertyOptional({
    example: 900,
    minimum: 1,
    maximum: YEAR,
    description: 'Response target in working seconds on responseCalendar; not below SLA_MIN_SECONDS (60 by default)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(YEAR)
  responseSeconds?: number;
  @ApiPropertyOptional({
    example: 14_400,
    minimum: 1,
    maximum: YEAR,
    description:
      'Resolution target in working seconds on resolutionCalendar (not shorter than the response target); not below SLA_MIN_SECONDS',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(YEAR)
  resolutionSeconds?: number;
  @ApiPropertyOptional({ example: 75, minimum: 1, maximum: 99, description: 'Warn when this share of the target has passed' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(99)
  warnAtPercent?: number;
  @ApiPropertyOptional({
    example: 'workday',
    pattern: CALENDAR_KEY.source,
    description:
      'Calendar the response target is counted on (GET /api/v1/calendars); a green-channel case or a 24×7 contract counts on 24x7',
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_KEY)
  responseCalendar?: string;
  @ApiPropertyOptional({ example: 'workday', pattern: CALENDAR_KEY.source, description: 'Calendar the resolution target is counted on' })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_KEY)
  resolutionCalendar?: string;
}

class SlaPolicyDto {
  @ApiProperty({ example: 'fault:P1' }) key: string;
  @ApiProperty({ example: 'fault' }) kind: string;
  @ApiProperty({ example: 1 }) priority: number;
  @ApiProperty({ example: 900, description: 'Working seconds on responseCalendar' }) responseSeconds: number;
  @ApiProperty({ example: 14_400, description: 'Working seconds on resolutionCalendar' }) resolutionSeconds: number;
  @ApiProperty({ example: 75 }) warnAtPercent: number;
  @ApiProperty({ example: '24x7', description: 'Calendar of the response clock: targets are working time on it' }) responseCalendar: string;
  @ApiProperty({ example: '24x7', description: 'Calendar of the resolution clock' }) resolutionCalendar: string;
  @ApiProperty({ example: 1, description: 'Bumped on every edit; each case keeps the version it was opened under' }) version: number;
  @ApiProperty() updatedAt: Date;
}

@ApiErrors('SlaError')
@ApiController('sla', 'sla/policies')
export class SlaPoliciesController {
  constructor(private readonly policies: SlaPoliciesService) {}

  @Get()
  @ApiOperation({ summary: 'SLA targets per kind and priority' })
  @ApiOkResponse({ type: [SlaPolicyDto] })
  list() {
    return this.policies.list();
  }

  @Put(':key')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a policy; applies to cases opened from now on (admin)',
    description:
      'A partial body: absent fields keep their value (at least one is required). Targets below SLA_MIN_SECONDS (60 s by default) are refused ' +
      'with 400 naming the field, and the resolution target may not be shorter than the response target (after merging).',
  })
  @ApiOkResponse({ type: SlaPolicyDto })
  @ApiProblems(400, 404)
  update(@Auth() auth: AuthContext, @Param('key') key: string, @Body() dto: UpdatePolicyDto) {
    if (!POLICY_KEY.test(key)) throw invalidFields({ field: 'key', message: 'must look like fault:P1 (kind:P1..P4)' });
    return this.policies.update(auth, key, dto);
  }
}
