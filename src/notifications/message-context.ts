import type { CaseKind } from '../cases/case-kind';
import { apiPath } from '../common/http/api-path';
import { chinaWallClock } from '../common/time/china-days';
import type { AlertLevel, ClockName } from '../sla/sla-levels.port';
import type { CaseMessageFacts, DigestMessageFacts, NotificationEventType } from './notifications.port';

/**
 * The variables a template sees, made from a message's facts: names instead
 * of codes, the due time in China time, the link to the case. Every variable
 * is always present (null when there is nothing to say), so templates run
 * with strict variables: a misspelt name is an error, not an empty string.
 */
export interface CaseVariables {
  customerName: string;
  caseNo: string;
  /** 故障, 投诉, 技术支持, 业务咨询, 订单, 工单 */
  kindName: string;
  title: string;
  /** P1..P4 */
  priority: string;
  /** 广东省佛山市南海区 */
  regionName: string;
  /** 2026-12-01 17:30 (北京时间) */
  dueAt: string | null;
  /** PUBLIC_BASE_URL + the case's path in the API (its number stands for its id there). */
  link: string;
  assigneeName: string | null;
  /** warning, breached, escalated_2, escalated_3 (sla.* only) */
  level: AlertLevel | null;
  /** 预警, 超时, 二级升级, 三级升级 */
  levelName: string | null;
  /** 响应, 处理 */
  clockName: string | null;
}

export interface DigestItemVariables extends CaseVariables {
  eventType: NotificationEventType;
  /** SLA 超时, 故障已受理… */
  eventName: string;
}

export interface DigestVariables {
  count: number;
  items: DigestItemVariables[];
}

export const KIND_NAMES: Record<CaseKind, string> = {
  fault: '故障',
  complaint: '投诉',
  support: '技术支持',
  inquiry: '业务咨询',
  order: '订单',
  work_order: '工单',
  callback: '满意度回访',
};

/** Each kind's collection in the API: GET /<collection>/<case number> reads the case. */
const CASE_COLLECTIONS: Record<CaseKind, string> = {
  fault: 'faults',
  complaint: 'faults',
  support: 'support-requests',
  inquiry: 'inquiries',
  order: 'orders',
  work_order: 'work-orders',
  callback: 'callbacks',
};

export const LEVEL_NAMES: Record<AlertLevel, string> = {
  warning: '预警',
  breached: '超时',
  escalated_2: '二级升级',
  escalated_3: '三级升级',
};

export const CLOCK_NAMES: Record<ClockName, string> = { response: '响应', resolution: '处理' };

export const EVENT_NAMES: Record<NotificationEventType, string> = {
  'sla.warning': 'SLA 预警',
  'sla.breached': 'SLA 超时',
  'sla.escalated': 'SLA 升级',
  'fault.acknowledged': '故障已受理',
  'fault.resolved': '故障已修复',
  'order.accepted': '订单已受理',
  'order.completed': '订单已完成',
  'callback.due': '回访待进行',
};

/** 2026-12-01T09:30:00Z → "2026-12-01 17:30 (北京时间)": China keeps UTC+8 all year. */
export function chinaTime(instant: Date | string): string {
  const wall = chinaWallClock(instant);
  return `${wall.slice(0, 10)} ${wall.slice(11, 16)} (北京时间)`;
}

export interface VariableSources {
  /** The region's full name (RegionsService), or undefined for an unknown code. */
  regionName: (code: string) => string | undefined;
  /** PUBLIC_BASE_URL, or '/' when unset (links are then paths). */
  publicBaseUrl: string;
}

export function caseVariables(facts: CaseMessageFacts, sources: VariableSources): CaseVariables {
  const base = sources.publicBaseUrl === '/' ? '' : sources.publicBaseUrl.replace(/\/+$/, '');
  return {
    customerName: facts.customerName,
    caseNo: facts.caseNo,
    kindName: KIND_NAMES[facts.caseKind] ?? facts.caseKind,
    title: facts.title,
    priority: `P${facts.priority}`,
    regionName: sources.regionName(facts.region) ?? facts.region,
    dueAt: facts.dueAt ? chinaTime(facts.dueAt) : null,
    link: base + apiPath(CASE_COLLECTIONS[facts.caseKind] ?? 'cases', facts.caseNo),
    assigneeName: facts.assigneeName ?? null,
    level: facts.level ?? null,
    levelName: facts.level ? LEVEL_NAMES[facts.level] : null,
    clockName: facts.clock ? CLOCK_NAMES[facts.clock] : null,
  };
}

export function digestVariables(facts: DigestMessageFacts, sources: VariableSources): DigestVariables {
  return {
    count: facts.items.length,
    items: facts.items.map((item) => ({
      ...caseVariables(item, sources),
      eventType: item.eventType,
      eventName: EVENT_NAMES[item.eventType],
    })),
  };
}

/** A case as the template editor's check renders it: every variable set. */
export const SAMPLE_CASE: CaseMessageFacts = {
  caseKind: 'fault',
  caseNo: 'FLT-20261201-000042',
  customerName: '佛山市南海区政务服务数据管理局',
  title: '南海区政务外网专线中断',
  priority: 1,
  region: '440605',
  dueAt: '2026-12-01T09:30:00Z',
  assigneeName: '张伟',
  level: 'breached',
  clock: 'resolution',
};

/** The same with every variable that may be null set to null: a template must render both. */
export const SAMPLE_CASE_SPARSE: CaseMessageFacts = {
  ...SAMPLE_CASE,
  caseKind: 'order',
  caseNo: 'ORD-20261201-000007',
  priority: 3,
  dueAt: null,
  assigneeName: null,
  level: null,
  clock: null,
};

export const SAMPLE_DIGEST: DigestMessageFacts = {
  items: [
    { ...SAMPLE_CASE, eventType: 'sla.breached' },
    { ...SAMPLE_CASE_SPARSE, eventType: 'order.accepted' },
  ],
};
