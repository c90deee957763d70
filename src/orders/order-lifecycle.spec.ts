import {
  canMoveWorkOrder,
  cancellable,
  deriveOrderState,
  everyRegionTook,
  rejectable,
  stateAfterCancel,
  staffMovesFrom,
  workOrderClockEffects,
} from './order-lifecycle';

describe('order lifecycle', () => {
  it.each([
    [['pending', 'dispatched', 'pending'], 'acknowledged'],
    [['in_progress', 'dispatched', 'pending'], 'in_progress'],
    [['completed', 'in_progress', 'in_progress'], 'in_progress'],
    [['completed', 'completed', 'completed'], 'completed'],
    [['completed', 'failed', 'completed'], 'partial'],
    [['failed', 'failed'], 'failed'],
    [['completed', 'cancelled', 'cancelled'], 'partial'],
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

  it('reopens a partial or failed order when a failed work order is retried, never one closed by staff or completed', () => {
    expect(deriveOrderState('partial', ['completed', 'pending'])).toBe('partial');
    expect(deriveOrderState('partial', ['completed', 'pending'], true)).toBe('in_progress');
    expect(deriveOrderState('failed', ['pending'], true)).toBe('acknowledged');
    expect(deriveOrderState('cancelled', ['pending'], true)).toBe('cancelled');
    expect(deriveOrderState('completed', ['completed'], true)).toBe('completed');
  });

  it('retries a failed work order (failed → pending), staff never move it so', () => {
    expect(canMoveWorkOrder('failed', 'pending')).toBe(true);
    expect(canMoveWorkOrder('completed', 'pending')).toBe(false);
    expect(staffMovesFrom('failed')).toEqual([]);
  });

  it('cancels the regions not completed while any is open or failed; partial once a region completed', () => {
    expect(cancellable('in_progress', ['failed', 'in_progress'])).toBe(true);
    expect(cancellable('in_progress', ['completed', 'in_progress'])).toBe(true);
    expect(cancellable('partial', ['completed', 'failed'])).toBe(true);
    expect(cancellable('completed', ['completed'])).toBe(false);
    expect(cancellable('cancelled', ['failed'])).toBe(false);
    expect(cancellable('in_progress', ['completed', 'cancelled'])).toBe(false);
    expect(stateAfterCancel('in_progress', ['cancelled', 'cancelled'])).toBe('cancelled');
    expect(stateAfterCancel('in_progress', ['completed', 'cancelled'])).toBe('partial');
    expect(stateAfterCancel('partial', ['completed', 'cancelled'])).toBe('partial');
  });

  it('rejects only an order no region has taken', () => {
    expect(rejectable('acknowledged')).toBe(true);
    expect(rejectable('in_progress')).toBe(false);
  });
});
