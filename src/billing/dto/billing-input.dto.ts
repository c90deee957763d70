import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsUUID, Matches, ValidateNested } from 'class-validator';
import { toBool } from '../../common/to-bool';
import { PageQuery } from '../../common/pagination/page';
import { IsRegionCode, Text } from '../../customers/dto/validators';
import { IsFen, MAX_AMOUNT_FEN, PERIOD } from '../money';

export const CHARGE_KINDS = ['recurring', 'usage', 'one_off', 'adjustment'] as const;
export type ChargeKind = (typeof CHARGE_KINDS)[number];
export const PAYMENT_METHODS = ['cash', 'bank_transfer', 'pos', 'online'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const MAX_BATCH_CHARGES = 10_000;

const IsPeriod = () => Matches(PERIOD, { message: 'must be a period YYYY-MM (month 01-12)' });
const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

export class ChargeDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() customerId: string;
  @ApiProperty({ example: '440605', description: 'The region that served the charge (GB/T 2260); must be within the caller’s scope' })
  @IsRegionCode()
  serviceRegion: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A service instance of this customer' })
  @IsOptional()
  @IsUUID()
  serviceInstanceId?: string;
  @ApiProperty({ example: '2026-10' }) @IsPeriod() period: string;
  @ApiProperty({ enum: CHARGE_KINDS, example: 'recurring' }) @IsIn(CHARGE_KINDS) kind: ChargeKind;
  @ApiProperty({
    example: 1280000,
    description: `Integer fen (分), |amountFen| ≤ ${MAX_AMOUNT_FEN}; only an adjustment may be negative; never 0`,
  })
  @IsFen({ nonZero: true })
  amountFen: number;
  @ApiProperty({ example: '互联网专线 100M 月租 2026-10' }) @Text(200) description: string;
  @ApiProperty({ example: 'FS-BOSS-2026-10-000123', description: 'The regional system’s own reference, unique within serviceRegion' })
  @Text(100)
  sourceRef: string;
}

export class ChargeBatchDto {
  @ApiProperty({
    type: [ChargeDto],
    maxItems: MAX_BATCH_CHARGES,
    example: [
      {
        customerId: '0b7f2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
        serviceRegion: '440605',
        period: '2026-10',
        kind: 'recurring',
        amountFen: 1280000,
        description: '互联网专线 100M 月租 2026-10',
        sourceRef: 'FS-BOSS-2026-10-000123',
      },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_CHARGES)
  @ValidateNested({ each: true })
  @Type(() => ChargeDto)
  charges: ChargeDto[];
}

export class BillRunDto {
  @ApiProperty({ example: '2026-10', description: 'Bills every unbilled charge of this period or earlier' }) @IsPeriod() period: string;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() customerId: string;
  @ApiProperty({ example: 5000000, description: `Integer fen (分), 1 to ${MAX_AMOUNT_FEN}` }) @IsFen({ positive: true }) amountFen: number;
  @ApiProperty({
    example: '110105',
    description: 'Where the money was taken (any region: pay anywhere); must be within the caller’s scope',
  })
  @IsRegionCode()
  collectedRegion: string;
  @ApiProperty({ enum: PAYMENT_METHODS, example: 'bank_transfer' }) @IsIn(PAYMENT_METHODS) method: PaymentMethod;
  @ApiPropertyOptional({
    example: 'ICBC-20261115-7781',
    description:
      'The bank’s (or till’s) reference: the real idempotency key of a transfer. The same reference for the same customer and ' +
      'collectedRegion as a payment not reversed → 409 PAYMENT_REFERENCE_DUPLICATE, unless a director sends allowDuplicateReference',
  })
  @IsOptional()
  @Text(100)
  reference?: string;
  @ApiPropertyOptional({
    example: false,
    description: 'Directors only (anyone else → 403 PAYMENT_DUPLICATE_NEEDS_DIRECTOR): take the payment although its reference was used',
  })
  @IsOptional()
  @IsBoolean()
  allowDuplicateReference?: boolean;
}

export class ReversalDto {
  @ApiProperty({ example: '银行退票' }) @Text(500) reason: string;
}

export class AsOfQuery {
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Day to age debts at (China time); today by default' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  asOf?: string;
}

export const SORT_ORDERS = ['desc', 'asc'] as const;

export class ArrearsQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Day to age debts at (China time); today by default' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  asOf?: string;
  @ApiPropertyOptional({ example: '4406', description: 'Customers whose home region is in this region (2-, 4- or 6-digit code or prefix)' })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;
  @ApiPropertyOptional({ enum: ['amount'], default: 'amount', description: 'Sorted by total overdue amount' })
  @IsOptional()
  @IsIn(['amount'])
  sort?: 'amount';
  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'desc' }) @IsOptional() @IsIn(SORT_ORDERS) order?: (typeof SORT_ORDERS)[number];
}

export const SETTLEMENT_LEVELS = ['province', 'city', 'district'] as const;
export type SettlementLevel = (typeof SETTLEMENT_LEVELS)[number];

export class SettlementQuery {
  @ApiProperty({ example: '2026-11', description: 'Payments received in this month (China time)' }) @IsPeriod() period: string;
  @ApiPropertyOptional({
    enum: SETTLEMENT_LEVELS,
    description:
      'Roll regions up to their province (440000) or city (440600); district keeps each region as recorded. ' +
      'Without level the report is by the regions as recorded (as before)',
  })
  @IsOptional()
  @IsIn(SETTLEMENT_LEVELS)
  level?: SettlementLevel;
}

export class BillsQuery extends PageQuery {}

export class ChargesQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'One customer’s charges' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ example: '2026-10', description: 'Charges of this period' }) @IsOptional() @IsPeriod() period?: string;
  @ApiPropertyOptional({ description: 'true: only charges on a bill; false: only those not billed yet' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  billed?: boolean;
}

export class PaymentsQuery extends PageQuery {}

export class BillRunsQuery extends PageQuery {}

export const BILL_RUN_OUTCOMES = ['pending', 'billed', 'already_billed', 'nothing_to_bill', 'net_credit'] as const;

export class BillRunQuery extends PageQuery {
  @ApiPropertyOptional({ enum: BILL_RUN_OUTCOMES, description: 'Only the customers whose job came to this' })
  @IsOptional()
  @IsIn(BILL_RUN_OUTCOMES)
  outcome?: (typeof BILL_RUN_OUTCOMES)[number];
}
