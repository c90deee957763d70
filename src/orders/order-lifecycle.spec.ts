import { cancellable, deriveOrderState, everyRegionTook, rejectable, staffMovesFrom, workOrderClockEffects } from './order-lifecycle';

describe('order lifecycle', () => {
  it.each([
    [['pending', 'dispatched', 'pending'], 'acknowledged'],
    [['in_progress', 'dispatched', 'pending'], 'in_progress'],
    [['completed', 'in_progress', 'in_progress'], 'in_progress'],
    [['completed', 'completed', 'completed'], 'completed'],
    [['completed', 'failed', 'completed'], 'partial'],
    [['failed', 'failed'], 'failed'],
  ] as const)('work orders %j give an order %s', (wos, expected) => {
    expect(deriveOrderState('acknowledged', wos)).toBe(expected);
    if (expected !== 'acknowledged') expect(deriveOrderState('in_progress', wos)).toBe(expected);
  });

  it('never moves a final order', () => {
    expect(deriveOrderState('cancelled', ['completed'])).toBe('cancelled');
    expect(deriveOrderState('completed', ['failed'])).toBe('completed');
  });

  it('stops the response only when every region took its work order', () => {
    expect(everyRegionTook(['in_progress', 'dispatched'])).toBe(false);
    expect(everyRegionTook(['in_progress', 'completed', 'failed'])).toBe(true);
  });

  it('lets staff take, complete or fail, never dispatch or cancel', () => {
    expect(staffMovesFrom('pending')).toEqual([]);
    expect(staffMovesFrom('dispatched')).toEqual(['in_progress']);
    expect(staffMovesFrom('in_progress')).toEqual(['completed', 'failed']);
    expect(workOrderClockEffects('in_progress')).toEqual(['stop_response']);
    expect(workOrderClockEffects('failed')).toEqual(['stop_all']);
  });

  it('cancels only open orders with nothing completed', () => {
    expect(cancellable('in_progress', ['failed', 'in_progress'])).toBe(true);
    expect(cancellable('in_progress', ['completed', 'in_progress'])).toBe(false);
    expect(cancellable('completed', [])).toBe(false);
  });

  it('rejects only an order no region has taken', () => {
    expect(rejectable('acknowledged')).toBe(true);
    expect(rejectable('in_progress')).toBe(false);
  });
});
