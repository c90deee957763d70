import { Foundation1795740000000 } from './1795740000000-foundation';
import { LoadRegions1795740000001 } from './1795740000001-load-regions';
import { SeedProducts1795740000002 } from './1795740000002-seed-products';
import { CasesSlaAlertsEvents1795750000000 } from './1795750000000-cases-sla-alerts-events';
import { ConsoleQueue1795760000000 } from './1795760000000-console-queue';
import { Orders1795770000000 } from './1795770000000-orders';
import { InquiriesSupport1795780000000 } from './1795780000000-inquiries-support';
import { Billing1795790000000 } from './1795790000000-billing';
import { OrderInquiryLink1795800000000 } from './1795800000000-order-inquiry-link';
import { IdempotencyCommits1795806000000 } from './1795806000000-idempotency-commits';
import { AuditRegions1795810000000 } from './1795810000000-audit-regions';
import { FulfilmentInventory1795820000000 } from './1795820000000-fulfilment-inventory';
import { BillingOffice1795824000000 } from './1795824000000-billing-office';
import { StaffContactsAlertNotes1795830000000 } from './1795830000000-staff-contacts-alert-notes';
import { LookupAndDuplicates1795840000000 } from './1795840000000-lookup-and-duplicates';
import { Calendars1795850000000 } from './1795850000000-calendars';
import { RostersEscalationPolicies1795860000000 } from './1795860000000-rosters-escalation-policies';
import { NotificationChannelsTemplates1795870000000 } from './1795870000000-notification-channels-templates';
import { WebhooksGrownUp1795880000000 } from './1795880000000-webhooks-grown-up';
import { SlaWorkingTime1795890000000 } from './1795890000000-sla-working-time';
import { ReportRollups1795910000000 } from './1795910000000-report-rollups';
import { NotificationDeliveries1795920000000 } from './1795920000000-notification-deliveries';
import { Callbacks1795930000000 } from './1795930000000-callbacks';
import { CustomerWarnings1795940000000 } from './1795940000000-customer-warnings';
import { ReportAllocationReversals1795950000000 } from './1795950000000-report-allocation-reversals';
import { CustomerNotices1795970000000 } from './1795970000000-customer-notices';
import { TmfHub1796000000000 } from './1796000000000-tmf-hub';
import { UnlinkedFaultsTroubleTickets1796010000000 } from './1796010000000-unlinked-faults-trouble-tickets';
import { TmfProductOrders1796020000000 } from './1796020000000-tmf-product-orders';
import { NotificationUnusedColumns1796050000000 } from './1796050000000-notification-unused-columns';

/** Every migration, in order. TypeORM is given classes, not a glob (see README). */
export const migrations = [
  Foundation1795740000000,
  LoadRegions1795740000001,
  SeedProducts1795740000002,
  CasesSlaAlertsEvents1795750000000,
  ConsoleQueue1795760000000,
  Orders1795770000000,
  InquiriesSupport1795780000000,
  Billing1795790000000,
  OrderInquiryLink1795800000000,
  IdempotencyCommits1795806000000,
  AuditRegions1795810000000,
  FulfilmentInventory1795820000000,
  BillingOffice1795824000000,
  StaffContactsAlertNotes1795830000000,
  LookupAndDuplicates1795840000000,
  Calendars1795850000000,
  RostersEscalationPolicies1795860000000,
  NotificationChannelsTemplates1795870000000,
  WebhooksGrownUp1795880000000,
  SlaWorkingTime1795890000000,
  ReportRollups1795910000000,
  NotificationDeliveries1795920000000,
  Callbacks1795930000000,
  CustomerWarnings1795940000000,
  ReportAllocationReversals1795950000000,
  CustomerNotices1795970000000,
  TmfHub1796000000000,
  UnlinkedFaultsTroubleTickets1796010000000,
  TmfProductOrders1796020000000,
  NotificationUnusedColumns1796050000000,
];
