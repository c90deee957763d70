import { applyDecorators, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { TimelineEntryDto } from '../cases/dto/timeline-entry.dto';
import { TICKET_NEEDS_REASON, TICKET_TRANSITIONS } from '../cases/ticket-lifecycle';
import { ApiProblems } from '../common/http/controller';

// What the ticket kinds' controllers (faults, support requests) share: they serve the same lifecycle.

/** The roles that work tickets: move, assign, annotate. */
export const TICKET_WORKERS = ['admin', 'director', 'agent', 'account_manager', 'engineer'] as const;

/** The transitions route's OpenAPI text, read from the lifecycle table (src/cases/ticket-lifecycle.ts). */
export const TICKET_MOVES_TEXT =
  'Allowed moves: ' +
  Object.entries(TICKET_TRANSITIONS)
    .map(([from, to]) => `${from} → ${to.length ? to.join(' | ') : '(final)'}`)
    .join('; ') +
  `. ${TICKET_NEEDS_REASON.join(' and ')} need a reason. An illegal move or a stale expectedVersion gives 409 naming the allowed moves.`;

/** GET /{kind}/{id}/timeline. */
export const TicketTimelineRoute = () =>
  applyDecorators(
    Get(':id/timeline'),
    ApiOperation({ summary: 'Every state change, note, assignment and SLA event, in order' }),
    ApiOkResponse({ type: [TimelineEntryDto] }),
    ApiProblems(400, 404),
  );
