// carid's search page: plain JS against the HTTP API (protocol/openapi.yaml).
// Text from articles is set with textContent; only the snippet's own
// <mark> tags (added by the API) become elements.
"use strict";

const PAGE = 10;
const $ = (id) => document.getElementById(id);
let state = { q: "", source: "", from: "", to: "", sort: "relevance", collapse: "", offset: 0 };
let lastCounts = {};

function token() { return sessionStorage.getItem("carid-token") || ""; }

async function api(path) {
  const headers = {};
  if (token()) headers.Authorization = "Bearer " + token();
  const r = await fetch(path, { headers });
  const body = await r.json().catch(() => ({ error: "jawaban tidak terbaca" }));
  if (r.status === 401) $("login").hidden = false;
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}

// A snippet with its <mark> kept and everything else as text.
function snippetNodes(text) {
  const frag = document.createDocumentFragment();
  const parts = text.split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const p of parts) {
    if (p === "<mark>") { marked = true; continue; }
    if (p === "</mark>") { marked = false; continue; }
    if (!p) continue;
    const node = marked ? document.createElement("mark") : document.createTextNode(p);
    if (marked) node.textContent = p;
    frag.appendChild(node);
  }
  return frag;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function meta(hit) {
  return [hit.source, hit.date].filter(Boolean).join(" \u00b7 ");
}

function toHash() {
  const p = new URLSearchParams();
  for (const k of ["q", "source", "from", "to", "sort", "collapse"]) if (state[k]) p.set(k, state[k]);
  if (state.offset) p.set("offset", state.offset);
  location.hash = p.toString();
}

function fromHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  state = { q: p.get("q") || "", source: p.get("source") || "", from: p.get("from") || "",
            to: p.get("to") || "", sort: p.get("sort") || "relevance",
            collapse: p.get("collapse") === "1" ? "1" : "",
            offset: parseInt(p.get("offset") || "0", 10) || 0 };
  $("q").value = state.q; $("from").value = state.from; $("to").value = state.to;
  $("sort").value = state.sort; $("collapse").checked = state.collapse === "1";
  return p.get("article");
}

function fillSources(counts) {
  const sel = $("source");
  const names = Object.keys(counts);
  if (state.source && !names.includes(state.source)) names.push(state.source);
  sel.replaceChildren(new Option("Semua sumber", ""));
  for (const n of names) sel.appendChild(new Option(n + " (" + (counts[n] || 0) + ")", n));
  sel.value = state.source;
}

function showCounts(counts) {
  const ul = $("counts").querySelector("ul");
  ul.replaceChildren();
  for (const [name, n] of Object.entries(counts)) {
    const a = el("a", name + " " + n);
    a.href = "#";
    a.dataset.source = name;
    a.addEventListener("click", (ev) => { ev.preventDefault(); state.source = name; state.offset = 0; toHash(); });
    const li = el("li"); li.appendChild(a); ul.appendChild(li);
  }
  $("counts").hidden = Object.keys(counts).length === 0;
}

// Each view asked for (a search, an article) takes a number; an answer
// that comes back after a later view was asked is dropped, or a slow
// reply to an earlier query would replace the page of the last one.
let viewSeq = 0;

async function search() {
  const seq = ++viewSeq;
  $("article").hidden = true;
  $("hits").hidden = false;
  if (!state.q) { $("status").textContent = "Ketik kata kunci untuk mencari."; return; }
  const p = new URLSearchParams({ q: state.q, limit: PAGE, offset: state.offset, sort: state.sort,
                                  snippet: "1", counts: "source" });
  for (const k of ["source", "from", "to", "collapse"]) if (state[k]) p.set(k, state[k]);
  $("status").textContent = "Mencari\u2026";
  let r;
  try { r = await api("/search?" + p); } catch (e) {
    if (seq !== viewSeq) return;
    $("status").textContent = "Gagal: " + e.message; $("hits").replaceChildren(); return;
  }
  if (seq !== viewSeq) return;
  // Counts without the source filter would need a second search; the
  // filter's own counts still show what is in it.
  if (!state.source) lastCounts = r.counts || {};
  fillSources(state.source ? lastCounts : r.counts || {});
  showCounts(r.counts || {});
  $("status").textContent = r.total ? r.total.toLocaleString("id-ID") + " hasil" : "Tidak ada hasil.";
  const ol = $("hits");
  ol.replaceChildren();
  for (const h of r.hits) {
    const li = el("li");
    const h3 = el("h3"); const a = el("a", h.title || h.id);
    a.href = "#article=" + encodeURIComponent(h.id);
    a.className = "hit";
    h3.appendChild(a); li.appendChild(h3);
    li.appendChild(el("p", meta(h), "meta"));
    if (h.snippet) { const s = el("p", undefined, "snippet"); s.appendChild(snippetNodes(h.snippet)); li.appendChild(s); }
    if (h.copies > 1) li.appendChild(copiesButton(h));
    ol.appendChild(li);
  }
  // The total counts articles; collapsed, a page holds fewer stories,
  // so the number of pages is unknown and a short page is the last.
  const pages = Math.ceil(r.total / PAGE);
  const page = Math.floor(state.offset / PAGE) + 1;
  $("pages").hidden = pages < 2 || (state.collapse && page === 1 && r.hits.length < PAGE);
  $("page").textContent = "Halaman " + page + (state.collapse ? "" : " dari " + pages);
  $("prev").disabled = state.offset === 0;
  $("next").disabled = state.offset + PAGE >= r.total || (state.collapse && r.hits.length < PAGE);
}

