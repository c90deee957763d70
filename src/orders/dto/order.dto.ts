import { StaffRefDto } from '../../staff/dto/staff-ref.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsChinaDateOrInstant } from '../../common/time/time-fields';
import { PageQuery } from '../../common/pagination/page';
import { toBool } from '../../common/to-bool';
import { IsAccessNo } from '../../customers/dto/service-instance.dto';
import { IsRegionCode, Text } from '../../customers/dto/validators';
import { ORDER_ACTIONS } from '../../products/products.port';
import type { OrderAction } from '../../products/products.port';
import { ORDER_STATES, WORK_ORDER_STATES, WORK_ORDER_STAFF_MOVES } from '../order-lifecycle';
import type { OrderState, WorkOrderStaffMove, WorkOrderState } from '../order-lifecycle';
import { WorkingTimeView } from '../../sla/dto/working-time-view.dto';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const MAX_ORDER_ITEMS = 100;

export class OrderItemDto {
  @ApiProperty({ enum: ORDER_ACTIONS, example: 'add' }) @IsIn(ORDER_ACTIONS) action: OrderAction;
  @ApiProperty({ example: 'MPLS_VPN', description: 'An active product of GET /products that allows this action' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9_]{1,31}$/, { message: 'must be a product code such as MPLS_VPN' })
  productCode: string;
  @ApiProperty({ format: 'uuid', description: 'A site of this customer: its region decides the work order' }) @IsUUID() siteId: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'For modify and terminate: the customer’s service instance of this product at this site',
  })
  @IsOptional()
  @IsUUID()
  serviceInstanceId?: string;
  @ApiProperty({ minimum: 1, maximum: 10000, example: 1 }) @IsInt() @Min(1) @Max(10_000) quantity: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { bandwidthMbps: 100, qosClass: 'gold' },
    description: 'As the product’s attributes say: every required one to add, the changed ones to modify, none to terminate',
  })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
}

