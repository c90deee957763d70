import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHARGE_KINDS, PAYMENT_METHODS } from './billing-input.dto';
import type { ChargeKind, PaymentMethod } from './billing-input.dto';

export const BILL_STATES = ['issued', 'partially_paid', 'paid'] as const;
export type BillState = (typeof BILL_STATES)[number];
export const AGING_BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export class ChargeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: '440605' }) serviceRegion: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) serviceInstanceId: string | null;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ enum: CHARGE_KINDS }) kind: ChargeKind;
  @ApiProperty({ example: 1280000 }) amountFen: number;
  @ApiProperty() description: string;
  @ApiProperty() sourceRef: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The bill that took it; null until billed' }) billId:
    string | null;
  @ApiProperty() postedAt: Date;
}

export class ChargeBatchResultDto {
  @ApiProperty({ example: 10000 }) total: number;
  @ApiProperty({ example: 9990, description: 'New charges' }) created: number;
  @ApiProperty({ example: 10, description: 'Resent with the same content: accepted, nothing changed' }) unchanged: number;
  @ApiProperty({ example: 128000000, description: 'Sum of the batch’s amounts' }) totalFen: number;
}

export class BillLineView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '440605' }) servingRegion: string;
  @ApiProperty({ example: '广东省佛山市南海区' }) servingRegionName: string;
  @ApiProperty({ example: 2560000, description: 'Sum of the region’s charges (negative adjustments included)' }) amountFen: number;
  @ApiProperty({ example: 2560000, description: 'Owed on this line after netting other lines’ net credit; never below 0' }) dueFen: number;
  @ApiProperty({ example: 0 }) paidFen: number;
  @ApiProperty({ example: 2 }) chargeCount: number;
}

export class BillView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'BL-202610-KA00000001' }) billNo: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ enum: BILL_STATES }) state: BillState;
  @ApiProperty({ description: 'The due date has passed (as of today, China time) and the bill is not paid' }) overdue: boolean;
  @ApiProperty({ example: 5120000 }) totalFen: number;
  @ApiProperty({ example: 0 }) paidFen: number;
  @ApiProperty({ example: 5120000 }) outstandingFen: number;
  @ApiProperty({ example: '2026-11-01' }) issueDate: string;
  @ApiProperty({ example: '2026-11-30', description: 'The period’s last day + BILL_DUE_DAYS, or see dueDateAdjusted' }) dueDate: string;
  @ApiProperty({
    example: false,
    description:
      'true when the period’s due date (its last day + BILL_DUE_DAYS) fell before the issue date (a period billed late): ' +
      'the bill is due BILL_DUE_DAYS after its issue date instead',
  })
  dueDateAdjusted: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) billRunId: string | null;
  @ApiProperty({ type: [BillLineView], description: 'One line per serving region' }) lines: BillLineView[];
}

export class BillRunCustomerView {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'KA00000001' }) customerNo: string;
  @ApiProperty({ example: '佛山市南海区人民政府' }) customerName: string;
  @ApiProperty({ enum: ['pending', 'billed', 'already_billed', 'nothing_to_bill', 'net_credit'] }) outcome: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The bill issued (billed) or found (already_billed)' })
  billId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'BL-202610-KA00000001' }) billNo: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 5120000 }) totalFen: number | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-30' }) dueDate: string | null;
  @ApiProperty({ nullable: true, type: Boolean, example: false }) dueDateAdjusted: boolean | null;
  @ApiProperty({ nullable: true, type: Date }) processedAt: Date | null;
}

