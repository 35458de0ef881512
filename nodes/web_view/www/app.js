// Centinela operator picture: live map of tracks, dark targets and alerts, and archive playback.
//
// Everything comes from the web_view node: the feed (/api/feed, Server-Sent Events carrying
// "delta" events: tracks changed since the previous event, removed track ids, alerts), the zone
// files (/api/zones.json) and the statistics (/api/stats.json).  No tile server and no other
// network access: the coastline is the project's own land GeoJSON.
//
// Vessels are drawn by one canvas over the map, not as one Leaflet marker each, so 5,000 live
// vessels cost one redraw per animation frame at most; clicks are hit-tested against it.
'use strict';

(function () {
  const SHIP_COLORS = [ // [test(type), colour, legend]
    [t => t >= 70 && t <= 79, '#2a9d44', 'cargo'],
    [t => t >= 80 && t <= 89, '#d62828', 'tanker'],
    [t => t >= 60 && t <= 69, '#1d4ed8', 'passenger'],
    [t => t === 30, '#f77f00', 'fishing'],
    [t => t >= 40 && t <= 49, '#e9c46a', 'high-speed craft'],
    [t => t === 36 || t === 37, '#b5179e', 'sailing / pleasure'],
    [t => t === 31 || t === 32 || t === 52 || t === 53 || t === 50 || t === 54, '#00a6a6', 'tug, pilot, port tender'],
    [t => t === 51 || t === 55 || t === 58, '#7b2cbf', 'SAR, law enforcement, medical'],
    [t => true, '#8d99ae', 'other / unknown'],
  ];
  const ZONE_STYLE = {
    land: { color: '#8c7b5a', weight: 0.6, fillColor: '#efe6cf', fillOpacity: 1 },
    eez: { color: '#1d3557', weight: 1.5, dashArray: '6 4', fill: false },
    territorial_sea: { color: '#457b9d', weight: 1.2, fill: false },
    contiguous_zone: { color: '#457b9d', weight: 1, dashArray: '2 4', fill: false },
    canal_approach: { color: '#f77f00', weight: 1.5, fillOpacity: 0.12 },
    anchorage: { color: '#7b2cbf', weight: 1, fillOpacity: 0.15 },
    tss_lane: { color: '#d63384', weight: 1, fillOpacity: 0.12 },
    tss_separation: { color: '#d63384', weight: 1, dashArray: '3 3', fillOpacity: 0.25 },
    port: { color: '#264653', weight: 1, fillOpacity: 0.2 },
  };
  const NAV_STATUS = ['under way using engine', 'at anchor', 'not under command', 'restricted manoeuvrability',
    'constrained by draught', 'moored', 'aground', 'engaged in fishing', 'under way sailing', 'reserved (HSC)',
    'reserved (WIG)', 'power-driven towing astern', 'power-driven pushing ahead', 'reserved', 'AIS-SART / MOB / EPIRB', 'not defined'];
  const TRAIL_ALL_ZOOM = 9;
  const TRAIL_STEP_MS = 10000;
  const TRAIL_MAX = 120;

  const state = {
    mode: 'live',
    vessels: new Map(), // id -> ship object (+ trail: [[lon, lat, t_ms], ...])
    alerts: new Map(),  // id -> alert
    timeNs: 0,
    selected: null,
    feed: null,
    dirty: true,
    listsDirty: true,
    perf: { updates: [], frames: [], bytes: 0, events: 0 },
  };
  const regionNames = (typeof Intl !== 'undefined' && Intl.DisplayNames) ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;
  const $ = sel => document.querySelector(sel);
  const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  // ---- map -------------------------------------------------------------------------------
  const map = L.map('map', { preferCanvas: true, zoomSnap: 0.5, worldCopyJump: false, attributionControl: true })
    .setView([8.6, -79.3], 7);
  map.attributionControl.setPrefix('');
  const zoneRenderer = L.canvas({ padding: 0.3 });
  const overlays = {};
  const layerControl = L.control.layers(null, overlays, { collapsed: true }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  // The view follows the vessels until the operator takes the map: the first data (and every
  // vessel that appears while the operator has not moved the map) fits the view to the bounds of
  // the known vessels, so an archive of a few dozen ships fills the screen instead of sitting in
  // a corner of the fixed opening view.  Any move or zoom the page did not make itself (drag,
  // wheel, an alert clicked, a script) stops it; the Fit button fits once more and re-arms it.
  const FIT_PADDING_PX = 40;
  const FIT_MAX_ZOOM = 12; // one vessel alone: a harbour-sized view, not the closest zoom
  const fit = { armed: true, fitting: false, count: 0 };
  function vesselBounds() {
    let b = null;
    for (const v of state.vessels.values()) {
      if (v.lat == null || v.lon == null) continue;
      if (b) b.extend([v.lat, v.lon]); else b = L.latLngBounds([v.lat, v.lon], [v.lat, v.lon]);
    }
    return b;
  }
  function fitVessels() {
    const b = vesselBounds();
    if (!b) return false;
    fit.fitting = true;
    try {
      map.fitBounds(b, { padding: [FIT_PADDING_PX, FIT_PADDING_PX], maxZoom: FIT_MAX_ZOOM, animate: false });
    } finally { fit.fitting = false; }
    fit.count = state.vessels.size;
    return true;
  }
  // Called with the lists (4 times a second at most): refit while armed and the vessels changed
  // in number or left the view.
  function followVessels() {
    if (!fit.armed || !state.vessels.size) return;
    const b = vesselBounds();
    if (b && (state.vessels.size !== fit.count || !map.getBounds().contains(b))) fitVessels();
  }
  map.on('movestart zoomstart', () => { if (!fit.fitting) fit.armed = false; });
  const FitControl = L.Control.extend({
    options: { position: 'topleft' },
    onAdd() {
      const box = L.DomUtil.create('div', 'leaflet-bar');
      const a = L.DomUtil.create('a', 'fit-button', box);
      a.href = '#'; a.id = 'fit'; a.title = 'fit the view to the vessels'; a.textContent = 'Fit';
      a.setAttribute('role', 'button');
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(a, 'click', ev => { L.DomEvent.preventDefault(ev); if (fitVessels()) fit.armed = true; });
      return box;
    },
  });
  new FitControl().addTo(map);

  // A state-changing request (POST) carries the session token of /api/session.json: the server
  // refuses any without it, so another site's page cannot acknowledge alerts or drive playback.
  let sessionToken = null;
  async function post(url) {
    if (!sessionToken) {
      const j = await (await fetch('api/session.json')).json().catch(() => ({}));
      sessionToken = j.token || '';
    }
    return fetch(url, { method: 'POST', headers: { 'X-Centinela-Token': sessionToken } });
  }

  // Problems the operator must see (a zone file the server refused, a failed request).
  function showError(text) {
    const box = $('#errors');
    const li = document.createElement('li');
    li.textContent = text;
    box.appendChild(li);
    box.hidden = false;
  }

  async function loadZones() {
    let list;
    try { list = await (await fetch('api/zones.json')).json(); } catch (e) {
      showError('zone files could not be listed: ' + e);
      return;
    }
    const files = (list.files || []).filter(f => {
      if (f.error) showError(f.error);
      return !f.error;
    });
    // Land first (beneath), zones over it.
    files.sort((a, b) => (b.name.includes('land') ? 1 : 0) - (a.name.includes('land') ? 1 : 0));
    for (const f of files) {
      let gj;
      try { gj = await (await fetch(f.url)).json(); } catch (e) {
        showError(`zone file ${f.name} could not be read: ${e}`);
        continue;
      }
      if (gj.attribution) map.attributionControl.addAttribution(esc(gj.attribution).slice(0, 200));
      const layer = L.geoJSON(gj, {
        renderer: zoneRenderer,
        interactive: false,
        style: feat => ZONE_STYLE[feat.properties && feat.properties.kind] || { color: '#555', weight: 1, fillOpacity: 0.05 },
      }).addTo(map);
      const kinds = new Set(gj.features.map(ft => ft.properties && ft.properties.kind));
      layerControl.addOverlay(layer, [...kinds].join(', ') || f.name);
      if (kinds.has('land')) layer.bringToBack();
    }
  }

  // The vessel canvas sits over the map panes and is redrawn whenever the view or data change.
  const canvas = document.createElement('canvas');
  canvas.className = 'vessel-canvas';
  map.getContainer().appendChild(canvas);
  const ctx = canvas.getContext('2d');

  function resizeCanvas() {
    const size = map.getSize(), dpr = window.devicePixelRatio || 1;
    canvas.width = size.x * dpr; canvas.height = size.y * dpr;
    canvas.style.width = size.x + 'px'; canvas.style.height = size.y + 'px';
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    schedule();
  }
  map.on('resize', resizeCanvas);
  map.on('move zoom viewreset zoomend moveend', schedule);

  function colorOf(v) {
    for (const [test, color] of SHIP_COLORS) if (test(v.shiptype || 0)) return color;
    return '#8d99ae';
  }

  let frameRequested = false;
  function schedule() {
    state.dirty = true;
    if (!frameRequested) { frameRequested = true; requestAnimationFrame(draw); }
  }

  function draw() {
    frameRequested = false;
    if (!state.dirty) return;
    state.dirty = false;
    const t0 = performance.now();
    const size = map.getSize();
    ctx.clearRect(0, 0, size.x, size.y);
    const zoom = map.getZoom();
    const bounds = map.getBounds().pad(0.1);
    const allTrails = zoom >= TRAIL_ALL_ZOOM;
    // Trails first, beneath the vessels.
    ctx.lineWidth = 1.2;
    for (const v of state.vessels.values()) {
      if (!v.trail || v.trail.length < 2) continue;
      if (!(allTrails || v.dark || v.id === state.selected)) continue;
      if (!bounds.contains([v.lat, v.lon]) && v.id !== state.selected) continue;
      ctx.strokeStyle = v.dark ? 'rgba(193,18,31,0.8)' : (v.id === state.selected ? 'rgba(20,33,61,0.9)' : 'rgba(20,33,61,0.35)');
      ctx.beginPath();
      for (let i = 0; i < v.trail.length; i++) {
        const p = map.latLngToContainerPoint([v.trail[i][1], v.trail[i][0]]);
        if (i === 0) ctx.moveTo(p.x, p.y); else ctx.lineTo(p.x, p.y);
      }
      const p = map.latLngToContainerPoint([v.lat, v.lon]);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
    }
    // Open alerts: an amber ring where they are.
    ctx.lineWidth = 2;
    ctx.strokeStyle = 'rgba(247,127,0,0.9)';
    for (const a of state.alerts.values()) {
      if (a.state === 'close' || a.lat == null || !bounds.contains([a.lat, a.lon])) continue;
      const p = map.latLngToContainerPoint([a.lat, a.lon]);
      ctx.beginPath(); ctx.arc(p.x, p.y, 14, 0, 2 * Math.PI); ctx.stroke();
    }
    const scale = zoom >= 10 ? 1.4 : zoom >= 8 ? 1.1 : 0.85;
    // World pixel of the container's top-left corner: a vessel's screen point is its projected
    // point (cached per zoom and position) minus this, so a frame costs no projection math.
    const origin = map.getPixelOrigin().add(map.containerPointToLayerPoint([0, 0]));
    const w = size.x + 20, h = size.y + 20;
    const byColor = new Map(), dark = [];
    for (const v of state.vessels.values()) {
      if (v.lat == null) continue;
      if (v._z !== zoom || v._plat !== v.lat || v._plon !== v.lon) {
        const wp = map.project([v.lat, v.lon], zoom);
        v._wx = wp.x; v._wy = wp.y; v._z = zoom; v._plat = v.lat; v._plon = v.lon;
      }
      const x = v._wx - origin.x, y = v._wy - origin.y;
      if (x < -20 || y < -20 || x > w || y > h) continue;
      if (v.dark) { dark.push(x, y); continue; }
      const c = colorOf(v);
      let list = byColor.get(c);
      if (!list) byColor.set(c, list = []);
      list.push(v, x, y);
    }
    // One path per colour: thousands of vessels in a few fill() calls.
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 0.8;
    for (const [color, list] of byColor) {
      ctx.fillStyle = color;
      ctx.beginPath();
      for (let i = 0; i < list.length; i += 3) {
        const v = list[i], x = list[i + 1], y = list[i + 2];
        const course = v.heading != null ? v.heading : v.cog;
        const r = (v.shipclass === 'B' ? 5 : 7) * scale;
        if (v.speed != null && v.speed > 0.5 && course != null) {
          const a = course * Math.PI / 180, s = Math.sin(a), c = Math.cos(a);
          // bow, starboard quarter, stern notch, port quarter (rotated by the course)
          const pt = (px, py) => [x + px * c - py * s, y + px * s + py * c];
          const p0 = pt(0, -r * 1.6), p1 = pt(r * 0.8, r), p2 = pt(0, r * 0.55), p3 = pt(-r * 0.8, r);
          ctx.moveTo(p0[0], p0[1]); ctx.lineTo(p1[0], p1[1]); ctx.lineTo(p2[0], p2[1]); ctx.lineTo(p3[0], p3[1]);
          ctx.closePath();
        } else {
          ctx.moveTo(x + r * 0.6, y);
          ctx.arc(x, y, r * 0.6, 0, 2 * Math.PI);
        }
      }
      ctx.fill();
      if (zoom >= 8 || list.length < 3000) ctx.stroke();
    }
    for (let i = 0; i < dark.length; i += 2) drawDark({ x: dark[i], y: dark[i + 1] }, scale);
    // Off-screen vessels keep stale screen positions: clear them for the hit test.
    if (state.selected && state.vessels.has(state.selected)) {
      const v = state.vessels.get(state.selected);
      if (v.lat != null) {
        const p = map.latLngToContainerPoint([v.lat, v.lon]);
        ctx.strokeStyle = '#ffb703'; ctx.lineWidth = 2.5;
        ctx.beginPath(); ctx.arc(p.x, p.y, 13 * scale, 0, 2 * Math.PI); ctx.stroke();
      }
    }
    state.perf.frames.push(performance.now() - t0);
    if (state.perf.frames.length > 2000) state.perf.frames.splice(0, 1000);
  }

  function drawDark(p, scale) {
    const r = 8 * scale;
    ctx.fillStyle = '#111';
    ctx.strokeStyle = '#c1121f';
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.moveTo(p.x, p.y - r); ctx.lineTo(p.x + r, p.y); ctx.lineTo(p.x, p.y + r); ctx.lineTo(p.x - r, p.y);
    ctx.closePath(); ctx.fill(); ctx.stroke();
    ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.arc(p.x, p.y, r * 1.8, 0, 2 * Math.PI); ctx.stroke();
  }

  function vesselAt(x, y) {
    const bounds = map.getBounds();
    let best = null, bestD = 14 * 14;
    for (const v of state.vessels.values()) {
      if (v.lat == null || !bounds.contains([v.lat, v.lon])) continue;
      const p = map.latLngToContainerPoint([v.lat, v.lon]);
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < bestD) { bestD = d; best = v; }
    }
    return best;
  }

  map.on('click', e => {
    const v = vesselAt(e.containerPoint.x, e.containerPoint.y);
    if (v) openCard(v.id); else closeCard();
  });
  map.on('mousemove', e => {
    map.getContainer().style.cursor = vesselAt(e.containerPoint.x, e.containerPoint.y) ? 'pointer' : '';
  });

  // ---- feed ------------------------------------------------------------------------------
  function query() { return state.mode === 'playback' ? '?source=playback' : ''; }

  function connect() {
    if (state.feed) state.feed.close();
    const es = new EventSource('api/feed' + query());
    state.feed = es;
    es.addEventListener('open', () => setFeed(true));
    es.addEventListener('error', () => setFeed(false));
    es.addEventListener('delta', ev => {
      const t0 = performance.now();
      const d = JSON.parse(ev.data);
      applyDelta(d);
      state.perf.updates.push(performance.now() - t0);
      if (state.perf.updates.length > 2000) state.perf.updates.splice(0, 1000);
      state.perf.bytes += ev.data.length;
      state.perf.events++;
    });
  }

  function setFeed(on) {
    const el = $('#feed-state');
    el.textContent = on ? (state.mode === 'playback' ? 'playback feed' : 'live feed') : 'offline';
    el.className = on ? 'feed-on' : 'feed-off';
  }

  function applyDelta(d) {
    if (d.reset) { state.vessels.clear(); state.alerts.clear(); }
    for (let s of d.tracks) {
      const old = state.vessels.get(s.id);
      if (s.partial) {
        if (!old) continue; // cannot happen after a snapshot; the next reset repairs it
        s = Object.assign(old, s);
      }
      if (s.trail && !s.partial) {
        // full trail from the server (first load)
      } else if (old && old.trail) {
        s.trail = old.trail;
        delete s.partial;
        const last = s.trail[s.trail.length - 1];
        const tms = Math.floor(s.time_ns / 1e6);
        if (!last || tms - last[2] >= TRAIL_STEP_MS) {
          s.trail.push([s.lon, s.lat, tms]);
          if (s.trail.length > TRAIL_MAX) s.trail.shift();
        }
      } else {
        s.trail = [[s.lon, s.lat, Math.floor(s.time_ns / 1e6)]];
      }
      state.vessels.set(s.id, s);
    }
    for (const id of d.removed) state.vessels.delete(id);
    for (const a of d.alerts) state.alerts.set(a.id, a);
    state.timeNs = d.time_ns;
    state.listsDirty = true;
    schedule();
  }

  // Lists and counts refresh at most 4 times a second: cheap at any feed rate.
  setInterval(() => {
    if (!state.listsDirty) return;
    state.listsDirty = false;
    let dark = 0;
    for (const v of state.vessels.values()) if (v.dark) dark++;
    let open = 0;
    for (const a of state.alerts.values()) if (a.state !== 'close') open++;
    $('#vessel-count').textContent = state.vessels.size;
    $('#dark-count').textContent = dark;
    $('#alert-count').textContent = open;
    $('#event-time').textContent = state.timeNs ? new Date(state.timeNs / 1e6).toISOString().replace('.000Z', 'Z') : '—';
    followVessels();
    renderAlerts();
    if (state.selected) renderCard();
    if (state.mode === 'playback') updateSlider();
  }, 250);

  // ---- alerts ----------------------------------------------------------------------------
  function scoreColor(s) { return s >= 75 ? '#c1121f' : s >= 50 ? '#f77f00' : s >= 25 ? '#e9c46a' : '#6c757d'; }

  function renderAlerts() {
    const rule = $('#rule-filter').value, showClosed = $('#show-closed').checked, hideAcked = $('#hide-acked').checked;
    const rules = new Set();
    const list = [];
    for (const a of state.alerts.values()) {
      rules.add(a.rule);
      if (rule && a.rule !== rule) continue;
      if (!showClosed && a.state === 'close') continue;
      if (hideAcked && a.acked) continue;
      list.push(a);
    }
    list.sort((x, y) => (y.score ?? -1) - (x.score ?? -1) || y.updated_ns - x.updated_ns);
    const sel = $('#rule-filter');
    const have = new Set([...sel.options].map(o => o.value));
    for (const r of [...rules].sort()) if (!have.has(r)) sel.add(new Option(r, r));
    const html = list.slice(0, 500).map(a => {
      const who = a.mmsi == null ? 'radar track ' + a.track_id : (Array.isArray(a.mmsi) ? a.mmsi.join(', ') : a.mmsi);
      const age = state.timeNs && a.start_ns ? fmtAge((state.timeNs - a.start_ns) / 1e9) : '';
      return `<li class="${a.state === 'close' ? 'closed' : ''} ${a.acked ? 'acked' : ''}" data-id="${esc(a.id)}">
        <span class="score" style="background:${scoreColor(a.score)}">${a.score == null ? '?' : Math.round(a.score)}</span>
        <span class="rule">${esc(a.rule)}</span>
        <button class="ack" data-id="${esc(a.id)}" data-ack="${a.acked ? 0 : 1}">${a.acked ? 'un-ack' : 'ack'}</button>
        <span class="sub">${esc(who)} · ${esc(a.state)} · ${esc(age)}${a.acked && a.ack_by ? ' · ack ' + esc(a.ack_by) : ''}</span>
      </li>`;
    }).join('');
    const ol = $('#alert-list');
    if (ol._html !== html) { ol.innerHTML = html; ol._html = html; }
  }

  $('#alert-list').addEventListener('click', async ev => {
    const btn = ev.target.closest('button.ack');
    if (btn) {
      ev.stopPropagation();
      const by = localStorage.getItem('centinela.operator') || '';
      const src = state.mode === 'playback' ? '&source=playback' : '';
      const r = await post(`api/ack?id=${encodeURIComponent(btn.dataset.id)}&ack=${btn.dataset.ack}&by=${encodeURIComponent(by)}${src}`);
      if (!r.ok) showError('acknowledgement refused: ' + ((await r.json().catch(() => ({}))).error || r.status));
      return;
    }
    const li = ev.target.closest('li');
    if (!li) return;
    const a = state.alerts.get(li.dataset.id);
    if (!a) return;
    if (a.lat != null) map.setView([a.lat, a.lon], Math.max(map.getZoom(), 10));
    const v = [...state.vessels.values()].find(s => s.source === a.source ? s.track_id === a.track_id : false) ||
      [...state.vessels.values()].find(s => s.track_id === a.track_id || (a.mmsi != null && s.mmsi === a.mmsi));
    if (v) openCard(v.id);
  });
  for (const id of ['#rule-filter', '#show-closed', '#hide-acked']) $(id).addEventListener('change', () => { state.listsDirty = true; });

  // ---- vessel card -----------------------------------------------------------------------
  // The flag is the ISO 3166-1 code as a text badge: a regional-indicator emoji needs an emoji
  // font, and without one (common on Linux operator consoles) it renders as two empty boxes.
  function flagBadge(cc, name) {
    return cc ? `<span class="flag" title="${esc(name || cc)}">${esc(cc.toUpperCase())}</span>` : '';
  }
  function fmtTime(ns) {
    return ns ? new Date(ns / 1e6).toISOString().replace(/\.\d{3}Z$/, 'Z').replace('T', ' ') : '';
  }
  // start–end of an alert; the end's date is left out when it is the start's.
  function fmtSpan(a) {
    const s = fmtTime(a.start_ns), e = fmtTime(a.end_ns);
    if (!e) return `${s} – ${a.state === 'close' ? '?' : 'now'}`;
    return `${s} – ${e.slice(0, 10) === s.slice(0, 10) ? e.slice(11) : e}`;
  }
  function fmtAge(s) {
    if (s == null || !isFinite(s)) return '—';
    if (s < 0) s = 0;
    if (s < 90) return Math.round(s) + ' s';
    if (s < 5400) return Math.round(s / 60) + ' min';
    if (s < 172800) return (s / 3600).toFixed(1) + ' h';
    return (s / 86400).toFixed(1) + ' d';
  }
  function fmtLatLon(lat, lon) {
    const f = (v, p, n) => { const a = Math.abs(v), d = Math.floor(a); return `${d}°${((a - d) * 60).toFixed(3)}′${v >= 0 ? p : n}`; };
    return lat == null ? '—' : `${f(lat, 'N', 'S')} ${f(lon, 'E', 'W')}`;
  }
  function typeName(t) {
    for (const [test, , name] of SHIP_COLORS) if (test(t || 0)) return name;
    return 'unknown';
  }

  function openCard(id) {
    state.selected = id;
    renderCard();
    schedule();
    // The full trail from the server (the page only keeps what it saw since it loaded).
    const v = state.vessels.get(id);
    if (!v) return;
    fetch(`api/track.json?id=${encodeURIComponent(id)}${state.mode === 'playback' ? '&source=playback' : ''}`)
      .then(r => r.ok ? r.json() : null).then(j => {
        const cur = state.vessels.get(id);
        if (j && cur && j.trail && j.trail.length >= (cur.trail ? cur.trail.length : 0)) { cur.trail = j.trail; schedule(); }
      }).catch(() => {});
  }
  function closeCard() { state.selected = null; $('#card').hidden = true; schedule(); }

  function renderCard() {
    const v = state.vessels.get(state.selected);
    const card = $('#card');
    if (!v) { card.hidden = true; return; }
    const country = v.country ? (regionNames ? regionNames.of(v.country) : v.country) : null;
    const age = state.timeNs && v.last_report_ns ? (state.timeNs - v.last_report_ns) / 1e9 : v.last_signal;
    // Every alert of the vessel, closed ones included (its history matters to the operator):
    // open first, then the latest start first.
    const alerts = [...state.alerts.values()].filter(a =>
      a.track_id === v.track_id || (v.mmsi != null && (a.mmsi === v.mmsi || (Array.isArray(a.mmsi) && a.mmsi.includes(v.mmsi)))))
      .sort((x, y) => (x.state === 'close') - (y.state === 'close') || (y.start_ns || 0) - (x.start_ns || 0));
    const alertItems = alerts.map(a => `<li class="${a.state === 'close' ? 'closed' : 'open'}">
      <b>${esc(a.rule)}</b> ${a.state === 'close' ? 'closed' : 'open'}${a.score != null ? ` <small>(${Math.round(a.score)})</small>` : ''}
      <br><small>${esc(fmtSpan(a))}</small></li>`).join('');
    const row = (k, val) => `<dt>${k}</dt><dd>${val}</dd>`;
    card.innerHTML = `<button class="close" title="close">×</button>
      <h2 id="card-title">${esc(v.shipname || (v.dark ? 'Dark target' : 'Unknown vessel'))}</h2>
      ${v.dark ? '<span class="dark-badge">DARK TARGET — radar, no AIS</span>' : ''}
      <dl>
        ${row('MMSI', v.mmsi == null ? '—' : `<span id="card-mmsi">${v.mmsi}</span> <small>(${esc(v.mmsi_type || '')})</small>`)}
        ${row('Flag', country ? `${flagBadge(v.country, country)} ${esc(country)} <small>MID ${v.mid}</small>` : '—')}
        ${row('Call sign', esc(v.callsign) || '—')}
        ${row('IMO', v.imo ?? '—')}
        ${row('Class / type', `${esc(v.shipclass || '—')} · ${v.shiptype ? v.shiptype + ' ' + esc(typeName(v.shiptype)) : 'unknown'}`)}
        ${row('Size', v.length ? `${v.length} × ${v.beam ?? '?'} m` : '—')}
        ${row('Destination', esc(v.destination) || '—')}
        ${row('Status', esc(NAV_STATUS[v.status] ?? v.status))}
        ${row('Position', fmtLatLon(v.lat, v.lon) + (v.pos_sigma_m != null ? ` <small>±${Math.round(v.pos_sigma_m)} m</small>` : ''))}
        ${row('SOG / COG / HDG', `${v.speed ?? '—'} kn / ${v.cog ?? '—'}° / ${v.heading ?? '—'}°`)}
        ${row('Last report', `<span id="card-age">${fmtAge(age)}</span> ago`)}
        ${row('Sensors', esc((v.sensors || []).join(' + ') || '—') + (v.radar_site ? ` <small>(radar ${v.radar_site}/${v.radar_target})</small>` : ''))}
        ${row('Stations', v.received_stations ?? '—')}
        ${row('Reports', v.count ?? '—')}
        ${row('Track', `${esc(v.id)} · ${esc(v.state)} · quality ${v.quality}`)}
        ${row('Zones', esc((v.zones || []).join(', ')) || 'none')}
        ${row('Shore', v.dist_shore_m != null ? (v.dist_shore_m / 1852).toFixed(1) + ' NM' : '—')}
        ${row('Flags', [v.split && 'split', v.on_land && 'on land', v.in_coverage && 'in coverage'].filter(Boolean).join(', ') || '—')}
        ${row('Alerts', alerts.length ? `<ul id="card-alerts">${alertItems}</ul>` : 'none')}
      </dl>`;
    card.querySelector('.close').onclick = closeCard;
    card.hidden = false;
  }

  // ---- statistics ------------------------------------------------------------------------
  async function refreshStats() {
    if (!$('#tab-stations').classList.contains('active')) return;
    let s;
    try { s = await (await fetch('api/stats.json' + query())).json(); } catch (e) { return; }
    const num = v => v == null ? '—' : v;
    $('#station-table tbody').innerHTML = s.stations.map(st => `<tr><td>${st.station_id}</td><td>${st.messages}</td>
      <td>${st.channel_a}/${st.channel_b}</td><td>${num(st.rate_per_min)}</td><td>${num(st.signal_dbfs_mean)}</td>
      <td>${num(st.snr_db_mean)}</td><td>${num(st.ppm_mean)}</td><td>${esc((st.last || '').slice(11, 19))}</td></tr>`).join('')
      || '<tr><td colspan="8">no ais messages seen (add ais to topics)</td></tr>';
    $('#node-table tbody').innerHTML = s.nodes.map(n => {
      const j = n.stats || {}, rx = j.rx || {}, tx = j.tx || {};
      return `<tr><td>${esc(j.section || j.node || n.source_id)}</td><td>${num(rx.messages)}</td><td>${num(tx.messages)}</td>
        <td>${num(rx.seq_missing)}</td><td>${num(tx.hwm_drops)}</td><td>${num(j.uptime_s != null ? Math.round(j.uptime_s) : null)}</td></tr>`;
    }).join('') || '<tr><td colspan="6">no stats heartbeats (stats_sub)</td></tr>';
  }
  setInterval(refreshStats, 2000);

  for (const b of document.querySelectorAll('.tabs button')) {
    b.addEventListener('click', () => {
      document.querySelectorAll('.tabs button, .tab').forEach(e => e.classList.remove('active'));
      b.classList.add('active');
      $('#tab-' + b.dataset.tab).classList.add('active');
      refreshStats();
    });
  }
  $('#legend').innerHTML = SHIP_COLORS.map(([, c, n]) => `<li><i style="background:${c}"></i>${esc(n)}</li>`).join('') +
    '<li><i style="background:#111;border:2px solid #c1121f;transform:rotate(45deg)"></i>dark target</li>' +
    '<li><i style="border:2px solid #f77f00;border-radius:50%"></i>open alert</li>' +
    Object.entries(ZONE_STYLE).map(([k, s]) => `<li><i style="border:2px ${s.dashArray ? 'dashed' : 'solid'} ${s.color};background:${s.fillColor || 'transparent'}"></i>${esc(k.replace(/_/g, ' '))}</li>`).join('');

  // ---- playback --------------------------------------------------------------------------
  // The slider spans [from, from + window]; moving it asks the server to restart the replay at
  // that event time (the playback picture is rebuilt from there).  Its thumb follows the event
  // time of the playback picture.
  let pbStart = 0; // slider origin, ms
  let sliderDragging = false;
  async function pb(action, params = {}) {
    const q = new URLSearchParams({ action, ...params });
    const r = await post('api/playback?' + q);
    const j = await r.json().catch(() => ({}));
    $('#pb-status').textContent = r.ok ? action : (j.error || 'error');
  }
  function fromMs() {
    const t = $('#pb-from').value.trim();
    if (!t) return 0;
    const ms = Date.parse(/Z$|[+-]\d\d:?\d\d$/.test(t) ? t : t + 'Z');
    return isNaN(ms) ? 0 : ms;
  }
  function updateSlider() {
    const s = $('#pb-slider');
    s.max = $('#pb-window').value;
    if (!pbStart && state.timeNs) pbStart = Math.floor(state.timeNs / 1e6 / 1000) * 1000;
    if (!sliderDragging && pbStart && state.timeNs) s.value = Math.round((state.timeNs / 1e6 - pbStart) / 1000);
  }
  $('#pb-play').onclick = () => {
    pbStart = fromMs();
    const params = { archive: $('#pb-archive').value, speed: $('#pb-speed').value };
    if (pbStart) params.t = new Date(pbStart).toISOString();
    pb('start', params);
  };
  $('#pb-pause').onclick = function () {
    const paused = this.textContent === 'Resume';
    pb(paused ? 'resume' : 'pause');
    this.textContent = paused ? 'Pause' : 'Resume';
  };
  $('#pb-stop').onclick = () => pb('stop');
  $('#pb-speed').onchange = () => pb('speed', { speed: $('#pb-speed').value });
  $('#pb-slider').addEventListener('input', () => { sliderDragging = true; });
  $('#pb-slider').addEventListener('change', e => {
    sliderDragging = false;
    if (!pbStart) return;
    const t = new Date(pbStart + Number(e.target.value) * 1000).toISOString();
    pb('seek', { t, speed: $('#pb-speed').value, archive: $('#pb-archive').value });
  });
  async function refreshPlayback() {
    if (state.mode !== 'playback') return;
    let st;
    try { st = await (await fetch('api/status.json')).json(); } catch (e) { return; }
    if (!st.playback_enabled) { $('#pb-status').textContent = 'playback not configured (archive_dir)'; return; }
    const p = st.playback || {};
    if (p.error) $('#pb-status').textContent = p.error;
    else $('#pb-status').textContent = p.active ? (p.paused ? 'paused' : `playing ${p.archive} ×${p.speed || 'max'}`) : 'stopped';
    const ar = await (await fetch('api/archives.json')).json().catch(() => ({ archives: [] }));
    const sel = $('#pb-archive');
    const names = (ar.archives || []).map(a => a.name);
    if (sel.options.length !== names.length) sel.innerHTML = names.map(n => `<option>${esc(n)}</option>`).join('');
  }
  setInterval(refreshPlayback, 2000);

  function setMode(mode) {
    document.querySelector(`input[name=mode][value=${mode}]`).checked = true;
    state.mode = mode;
    $('#playback').hidden = state.mode !== 'playback';
    fit.fitting = true; // the bar's height changed, not the operator's view
    try { map.invalidateSize(); } finally { fit.fitting = false; }
    closeCard();
    state.vessels.clear(); state.alerts.clear();
    state.listsDirty = true;
    fit.armed = true; // the other picture's vessels may be elsewhere
    connect();
    return refreshPlayback();
  }
  for (const r of document.querySelectorAll('input[name=mode]')) {
    r.addEventListener('change', () => setMode(document.querySelector('input[name=mode]:checked').value));
  }

  // A node started over an archive for playback (`autoplay = true`, e.g. configs/map.conf) opens
  // the page in Playback and plays the newest archive at the selected speed; a playback already
  // running (another operator's page) is joined, not restarted.  Pause, seek and stop stay with
  // the operator.
  async function autoplay() {
    let st;
    try { st = await (await fetch('api/status.json')).json(); } catch (e) { return; }
    if (!st.autoplay || !st.playback_enabled) return;
    await setMode('playback');
    if (st.playback && st.playback.active) return;
    const ar = await (await fetch('api/archives.json')).json().catch(() => ({ archives: [] }));
    const newest = (ar.archives || []).slice().sort((x, y) => (y.mtime || 0) - (x.mtime || 0) || (x.name < y.name ? -1 : 1))[0];
    if (!newest) { $('#pb-status').textContent = 'autoplay: no archive in ' + (ar.dir || 'archive_dir'); return; }
    $('#pb-archive').value = newest.name;
    $('#pb-play').click();
  }

  // ---- start -----------------------------------------------------------------------------
  resizeCanvas();
  loadZones();
  connect();
  autoplay();

  // Hooks for scripted checks (tests, benchmarks) and the console.
  window.centinela = {
    map, state,
    vesselCount: () => state.vessels.size,
    darkCount: () => [...state.vessels.values()].filter(v => v.dark).length,
    alertCount: () => [...state.alerts.values()].filter(a => a.state !== 'close').length,
    screenPoint: id => {
      const v = state.vessels.get(id);
      if (!v) return null;
      const p = map.latLngToContainerPoint([v.lat, v.lon]);
      const r = map.getContainer().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    },
    openCard,
    fitVessels,
    vesselBounds: () => { const b = vesselBounds(); return b && b.toBBoxString(); },
  };
})();
