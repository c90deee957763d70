import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { ApiController, ApiProblems, Auth, PageOf, UuidPipe, type AuthContext } from '../common/http/controller';
import { PageQuery } from '../common/pagination/page';
import { toBool } from '../common/to-bool';
import { Text } from '../customers/dto/validators';
import { CASE_KINDS } from '../cases/case-kind';
import { ALERT_LEVELS, CLOCKS } from '../sla/sla-levels.port';
import type { AlertLevel } from '../sla/sla-levels.port';
import { AlertsService } from './alerts.service';

class AlertQueryDto extends PageQuery {
  @ApiPropertyOptional({ description: 'true: not yet acknowledged' }) @IsOptional() @Transform(toBool) @IsBoolean() open?: boolean;
  @ApiPropertyOptional({ enum: ALERT_LEVELS }) @IsOptional() @IsIn(ALERT_LEVELS) level?: AlertLevel;
  @ApiPropertyOptional({ example: '4406' })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;
  @ApiPropertyOptional({ enum: CASE_KINDS }) @IsOptional() @IsIn(CASE_KINDS) kind?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
}

export class AlertDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CASE_KINDS, example: 'fault' }) caseKind: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ example: 'FLT-20261127-000042' }) caseNo: string;
  @ApiProperty({ format: 'uuid' }) clockId: string;
  @ApiProperty({ enum: CLOCKS }) clock: string;
  @ApiProperty({ enum: ALERT_LEVELS }) level: string;
  @ApiProperty({ description: 'When this level fell due' }) dueAt: Date;
  @ApiProperty() raisedAt: Date;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for an inquiry from a caller who is not yet a customer' })
  customerId: string | null;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) acknowledgedBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) acknowledgedAt: Date | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '已电话联系客户，工程师30分钟内到场',
    description: 'The note left on acknowledging',
  })
  acknowledgedNote: string | null;
}

class AckAlertDto {
  @ApiPropertyOptional({
    example: '已电话联系客户，工程师30分钟内到场',
    maxLength: 1000,
    description: 'Kept on the alert and in its event',
  })
  @IsOptional()
  @Text(1000)
  note?: string;
}

class AckCaseAlertsDto extends AckAlertDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The case (fault, complaint, support request, inquiry, order or work order) whose open alerts to acknowledge',
  })
  @IsUUID()
  caseId: string;
}

class AckCaseAlertsResultDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ example: 3, description: 'How many alerts this call acknowledged (0 when all were already)' }) acknowledged: number;
  @ApiProperty({ type: [String], format: 'uuid' }) alertIds: string[];
}

@ApiController('alerts', 'alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'SLA alerts in the caller’s regions, newest first' })
  @ApiOkResponse({ type: PageOf(AlertDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: AlertQueryDto) {
    return this.alerts.list(auth, q);
  }

  @Post('ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge every open alert of a case at once (any role, in the caller’s regions)',
    description:
      'Acknowledges the case’s open alerts in the caller’s region scope, with the note on each, and emits alert.acknowledged for each. ' +
      '404 when the case has no alert the caller can see; 200 with acknowledged 0 when all were acknowledged already.',
  })
  @ApiOkResponse({ type: AckCaseAlertsResultDto })
  @ApiProblems(400, 404)
  ackCase(@Auth() auth: AuthContext, @Body() dto: AckCaseAlertsDto) {
    return this.alerts.acknowledgeCase(auth, dto.caseId, dto.note ?? null);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge an alert, with an optional note (any role, in the caller’s regions; idempotent)',
    description:
      'The note is kept on the alert (acknowledgedNote) and sent in alert.acknowledged. Acknowledging again changes nothing: the first note stays.',
  })
  @ApiOkResponse({ type: AlertDto })
  @ApiProblems(400, 404)
  ack(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: AckAlertDto) {
    return this.alerts.acknowledge(auth, id, dto.note ?? null);
  }
}
