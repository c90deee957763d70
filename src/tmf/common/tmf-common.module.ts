import { Module } from '@nestjs/common';
import { addProblemFormat } from '../../common/errors/problem-formats';
import { addSeparateDocument } from '../../common/http/openapi/separate-documents';
import { TMF_ERROR_FORMAT } from './tmf-error';
import { TMF_DOCUMENT } from './tmf-openapi';
import { TmfResponseInterceptor } from './tmf-http';

/**
 * The TMF630 conventions every facade shares (docs/ARCHITECTURE.md, "TM
 * Forum facades"): registers, before the first request, the TMF `Error`
 * format for every error under /tmf-api and the separate OpenAPI document.
 */
@Module({ providers: [TmfResponseInterceptor], exports: [TmfResponseInterceptor] })
export class TmfCommonModule {
  constructor() {
    addProblemFormat(TMF_ERROR_FORMAT);
    addSeparateDocument(TMF_DOCUMENT);
  }
}
