import { Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { ApiController, ApiProblems, Auth, PageOf, UuidPipe, type AuthContext } from '../common/http/controller';
import { PageQuery } from '../common/pagination/page';
import { toBool } from '../common/to-bool';
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

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an alert (idempotent)' })
  @ApiOkResponse({ type: AlertDto })
  @ApiProblems(400, 404)
  ack(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.alerts.acknowledge(auth, id);
  }
}
