import { SEVERITY_BASE, casePriority } from '../cases/priority';
import { CATEGORY_SEVERITY, SUPPORT_CATEGORIES } from './support-category.port';

describe('support category → severity → priority', () => {
  it('maps every category, emergency communication being critical', () => {
    expect(Object.keys(CATEGORY_SEVERITY).sort()).toEqual([...SUPPORT_CATEGORIES].sort());
    expect(CATEGORY_SEVERITY.emergency_communication).toBe('critical');
    expect(CATEGORY_SEVERITY.maintenance).toBe('major');
  });

  it.each([
    ['emergency_communication', 'key', false, 1],
    ['emergency_communication', 'standard', false, 2],
    ['maintenance', 'strategic', true, 1],
    ['network_design', 'standard', false, 4],
    ['other', 'key', true, 2],
  ] as const)('%s for a %s customer, green channel %s → P%i', (category, tier, green, expected) => {
    expect(casePriority(SEVERITY_BASE[CATEGORY_SEVERITY[category]], tier, green)).toBe(expected);
  });
});
