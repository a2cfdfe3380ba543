/// The web page's script (`GET /app.js`): calls the JSON API and draws the answers.
enum PageScript {
    static let js = #"""
"use strict";
const $ = (id) => document.getElementById(id);
let generation = 0;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
// Each section says what it shows in data-state: loading, done or error.
function loading(target, text) { target.dataset.state = "loading"; target.replaceChildren(el("div", "loading", text)); }
function failure(target, message) { target.dataset.state = "error"; target.replaceChildren(el("div", "error", message)); }

// POST a JSON body or a FormData; resolve with the JSON answer, reject with its error.
async function call(path, body) {
  const init = { method: "POST" };
  if (body instanceof FormData) { init.body = body; }
  else { init.body = JSON.stringify(body); init.headers = { "Content-Type": "application/json" }; }
  let response;
  try { response = await fetch(path, init); }
  catch (e) { throw new Error("the server cannot be reached"); }
  let answer = null;
  try { answer = await response.json(); } catch (e) { /* not JSON */ }
  if (!response.ok) throw new Error((answer && answer.error) || ("HTTP " + response.status));
  return answer;
}

// The same query for each route: a photo as multipart, a text as JSON.
function body(query, extra) {
  if (query.file) {
    const form = new FormData();
    form.append("image", query.file, query.file.name || "photo.jpg");
    for (const [k, v] of Object.entries(extra)) form.append(k, Array.isArray(v) ? JSON.stringify(v) : String(v));
    return form;
  }
  return Object.assign({ text: query.text }, extra);
}

// The filters narrow the nearest poems and the poems a cento takes its lines
// from; a GPT-2 poem follows the form when it is a regular one.
function filters() {
  const dynasty = $("dynasty-filter").value.split(/[,，、\s]+/).filter(Boolean);
  const form = $("form-filter").value;
  const poems = {}, cento = {}, written = {};
  if (dynasty.length) poems.dynasty = cento.dynasty = dynasty;
  if (form) { poems.form = form; cento.source_form = form; }
  if (/^[57]x[48]$/.test(form)) written.form = form;
  return { poems, cento, written };
}

let lastQuery = null;

function search(query) {
  lastQuery = query;
  const only = filters();
  const mine = ++generation;
  const current = () => mine === generation;
  $("query-label").textContent = query.file ? "照片：" + (query.file.name || "photo") : "文字：" + query.text;
  loading($("keywords"), "Finding keywords…");
  loading($("poems"), "Finding poems…");
  loading($("generated"), "Gathering lines…");
  loading($("written"), "Writing a poem…");
  if (!query.keepKeywords) {
    call("/v1/keywords", body(query, { k: 8, diversity: 0.7 }))
      .then((a) => current() && drawKeywords(a.keywords))
      .catch((e) => current() && failure($("keywords"), e.message));
  } else {
    drawKeywords(query.keepKeywords, query.text);
  }
  call("/v1/poems", body(query, Object.assign({ k: 8 }, only.poems)))
    .then((a) => current() && drawPoems(a.results))
    .catch((e) => current() && failure($("poems"), e.message));
  call("/v1/generate", body(query, Object.assign({ candidates: 16, seed: 0 }, only.cento)))
    .then((a) => current() && drawGenerated($("generated"), a))
    .catch((e) => current() && failure($("generated"), e.message));
  // The server's GPT-2 model (the shipped one unless it was given another).
  call("/v1/generate", body(query, Object.assign({ generator: "gpt2", candidates: 16, seed: 0 }, only.written)))
    .then((a) => current() && drawGenerated($("written"), a))
    .catch((e) => current() && failure($("written"), e.message));
}

function drawKeywords(keywords, active) {
  const box = $("keywords");
  box.dataset.state = "done";
  if (!keywords.length) { box.replaceChildren(el("span", "empty", "No keywords.")); return; }
  box.replaceChildren(...keywords.map((k) => {
    const chip = el("button", "chip", k.keyword);
    chip.type = "button";
    chip.dataset.keyword = k.keyword;
    if (k.keyword === active) chip.style.background = "var(--jade)", chip.style.color = "#fff";
    chip.appendChild(el("small", "", k.score.toFixed(2)));
    chip.addEventListener("click", () => {
      $("text-input").value = k.keyword;
      search({ text: k.keyword, keepKeywords: keywords });
    });
    return chip;
  }));
}

function drawPoems(results) {
  const box = $("poems");
  box.dataset.state = "done";
  if (!results.length) { box.replaceChildren(el("span", "empty", "No poems.")); return; }
  box.replaceChildren(...results.map((p) => {
    const card = el("article", "poem");
    card.dataset.id = p.id;
    card.appendChild(el("h3", "title", p.title || "无题"));
    const meta = el("div", "meta");
    meta.appendChild(el("span", "", [p.dynasty, p.author || "佚名"].filter(Boolean).join(" · ")));
    meta.appendChild(el("span", "score", p.score.toFixed(3)));
    card.appendChild(meta);
    const lines = el("div", "lines");
    for (const line of p.lines) lines.appendChild(el("div", "", line));
    card.appendChild(lines);
    const more = el("button", "quiet", "images for this poem");
    more.type = "button";
    more.addEventListener("click", () => imagesFor(p.id, card, more));
    card.appendChild(more);
    return card;
  }));
}

async function imagesFor(id, card, button) {
  let box = card.querySelector(".images");
  if (!box) { box = el("div", "images"); card.appendChild(box); }
  button.disabled = true;
  loading(box, "Looking in the library…");
  try {
    const a = await call("/v1/images", { poem: id, k: 6 });
    box.dataset.state = "done";
    if (!a.results.length) { box.replaceChildren(el("span", "note", "No images in the library.")); return; }
    box.replaceChildren(...a.results.map((r) => {
      const img = el("img");
      img.src = "/v1/images/file?id=" + encodeURIComponent(r.id);
      img.alt = r.id.split("/").pop();
      img.title = img.alt + " · " + r.score.toFixed(3);
      return img;
    }));
  } catch (e) {
    box.dataset.state = "error";
    box.replaceChildren(el("span", "note error", e.message));
  } finally {
    button.disabled = false;
  }
}

// A cento's lines name the poem each came from; a written poem's lines have no source.
function drawGenerated(box, a) {
  box.dataset.state = "done";
  if (!a.poem) {
    box.replaceChildren(el("span", "empty", "None of the " + a.candidates + " candidates was a well-formed quatrain."));
    return;
  }
  const parts = a.poem.lines.map((l) => {
    const row = el("div", "line");
    row.appendChild(el("span", "text", l.text));
    const s = l.source;
    if (s) row.appendChild(el("span", "source", "——" + (s.author || "佚名") + "《" + (s.title || "无题") + "》"));
    return row;
  });
  const score = a.poem.score === undefined || a.poem.score === null ? "" : "CLIP score " + a.poem.score.toFixed(3) + ", ";
  parts.push(el("div", "summary", score + "best of " + a.well_formed + " well-formed of " + a.candidates + " candidates · 关键词：" + a.keywords.join(" ")));
  box.replaceChildren(...parts);
}

function pick(file) {
  if (!file) return;
  if (file.type && file.type !== "image/jpeg") {
    failure($("poems"), "Only JPEG photos can be searched (this is " + file.type + ").");
    return;
  }
  const photo = $("photo");
  if (photo.dataset.url) URL.revokeObjectURL(photo.dataset.url);
  photo.dataset.url = URL.createObjectURL(file);
  photo.src = photo.dataset.url;
  photo.classList.add("shown");
  search({ file });
}

$("file-input").addEventListener("change", (e) => pick(e.target.files[0]));
// A changed filter searches the last query again.
for (const id of ["dynasty-filter", "form-filter"]) {
  $(id).addEventListener("change", () => { if (lastQuery) search(lastQuery); });
}
const drop = $("drop");
for (const type of ["dragenter", "dragover"]) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
for (const type of ["dragleave", "drop"]) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.remove("over"); });
drop.addEventListener("drop", (e) => pick(e.dataTransfer.files[0]));
$("text-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text-input").value.trim();
  if (text) search({ text });
});
fetch("/v1/collections").then((r) => r.json()).then((cs) => {
  if (!Array.isArray(cs)) return;
  $("status").textContent = cs.map((c) => c.collection + " " + c.embedded + "/" + c.count).join(" · ");
}).catch(() => {});
"""#
}
