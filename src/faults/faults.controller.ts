import { faultNotFound } from './faults.errors';
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
import {
  AssignDto,
  CreateFaultDto,
  FaultDto,
  FaultQuery,
  FeedbackDto,
  LinkFaultDto,
  NoteDto,
  TransitionDto,
  UpdateFaultDto,
} from './dto/fault.dto';
import { FaultsService } from './faults.service';

@ApiErrors('FaultError', 'CustomerError')
@ApiController('faults', 'faults')
export class FaultsController {
  constructor(private readonly faults: FaultsService) {}

  @Post()
  @Roles('admin', 'director', 'agent', 'account_manager')
  @Idempotent()
  @ApiOperation({ summary: 'Open a fault or complaint in one call: priority, SLA clocks and dispatch follow' })
  @ApiCreatedResponse({ type: FaultDto })
  @ApiProblems(400, 404, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateFaultDto) {
    return this.faults.create(auth, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Faults and complaints in the caller’s regions, newest first' })
  @ApiOkResponse({ type: PageOf(FaultDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: FaultQuery) {
    return this.faults.list(auth, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One fault with its SLA and the moves allowed now' })
  @ApiOkResponse({ type: FaultDto })
  @ApiCaseRef(['fault', 'complaint'] as const)
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', new CaseRefPipe(['fault', 'complaint'] as const, faultNotFound)) ref: string) {
    return this.faults.get(auth, ref);
  }

  @Patch(':id')
  @Roles(...TICKET_WORKERS)
  @ApiOperation({ summary: 'Change severity, or grant the green channel (directors): re-targets the SLA clocks' })
  @ApiOkResponse({ type: FaultDto })
  @ApiProblems(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateFaultDto) {
    return this.faults.update(auth, id, dto);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles(...TICKET_WORKERS)
  @ApiOperation({
    summary: 'Move the case through its lifecycle',
    description: TICKET_MOVES_TEXT,
  })
  @ApiOkResponse({ type: FaultDto })
  @ApiProblems(400, 404, 409)
  transition(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: TransitionDto) {
    return this.faults.transition(auth, id, dto);
  }

  @Post(':id/link')
  @HttpCode(200)
  @Roles('admin', 'director', 'agent', 'account_manager')
  @ApiOperation({
    summary: 'Link an unlinked fault (opened by network monitoring without a customer) to its customer',
    description:
      'Optionally with the site or service instance of that customer. The priority takes the customer’s tier and green channel ' +
      'and an open fault’s SLA clocks are re-targeted keeping the elapsed time; the region stays. 409 FAULT_ALREADY_LINKED when ' +
      'the fault has a customer. The console queue shows unlinked faults (GET /console/queue?unlinked=true).',
  })
  @ApiOkResponse({ type: FaultDto })
  @ApiProblems(400, 404, 409)
  link(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: LinkFaultDto) {
    return this.faults.link(auth, id, dto);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('admin', 'director', 'agent')
  @ApiOperation({ summary: 'Assign to an engineer covering the fault’s region' })
  @ApiOkResponse({ type: FaultDto })
  @ApiProblems(400, 404, 409)
  assign(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: AssignDto) {
    return this.faults.assign(auth, id, dto.engineerId);
  }

  @Post(':id/notes')
  @Roles(...TICKET_WORKERS)
  @Idempotent()
  @ApiOperation({ summary: 'Add a note to the timeline' })
  @ApiCreatedResponse({ type: FaultDto })
  @ApiProblems(400, 404)
  note(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: NoteDto) {
    return this.faults.addNote(auth, id, dto.text);
  }

  @TicketTimelineRoute()
  timeline(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.faults.timeline(auth, id);
  }

  @Post(':id/feedback')
  @HttpCode(200)
  @Roles('admin', 'director', 'agent', 'account_manager')
  @ApiOperation({ summary: 'Record the customer’s satisfaction (1-5) once the case is resolved or closed; once per case' })
  @ApiOkResponse({ type: FaultDto })
  @ApiProblems(400, 404, 409)
  feedback(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: FeedbackDto) {
    return this.faults.feedback(auth, id, dto.score, dto.comment);
  }
}
