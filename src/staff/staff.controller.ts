import { Body, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Idempotent, PageOf, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { ApiProblem } from '../common/http/api-problems';
import { ChangePasswordDto, CreateStaffDto, OnDutyDto, StaffCardDto, StaffDto, StaffQuery, UpdateStaffDto } from './dto/staff.dto';
import { passwordChangeKey } from './password-change-limit';
import { StaffService } from './staff.service';

@ApiController('staff', 'staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Post()
  @Roles('admin')
  @Idempotent()
  @ApiOperation({ summary: 'Create a staff member with roles and region scope' })
  @ApiCreatedResponse({ type: StaffDto })
  @ApiProblems(400, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateStaffDto) {
    return this.staff.create(auth, dto);
  }

  @Get()
  @Roles('admin', 'director')
  @ApiOperation({ summary: 'List staff, by role, region covered or active flag' })
  @ApiOkResponse({ type: PageOf(StaffDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: StaffQuery) {
    return this.staff.list(auth, q);
  }

  @Get('me')
  @ApiOperation({ summary: 'The caller’s own staff record' })
  @ApiOkResponse({ type: StaffDto })
  me(@Auth() auth: AuthContext) {
    return this.staff.get(auth, auth.staffId);
  }

  @Post('me/password')
  @HttpCode(204)
  // Counted like sign-in (AUTH_RATE_LIMIT_*), per address and token: guessing the old password is as slow as guessing at sign-in.
  @RouteConfig({ rateLimit: { keyGenerator: passwordChangeKey } })
  @ApiOperation({
    summary: 'Change your own password (any role)',
    description:
      'The old password must match (400 naming oldPassword otherwise); the new one follows the rules of creation. ' +
      'Every token issued before, this one included, stops working: sign in again.',
  })
  @ApiNoContentResponse({ description: 'Changed; sign in again' })
  @ApiProblem(429, 'Too many attempts from this address with this token')
  @ApiProblems(400)
  changePassword(@Auth() auth: AuthContext, @Body() dto: ChangePasswordDto) {
    return this.staff.changePassword(auth, dto);
  }

  @Get(':id')
  @Roles('admin', 'director')
  @ApiOperation({
    summary: 'One staff member (admin; director in scope)',
    description:
      'A director reads staff whose regions their scope covers (404 for others). E-mail and messenger IDs are masked unless the caller may see them.',
  })
  @ApiOkResponse({ type: StaffDto })
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.staff.get(auth, id);
  }

  @Get(':id/card')
  @ApiOperation({ summary: 'Name and work phone of a staff member (any role)', description: 'The directory every staff member may read.' })
  @ApiOkResponse({ type: StaffCardDto })
  @ApiProblems(400, 404)
  card(@Param('id', UuidPipe) id: string) {
    return this.staff.card(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change name, roles, regions or contact fields (admin; `expectedVersion` required)',
    description:
      'Absent fields keep their value; null clears a contact field. A stale expectedVersion gives 409 with currentVersion. ' +
      'New roles and regions apply from the staff member’s next request (the token is not revoked). An admin cannot remove their own admin role.',
  })
  @ApiOkResponse({ type: StaffDto })
  @ApiProblems(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateStaffDto) {
    return this.staff.update(auth, id, dto);
  }

  @Put(':id/on-duty')
  @Roles('engineer', 'director', 'admin')
  @ApiOperation({
    summary: 'Put an engineer on or off duty (the engineer, a director in scope, an admin)',
    description:
      'Dispatch assigns the next case to engineers on duty. 403 for an engineer setting someone else; 404 for a director out of scope; 409 if the staff member is not an engineer.',
  })
  @ApiOkResponse({ type: StaffDto })
  @ApiProblems(400, 404, 409)
  setOnDuty(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: OnDutyDto) {
    return this.staff.setOnDuty(auth, id, dto.onDuty);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Deactivate a staff member: their tokens stop working immediately' })
  @ApiOkResponse({ type: StaffDto })
  @ApiProblems(400, 404, 409)
  deactivate(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.staff.setActive(auth, id, false);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Re-activate a staff member (old tokens stay revoked)' })
  @ApiOkResponse({ type: StaffDto })
  @ApiProblems(400, 404)
  activate(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.staff.setActive(auth, id, true);
  }
}
