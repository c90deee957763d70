import { SAMPLE_CASE, caseVariables, chinaTime, digestVariables } from './message-context';

const sources = {
  regionName: (code: string) => (code === '440605' ? '广东省佛山市南海区' : undefined),
  publicBaseUrl: 'https://desk.example.cn',
};

describe('message variables', () => {
  it('shows instants in China time', () => {
    expect(chinaTime('2026-12-01T09:30:00Z')).toBe('2026-12-01 17:30 (北京时间)');
    expect(chinaTime(new Date('2026-12-31T16:05:00Z'))).toBe('2027-01-01 00:05 (北京时间)');
  });

  it('names what the facts code, and links to the case by its number', () => {
    expect(caseVariables(SAMPLE_CASE, sources)).toEqual({
      customerName: '佛山市南海区政务服务数据管理局',
      caseNo: 'FLT-20261201-000042',
      kindName: '故障',
      title: '南海区政务外网专线中断',
      priority: 'P1',
      regionName: '广东省佛山市南海区',
      dueAt: '2026-12-01 17:30 (北京时间)',
      link: 'https://desk.example.cn/api/v1/faults/FLT-20261201-000042',
      assigneeName: '张伟',
      level: 'breached',
      levelName: '超时',
      clockName: '处理',
    });
  });

  it('keeps every variable present, null when there is nothing to say', () => {
    const v = caseVariables(
      { ...SAMPLE_CASE, caseKind: 'support', region: '999999', dueAt: null, assigneeName: null, level: undefined, clock: undefined },
      { ...sources, publicBaseUrl: '/' },
    );
    expect(v).toMatchObject({ regionName: '999999', dueAt: null, assigneeName: null, level: null, levelName: null, clockName: null });
    expect(v.link).toBe('/api/v1/support-requests/FLT-20261201-000042');
  });

  it('gives a digest its count and each item its event name', () => {
    const d = digestVariables({ items: [{ ...SAMPLE_CASE, eventType: 'sla.warning' }] }, sources);
    expect(d.count).toBe(1);
    expect(d.items[0]).toMatchObject({ eventType: 'sla.warning', eventName: 'SLA 预警', caseNo: 'FLT-20261201-000042' });
  });
});
