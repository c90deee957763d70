import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiController,
  ApiErrors,
  ApiProblems,
  Auth,
  Idempotent,
  PageOf,
  Roles,
  UuidPipe,
  type AuthContext,
} from '../common/http/controller';
import { CreateShiftDto, OnDutyDto, OnDutyQuery, ShiftDto, ShiftQuery } from './dto/roster.dto';
import { RostersService } from './rosters.service';

@ApiErrors('RosterError')
@ApiController('rosters', 'rosters')
export class RostersController {
  constructor(private readonly rosters: RostersService) {}

  @Post('shifts')
  @Roles('admin', 'director')
  @Idempotent()
  @ApiOperation({
    summary: 'Put someone on duty in a region for a time range (admins; directors in their regions)',
    description:
      'Shifts may overlap. The staff member must be active, hold a role fit for the duty (engineer: engineer; agent: agent; ' +
      'duty_manager: director or agent; director: director) and work in the region (their scope is the region or above it); ' +
      'otherwise 400 naming staffId. from must be before to (400 naming to). A region outside a director’s scope is 403.',
  })
  @ApiCreatedResponse({ type: ShiftDto })
  @ApiProblems(400, 403)
  create(@Auth() auth: AuthContext, @Body() dto: CreateShiftDto) {
    return this.rosters.create(auth, dto);
  }

  @Get('shifts')
  @ApiOperation({
    summary: 'Shifts, by start time',
    description: 'The shifts of the caller’s regions and of the regions above them (those their regions fall back to).',
  })
  @ApiOkResponse({ type: PageOf(ShiftDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: ShiftQuery) {
    return this.rosters.list(auth, q);
  }

  @Get('shifts/:id')
  @ApiOperation({ summary: 'One shift (404 outside the caller’s regions and those above them)' })
  @ApiOkResponse({ type: ShiftDto })
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.rosters.get(auth, id);
  }

  @Delete('shifts/:id')
  @Roles('admin', 'director')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a shift (admins; directors whose scope covers its region)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 403, 404)
  async remove(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.rosters.remove(auth, id);
  }

  @Get('on-duty')
  @ApiOperation({
    summary: 'Who is on duty in a region at an instant (now by default)',
    description:
      'The people on a shift of the duty covering the instant in the region itself; if nobody is, in its parent region, up to the ' +
      'province and CN (rosterRegion says which answered). Inactive staff, staff who no longer hold a fit role and engineers who went ' +
      'off duty (PUT /staff/{id}/on-duty) are left out. Names and work phones, like the staff directory: any region, any staff member.',
  })
  @ApiOkResponse({ type: OnDutyDto })
  @ApiProblems(400)
  onDuty(@Query() q: OnDutyQuery) {
    return this.rosters.onDutyNow(q);
  }
}
