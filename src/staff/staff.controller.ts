import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Idempotent, PageOf, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { CreateStaffDto, StaffDto, StaffQuery } from './dto/staff.dto';
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
  list(@Query() q: StaffQuery) {
    return this.staff.list(q);
  }

  @Get('me')
  @ApiOperation({ summary: 'The caller’s own staff record' })
  @ApiOkResponse({ type: StaffDto })
  me(@Auth() auth: AuthContext) {
    return this.staff.get(auth.staffId);
  }

  @Get(':id')
  @Roles('admin', 'director')
  @ApiOperation({ summary: 'One staff member' })
  @ApiOkResponse({ type: StaffDto })
  @ApiProblems(400, 404)
  get(@Param('id', UuidPipe) id: string) {
    return this.staff.get(id);
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
