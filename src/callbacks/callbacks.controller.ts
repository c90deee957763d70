import { Body, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiCaseRef, CaseRefPipe } from '../cases/case-ref';
import {
  ApiController,
  ApiErrors,
  ApiProblems,
  Auth,
  Idempotent,
  PageOf,
  Roles,
  UuidPipe,
  type AuthContext,
} from '../common/http/controller';
import { MAX_ATTEMPTS } from './callback-rules';
import { callbackNotFound } from './callbacks.errors';
import { CallbacksService } from './callbacks.service';
import { CallbackAttemptInput, CallbackComplaintInput, CallbackDto, CallbackQuery } from './dto/callback.dto';

/** Who works the call-back queue: the hotline's agents, account managers for their customers, directors and admins. */
const CALLBACK_DESK = ['admin', 'director', 'agent', 'account_manager'] as const;

@ApiErrors('CallbackError', 'FaultError', 'CustomerError')
@ApiController('callbacks', 'callbacks')
export class CallbacksController {
  constructor(private readonly callbacks: CallbacksService) {}

  @Get()
  @Roles(...CALLBACK_DESK)
  @ApiOperation({
    summary: 'Satisfaction call-backs (满意度回访) in the caller’s regions, the most urgent first',
    description:
      'Open call-backs (pending, in_progress) by due time, then finished ones (done, unreachable). ' +
      'Scoped like cases: the call-back’s region, its customer’s home region, or the caller manages the customer. Mobiles are masked in lists.',
  })
  @ApiOkResponse({ type: PageOf(CallbackDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: CallbackQuery) {
    return this.callbacks.list(auth, q);
  }

  @Get(':id')
  @Roles(...CALLBACK_DESK)
  @ApiOperation({
    summary: 'One call-back with its attempts and clock',
    description:
      'The contact’s mobile is in full for the agent working the call-back (an agent of its region until someone attempted it, then the agent ' +
      'who made the last attempt), admins, directors and the customer’s account manager; such a read is audited (callback.contact_unmasked).',
  })
  @ApiOkResponse({ type: CallbackDto })
  @ApiCaseRef(['callback'] as const)
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', new CaseRefPipe(['callback'] as const, callbackNotFound)) ref: string) {
    return this.callbacks.get(auth, ref);
  }

  @Post(':id/attempts')
  @Roles(...CALLBACK_DESK)
  @Idempotent()
  @ApiOperation({
    summary: 'Record one call: reached with a score (done), or not reached (retried; unreachable after the third)',
    description:
      `At most ${MAX_ATTEMPTS} attempts. reached: true needs a score 1–5 and makes the call-back done (its clock stops); reached: false ` +
      `leaves it in_progress until the ${MAX_ATTEMPTS}rd, which makes it unreachable. A score of 1–2 emits callback.low_score. ` +
      'A finished call-back refuses more with 409 CALLBACK_FINISHED.',
  })
  @ApiCreatedResponse({ type: CallbackDto })
  @ApiProblems(400, 404, 409)
  attempt(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: CallbackAttemptInput) {
    return this.callbacks.attempt(auth, id, dto);
  }

  @Post(':id/complaint')
  @Roles(...CALLBACK_DESK)
  @Idempotent()
  @ApiOperation({
    summary: 'Turn a low score (1–2) into a complaint in one call',
    description:
      'Opens a complaint through the complaint intake (as POST /faults with category complaint), linked to the call-back and the original ' +
      'case, in the call-back’s transaction. Asking again answers the same complaint. 409 CALLBACK_NOT_LOW_SCORE unless done with a score of 1–2.',
  })
  @ApiCreatedResponse({ type: CallbackDto })
  @ApiProblems(400, 404, 409)
  complaint(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: CallbackComplaintInput) {
    return this.callbacks.complaint(auth, id, dto);
  }
}
