import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Min } from 'class-validator';
import { SERVICE_STATES } from '../service-instance.entity';
import type { ServiceState } from '../service-instance.entity';

const ACCESS_NO = /^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/;
const accessNoMessage = { message: 'must be 3-64 letters, digits, dot, slash, dash or underscore' };
/** An access number or circuit id as every input takes it (here, and in a work order's completion). */
export const IsAccessNo = () => Matches(ACCESS_NO, accessNoMessage);

export class CreateServiceInstanceDto {
  @ApiProperty({ example: 'DIA', description: 'A product code from GET /api/v1/products' })
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'must be a product code such as DIA' })
  productCode: string;
  @ApiProperty({ format: 'uuid', description: 'One of this customer’s sites' }) @IsUUID() siteId: string;
  @ApiProperty({ example: 'FS-DIA-20261127-0001', description: 'Access number or circuit id (unique)' })
  @Matches(ACCESS_NO, accessNoMessage)
  accessNo: string;
  @ApiProperty({ enum: SERVICE_STATES, example: 'active' }) @IsIn(SERVICE_STATES) state: ServiceState;
}

export class UpdateServiceInstanceDto {
  @ApiProperty({ required: false, format: 'uuid' }) @IsOptional() @IsUUID() siteId?: string;
  @ApiProperty({ required: false }) @IsOptional() @Matches(ACCESS_NO, accessNoMessage) accessNo?: string;
  @ApiProperty({ required: false, enum: SERVICE_STATES }) @IsOptional() @IsIn(SERVICE_STATES) state?: ServiceState;
  @ApiProperty({ example: 1 }) @Type(() => Number) @IsInt() @Min(1) expectedVersion: number;
}

export class ServiceInstanceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'DIA' }) productCode: string;
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty({
    example: 'FS-DIA-20261127-0001',
    nullable: true,
    type: String,
    description: 'Null when an order added the service and the field team gave no access number at completion',
  })
  accessNo: string | null;
  @ApiProperty({ enum: SERVICE_STATES }) state: ServiceState;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { bandwidthMbps: 100, qosClass: 'gold' },
    description: 'As the order lines that added and modified it set them; empty for one entered by hand',
  })
  attributes: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: Date, description: 'When an order’s terminate line completed (the instance is kept)' })
  terminatedAt: Date | null;
  @ApiProperty({ example: 1 }) version: number;
}
