import type { EntityManager } from 'typeorm';
import { Region } from './region.entity';

/** The whole reference table (≈3,300 rows). */
export function allRegions(em: EntityManager): Promise<Region[]> {
  return em.find(Region);
}
