import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { TICKET_STATES } from '../../cases/ticket-lifecycle';
import type { TicketState } from '../../cases/ticket-lifecycle';
import { Text } from '../../customers/dto/validators';
import { WorkingTimeView } from '../../sla/dto/working-time-view.dto';

/** Bodies and views shared by every ticket kind (faults, complaints, support requests). */

export class TransitionDto {
  @ApiProperty({ enum: TICKET_STATES, example: 'in_progress' }) @IsIn(TICKET_STATES) to: TicketState;
  @ApiPropertyOptional({ example: '已派单，工程师出发' }) @IsOptional() @Text(2000) note?: string;
  @ApiPropertyOptional({ example: 3, description: 'When given, must equal the current version (409 otherwise)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;
  @ApiPropertyOptional({ example: '等待客户开放机房', description: 'Required for pending and held' })
  @IsOptional()
  @Text(500)
  reason?: string;
}

export class AssignDto {
  @ApiProperty({
    format: 'uuid',
    example: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    description: 'An active engineer whose scope covers the case’s region',
  })
  @IsUUID()
  engineerId: string;
}

export class NoteDto {
  @ApiProperty({ example: '客户反馈10:30恢复' }) @Text(4000) text: string;
}

export class FeedbackDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 5 }) @IsInt() @Min(1) @Max(5) score: number;
  @ApiPropertyOptional({ example: '处理及时' }) @IsOptional() @Text(2000) comment?: string;
}

export class SlaView extends WorkingTimeView {
  @ApiProperty() responseDueAt: Date;
  @ApiProperty() resolutionDueAt: Date;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] }) responseState: string;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] }) resolutionState: string;
  @ApiProperty({ description: 'A clock has passed its target' }) breached: boolean;
  @ApiProperty({ example: 'fault:P1' }) policyKey: string;
  @ApiProperty({ example: 1, description: 'The policy version the case was opened under' }) policyVersion: number;
}

/** The timeline is the case kernel's (every kind of case has one). */
export { TimelineEntryDto } from '../../cases/dto/timeline-entry.dto';
