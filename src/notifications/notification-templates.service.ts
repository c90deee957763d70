import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, changedFields } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { invalidFields } from '../common/errors/common-errors';
import { guardedUpdate } from '../common/guarded-update';
import { AppConfig } from '../config/app-config';
import { RegionsService } from '../regions/regions.service';
import type { NotificationTemplateDto, UpdateNotificationTemplateDto } from './dto/notification-template.dto';
import type { VariableSources } from './message-context';
import { SAMPLE_CASE, SAMPLE_CASE_SPARSE, SAMPLE_DIGEST, caseVariables, digestVariables } from './message-context';
import { NotificationTemplate } from './notification-template.entity';
import { allTemplates, lockTemplate } from './notification-templates.repository';
import type {
  CaseMessageFacts,
  DigestMessageFacts,
  MessageChannel,
  NotificationEventType,
  RenderedMessage,
  TemplateEventType,
} from './notifications.port';
import { MESSAGE_CHANNELS, TEMPLATE_EVENT_TYPES } from './notifications.port';
import { templateInvalid, templateNotFound } from './notifications.errors';
import type { CompiledTemplate } from './template-engine';
import { CHANNEL_FLAVOUR, TemplateEngine, htmlToText } from './template-engine';

/** Templates edited in another process reach this one within this long. */
const CACHE_MS = 5_000;

/** The channels whose messages have a subject (the e-mail's, the DingTalk title). */
const WITH_SUBJECT: ReadonlySet<MessageChannel> = new Set(['email', 'dingtalk']);

interface Compiled {
  version: number;
  body: CompiledTemplate;
  subject: CompiledTemplate | null;
}

const keyOf = (eventType: string, channel: string) => `${eventType}/${channel}`;

/**
 * The message templates: one per event type and channel, Liquid, in Chinese
 * (seeded by migration 1795870000000), edited by admins. `render` is what the
 * delivery pipeline calls. Compiled templates are kept in memory and reloaded
 * every few seconds, so an edit reaches every process without a restart.
 */
