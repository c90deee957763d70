import { Injectable, ParseUUIDPipe } from '@nestjs/common';
import { invalidFields } from '../errors/common-errors';

/** A path id that is not a UUID is a 400 naming the parameter, not a database error. */
@Injectable()
export class UuidPipe extends ParseUUIDPipe {
  constructor() {
    super({ exceptionFactory: () => invalidFields({ field: 'id', message: 'must be a UUID' }) });
  }
}
