// web_view end to end: the scenario publisher's picture as the operator sees it.
// Expected (scenario_pub.c): 13 vessels, 1 dark target, alerts dark_target 82 > fast_near_coast 61,
// and MMSI 224123450 with two alerts that close (ais_gap, loitering).
//
//   node e2e.cjs BASE_URL ARTEFACT_DIR [AUTOPLAY_URL]
//
// AUTOPLAY_URL: a web_view with no live input and autoplay over an archive directory; its page
// must open in Playback and play without a click.
'use strict';
const path = require('path');
const { launch } = require('./browser.cjs');

const [base, out, autoBase] = process.argv.slice(2);
let failures = 0;
function check(cond, what) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures++;
}

// How the view frames the vessels: whether it contains all of them, and the larger of the two
// fractions (longitude, latitude) of the view their bounding box spans.  Computed here from the
// vessel positions and Leaflet's view, not by the page's own fitting code.
function viewFit(page) {
  return page.evaluate(() => {
    const { map, state } = window.centinela;
    const v = map.getBounds();
    let s = 90, n = -90, w = 180, e = -180, count = 0;
    for (const x of state.vessels.values()) {
      if (x.lat == null) continue;
      s = Math.min(s, x.lat); n = Math.max(n, x.lat); w = Math.min(w, x.lon); e = Math.max(e, x.lon); count++;
    }
    const contains = count > 0 && v.getSouth() <= s && v.getNorth() >= n && v.getWest() <= w && v.getEast() >= e;
    const frac = Math.max((e - w) / (v.getEast() - v.getWest()), (n - s) / (v.getNorth() - v.getSouth()));
    return { count, contains, frac, view: v.toBBoxString(), vessels: [w, s, e, n].join(',') };
  });
}
const FIT_MIN_FRACTION = 0.5; // the opening view of the old page framed this scenario at ~0.27

async function checkFit(page, what) {
  await page.waitForFunction(min => {
    const { map, state } = window.centinela;
    if (!state.vessels.size) return false;
    const v = map.getBounds();
    let s = 90, n = -90, w = 180, e = -180;
    for (const x of state.vessels.values()) {
      if (x.lat == null) continue;
      s = Math.min(s, x.lat); n = Math.max(n, x.lat); w = Math.min(w, x.lon); e = Math.max(e, x.lon);
    }
    return v.contains([[s, w], [n, e]]) &&
      Math.max((e - w) / (v.getEast() - v.getWest()), (n - s) / (v.getNorth() - v.getSouth())) >= min;
  }, FIT_MIN_FRACTION, { timeout: 5000 }).catch(() => {});
  const f = await viewFit(page);
  check(f.contains && f.frac >= FIT_MIN_FRACTION,
    `${what}: view ${f.view} contains the ${f.count} vessels (${f.vessels}), spanning ${(100 * f.frac).toFixed(0)}% of it`);
}

// The page of a node started over an archive for playback: Playback by itself, playing, fitted.
async function autoplayChecks(url) {
  const b = await launch(url);
  const { page } = b;
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.centinela && window.centinela.state.mode === 'playback' &&
      document.querySelector('input[name=mode][value=playback]').checked, null, { timeout: 10000 });
    check(true, 'autoplay: page opens in Playback');
    await page.waitForFunction(() => /playing main_job\.h5/.test(document.querySelector('#pb-status').textContent), null, { timeout: 10000 });
    check(true, 'autoplay: newest archive playing without a click');
    await page.waitForFunction(() => window.centinela.vesselCount() === 13, null, { timeout: 20000 });
    const t1 = await page.evaluate(() => window.centinela.state.timeNs);
    await page.waitForFunction(t => window.centinela.state.timeNs > t, t1, { timeout: 10000 });
    const t2 = await page.evaluate(() => window.centinela.state.timeNs);
    check(t1 > 0 && t2 > t1, `autoplay: event time advances by itself (${t1} -> ${t2})`);
    await checkFit(page, 'autoplay: view fitted to the vessels');
    await page.screenshot({ path: path.join(out, 'web_view_autoplay.png') });
    await page.click('#pb-pause');
    await page.waitForFunction(() => /paused/.test(document.querySelector('#pb-status').textContent), null, { timeout: 8000 });
    check(true, 'autoplay: the operator can pause');
    await page.click('#pb-pause');
    await page.waitForFunction(() => /playing/.test(document.querySelector('#pb-status').textContent), null, { timeout: 8000 });
    check(true, 'autoplay: and resume');
    check(b.foreign.length === 0, `autoplay: no request outside the node (${b.foreign.slice(0, 3).join(' ')})`);
    check(b.errors.length === 0, `autoplay: no page errors (${b.errors.slice(0, 3).join(' | ')})`);
  } catch (e) {
    failures++;
    console.log('FAIL autoplay:', e.message);
    await page.screenshot({ path: path.join(out, 'web_view_autoplay_failure.png') }).catch(() => {});
  }
  await b.close();
}

