import { Body, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { ApiController, ApiProblems, Auth, Roles, type AuthContext } from '../common/http/controller';
import { invalidFields } from '../common/errors/common-errors';
import { SlaPoliciesService } from './sla-policies.service';

const POLICY_KEY = /^(fault|complaint|support|inquiry|order):P[1-4]$/;
const YEAR = 365 * 86_400;

class UpdatePolicyDto {
  @ApiProperty({ example: 900, description: 'Response target in seconds' }) @IsInt() @Min(1) @Max(YEAR) responseSeconds: number;
  @ApiProperty({ example: 14_400, description: 'Resolution target in seconds (not shorter than the response target)' })
  @IsInt()
  @Min(1)
  @Max(YEAR)
  resolutionSeconds: number;
  @ApiProperty({ example: 75, description: 'Warn when this share of the target has passed' })
  @IsInt()
  @Min(1)
  @Max(99)
  warnAtPercent: number;
}

class SlaPolicyDto {
  @ApiProperty({ example: 'fault:P1' }) key: string;
  @ApiProperty({ example: 'fault' }) kind: string;
  @ApiProperty({ example: 1 }) priority: number;
  @ApiProperty({ example: 900 }) responseSeconds: number;
  @ApiProperty({ example: 14_400 }) resolutionSeconds: number;
  @ApiProperty({ example: 75 }) warnAtPercent: number;
  @ApiProperty({ example: 1, description: 'Bumped on every edit; each case keeps the version it was opened under' }) version: number;
  @ApiProperty() updatedAt: Date;
}

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
  @ApiOperation({ summary: 'Change a policy; applies to cases opened from now on' })
  @ApiOkResponse({ type: SlaPolicyDto })
  @ApiProblems(400, 404)
  update(@Auth() auth: AuthContext, @Param('key') key: string, @Body() dto: UpdatePolicyDto) {
    if (!POLICY_KEY.test(key)) throw invalidFields({ field: 'key', message: 'must look like fault:P1 (kind:P1..P4)' });
    return this.policies.update(auth, key, dto);
  }
}
