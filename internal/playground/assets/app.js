// hearth try: the page's only script. It posts forms with fetch, opens
// Hearth's modals as dialogs, asks Hearth for autocomplete choices while
// one types, and refreshes the live part by polling (304 when unchanged).
"use strict";
(function () {
  const body = document.body;
  const as = body.dataset.as;
  let ch = body.dataset.ch;
  const words = document.getElementById("words").dataset;
  const status = document.getElementById("status");
  const live = document.getElementById("live");
  let etag = "";

  function say(text) { status.textContent = text || ""; }

  async function post(path, data) {
    const res = await fetch(path, { method: "POST", body: new URLSearchParams(data) });
    if (!res.ok) { throw new Error(await res.text()); }
    return res.json();
  }

  async function refresh() {
    const res = await fetch("/live?as=" + encodeURIComponent(as) + "&ch=" + encodeURIComponent(ch),
      { headers: etag ? { "If-None-Match": etag } : {} });
    if (res.status !== 200) { return; }
    etag = res.headers.get("ETag") || "";
    const active = document.activeElement;
    const keep = active && live.contains(active) ? active.id || active.dataset.cid : null;
    const open = Array.from(live.querySelectorAll("details[open]"), function (d) { return d.id; });
    const html = await res.text();
    const before = document.getElementById("messages");
    const atEnd = !before || before.scrollHeight - before.scrollTop - before.clientHeight < 8;
    const top = before ? before.scrollTop : 0;
    live.innerHTML = html;
    open.forEach(function (id) { const d = id && document.getElementById(id); if (d) { d.open = true; } });
    const after = document.getElementById("messages");
    if (after) { after.scrollTop = atEnd ? after.scrollHeight : top; }
    if (keep) {
      const again = document.getElementById(keep) || live.querySelector('[data-cid="' + CSS.escape(keep) + '"]');
      if (again) { again.focus(); }
    }
  }
  setInterval(refresh, 1000);
  const first = document.getElementById("messages");
  if (first) { first.scrollTop = first.scrollHeight; }

  // After an action: show where the answer went and refresh at once.
  async function done(answer) {
    if (answer.error) { say(answer.error); } else { say(""); }
    if (answer.modal) { openModal(answer.modal); }
    if (answer.channel && answer.channel !== ch) {
      location.href = "/?as=" + encodeURIComponent(as) + "&ch=" + encodeURIComponent(answer.channel);
      return;
    }
    etag = "";
    await refresh();
  }

  // The person picker reloads the page as someone else.
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });

  document.getElementById("locale").addEventListener("change", async function (e) {
    await post("/locale", { as: as, locale: e.target.value });
    location.reload();
  });

  document.getElementById("clock-form").addEventListener("submit", async function (e) {
    e.preventDefault();
    const by = e.submitter ? e.submitter.value : "1h";
    say(words.working);
    try { await post("/clock", { by: by }); say(""); } catch (err) { say(String(err.message)); }
    etag = "";
    await refresh();
  });

  // Buttons and selects in messages send a component interaction; a
  // voice channel's button joins it, or leaves voice.
  live.addEventListener("click", async function (e) {
    const v = e.target.closest("button[data-voice]");
    if (v) {
      try { await done(await post("/voice", { as: as, ch: v.dataset.voice })); } catch (err) { say(String(err.message)); }
      return;
    }
    const b = e.target.closest("button[data-cid]");
    if (!b || b.disabled) { return; }
    say(words.working);
    try { await done(await post("/component", { as: as, msg: b.dataset.msg, cid: b.dataset.cid, ctype: b.dataset.ctype })); }
    catch (err) { say(String(err.message)); }
  });
  live.addEventListener("change", async function (e) {
    const s = e.target.closest("select[data-cid]");
    if (!s || !s.value) { return; }
    try { await done(await post("/component", { as: as, msg: s.dataset.msg, cid: s.dataset.cid, ctype: s.dataset.ctype, value: s.value })); }
    catch (err) { say(String(err.message)); }
  });

  // The command box: pick a command, fill its options, send.
  const form = document.getElementById("command-form");
  const cmd = document.getElementById("cmd");
  const fields = document.getElementById("fields");
  cmd.addEventListener("change", async function () {
    if (!cmd.value) { fields.hidden = true; fields.innerHTML = ""; return; }
    const res = await fetch("/form?as=" + encodeURIComponent(as) + "&ch=" + encodeURIComponent(ch) + "&cmd=" + encodeURIComponent(cmd.value));
    fields.innerHTML = await res.text();
    fields.hidden = fields.children.length === 0;
  });
  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    say(words.working);
    const data = new FormData(form);
    try {
      const answer = await post("/command", data);
      if (!answer.error) { cmd.value = ""; fields.innerHTML = ""; fields.hidden = true; }
      await done(answer);
    } catch (err) { say(String(err.message)); }
  });

  // Autocomplete: ask Hearth as one types; pick with click or keyboard.
  let timer = null;
  let asked = 0; // the newest question; older answers are dropped
  fields.addEventListener("input", function (e) {
    const input = e.target.closest("input[data-autocomplete]");
    if (!input) { return; }
    const name = input.dataset.autocomplete;
    document.getElementById("val-" + name).value = input.value;
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(input, name); }, 120);
  });
  fields.addEventListener("focusin", function (e) {
    const input = e.target.closest("input[data-autocomplete]");
    if (input && !input.dataset.asked) { input.dataset.asked = "1"; suggest(input, input.dataset.autocomplete); }
  });
  async function suggest(input, name) {
    const data = new FormData(form);
    data.set("opt." + name, input.value);
    data.set("focus", name);
    const mine = ++asked;
    const res = await post("/autocomplete", data);
    if (mine !== asked) { return; }
    const list = document.getElementById("list-" + name);
    list.innerHTML = "";
    res.choices.forEach(function (c, i) {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "choice-" + name + "-" + i;
      li.tabIndex = -1;
      li.textContent = c.name;
      li.dataset.value = c.value;
      li.addEventListener("click", function () { pick(input, name, li); });
      li.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pick(input, name, li); }
        if (ev.key === "ArrowDown" && li.nextSibling) { ev.preventDefault(); li.nextSibling.focus(); }
        if (ev.key === "ArrowUp") { ev.preventDefault(); (li.previousSibling || input).focus(); }
        if (ev.key === "Escape") { list.hidden = true; input.focus(); }
      });
      list.appendChild(li);
    });
    list.hidden = res.choices.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
    say(res.choices.length ? words.suggestions + ": " + res.choices.length : words.noSuggestions);
  }
  fields.addEventListener("keydown", function (e) {
    const input = e.target.closest("input[data-autocomplete]");
    if (input && e.key === "ArrowDown") {
      const first = document.getElementById("list-" + input.dataset.autocomplete).firstChild;
      if (first) { e.preventDefault(); first.focus(); }
    }
  });
  function pick(input, name, li) {
    input.value = li.textContent;
    document.getElementById("val-" + name).value = li.dataset.value;
    const list = document.getElementById("list-" + name);
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.focus();
  }

  // Modals: Hearth's forms, as a dialog.
  const dialog = document.getElementById("modal");
  const modalForm = document.getElementById("modal-form");
  let modal = null;
  function openModal(m) {
    modal = m;
    document.getElementById("modal-title").textContent = m.title;
    const box = document.getElementById("modal-fields");
    box.innerHTML = "";
    m.fields.forEach(function (f, i) {
      const id = "modal-field-" + i;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = f.label;
      const input = document.createElement(f.paragraph ? "textarea" : "input");
      input.id = id;
      input.name = "field." + f.custom_id;
      input.value = f.value || "";
      if (f.placeholder) { input.placeholder = f.placeholder; }
      if (f.required) { input.required = true; }
      if (f.max_length) { input.maxLength = f.max_length; }
      if (f.paragraph) { input.rows = 6; }
      box.appendChild(label);
      box.appendChild(input);
    });
    dialog.showModal();
    const first = box.querySelector("input,textarea");
    if (first) { first.focus(); }
  }
  document.getElementById("modal-cancel").addEventListener("click", function () { dialog.close(); });
  modalForm.addEventListener("submit", async function (e) {
    e.preventDefault();
    const data = new FormData(modalForm);
    data.set("as", as);
    data.set("ch", modal.channel);
    data.set("cid", modal.custom_id);
    dialog.close();
    say(words.working);
    try { await done(await post("/modal", data)); } catch (err) { say(String(err.message)); }
  });
})();
