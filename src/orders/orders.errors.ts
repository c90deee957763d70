import { errorClass } from '../common/errors/domain-error';

export enum OrderErrorCode {
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
  WORK_ORDER_NOT_FOUND = 'WORK_ORDER_NOT_FOUND',
  ORDER_NOT_CANCELLABLE = 'ORDER_NOT_CANCELLABLE',
  ORDER_NOT_REJECTABLE = 'ORDER_NOT_REJECTABLE',
  WORK_ORDER_ILLEGAL_TRANSITION = 'WORK_ORDER_ILLEGAL_TRANSITION',
  WORK_ORDER_OUT_OF_REGION = 'WORK_ORDER_OUT_OF_REGION',
  ORDER_CUSTOMER_ARCHIVED = 'ORDER_CUSTOMER_ARCHIVED',
  ORDER_CUSTOMER_IN_ARREARS = 'ORDER_CUSTOMER_IN_ARREARS',
  ORDER_ARREARS_OVERRIDE_NEEDS_DIRECTOR = 'ORDER_ARREARS_OVERRIDE_NEEDS_DIRECTOR',
}

export const OrderError = errorClass<OrderErrorCode>('OrderError', {
  ORDER_NOT_FOUND: 'not_found',
  WORK_ORDER_NOT_FOUND: 'not_found',
  ORDER_NOT_CANCELLABLE: 'conflict',
  ORDER_NOT_REJECTABLE: 'conflict',
  WORK_ORDER_ILLEGAL_TRANSITION: 'conflict',
  WORK_ORDER_OUT_OF_REGION: 'forbidden',
  ORDER_CUSTOMER_ARCHIVED: 'conflict',
  ORDER_CUSTOMER_IN_ARREARS: 'conflict',
  ORDER_ARREARS_OVERRIDE_NEEDS_DIRECTOR: 'forbidden',
});

export const orderNotFound = (id: string) => new OrderError(OrderErrorCode.ORDER_NOT_FOUND, `No order ${id}`);
export const workOrderNotFound = (id: string) => new OrderError(OrderErrorCode.WORK_ORDER_NOT_FOUND, `No work order ${id}`);
