import { errorClass } from '../common/errors/domain-error';

export enum CallbackErrorCode {
  CALLBACK_NOT_FOUND = 'CALLBACK_NOT_FOUND',
  /** done or unreachable: no more attempts. */
  CALLBACK_FINISHED = 'CALLBACK_FINISHED',
  /** A complaint is raised only from a call-back done with a low score (1–2). */
  CALLBACK_NOT_LOW_SCORE = 'CALLBACK_NOT_LOW_SCORE',
}

export const CallbackError = errorClass<CallbackErrorCode>('CallbackError', {
  CALLBACK_NOT_FOUND: 'not_found',
  CALLBACK_FINISHED: 'conflict',
  CALLBACK_NOT_LOW_SCORE: 'conflict',
});

export const callbackNotFound = (id: string) => new CallbackError(CallbackErrorCode.CALLBACK_NOT_FOUND, `No call-back ${id}`);
