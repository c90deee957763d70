import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ROLES } from '../../common/auth/auth-context';
import type { Role } from '../../common/auth/auth-context';
import { PageQuery } from '../../common/pagination/page';
import { toBool } from '../../common/to-bool';

export class CreateStaffDto {
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
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) deactivatedAt: Date | null;
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
