// Figures the browser tests read: how fast the page keeps up, and the longest main-thread stall.
export const stats = {
  framesApplied: 0,
  lastSeq: 0,
  renders: 0,
  lastRenderMs: 0,
  maxRenderMs: 0,
  longestTaskMs: 0,
  /** The five longest tasks: {atMs (since the page's start), ms}, to see what they were near. */
  longTasks: [],
  maxFrameGapMs: 0,
  lastRenderAt: 0,
  counts: {},
  listedAt: 0,
  listMs: 0,
  /** Milliseconds since the page's start (performance.now()) of its steps. */
  marks: {},
  /** When (performance.now()) each watch socket was opened: tests hold reconnects to the backoff. */
  socketsOpenedAt: [],
};
window.runeConsoleStats = stats;

export function mark(name) {
  stats.marks[name] = Math.round(performance.now());
}

export function recordRender(startedAt) {
  const took = performance.now() - startedAt;
  stats.renders++;
  stats.lastRenderMs = took;
  stats.maxRenderMs = Math.max(stats.maxRenderMs, took);
  stats.lastRenderAt = Date.now();
}

/** Long tasks as Chromium reports them, and gaps between animation frames as a fallback measure. */
export function watchMainThread() {
  if (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes
      && PerformanceObserver.supportedEntryTypes.includes('longtask')) {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        stats.longestTaskMs = Math.max(stats.longestTaskMs, entry.duration);
        stats.longTasks.push({ atMs: Math.round(entry.startTime), ms: Math.round(entry.duration) });
        stats.longTasks.sort((a, b) => b.ms - a.ms).splice(5);
      }
    }).observe({ type: 'longtask', buffered: true });
  }
  let previous = performance.now();
  const tick = (now) => {
    // A hidden page gets no frames: its pauses are not the page's stalls.
    if (!document.hidden) stats.maxFrameGapMs = Math.max(stats.maxFrameGapMs, now - previous);
    previous = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
