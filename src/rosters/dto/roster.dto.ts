import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { IsInstant } from '../../common/time/time-fields';
import { StaffRefDto } from '../../staff/dto/staff-ref.dto';
import { DUTY_ROLES } from '../duty-roles.port';
import type { DutyRole } from '../duty-roles.port';

const ROSTER_REGION = /^([0-9]{6}|CN)$/;
const ROSTER_REGION_MESSAGE = 'must be a 6-digit GB/T 2260 code or CN';
const DUTY_ROLE_TEXT =
  'engineer (staff with the engineer role), agent (agent), duty_manager 值班长 (director or agent), director (director)';

export class CreateShiftDto {
  @ApiProperty({
    example: '440600',
    description: 'The region on duty: a GB/T 2260 code (province, city or district) or CN for the country',
  })
  @Matches(ROSTER_REGION, { message: ROSTER_REGION_MESSAGE })
  region: string;

  @ApiProperty({ enum: DUTY_ROLES, example: 'engineer', description: `Who may hold it: ${DUTY_ROLE_TEXT}` })
  @IsIn(DUTY_ROLES)
  dutyRole: DutyRole;

  @ApiProperty({
    format: 'uuid',
    description:
      'An active staff member holding a role fit for the duty, whose region scope covers the region (the region itself or above)',
  })
  @IsUUID()
  staffId: string;

  @IsInstant({ description: 'Start of the shift (inclusive)', example: '2026-12-07T08:00:00+08:00' })
  from: string;

  @IsInstant({ description: 'End of the shift (exclusive), after from', example: '2026-12-07T20:00:00+08:00' })
  to: string;
}

export class ShiftDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '440600' }) region: string;
  @ApiProperty({ enum: DUTY_ROLES }) dutyRole: DutyRole;
  @ApiProperty({ format: 'uuid' }) staffId: string;
  @ApiPropertyOptional({ type: StaffRefDto, nullable: true, description: 'Name and work phone of the person on the shift' })
  staff: StaffRefDto | null;
  @ApiProperty({ example: '2026-12-07T00:00:00.000Z' }) from: Date;
  @ApiProperty({ example: '2026-12-07T12:00:00.000Z' }) to: Date;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
}

export class ShiftQuery extends PageQuery {
  @ApiPropertyOptional({ example: '440600', description: 'Shifts of this region and of the regions under it (CN: every region)' })
  @IsOptional()
  @Matches(ROSTER_REGION, { message: ROSTER_REGION_MESSAGE })
  region?: string;

  @ApiPropertyOptional({ enum: DUTY_ROLES })
  @IsOptional()
  @IsIn(DUTY_ROLES)
  dutyRole?: DutyRole;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  staffId?: string;

  @IsInstant({ optional: true, description: 'Only shifts ending after this time' })
  from?: string;

  @IsInstant({ optional: true, description: 'Only shifts starting before this time' })
  to?: string;
}

export class OnDutyQuery {
  @ApiProperty({ example: '440605', description: 'The region asked about: a GB/T 2260 code or CN' })
  @Matches(ROSTER_REGION, { message: ROSTER_REGION_MESSAGE })
  region: string;

  @ApiProperty({ enum: DUTY_ROLES, example: 'duty_manager' })
  @IsIn(DUTY_ROLES)
  dutyRole: DutyRole;

  @IsInstant({ optional: true, description: 'The instant asked about; now when absent (in a query string, write + as %2B or use Z)' })
  at?: string;
}

export class OnDutyPersonDto {
  @ApiProperty({ format: 'uuid' }) staffId: string;
  @ApiProperty({ example: '张伟' }) displayName: string;
  @ApiProperty({ example: '0757-86338888', nullable: true, type: String }) workPhone: string | null;
  @ApiProperty({ format: 'uuid', description: 'The shift that puts them on duty (of their covering shifts, the one ending last)' })
  shiftId: string;
  @ApiProperty() from: Date;
  @ApiProperty() to: Date;
}

export class OnDutyDto {
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ enum: DUTY_ROLES }) dutyRole: DutyRole;
  @ApiProperty() at: Date;
  @ApiProperty({
    example: '440600',
    nullable: true,
    type: String,
    description:
      'The region whose shifts answer: the asked region if anyone is on duty there, else the nearest region above it (city, province, CN) ' +
      'with someone on duty; null when nobody is on duty along the whole chain',
  })
  rosterRegion: string | null;
  @ApiProperty({ type: [OnDutyPersonDto] }) people: OnDutyPersonDto[];
}
