// The dashboard's chart look and behaviour in one place: every lightweight-charts chart (the
// candles, the lower pane, the backtest's and the portfolio's curves) is made by chartOn with
// the same dark theme, and charts that show one period side by side share a time axis.
import { createChart } from 'lightweight-charts';

// A chart in `box` with the dashboard's theme; `extra` is merged over it (one level deep). The
// library's logo is off: its <style> element would break the daemon's CSP (style-src 'self');
// the attribution its licence asks for is the page footer's link.
export function chartOn(box, extra = {}) {
  const base = {
    autoSize: true,
    layout: { background: { color: 'transparent' }, textColor: '#9aa4b2', fontSize: 11, attributionLogo: false },
    grid: { vertLines: { color: 'rgba(255,255,255,0.04)' }, horzLines: { color: 'rgba(255,255,255,0.04)' } },
    rightPriceScale: { borderColor: '#2a3140' },
    timeScale: { borderColor: '#2a3140', timeVisible: true, secondsVisible: false },
  };
  for (const [key, value] of Object.entries(extra)) {
    base[key] = value && typeof value === 'object' && !Array.isArray(value) ? { ...base[key], ...value } : value;
  }
  return createChart(box, base);
}

// Keeps the charts' visible ranges together: scrolling or zooming one moves the others.
export function linkTimeScales(...charts) {
  let syncing = false;
  for (const from of charts) {
    from.timeScale().subscribeVisibleLogicalRangeChange((range) => {
      if (syncing || !range) return;
      syncing = true;
      for (const to of charts) if (to !== from) to.timeScale().setVisibleLogicalRange(range);
      syncing = false;
    });
  }
}
