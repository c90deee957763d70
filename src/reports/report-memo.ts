/**
 * Report views already computed, kept in this process while the rollups they
 * were read from stay the same: each entry carries the signature of those
 * rollups (when the period's days were last built, how many), and a request
 * whose signature differs computes the view again. A rebuild, today's build
 * or a late day therefore shows at once, in every process, since each reads
 * the signature from PostgreSQL. Concurrent requests for one view share one
 * computation. The oldest entries go first beyond `capacity`.
 * (docs/REPORTS.md, "Reading"; docs/PERFORMANCE.md, "Reports")
 */
export class ReportMemo<T extends object> {
  private readonly entries = new Map<string, { signature: string; value: Promise<T> }>();

  constructor(private readonly capacity: number) {}

  get(key: string, signature: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.signature === signature) {
      // most recently used last: Map keeps insertion order
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = compute();
    this.entries.delete(key);
    this.entries.set(key, { signature, value });
    // a failure is not kept: the next request tries again
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}

/** What each view was rendered to (XLSX, HTML), kept as long as the view itself is. */
export class RenderMemo<V extends object> {
  private readonly rendered = new WeakMap<V, Map<string, Promise<Buffer | string>>>();

  get(view: V, format: string, render: () => Promise<Buffer | string>): Promise<Buffer | string> {
    let forView = this.rendered.get(view);
    if (!forView) this.rendered.set(view, (forView = new Map<string, Promise<Buffer | string>>()));
    let out = forView.get(format);
    if (!out) {
      out = render();
      forView.set(format, out);
      const mine = forView;
      out.catch(() => mine.delete(format));
    }
    return out;
  }
}
