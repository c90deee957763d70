/** Kinds of case, known to the engines as data only (they never import a case module). */
export const CASE_KINDS = ['fault', 'complaint', 'support', 'inquiry', 'order', 'work_order', 'callback'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const CASE_NO_PREFIX: Record<CaseKind, string> = {
  fault: 'FLT',
  complaint: 'CMP',
  support: 'SUP',
  inquiry: 'INQ',
  order: 'ORD',
  work_order: 'WO',
  callback: 'CB',
};