export class BillRunCustomerPage {
  @ApiProperty({ type: [BillRunCustomerView] }) items: BillRunCustomerView[];
  @ApiProperty({ example: 1 }) total: number;
  @ApiProperty({ example: 50 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
}

export class BillRunView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ enum: ['running', 'completed'] }) state: 'running' | 'completed';
  @ApiProperty({ example: 10000, description: 'Customers with unbilled charges when the run started (one job each)' })
  customersTotal: number;
  @ApiProperty({ example: 4200 }) processed: number;
  @ApiProperty({ example: 42, description: 'processed / customersTotal, in percent' }) progressPercent: number;
  @ApiProperty({ example: { billed: 4100, already_billed: 0, nothing_to_bill: 100, net_credit: 0 } }) outcomes: Record<string, number>;
  @ApiProperty() startedAt: Date;
  @ApiProperty({ nullable: true, type: Date }) completedAt: Date | null;
  @ApiProperty({ example: '2026-11-30', description: 'The period’s last day + BILL_DUE_DAYS: the due date of its bills unless adjusted' })
  periodDueDate: string;
  @ApiProperty({
    example: false,
    description:
      'true when periodDueDate fell before the day the run started (China time): its bills are due BILL_DUE_DAYS after their issue date ' +
      'instead (dueDateAdjusted on each bill and in customers)',
  })
  dueDateAdjusted: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'The period’s due date 2026-07-30 is before the issue date 2026-11-30: bills fall due 30 days after they are issued',
  })
  notice: string | null;
  @ApiPropertyOptional({
    type: BillRunCustomerPage,
    description: 'The outcome for each customer (in the order of their ids), paged by limit and offset (GET only)',
  })
  customers?: BillRunCustomerPage;
}

export class BillRunSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ enum: ['running', 'completed'] }) state: 'running' | 'completed';
  @ApiProperty({ example: 10000 }) customersTotal: number;
  @ApiProperty() startedAt: Date;
  @ApiProperty({ nullable: true, type: Date }) completedAt: Date | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) startedBy: string | null;
  @ApiProperty({ nullable: true, type: String, example: '计费中心' }) startedByName: string | null;
}

export class AllocationView {
  @ApiProperty({ format: 'uuid' }) billId: string;
  @ApiProperty({ example: 'BL-202610-KA00000001' }) billNo: string;
  @ApiProperty({ format: 'uuid' }) billLineId: string;
  @ApiProperty({ example: '440605' }) servingRegion: string;
  @ApiProperty({ example: 2560000 }) amountFen: number;
}

export class PaymentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 5000000 }) amountFen: number;
  @ApiProperty({ example: '110105' }) collectedRegion: string;
  @ApiProperty({ enum: PAYMENT_METHODS }) method: PaymentMethod;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty() receivedAt: Date;
  @ApiProperty({ example: 5000000, description: 'Applied to bill lines' }) allocatedFen: number;
  @ApiProperty({ example: 0, description: 'Not yet applied: the customer’s credit, consumed by later bills' }) creditFen: number;
  @ApiProperty({ type: [AllocationView], description: 'Allocations made by this request (for a reversal: those undone)' })
  allocations: AllocationView[];
  @ApiProperty({ nullable: true, type: Date }) reversedAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) reversalReason: string | null;
}

/** A payment in a list: its figures as they are now, without the allocations (GET /payments/{id} has them). */
export class PaymentSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 5000000 }) amountFen: number;
  @ApiProperty({ example: '110105' }) collectedRegion: string;
  @ApiProperty({ enum: PAYMENT_METHODS }) method: PaymentMethod;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty({ description: 'A director took it although its reference was used before' }) duplicateReferenceAllowed: boolean;
  @ApiProperty() receivedAt: Date;
  @ApiProperty({ example: 5000000 }) allocatedFen: number;
  @ApiProperty({ example: 0 }) creditFen: number;
  @ApiProperty({ nullable: true, type: Date }) reversedAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) reversalReason: string | null;
}

export class ArrearsRunView {
  @ApiProperty({ example: '2026-11-30', description: 'Today, China time: the day debts were aged at' }) asOf: string;
  @ApiProperty({ example: 3, description: 'arrears.overdue events raised (customers that entered a bucket they were not yet told about)' })
  raised: number;
}

