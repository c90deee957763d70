/** The customer record's vocabulary, shared with the modules that read it (docs/ARCHITECTURE.md, "Dependency rules"). */

/** A customer's tier; the standard tier adds one to a case's priority (src/cases/priority.ts). */
export const TIERS = ['strategic', 'key', 'standard'] as const;
export type Tier = (typeof TIERS)[number];

export const CONTACT_ROLES = ['primary', 'technical', 'billing', 'executive', 'other'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
