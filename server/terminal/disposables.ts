// One store per socket attachment: every listener and timer registered for it is undone in one call,
// so reconnects never pile up handlers on a long-lived object.

export type Disposer = () => void;

export class DisposableStore {
  private disposers: Disposer[] = [];
  private disposed = false;

  add(disposer: Disposer): void {
    if (this.disposed) disposer();
    else this.disposers.push(disposer);
  }

  timeout(ms: number, callback: () => void): void {
    const timer = setTimeout(callback, ms);
    this.add(() => clearTimeout(timer));
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const disposers = this.disposers.reverse();
    this.disposers = [];
    for (const dispose of disposers) dispose();
  }
}
