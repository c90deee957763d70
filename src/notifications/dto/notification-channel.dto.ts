import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { Trim } from '../../common/http/trim';
import { toBool } from '../../common/to-bool';
import { GROUP_CHANNEL_TYPES } from '../notifications.port';
import type { GroupChannelType } from '../notifications.port';

/** Absent: keep the value; present (null included): validated. IsOptional would let null through. */
const Present = () => ValidateIf((_o, v) => v !== undefined);

const WEBHOOK_URL_TEXT =
  'The robot’s webhook address as its group settings show it: WeCom `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`, ' +
  'DingTalk `https://oapi.dingtalk.com/robot/send?access_token=…`. Its key or token is a credential: stored encrypted, never returned ' +
  '(responses show it masked). Must reach a public address.';

const SECRET_TEXT =
  'DingTalk only, required there: the robot’s signing secret ("加签", starts with SEC). Stored encrypted, never returned (hasSecret says whether one is set).';

/** No whitespace or control characters: what the robot consoles hand out is one token. */
const SECRET_SHAPE = /^[\x21-\x7e]{8,200}$/;

export class CreateNotificationChannelDto {
  @ApiProperty({ example: '440600', description: 'GB/T 2260 code of the region whose group this robot posts to' })
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'must be a 6-digit GB/T 2260 region code' })
  region: string;

  @ApiProperty({ enum: GROUP_CHANNEL_TYPES, example: 'dingtalk_robot' })
  @IsIn(GROUP_CHANNEL_TYPES)
  type: GroupChannelType;

  @ApiProperty({ example: '佛山政企值班群', minLength: 1, maxLength: 100, description: 'Unique among the region’s live channels' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({
    example: 'https://oapi.dingtalk.com/robot/send?access_token=6f2c…',
    maxLength: 2048,
    writeOnly: true,
    description: WEBHOOK_URL_TEXT,
  })
  @Trim()
  @IsString()
  @MaxLength(2048)
  webhookUrl: string;

  @ApiPropertyOptional({ example: 'SEC3c5f…', maxLength: 200, writeOnly: true, description: SECRET_TEXT })
  @IsOptional()
  @IsString()
  @Matches(SECRET_SHAPE, { message: 'must be 8-200 printable characters without spaces' })
  secret?: string;

  @ApiPropertyOptional({ default: true, description: 'Inactive channels are kept but receive nothing' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateNotificationChannelDto {
  @ApiPropertyOptional({ example: '佛山政企值班群', minLength: 1, maxLength: 100 })
  @Present()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2048, writeOnly: true, description: `Replaces the address. ${WEBHOOK_URL_TEXT}` })
  @Present()
  @Trim()
  @IsString()
  @MaxLength(2048)
  webhookUrl?: string;

  @ApiPropertyOptional({ maxLength: 200, writeOnly: true, description: `Replaces the signing secret. ${SECRET_TEXT}` })
  @Present()
  @IsString()
  @Matches(SECRET_SHAPE, { message: 'must be 8-200 printable characters without spaces' })
  secret?: string;

  @ApiPropertyOptional()
  @Present()
  @IsBoolean()
  active?: boolean;

  @ApiProperty({ example: 1, description: 'The version you read; a stale one gives 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class NotificationChannelDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '440600' }) region: string;
  @ApiProperty({ example: '广东省佛山市' }) regionName: string;
  @ApiProperty({ enum: GROUP_CHANNEL_TYPES }) type: GroupChannelType;
  @ApiProperty({ example: '佛山政企值班群' }) name: string;
  @ApiProperty({
    example: 'https://oapi.dingtalk.com/robot/send?access_token=…9a1f',
    description: 'The address with its key or access token masked (the last 4 characters kept, to tell robots apart)',
  })
  webhookUrl: string;
  @ApiProperty({ description: 'Whether a signing secret is set (the secret itself is never returned)' }) hasSecret: boolean;
  @ApiProperty() active: boolean;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Set once deleted' }) deletedAt: Date | null;
}

export class NotificationChannelQuery extends PageQuery {
  @ApiPropertyOptional({ example: '440600', description: 'Channels of exactly this region' })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'must be a 6-digit GB/T 2260 region code' })
  region?: string;

  @ApiPropertyOptional({ enum: GROUP_CHANNEL_TYPES })
  @IsOptional()
  @IsIn(GROUP_CHANNEL_TYPES)
  type?: GroupChannelType;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Also list deleted channels' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  includeDeleted?: boolean;
}
