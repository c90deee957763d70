/**
 * The names an event about a case carries beside its ids (issue 13): what a
 * person reading the message — on a NOC screen, in a WeCom group, by SMS —
 * needs without looking anything up. Every case, order and SLA event payload
 * adds these fields (additive: the ids stay).
 *
 * Where they come from costs no extra round trip on the intake path (the
 * customer read the intake makes anyway carries the customer's and the
 * account manager's names; region names are in memory), and one read per
 * statement or batch elsewhere (`CasesService.names`, or a join in the
 * statement itself, as the SLA alerts' insert does).
 */
export interface CaseNames {
  /** The case's title, as the console shows it (case_index.title). */
  title: string;
  /** Null for a case with no customer (an inquiry from a caller who is not one). */
  customerName: string | null;
  /** The full name of the case's region (`广东省佛山市南海区`). */
  regionName: string;
  /** Who holds the case (null: nobody yet, or a kind without assignees). */
  assigneeName: string | null;
  /** The customer's account manager (null: none). */
  accountManagerName: string | null;
}

/** The payload fields, in the order every builder adds them. */
export const caseNameFields = (n: CaseNames) => ({
  title: n.title,
  customerName: n.customerName,
  regionName: n.regionName,
  assigneeName: n.assigneeName,
  accountManagerName: n.accountManagerName,
});

/**
 * A new case's names, from what its intake has read anyway: the customer
 * (its context carries its name and its account manager's) and the region's
 * name (held in memory). Nobody holds a new case yet.
 */
export function intakeNames(
  customer: { name: string; accountManagerName: string | null } | null,
  title: string,
  regionName: string,
): CaseNames {
  return {
    title,
    customerName: customer?.name ?? null,
    regionName,
    assigneeName: null,
    accountManagerName: customer?.accountManagerName ?? null,
  };
}
