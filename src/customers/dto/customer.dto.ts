import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Trim } from '../../common/http/trim';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { toBool } from '../../common/to-bool';
import { TIERS } from '../customer-record.port';
import type { Tier } from '../customer-record.port';
import { ContactDto, ContactInput } from './contact.dto';
import { ServiceInstanceDto } from './service-instance.dto';
import { SiteDto, SiteInput } from './site.dto';
import { IsCreditCode, IsRegionCode, Text } from './validators';

export class CreateCustomerDto {
  @ApiProperty({ example: '佛山市南海区人民政府', minLength: 2, maxLength: 200 }) @Text(200, 2) name: string;

  @ApiProperty({ example: '914403001922038216', description: 'Unified social credit code (GB 32100), check character validated' })
  @IsCreditCode()
  creditCode: string;

  @ApiProperty({ enum: TIERS, example: 'key' }) @IsIn(TIERS) tier: Tier;
  @ApiProperty({ example: 'government' }) @Text(100) industry: string;
  @ApiProperty({ example: '440605', description: 'GB/T 2260 code of the home region' }) @IsRegionCode() homeRegion: string;
  @ApiProperty({ example: true, description: 'Eligible for the green channel (shorter SLAs, queue priority)' })
  @IsBoolean()
  greenChannel: boolean;

  @ApiPropertyOptional({
    example: false,
    description:
      'The contract asks for 24×7 on everything: every SLA clock of the customer’s new cases counts on the 24x7 calendar (directors and admins)',
  })
  @IsOptional()
  @IsBoolean()
  contract24x7?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'An active account manager; defaults to the caller when they are one' })
  @IsOptional()
  @IsUUID()
  accountManagerId?: string;

  @ApiProperty({ type: [ContactInput] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ContactInput)
  contacts: ContactInput[];

  @ApiProperty({ type: [SiteInput] })
  @IsArray()
  @ArrayMaxSize(500)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SiteInput)
  sites: SiteInput[];
}

export class UpdateCustomerDto {
  @ApiPropertyOptional({ example: '佛山市南海区人民政府办公室' }) @IsOptional() @Text(200, 2) name?: string;
  @ApiPropertyOptional({ enum: TIERS }) @IsOptional() @IsIn(TIERS) tier?: Tier;
  @ApiPropertyOptional({ example: 'government' }) @IsOptional() @Text(100) industry?: string;
  @ApiPropertyOptional({ example: '440600' }) @IsOptional() @IsRegionCode() homeRegion?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() greenChannel?: boolean;
  @ApiPropertyOptional({ description: 'Applies to cases opened from now on (directors and admins)' })
  @IsOptional()
  @IsBoolean()
  contract24x7?: boolean;
  @ApiProperty({ example: 1, description: 'The version you read; a stale one gives 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class TransferCustomerDto {
  @ApiProperty({
    format: 'uuid',
    example: '3f6b2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
    description: 'An active staff member with the account_manager role',
  })
  @IsUUID()
  toAccountManagerId: string;
  @ApiProperty({ example: '原客户经理离职，移交给王芳' }) @Text(500) reason: string;
}

export class ArchiveCustomerDto {
  @ApiProperty({ example: '客户合同终止' }) @Text(500) reason: string;
}

export class CustomerQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TIERS }) @IsOptional() @IsIn(TIERS) tier?: Tier;

  @ApiPropertyOptional({
    example: '4406',
    description: 'Region prefix (44, 4406, 440605) or 6-digit code; matches the home region or any site',
  })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() greenChannel?: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() accountManagerId?: string;

  @ApiPropertyOptional({
    example: '南海',
    description: 'Customer number, credit code, contact mobile, service access number, or a fragment of the name',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  q?: string;

  @ApiPropertyOptional({ description: 'Include archived customers', default: false })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  archived?: boolean;
}

export class CustomerSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'KA00000042' }) customerNo: string;
  @ApiProperty({ example: '佛山市南海区人民政府' }) name: string;
  @ApiProperty({ example: '914403001922038216' }) creditCode: string;
  @ApiProperty({ enum: TIERS }) tier: Tier;
  @ApiProperty({ example: 'government' }) industry: string;
  @ApiProperty({ example: '440605' }) homeRegion: string;
  @ApiProperty() greenChannel: boolean;
  @ApiProperty({ description: 'Every SLA clock of new cases counts on 24x7' }) contract24x7: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) accountManagerId: string | null;
  @ApiProperty({ nullable: true, type: Date }) archivedAt: Date | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class CustomerDto extends CustomerSummaryDto {
  @ApiProperty({ example: '广东省佛山市南海区' }) homeRegionName: string;
  @ApiProperty({ nullable: true, type: String }) archiveReason: string | null;
  @ApiProperty({ description: 'Whether contact mobiles in this response are masked for the caller' }) contactsMasked: boolean;
  @ApiProperty({ type: [ContactDto] }) contacts: ContactDto[];
  @ApiProperty({ type: [SiteDto] }) sites: SiteDto[];
  @ApiProperty({ type: [ServiceInstanceDto] }) serviceInstances: ServiceInstanceDto[];
}

export class TransferDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) fromAccountManagerId: string | null;
  @ApiProperty({ format: 'uuid' }) toAccountManagerId: string;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) transferredBy: string | null;
  @ApiProperty() transferredAt: Date;
}
