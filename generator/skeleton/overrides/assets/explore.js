/* Explore drawings: the map, timeline and network of the fact sheets.
 *
 * A page holds a container such as
 *   <div class="fs-explore" data-kind="map" data-root="../"
 *        data-src="data/map.json" data-world="data/world.json">
 *     <p class="fs-explore-fallback">…</p>
 *   </div>
 * (data-kind: "map", "timeline" or "network"; data-src and data-world are relative to
 * data-root, the site root seen from the page). This script fetches the JSON written by
 * the generator (format: data/*.json, see the generator's spec), draws an SVG into the
 * container and sets on it data-drawn (marks drawn), data-ms (milliseconds from the start
 * of loading to the first drawing) or data-error (why nothing could be drawn).
 *
 * No library and no request to another host, unless the site turns on map tiles (see
 * "map tiles" below). Every string from the data is plain text and goes in through
 * textContent or setAttribute, never innerHTML.
 *
 * Opened from the disk (file://) the browser refuses to fetch the data: the container's
 * fallback stays, saying where the same list is, with how to serve the site.
 */
(function () {
  'use strict';

  const SVGNS = 'http://www.w3.org/2000/svg';
  // What each drawing is called and what its list below the drawing holds.
  const NOUN = { map: ['map', 'places'], timeline: ['timeline', 'events'], network: ['network', 'actors'] };

  /* ---------- small helpers ---------- */

  const NUMBER = new Intl.NumberFormat('en');
  const fmtN = (n) => (n < 1000 && n > -1000 ? String(n) : NUMBER.format(n));
  const plural = (n, one, many) => fmtN(n) + ' ' + (n === 1 ? one : many || one + 's');
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

  function make(ns, tag, attrs, parent, text) {
    const el = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    for (const k in attrs || {}) {
      if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) el.setAttribute(k, attrs[k]);
    }
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }
  const h = (tag, attrs, parent, text) => make(null, tag, attrs, parent, text);
  const s = (tag, attrs, parent, text) => make(SVGNS, tag, attrs, parent, text);

  // Seeded pseudo-random numbers (mulberry32), so that layouts are the same on every load.
  function seeded(seed) {
    return function () {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // "2024-02-03" -> days since 1970-01-01 (UTC, so no time zone shifts a day); null if absent.
  function dayNum(iso) {
    const m = /^(-?\d{1,6})-(\d\d)-(\d\d)/.exec(iso || '');
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / 864e5 : null;
  }

  // A list "a, b, c and 4 more" for popups and names.
  function some(items, max) {
    const shown = items.slice(0, max).join(', ');
    return items.length > max ? shown + ' and ' + fmtN(items.length - max) + ' more' : shown;
  }

  async function getJSON(url) {
    const r = await fetch(url, { credentials: 'same-origin' });
    if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
    return r.json();
  }

  // The key below a drawing: [kind, text] pairs; the kind's sample is drawn by CSS.
  function legend(ui, items) {
    const p = h('p', { class: 'fs-explore-key' }, ui.after);
    for (const [kind, text] of items) h('span', { class: kind ? 'fs-key fs-key-' + kind : null }, p, text);
  }

  /* ---------- popup (one per container) ---------- */

  let tipCount = 0;

  // A popup shown beside a mark on hover or focus. Its lines come from content(mark), an
  // array of [text, class] pairs; the popup is also the mark's aria-describedby.
  function makeTip(box, svg, content) {
    const tip = h('div', { class: 'fs-explore-tip', role: 'tooltip', id: 'fs-explore-tip-' + ++tipCount, hidden: '' }, box);
    let current = null;

    function show(mark) {
      const lines = content.get(mark);
      if (!lines) return;
      current = mark;
      tip.textContent = '';
      for (const [text, cls] of lines()) h('div', { class: cls || null }, tip, text);
      tip.hidden = false;
      mark.setAttribute('aria-describedby', tip.id);
      const b = box.getBoundingClientRect();
      const m = mark.getBoundingClientRect();
      const w = tip.offsetWidth;
      const ht = tip.offsetHeight;
      tip.style.left = clamp(m.left + m.width / 2 - b.left - w / 2, 0, Math.max(0, box.clientWidth - w)) + 'px';
      // Above the mark when there is room inside the container, else below it.
      const above = m.top - b.top - ht - 8;
      tip.style.top = (above >= 0 ? above : m.bottom - b.top + 8) + 'px';
    }
    function hide() {
      if (current) current.removeAttribute('aria-describedby');
      current = null;
      tip.hidden = true;
    }
    const markOf = (e) => e.target.closest && e.target.closest('a');
    svg.addEventListener('pointerover', (e) => { const a = markOf(e); if (a && a !== current) show(a); });
    svg.addEventListener('pointerout', (e) => {
      if (current && !(e.relatedTarget && current.contains(e.relatedTarget)) && document.activeElement !== current) hide();
    });
    svg.addEventListener('focusin', (e) => { const a = markOf(e); if (a) show(a); });
    svg.addEventListener('focusout', hide);
    svg.addEventListener('keydown', (e) => { if (e.key === 'Escape') hide(); });
    return { hide };
  }

  /* ---------- zoom and pan ---------- */

  // Wheel, drag and arrow keys on an SVG whose viewBox is width W: calls view.zoom(factor,
  // x, y) and view.pan(dx, dy) in viewBox units. Buttons +, − and Reset go in `bar`.
  function zoomPan(svg, getW, view, bar) {
    const unit = () => getW() / svg.getBoundingClientRect().width;
    const at = (e) => {
      const r = svg.getBoundingClientRect();
      return [(e.clientX - r.left) * unit(), (e.clientY - r.top) * unit()];
    };
    svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      const [x, y] = at(e);
      view.zoom(Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.002)), x, y);
    }, { passive: false });

    let drag = null;
    let dragged = false;
    svg.addEventListener('pointerdown', (e) => {
      dragged = false;
      if (e.button === 0) drag = { x: e.clientX, y: e.clientY, id: e.pointerId, moving: false };
    });
    svg.addEventListener('pointermove', (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moving && Math.hypot(dx, dy) < 4) return; // a click, not yet a drag
      if (!drag.moving) {
        drag.moving = true;
        svg.setPointerCapture(e.pointerId);
        svg.classList.add('fs-dragging');
      }
      drag.x = e.clientX;
      drag.y = e.clientY;
      view.pan(dx * unit(), dy * unit());
    });
    const end = () => {
      if (drag && drag.moving) dragged = true;
      drag = null;
      svg.classList.remove('fs-dragging');
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointercancel', end);
    // A drag that ends on a mark must not follow the mark's link.
    svg.addEventListener('click', (e) => {
      if (dragged) { e.preventDefault(); e.stopPropagation(); dragged = false; }
    }, true);
    svg.addEventListener('keydown', (e) => {
      const step = 60;
      const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (moves[e.key]) view.pan(moves[e.key][0], moves[e.key][1]);
      else if (e.key === '+' || e.key === '=') view.zoom(1.5);
      else if (e.key === '-' || e.key === '_') view.zoom(1 / 1.5);
      else return;
      e.preventDefault();
    });

    const zoomBar = h('div', { class: 'fs-explore-zoom', role: 'group', 'aria-label': 'Zoom' }, bar);
    const button = (text, label, act) => {
      const b = h('button', { type: 'button', 'aria-label': label, title: label }, zoomBar, text);
      b.addEventListener('click', act);
    };
    button('+', 'Zoom in', () => view.zoom(1.6));
    button('\u2212', 'Zoom out', () => view.zoom(1 / 1.6));
    button('Reset', 'Reset the view', () => view.reset());
  }

  // Calls fn at most once per animation frame however often it is asked for.
  function perFrame(fn) {
    let asked = false;
    return () => {
      if (asked) return;
      asked = true;
      requestAnimationFrame(() => { asked = false; fn(); });
    };
  }

  // The focused mark's key before a redraw, and focus back on the mark that holds it after.
  function keepFocus(group, keysOf, redraw) {
    const active = document.activeElement;
    const key = active && group.contains(active) ? (keysOf.get(active) || [])[0] : null;
    const n = redraw();
    if (key !== null && key !== undefined) {
      for (const el of group.children) {
        if ((keysOf.get(el) || []).includes(key)) { el.focus({ preventScroll: true }); break; }
      }
    }
    return n;
  }

  /* ---------- map tiles (optional) ---------- */

  // Raster tiles (OpenStreetMap's or any in the same scheme) under the map's marks, when the
  // site turns them on: mkdocs.yml's `extra.factsheets.map_tiles`, which overrides/main.html
  // passes on as <meta name="fs-map-tiles"> and <meta name="fs-map-tiles-attribution">.
  // Off by default, since with tiles every reader's browser asks the tile host for images.
  // Returns null (the outline map alone) unless the meta holds an http(s) URL template
  // with {z}, {x} and {y}; otherwise { host, attribution, url(z, x, y) }.
  function tileSource() {
    const meta = (name) => {
      const el = document.querySelector('meta[name="' + name + '"]');
      return ((el && el.getAttribute('content')) || '').trim();
    };
    const template = meta('fs-map-tiles');
    if (!template) return null;
    const fill = (z, x, y) => template.replace(/\{([zxy])\}/g, (_, c) => String({ z, x, y }[c]));
    let host;
    try {
      const u = new URL(fill(0, 0, 0), document.baseURI);
      if (!/\{z\}/.test(template) || !/\{x\}/.test(template) || !/\{y\}/.test(template)) throw new Error('no {z}, {x} or {y}');
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
      host = u.host;
    } catch (err) {
      console.warn('fs-map-tiles ignored (' + err.message + '): ' + template);
      return null;
    }
    return { host, attribution: meta('fs-map-tiles-attribution'), url: (z, x, y) => new URL(fill(z, x, y), document.baseURI).href };
  }

  // Web Mercator, the projection tiles are cut in, in "world pixels": the world is 256 by
  // 256 of them (a zoom 0 tile), x eastwards from 180°W, y southwards from 85.05°N.
  const mercX = (lon) => ((lon + 180) / 360) * 256;
  const mercY = (lat) => {
    const phi = (clamp(lat, -85.0511, 85.0511) * Math.PI) / 180;
    return 128 - (128 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + phi / 2));
  };

  // The tiles covering the view, as SVG <image>s in `parent`. At zoom z the world is 2^z by
  // 2^z tiles, each 256/2^z world pixels wide. show(view, now) takes the view:
  //   { z: tile zoom wanted, X0, Y0, X1, Y1: world pixels in view, W, H: its size on screen,
  //     at(X, Y): where world pixel X, Y is on screen }.
  function tileLayer(parent, source) {
    // Tiles of another zoom level wait in `back` while those of the current one load in
    // `front`, so zooming does not flash the outline map below.
    const back = s('g', {}, parent);
    const front = s('g', {}, parent);
    const tiles = new Map(); // "z/x/y" -> { img, x, y, size, done }
    let current = new Set(); // keys of the tiles the view needs at `level`
    let level = null;
    let view = null;
    let timer = 0;

    function load(key, z, x, y) {
      const t = { img: s('image', { preserveAspectRatio: 'none' }, front), x, y, size: 256 / 2 ** z, done: false };
      const finish = (ok) => {
        t.done = true;
        if (!ok) t.img.setAttribute('visibility', 'hidden'); // the outlines below show instead
        if (tiles.get(key) === t) place();
      };
      t.img.addEventListener('load', () => finish(true));
      t.img.addEventListener('error', () => finish(false));
      t.img.setAttribute('href', source.url(z, x, y));
      return t;
    }

    function place() {
      const { X0, Y0, X1, Y1, W, H, at } = view;
      // New tiles only once the zoom level has settled (see show): meanwhile, those shown
      // are stretched, rather than fetching every level a wheel zooms through.
      if (level === view.z) {
        const n = 2 ** level, size = 256 / n;
        current = new Set();
        for (let y = Math.max(0, Math.floor(Y0 / size)); y <= Math.min(n - 1, Math.floor(Y1 / size)); y++) {
          for (let x = Math.max(0, Math.floor(X0 / size)); x <= Math.min(n - 1, Math.floor(X1 / size)); x++) {
            const key = level + '/' + x + '/' + y;
            current.add(key);
            if (!tiles.has(key)) tiles.set(key, load(key, level, x, y));
          }
        }
      }
      // (A needed tile may have gone since, out of view after a pan while the zoom settled.)
      const loaded = [...current].every((key) => !tiles.has(key) || tiles.get(key).done);
      for (const [key, t] of tiles) {
        const [x0, y0] = at(t.x * t.size, t.y * t.size);
        const [x1, y1] = at((t.x + 1) * t.size, (t.y + 1) * t.size);
        const mine = current.has(key);
        if (x1 < 0 || x0 > W || y1 < 0 || y0 > H || (!mine && loaded)) {
          t.img.remove();
          tiles.delete(key);
          continue;
        }
        const layer = mine ? front : back;
        if (t.img.parentNode !== layer) layer.appendChild(t.img);
        // Half a unit more each way, so that no hairline shows between neighbours.
        t.img.setAttribute('x', x0.toFixed(2));
        t.img.setAttribute('y', y0.toFixed(2));
        t.img.setAttribute('width', (x1 - x0 + 0.5).toFixed(2));
        t.img.setAttribute('height', (y1 - y0 + 0.5).toFixed(2));
      }
    }

    return {
      show(v, now) {
        view = v;
        clearTimeout(timer);
        if (level === null || now) level = v.z;
        else if (v.z !== level) timer = setTimeout(() => { level = view.z; place(); }, 250);
        place();
      },
    };
  }

  /* ---------- map ---------- */

  function drawMap(box, data, world, link, ui) {
    const places = (data.places || []).filter((p) => isFinite(p.lat) && isFinite(p.lon));
    const unplaced = (data.unplaced || []).length;
    const eventsUnplaced = (data.events_unplaced || []).length;
    const countries = (world && world.countries) || [];
    const CELL = 36; // grid cell, in px, inside which marks are grouped
    const MAXK = 40; // deepest zoom, relative to the first view
    const source = tileSource(); // null, the default: outlines only, nothing from elsewhere

    let status = plural(places.length, 'place') + ' on the map; ' + fmtN(unplaced) + ' not placed (listed below)';
    if (eventsUnplaced) status += '; ' + plural(eventsUnplaced, 'event') + ' with no placed location';
    ui.status.textContent = status + '.';
    legend(ui, [['place', 'a place'], ['approx', 'approximate position (its parent’s)'], ['group', 'places grouped: activate to zoom in']]);
    if (world && world.attribution) h('p', { class: 'fs-explore-attribution' }, ui.after, world.attribution);
    if (source) {
      // The tile provider's attribution is required (OpenStreetMap's tile usage policy), and
      // readers are told which host their browser contacts.
      if (source.attribution) h('p', { class: 'fs-explore-attribution' }, ui.after, 'Map tiles: ' + source.attribution);
      h('p', { class: 'fs-explore-attribution' }, ui.after,
        'The map tiles are loaded from ' + source.host + ': your browser asks that host for the part of the map in view.');
    }

    const svg = s('svg', { class: 'fs-explore-svg', role: 'group' }, ui.stage);
    svg.setAttribute('aria-label', 'Map: ' + status);
    const sea = s('rect', { class: 'fs-sea', x: 0, y: 0 }, svg);
    const land = s('g', { class: 'fs-land', 'aria-hidden': 'true' }, svg);
    // Tiles go over the outlines, which stay as the map wherever a tile is missing or loading.
    const tiles = source && tileLayer(s('g', { class: 'fs-tiles', 'aria-hidden': 'true' }, svg), source);
    const marks = s('g', { class: 'fs-marks' }, svg);
    const tips = new WeakMap(); // mark -> popup lines
    const keys = new WeakMap(); // mark -> ids of the places it stands for
    const groups = new WeakMap(); // cluster mark -> its sites
    const tip = makeTip(box, svg, tips);

    let W = 0, H = 0, k = 1, tx = 0, ty = 0, kMin = 1, sites = [];
    let merc = null; // with tiles: screen = (o + world pixel * sc) * k + t (see mercX)

    // The projection, fitted to the places' bounding box with a margin (the whole world when
    // there are none): equirectangular with its standard parallel in the middle of the
    // places, or Web Mercator with tiles, as they are cut in it and must line up.
    function layout() {
      W = Math.max(280, Math.round(ui.stage.clientWidth || 640));
      H = Math.round(clamp(W * 0.62, 260, 560));
      let [x0, x1, y0, y1] = places.length ? [180, -180, 90, -90] : [-180, 180, -58, 84];
      for (const p of places) {
        x0 = Math.min(x0, p.lon); x1 = Math.max(x1, p.lon);
        y0 = Math.min(y0, p.lat); y1 = Math.max(y1, p.lat);
      }
      // A margin of 12%, and at least about 16° by 10° in all, so one city has its region.
      const padX = Math.max((x1 - x0) * 0.12, (16 - (x1 - x0)) / 2);
      const padY = Math.max((y1 - y0) * 0.12, (10 - (y1 - y0)) / 2);
      x0 -= padX; x1 += padX; y0 = Math.max(y0 - padY, -85); y1 = Math.min(y1 + padY, 85);
      let project;
      if (source) {
        const X0 = mercX(x0), X1 = mercX(x1), Y0 = mercY(y1), Y1 = mercY(y0); // y grows southwards
        const sc = Math.min(W / (X1 - X0), H / (Y1 - Y0));
        merc = { sc, ox: W / 2 - ((X0 + X1) / 2) * sc, oy: H / 2 - ((Y0 + Y1) / 2) * sc };
        project = (lon, lat) => [merc.ox + mercX(lon) * sc, merc.oy + mercY(lat) * sc];
        kMin = Math.min(1, W / (256 * sc), H / (256 * sc)); // out to the whole world
      } else {
        const c = Math.cos(((y0 + y1) / 2) * Math.PI / 180);
        const sc = Math.min(W / ((x1 - x0) * c), H / (y1 - y0));
        const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
        project = (lon, lat) => [W / 2 + (lon - cx) * c * sc, H / 2 - (lat - cy) * sc];
        kMin = Math.min(1, W / (360 * c * sc), H / (150 * sc));
      }

      svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
      sea.setAttribute('width', W);
      sea.setAttribute('height', H);
      land.textContent = '';
      for (const country of countries) {
        let d = '';
        for (const ring of country.rings || []) {
          if (ring.length < 3) continue;
          d += 'M' + ring.map(([lon, lat]) => project(lon, lat).map((v) => v.toFixed(1)).join(',')).join('L') + 'Z';
        }
        if (d) s('path', { d }, land);
      }
      // Places at the same position (a facility shown at its parent's) form one site,
      // whose marks are drawn in a small ring so each stays reachable.
      const bySpot = new Map();
      for (const p of places) {
        const [x, y] = project(p.lon, p.lat);
        const key = Math.round(x * 2) + ',' + Math.round(y * 2);
        if (!bySpot.has(key)) bySpot.set(key, { x, y, places: [] });
        bySpot.get(key).places.push(p);
      }
      sites = [...bySpot.values()];
      k = 1; tx = 0; ty = 0;
    }

    function placeTip(p) {
      const lines = [[p.name, 'fs-tip-title']];
      const evs = p.events || [];
      for (const ev of evs.slice(0, 5)) lines.push([ev.title + ' \u2014 ' + ev.when]);
      if (evs.length > 5) lines.push(['and ' + fmtN(evs.length - 5) + ' more', 'fs-tip-note']);
      if (!evs.length) lines.push(['No event recorded here', 'fs-tip-note']);
      if (p.provenance) lines.push([p.provenance, 'fs-tip-note']);
      if (p.approximate) lines.push(['Approximate position', 'fs-tip-note']);
      return lines;
    }

    const MAX_NAMED = 25;

    function placeMark(p, x, y) {
      const n = (p.events || []).length;
      const a = s('a', {
        class: 'fs-mark' + (p.approximate ? ' fs-approx' : ''), href: link(p.url), tabindex: 0,
        'aria-label': p.name + ': ' + plural(n, 'event') + (p.approximate ? ' (approximate position)' : ''),
      }, marks);
      s('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 6 }, a);
      tips.set(a, () => placeTip(p));
      keys.set(a, [p.id]);
    }

    function clusterMark(group) {
      const all = group.flatMap((g) => g.site.places);
      const { x, y } = centre(group);
      const names = all.map((p) => p.name);
      const a = s('a', {
        class: 'fs-cluster', role: 'button', tabindex: 0,
        'aria-label': all.length + ' places grouped here (' + some(names, 3) + '): activate to zoom in',
      }, marks);
      s('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: (9 + Math.min(7, Math.sqrt(all.length) * 1.2)).toFixed(1) }, a);
      s('text', { x: x.toFixed(1), y: y.toFixed(1), dy: '0.35em' }, a, fmtN(all.length));
      const evCount = all.reduce((t, p) => t + (p.events || []).length, 0);
      tips.set(a, () => [[plural(all.length, 'place') + ', ' + plural(evCount, 'event'), 'fs-tip-title'],
        [some(names, 5)], ['Activate to zoom in', 'fs-tip-note']]);
      keys.set(a, all.map((p) => p.id));
      groups.set(a, group.map((g) => g.site));
    }

    const centre = (members) => ({
      x: members.reduce((t, g) => t + g.x, 0) / members.length,
      y: members.reduce((t, g) => t + g.y, 0) / members.length,
    });

    // Marks in screen space: sites falling in the same grid cell become one cluster mark.
    function drawMarks() {
      marks.textContent = '';
      const cells = new Map();
      const cluster = k < MAXK * 0.999;
      sites.forEach((site, i) => {
        const x = site.x * k + tx, y = site.y * k + ty;
        if (x < -CELL || x > W + CELL || y < -CELL || y > H + CELL) return;
        const key = cluster ? Math.floor(y / CELL) * 1e5 + Math.floor(x / CELL) : i;
        if (!cells.has(key)) cells.set(key, []);
        cells.get(key).push({ site, x, y });
      });
      // Neighbouring cells whose marks would touch merge into the larger one's group.
      const found = [...cells.values()].map((members) => ({ members, ...centre(members) }))
        .sort((a, b) => b.members.length - a.members.length);
      for (let i = 0; i < found.length; i++) {
        const g = found[i];
        if (!g.members) continue;
        for (let j = i + 1; j < found.length && cluster; j++) {
          const o = found[j];
          if (o.members && Math.hypot(o.x - g.x, o.y - g.y) < CELL * 0.9) {
            g.members = g.members.concat(o.members);
            Object.assign(g, centre(g.members));
            o.members = null;
          }
        }
      }
      // Reading order: top to bottom in bands, then left to right.
      const order = found.filter((g) => g.members)
        .sort((a, b) => Math.floor(a.y / CELL) - Math.floor(b.y / CELL) || a.x - b.x);
      let drawn = 0;
      const named = [];
      for (const { members: group } of order) {
        if (group.length > 1) { clusterMark(group); drawn++; continue; }
        const { site, x, y } = group[0];
        const n = site.places.length;
        const ring = n > 1 ? 7 + 2.2 * n : 0;
        site.places.forEach((p, i) => {
          const angle = (i / n) * 2 * Math.PI - Math.PI / 2;
          const at = [x + ring * Math.cos(angle), y + ring * Math.sin(angle)];
          placeMark(p, at[0], at[1]);
          if (n === 1) named.push([p, at]);
          drawn++;
        });
      }
      // A few marks read better named; many names would only cover each other. The
      // names are drawn for the eye (each mark's own name is its accessible name).
      if (named.length <= MAX_NAMED) {
        for (const [p, [x, y]] of named) {
          s('text', { class: 'fs-mark-name', x: (x + 9).toFixed(1), y: (y + 4).toFixed(1), 'aria-hidden': 'true' }, marks, p.name);
        }
      }
      return drawn;
    }

    // The tiles for the view: at the zoom level whose tiles show closest to their own size,
    // 256 CSS pixels (the world is 256 * 2^z of them at level z), clamped to 0..19.
    function drawTiles(now) {
      if (!tiles) return;
      const { sc, ox, oy } = merc;
      const px = svg.getBoundingClientRect().width / W || 1; // CSS pixels per viewBox unit
      const world = (x, y) => [((x - tx) / k - ox) / sc, ((y - ty) / k - oy) / sc];
      const [X0, Y0] = world(0, 0), [X1, Y1] = world(W, H);
      tiles.show({
        z: clamp(Math.round(Math.log2(sc * k * px)), 0, 19), X0, Y0, X1, Y1, W, H,
        at: (X, Y) => [(ox + X * sc) * k + tx, (oy + Y * sc) * k + ty],
      }, now);
    }

    const update = perFrame(() => {
      tip.hide();
      land.setAttribute('transform', 'translate(' + tx.toFixed(2) + ' ' + ty.toFixed(2) + ') scale(' + k.toFixed(4) + ')');
      drawTiles(false);
      box.dataset.drawn = keepFocus(marks, keys, drawMarks);
    });
    const view = {
      zoom(f, x = W / 2, y = H / 2) {
        const nk = clamp(k * f, kMin, MAXK);
        tx = x - (x - tx) * (nk / k);
        ty = y - (y - ty) * (nk / k);
        k = nk;
        update();
      },
      pan(dx, dy) { tx += dx; ty += dy; update(); },
      reset() { k = 1; tx = 0; ty = 0; update(); },
    };
    zoomPan(svg, () => W, view, ui.controls);

    // Activating a cluster zooms in until its sites stand apart (and still fit the view).
    function open(mark) {
      const group = groups.get(mark);
      if (!group) return;
      const xs = group.map((g) => g.x), ys = group.map((g) => g.y);
      const bx0 = Math.min(...xs), bx1 = Math.max(...xs), by0 = Math.min(...ys), by1 = Math.max(...ys);
      const extent = Math.max(bx1 - bx0, by1 - by0, 0.01) * k;
      const f = clamp(Math.min((2 * CELL) / extent, (0.7 * Math.min(W, H)) / extent), 2, MAXK / k);
      k *= f;
      tx = W / 2 - ((bx0 + bx1) / 2) * k;
      ty = H / 2 - ((by0 + by1) / 2) * k;
      update();
    }
    marks.addEventListener('click', (e) => {
      const a = e.target.closest('.fs-cluster');
      if (a) { e.preventDefault(); open(a); }
    });
    marks.addEventListener('keydown', (e) => {
      const a = e.target.closest('.fs-cluster');
      if (a && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); open(a); }
    });

    return () => {
      layout();
      land.removeAttribute('transform');
      drawTiles(true);
      return drawMarks();
    };
  }

  /* ---------- timeline ---------- */

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  // Ticks for the days v0..v1 over `px` pixels: years, months or days, at least 80 px apart.
  function ticks(v0, v1, px) {
    const perDay = px / (v1 - v0);
    const steps = [[1, 'd'], [2, 'd'], [7, 'd'], [14, 'd'], [1, 'm'], [2, 'm'], [3, 'm'], [6, 'm'],
      [1, 'y'], [2, 'y'], [5, 'y'], [10, 'y'], [20, 'y'], [50, 'y'], [100, 'y'], [500, 'y']];
    const days = { d: 1, m: 30.44, y: 365.25 };
    const [n, unit] = steps.find(([n, u]) => n * days[u] * perDay >= 80) || steps[steps.length - 1];
    const out = [];
    const first = new Date(v0 * 864e5);
    if (unit === 'd') {
      for (let d = Math.ceil(v0 / n) * n; d <= v1; d += n) {
        const t = new Date(d * 864e5);
        const label = t.getUTCDate() + ' ' + MONTHS[t.getUTCMonth()];
        out.push([d, out.length === 0 || (t.getUTCMonth() === 0 && t.getUTCDate() <= n) ? label + ' ' + t.getUTCFullYear() : label]);
      }
    } else {
      const months = unit === 'm' ? n : n * 12;
      let m = first.getUTCFullYear() * 12 + first.getUTCMonth();
      m = Math.ceil(m / months) * months;
      for (;; m += months) {
        const d = Date.UTC(Math.floor(m / 12), m % 12, 1) / 864e5;
        if (d > v1) break;
        if (d >= v0) out.push([d, unit === 'y' ? String(Math.floor(m / 12)) : MONTHS[m % 12] + ' ' + Math.floor(m / 12)]);
      }
    }
    return out;
  }

  function drawTimeline(box, data, _world, link, ui) {
    const actors = data.actors || {};
    const placesById = data.places || {};
    const items = (data.events || []).map((e) => {
      const start = dayNum(e.start);
      const end = e.end ? dayNum(e.end) : start;
      return { e, s: start, t: start === null ? null : Math.max(start, end) + 1 }; // t: the day after the last
    });
    const dated = items.filter((d) => d.s !== null).sort((a, b) => a.s - b.s || (a.e.order || 0) - (b.e.order || 0));
    const undated = items.filter((d) => d.s === null).sort((a, b) => (a.e.order || 0) - (b.e.order || 0));
    const LANE = 14, AXIS = 26, PAD = 10, R = 4.5, MAX_UNDATED_ROWS = 4;

    // Filters, built from the data: an option per actor, place and type the events name.
    function choices(key, names) {
      const count = new Map();
      for (const { e } of items) for (const v of [].concat(e[key] || [])) count.set(v, (count.get(v) || 0) + 1);
      return [...count].map(([v, n]) => [v, (names(v) || v) + ' (' + fmtN(n) + ')'])
        .sort((a, b) => a[1].localeCompare(b[1], 'en'));
    }
    function select(label, all, options) {
      const wrap = h('label', { class: 'fs-explore-filter' }, ui.controls, label + ' ');
      const sel = h('select', {}, wrap);
      h('option', { value: '' }, sel, all);
      for (const [v, text] of options) h('option', { value: v }, sel, text);
      sel.addEventListener('change', () => render());
      return sel;
    }
    const fActor = select('Actor', 'All actors', choices('actors', (id) => actors[id] && actors[id].name));
    const fPlace = select('Place', 'All places', choices('places', (id) => placesById[id] && placesById[id].name));
    const fType = select('Type', 'All types', choices('type', () => null));

    const full = dated.length
      ? [dated[0].s, Math.max(...dated.map((d) => d.t))]
      : [dayNum('2000-01-01'), dayNum('2001-01-01')];
    const pad = Math.max((full[1] - full[0]) * 0.03, 15);
    const home = [full[0] - pad, full[1] + pad];
    let [v0, v1] = home;
    let W = 0;

    legend(ui, [['day', 'a day'], ['span', 'a longer period'], ['inferred', "date inferred from the report's date"], ['undated', 'undated']]);
    const svg = s('svg', { class: 'fs-explore-svg fs-timeline', role: 'group', 'aria-label': 'Timeline of events' }, ui.stage);
    const tips = new WeakMap(), keys = new WeakMap();
    const tip = makeTip(box, svg, tips);
    let marks = null;

    function eventTip(e) {
      const lines = [[e.title, 'fs-tip-title'], [e.when]];
      if (e.inferred) lines.push(["Date inferred from the report's date", 'fs-tip-note']);
      if (e.type) lines.push([e.type + (e.sub_type ? ' \u203a ' + e.sub_type : '')]);
      const where = (e.places || []).map((id) => (placesById[id] || {}).name || id);
      if (where.length) lines.push(['Where: ' + some(where, 3)]);
      const who = (e.actors || []).map((id) => (actors[id] || {}).name || id);
      if (who.length) lines.push(['Who: ' + some(who, 4)]);
      return lines;
    }
    function mark(d, shape, attrs) {
      const e = d.e;
      const a = s('a', {
        class: 'fs-ev' + (e.inferred ? ' fs-inferred' : '') + (d.s === null ? ' fs-undated' : ''),
        href: link(e.url), tabindex: 0,
        'aria-label': e.title + ' \u2014 ' + e.when + (e.inferred ? " (date inferred from the report's date)" : ''),
      }, marks);
      s(shape, attrs, a);
      tips.set(a, () => eventTip(e));
      keys.set(a, [e.id]);
    }

    function render() {
      tip.hide();
      W = Math.max(280, Math.round(ui.stage.clientWidth || 640));
      const MAX_LANES = W < 600 ? 18 : 26;
      const a = fActor.value, p = fPlace.value, ty = fType.value;
      const keep = ({ e }) => (!a || (e.actors || []).includes(a)) && (!p || (e.places || []).includes(p)) && (!ty || e.type === ty);
      const x = (d) => PAD + ((d - v0) / (v1 - v0)) * (W - 2 * PAD);

      // Lanes: each mark goes into the first lane where it touches no other mark. Lanes
      // are pixel maps (1 = taken), so a mark can fill a gap left between two others.
      const lanes = [], placed = [];
      const put = (l, r) => {
        l = clamp(Math.floor(l), 0, W); r = clamp(Math.ceil(r), 0, W);
        for (let k = 0; k < lanes.length; k++) {
          if (lanes[k].subarray(l, r).every((v) => v === 0)) { lanes[k].fill(1, l, r); return k; }
        }
        if (lanes.length >= MAX_LANES) return -1;
        lanes.push(new Uint8Array(W + 1).fill(1, l, r));
        return lanes.length - 1;
      };
      const BIN = 4, bins = new Array(Math.ceil(W / BIN) + 1).fill(0); // events starting per 4 px, for the density strip
      let total = 0, hidden = 0, outside = 0;
      const candidates = [];
      for (const d of dated) {
        if (!keep(d)) continue;
        total++;
        let x0 = x(d.s), x1 = x(d.t);
        if (x1 < 0 || x0 > W) { outside++; continue; }
        if (x0 >= 0) bins[Math.floor(x0 / BIN)]++;
        const point = d.e.precision === 'day' || d.t - d.s <= 1;
        if (point) x0 = x1 = (x0 + x1) / 2;
        else x1 = Math.max(x1, x0 + 4);
        candidates.push({ d, point, x0, x1 });
      }
      // Exact days first: when a period is crowded, the long, vague spans give way.
      for (const points of [true, false]) {
        for (const c of candidates) {
          if (c.point !== points) continue;
          c.lane = points ? put(c.x0 - R - 2, c.x0 + R + 2) : put(c.x0 - 2, c.x1 + 2);
          if (c.lane < 0) hidden++;
          else placed.push(c);
        }
      }
      placed.sort((a, b) => a.d.s - b.d.s || a.lane - b.lane); // reading (and tab) order: by date
      const shownUndated = undated.filter(keep);
      total += shownUndated.length;
      const perRow = Math.max(1, Math.floor((W - 2 * PAD) / (2 * R + 6)));
      const rows = Math.min(Math.ceil(shownUndated.length / perRow), MAX_UNDATED_ROWS);
      const laneCount = Math.max(lanes.length, 1);
      // When not every event fits in the lanes, a strip above them shows how many start when.
      const DENS = hidden ? 30 : 0;
      const top = AXIS + DENS;
      const undatedTop = top + laneCount * LANE + 12;
      const H = undatedTop + (shownUndated.length ? 20 + rows * LANE + (shownUndated.length > rows * perRow ? 18 : 0) : 0) + 4;

      svg.textContent = '';
      svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
      const axis = s('g', { class: 'fs-axis', 'aria-hidden': 'true' }, svg);
      s('line', { x1: 0, x2: W, y1: AXIS - 4, y2: AXIS - 4 }, axis);
      for (const [d, label] of dated.length ? ticks(v0, v1, W - 2 * PAD) : []) {
        const tx = x(d).toFixed(1);
        s('line', { class: 'fs-grid', x1: tx, x2: tx, y1: AXIS - 8, y2: top + laneCount * LANE }, axis);
        s('text', { x: tx, y: AXIS - 11 }, axis, label);
      }
      if (DENS) {
        const most = Math.max(...bins);
        let d = '';
        bins.forEach((n, i) => {
          const bar = Math.max(1, (n / most) * (DENS - 8)).toFixed(1);
          if (n) d += 'M' + (i * BIN + 0.5) + ',' + (top - 4) + 'v-' + bar + 'h' + (BIN - 1) + 'v' + bar + 'Z';
        });
        s('path', { class: 'fs-density', d }, axis);
      }
      marks = s('g', { class: 'fs-marks' }, svg);
      let drawn = keepFocus(marks, keys, () => {
        for (const { d, lane, point, x0, x1 } of placed) {
          const y = top + lane * LANE + LANE / 2;
          if (point) mark(d, 'circle', { cx: x0.toFixed(1), cy: y, r: R });
          else {
            const l = Math.max(x0, -2), r = Math.min(x1, W + 2);
            mark(d, 'rect', { x: l.toFixed(1), y: y - 4, width: Math.max(r - l, 4).toFixed(1), height: 8, rx: 2 });
          }
        }
        if (shownUndated.length) {
          s('text', { class: 'fs-lane-label', x: PAD, y: undatedTop + 8, 'aria-hidden': 'true' }, svg, 'Undated (in the order of their relations)');
          shownUndated.slice(0, rows * perRow).forEach((d, i) => {
            mark(d, 'circle', { cx: PAD + R + (i % perRow) * (2 * R + 6), cy: undatedTop + 20 + Math.floor(i / perRow) * LANE + LANE / 2 - 4, r: R });
          });
          if (shownUndated.length > rows * perRow) {
            s('text', { class: 'fs-lane-label', x: PAD, y: H - 8 }, svg,
              'and ' + plural(shownUndated.length - rows * perRow, 'more undated event') + ' (listed below)');
          }
        }
        return marks.children.length;
      });

      let status = 'Showing ' + fmtN(drawn) + ' of ' + plural(total, 'event');
      if (hidden) status += '; ' + fmtN(hidden) + ' more in crowded periods (zoom in or filter to see them)';
      if (outside) status += '; ' + fmtN(outside) + ' outside this period';
      ui.status.textContent = status + '.';
      svg.setAttribute('aria-label', 'Timeline: ' + status);
      box.dataset.drawn = drawn;
      return drawn;
    }

    const update = perFrame(render);
    const minSpan = 14;
    zoomPan(svg, () => W, {
      zoom(f, px = W / 2) {
        const at = v0 + ((px - PAD) / (W - 2 * PAD)) * (v1 - v0);
        const span = clamp((v1 - v0) / f, minSpan, (home[1] - home[0]) * 1.5);
        v0 = at - ((at - v0) / (v1 - v0)) * span;
        v1 = v0 + span;
        update();
      },
      pan(dx) {
        const shift = (dx / (W - 2 * PAD)) * (v1 - v0);
        v0 -= shift; v1 -= shift;
        update();
      },
      reset() { [v0, v1] = home; update(); },
    }, ui.controls);

    return render;
  }

  /* ---------- network ---------- */

  // Colours for actor kinds, each at least 3:1 against white (marks) and paired with a legend.
  const KIND_COLOURS = ['#0b63b5', '#c0392b', '#1b7f3b', '#7b3fa0', '#a15c00', '#00798c', '#b0306e', '#5d6d35', '#59636e'];
  const LIMIT = 300;

  // Fruchterman–Reingold force layout with a fixed number of iterations from a seeded start,
  // so every load draws the same picture. Returns positions fitted into W×H with margin m;
  // with pinFirst the first node stays in the middle (the focused actor).
  function forceLayout(ns, es, W, H, m, pinFirst) {
    const n = ns.length;
    const X = new Float64Array(n), Y = new Float64Array(n), DX = new Float64Array(n), DY = new Float64Array(n);
    const index = new Map(ns.map((d, i) => [d.id, i]));
    const links = es.map((e) => [index.get(e.source), index.get(e.target), e.type === 'relation' ? 1.5 : 1]);
    const rnd = seeded(20240207);
    const K = Math.sqrt((W * H) / Math.max(n, 1)) * 0.6;
    // Start on a golden-angle spiral, the best connected in the middle.
    for (let i = 0; i < n; i++) {
      const r = K * Math.sqrt(i + 0.5) * 0.6, a = i * 2.39996323;
      X[i] = r * Math.cos(a) * (W / H) + rnd() - 0.5;
      Y[i] = r * Math.sin(a) + rnd() - 0.5;
    }
    if (pinFirst && n) X[0] = Y[0] = 0;
    const ITER = n > 150 ? 200 : 300;
    const K2 = K * K, G = 0.6 / K;
    for (let it = 0; it < ITER; it++) {
      const temp = (K * 2) * (1 - it / ITER) + 0.5;
      DX.fill(0); DY.fill(0);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const dx = X[i] - X[j], dy = Y[i] - Y[j];
          const f = K2 / (dx * dx + dy * dy + 0.01);
          DX[i] += dx * f; DY[i] += dy * f; DX[j] -= dx * f; DY[j] -= dy * f;
        }
      }
      for (const [a, b, w] of links) {
        const dx = X[b] - X[a], dy = Y[b] - Y[a];
        const f = (Math.sqrt(dx * dx + dy * dy) / K) * w;
        DX[a] += dx * f; DY[a] += dy * f; DX[b] -= dx * f; DY[b] -= dy * f;
      }
      for (let i = pinFirst ? 1 : 0; i < n; i++) {
        // Gravity keeps unconnected actors and small groups from drifting off.
        const d = Math.sqrt(X[i] * X[i] + Y[i] * Y[i]);
        DX[i] -= X[i] * d * G; DY[i] -= Y[i] * d * G;
        const len = Math.sqrt(DX[i] * DX[i] + DY[i] * DY[i]);
        if (len > 0) { const step = Math.min(len, temp) / len; X[i] += DX[i] * step; Y[i] += DY[i] * step; }
      }
    }
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, X[i]); x1 = Math.max(x1, X[i]); y0 = Math.min(y0, Y[i]); y1 = Math.max(y1, Y[i]);
    }
    // Fit into the box, stretching one axis at most 1.6 times the other.
    const sx = (W - 2 * m) / Math.max(x1 - x0, 1e-9), sy = (H - 2 * m) / Math.max(y1 - y0, 1e-9);
    const fx = Math.min(sx, 1.6 * sy), fy = Math.min(sy, 1.6 * sx);
    const ox = (W - (x1 - x0) * fx) / 2, oy = (H - (y1 - y0) * fy) / 2;
    return ns.map((_, i) => [ox + (X[i] - x0) * fx, oy + (Y[i] - y0) * fy]);
  }

  function drawNetwork(box, data, _world, link, ui) {
    const nodes = data.nodes || [];
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const edges = (data.edges || []).filter((e) => byId.has(e.source) && byId.has(e.target) && e.source !== e.target);
    const adj = new Map(nodes.map((n) => [n.id, []]));
    for (const e of edges) { adj.get(e.source).push(e); adj.get(e.target).push(e); }
    const degree = (n) => adj.get(n.id).length;
    const rank = (a, b) => degree(b) - degree(a) || (b.events || 0) - (a.events || 0) || a.name.localeCompare(b.name, 'en');
    const name = (id) => byId.get(id).name;

    // Kinds, most common first, each with a colour; the checkboxes are the legend.
    const kindCount = new Map();
    for (const n of nodes) kindCount.set(n.kind || 'other', (kindCount.get(n.kind || 'other') || 0) + 1);
    const kinds = [...kindCount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const colour = new Map(kinds.map(([k], i) => [k, KIND_COLOURS[i % KIND_COLOURS.length]]));
    const shownKinds = new Set(colour.keys());
    const kindsBox = h('fieldset', { class: 'fs-explore-kinds' }, ui.controls);
    h('legend', {}, kindsBox, 'Kinds shown');
    for (const [k, count] of kinds) {
      const label = h('label', {}, kindsBox);
      const box_ = h('input', { type: 'checkbox', checked: '' }, label);
      h('span', { class: 'fs-swatch', style: 'background:' + colour.get(k), 'aria-hidden': 'true' }, label);
      label.appendChild(document.createTextNode(k + ' (' + fmtN(count) + ')'));
      box_.addEventListener('change', () => { if (box_.checked) shownKinds.add(k); else shownKinds.delete(k); render(); });
    }
    const focusWrap = h('label', { class: 'fs-explore-filter' }, ui.controls, 'Focus on ');
    const focusSel = h('select', {}, focusWrap);
    h('option', { value: '' }, focusSel, nodes.length > LIMIT ? 'the ' + LIMIT + ' most connected' : 'nobody (all actors)');
    for (const n of [...nodes].sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
      h('option', { value: n.id }, focusSel, n.name + ' (' + plural(degree(n), 'connection') + ')');
    }
    focusSel.addEventListener('change', () => render());
    legend(ui, [['rel', 'relation'], ['unsure', 'suspected or claimed'], ['co', 'in events together'],
      ['', 'Activate a line to read its evidence.']]);

    const svg = s('svg', { class: 'fs-explore-svg fs-network', role: 'group' }, ui.stage);
    const tips = new WeakMap(), keys = new WeakMap();
    const tip = makeTip(box, svg, tips);

    // The actors drawn: the focused one and its neighbours, or the best connected.
    function choose() {
      const focus = byId.get(focusSel.value);
      if (focus) {
        const near = new Set();
        for (const e of adj.get(focus.id)) {
          const other = byId.get(e.source === focus.id ? e.target : e.source);
          if (shownKinds.has(other.kind || 'other')) near.add(other);
        }
        const all = [...near].sort(rank);
        return { focus, list: [focus, ...all.slice(0, LIMIT - 1)], of: all.length };
      }
      const all = nodes.filter((n) => shownKinds.has(n.kind || 'other')).sort(rank);
      return { focus: null, list: all.slice(0, LIMIT), of: all.length };
    }

    function edgeText(e) {
      return e.type === 'relation' ? name(e.source) + ' ' + e.label + ' ' + name(e.target) : name(e.source) + ' and ' + name(e.target) + ': ' + e.label;
    }

    function render() {
      tip.hide();
      const W = Math.max(280, Math.round(ui.stage.clientWidth || 640));
      const { focus, list, of } = choose();
      const H = list.length ? Math.round(clamp(W * 0.7, 380, 680)) : 40;
      const inView = new Set(list.map((n) => n.id));
      // Co-participant lines first so relations are drawn over them.
      // Around a focused actor with many neighbours, only its own lines and the relations
      // between the others: every co-participation among them would hide the picture.
      const busy = focus && list.length > 80;
      const es = edges.filter((e) => inView.has(e.source) && inView.has(e.target) &&
        (!busy || e.type === 'relation' || e.source === focus.id || e.target === focus.id))
        .sort((a, b) => (a.type === 'relation') - (b.type === 'relation'));
      const pos = forceLayout(list, es, W, H, 18, !!focus);
      const at = new Map(list.map((n, i) => [n.id, pos[i]]));
      // Smaller circles when the actors are many for the space.
      const scale = clamp(Math.sqrt((W * H) / Math.max(list.length, 1)) / 50, 0.55, 1);
      const radius = (n) => (4 + Math.min(8, Math.sqrt(degree(n)))) * scale;

      svg.textContent = '';
      svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
      const gEdges = s('g', { class: 'fs-edges' }, svg);
      // Relations are tab stops; co-participations, as many as there are shared events, are
      // clickable but out of the tab order (the actor pages list the events).
      for (const e of es) {
        const [x1, y1] = at.get(e.source), [x2, y2] = at.get(e.target);
        const unsure = e.certainty === 'suspected' || e.certainty === 'claimed';
        const rel = e.type === 'relation';
        const a = s('a', {
          class: 'fs-edge ' + (rel ? 'fs-rel' : 'fs-co') + (unsure ? ' fs-unsure' : ''), href: link(e.evidence),
          tabindex: rel ? 0 : -1,
          'aria-label': edgeText(e) + (e.certainty && e.certainty !== 'stated' ? ' (' + e.certainty + ')' : '') + ': read the evidence',
        }, gEdges);
        const c = { x1: x1.toFixed(1), y1: y1.toFixed(1), x2: x2.toFixed(1), y2: y2.toFixed(1) };
        s('line', Object.assign({ class: 'fs-hit' }, c), a);
        s('line', Object.assign({ class: 'fs-line' }, c), a);
        if (rel) s('text', { class: 'fs-edge-label', x: ((x1 + x2) / 2).toFixed(1), y: ((y1 + y2) / 2).toFixed(1), dy: '-0.4em' }, a, e.label);
        tips.set(a, () => [[edgeText(e), 'fs-tip-title'], ['Certainty: ' + (e.certainty || 'not stated')], ['Activate to read the evidence', 'fs-tip-note']]);
      }

      const gNodes = s('g', { class: 'fs-nodes' }, svg);
      const gLabels = s('g', { class: 'fs-labels' }, svg);
      // Labels: best connected first, each beside its node where it covers no other label
      // and no other circle. A label is a second link to the actor, out of the tab order.
      const circles = list.map((n) => { const [x, y] = at.get(n.id), r = radius(n); return [x - r, y - r, x + r, y + r]; });
      const boxes = [];
      const hit = (b, o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1];
      // The ten best connected are labelled even over other circles: they matter most.
      const free = (b, self) => b[0] >= 0 && b[2] <= W && b[1] >= 0 && b[3] <= H &&
        !boxes.some((o) => hit(b, o)) && (self < 10 || !circles.some((c, i) => i !== self && hit(b, c)));
      const drawn = keepFocus(gNodes, keys, () => {
        list.forEach((n, i) => {
          const [x, y] = at.get(n.id), r = radius(n);
          const rels = adj.get(n.id).filter((e) => e.type === 'relation');
          const lines = () => {
            const out = [[n.name, 'fs-tip-title'], [(n.kind || 'actor') + ': ' + plural(n.events || 0, 'event') + ', ' + plural(degree(n), 'connection')]];
            for (const e of rels.slice(0, 5)) out.push([edgeText(e)]);
            if (rels.length > 5) out.push(['and ' + plural(rels.length - 5, 'more relation'), 'fs-tip-note']);
            return out;
          };
          const a = s('a', {
            class: 'fs-node' + (focus === n ? ' fs-focus' : ''), href: link(n.url), tabindex: 0,
            'aria-label': n.name + ', ' + (n.kind || 'actor') + ': ' + plural(n.events || 0, 'event') + ', ' + plural(degree(n), 'connection'),
          }, gNodes);
          s('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), fill: colour.get(n.kind || 'other') }, a);
          tips.set(a, lines);
          keys.set(a, [n.id]);
          const w = n.name.length * 6.1 + 4;
          for (const b of [[x + r + 3, y - 7, x + r + 3 + w, y + 7, 'start'], [x - r - 3 - w, y - 7, x - r - 3, y + 7, 'end']]) {
            if (!free(b, i)) continue;
            boxes.push(b);
            const l = s('a', { class: 'fs-label', href: link(n.url), tabindex: -1, 'aria-hidden': 'true' }, gLabels);
            s('text', { x: (b[4] === 'start' ? b[0] : b[2]).toFixed(1), y: y.toFixed(1), dy: '0.35em', 'text-anchor': b[4] }, l, n.name);
            tips.set(l, lines);
            break;
          }
        });
        return list.length;
      });

      let status;
      if (focus) status = 'Showing ' + focus.name + ' and ' + (of > LIMIT - 1 ? 'the ' + fmtN(LIMIT - 1) + ' best connected of its ' : 'its ') + plural(of, 'connection');
      else if (of > list.length) status = 'Showing the ' + fmtN(list.length) + ' most connected of ' + fmtN(of) + ' actors; choose one to focus on';
      else status = 'Showing ' + plural(list.length, 'actor') + ' and ' + plural(es.length, 'connection');
      ui.status.textContent = status + '.';
      svg.setAttribute('aria-label', 'Network: ' + status);
      box.dataset.drawn = drawn;
      return drawn;
    }
    return render;
  }

  /* ---------- set-up ---------- */

  const DRAW = { map: drawMap, timeline: drawTimeline, network: drawNetwork };

  // The data links pages by the URLs MkDocs gives them by default, directory URLs:
  // `actors/x/`, served as actors/x/index.html. The copy `factsheets build --offline` writes
  // for reading from the disk has file URLs instead (its header says so, data-fs-file-urls):
  // a page is at `actors/x.html` and a folder's page at `actors/index.html`. The data's
  // pages are fact sheets, `<folder>/<id>/`, or a folder's own page.
  const FILE_URLS = !!document.querySelector('[data-fs-file-urls]');
  function pageURL(url) {
    const at = url.search(/[?#]/);
    const path = at < 0 ? url : url.slice(0, at);
    const rest = at < 0 ? '' : url.slice(at);
    if (!FILE_URLS || !path.endsWith('/')) return url;
    const folder = path.indexOf('/') === path.length - 1;
    return (folder ? path + 'index' : path.slice(0, -1)) + '.html' + rest;
  }

  // Where this page is, from the site's root (`map/` or `map/index.html`): for the way
  // to serve the site that a page opened from the disk gives.
  function fromRoot(root) {
    const base = new URL(root || './', location.href).href;
    const here = location.href.split(/[?#]/)[0];
    return here.startsWith(base) ? here.slice(base.length) : '';
  }

  async function setup(box) {
    box.dataset.init = '1';
    const t0 = performance.now();
    const kind = box.dataset.kind;
    const [what, list] = NOUN[kind] || ['drawing', 'items'];
    const root = box.dataset.root || '';
    const link = (url) => root + pageURL(url || '');
    let fallback = box.querySelector('.fs-explore-fallback');
    try {
      if (!DRAW[kind]) throw new Error('unknown data-kind "' + kind + '"');
      if (!box.dataset.src) throw new Error('no data-src');
      const url = (path) => new URL(root + path, document.baseURI).href;
      const [data, world] = await Promise.all([
        getJSON(url(box.dataset.src)),
        kind === 'map' && box.dataset.world ? getJSON(url(box.dataset.world)) : null,
      ]);
      const root_ = h('div', { class: 'fs-explore-ui' }, box);
      const ui = {
        controls: h('div', { class: 'fs-explore-controls' }, root_),
        status: h('p', { class: 'fs-explore-status', 'aria-live': 'polite' }, root_),
        stage: h('div', { class: 'fs-explore-stage' }, root_),
        after: h('div', { class: 'fs-explore-after' }, root_),
      };
      if (fallback) fallback.hidden = true;
      const render = DRAW[kind](box, data, world, link, ui);
      let width = ui.stage.clientWidth;
      box.dataset.drawn = render();
      box.dataset.ms = Math.round(performance.now() - t0);
      // Since the page's navigation started: what a reader waits (the benchmark reads it).
      box.dataset.since = Math.round(performance.now());
      // Draw again when the width changes much (a phone turned, a window resized).
      if (window.ResizeObserver) {
        new ResizeObserver(() => {
          const w = ui.stage.clientWidth;
          if (w && Math.abs(w - width) > 40) { width = w; box.dataset.drawn = render(); }
        }).observe(ui.stage);
      }
    } catch (err) {
      box.dataset.error = (err && err.message) || String(err);
      // Nothing half drawn stays: the message alone, where the fallback was.
      for (const el of box.querySelectorAll('.fs-explore-ui, .fs-explore-tip')) el.remove();
      if (location.protocol === 'file:') {
        // The page's own fallback says where the same list is (the Timeline's is on another
        // page); the reader also needs to know how to see the drawing.
        if (!fallback) {
          fallback = h('p', { class: 'fs-explore-fallback' }, box,
            'The interactive ' + what + ' needs the site served over HTTP; this page lists the same ' + list + '.');
        }
        if (!fallback.querySelector('.fs-explore-serve')) {
          const serve = h('span', { class: 'fs-explore-serve' }, fallback);
          serve.append(' A page opened from the disk cannot load the ' + what + '\'s data: in the project folder, run ');
          h('code', {}, serve, 'python -m http.server -d site');
          serve.append(' and open http://127.0.0.1:8000/' + fromRoot(root) + '.');
        }
      } else {
        if (!fallback) fallback = h('p', { class: 'fs-explore-fallback' }, box);
        fallback.textContent = 'The ' + what + ' could not be drawn (' + box.dataset.error + '); the list below has the same ' + list + '.';
      }
      fallback.hidden = false;
    }
  }

  function init() {
    for (const box of document.querySelectorAll('.fs-explore:not([data-init])')) setup(box);
  }

  // Material's instant navigation swaps pages without a load event; its document$ tells.
  // The first page is drawn on DOMContentLoaded as well, as document$ may never emit (with
  // instant navigation on file://, for one); init skips containers already set up.
  if (window.document$ && typeof window.document$.subscribe === 'function') window.document$.subscribe(init);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
