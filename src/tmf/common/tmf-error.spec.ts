import { invalidFields } from '../../common/errors/common-errors';
import { toProblem } from '../../common/errors/problem.filter';
import { CommonError, CommonErrorCode, staleVersion } from '../../common/errors/common-errors';
import { isUuid, tmfNotFound, toTmfError } from './tmf-error';

const tmf = (err: unknown) => toTmfError(toProblem(err)!);

describe('toTmfError', () => {
  it('maps a validation problem to a 400 Error naming every field', () => {
    expect(
      tmf(invalidFields({ field: 'characteristic[0].value', message: 'must be a string' }, { field: 'name', message: 'is required' })),
    ).toEqual({
      '@type': 'Error',
      code: 'VALIDATION_FAILED',
      reason: 'Bad Request',
      message: 'The request has invalid fields: characteristic[0].value must be a string; name is required',
      status: '400',
      referenceError: 'urn:focus-one:problem:validation-failed',
    });
  });

  it('keeps the status and code of every kind', () => {
    expect(tmf(tmfNotFound('customer', 'x'))).toMatchObject({
      status: '404',
      code: 'NOT_FOUND',
      reason: 'Not Found',
      message: 'No customer x',
    });
    expect(tmf(staleVersion('customer', 1, 2))).toMatchObject({ status: '409', code: 'STALE_VERSION', reason: 'Conflict' });
    expect(tmf(new CommonError(CommonErrorCode.FORBIDDEN, 'no'))).toMatchObject({ status: '403', code: 'FORBIDDEN' });
    expect(tmf(new CommonError(CommonErrorCode.UNSUPPORTED_MEDIA_TYPE, 'no'))).toMatchObject({ status: '415' });
  });
});

describe('isUuid', () => {
  it('tells ids that can name a row from any other text', () => {
    expect(isUuid('c2df1950-c17c-4576-9c22-e59073a4a86a')).toBe(true);
    expect(isUuid('42')).toBe(false);
    expect(isUuid('c2df1950-c17c-4576-9c22-e59073a4a86a0')).toBe(false);
  });
});
