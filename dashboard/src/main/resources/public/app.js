// Over 400 lines: the whole single-page dashboard in one file, served as it is (no build step).
// P-AffMem live dashboard: one EventSource (/api/stream), state in memory, drawn at most once per animation frame.
// The server aggregates and downsamples; this page only merges deltas and draws what is visible.
(() => {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const ROW_H = 56;
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(name).trim();
  const C = { mem: color('--mem'), pk: color('--pk'), in: color('--in'), out: color('--out'), dead: color('--dead'),
    text: color('--text'), muted: color('--muted'), faint: color('--faint'), line: color('--line') };

  const state = {
    settings: { bucketMillis: 250, windowMillis: 120000, trailPoints: 40, idleAfterMillis: 30000, refreshMillis: 250 },
    rows: new Map(),
    clockOffset: 0,           // server clock minus this page's clock
    focus: null,
    series: { t: [], a: [], v: [], pa: [], pv: [] },
    health: null,
    sort: 'id',
    query: '',
    lastTickAt: 0,
    es: null,
    dirty: { list: true, focus: true, health: true },
  };
  // for tests and the benchmark: counters and timings (bounded)
  const perf = { ticks: 0, tickMs: [], renderMs: [], parts: [], displayLatencyMs: [], longTasks: [], state };
  window.__dash = perf;
  const push = (arr, x, max = 2000) => { arr.push(x); if (arr.length > max) arr.shift(); };
  try {
    new PerformanceObserver((list) => list.getEntries().forEach((e) => push(perf.longTasks, e.duration)))
      .observe({ type: 'longtask', buffered: true });
  } catch (e) { /* not supported: no long-task figures */ }

  const serverNow = () => Date.now() + state.clockOffset;

  // ---- formatting -------------------------------------------------------------------------------------------
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const signed = (x) => (x == null || Number.isNaN(x)) ? '–' : (x < 0 ? '\u2212' : '+') + Math.abs(x).toFixed(2);
  const fmtRate = (x) => x == null ? '–' : x >= 10000 ? (x / 1000).toFixed(1) + 'k' : x >= 1000 ? (x / 1000).toFixed(2) + 'k' : x >= 100 ? x.toFixed(0) : x.toFixed(1);
  const fmtInt = (x) => x == null ? '–' : x.toLocaleString('en-US');
  function fmtMs(ms) {
    if (ms == null) return '–';
    const a = Math.abs(ms);
    if (a < 1000) return Math.round(ms) + ' ms';
    if (a < 60000) return (ms / 1000).toFixed(a < 10000 ? 2 : 1) + ' s';
    if (a < 3600000) return (ms / 60000).toFixed(1) + ' min';
    if (a < 172800000) return (ms / 3600000).toFixed(1) + ' h';
    return (ms / 86400000).toFixed(1) + ' d';
  }
  function ago(ms) {
    if (ms < 1500) return 'just now';
    if (ms < 60000) return Math.round(ms / 1000) + ' s ago';
    if (ms < 3600000) return Math.round(ms / 60000) + ' min ago';
    return Math.round(ms / 3600000) + ' h ago';
  }
  const clock = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
  const human = (reason) => reason.charAt(0) + reason.slice(1).toLowerCase().replace(/_/g, ' ');

  function initials(id) {
    const digits = /(\d+)$/.exec(id);
    if (digits) return String(parseInt(digits[1], 10)).slice(-3);
    const parts = id.split(/[\s._-]+/).filter(Boolean);
    return (parts.length > 1 ? parts[0][0] + parts[1][0] : id.slice(0, 2)).toUpperCase();
  }
  // a colour for a point of the circumplex: pleasant green, excited amber, tense red, sad blue, calm teal
  const HUE_STOPS = [[0, 140], [60, 46], [120, 4], [200, 262], [250, 218], [315, 172], [360, 140]];
  function moodColor(v, a) {
    const deg = (Math.atan2(a, v) * 180 / Math.PI + 360) % 360;
    let h = 140;
    for (let i = 1; i < HUE_STOPS.length; i++) {
      const [d0, h0] = HUE_STOPS[i - 1], [d1, h1] = HUE_STOPS[i];
      if (deg <= d1) { h = h0 + (h1 - h0) * (deg - d0) / (d1 - d0); break; }
    }
    const r = Math.min(1, Math.hypot(v, a));
    return `hsl(${h.toFixed(0)}, ${(20 + 60 * r).toFixed(0)}%, ${(58 + 8 * r).toFixed(0)}%)`;
  }
  const MOODS = ['pleased', 'excited', 'alarmed', 'distressed', 'miserable', 'sad', 'tired', 'calm'];
  function mood(v, a) {
    if (Math.hypot(v, a) < 0.2) return 'neutral';
    const deg = (Math.atan2(a, v) * 180 / Math.PI + 360 + 22.5) % 360;
    return MOODS[Math.floor(deg / 45)];
  }

  // ---- charts -----------------------------------------------------------------------------------------------
  function axis(extra) {
    return Object.assign({ stroke: C.muted, grid: { stroke: 'rgba(141,155,181,0.09)', width: 1 },
      ticks: { stroke: 'rgba(141,155,181,0.15)', width: 1, size: 4 }, font: '11px "DejaVu Sans", sans-serif' }, extra);
  }
  const timeAxis = () => axis({ space: 70, values: (u, splits) => splits.map((x) => clock(x * 1000)) });
  const count = (x) => x >= 1000 ? (x / 1000).toFixed(x >= 10000 ? 0 : 1).replace(/\.0$/, '') + 'k' : String(Math.round(x));
  function sizeOf(el) { return { width: Math.max(100, el.clientWidth), height: Math.max(60, el.clientHeight) }; }
  function avChart(el, label) {
    const opts = Object.assign(sizeOf(el), {
      legend: { show: false }, cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: true }, y: { range: [-1, 1] } },
      axes: [timeAxis(), axis({ size: 42, values: (u, vals) => vals.map((v) => v.toFixed(1)), splits: () => [-1, -0.5, 0, 0.5, 1] })],
      series: [{}, { label: label + ' (memory)', stroke: C.mem, width: 2, points: { show: false } },
        { label: label + ' (PK)', stroke: C.pk, width: 1.5, dash: [5, 4], points: { show: false } }],
    });
    return new uPlot(opts, [[], [], []], el);
  }
  const charts = {};
  function initCharts() {
    charts.arousal = avChart($('chart-arousal'), 'Arousal');
    charts.valence = avChart($('chart-valence'), 'Valence');
    const tp = $('chart-throughput');
    charts.throughput = new uPlot(Object.assign(sizeOf(tp), {
      legend: { show: false }, cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(5, max * 1.15)] } },
      axes: [timeAxis(), axis({ size: 50, values: (u, vals) => vals.map(count) })],
      series: [{}, { label: 'frames in', stroke: C.in, width: 1.5, points: { show: false } },
        { label: 'predictions', stroke: C.out, width: 2, fill: 'rgba(110,168,255,0.10)', points: { show: false } },
        { label: 'dead letters', stroke: C.dead, width: 1.5, points: { show: false } }],
    }), [[], [], [], []], tp);
    const ro = new ResizeObserver(() => {
      geo.listHeight = $('person-list').clientHeight;
      geo.circumplex = $('circumplex').clientWidth;
      charts.arousal.setSize(sizeOf($('chart-arousal')));
      charts.valence.setSize(sizeOf($('chart-valence')));
      charts.throughput.setSize(sizeOf(tp));
      drawCircumplex();
    });
    [$('chart-arousal'), $('chart-valence'), tp, $('circumplex'), $('person-list')].forEach((el) => ro.observe(el));
  }

  // ---- the stream -------------------------------------------------------------------------------------------
  function connect() {
    if (state.es) state.es.close();
    const url = 'api/stream' + (state.focus ? '?focus=' + encodeURIComponent(state.focus) : '');
    const es = new EventSource(url);
    state.es = es;
    es.addEventListener('hello', (e) => {
      Object.assign(state.settings, JSON.parse(e.data));
      $('foot-predictions').textContent = state.settings.predictionTopic;
      $('foot-dead').textContent = state.settings.deadLetterTopic;
      $('trail-seconds').textContent = Math.round(state.settings.trailPoints * state.settings.bucketMillis / 1000);
    });
    es.addEventListener('tick', (e) => onTick(e.data));
    es.onerror = () => setStatus('down', 'Reconnecting…');
  }

  function onTick(data) {
    const t0 = performance.now();
    const msg = JSON.parse(data);
    const h = msg.health;
    state.clockOffset = h.now - Date.now();
    state.health = h;
    const rows = msg.rows || { rows: [] }; // the list comes every other tick
    if (rows.full) state.rows.clear();
    for (const r of rows.rows) state.rows.set(r.id, r);
    if (msg.focus && msg.focus.id === state.focus) { mergeFocus(msg.focus.points); state.freshFocus = true; }
    state.lastTickAt = Date.now();
    perf.ticks++;
    state.dirty.health = true;
    if (msg.rows) state.dirty.list = true;
    if (rows.rows.length || msg.focus) state.dirty.focus = true;
    if (!state.focus && state.rows.size) {
      const first = sortedRows()[0];
      if (first) select(first.id);
    }
    push(perf.tickMs, performance.now() - t0);
    schedule();
  }

  function mergeFocus(p) {
    const s = state.series;
    for (let i = 0; i < p.t.length; i++) {
      const n = s.t.length;
      let at = n;
      if (n && p.t[i] <= s.t[n - 1]) { // the newest bucket again (it was still filling), or a late one
        at = s.t.lastIndexOf(p.t[i]);
        if (at < 0) continue;
      }
      s.t[at] = p.t[i]; s.a[at] = p.a[i]; s.v[at] = p.v[i]; s.pa[at] = p.pa[i]; s.pv[at] = p.pv[i];
    }
    const keepFrom = s.t.length ? s.t[s.t.length - 1] - state.settings.windowMillis : 0;
    let drop = 0;
    while (drop < s.t.length && s.t[drop] < keepFrom) drop++;
    if (drop) for (const k of ['t', 'a', 'v', 'pa', 'pv']) s[k].splice(0, drop);
  }

  function select(id) {
    if (id === state.focus) return;
    state.focus = id;
    state.series = { t: [], a: [], v: [], pa: [], pv: [] };
    history.replaceState(null, '', '#person=' + encodeURIComponent(id));
    state.dirty.focus = state.dirty.list = true;
    connect();
    schedule();
  }

  // ---- drawing ----------------------------------------------------------------------------------------------
  let frame = 0;
  function schedule() { if (!frame) frame = requestAnimationFrame(render); }
  function render() {
    frame = 0;
    const t0 = performance.now();
    if (state.dirty.list) { renderList(); state.dirty.list = false; }
    const t1 = performance.now();
    if (state.dirty.focus) { renderFocus(); state.dirty.focus = false; }
    const t2 = performance.now();
    if (state.dirty.health && state.health) { renderHealth(state.health); state.dirty.health = false; }
    const t3 = performance.now();
    push(perf.renderMs, t3 - t0);
    push(perf.parts, [t1 - t0, t2 - t1, t3 - t2]);
  }

  function setStatus(s, text) {
    const el = $('status');
    if (el.dataset.state !== s) el.dataset.state = s;
    $('status-text').textContent = text;
  }

  const collator = new Intl.Collator('en', { numeric: true }); // one collator: localeCompare with options builds one per call
  const cmpId = (x, y) => collator.compare(x.id, y.id);
  const SORTS = {
    seen: (x, y) => y.t - x.t || cmpId(x, y), id: cmpId,
    a: (x, y) => y.a - x.a || cmpId(x, y), v: (x, y) => y.v - x.v || cmpId(x, y),
    m: (x, y) => y.m - x.m || cmpId(x, y), b: (x, y) => y.b - x.b || cmpId(x, y), n: (x, y) => y.n - x.n || cmpId(x, y),
  };
  function sortedRows() {
    const q = state.query;
    const out = [];
    for (const r of state.rows.values()) if (!q || r.id.toLowerCase().includes(q)) out.push(r);
    return out.sort(SORTS[state.sort]);
  }

  const rowEls = new Map(); // person id -> its row element, kept while visible (stable for clicks and hover)
  const geo = { scrollTop: 0, listHeight: 600, circumplex: 300 }; // read on scroll/resize, never while drawing
  function renderList() {
    const inner = $('person-list-inner');
    const rows = sortedRows();
    const now = serverNow();
    $('person-count').textContent = fmtInt(state.rows.size);
    $('list-empty').hidden = rows.length > 0;
    $('list-empty').textContent = state.rows.size ? 'No person matches “' + state.query + '”' : 'Waiting for predictions…';
    inner.style.height = rows.length * ROW_H + 'px';
    const first = Math.max(0, Math.floor(geo.scrollTop / ROW_H) - 3);
    const last = Math.min(rows.length, Math.ceil((geo.scrollTop + geo.listHeight) / ROW_H) + 3);
    const visible = new Set();
    for (let i = first; i < last; i++) {
      const r = rows[i];
      visible.add(r.id);
      let el = rowEls.get(r.id);
      if (!el) {
        el = document.createElement('div');
        el.dataset.person = r.id;
        rowEls.set(r.id, el);
        inner.appendChild(el);
      }
      const idle = now - r.r > state.settings.idleAfterMillis;
      const cls = 'row' + (r.id === state.focus ? ' selected' : '') + (idle ? ' idle' : '');
      if (el.className !== cls) el.className = cls;
      const top = i * ROW_H + 'px';
      if (el.style.top !== top) el.style.top = top;
      const html = `<div class="avatar" style="background:${moodColor(r.v, r.a)}">${esc(initials(r.id))}</div>`
        + `<div class="who"><div class="name">${esc(r.id)}</div><div class="sub"><i class="dotp ${esc(r.ph)}"></i>${r.ph === 'GENERATING' ? 'generating' : r.ph === 'ONLINE' ? 'online' : 'unknown'} · ${fmtInt(r.n)} frames · ${ago(now - r.t)}</div></div>`
        + `<div class="vals"><span>A</span><span class="val-a">${signed(r.a)}</span><span>V</span><span class="val-v">${signed(r.v)}</span></div>`;
      if (el._html !== html) { el.innerHTML = html; el._html = html; }
    }
    for (const [id, el] of rowEls) {
      if (!visible.has(id)) { el.remove(); rowEls.delete(id); }
    }
  }

  function renderFocus() {
    const r = state.focus && state.rows.get(state.focus);
    if (!r) return;
    const now = serverNow();
    $('focus-id').textContent = r.id;
    const av = $('focus-avatar');
    av.textContent = initials(r.id);
    av.style.background = moodColor(r.v, r.a);
    const ph = $('focus-phase');
    ph.textContent = r.ph;
    ph.className = 'badge ' + r.ph;
    $('focus-mood').textContent = 'reads as ' + mood(r.v, r.a);
    $('focus-seen').textContent = 'last seen ' + ago(now - r.t) + ' · ' + clock(r.t);
    $('focus-arousal').textContent = signed(r.a);
    $('focus-valence').textContent = signed(r.v);
    $('focus-pk-arousal').textContent = signed(r.pa);
    $('focus-pk-valence').textContent = signed(r.pv);
    $('focus-memory').textContent = fmtInt(r.m);
    $('focus-bmu').textContent = r.b.toFixed(3);
    $('focus-bmu-bar').style.width = Math.round(100 * Math.max(0, Math.min(1, r.b))) + '%';
    $('focus-frames').textContent = fmtInt(r.n);

    const s = state.series;
    const xs = s.t.map((t) => t / 1000);
    // live persons: the window ends now; an idle person's window ends at its last prediction (still readable)
    const lastT = s.t.length ? s.t[s.t.length - 1] + state.settings.bucketMillis : now;
    const idle = now - r.r > state.settings.idleAfterMillis;
    const xmax = (idle ? lastT : Math.max(now, lastT)) / 1000;
    const xmin = xmax - state.settings.windowMillis / 1000;
    for (const [chart, mem, pk, el] of [[charts.arousal, s.a, s.pa, 'chart-arousal'], [charts.valence, s.v, s.pv, 'chart-valence']]) {
      chart.batch(() => {
        chart.setData([xs, mem, pk], false);
        chart.setScale('x', { min: xmin, max: xmax });
      });
      $(el).dataset.points = String(xs.length);
    }
    drawCircumplex();
    if (state.freshFocus) { push(perf.displayLatencyMs, now - r.t, 500); state.freshFocus = false; }
  }

  function drawCircumplex() {
    const cv = $('circumplex');
    const dpr = window.devicePixelRatio || 1;
    const size = Math.max(120, geo.circumplex);
    if (cv.width !== Math.round(size * dpr)) { cv.width = cv.height = Math.round(size * dpr); }
    const g = cv.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, size, size);
    const cx = size / 2, cy = size / 2, R = size / 2 - 26;
    const P = (v, a) => [cx + v * R, cy - a * R];
    // disc, rings, axes
    const bg = g.createRadialGradient(cx, cy, 0, cx, cy, R);
    bg.addColorStop(0, 'rgba(110,168,255,0.10)'); bg.addColorStop(1, 'rgba(110,168,255,0.02)');
    g.fillStyle = bg; g.beginPath(); g.arc(cx, cy, R, 0, 2 * Math.PI); g.fill();
    g.strokeStyle = 'rgba(141,155,181,0.25)'; g.lineWidth = 1;
    for (const f of [1, 0.5]) { g.beginPath(); g.arc(cx, cy, R * f, 0, 2 * Math.PI); g.stroke(); }
    g.strokeStyle = 'rgba(141,155,181,0.18)';
    g.beginPath(); g.moveTo(cx - R, cy); g.lineTo(cx + R, cy); g.moveTo(cx, cy - R); g.lineTo(cx, cy + R); g.stroke();
    g.fillStyle = C.muted; g.font = '600 10px "DejaVu Sans", sans-serif'; g.textAlign = 'center';
    g.fillText('AROUSAL +', cx, cy - R - 9); g.fillText('AROUSAL \u2212', cx, cy + R + 17);
    g.save(); g.translate(cx + R + 12, cy); g.rotate(Math.PI / 2); g.fillText('VALENCE +', 0, 0); g.restore();
    g.save(); g.translate(cx - R - 12, cy); g.rotate(-Math.PI / 2); g.fillText('VALENCE \u2212', 0, 0); g.restore();
    g.fillStyle = 'rgba(141,155,181,0.45)'; g.font = '11px "DejaVu Sans", sans-serif';
    const q = R * 0.62;
    g.fillText('excited', cx + q, cy - q); g.fillText('tense', cx - q, cy - q);
    g.fillText('sad', cx - q, cy + q + 4); g.fillText('calm', cx + q, cy + q + 4);

    const r = state.focus && state.rows.get(state.focus);
    if (!r) return;
    const s = state.series, n = s.t.length, k = Math.min(n, state.settings.trailPoints);
    const trail = (xsKey, ysKey, stroke, width, dash) => {
      if (k < 2) return;
      g.setLineDash(dash); g.lineWidth = width; g.lineCap = 'round'; g.lineJoin = 'round';
      for (let i = n - k + 1; i < n; i++) {
        g.strokeStyle = stroke.replace('ALPHA', (0.12 + 0.88 * (i - (n - k)) / k).toFixed(2));
        const [x0, y0] = P(s[xsKey][i - 1], s[ysKey][i - 1]), [x1, y1] = P(s[xsKey][i], s[ysKey][i]);
        g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1); g.stroke();
      }
      g.setLineDash([]);
    };
    trail('pv', 'pa', 'rgba(245,166,91,ALPHA)', 1.5, [4, 3]);
    trail('v', 'a', 'rgba(110,168,255,ALPHA)', 2.5, []);
    const [px, py] = P(r.pv, r.pa);
    g.fillStyle = C.pk; g.beginPath(); g.arc(px, py, 4, 0, 2 * Math.PI); g.fill();
    const [hx, hy] = P(r.v, r.a);
    g.fillStyle = 'rgba(110,168,255,0.25)'; g.beginPath(); g.arc(hx, hy, 11, 0, 2 * Math.PI); g.fill();
    g.fillStyle = moodColor(r.v, r.a); g.strokeStyle = '#0b1020'; g.lineWidth = 2;
    g.beginPath(); g.arc(hx, hy, 6, 0, 2 * Math.PI); g.fill(); g.stroke();
  }

  let lastDeadKey = '';
  function renderHealth(h) {
    $('kpi-in').innerHTML = h.feed.inputTopicSeen ? fmtRate(h.framesInPerSecond) + '<small>/s</small>' : '–';
    $('kpi-out').innerHTML = fmtRate(h.predictionsPerSecond) + '<small>/s</small>';
    $('kpi-out-sub').textContent = fmtInt(h.predictions) + ' predictions in all';
    const dead = $('kpi-dead');
    dead.textContent = fmtInt(h.deadLetters);
    dead.classList.toggle('bad', h.deadLetters > 0);
    $('kpi-dead-sub').textContent = fmtRate(h.deadLettersPerSecond) + '/s' + (h.unreadable ? ' · ' + fmtInt(h.unreadable) + ' unreadable' : '');
    $('kpi-persons').innerHTML = fmtInt(h.activePersons) + '<small>/ ' + fmtInt(h.persons) + '</small>';
    $('kpi-persons-sub').textContent = 'active · ' + fmtInt(h.generating) + ' generating';
    $('kpi-lat').textContent = fmtMs(h.eventToPrediction.p50);
    $('kpi-lat-sub').textContent = h.eventToPrediction.p50 > 3600000
      ? 'event times long past: a replayed stream?'
      : 'p50 · p95 ' + fmtMs(h.eventToPrediction.p95) + ' · max ' + fmtMs(h.eventToPrediction.max);
    $('kpi-vis').textContent = fmtMs(h.predictionToVisible.p50);
    $('kpi-vis-sub').textContent = 'p50 · p95 ' + fmtMs(h.predictionToVisible.p95) + ' · lag ' + fmtInt(h.feed.lag);

    const models = h.models.slice().sort((x, y) => y.lastSeen - x.lastSeen);
    const mc = $('models');
    mc.innerHTML = models.length ? 'model <b>' + esc(models[0].id) + '</b> ' + esc(models[0].version) + (models.length > 1 ? ' · +' + (models.length - 1) + ' more' : '') : 'model –';
    mc.title = models.map((m) => `${m.id} ${m.version}: ${m.predictions} predictions`).join('\n') || 'no predictions yet';

    const banner = $('banner');
    const problem = h.feed.error || (!h.feed.connected ? 'Kafka is not reachable' : null);
    banner.hidden = !problem;
    if (problem) banner.textContent = problem;
    const stale = Date.now() - state.lastTickAt > 3 * state.settings.refreshMillis + 2000;
    setStatus(stale ? 'down' : h.feed.connected ? 'live' : 'down', stale ? 'Stalled' : h.feed.connected ? 'Live' : 'Kafka unreachable');

    const tp = h.throughput, n = tp.predictions.length;
    const xs = new Array(n);
    for (let i = 0; i < n; i++) xs[i] = tp.t0 + i;
    charts.throughput.setData([xs, tp.framesIn, tp.predictions, tp.deadLetters]);

    $('dead-total').textContent = fmtInt(h.deadLetters);
    const reasons = Object.entries(h.deadLettersByReason).sort((x, y) => y[1] - x[1]);
    const key = JSON.stringify(reasons) + (h.latestDeadLetters[0] ? h.latestDeadLetters[0].at + h.latestDeadLetters[0].offset : '');
    if (key !== lastDeadKey) {
      lastDeadKey = key;
      const max = reasons.length ? reasons[0][1] : 1;
      $('dead-reasons').innerHTML = reasons.length ? reasons.map(([r, c]) =>
        `<div class="reason" data-reason="${esc(r)}"><span>${esc(human(r))}</span><div class="bar"><div style="width:${(100 * c / max).toFixed(1)}%"></div></div><span class="dl-count">${fmtInt(c)}</span></div>`).join('')
        : '<div class="empty static">No dead letters</div>';
      $('dead-latest').innerHTML = h.latestDeadLetters.length ? h.latestDeadLetters.slice(0, 8).map((d) =>
        `<tr><td>${clock(d.at)}</td><td><span class="pill">${esc(human(d.reason))}</span></td>`
        + `<td>${esc(d.personId ?? '–')}${d.frameIndex != null ? ' · #' + d.frameIndex : ''}</td>`
        + `<td><code>${esc(d.topic)}/${d.partition}@${d.offset}</code></td><td title="${esc(d.message)}">${esc(d.message)}</td></tr>`).join('')
        : '<tr class="none"><td colspan="5">Nothing rejected so far.</td></tr>';
    }
  }

  // ---- wiring -----------------------------------------------------------------------------------------------
  $('person-list-inner').addEventListener('click', (e) => {
    const row = e.target.closest('.row');
    if (row) select(row.dataset.person);
  });
  $('person-list').addEventListener('scroll', (e) => { geo.scrollTop = e.target.scrollTop; state.dirty.list = true; schedule(); }, { passive: true });
  $('search').addEventListener('input', (e) => { state.query = e.target.value.trim().toLowerCase(); state.dirty.list = true; schedule(); });
  $('sort').addEventListener('change', (e) => { state.sort = e.target.value; state.dirty.list = true; schedule(); });
  setInterval(() => { state.dirty.list = state.dirty.health = state.dirty.focus = true; schedule(); }, 1000);

  const fromHash = /#person=([^&]+)/.exec(location.hash);
  if (fromHash) state.focus = decodeURIComponent(fromHash[1]);
  initCharts();
  connect();
})();