@Injectable()
export class NotificationTemplatesService {
  private readonly engine = new TemplateEngine();
  private cache?: { loadedAt: number; templates: Map<string, Compiled> };
  private loading?: Promise<Map<string, Compiled>>;
  /** Bumped by every edit here: a load that started before it does not become the cache. */
  private generation = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly regions: RegionsService,
  ) {}

  /** Every template, by event type then channel. */
  async list(): Promise<NotificationTemplateDto[]> {
    const order = (t: NotificationTemplate) => TEMPLATE_EVENT_TYPES.indexOf(t.eventType) * 10 + MESSAGE_CHANNELS.indexOf(t.channel);
    return (await allTemplates(this.dataSource.manager)).sort((a, b) => order(a) - order(b));
  }

  /**
   * Replaces a template's body (and subject). Refused with 400 when it does
   * not compile or does not render against the sample messages (every
   * variable set, and every nullable one null), with the engine's message.
   */
  async update(
    auth: AuthContext,
    rawEventType: string,
    rawChannel: string,
    dto: UpdateNotificationTemplateDto,
  ): Promise<NotificationTemplateDto> {
    const key = templateKey(rawEventType, rawChannel);
    if (!key) throw templateNotFound(rawEventType, rawChannel);
    const { eventType, channel } = key;
    if (WITH_SUBJECT.has(channel) && dto.subject === undefined) {
      throw invalidFields({
        field: 'subject',
        message: `is required on ${channel} (the ${channel === 'email' ? 'e-mail subject' : 'message title'})`,
      });
    }
    if (!WITH_SUBJECT.has(channel) && dto.subject !== undefined)
      throw invalidFields({ field: 'subject', message: `${channel} messages have no subject` });
    await this.check(eventType, channel, dto.body, dto.subject ?? null);
    const updated = await this.dataSource.transaction(async (em) => {
      const before = await lockTemplate(em, eventType, channel);
      if (!before) throw templateNotFound(eventType, channel);
      const after = await guardedUpdate(
        em,
        NotificationTemplate,
        { eventType, channel },
        dto.expectedVersion,
        { body: dto.body, subject: dto.subject ?? null, updatedBy: auth.staffId, updatedAt: new Date() },
        'notification template',
      );
      await this.audit.record(em, auth, {
        action: 'notification_template.updated',
        entity: 'notification_template',
        entityId: keyOf(eventType, channel),
        changes: changedFields(before, { body: after.body, subject: after.subject }),
        regions: [],
      });
      return after;
    });
    this.generation++;
    this.cache = undefined;
    return updated;
  }

  /** The message for a digest: many alerts for one recipient on one channel. */
  render(eventType: 'digest', channel: MessageChannel, context: DigestMessageFacts): Promise<RenderedMessage>;
  /** The message about one case. */
  render(eventType: NotificationEventType, channel: MessageChannel, context: CaseMessageFacts): Promise<RenderedMessage>;
  async render(
    eventType: TemplateEventType,
    channel: MessageChannel,
    context: CaseMessageFacts | DigestMessageFacts,
  ): Promise<RenderedMessage> {
    const compiled = (await this.templates()).get(keyOf(eventType, channel));
    if (!compiled) throw templateNotFound(eventType, channel);
    return this.renderCompiled(channel, compiled, this.variables(eventType, context));
  }

  private variables(eventType: TemplateEventType, context: CaseMessageFacts | DigestMessageFacts): object {
    const sources: VariableSources = {
      regionName: (code) => this.regions.find(code)?.fullName,
      publicBaseUrl: this.config.http.publicBaseUrl,
    };
    return eventType === 'digest'
      ? digestVariables(context as DigestMessageFacts, sources)
      : caseVariables(context as CaseMessageFacts, sources);
  }

  private async renderCompiled(channel: MessageChannel, compiled: Compiled, variables: object): Promise<RenderedMessage> {
    const flavour = CHANNEL_FLAVOUR[channel];
    const body = await this.engine.render(flavour, compiled.body, variables);
    // A subject is a header or a title: plain text, whatever the body's flavour.
    const subject = compiled.subject
      ? (await this.engine.render('plain', compiled.subject, variables)).replace(/\s+/g, ' ').trim()
      : undefined;
    if (flavour === 'html') return { subject, text: htmlToText(body), html: body };
    return { ...(subject !== undefined ? { subject } : {}), text: body.trim() };
  }

  /** Compiles and renders the sources against the samples; throws 400 with the engine's message. */
  private async check(eventType: TemplateEventType, channel: MessageChannel, body: string, subject: string | null): Promise<void> {
    const compiled: Compiled = { version: 0, body: this.compileField('body', channel, body), subject: null };
    if (subject !== null) compiled.subject = this.compileField('subject', channel, subject, 'plain');
    const samples = eventType === 'digest' ? [SAMPLE_DIGEST, { items: [] }] : [SAMPLE_CASE, SAMPLE_CASE_SPARSE];
    for (const sample of samples) {
      const variables = this.variables(eventType, sample);
      try {
        await this.engine.render(CHANNEL_FLAVOUR[channel], compiled.body, variables);
      } catch (err) {
        throw templateInvalid('body', (err as Error).message);
      }
      if (compiled.subject) {
        try {
          await this.engine.render('plain', compiled.subject, variables);
        } catch (err) {
          throw templateInvalid('subject', (err as Error).message);
        }
      }
    }
  }

  private compileField(
    field: 'body' | 'subject',
    channel: MessageChannel,
    source: string,
    flavour = CHANNEL_FLAVOUR[channel],
  ): CompiledTemplate {
    try {
      return this.engine.compile(flavour, source);
    } catch (err) {
      throw templateInvalid(field, (err as Error).message);
    }
  }

  /** Every template compiled; reloaded when older than CACHE_MS (one load at a time). */
  private async templates(): Promise<Map<string, Compiled>> {
    if (this.cache && Date.now() - this.cache.loadedAt < CACHE_MS) return this.cache.templates;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<Map<string, Compiled>> {
    const loadedAt = Date.now();
    const generation = this.generation;
    const previous = this.cache?.templates;
    const templates = new Map<string, Compiled>();
    for (const t of await allTemplates(this.dataSource.manager)) {
      const key = keyOf(t.eventType, t.channel);
      const known = previous?.get(key);
      templates.set(
        key,
        known?.version === t.version
          ? known
          : {
              version: t.version,
              body: this.engine.compile(CHANNEL_FLAVOUR[t.channel], t.body),
              subject: t.subject ? this.engine.compile('plain', t.subject) : null,
            },
      );
    }
    if (generation === this.generation) this.cache = { loadedAt, templates };
    return templates;
  }
}

/** The path's event type and channel, when both name a template. */
function templateKey(eventType: string, channel: string): { eventType: TemplateEventType; channel: MessageChannel } | undefined {
  const e = TEMPLATE_EVENT_TYPES.find((t) => t === eventType);
  const c = MESSAGE_CHANNELS.find((t) => t === channel);
  return e && c ? { eventType: e, channel: c } : undefined;
}
