import { ArgumentMetadata, Injectable, ParseUUIDPipe } from '@nestjs/common';
import { invalidFields } from '../errors/common-errors';

/** A path id that is not a UUID is a 400 naming the parameter, not a database error. */
@Injectable()
export class UuidPipe extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    try {
      return (await super.transform(value, metadata)) as string;
    } catch {
      throw invalidFields({ field: metadata.data ?? 'id', message: 'must be a UUID' });
    }
  }
}
