// awsmock dashboard: plain JavaScript, no framework, no build step.
// Every value shown comes from user-controlled state (keys, tags, bodies): the DOM is built with
// createElement/textContent only, never innerHTML.
"use strict";

(function () {
  const API = "/_awsmock/dashboard";
  const POLL_MS = 3000;
  const TAIL_MAX = 1000;       // rows a live view keeps (the oldest go first)
  const TAIL_PAGES = 5;        // pages a live view reads per poll
  const TAIL_PAGE = 100;       // rows per page of a live view
  const SVG = "http://www.w3.org/2000/svg";
  const TOKEN_KEY = "awsmock-admin-token";

  const state = {
    services: [],
    service: null,      // selected service name, or null
    view: null,         // {service, kind, name, view, account, region, prefix, q, title}
    account: "",
    region: "",
    q: "",
    pages: {},          // pages loaded per listing ("load more"); a poll re-walks that many pages
    tail: null,         // a live view's rows and position: {key, rows, cursor}
    busy: false,
  };

  // -- DOM helpers ------------------------------------------------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "className") node.className = v;
        else if (k === "text") node.textContent = String(v);
        else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
        else if (k === "dataset") Object.assign(node.dataset, v);
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  const $ = (id) => document.getElementById(id);

  function setStatus(text, isError) {
    const s = $("status");
    s.textContent = text;
    s.classList.toggle("error", Boolean(isError));
  }

  // -- HTTP -------------------------------------------------------------------------------------

  function authHeaders() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { Authorization: "Bearer " + token } : {};
  }

  class HttpError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(method, path, body) {
    const init = { method, headers: { Accept: "application/json", ...authHeaders() } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(path, init);
    if (resp.status === 401) {
      $("token-panel").hidden = false;
      throw new HttpError(401, "admin token required");
    }
    if (resp.status === 204) return null;
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    if (!resp.ok) {
      const msg = (data && (data.title || data.error)) || resp.statusText || ("HTTP " + resp.status);
      throw new HttpError(resp.status, msg);
    }
    return data;
  }

  function qs(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") u.set(k, v);
    const s = u.toString();
    return s ? "?" + s : "";
  }

  // -- formatting -------------------------------------------------------------------------------

  function formatBytes(n) {
    if (n === null || n === undefined || n === "") return "";
    n = Number(n);
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)) + " " + units[i];
  }

  function formatTime(v) {
    if (!v) return "";
    const d = new Date(v);
    return isNaN(d.getTime()) ? String(v) : d.toLocaleString();
  }

  // A line through a series of numbers (nulls are gaps), drawn as inline SVG.
  function sparkline(values) {
    const W = 180, H = 34, PAD = 3;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "sparkline");
    svg.setAttribute("width", String(W));
    svg.setAttribute("height", String(H));
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("role", "img");
    const list = Array.isArray(values) ? values : [];
    const known = list.filter((v) => typeof v === "number" && isFinite(v));
    const title = document.createElementNS(SVG, "title");
    svg.appendChild(title);
    if (!known.length) {
      title.textContent = "no datapoints";
      svg.setAttribute("aria-label", "no datapoints");
      return svg;
    }
    const low = Math.min(...known), high = Math.max(...known);
    const span = high - low || 1;
    const step = list.length > 1 ? (W - 2 * PAD) / (list.length - 1) : 0;
    const x = (i) => PAD + i * step;
    const y = (v) => high === low ? H / 2 : H - PAD - ((v - low) / span) * (H - 2 * PAD);
    let d = "";
    let open = false;
    let last = null;
    list.forEach((v, i) => {
      if (typeof v !== "number" || !isFinite(v)) { open = false; return; }
      d += (open ? " L" : " M") + x(i).toFixed(1) + " " + y(v).toFixed(1);
      open = true;
      last = [x(i), y(v)];
    });
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d.trim());
    path.setAttribute("class", "line");
    svg.appendChild(path);
    for (const [i, v] of list.entries()) {  // lone points (gaps on both sides) show as dots
      const prev = list[i - 1], next = list[i + 1];
      if (typeof v === "number" && typeof prev !== "number" && typeof next !== "number") {
        const dot = document.createElementNS(SVG, "circle");
        dot.setAttribute("cx", x(i).toFixed(1));
        dot.setAttribute("cy", y(v).toFixed(1));
        dot.setAttribute("r", "1.8");
        dot.setAttribute("class", "dot");
        svg.appendChild(dot);
      }
    }
    if (last) {
      const end = document.createElementNS(SVG, "circle");
      end.setAttribute("cx", last[0].toFixed(1));
      end.setAttribute("cy", last[1].toFixed(1));
      end.setAttribute("r", "2.4");
      end.setAttribute("class", "end");
      svg.appendChild(end);
    }
    const text = known.length + " points, min " + low.toLocaleString() + ", max " + high.toLocaleString();
    title.textContent = text;
    svg.setAttribute("aria-label", text);
    return svg;
  }

  function cell(column, value) {
    const td = el("td", { className: "col-" + column.type + " key-" + column.key });
    switch (column.type) {
      case "int":
        td.textContent = value === undefined || value === null ? "" : Number(value).toLocaleString();
        break;
      case "bytes":
        td.textContent = formatBytes(value);
        if (value !== undefined && value !== null) td.title = String(value) + " bytes";
        break;
      case "time":
        td.textContent = formatTime(value);
        if (value) td.title = String(value);
        break;
      case "tags": {
        const entries = value && typeof value === "object" ? Object.entries(value) : [];
        for (const [k, v] of entries) td.appendChild(el("span", { className: "tag" }, k + "=" + v));
        break;
      }
      case "series":
        td.appendChild(sparkline(value));
        break;
      case "json": {
        if (value === undefined || value === null || (typeof value === "object" && !Object.keys(value).length)) break;
        const text = JSON.stringify(value, null, 2);
        const summary = JSON.stringify(value);
        td.appendChild(el("details", null,
          el("summary", null, summary.length > 80 ? summary.slice(0, 80) + "…" : summary),
          el("pre", null, text)));
        break;
      }
      default:
        td.textContent = value === undefined || value === null ? "" : String(value);
    }
    return td;
  }

  // -- URL state --------------------------------------------------------------------------------

  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    if (h.has("token")) {
      sessionStorage.setItem(TOKEN_KEY, h.get("token"));
      h.delete("token");
    }
    state.service = h.get("service") || null;
    state.account = h.get("account") || "";
    state.region = h.get("region") || "";
    if (h.get("kind") && h.get("name") && h.get("view")) {
      state.view = {
        service: state.service, kind: h.get("kind"), name: h.get("name"), view: h.get("view"),
        account: h.get("vaccount") || "", region: h.get("vregion") || "", prefix: h.get("prefix") || "", q: "",
      };
    } else {
      state.view = null;
    }
    writeHash();
  }

  function writeHash() {
    const h = new URLSearchParams();
    if (state.service) h.set("service", state.service);
    if (state.account) h.set("account", state.account);
    if (state.region) h.set("region", state.region);
    if (state.view) {
      h.set("kind", state.view.kind);
      h.set("name", state.view.name);
      h.set("view", state.view.view);
      if (state.view.account) h.set("vaccount", state.view.account);
      if (state.view.region) h.set("vregion", state.view.region);
      if (state.view.prefix) h.set("prefix", state.view.prefix);
    }
    const next = "#" + h.toString();
    if (location.hash !== next) history.replaceState(null, "", next === "#" ? location.pathname : next);
  }

  // -- services and scopes ----------------------------------------------------------------------

  function fillSelect(select, values, current) {
    const want = ["", ...values];
    const have = Array.from(select.options).map((o) => o.value);
    if (want.length === have.length && want.every((v, i) => v === have[i])) return;
    clear(select);
    select.appendChild(el("option", { value: "" }, "all"));
    for (const v of values) select.appendChild(el("option", { value: v }, v));
    if (current && !values.includes(current)) select.appendChild(el("option", { value: current }, current));
    select.value = current;
  }

  function renderServices() {
    const ul = clear($("services"));
    ul.appendChild(el("li", null, el("button", {
      type: "button", className: state.service === null ? "active" : "",
      onclick: () => selectService(null),
    }, "Overview")));
    for (const s of state.services) {
      ul.appendChild(el("li", null, el("button", {
        type: "button", className: state.service === s.service ? "active" : "", dataset: { service: s.service },
        onclick: () => selectService(s.service),
      }, s.title)));
    }
  }

  function selectService(name) {
    state.service = name;
    state.view = null;
    state.pages = {};
    writeHash();
    renderServices();
    clear($("content"));
    refresh();
  }

  // -- resource groups --------------------------------------------------------------------------

  function groupKey(service, kind) { return service + "/" + kind; }

  function table(columns, rows, rowCells) {
    const head = el("tr", null, ...columns.map((c) => el("th", { scope: "col" }, c.title)));
    const body = el("tbody");
    for (const row of rows) body.appendChild(rowCells(row));
    return el("table", { className: "grid" }, el("thead", null, head), body);
  }

  function renderGroup(service, group) {
    const key = groupKey(service.service, group.kind);
    const rows = group.items;
    const section = el("section", { className: "group", dataset: { group: key } });
    section.appendChild(el("h3", null, (state.service ? "" : service.title + " · ") + group.title,
      el("span", { className: "count" }, " " + rows.length + (group.next_cursor ? "+" : ""))));
    if (group.error) {
      section.appendChild(el("p", { className: "error-row" }, "Could not list " + group.title + ": " + group.error));
      return section;
    }
    if (!rows.length) {
      section.appendChild(el("p", { className: "empty" }, state.q ? "No match." : "None yet."));
      return section;
    }
    const views = group.views || [];
    section.appendChild(table(group.columns, rows, (row) => {
      const tr = el("tr");
      group.columns.forEach((c, i) => {
        const td = cell(c, row[c.key]);
        if (i === 0 && views.length) {
          clear(td);
          for (const v of views) {
            td.appendChild(el("a", {
              href: "#", className: "open", title: "Open " + v.title.toLowerCase(),
              onclick: (ev) => { ev.preventDefault(); openView(service.service, group.kind, row, v); },
            }, String(row[c.key])));
            break;
          }
        }
        tr.appendChild(td);
      });
      return tr;
    }));
    if (group.next_cursor) {
      section.appendChild(el("button", {
        type: "button", className: "more", onclick: () => loadMore(key),
      }, "Load more"));
    }
    return section;
  }

  function loadMore(key) {
    state.pages[key] = (state.pages[key] || 1) + 1;
    refresh();
  }

  // Follow next_cursor until `listing` holds as many pages as the user loaded.
  async function morePages(key, listing, fetchPage) {
    for (let n = 1; n < (state.pages[key] || 1) && listing.next_cursor; n++) {
      const next = await fetchPage(listing.next_cursor);
      listing.items = listing.items.concat(next.items);
      listing.next_cursor = next.next_cursor;
    }
    return listing;
  }

  async function renderResources() {
    const targets = state.service ? state.services.filter((s) => s.service === state.service) : state.services;
    const parts = await Promise.all(targets.map(async (s) => {
      try {
        const data = await api("GET", API + "/" + encodeURIComponent(s.service) + "/resources" + qs({
          account: state.account, region: state.region, q: state.q,
        }));
        return { service: s, groups: data.groups };
      } catch (e) {
        if (e.status === 401) throw e;
        return { service: s, groups: [], error: e.message };
      }
    }));
    const content = el("div", { className: "resources" });
    for (const part of parts) {
      const box = el("div", { className: "service", dataset: { service: part.service.service } });
      if (state.service) box.appendChild(el("h2", null, part.service.title));
      if (part.error) box.appendChild(el("p", { className: "error-row" }, part.service.title + ": " + part.error));
      for (const g of part.groups) {
        const key = groupKey(part.service.service, g.kind);
        try {
          await morePages(key, g, async (cursor) => (await api("GET", API + "/" +
            encodeURIComponent(part.service.service) + "/resources" + qs({
              kind: g.kind, account: state.account, region: state.region, q: state.q, cursor,
            }))).groups[0]);
        } catch (e) {
          if (e.status === 401) throw e;
        }
        if (!state.service && !g.items.length && !g.error) continue; // the overview skips empty kinds
        box.appendChild(renderGroup(part.service, g));
      }
      if (box.childNodes.length) content.appendChild(box);
    }
    if (!content.childNodes.length) {
      content.appendChild(el("p", { className: "empty nothing" },
        state.q || state.account || state.region ? "Nothing matches." : "No resources yet."));
    }
    return content;
  }

  // -- a resource's view (objects of a bucket, items of a table, messages of a queue) -------------

  function openView(service, kind, row, v) {
    state.view = {
      service, kind, name: String(row.name), view: v.view, account: row.account || "", region: row.region || "",
      prefix: "", q: "",
    };
    state.pages = {};
    state.tail = null;
    writeHash();
    clear($("content"));
    refresh();
  }

  function switchView(name) {
    state.view = { ...state.view, view: name, prefix: "", q: "" };
    state.pages = {};
    state.tail = null;
    writeHash();
    clear($("content"));
    refresh();
  }

  function closeView() {
    state.view = null;
    state.pages = {};
    state.tail = null;
    writeHash();
    clear($("content"));
    refresh();
  }

  function setPrefix(prefix) {
    state.view.prefix = prefix;
    state.pages = {};
    writeHash();
    refresh();
  }

  // A name holding "/" cannot be a path segment (servers decode %2F before routing): it goes in
  // the query, "-" in its place.
  function viewPath(v) {
    return API + "/" + encodeURIComponent(v.service) + "/" + encodeURIComponent(v.kind) + "/" +
      (v.name.includes("/") ? "-" : encodeURIComponent(v.name));
  }

  function nameParam(v) { return v.name.includes("/") ? { name: v.name } : {}; }

  function downloadLink(v, key) {
    const href = viewPath(v) + "/download" + qs({ key, account: v.account, region: v.region, ...nameParam(v) });
    return el("a", {
      href, className: "download", download: key.split("/").pop() || "object", title: "Download",
      onclick: async (ev) => {
        if (!sessionStorage.getItem(TOKEN_KEY)) return; // a plain link does it
        ev.preventDefault();
        const resp = await fetch(href, { headers: authHeaders() });
        if (!resp.ok) { setStatus("download failed: HTTP " + resp.status, true); return; }
        const url = URL.createObjectURL(await resp.blob());
        const a = el("a", { href: url, download: key.split("/").pop() || "object" });
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      },
    }, "download");
  }

  function prefixCrumbs(v) {
    const nav = el("div", { className: "prefix" });
    nav.appendChild(el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); setPrefix(""); } }, v.name + "/"));
    let acc = "";
    for (const part of v.prefix.split("/").filter((p, i, all) => i < all.length - 1)) {
      acc += part + "/";
      const target = acc;
      nav.appendChild(el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); setPrefix(target); } },
        part + "/"));
    }
    return nav;
  }

  let viewTyping = null;

  async function renderView() {
    const v = state.view;
    const key = "view";
    const params = { account: v.account, region: v.region, q: v.q.trim(), prefix: v.prefix, ...nameParam(v) };
    const box = el("div", { className: "view" });
    const svc = state.services.find((s) => s.service === v.service);
    const kindInfo = svc && svc.kinds.find((k) => k.kind === v.kind);
    const viewInfo = kindInfo && kindInfo.views.find((x) => x.view === v.view);
    box.appendChild(el("div", { className: "crumbs" },
      el("a", { href: "#", className: "back", onclick: (ev) => { ev.preventDefault(); closeView(); } }, "← back"),
      el("h2", null, (svc ? svc.title : v.service) + " · " + (kindInfo ? kindInfo.title : v.kind) + " · ",
        el("span", { className: "resource-name" }, v.name), " · " + (viewInfo ? viewInfo.title : v.view)),
      v.region ? el("span", { className: "scope" }, v.region + " · " + v.account) : null));
    if (kindInfo && kindInfo.views.length > 1) {  // the resource's other views, as tabs
      box.appendChild(el("nav", { className: "view-tabs" }, ...kindInfo.views.map((x) => el("a", {
        href: "#", className: x.view === v.view ? "active" : "",
        onclick: (ev) => { ev.preventDefault(); switchView(x.view); },
      }, x.title + (x.live ? " ●" : "")))));
    }
    const filter = el("input", {
      type: "search", placeholder: "Search in " + v.view + "…", value: v.q, className: "view-search",
      "aria-label": "Search in " + v.view,
    });
    filter.addEventListener("input", () => {
      v.q = filter.value; // kept as typed, so a poll re-renders the box with it
      clearTimeout(viewTyping);
      viewTyping = setTimeout(() => { state.pages = {}; refresh(); }, 300);
    });
    box.appendChild(filter);
    if ((viewInfo && viewInfo.folders) || v.prefix) box.appendChild(prefixCrumbs(v));
    if (viewInfo && viewInfo.live) return renderTail(v, params, box);
    let data;
    try {
      const url = viewPath(v) + "/" + encodeURIComponent(v.view);
      data = await api("GET", url + qs(params));
      await morePages(key, data, (cursor) => api("GET", url + qs({ ...params, cursor })));
    } catch (e) {
      if (e.status === 401) throw e;
      box.appendChild(el("p", { className: "error-row" }, e.message));
      return box;
    }
    const rows = data.items;
    if (!rows.length) {
      box.appendChild(el("p", { className: "empty" }, v.q.trim() ? "No match." : "Empty."));
      return box;
    }
    const hasDownload = (state.services.find((s) => s.service === v.service)?.kinds || [])
      .some((k) => k.kind === v.kind && k.download);
    const columns = data.columns;
    box.appendChild(table(columns.concat(hasDownload ? [{ key: "", title: "", type: "text" }] : []), rows, (row) => {
      const tr = el("tr", { className: row.type === "prefix" ? "folder" : "" });
      columns.forEach((c, i) => {
        if (row.type === "prefix") {
          if (i === 0) {
            const shown = row.key.slice(v.prefix.length);
            tr.appendChild(el("td", null, el("a", {
              href: "#", className: "folder-link", onclick: (ev) => { ev.preventDefault(); setPrefix(row.key); },
            }, shown)));
          } else {
            tr.appendChild(el("td"));
          }
          return;
        }
        const td = cell(c, row[c.key]);
        if (i === 0 && v.prefix && typeof row[c.key] === "string" && row[c.key].startsWith(v.prefix)) {
          td.textContent = row[c.key].slice(v.prefix.length);
          td.title = row[c.key];
        }
        tr.appendChild(td);
      });
      if (hasDownload) {
        tr.appendChild(el("td", null, row.type === "object" ? downloadLink(v, row.key) : null));
      }
      return tr;
    }));
    if (data.next_cursor) {
      box.appendChild(el("button", { type: "button", className: "more", onclick: () => loadMore(key) },
        "Load more"));
    }
    return box;
  }

  // A live view: the rows read so far, and at each poll the rows that arrived after them.
  async function renderTail(v, params, box) {
    const url = viewPath(v) + "/" + encodeURIComponent(v.view);
    const key = url + qs(params);
    if (!state.tail || state.tail.key !== key) state.tail = { key, rows: [], cursor: null, columns: null };
    const t = state.tail;
    try {
      for (let n = 0; n < TAIL_PAGES; n++) {
        const data = await api("GET", url + qs({ ...params, cursor: t.cursor, limit: TAIL_PAGE }));
        if (state.tail !== t) return box; // the view changed while this poll ran
        t.columns = data.columns;
        t.rows = t.rows.concat(data.items).slice(-TAIL_MAX);
        const moved = Boolean(data.next_cursor) && data.next_cursor !== t.cursor;
        t.cursor = data.next_cursor || t.cursor;
        if (!moved || data.items.length < TAIL_PAGE) break; // caught up
      }
    } catch (e) {
      if (e.status === 401) throw e;
      box.appendChild(el("p", { className: "error-row" }, e.message));
      return box;
    }
    box.appendChild(el("p", { className: "tail-note" },
      $("live").checked ? "Live: new rows are added as they arrive (newest last)."
        : "Paused: tick Live to follow new rows."));
    if (!t.rows.length) {
      box.appendChild(el("p", { className: "empty" }, v.q.trim() ? "No match yet." : "Nothing yet."));
      return box;
    }
    box.appendChild(table(t.columns, t.rows, (row) => {
      const tr = el("tr");
      for (const c of t.columns) tr.appendChild(cell(c, row[c.key]));
      return tr;
    }));
    return box;
  }

  // -- snapshots --------------------------------------------------------------------------------

  async function renderSnapshots() {
    const data = await api("GET", "/_awsmock/snapshots");
    const ul = clear($("snapshots"));
    if (!data.snapshots.length) ul.appendChild(el("li", { className: "empty" }, "No snapshots."));
    for (const s of data.snapshots) {
      ul.appendChild(el("li", { className: "snapshot", dataset: { snapshot: s.name } },
        el("span", { className: "snapshot-name", title: formatTime(s.created) + " · " + formatBytes(s.size_bytes) },
          s.name),
        el("button", {
          type: "button", className: "restore", title: "Restore this snapshot",
          onclick: () => act("restore", () => api("POST", "/_awsmock/snapshots/" + encodeURIComponent(s.name) +
            "/restore"), "Restored " + s.name),
        }, "Restore"),
        el("button", {
          type: "button", className: "delete danger", title: "Delete this snapshot",
          onclick: () => {
            if (!confirm("Delete snapshot " + s.name + "?")) return;
            act("delete", () => api("DELETE", "/_awsmock/snapshots/" + encodeURIComponent(s.name)),
              "Deleted " + s.name);
          },
        }, "Delete")));
    }
  }

  async function act(what, fn, done) {
    try {
      setStatus(what + "…");
      await fn();
      setStatus(done);
    } catch (e) {
      setStatus(what + " failed: " + e.message, true);
    }
    state.pages = {};
    await refresh();
  }

  // -- the refresh loop -------------------------------------------------------------------------

  let pending = false;

  async function refresh() {
    if (state.busy) { pending = true; return; }
    state.busy = true;
    try {
      const info = await api("GET", API + "/services");
      $("token-panel").hidden = true;
      state.services = info.services;
      fillSelect($("account"), info.accounts, state.account);
      fillSelect($("region"), info.regions, state.region);
      renderServices();
      const node = state.view ? await renderView() : await renderResources();
      const content = $("content");
      const scroll = window.scrollY;
      const focused = document.activeElement && document.activeElement.classList.contains("view-search");
      clear(content).appendChild(node);
      if (focused) {
        const f = content.querySelector(".view-search");
        if (f) { f.focus(); f.setSelectionRange(f.value.length, f.value.length); }
      }
      window.scrollTo(0, scroll);
      await renderSnapshots();
      if (!$("status").classList.contains("error") || !pending) {
        setStatus("updated " + new Date().toLocaleTimeString());
      }
    } catch (e) {
      setStatus(e.message, true);
    } finally {
      state.busy = false;
    }
    if (pending) { pending = false; refresh(); }
  }

  function start() {
    readHash();
    $("account").addEventListener("change", (ev) => {
      state.account = ev.target.value; state.pages = {}; writeHash(); refresh();
    });
    $("region").addEventListener("change", (ev) => {
      state.region = ev.target.value; state.pages = {}; writeHash(); refresh();
    });
    let typing = null;
    $("search").addEventListener("input", (ev) => {
      clearTimeout(typing);
      typing = setTimeout(() => { state.q = ev.target.value.trim(); state.pages = {}; refresh(); }, 250);
    });
    $("refresh").addEventListener("click", () => refresh());
    $("snapshot-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const name = $("snapshot-name").value.trim();
      if (!name) return;
      act("save", () => api("POST", "/_awsmock/snapshots", { name }), "Saved " + name)
        .then(() => { $("snapshot-name").value = ""; });
    });
    $("reset").addEventListener("click", () => {
      if (!confirm("Reset all state? Every resource of every service is deleted (snapshots are kept).")) return;
      act("reset", () => api("POST", "/_awsmock/reset"), "State reset");
    });
    $("token-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $("token").value);
      $("token").value = "";
      refresh();
    });
    window.addEventListener("hashchange", () => {
      readHash();
      state.pages = {};
      clear($("content"));
      refresh();
    });
    setInterval(() => { if ($("live").checked && !document.hidden) refresh(); }, POLL_MS);
    refresh();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
