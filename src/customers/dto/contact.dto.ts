import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { CONTACT_ROLES } from '../customer-record.port';
import type { ContactRole } from '../customer-record.port';
import { IsMobile, Text } from './validators';

export class ContactInput {
  @ApiProperty({ example: '李娜' }) @Text(100) name: string;
  @ApiProperty({ example: '13812345678', description: 'Mainland China mobile, 11 digits' }) @IsMobile() mobile: string;
  @ApiProperty({ enum: CONTACT_ROLES, example: 'primary' }) @IsIn(CONTACT_ROLES) role: ContactRole;
  @ApiProperty({
    required: false,
    default: false,
    description:
      'No SMS notices about their cases (acknowledged, resolved, call-back due, order accepted/completed); recorded as suppressed',
  })
  @IsOptional()
  @IsBoolean()
  notificationsOptOut?: boolean;
}

export class UpdateContactDto {
  @ApiProperty({ required: false, example: '李娜' }) @IsOptional() @Text(100) name?: string;
  @ApiProperty({ required: false, example: '13987654321' }) @IsOptional() @IsMobile() mobile?: string;
  @ApiProperty({ required: false, enum: CONTACT_ROLES }) @IsOptional() @IsIn(CONTACT_ROLES) role?: ContactRole;
  @ApiProperty({
    required: false,
    default: false,
    description:
      'No SMS notices about their cases (acknowledged, resolved, call-back due, order accepted/completed); recorded as suppressed',
  })
  @IsOptional()
  @IsBoolean()
  notificationsOptOut?: boolean;
  @ApiProperty({ example: 1, description: 'The version you read; a stale one gives 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class ContactDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '李娜' }) name: string;
  @ApiProperty({ example: '138****5678', description: 'Masked unless the caller is an admin, a director or the account manager' })
  mobile: string;
  @ApiProperty({ enum: CONTACT_ROLES }) role: ContactRole;
  @ApiProperty({ description: 'No SMS notices about their cases' }) notificationsOptOut: boolean;
  @ApiProperty({ example: 1 }) version: number;
}
