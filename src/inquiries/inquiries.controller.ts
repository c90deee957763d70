import { inquiryNotFound } from './inquiries.errors';
import { ApiCaseRef, CaseRefPipe } from '../cases/case-ref';
import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
import { TimelineEntryDto } from '../tickets/dto/ticket.dto';
import { AnswerInquiryDto, CloseInquiryDto, ConvertInquiryDto, CreateInquiryDto, InquiryDto, InquiryQuery } from './dto/inquiry.dto';
import { InquiriesService } from './inquiries.service';

const DESK = ['admin', 'director', 'agent', 'account_manager'] as const;
const ANSWERERS = [...DESK, 'engineer'] as const;

@ApiErrors('InquiryError', 'CustomerError', 'SupportError', 'OrderError')
@ApiController('inquiries', 'inquiries')
export class InquiriesController {
  constructor(private readonly inquiries: InquiriesService) {}

  @Post()
  @Roles(...DESK)
  @Idempotent()
  @ApiOperation({
    summary: 'Take a business inquiry, from a customer or from a caller who is not one yet',
    description:
      'Priority P3 (P2 when urgent), then +1 for the standard tier and −1 for the green channel when the caller is a customer. ' +
      'The response clock stops when the inquiry is answered, the resolution clock when it is closed or converted (policies inquiry:P1-P4). ' +
      'Region: `region`, else the customer’s home region, else (no customer) the caller’s own region when their scope is a single region; a region outside the caller’s scope → 403.',
  })
  @ApiCreatedResponse({ type: InquiryDto })
  @ApiProblems(400, 404, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateInquiryDto) {
    return this.inquiries.create(auth, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Inquiries in the caller’s regions, newest first' })
  @ApiOkResponse({ type: PageOf(InquiryDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: InquiryQuery) {
    return this.inquiries.list(auth, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One inquiry with its SLA, the actions allowed now and what it was converted into' })
  @ApiOkResponse({ type: InquiryDto })
  @ApiCaseRef(['inquiry'] as const)
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', new CaseRefPipe(['inquiry'] as const, inquiryNotFound)) ref: string) {
    return this.inquiries.get(auth, ref);
  }

  @Post(':id/answer')
  @HttpCode(200)
  @Roles(...ANSWERERS)
  @ApiOperation({ summary: 'Answer an open inquiry: open → answered; stops the response clock' })
  @ApiOkResponse({ type: InquiryDto })
  @ApiProblems(400, 404, 409)
  answer(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: AnswerInquiryDto) {
    return this.inquiries.answer(auth, id, dto);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(...ANSWERERS)
  @ApiOperation({ summary: 'Close an answered inquiry: answered → closed; stops the resolution clock' })
  @ApiOkResponse({ type: InquiryDto })
  @ApiProblems(400, 404, 409)
  close(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: CloseInquiryDto) {
    return this.inquiries.close(auth, id, dto);
  }

  @Post(':id/convert')
  @Roles(...DESK)
  @Idempotent()
  @ApiOperation({
    summary: 'Convert an open or answered inquiry into a support request or an order, linked both ways; closes the inquiry',
    description:
      'to: support opens a support request for the inquiry’s customer (category required; description defaults to the question; the caller becomes its contact) ' +
      'whose inquiryId points back here; the inquiry’s convertedTo points to it. An inquiry with no customer needs `customerId`. ' +
      'to: order takes `order` (the body of POST /orders without customerId; its faults are named under `order.`) and opens the order whose inquiryId points back here.',
  })
  @ApiCreatedResponse({ type: InquiryDto })
  @ApiProblems(400, 404, 409)
  convert(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: ConvertInquiryDto) {
    return this.inquiries.convert(auth, id, dto);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'Creation, answer, closing or conversion, and SLA events, in order' })
  @ApiOkResponse({ type: [TimelineEntryDto] })
  @ApiProblems(400, 404)
  timeline(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.inquiries.timeline(auth, id);
  }
}
