import type { Severity } from '../cases/priority';

export const SUPPORT_CATEGORIES = ['network_design', 'system_integration', 'maintenance', 'emergency_communication', 'other'] as const;
export type SupportCategory = (typeof SUPPORT_CATEGORIES)[number];

/**
 * A support request's category maps to a severity, which is the base of its
 * priority (then tier and green channel as for faults; docs/ARCHITECTURE.md,
 * "Priority"). Emergency communication is critical (lives may depend on it);
 * maintenance of running services is major (something in service needs
 * care); design, integration and other requests are planned project work,
 * minor.
 */
export const CATEGORY_SEVERITY: Record<SupportCategory, Severity> = {
  emergency_communication: 'critical',
  maintenance: 'major',
  network_design: 'minor',
  system_integration: 'minor',
  other: 'minor',
};

export const CATEGORY_LABEL: Record<SupportCategory, string> = {
  network_design: '网络设计',
  system_integration: '系统集成',
  maintenance: '维护保障',
  emergency_communication: '应急通信',
  other: '其他技术支持',
};