export class AccountView {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'CNY' }) currency: 'CNY';
  @ApiProperty({
    example: 120000,
    description: 'Every charge posted (billed or not) minus every payment not reversed; negative = the customer is in credit',
  })
  balanceFen: number;
  @ApiProperty({ example: 0, description: 'Payment money not yet applied to a bill' }) creditFen: number;
  @ApiProperty({ example: 120000, description: 'Issued bills’ totals minus what was applied to them' }) outstandingFen: number;
  @ApiProperty({ example: 0, description: 'Charges posted but not yet on a bill' }) unbilledFen: number;
  @ApiProperty({ example: 0, description: 'Outstanding on bills whose due date has passed' }) overdueFen: number;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Due date of the oldest overdue bill' }) oldestOverdueDate:
    string | null;
  @ApiProperty({ example: '2026-11-27' }) asOf: string;
}

export class ArrearsItemView {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty() customerNo: string;
  @ApiProperty() customerName: string;
  @ApiProperty() homeRegion: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) accountManagerId: string | null;
  @ApiProperty({ nullable: true, type: String }) accountManagerName: string | null;
  @ApiProperty({ example: 350000 }) overdueFen: number;
  @ApiProperty({
    example: { '0-30': 0, '31-60': 350000, '61-90': 0, '90+': 0 },
    description: 'Overdue outstanding by days past the due date',
  })
  buckets: Record<AgingBucket, number>;
  @ApiProperty({ enum: AGING_BUCKETS, description: 'The bucket of the oldest overdue bill' }) bucket: AgingBucket;
  @ApiProperty({ example: '2026-09-30' }) oldestOverdueDate: string;
  @ApiProperty({ description: 'More than 90 days overdue: order intake should refuse new orders' }) blockedForArrears: boolean;
}

export class ArrearsPageView {
  @ApiProperty({ type: [ArrearsItemView] }) items: ArrearsItemView[];
  @ApiProperty() total: number;
  @ApiProperty({ example: { '0-30': 0, '31-60': 350000, '61-90': 0, '90+': 0 } }) bucketTotals: Record<AgingBucket, number>;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty({ example: '2026-12-31' }) asOf: string;
}

export class SettlementFlowView {
  @ApiProperty({ example: '110105' }) collectingRegion: string;
  @ApiProperty({ example: '北京市朝阳区' }) collectingRegionName: string;
  @ApiProperty({ example: '440605' }) servingRegion: string;
  @ApiProperty({ example: '广东省佛山市南海区' }) servingRegionName: string;
  @ApiProperty({ example: 2560000 }) amountFen: number;
}

export class RegionPositionView {
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ example: '广东省佛山市南海区' }) regionName: string;
  @ApiProperty({ example: 10000000, description: 'Payments taken in this region' }) collectedFen: number;
  @ApiProperty({ example: 0, description: 'Kept: collected here for lines this region served' }) keptFen: number;
  @ApiProperty({ example: 2560000, description: 'Collected elsewhere for this region’s lines' }) receivableFen: number;
  @ApiProperty({ example: 0, description: 'Collected here for other regions’ lines' }) payableFen: number;
  @ApiProperty({ example: 2560000, description: 'receivable − payable: positive means the region is owed money' }) netFen: number;
  @ApiProperty({ example: 0, description: 'Collected here but not yet applied to any bill (customer credit)' }) unallocatedFen: number;
}

export class SettlementView {
  @ApiProperty({ example: '2026-11' }) period: string;
  @ApiProperty({
    enum: ['province', 'city', 'district', 'recorded'],
    description: 'The level regions were rolled up to; recorded: as recorded on payments and bill lines (no level asked)',
  })
  level: 'province' | 'city' | 'district' | 'recorded';
  @ApiProperty({ example: 10000000, description: 'Payments received in the period and not reversed' }) collectedFen: number;
  @ApiProperty({ example: 3 }) paymentCount: number;
  @ApiProperty({ type: [SettlementFlowView], description: 'Collecting region → serving region, from the payments’ allocations' })
  matrix: SettlementFlowView[];
  @ApiProperty({ example: 0 }) unallocatedFen: number;
  @ApiProperty({ type: [RegionPositionView] }) positions: RegionPositionView[];
}

export class AccountSummaryView extends AccountView {
  @ApiPropertyOptional({ type: [BillView], description: 'Open bills, oldest first (billing, director and admin only)' })
  openBills?: BillView[];
}
