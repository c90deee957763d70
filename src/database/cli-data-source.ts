import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';

// Loaded by the TypeORM CLI (`npm run migration:run`, `migration:revert`).
export default new DataSource(dataSourceOptions(AppConfig.load()));
