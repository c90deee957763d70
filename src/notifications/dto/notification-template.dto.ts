import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { MESSAGE_CHANNELS, TEMPLATE_EVENT_TYPES } from '../notifications.port';
import type { MessageChannel, TemplateEventType } from '../notifications.port';

export class NotificationTemplateDto {
  @ApiProperty({ enum: TEMPLATE_EVENT_TYPES, example: 'sla.breached' }) eventType: TemplateEventType;
  @ApiProperty({ enum: MESSAGE_CHANNELS, example: 'sms' }) channel: MessageChannel;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '【SLA 超时】{{ caseNo }} {{ title }}',
    description: 'E-mail subject or DingTalk title (a template too); null on WeCom and SMS',
  })
  subject: string | null;
  @ApiProperty({ example: '【政企客户服务】{{ kindName }}{{ caseNo }}已超时…' }) body: string;
  @ApiProperty({ example: 1 }) version: number;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) updatedBy: string | null;
  @ApiProperty() updatedAt: Date;
}

export class UpdateNotificationTemplateDto {
  @ApiProperty({ minLength: 1, maxLength: 8000, description: 'Liquid source of the message body' })
  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  body: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 500, description: 'Required on email and dingtalk; refused on wecom and sms' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  subject?: string;

  @ApiProperty({ example: 1, description: 'The version you read; a stale one gives 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}