export class CreateOrderDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() customerId: string;
  @ApiProperty({ example: '440600', description: 'The region of the service point that took the order' })
  @IsRegionCode()
  acceptedRegion: string;
  @ApiPropertyOptional({ example: 'GD-2026-KA-0042' }) @IsOptional() @Text(64) contractNo?: string;
  @ApiPropertyOptional({ description: 'Urgent orders start at P2 instead of P3' }) @IsOptional() @IsBoolean() urgent?: boolean;
  @IsChinaDateOrInstant({ optional: true, example: '2026-12-31', description: 'The committed completion is never earlier than this' })
  requestedCompletionAt?: string;
  @ApiPropertyOptional({ example: '三地同时开通，12月底前完成' }) @IsOptional() @Text(2000) note?: string;
  @ApiPropertyOptional({ description: 'Directors only: take the order although billing reports the customer in arrears' })
  @IsOptional()
  @IsBoolean()
  arrearsOverride?: boolean;
  @ApiProperty({ type: [OrderItemDto], minItems: 1, maxItems: MAX_ORDER_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items: OrderItemDto[];
}

export class CancelOrderDto {
  @ApiProperty({ example: '客户取消需求' }) @Text(500) reason: string;
}

export class OrderQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ enum: ORDER_STATES }) @IsOptional() @IsIn(ORDER_STATES) state?: OrderState;
  @ApiPropertyOptional({ example: '4406', description: 'Orders taken in, or with a work order in, this region (prefix)' })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;
  @ApiPropertyOptional({ description: 'Only open orders past (true) or not past (false) their committed completion or a breached clock' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  overdue?: boolean;
}

export class WorkOrderQuery extends PageQuery {
  @ApiPropertyOptional({ example: '4406', description: 'Region code or prefix, within the caller’s scope' })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;
  @ApiPropertyOptional({ enum: WORK_ORDER_STATES }) @IsOptional() @IsIn(WORK_ORDER_STATES) state?: WorkOrderState;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() orderId?: string;
}

/** What the field team reports for one line at completion. */
export class CompletionLineDto {
  @ApiProperty({ example: 1, minimum: 1, description: 'An add line of this work order (its items[].lineNo)' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ORDER_ITEMS)
  lineNo: number;
  @ApiProperty({
    example: 'FS-MPLS-20261130-0001',
    description: 'The access number or circuit id of the new service (unique; as POST /customers/:id/service-instances takes it)',
  })
  @IsAccessNo()
  accessNo: string;
}

export class WorkOrderTransitionDto {
  @ApiProperty({ enum: WORK_ORDER_STAFF_MOVES, example: 'in_progress' }) @IsIn(WORK_ORDER_STAFF_MOVES) to: WorkOrderStaffMove;
  @ApiPropertyOptional({ example: '施工队已进场' }) @IsOptional() @Text(2000) note?: string;
  @ApiPropertyOptional({ example: 2, description: 'When given, must equal the current version (409 otherwise)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;
  @ApiPropertyOptional({ example: '机房不具备安装条件', description: 'Required for failed' }) @IsOptional() @Text(500) reason?: string;
  @ApiPropertyOptional({
    type: [CompletionLineDto],
    maxItems: MAX_ORDER_ITEMS,
    description:
      'Only with to = completed: the access number of each add line that has one. The service instance of an add line without one ' +
      'has none (set it later on the customer record).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ORDER_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => CompletionLineDto)
  lines?: CompletionLineDto[];
}

export class RetryWorkOrderDto {
  @ApiProperty({ example: '机房已具备安装条件，重新派单', maxLength: 500 }) @Text(500) reason: string;
  @ApiPropertyOptional({ example: 4, description: 'When given, must equal the current version (409 otherwise)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class RegionDispatchDto {
  @ApiProperty({ example: 'https://fulfilment.gd.example.com/work-orders', description: 'http(s), reaching a public address' })
  @IsString()
  url: string;
  @ApiProperty({
    minLength: 16,
    maxLength: 256,
    writeOnly: true,
    description: 'Key of the HMAC-SHA256 in X-FocusOne-Signature; never returned',
  })
  @Text(256, 16)
  secret: string;
}

// ---- responses ----

export class OrderSlaView extends WorkingTimeView {
  @ApiProperty() responseDueAt: Date;
  @ApiProperty({ description: 'For an order: its committed completion' }) resolutionDueAt: Date;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] }) responseState: string;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] }) resolutionState: string;
  @ApiProperty({ description: 'A clock has passed its target' }) breached: boolean;
  @ApiProperty({ example: 'order:P3' }) policyKey: string;
  @ApiProperty({ example: 1 }) policyVersion: number;
}

export class OrderItemView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 1 }) lineNo: number;
  @ApiProperty({ enum: ORDER_ACTIONS }) action: string;
  @ApiProperty({ example: 'MPLS_VPN' }) productCode: string;
  @ApiPropertyOptional({ example: 'MPLS VPN 专线', description: 'On work orders: the product’s (Chinese) name in the catalogue' })
  productName?: string;
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) serviceInstanceId: string | null;
  @ApiProperty({ example: 1 }) quantity: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) attributes: Record<string, unknown>;
}

export class WorkOrderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'WO-20261127-000101' }) caseNo: string;
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ enum: WORK_ORDER_STATES, example: 'pending' }) state: string;
  @ApiProperty({ enum: PRIORITIES }) priority: string;
  @ApiProperty() greenChannel: boolean;
  @ApiProperty({ description: 'This region’s own due time' }) dueAt: Date;
  @ApiPropertyOptional({ enum: ['webhook', 'console'], nullable: true, type: String }) dispatchedVia: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) dispatchedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ type: [OrderItemView] }) items: OrderItemView[];
  @ApiProperty({ type: OrderSlaView }) sla: OrderSlaView;
  @ApiProperty({ enum: WORK_ORDER_STAFF_MOVES, isArray: true, description: 'Moves fulfilment staff may make now' })
  allowedTransitions: string[];
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) closedAt: Date | null;
}

