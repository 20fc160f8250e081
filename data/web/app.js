// The page of `longsd serve`. Everything it shows comes from the plan on
// disk through the server's JSON API; every change is a POST that the server
// makes to the plan (under its lock), answered with the book as it now is.
// Text from the book and the plan is only ever set as textContent.
"use strict";
(function () {
  const token = new URLSearchParams(location.search).get("t") || "";
  const $ = (id) => document.getElementById(id);
  let book = null;          // the book as last loaded
  let current = "";         // its name
  let polling = null;
  let seenJobs = {};        // job id -> state, to reload when one finishes

  function api(path) {
    return path + (path.includes("?") ? "&" : "?") + "t=" + encodeURIComponent(token);
  }
  function status(msg, err) {
    const s = $("status");
    s.textContent = msg || "";
    s.classList.toggle("err", !!err);
  }
  async function get(path) {
    const r = await fetch(api(path), { headers: { "X-Longsd-Token": token } });
    const j = await r.json().catch(() => ({ error: "HTTP " + r.status }));
    if (!r.ok) throw new Error(j.error || "HTTP " + r.status);
    return j;
  }
  async function post(action, body) {
    const r = await fetch("/api/book/" + encodeURIComponent(current) + "/" + action, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Longsd-Token": token },
      body: JSON.stringify(body),
    });
    const j = await r.json().catch(() => ({ error: "HTTP " + r.status }));
    if (!r.ok) throw new Error(j.error || "HTTP " + r.status);
    return j;
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- the book
  function ideaCard(idea) {
    const node = $("t-idea").content.firstElementChild.cloneNode(true);
    node.dataset.idea = idea.id;
    node.id = "idea-" + idea.id;
    const chosen = idea.candidates[idea.chosen - 1] || idea.candidates[0];
    const img = node.querySelector(".frame img");
    if (idea.width && idea.height) { // the frame takes the picture's shape
      node.querySelector(".frame").style.aspectRatio = idea.width + " / " + idea.height;
    }
    if (chosen && chosen.url && chosen.state === "done") {
      img.src = chosen.url;
      img.alt = idea.title + " — " + idea.scene;
    } else {
      img.hidden = true;
      node.querySelector(".placeholder").textContent =
        chosen && chosen.state === "failed" ? "failed: " + (chosen.error || "") : "not rendered yet";
    }
    node.querySelector(".ititle").textContent = idea.title || idea.id;
    node.querySelector(".iid").textContent = idea.id;
    node.querySelector(".seedinfo").textContent =
      "candidate " + idea.chosen + " of " + idea.candidates.length + " · seed " + idea.seed +
      (chosen && chosen.kept ? " · kept from style " + chosen.kept.style + " (until the new prompt is drawn)" : "");
    const thumbs = node.querySelector(".thumbs");
    if (idea.candidates.length > 1) {
      for (const c of idea.candidates) {
        const b = el("button", "thumb " + c.state + (c.chosen ? " is-chosen" : ""));
        if (idea.width && idea.height) b.style.aspectRatio = idea.width + " / " + idea.height;
        b.type = "button";
        b.setAttribute("role", "radio");
        b.setAttribute("aria-checked", c.chosen ? "true" : "false");
        b.title = "candidate " + c.k + ", seed " + c.seed + (c.state === "done" ? "" : " (" + c.state + ")") +
          (c.kept ? " · kept from style " + c.kept.style + ": " + c.kept.prompt : "");
        b.dataset.k = c.k;
        if (c.url && c.state === "done") {
          const t = el("img");
          t.src = c.url;
          t.alt = "candidate " + c.k;
          b.appendChild(t);
        }
        b.appendChild(el("span", "n", String(c.k)));
        b.addEventListener("click", () => change("choose", { idea: idea.id, k: c.k }, "chose candidate " + c.k));
        thumbs.appendChild(b);
      }
    } else thumbs.hidden = true;
    node.querySelector(".reroll").addEventListener("click", () =>
      change("reroll", { idea: idea.id }, "re-rolling " + idea.id));
    const form = node.querySelector("form.edit");
    node.querySelector(".toggle-edit").addEventListener("click", () => { form.hidden = !form.hidden; });
    node.querySelector(".cancel").addEventListener("click", () => { form.hidden = true; });
    form.elements.scene.value = idea.scene;
    form.elements.prompt.value = idea.prompt;
    form.elements.negative.value = idea.negative;
    form.elements.seed.value = idea.seed;
    for (const s of book.styles.includes(idea.style) || !idea.style ? book.styles : [idea.style].concat(book.styles)) {
      const o = el("option", "", s);
      o.value = s;
      if (s === idea.style) o.selected = true;
      form.elements.style.appendChild(o);
    }
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const f = form.elements, body = { idea: idea.id };
      // only what changed: a new scene or style writes the prompt again,
      // unless the prompt itself was edited
      if (f.prompt.value !== idea.prompt) body.prompt = f.prompt.value;
      if (f.scene.value !== idea.scene) body.scene = f.scene.value;
      if (f.negative.value !== idea.negative) body.negative = f.negative.value;
      if (f.style.value !== idea.style) body.style = f.style.value;
      if (String(f.seed.value) !== String(idea.seed) && f.seed.value !== "") body.seed = Number(f.seed.value);
      change("edit", body, "saved " + idea.id);
    });
    return node;
  }

  // the paragraph's text with each idea's passage marked (found by its
  // words; a passage that cannot be found marks the whole paragraph)
  function markPassages(para, text, ideas) {
    const spans = [];
    for (const i of ideas) {
      const at = i.quote ? text.indexOf(i.quote) : -1;
      if (at >= 0) spans.push([at, at + i.quote.length, i.id]);
      else para.classList.add("anchor");
    }
    spans.sort((a, b) => a[0] - b[0]);
    let pos = 0;
    for (const [a, b, id] of spans) {
      if (a < pos) continue;
      para.appendChild(document.createTextNode(text.slice(pos, a)));
      const m = el("mark", "", text.slice(a, b));
      m.title = id;
      para.appendChild(m);
      pos = b;
    }
    para.appendChild(document.createTextNode(text.slice(pos)));
    if (ideas.length) para.classList.add("has-idea");
  }

  function renderBook() {
    const story = $("story");
    story.replaceChildren();
    story.appendChild(el("h1", "", book.title || book.name));
    if (book.author) story.appendChild(el("p", "author", book.author));
    const byPara = new Map();
    for (const i of book.ideas) {
      if (!byPara.has(i.paragraph)) byPara.set(i.paragraph, []);
      byPara.get(i.paragraph).push(i);
    }
    const partAt = new Map(book.parts.map((p) => [p.first, p.label]));
    if (book.has_text && book.paragraphs.length) {
      book.paragraphs.forEach((p, n) => {
        if (partAt.has(n) && book.parts.length > 1) story.appendChild(el("h2", "part", partAt.get(n)));
        const para = el("p", p.h ? "heading" : "");
        markPassages(para, p.t, byPara.get(n) || []);
        story.appendChild(para);
        for (const i of byPara.get(n) || []) story.appendChild(ideaCard(i));
      });
    } else { // the text is not at hand: the passages alone
      story.appendChild(el("p", "empty", "The text of this book was not found; showing each idea with its passage."));
      for (const i of book.ideas) {
        story.appendChild(el("blockquote", "", i.quote));
        story.appendChild(ideaCard(i));
      }
    }
    const cast = $("cast");
    cast.replaceChildren();
    if (!book.cast.length) cast.appendChild(el("p", "hint", "No recurring characters found."));
    for (const c of book.cast) {
      const d = el("div", "castitem");
      d.dataset.name = c.name;
      const who = el("div");
      who.appendChild(el("span", "who", c.full_name || c.name));
      who.appendChild(el("span", "mentions", c.mentions + "×"));
      d.appendChild(who);
      const ta = el("textarea");
      ta.rows = 2;
      ta.value = c.description;
      ta.placeholder = "how " + c.name + " looks (hair, clothes, age)";
      ta.setAttribute("aria-label", "description of " + c.name);
      d.appendChild(ta);
      const row = el("div", "row");
      const b = el("button", "save-cast", "Save & re-render");
      b.type = "button";
      b.addEventListener("click", () =>
        change("cast", { name: c.name, description: ta.value }, "saved " + c.name));
      row.appendChild(b);
      d.appendChild(row);
      cast.appendChild(d);
    }
    if (!book.can_render) status("no image backend: start serve with --backend to render");
  }

  async function loadBook(name, keepScroll) {
    const y = window.scrollY;
    current = name;
    book = await get("/api/book/" + encodeURIComponent(name));
    renderBook();
    if (keepScroll) window.scrollTo(0, y);
  }

  async function change(action, body, done) {
    document.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      const r = await post(action, body);
      book = r.book;
      const y = window.scrollY;
      renderBook();
      window.scrollTo(0, y);
      status(done);
      poll();
    } catch (e) {
      status(e.message, true);
    } finally {
      document.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    }
  }

  // ---- progress of renders
  async function poll() {
    if (polling) return;
    polling = true;
    try {
      for (;;) {
        const p = await get("/api/book/" + encodeURIComponent(current) + "/progress");
        const list = $("jobs");
        list.replaceChildren();
        let reload = false;
        for (const j of p.jobs.slice(-12).reverse()) {
          const li = el("li", j.state, j.idea + ": " + j.state + (j.total ? " " + j.done + "/" + j.total : "") +
            (j.msg && j.state === "failed" ? " — " + j.msg : ""));
          list.appendChild(li);
          if (seenJobs[j.id] !== j.state && (j.state === "done" || j.state === "failed")) reload = true;
          seenJobs[j.id] = j.state;
          const card = document.querySelector('.idea[data-idea="' + CSS.escape(j.idea) + '"]');
          if (card && j.state !== "done") {
            const bar = card.querySelector(".progress");
            bar.hidden = j.state === "failed" && !j.msg;
            card.querySelector(".ptext").textContent = j.state === "failed" ? "failed: " + j.msg :
              j.state + (j.total ? " " + j.done + " of " + j.total : "");
            card.querySelector(".fill").style.width = (j.total ? 100 * j.done / j.total : 5) + "%";
          }
        }
        if (!p.jobs.length) list.appendChild(el("li", "hint", "Nothing rendering."));
        if (reload) await loadBook(current, true);
        if (!p.busy) break;
        await new Promise((r) => setTimeout(r, 600));
      }
    } catch (e) {
      status(e.message, true);
    } finally {
      polling = false;
    }
  }

  // ---- export
  $("export").addEventListener("click", async () => {
    $("export").disabled = true;
    status("writing the documents…");
    try {
      const r = await post("export", {});
      const box = $("exported");
      box.replaceChildren(el("span", "", "Written: "));
      for (const w of r.written) {
        const ext = w.endsWith(".docx") ? "docx" : w.endsWith(".epub") ? "epub" : "";
        if (ext) {
          const a = el("a", "", w);
          a.href = api("/download/" + encodeURIComponent(current) + "/" + ext);
          a.setAttribute("download", "");
          box.appendChild(a);
        } else box.appendChild(el("span", "", w + " "));
      }
      box.hidden = false;
      status("exported (" + r.layout + " layout)");
    } catch (e) {
      status(e.message, true);
    } finally {
      $("export").disabled = false;
    }
  });

  // ---- start
  (async () => {
    try {
      const { books } = await get("/api/books");
      const sel = $("book");
      for (const b of books) {
        const o = el("option", "", (b.title || b.name) + " (" + b.done + "/" + b.ideas + ")");
        o.value = b.name;
        sel.appendChild(o);
      }
      sel.addEventListener("change", () => loadBook(sel.value).then(poll).catch((e) => status(e.message, true)));
      const want = new URLSearchParams(location.search).get("book");
      if (want && books.some((b) => b.name === want)) sel.value = want;
      if (books.length) { await loadBook(sel.value); poll(); }
      else $("story").replaceChildren(el("p", "empty", "No books."));
    } catch (e) {
      status(e.message, true);
      $("story").replaceChildren(el("p", "empty", e.message));
    }
  })();
})();
