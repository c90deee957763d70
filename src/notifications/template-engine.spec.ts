import { TemplateEngine, escapeMarkdownValue, htmlToText } from './template-engine';

describe('TemplateEngine', () => {
  const engine = new TemplateEngine();
  const render = (flavour: 'html' | 'markdown' | 'plain', source: string, vars: object) =>
    engine.render(flavour, engine.compile(flavour, source), vars);

  it('escapes values for HTML, leaving the template’s own markup alone', async () => {
    expect(await render('html', '<b>{{ title }}</b>', { title: '<script>alert("x")</script> & 中断' })).toBe(
      '<b>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 中断</b>',
    );
  });

  it('keeps values from making links, tags or mentions in robot markdown', async () => {
    expect(
      await render('markdown', '**{{ title }}** [查看]({{ link }})', { title: '[点我](http://evil) <@all>\n# x', link: 'https://d/x' }),
    ).toBe('**［点我］(http://evil) ＜@all＞ # x** [查看](https://d/x)');
    expect(escapeMarkdownValue(null)).toBe('');
  });

  it('refuses an unknown variable or filter, and a syntax error, with the engine’s message', async () => {
    await expect(render('plain', '{{ titel }}', { title: 'x' })).rejects.toThrow(/titel/);
    expect(() => engine.compile('plain', '{{ title | shout }}')).toThrow(/undefined filter: shout/);
    expect(() => engine.compile('plain', '{% if title %}unclosed')).toThrow(/if/);
  });

  it('renders null variables as empty and lets default fill them', async () => {
    expect(await render('plain', '[{{ a }}|{{ a | default: "未指派" }}]', { a: null })).toBe('[|未指派]');
  });

  it('reads no files and reaches nothing beyond the variables', async () => {
    await expect(render('plain', "{% include '/etc/passwd' %}", {})).rejects.toThrow();
    await expect(render('plain', "{% render 'package.json' %}", {})).rejects.toThrow();
    await expect(render('plain', '{{ title.constructor }}', { title: 'x' })).rejects.toThrow();
  });

  it('stops a runaway loop at the render limit', async () => {
    await expect(render('plain', '{% for i in (1..100000000) %}{{ i }}{% endfor %}', {})).rejects.toThrow(/limit/i);
  });
});

describe('htmlToText', () => {
  it('keeps lines and decodes entities once', () => {
    expect(
      htmlToText('<p>工单 <b>FLT-1</b> 已超时。</p>\n<table><tr><td>客户</td><td>A&amp;B &lt;x&gt;</td></tr></table><p>&amp;lt;</p>'),
    ).toBe('工单 FLT-1 已超时。\n\n客户\tA&B <x>\n&lt;');
  });
});
