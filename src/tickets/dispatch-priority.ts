/**
 * BullMQ priority (1 = first) of a ticket's dispatch job: P1 green channel,
 * P1, P2 green channel, … P4. Every dispatch job gets one: a job without a
 * priority would jump them all.
 */
export const dispatchPriority = (priority: number, greenChannel: boolean) => (priority - 1) * 2 + (greenChannel ? 1 : 2);