// "n salinan": the story's other articles (other outlets' copies), listed
// on a click from GET /articles/{id}?copies=1, each a link to its view.
function copiesButton(hit) {
  const box = el("div", undefined, "copies");
  const b = el("button", hit.copies + " salinan");
  b.type = "button";
  b.title = "Berita yang sama dari sumber lain";
  const list = el("div", undefined, "copy-list");
  list.hidden = true;
  b.addEventListener("click", async () => {
    list.hidden = !list.hidden;
    if (list.hidden || list.childElementCount) return;
    try {
      const a = await api("/articles/" + encodeURIComponent(hit.id) + "?copies=1");
      for (const id of a.copies) {
        const row = el("p", undefined, "copy");
        const link = el("a", id);
        link.href = "#article=" + encodeURIComponent(id);
        row.appendChild(link);
        list.appendChild(row);
        api("/articles/" + encodeURIComponent(id)).then((c) => {
          link.textContent = c.title || c.id;
          row.appendChild(el("span", " \u00b7 " + meta(c), "meta"));
        }).catch(() => {});
      }
      if (!a.copies.length) list.appendChild(el("p", "Tidak ada salinan lagi.", "meta"));
    } catch (e) { list.appendChild(el("p", "Gagal: " + e.message, "meta")); }
  });
  box.append(b, list);
  return box;
}

async function showArticle(id) {
  const seq = ++viewSeq;
  $("hits").hidden = true; $("pages").hidden = true; $("counts").hidden = true;
  $("article").hidden = false;
  $("status").textContent = "";
  $("a-title").textContent = "Memuat\u2026"; $("a-meta").textContent = ""; $("a-body").textContent = "";
  try {
    const a = await api("/articles/" + encodeURIComponent(id));
    if (seq !== viewSeq) return;
    $("a-title").textContent = a.title || a.id;
    $("a-meta").textContent = meta(a);
    $("a-body").textContent = a.body || "";
    $("a-url").hidden = !a.url;
    if (a.url && /^https?:\/\//.test(a.url)) $("a-url").href = a.url;
  } catch (e) {
    if (seq !== viewSeq) return;
    $("a-title").textContent = "Artikel tidak ditemukan";
    $("a-body").textContent = e.message;
  }
}

function route() {
  const article = fromHash();
  if (article) showArticle(article); else search();
}

let suggestTimer = 0;
function suggest() {
  clearTimeout(suggestTimer);
  const word = $("q").value.split(/\s+/).pop();
  if (word.length < 2) return;
  suggestTimer = setTimeout(async () => {
    try {
      const r = await api("/suggest?" + new URLSearchParams({ q: word, limit: 8 }));
      const head = $("q").value.slice(0, $("q").value.length - word.length);
      $("suggestions").replaceChildren(...r.suggestions.map((s) => new Option(head + s)));
    } catch (e) { /* suggestions are a help, not a must */ }
  }, 150);
}

function submit(ev) {
  if (ev) ev.preventDefault();
  state = { q: $("q").value.trim(), source: $("source").value, from: $("from").value,
            to: $("to").value, sort: $("sort").value,
            collapse: $("collapse").checked ? "1" : "", offset: 0 };
  toHash();
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", submit);
  for (const id of ["source", "from", "to", "sort", "collapse"]) $(id).addEventListener("change", () => { if ($("q").value) submit(); });
  $("q").addEventListener("input", suggest);
  $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); toHash(); });
  $("next").addEventListener("click", () => { state.offset += PAGE; toHash(); });
  $("back").addEventListener("click", () => history.back());
  $("home").addEventListener("click", (ev) => { ev.preventDefault(); location.hash = ""; });
  $("login").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem("carid-token", $("password").value);
    $("login").hidden = true;
    route();
  });
  window.addEventListener("hashchange", route);
  route();
});