export class WorkOrderSiteView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '南海区政府大楼' }) name: string;
  @ApiProperty({ example: '佛山市南海区桂城街道南海大道北1号' }) address: string;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ example: '广东省佛山市南海区' }) regionName: string;
}

export class WorkOrderContactView {
  @ApiProperty({ example: '李娜' }) name: string;
  @ApiProperty({
    example: '138****5678',
    description: 'Masked unless the reader is an admin, a director or the customer’s account manager',
  })
  mobile: string;
  @ApiProperty({ enum: ['primary', 'technical', 'billing', 'executive', 'other'] }) role: string;
  @ApiProperty({ description: 'Whether mobile is masked' }) masked: boolean;
}

/** A work order with what its region's team needs without another call (GET /work-orders, the dispatch payload). */
export class WorkOrderDetailDto extends WorkOrderDto {
  @ApiProperty({ example: 'ORD-20261127-000042' }) orderCaseNo: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'GD-2026-KA-0042', description: 'The order’s contract number' })
  contractNo: string | null;
  @ApiProperty({ example: '广东省佛山市南海区' }) regionName: string;
  @ApiProperty({ type: [WorkOrderSiteView], description: 'The sites of its lines (items[].siteId), each once' })
  sites: WorkOrderSiteView[];
  @ApiPropertyOptional({
    type: WorkOrderContactView,
    nullable: true,
    description:
      'Whom to call at the customer: its technical contact, else its primary one, else any. Masked by the usual rule; ' +
      'a read in full is audited (customer.contacts_unmasked). Always masked in the dispatch payload.',
  })
  contact: WorkOrderContactView | null;
  @ApiProperty({ description: 'A failed work order that may be retried now (POST /work-orders/:id/retry)' }) retryable: boolean;
  @ApiPropertyOptional({
    type: StaffRefDto,
    nullable: true,
    description:
      'The customer’s account manager: name and work phone (null: none). On every read by staff (a work order has no assignee: its region’s team works it); absent from the dispatch payload',
  })
  accountManager?: StaffRefDto | null;
}

export class OrderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ORD-20261127-000042' }) caseNo: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: '440600' }) acceptedRegion: string;
  @ApiPropertyOptional({ nullable: true, type: String }) contractNo: string | null;
  @ApiProperty() urgent: boolean;
  @ApiPropertyOptional({ nullable: true, type: Date }) requestedCompletionAt: Date | null;
  @ApiProperty({ description: 'The policy’s target or the products’ lead time, or the requested date when later' })
  committedCompletionAt: Date;
  @ApiPropertyOptional({ nullable: true, type: String }) note: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'The business inquiry this order was converted from' })
  inquiryId: string | null;
  @ApiProperty({ enum: ORDER_STATES, example: 'acknowledged' }) state: string;
  @ApiProperty({ enum: PRIORITIES, example: 'P3' }) priority: string;
  @ApiProperty() greenChannel: boolean;
  @ApiProperty({ type: OrderSlaView }) sla: OrderSlaView;
  @ApiProperty({ type: [WorkOrderDto], description: 'One per distinct region among the items’ sites' }) workOrders: WorkOrderDto[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why it was cancelled or rejected' }) cancelReason: string | null;
  @ApiProperty({
    type: [String],
    example: ['110105'],
    description: 'Regions whose work order was cancelled (all of them for a cancelled order; the rest of a partial one)',
  })
  cancelledRegions: string[];
  @ApiPropertyOptional({
    type: StaffRefDto,
    nullable: true,
    description:
      'The customer’s account manager: name and work phone (null: none). On GET /orders/{id} (an order has no assignee: each region’s team works its work order); absent elsewhere',
  })
  accountManager?: StaffRefDto | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) closedAt: Date | null;
}

export class RegionDispatchView {
  @ApiProperty({ example: '440600' }) region: string;
  @ApiProperty() url: string;
  @ApiProperty({ example: '…a4b5' }) secretHint: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) updatedBy: string | null;
  @ApiProperty() updatedAt: Date;
}
