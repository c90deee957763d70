import { supportNotFound } from './support.errors';
import { ApiCaseRef, CaseRefPipe } from '../cases/case-ref';
import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiController,
  ApiProblems,
  Auth,
  Idempotent,
  PageOf,
  Roles,
  UuidPipe,
  type AuthContext,
  ApiErrors,
} from '../common/http/controller';
import { TICKET_MOVES_TEXT, TICKET_WORKERS, TicketTimelineRoute } from '../tickets/ticket-routes.port';
import { AssignDto, FeedbackDto, NoteDto, TransitionDto } from '../tickets/dto/ticket.dto';
import { CreateSupportRequestDto, SupportRequestDto, SupportRequestQuery, UpdateSupportRequestDto } from './dto/support-request.dto';
import { SupportService } from './support.service';

@ApiErrors('SupportError', 'CustomerError')
@ApiController('support', 'support-requests')
export class SupportController {
  constructor(private readonly support: SupportService) {}

  @Post()
  @Roles('admin', 'director', 'agent', 'account_manager')
  @Idempotent()
  @ApiOperation({
    summary: 'Open a technical-support request: priority from its category, SLA clocks and dispatch follow',
    description:
      'Severity from the category (emergency_communication critical, maintenance major, network_design, system_integration and other minor), ' +
      'then +1 for the standard tier and −1 for the green channel, as for faults. The region is the site’s, else the customer’s home region.',
  })
  @ApiCreatedResponse({ type: SupportRequestDto })
  @ApiProblems(400, 404, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateSupportRequestDto) {
    return this.support.create(auth, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Support requests in the caller’s regions, newest first' })
  @ApiOkResponse({ type: PageOf(SupportRequestDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: SupportRequestQuery) {
    return this.support.list(auth, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One support request with its SLA and the moves allowed now' })
  @ApiOkResponse({ type: SupportRequestDto })
  @ApiCaseRef(['support'] as const)
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', new CaseRefPipe(['support'] as const, supportNotFound)) ref: string) {
    return this.support.get(auth, ref);
  }

  @Patch(':id')
  @Roles(...TICKET_WORKERS)
  @ApiOperation({
    summary: 'Change the category, or grant the green channel (directors): re-targets the SLA clocks keeping the elapsed time',
  })
  @ApiOkResponse({ type: SupportRequestDto })
  @ApiProblems(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateSupportRequestDto) {
    return this.support.update(auth, id, dto);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles(...TICKET_WORKERS)
  @ApiOperation({
    summary: 'Move the request through the ticket lifecycle',
    description: TICKET_MOVES_TEXT,
  })
  @ApiOkResponse({ type: SupportRequestDto })
  @ApiProblems(400, 404, 409)
  transition(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: TransitionDto) {
    return this.support.transition(auth, id, dto);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('admin', 'director', 'agent')
  @ApiOperation({ summary: 'Assign to an engineer covering the request’s region' })
  @ApiOkResponse({ type: SupportRequestDto })
  @ApiProblems(400, 404, 409)
  assign(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: AssignDto) {
    return this.support.assign(auth, id, dto.engineerId);
  }

  @Post(':id/notes')
  @Roles(...TICKET_WORKERS)
  @Idempotent()
  @ApiOperation({ summary: 'Add a note to the timeline' })
  @ApiCreatedResponse({ type: SupportRequestDto })
  @ApiProblems(400, 404)
  note(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: NoteDto) {
    return this.support.addNote(auth, id, dto.text);
  }

  @TicketTimelineRoute()
  timeline(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.support.timeline(auth, id);
  }

  @Post(':id/feedback')
  @HttpCode(200)
  @Roles('admin', 'director', 'agent', 'account_manager')
  @ApiOperation({ summary: 'Record the customer’s satisfaction (1-5) once the request is resolved or closed; once per request' })
  @ApiOkResponse({ type: SupportRequestDto })
  @ApiProblems(400, 404, 409)
  feedback(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: FeedbackDto) {
    return this.support.feedback(auth, id, dto.score, dto.comment);
  }
}
