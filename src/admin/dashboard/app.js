// Isartor dashboard: plain browser JavaScript, no framework, no network beyond this gateway's
// /api/admin/* (admin key from sessionStorage, sent as a Bearer header). Every value from the API is
// put into the page as text nodes, never as HTML.
"use strict";
(() => {
  const KEY_STORE = "isartor.adminKey";
  const REFRESH_MS = 5000;
  const LAYERS = [
    ["l1a", "L1a exact cache"],
    ["l1b", "L1b semantic cache"],
    ["l2", "L2 local SLM"],
    ["l3", "L3 cloud"],
    ["l0", "L0 refused"],
    ["error", "error"],
  ];
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (sel) => document.querySelector(sel);
  let activeTab = "overview";
  let timer;

  // ---- small DOM helpers -------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") el.className = v;
      // through the CSSOM: the page's CSP forbids inline style attributes
      else if (k === "style") Object.assign(el.style, v);
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }
  const text = (sel, value) => { const el = $(sel); if (el) el.textContent = value; };
  const fill = (el, ...children) => { el.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null)); };
  const color = (layer) => getComputedStyle(document.documentElement).getPropertyValue(`--${layer}`).trim() || "#999";
  const fmt = (n) => (n === undefined || n === null ? "–" : Number(n).toLocaleString("en-US"));
  function usd(n) {
    if (n === undefined || n === null) return "–";
    if (n > 0 && n < 0.01) return `$${Number(n.toPrecision(2))}`;
    return `$${Number(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  }
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  function duration(secs) {
    const d = Math.floor(secs / 86400), hh = Math.floor((secs % 86400) / 3600), m = Math.floor((secs % 3600) / 60);
    if (d) return `${d}d ${hh}h`;
    if (hh) return `${hh}h ${m}m`;
    return `${m}m ${secs % 60}s`;
  }
  const legend = (el, items) => fill(el, items.map(([k, label]) => h("span", {}, h("span", { class: "swatch", style: { background: color(k) } }), label)));

  // ---- admin API -------------------------------------------------------------------------------
  class Unauthorized extends Error {}
  async function api(path, init = {}) {
    const key = sessionStorage.getItem(KEY_STORE);
    if (!key) throw new Unauthorized("enter the admin key");
    const res = await fetch(path, { ...init, headers: { ...(init.headers || {}), authorization: `Bearer ${key}`, ...(init.body ? { "content-type": "application/json" } : {}) }, cache: "no-store" });
    const body = await res.json().catch(() => ({}));
    if (res.status === 401 || res.status === 403) throw new Unauthorized((body.error && body.error.message) || `HTTP ${res.status}`);
    if (!res.ok) throw new Error((body.error && body.error.message) || `HTTP ${res.status}`);
    return body;
  }

  function askForKey(message) {
    clearTimeout(timer);
    sessionStorage.removeItem(KEY_STORE);
    text("#login-error", message || "");
    const dlg = $("#login");
    if (!dlg.open) dlg.showModal();
    $("#login-key").focus();
  }

  function banner(message, bad) {
    const el = $("#banner");
    if (!message) return el.classList.add("hidden");
    el.textContent = message;
    el.classList.toggle("bad", Boolean(bad));
    el.classList.remove("hidden");
  }

  // ---- charts ----------------------------------------------------------------------------------
  /** stacked bars: columns = [{label, counts: {layer: n}}], keys = layer keys in stacking order */
  function stackedBars(el, columns, keys, tickEvery) {
    const W = 800, H = el.classList.contains("short") ? 170 : 220, L = 36, B = 20, T = 8;
    const max = Math.max(1, ...columns.map((c) => keys.reduce((a, k) => a + (c.counts[k] || 0), 0)));
    const step = (W - L - 4) / Math.max(1, columns.length);
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img" });
    for (const frac of [0, 0.5, 1]) {
      const v = Math.round(max * frac);
      svg.append(s("line", { x1: L, x2: W, y1: y(v), y2: y(v), class: "axis" }), s("text", { x: L - 4, y: y(v) + 3, "text-anchor": "end" }, v));
    }
    columns.forEach((c, i) => {
      let acc = 0;
      const x = L + i * step + step * 0.12;
      for (const k of keys) {
        const n = c.counts[k] || 0;
        if (!n) continue;
        const rect = s("rect", { x, width: Math.max(1, step * 0.76), y: y(acc + n), height: Math.max(0.5, y(acc) - y(acc + n)), fill: color(k), "data-layer": k });
        rect.append(s("title", {}, `${c.label}: ${k} ${n}`));
        svg.append(rect);
        acc += n;
      }
      const last = i === columns.length - 1;
      if (last || (i % tickEvery === 0 && columns.length - i > tickEvery / 2)) {
        svg.append(s("text", { x: last ? W - 2 : x + step * 0.38, y: H - 6, "text-anchor": last ? "end" : "middle" }, c.tick || c.label));
      }
    });
    fill(el, svg);
  }

  /** a line of daily rates (0–1); days without traffic are left out of the line */
  function sparkline(el, days) {
    const W = 400, H = 90, L = 4, R = 40, T = 8, B = 16;
    const x = (i) => L + ((W - L - R) * i) / Math.max(1, days.length - 1);
    const y = (v) => T + (H - T - B) * (1 - v);
    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img" });
    svg.append(s("line", { x1: L, x2: W - R, y1: y(0), y2: y(0), class: "axis" }), s("line", { x1: L, x2: W - R, y1: y(1), y2: y(1), class: "axis" }));
    const known = days.map((d, i) => ({ ...d, i })).filter((d) => d.rate !== null);
    if (known.length) {
      const pts = known.map((d) => `${x(d.i)},${y(d.rate)}`).join(" ");
      svg.append(s("polygon", { class: "area", points: `${x(known[0].i)},${y(0)} ${pts} ${x(known.at(-1).i)},${y(0)}` }), s("polyline", { class: "line", points: pts }));
      for (const d of known) {
        const dot = s("circle", { cx: x(d.i), cy: y(d.rate), r: 3, fill: color("l1a"), "data-day": d.day });
        dot.append(s("title", {}, `${d.day}: ${pct(d.rate)} (${d.deflected} deflected, ${d.cloud} cloud)`));
        svg.append(dot);
      }
      svg.append(s("text", { x: W - 2, y: y(known.at(-1).rate) + 4, "text-anchor": "end", "data-rate": "today" }, pct(known.at(-1).rate)));
    } else svg.append(s("text", { x: (W - R) / 2, y: H / 2, "text-anchor": "middle" }, "no answers in the usage log yet"));
    svg.append(s("text", { x: L, y: H - 3 }, days[0].day.slice(5)), s("text", { x: W - R, y: H - 3, "text-anchor": "end" }, days.at(-1).day.slice(5)));
    fill(el, svg);
  }

  function layerBars(el, byLayer) {
    const total = Object.values(byLayer).reduce((a, b) => a + b, 0);
    fill(el, LAYERS.map(([k, label]) => {
      const n = byLayer[k] || 0;
      return h("div", { class: "layer-row", "data-layer": k },
        h("span", {}, h("span", { class: "swatch", style: { background: color(k) } }), label),
        h("div", { class: "bar" }, h("span", { style: { width: `${total ? (100 * n) / total : 0}%`, background: color(k) } })),
        h("span", { class: "num", "data-count": k }, fmt(n)));
    }));
  }

  // ---- tabs ------------------------------------------------------------------------------------
  async function overview() {
    const minutes = Number($("#ov-minutes").value);
    const o = await api(`/api/admin/overview?minutes=${minutes}`);
    text("#version", `v${o.version}`);
    text("#uptime", `up ${duration(o.uptime_secs)}`);
    text("#ov-total", fmt(o.requests.total));
    text("#ov-deflection", pct(o.requests.deflection_rate));
    text("#ov-tokens-saved", fmt(o.saved.tokens_saved));
    text("#ov-cost-saved", usd(o.saved.cost_saved_usd));
    text("#ov-cloud-cost", `cloud: ${fmt(o.saved.cloud_calls)} calls, ${usd(o.saved.cloud_cost_usd)}`);
    text("#ov-inflight", fmt(o.in_flight));
    const every = Math.max(1, Math.round(o.series.length / 8));
    stackedBars($("#ov-chart"), o.series.map((b) => {
      const d = new Date(b.minute);
      const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
      return { label: hm, tick: hm, counts: b.counts };
    }), LAYERS.map(([k]) => k), every);
    legend($("#ov-legend"), LAYERS);
    layerBars($("#ov-layers"), o.requests.by_layer);
    sparkline($("#ov-spark"), o.daily.map((d) => ({ ...d, rate: d.deflected + d.cloud ? d.deflected / (d.deflected + d.cloud) : null })));
    const caches = Object.entries(o.caches);
    fill($("#ov-caches"), caches.length
      ? h("table", { class: "table" }, h("tbody", {}, caches.map(([name, n]) => h("tr", {}, h("td", {}, name), h("td", { class: "num", "data-cache": name }, `${fmt(n)} entries`)))))
      : h("p", { class: "small muted" }, "no caches enabled"));
    fill($("#ov-providers"), o.providers.length
      ? o.providers.map((p) => h("span", { class: "chip" }, h("span", { class: `badge ${p.status}` }, p.status), " ", p.name, h("span", { class: "muted" }, ` · keys ${p.keys_available}/${p.keys_total}`)))
      : [h("span", { class: "small muted" }, "no provider configured")]);
    text("#ov-layers-enabled", `layers: ${o.layers.join(" → ")}`);
    const warn = $("#quota-warnings");
    warn.classList.toggle("hidden", !o.quota_warnings.length);
    fill(warn, o.quota_warnings.map((w) => h("div", {}, "⚠ Quota: ", w)));
  }

  async function providers() {
    const { providers: list } = await api("/api/admin/providers");
    const body = $("#prov-table tbody");
    fill(body, list.map((p) => {
      const result = h("span", { class: "small", "data-test-result": p.name });
      const btn = h("button", { class: "small-btn", type: "button", "data-test": p.name, onclick: async () => {
        btn.disabled = true;
        result.textContent = " testing…";
        result.className = "small muted";
        try {
          const r = await api("/api/admin/providers/test", { method: "POST", body: JSON.stringify({ provider: p.name }) });
          result.textContent = r.ok ? ` ✓ reachable in ${r.latency_ms} ms${r.models !== undefined ? `, ${r.models} models` : ""}` : ` ✗ ${r.error}`;
          result.className = r.ok ? "small ok" : "small error";
        } catch (err) {
          if (err instanceof Unauthorized) return askForKey(err.message);
          result.textContent = ` ✗ ${err.message}`;
          result.className = "small error";
        } finally {
          btn.disabled = false;
        }
      } }, "Test connection");
      return h("tr", { "data-provider": p.name },
        h("td", {}, h("strong", {}, p.name)), h("td", {}, p.vendor), h("td", {}, h("span", { class: `badge ${p.status}` }, p.status)),
        h("td", {}, p.circuit), h("td", { class: "num" }, p.latency_ms !== undefined ? `${p.latency_ms} ms` : "–"),
        h("td", { class: "num" }, fmt(p.requests)), h("td", { class: "num" }, fmt(p.errors)),
        h("td", { class: "num" }, `${p.keys.available}/${p.keys.total}`),
        h("td", { class: "small" }, p.last_error ? `${p.last_error} (${p.last_error_at})` : "–"),
        h("td", {}, btn, result));
    }));
    text("#prov-empty", list.length ? "" : "No L3 provider configured: the gateway answers from its caches and local layers only.");
    fill($("#prov-keys"), list.map((p) => h("div", {},
      h("h3", { class: "small" }, p.name),
      p.keys.detail.length
        ? h("table", { class: "table" }, h("tbody", {}, p.keys.detail.map((k) => h("tr", {},
            h("td", {}, k.id), h("td", {}, h("code", {}, k.masked)),
            h("td", {}, h("span", { class: `badge ${k.available ? "healthy" : "down"}` }, k.available ? "available" : "cooling down")),
            h("td", { class: "small muted" }, k.cooling_down_secs ? `${k.cooling_down_secs}s left${k.reason ? ` · ${k.reason}` : ""}` : k.reason || "")))))
        : h("p", { class: "small muted" }, "no keys (keyless endpoint or keys from the caller)"))));
  }

  async function usage() {
    const days = Number($("#usage-days").value);
    const u = await api(`/api/admin/usage?days=${days}`);
    const t = u.totals;
    text("#usage-log", u.log.enabled ? `from the usage log ${u.log.path}` : "usage log disabled: counts since this start only");
    text("#us-calls", fmt(t.requests));
    text("#us-errors", `${fmt(t.errors)} errors`);
    text("#us-tokens", `${fmt(t.tokens_in)} / ${fmt(t.tokens_out)}`);
    text("#us-cost", usd(t.cost_usd));
    text("#us-deflected", fmt(t.deflected));
    text("#us-saved", usd(t.cost_saved_usd));
    text("#us-saved-tokens", `${fmt(t.tokens_saved)} tokens`);
    stackedBars($("#us-chart"), u.daily.map((d) => ({ label: d.day, tick: d.day.slice(5), counts: { l3: d.requests, l1a: d.deflected } })), ["l1a", "l3"], 1);
    legend($("#us-legend"), [["l1a", "deflected (cache / local)"], ["l3", "cloud calls"]]);
    fill($("#us-table tbody"), u.by_model.length
      ? u.by_model.map((m) => h("tr", {}, h("td", {}, m.provider), h("td", {}, m.model), h("td", { class: "num" }, fmt(m.requests)), h("td", { class: "num" }, fmt(m.errors)),
          h("td", { class: "num" }, fmt(m.tokens_in)), h("td", { class: "num" }, fmt(m.tokens_out)), h("td", { class: "num" }, usd(m.cost_usd)),
          h("td", { class: "num" }, fmt(m.deflected)), h("td", { class: "num" }, usd(m.cost_saved_usd))))
      : [h("tr", {}, h("td", { colspan: 9, class: "muted small" }, "no usage in this window"))]);
    fill($("#us-quotas"), u.quotas.length
      ? u.quotas.map((q) => {
          const limits = [["requests", q.max_requests, q.used.requests], ["tokens", q.max_tokens, q.used.tokens], ["cost (USD)", q.max_cost_usd, q.used.cost_usd]].filter(([, max]) => max !== undefined);
          const who = [q.provider === "*" ? "all providers" : q.provider, q.model, q.key_id].filter(Boolean).join(" / ");
          return h("div", { class: "quota" }, h("div", {}, h("strong", {}, who), h("span", { class: "muted small" }, ` · per ${q.period} (${q.period_key}) · action ${q.action}`)),
            limits.map(([what, max, used]) => {
              const share = max ? Math.min(1, used / max) : 1;
              return h("div", { class: "layer-row" }, h("span", { class: "small" }, what), h("div", { class: "bar" }, h("span", { class: share >= (q.warn_ratio || 0.8) ? "hot" : "", style: { width: `${share * 100}%` } })), h("span", { class: "num small" }, `${fmt(used)} / ${fmt(max)}`));
            }));
        })
      : h("p", { class: "small muted" }, "no quotas configured ([[quotas]] in isartor.toml)"));
  }

  const open = new Set();
  async function requests() {
    const { requests: list } = await api("/api/admin/requests?limit=100");
    const rows = [];
    for (const r of list) {
      const tokens = r.tokens_in !== undefined ? `${fmt(r.tokens_in)} → ${fmt(r.tokens_out)}${r.saved ? " saved" : ""}` : "–";
      const row = h("tr", { class: "entry", "data-id": r.id, onclick: () => { open.has(r.id) ? open.delete(r.id) : open.add(r.id); requests().catch(handle); } },
        h("td", { class: "small" }, new Date(r.time).toLocaleTimeString()), h("td", {}, `${r.method} ${r.path}`),
        h("td", { class: "num" }, r.status), h("td", {}, h("span", { class: `badge ${r.layer}` }, r.layer)),
        h("td", {}, r.provider || "–"), h("td", {}, r.model || "–"), h("td", { class: "num" }, `${fmt(r.duration_ms)} ms`), h("td", { class: "num small" }, tokens));
      rows.push(row);
      if (open.has(r.id)) rows.push(h("tr", { class: "detail" }, h("td", { colspan: 8 }, h("pre", { class: "json" }, JSON.stringify(r, null, 2)))));
    }
    fill($("#req-table tbody"), rows);
    text("#req-empty", list.length ? "" : "No requests yet.");
  }

  // ---- configuration ---------------------------------------------------------------------------
  let fields = [];
  function input(f) {
    const id = `cfg-${f.key}`;
    const initial = f.type === "list" ? (f.value || []).join(", ") : f.value === undefined || f.value === null ? "" : String(f.value);
    let el;
    if (!f.editable) el = h("textarea", { id, disabled: true }, JSON.stringify(f.value, null, 1));
    else if (f.type === "enum") el = h("select", { id }, f.values.map((v) => h("option", { value: v, selected: v === f.value }, v)));
    else if (f.type === "boolean") el = h("select", { id }, ["true", "false"].map((v) => h("option", { value: v, selected: v === initial }, v)));
    else el = h("input", { id, value: initial, type: f.type === "integer" || f.type === "number" ? "number" : "text", step: f.type === "number" ? "any" : undefined, min: f.min, max: f.max, autocomplete: "off", spellcheck: "false" });
    el.dataset.key = f.key;
    el.dataset.initial = initial;
    el.addEventListener("input", () => el.classList.toggle("changed", el.value !== el.dataset.initial));
    const range = f.min !== undefined || f.max !== undefined ? ` (${f.min ?? "…"} – ${f.max ?? "…"})` : "";
    return h("div", { class: "field" }, h("label", { for: id }, f.key), el,
      h("div", { class: "help" }, f.description, range, f.secret && f.editable ? " · secret: shown masked, kept unless you type a new value" : "", f.editable ? "" : " · structured: edit in isartor.toml"));
  }

  async function config() {
    const [view, meta] = await Promise.all([api("/api/admin/config"), api("/api/admin/config/fields")]);
    $("#cfg-view").textContent = JSON.stringify(view, null, 2);
    text("#cfg-file", meta.file ? `file: ${meta.file}` : "no config file yet: saving creates ./isartor.toml");
    fields = meta.fields;
    const groups = new Map();
    for (const f of fields) {
      const group = f.key.includes(".") ? f.key.split(".")[0] : "general";
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(f);
    }
    fill($("#cfg-form"), [...groups].map(([name, list]) => h("fieldset", {}, h("legend", {}, name === "general" ? "general" : `[${name}]`), list.map(input))));
  }

  async function saveConfig() {
    const changes = {};
    for (const el of document.querySelectorAll("#cfg-form [data-key]")) if (!el.disabled && el.value !== el.dataset.initial) changes[el.dataset.key] = el.value;
    const out = $("#cfg-result");
    if (!Object.keys(changes).length) {
      out.textContent = "nothing changed";
      out.className = "small muted";
      return;
    }
    try {
      const r = await api("/api/admin/config", { method: "POST", body: JSON.stringify({ changes }) });
      out.textContent = `${r.message}${r.skipped.length ? ` · kept masked: ${r.skipped.map((x) => x.key).join(", ")}` : ""}${r.overridden_by_env.length ? ` · overridden by the environment: ${r.overridden_by_env.join(", ")}` : ""}`;
      out.className = "small ok";
      banner(`Configuration saved to ${r.file}. Restart the gateway to apply it.`);
      for (const el of document.querySelectorAll("#cfg-form [data-key]")) if (r.written.includes(el.dataset.key)) { el.dataset.initial = el.value; el.classList.remove("changed"); }
    } catch (err) {
      if (err instanceof Unauthorized) return askForKey(err.message);
      out.textContent = `not saved: ${err.message}`;
      out.className = "small error";
    }
  }

  // ---- wiring ----------------------------------------------------------------------------------
  const loaders = { overview, providers, usage, requests, config };
  const autoRefresh = new Set(["overview", "providers", "usage", "requests"]);

  function handle(err) {
    if (err instanceof Unauthorized) return askForKey(err.message);
    banner(`Could not load: ${err.message}`, true);
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      await loaders[activeTab]();
      if (activeTab !== "overview") await api("/api/admin/overview?minutes=1").then((o) => { text("#uptime", `up ${duration(o.uptime_secs)}`); text("#version", `v${o.version}`); });
      text("#refreshed", `updated ${new Date().toLocaleTimeString()}`);
      if ($("#banner").classList.contains("bad")) banner("");
      schedule();
    } catch (err) {
      handle(err);
      if (!(err instanceof Unauthorized)) schedule();
    }
  }
  function schedule() {
    if (autoRefresh.has(activeTab)) timer = setTimeout(refresh, REFRESH_MS);
  }

  function show(tab) {
    activeTab = tab;
    for (const b of document.querySelectorAll(".tabs button")) b.classList.toggle("active", b.dataset.tab === tab);
    for (const sec of document.querySelectorAll(".tab")) sec.classList.toggle("hidden", sec.id !== `tab-${tab}`);
    history.replaceState(null, "", `#${tab}`);
    refresh();
  }

  for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => show(b.dataset.tab));
  $("#ov-minutes").addEventListener("change", refresh);
  $("#usage-days").addEventListener("change", refresh);
  $("#cfg-save").addEventListener("click", saveConfig);
  $("#cfg-filter").addEventListener("input", () => {
    const q = $("#cfg-filter").value.trim().toLowerCase();
    for (const field of document.querySelectorAll("#cfg-form .field")) field.classList.toggle("hidden", Boolean(q) && !field.textContent.toLowerCase().includes(q));
    for (const set of document.querySelectorAll("#cfg-form fieldset")) set.classList.toggle("hidden", !set.querySelector(".field:not(.hidden)"));
  });
  $("#signout").addEventListener("click", () => askForKey(""));
  $("#login-form").addEventListener("submit", () => {
    sessionStorage.setItem(KEY_STORE, $("#login-key").value.trim());
    $("#login-key").value = "";
    refresh();
  });

  // without a stored key the first load asks for it
  const start = location.hash.slice(1);
  show(loaders[start] ? start : "overview");
})();
