// web_view bench: the page with 5,000 live vessels (each updated once a second by the publisher).
// Measures in the browser: time to apply one feed update (JSON parse + table update), time to
// draw one frame of the vessel canvas (at zoom 7 with every vessel in view, and at zoom 9 with
// trails), and the animation frame interval while the operator pans.  Prints the figures and
// their ratio to a 16.7 ms frame (60 frames/s): the budget the page must stay within.
'use strict';
const { launch } = require('./browser.cjs');

const [base] = process.argv.slice(2);
const want = Number(process.env.WEB_VIEW_BENCH_VESSELS || 5000);
const q = (a, p) => { if (!a.length) return NaN; const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const f = v => v.toFixed(2);

(async () => {
  const b = await launch(base);
  const { page } = b;
  const t0 = Date.now();
  await page.goto(base, { waitUntil: 'load' });
  await page.waitForFunction(n => window.centinela && window.centinela.vesselCount() >= n, want, { timeout: 90000, polling: 200 });
  console.log(`web_view bench: ${want} vessels on the page after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const phase = async (label, zoom, seconds) => {
    await page.evaluate(z => {
      window.centinela.map.setView([8.5, -80], z, { animate: false });
      const p = window.centinela.state.perf;
      p.updates.length = 0; p.frames.length = 0; p.bytes = 0; p.events = 0;
      window.__intervals = [];
      let last = performance.now();
      const loop = now => { window.__intervals.push(now - last); last = now; if (window.__run) requestAnimationFrame(loop); };
      window.__run = true;
      requestAnimationFrame(loop);
    }, zoom);
    // The operator pans about every 100 ms: a redraw per frame on top of the live updates.
    const end = Date.now() + seconds * 1000;
    let dir = 1;
    while (Date.now() < end) {
      await page.evaluate(d => window.centinela.map.panBy([40 * d, 20 * d], { animate: false }), dir);
      dir = -dir;
      await page.waitForTimeout(100);
    }
    const r = await page.evaluate(() => {
      window.__run = false;
      const p = window.centinela.state.perf;
      return { updates: p.updates, frames: p.frames, intervals: window.__intervals.slice(1), bytes: p.bytes, events: p.events,
        shown: window.centinela.vesselCount() };
    });
    console.log(`${label}: ${r.shown} vessels, ${r.events} feed updates (${(r.bytes / r.events / 1024).toFixed(0)} KiB each)`);
    console.log(`  update apply ms: median ${f(q(r.updates, 0.5))}  p95 ${f(q(r.updates, 0.95))}  max ${f(Math.max(...r.updates))}`);
    console.log(`  frame draw ms:   median ${f(q(r.frames, 0.5))}  p95 ${f(q(r.frames, 0.95))}  max ${f(Math.max(...r.frames))}  (${r.frames.length} frames)`);
    console.log(`  frame interval ms: median ${f(q(r.intervals, 0.5))}  p95 ${f(q(r.intervals, 0.95))}  -> ${(1000 / q(r.intervals, 0.5)).toFixed(0)} frames/s`);
    console.log(`  ratio to a 16.7 ms frame: draw p95 ${f(q(r.frames, 0.95) / 16.7)}, update p95 ${f(q(r.updates, 0.95) / 16.7)}`);
  };
  await phase('zoom 7, all vessels in view', 7, 10);
  await phase('zoom 9, trails drawn', 9, 10);
  if (b.errors.length) console.log('page errors:', b.errors.slice(0, 3).join(' | '));
  await b.close();
  process.exit(0);
})().catch(e => { console.error('bench failed:', e.message); process.exit(1); });
