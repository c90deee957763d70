import type { Customer } from './customer.entity';

/*
 * The customer record's events (README, "Events"; pinned in
 * test/e2e/event-payloads.e2e-spec.ts): what changed, with the ids and names
 * a reader needs. `region` is the home region (the webhooks' region filter),
 * `customerId` the tier filter's key. The TMF629 hub renders them as
 * CustomerCreateEvent and CustomerAttributeValueChangeEvent.
 */

type Head = Pick<Customer, 'id' | 'customerNo' | 'name' | 'homeRegion' | 'tier' | 'accountManagerId' | 'version'>;

const head = (c: Head) => ({
  customerId: c.id,
  customerNo: c.customerNo,
  customerName: c.name,
  region: c.homeRegion,
  tier: c.tier,
  accountManagerId: c.accountManagerId,
  version: c.version,
});

/** `customer.created`. */
export const customerCreatedEvent = (c: Head) => head(c);

/**
 * `customer.updated`: `changed` names what changed (record fields such as
 * `name`, `tier`, `homeRegion`; `accountManagerId` on a transfer; `archived`
 * on archive or restore; `contacts` or `sites` when a part changed).
 */
export const customerUpdatedEvent = (c: Head, changed: string[]) => ({ ...head(c), changed });
