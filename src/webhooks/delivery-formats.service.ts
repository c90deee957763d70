import { Injectable } from '@nestjs/common';
import type { DeliveryFormat } from './delivery-formats.port';

/** The registered delivery formats (delivery-formats.port.ts); a process-wide registry, global through WebhookTargetsModule. */
@Injectable()
export class DeliveryFormats {
  private readonly formats = new Map<string, DeliveryFormat>();

  /**
   * Registers a format; call it from a provider's constructor (every
   * constructor runs before a worker relays anything). A second format of
   * the same name is a programming error.
   */
  add(format: DeliveryFormat): void {
    if (this.formats.has(format.name)) throw new Error(`delivery format ${format.name} is registered twice`);
    this.formats.set(format.name, format);
  }

  get(name: string): DeliveryFormat | undefined {
    return this.formats.get(name);
  }

  all(): DeliveryFormat[] {
    return [...this.formats.values()];
  }
}
