import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Trim } from '../../common/http/trim';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { ROLES } from '../../common/auth/auth-context';
import type { Role } from '../../common/auth/auth-context';
import { PageQuery } from '../../common/pagination/page';
import { toBool } from '../../common/to-bool';
import { normaliseWorkPhone } from '../staff-contact';

const PHONE_MESSAGE = 'must be a mainland mobile (13812345678) or a landline with its area code (0757-86338888)';

/** A work phone, stored normalised (staff-contact.ts); left as sent when invalid so the message names the field. */
const WorkPhone = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (normaliseWorkPhone(value) ?? value) : value)),
    ValidateBy({
      name: 'isWorkPhone',
      validator: { validate: (v) => typeof v === 'string' && normaliseWorkPhone(v) === v, defaultMessage: () => PHONE_MESSAGE },
    }),
  );

const Email = () => applyDecorators(Trim(), IsEmail({}, { message: 'must be an e-mail address' }), MaxLength(254));

/** A WeCom or DingTalk user ID: 1-64 letters, digits and . _ @ - (what both consoles allow). */
const MessengerId = () => Matches(/^[A-Za-z0-9._@-]{1,64}$/, { message: 'must be 1-64 letters, digits, dot, underscore, @ or dash' });

/** Absent: keep; present: validated (null only where the field says it clears). */
const Present = () => ValidateIf((_o, v) => v !== undefined);

/** The four contact fields, on create and on PATCH (null clears one). */
class StaffContactFields {
  @ApiPropertyOptional({ example: '0757-86338888', nullable: true, type: String, description: PHONE_MESSAGE + '; null clears it' })
  @IsOptional()
  @WorkPhone()
  workPhone?: string | null;

  @ApiPropertyOptional({ example: 'zhang.wei@example.cn', nullable: true, type: String, maxLength: 254 })
  @IsOptional()
  @Email()
  email?: string | null;

  @ApiPropertyOptional({ example: 'ZhangWei', nullable: true, type: String, description: 'WeCom (企业微信) userid' })
  @IsOptional()
  @MessengerId()
  wecomUserId?: string | null;

  @ApiPropertyOptional({ example: 'manager7721', nullable: true, type: String, description: 'DingTalk (钉钉) userid' })
  @IsOptional()
  @MessengerId()
  dingtalkUserId?: string | null;
}

export class CreateStaffDto extends StaffContactFields {
  @ApiProperty({ example: 'zhang.wei', description: 'Lower-case letters, digits, dot, dash, underscore; 3-64 characters' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, { message: 'must be 3-64 lower-case letters, digits, dot, dash or underscore' })
  username: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 12, maxLength: 200, writeOnly: true })
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  password: string;

  @ApiProperty({ example: '张伟' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['agent'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @ApiProperty({
    example: ['440600'],
    description:
      'GB/T 2260 codes the staff member works in (a province covers its cities and districts), or CN for the whole country. Required unless admin.',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(/^([0-9]{6}|CN)$/, { each: true, message: 'each region must be a 6-digit GB/T 2260 code or CN' })
  regions: string[];
}

export class StaffDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'zhang.wei' }) username: string;
  @ApiProperty({ example: '张伟' }) displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ example: ['440600'] }) regions: string[];
  @ApiProperty() active: boolean;
  @ApiProperty({ description: 'Engineers: whether dispatch assigns them work now' }) onDuty: boolean;
  @ApiProperty({ example: '0757-86338888', nullable: true, type: String, description: 'Shown to every staff member' })
  workPhone: string | null;
  @ApiProperty({
    example: 'zhang.wei@example.cn',
    nullable: true,
    type: String,
    description: 'Masked (z***@example.cn) unless the caller is an admin, a director in scope or the staff member',
  })
  email: string | null;
  @ApiProperty({ example: 'ZhangWei', nullable: true, type: String, description: 'Masked (Zh***) as email' }) wecomUserId: string | null;
  @ApiProperty({ example: 'manager7721', nullable: true, type: String, description: 'Masked (ma***) as email' })
  dingtalkUserId: string | null;
  @ApiProperty({ description: 'True when email and the messenger IDs are masked for this caller' }) contactsMasked: boolean;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) deactivatedAt: Date | null;
}

/** What any staff member may read of another: the name and the work phone (issue 11, point 2). */
export class StaffCardDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '张伟' }) displayName: string;
  @ApiProperty({ example: '0757-86338888', nullable: true, type: String }) workPhone: string | null;
  @ApiProperty() active: boolean;
}

export class UpdateStaffDto extends StaffContactFields {
  @ApiPropertyOptional({ example: '张伟' })
  @Present()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true, example: ['agent', 'director'], description: 'Replaces the roles' })
  @Present()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ example: ['440600'], description: 'Replaces the regions (required non-empty unless admin)' })
  @Present()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(/^([0-9]{6}|CN)$/, { each: true, message: 'each region must be a 6-digit GB/T 2260 code or CN' })
  regions?: string[];

  @ApiProperty({ example: 1, description: 'The version you read; a stale one gives 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class ChangePasswordDto {
  @ApiProperty({ example: 'correct horse battery staple', writeOnly: true, maxLength: 200 })
  @IsString()
  @MaxLength(200)
  oldPassword: string;

  @ApiProperty({
    example: 'a new long passphrase 2026',
    minLength: 12,
    maxLength: 200,
    writeOnly: true,
    description: 'As at creation: 12-200 characters, not the old one',
  })
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  newPassword: string;
}

export class OnDutyDto {
  @ApiProperty({ example: true, description: 'true: dispatch may assign this engineer work from now on' })
  @IsBoolean()
  onDuty: boolean;
}

export class StaffQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ example: '440600', description: 'Staff whose scope covers this region' })
  @IsOptional()
  @Matches(/^[0-9]{6}$/, { message: 'must be a 6-digit region code' })
  region?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  active?: boolean;
}
