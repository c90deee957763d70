import { CHINA_TIME_ZONE } from '../common/time/china-days';
import type { Template } from 'liquidjs';
import { Liquid } from 'liquidjs';
import type { MessageChannel } from './notifications.port';

/**
 * Message templates are Liquid (liquidjs): a template language with no code
 * execution — tags and filters only, no JavaScript, no access to anything
 * but the variables handed to it. Hardened further here:
 *
 * - strict variables and filters: a misspelt variable or filter fails the
 *   template (the editor sees it at once, as a 400), never renders as "";
 * - own properties only: no `{{ title.constructor }}` and the like;
 * - no file system: `include`, `render` and `layout` find nothing (an
 *   empty in-memory template map replaces the disk);
 * - limits on template size, render time and memory (a `for` over a
 *   billion items ends with an error, not a stuck worker);
 * - every value is escaped for where it lands: HTML for e-mail; for the
 *   robots' markdown, the characters that would make a value a link, a tag
 *   or a mention (`<@userid>`) become their full-width twins; SMS is plain
 *   text. What a template writer types is theirs; only values are escaped.
 */

/** How values are written into each channel's text. */
export type Flavour = 'html' | 'markdown' | 'plain';

export const CHANNEL_FLAVOUR: Record<MessageChannel, Flavour> = { email: 'html', wecom: 'markdown', dingtalk: 'markdown', sms: 'plain' };

const MARKDOWN_TWINS: Record<string, string> = { '<': '＜', '>': '＞', '[': '［', ']': '］' };

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** A value inside robot markdown: no tags, mentions or links, and no line breaks that would end a quote or list item. */
export const escapeMarkdownValue = (value: unknown) =>
  asText(value)
    .replace(/[<>[\]]/g, (c) => MARKDOWN_TWINS[c])
    .replace(/\s*[\r\n]+\s*/g, ' ');

const LIMITS = {
  // characters of template source per parse: templates are at most a few thousand
  parseLimit: 100_000,
  // milliseconds of rendering, and roughly the characters a render may build
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
};

function engine(flavour: Flavour): Liquid {
  return new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    templates: {},
    cache: false,
    timezoneOffset: CHINA_TIME_ZONE,
    outputEscape: flavour === 'html' ? 'escape' : flavour === 'markdown' ? escapeMarkdownValue : asText,
    ...LIMITS,
  });
}

/** Parsed once, rendered many times. */
export type CompiledTemplate = Template[];

export class TemplateEngine {
  private readonly engines: Record<Flavour, Liquid> = { html: engine('html'), markdown: engine('markdown'), plain: engine('plain') };

  /** Throws the engine's error (its message names the line and column) when `source` does not parse. */
  compile(flavour: Flavour, source: string): CompiledTemplate {
    return this.engines[flavour].parse(source);
  }

  /** Rejects with the engine's error on an unknown variable or filter, or a limit reached. */
  async render(flavour: Flavour, template: CompiledTemplate, variables: object): Promise<string> {
    return asText(await this.engines[flavour].render(template, variables));
  }
}

/** The plain text of rendered e-mail HTML: tags dropped, line breaks kept, entities decoded (the text alternative). */
export function htmlToText(html: string): string {
  return (
    html
      .replace(/<(br|\/p|\/div|\/tr|\/li|\/h[1-6])\b[^>]*>/gi, '\n')
      .replace(/<\/t[dh]>/gi, '\t')
      .replace(/<[^>]*>/g, '')
      // one pass, so "&amp;lt;" becomes "&lt;" and not "<"
      .replace(/&(lt|gt|quot|nbsp|amp|#[0-9]{1,6});/g, (_, e: string) =>
        e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : { lt: '<', gt: '>', quot: '"', nbsp: ' ', amp: '&' }[e]!,
      )
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
