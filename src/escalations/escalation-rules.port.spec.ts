import { ESCALATION_RULE, parseRule } from './escalation-rules.port';

describe('escalation rules', () => {
  it.each([
    ['assignee', { kind: 'assignee' }],
    ['account_manager', { kind: 'account_manager' }],
    ['region_director', { kind: 'region_director' }],
    ['province_director', { kind: 'province_director' }],
    ['on_duty:duty_manager', { kind: 'on_duty', duty: 'duty_manager' }],
    ['on_duty:engineer', { kind: 'on_duty', duty: 'engineer' }],
    ['staff:3F6B2C1E-8D7A-4C55-9E0F-2D9C4B1A7E66', { kind: 'staff', staffId: '3f6b2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66' }],
  ])('%s is %j', (rule, parsed) => {
    expect(ESCALATION_RULE.test(rule)).toBe(true);
    expect(parseRule(rule)).toEqual(parsed);
  });

  it.each([
    '',
    'Assignee',
    'on_duty:',
    'on_duty:janitor',
    'on_duty:engineer ',
    'staff:',
    'staff:42',
    'director',
    'assignee,account_manager',
  ])('%j is no rule', (rule) => {
    expect(parseRule(rule)).toBeNull();
  });
});