(async () => {
  const b = await launch(base);
  const { page } = b;
  try {
    await page.goto(base, { waitUntil: 'load' });
    await page.waitForFunction(() => window.centinela && window.centinela.vesselCount() === 13, null, { timeout: 30000 });
    check(true, 'page shows 13 vessels');
    await page.waitForFunction(() => document.querySelector('#vessel-count').textContent === '13', null, { timeout: 5000 });
    await checkFit(page, 'view fitted to the vessels on first data');
    check(await page.evaluate(() => window.centinela.darkCount()) === 1, 'one dark target');
    check(await page.textContent('#dark-count') === '1', 'dark count shown in the top bar');
    await page.waitForSelector('#alert-list li', { timeout: 10000 });
    const scores = await page.$$eval('#alert-list li .score', els => els.map(e => Number(e.textContent)));
    check(scores.length >= 1, `alert list has ${scores.length} alert(s)`);
    check(scores.every((s, i) => i === 0 || scores[i - 1] >= s), `alerts sorted by score (${scores.join(', ')})`);
    check(scores[0] === 82, 'highest alert is the dark target (82)');

    // Zones and coastline come from the node's zone directory.
    // Each zone file loads on its own: wait for the coastline and the EEZ, not just any four.
    await page.waitForFunction(() => {
      const k = new Set();
      window.centinela.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.kind) k.add(l.feature.properties.kind); });
      return k.has('land') && k.has('eez');
    }, null, { timeout: 30000 }).catch(() => {});
    const kinds = await page.evaluate(() => {
      const k = new Set();
      window.centinela.map.eachLayer(l => { if (l.feature && l.feature.properties) k.add(l.feature.properties.kind); });
      return [...k].sort();
    });
    check(kinds.includes('land') && kinds.includes('eez'), `zones drawn: ${kinds.join(', ')}`);

    // Clicking a vessel opens its card.
    await page.evaluate(() => window.centinela.map.setView([8.85, -79.52], 10, { animate: false }));
    await page.waitForTimeout(300);
    const pt = await page.evaluate(() => window.centinela.screenPoint('77.1'));
    await page.mouse.click(pt.x, pt.y);
    await page.waitForSelector('#card:not([hidden])', { timeout: 5000 });
    check(await page.textContent('#card-mmsi') === '351234000', 'card opens on click with MMSI 351234000');
    const card = await page.textContent('#card');
    check(/Panama/.test(card) && /MID 351/.test(card), 'card shows flag from MID (Panama)');
    // The flag is text, not a regional-indicator emoji (empty boxes without an emoji font).
    const flag = await page.$eval('#card .flag', el => ({ text: el.textContent, width: el.getBoundingClientRect().width }));
    const emoji = [...flag.text].some(c => c.codePointAt(0) >= 0x1F1E6 && c.codePointAt(0) <= 0x1F1FF);
    check(flag.text === 'PA' && !emoji && flag.width > 0, `flag is the text badge "${flag.text}", not an emoji`);
    check(/PANAMAX TRADER/.test(card) && /3FAB1/.test(card) && /BALBOA/.test(card), 'card shows static data');
    check(/canal_approach/.test(card), 'card shows zones');
    check(/ago/.test(card) && /ais/.test(card), 'card shows report age and sensors');
    await page.screenshot({ path: path.join(out, 'web_view.png') });
    console.log(`screenshot: ${path.join(out, 'web_view.png')}`);

    // The dark target's card.
    await page.evaluate(() => window.centinela.map.setView([8.06, -78.11], 10, { animate: false }));
    await page.waitForTimeout(300);
    const dp = await page.evaluate(() => window.centinela.screenPoint('77.500'));
    await page.mouse.click(dp.x, dp.y);
    await page.waitForFunction(() => /DARK TARGET/.test(document.querySelector('#card').textContent), null, { timeout: 5000 });
    check(true, 'dark target card');
    await page.screenshot({ path: path.join(out, 'web_view_dark.png') });

    // A vessel whose alerts are all closed lists them (rule, closed, start–end), not "none".
    await page.evaluate(() => window.centinela.openCard('77.5'));
    await page.waitForFunction(() => {
      const li = [...document.querySelectorAll('#card #card-alerts li')];
      return li.length === 2 && li.every(e => /closed/.test(e.textContent));
    }, null, { timeout: 10000 }).catch(() => {});
    const closed = await page.$$eval('#card #card-alerts li', els => els.map(e => e.textContent.replace(/\s+/g, ' ').trim()));
    check(/PESQUERO UNO/.test(await page.textContent('#card')), 'card of PESQUERO UNO (224123450)');
    check(closed.length === 2 && closed.some(t => /ais_gap closed/.test(t) && /12:00:00Z – 12:00:05Z/.test(t)) &&
      closed.some(t => /loitering closed/.test(t) && /12:00:00Z – 12:00:02Z/.test(t)),
    `card lists the closed alerts: ${closed.join(' | ')}`);
    await page.screenshot({ path: path.join(out, 'web_view_closed_alerts.png') });
    await page.evaluate(() => document.querySelector('#card .close').click());

    // Acknowledge the top alert; filter by rule.
    await page.click('#alert-list li:first-child button.ack');
    await page.waitForSelector('#alert-list li.acked', { timeout: 5000 });
    check(true, 'alert acknowledged (server round trip)');
    await page.selectOption('#rule-filter', 'fast_near_coast');
    await page.waitForFunction(() => document.querySelectorAll('#alert-list li').length === 1, null, { timeout: 3000 });
    check(true, 'filter by rule');
    await page.selectOption('#rule-filter', '');

    // Station statistics.
    await page.click('.tabs button[data-tab=stations]');
    await page.waitForFunction(() => document.querySelectorAll('#station-table tbody tr').length === 2 &&
      document.querySelectorAll('#node-table tbody tr td').length > 1, null, { timeout: 5000 });
    check(true, 'per-station statistics (2 stations) and node heartbeats');
    await page.screenshot({ path: path.join(out, 'web_view_stations.png') });

    // Playback: the page starts a (stand-in) replay child through the server and shows its picture.
    await page.check('input[name=mode][value=playback]');
    await page.waitForFunction(() => document.querySelectorAll('#pb-archive option').length === 1, null, { timeout: 8000 });
    await page.click('#pb-play');
    await page.waitForFunction(() => window.centinela.state.mode === 'playback' && window.centinela.vesselCount() === 13, null, { timeout: 20000 });
    await page.waitForFunction(() => /playing/.test(document.querySelector('#pb-status').textContent), null, { timeout: 8000 });
    check(true, 'playback: replay child started, playback picture shown');
    await page.click('#pb-pause');
    await page.waitForFunction(() => /paused/.test(document.querySelector('#pb-status').textContent), null, { timeout: 8000 });
    check(true, 'playback paused');
    await page.click('#pb-stop');
    await page.waitForFunction(() => /stopped/.test(document.querySelector('#pb-status').textContent), null, { timeout: 10000 });
    check(true, 'playback stopped');

    check(b.foreign.length === 0, `no request outside the node (${b.foreign.slice(0, 3).join(' ')})`);
    check(b.errors.length === 0, `no page errors (${b.errors.slice(0, 3).join(' | ')})`);
  } catch (e) {
    failures++;
    console.log('FAIL', e.message);
    await page.screenshot({ path: path.join(out, 'web_view_failure.png') }).catch(() => {});
  }
  await b.close();
  if (autoBase) await autoplayChecks(autoBase);
  else check(false, 'autoplay: no autoplay web_view given');
  console.log(failures ? `${failures} check(s) failed` : 'web_view browser test: all checks passed');
  process.exit(failures ? 1 : 0);
})();
