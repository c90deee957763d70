import { Body, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors, ApiProblems, Auth, Roles, type AuthContext } from '../common/http/controller';
import { invalidFields } from '../common/errors/common-errors';
import { EscalationPolicyDto, UpdateEscalationPolicyDto } from './dto/escalation-policy.dto';
import { EscalationPoliciesService } from './escalation-policies.service';

const REGION = /^([0-9]{6}|CN)$/;
const region = (code: string) => {
  if (!REGION.test(code)) throw invalidFields({ field: 'region', message: 'must be a 6-digit GB/T 2260 code or CN' });
  return code;
};

@ApiErrors('EscalationError')
@ApiController('escalation-policies', 'escalation-policies')
export class EscalationPoliciesController {
  constructor(private readonly policies: EscalationPoliciesService) {}

  @Get(':region')
  @ApiOperation({
    summary: 'The escalation policy in force for a region',
    description:
      'Whom each alert level reaches. A region without a policy of its own inherits its parent’s (district → city → province → CN); ' +
      'inheritedFrom names the region whose policy applies.',
  })
  @ApiOkResponse({ type: EscalationPolicyDto })
  @ApiProblems(400, 404)
  get(@Param('region') code: string) {
    return this.policies.get(region(code));
  }

  @Put(':region')
  @Roles('admin')
  @ApiOperation({
    summary: 'Set a region’s own escalation policy (admin)',
    description:
      'Replaces every level. expectedVersion is the version read (0 while the region inherits: the region then gets its own policy). ' +
      'Rules: assignee, account_manager, on_duty:<engineer|agent|duty_manager|director>, region_director, province_director, ' +
      'staff:<uuid> (an active staff member).',
  })
  @ApiOkResponse({ type: EscalationPolicyDto })
  @ApiProblems(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('region') code: string, @Body() dto: UpdateEscalationPolicyDto) {
    return this.policies.update(auth, region(code), dto);
  }

  @Delete(':region')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a region’s own policy: it inherits its parent’s again (admin; not CN)' })
  @ApiNoContentResponse({ description: 'Removed; the region inherits' })
  @ApiProblems(400, 404, 409)
  async remove(@Auth() auth: AuthContext, @Param('region') code: string): Promise<void> {
    await this.policies.remove(auth, region(code));
  }
}
