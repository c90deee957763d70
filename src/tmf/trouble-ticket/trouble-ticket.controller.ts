import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblems, Auth, Idempotent, Roles, type AuthContext } from '../../common/http/controller';
import { TICKET_WORKERS } from '../../tickets/ticket-routes.port';
import { ApiTmfList, TmfController, TmfOrigin } from '../common/tmf-http';
import { TroubleTicketService } from './trouble-ticket.service';
import { TROUBLE_TICKET, TROUBLE_TICKET_API } from './trouble-ticket-view';
import { MAPPING_TEXT, TroubleTicketCreateSchema, TroubleTicketSchema, TroubleTicketUpdateSchema } from './trouble-ticket-openapi';

/** TMF621 Trouble Ticket (`/tmf-api/troubleTicket/v4/troubleTicket`): faults and complaints (docs/ARCHITECTURE.md, "TMF621 Trouble Ticket"). */
@TmfController(TROUBLE_TICKET_API, TROUBLE_TICKET)
export class TroubleTicketController {
  constructor(private readonly tickets: TroubleTicketService) {}

  @Post()
  @Roles('admin', 'director', 'agent', 'account_manager')
  @Idempotent()
  @ApiOperation({
    summary: 'Open a trouble ticket: a fault or complaint of the customer its relatedParty names, or an unlinked fault of your region',
    description: MAPPING_TEXT,
  })
  @ApiBody({ schema: TroubleTicketCreateSchema })
  @ApiCreatedResponse({ schema: TroubleTicketSchema })
  @ApiProblems(400, 404, 409)
  create(@Auth() auth: AuthContext, @TmfOrigin() origin: string, @Body() body: unknown) {
    return this.tickets.create(auth, origin, body);
  }

  @Get()
  @ApiTmfList()
  @ApiOperation({
    summary: 'Trouble tickets in your regions, newest first',
    description:
      'Filters (exact match, `a,b` for either): id, name, description, severity, ticketType, status, externalId, priority, relatedParty.id; ' +
      'dates (also .gt .gte .lt .lte): creationDate, lastUpdate, resolutionDate. offset, limit (default 50), fields.',
  })
  @ApiOkResponse({ schema: { type: 'array', items: TroubleTicketSchema } })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @TmfOrigin() origin: string, @Query() query: Record<string, unknown>) {
    return this.tickets.list(auth, origin, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One trouble ticket (fields= keeps exactly the attributes listed)' })
  @ApiOkResponse({ schema: TroubleTicketSchema })
  @ApiProblems(404)
  get(@Auth() auth: AuthContext, @TmfOrigin() origin: string, @Param('id') id: string) {
    return this.tickets.get(auth, origin, id);
  }

  @Patch(':id')
  @HttpCode(200)
  @Roles(...TICKET_WORKERS)
  @ApiConsumes('application/merge-patch+json', 'application/json')
  @ApiOperation({
    summary:
      'Change a trouble ticket (JSON merge patch): status (a lifecycle move), note (appended), relatedParty (link an unlinked ticket)',
    description:
      '`status` moves the ticket through its lifecycle (409 when the move is not allowed; `statusChangeReason` is required for ' +
      'pending and held); `note` appends the notes the ticket does not have yet; `relatedParty` with the customer (and a ' +
      '`relatedEntity` Site or Service of that customer) links an unlinked ticket (409 when it has another customer).',
  })
  @ApiBody({ schema: TroubleTicketUpdateSchema })
  @ApiOkResponse({ schema: TroubleTicketSchema })
  @ApiProblems(400, 404, 409)
  patch(@Auth() auth: AuthContext, @TmfOrigin() origin: string, @Param('id') id: string, @Body() body: unknown) {
    return this.tickets.patch(auth, origin, id, body);
  }
}
