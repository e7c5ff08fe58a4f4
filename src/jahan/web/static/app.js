// The dashboard's browser side: draws the figures, builds run requests, polls jobs.
// Every text shown comes translated from the server (the #messages element).
"use strict";

const MESSAGES = JSON.parse(document.getElementById("messages").textContent);
const LANG = document.body.dataset.lang;

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function drawFigures() {
  for (const div of document.querySelectorAll("[data-figure]")) {
    const fig = JSON.parse(document.getElementById(div.dataset.figure).textContent);
    // A responsive plot fills its container: give the container the figure's height.
    div.style.height = (fig.layout.height || 450) + "px";
    Plotly.newPlot(div, fig.data, fig.layout, {responsive: true, displaylogo: false})
      .then(() => { div.dataset.ready = "1"; div.dispatchEvent(new Event("figure-ready")); });
  }
}

function onFigure(id, callback) {
  const div = document.getElementById(id);
  if (!div) return;
  if (div.dataset.ready) callback(div);
  else div.addEventListener("figure-ready", () => callback(div), {once: true});
}

// -- world page -------------------------------------------------------------------------------
function worldPage() {
  onFigure("world-map", (div) => {
    div.on("plotly_click", (event) => {
      const code = event.points[0].location;
      const card = document.getElementById("card-" + code);
      if (!card) return;
      document.querySelectorAll(".card.selected").forEach((c) => c.classList.remove("selected"));
      card.classList.add("selected");
      card.hidden = false;
      card.scrollIntoView({behavior: "smooth", block: "center"});
    });
  });
  const filter = document.getElementById("card-filter");
  filter.addEventListener("input", () => {
    const q = filter.value.trim().toLowerCase();
    for (const card of document.querySelectorAll(".card")) {
      card.hidden = q !== "" && !card.dataset.name.includes(q) && !card.dataset.code.toLowerCase().includes(q);
    }
  });
}

// -- builder ------------------------------------------------------------------------------------
const SIDES = {agreement: false, trade_cost: true, border: false, sanctions: true, productivity: false, autarky: false};

function splitCodes(text) {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

function membersValue(text) {
  const parts = splitCodes(text);
  return parts.length === 1 ? parts[0] : parts;
}

function number(input) {
  const v = input.value.trim();
  return v === "" ? null : Number(v);
}

function builderPage() {
  const groups = JSON.parse(document.getElementById("groups-json").textContent);
  const form = document.getElementById("run-form");
  const library = document.getElementById("library");
  const shocks = document.getElementById("shocks");
  const template = document.getElementById("shock-template");
  const status = document.getElementById("status-text");
  const progress = document.getElementById("progress");
  const runButton = document.getElementById("run");
  const cancelButton = document.getElementById("cancel");
  let active = null;
  let jobId = null;

  function describe() {
    const option = library.selectedOptions[0];
    document.getElementById("library-description").textContent = option ? option.dataset.description : "";
    if (option) {
      document.getElementById("seed").value = option.dataset.seed;
    }
  }
  library.addEventListener("change", describe);
  describe();

  function mode() {
    return document.querySelector("input[name=mode]:checked").value;
  }
  for (const radio of document.querySelectorAll("input[name=mode]")) {
    radio.addEventListener("change", () => {
      document.getElementById("library-panel").hidden = mode() !== "library";
      document.getElementById("compose-panel").hidden = mode() !== "compose";
      if (mode() === "compose" && !shocks.children.length) addShock();
      window.dispatchEvent(new Event("resize"));
    });
  }

  function expand(text) {
    const out = new Set();
    for (const part of splitCodes(text)) {
      const group = Object.keys(groups).find((g) => g.toUpperCase() === part.toUpperCase());
      (group ? groups[group] : [part.toUpperCase()]).forEach((c) => out.add(c));
    }
    return out;
  }

  function paint() {
    onFigure("builder-map", (div) => {
      const chosen = active ? expand(active.querySelector(".members").value) : new Set();
      const others = active && !active.querySelector(".other").hidden ? expand(active.querySelector(".others").value) : new Set();
      const z = div.data[0].locations.map((c) => (chosen.has(c) ? 1 : others.has(c) ? 0.5 : 0));
      Plotly.restyle(div, {z: [z]});
    });
  }

  function activate(fieldset) {
    active = fieldset;
    shocks.querySelectorAll(".shock").forEach((f) => f.classList.toggle("active", f === fieldset));
    paint();
  }

  function arrange(fieldset) {
    const type = fieldset.querySelector(".type").value;
    fieldset.querySelector(".other").hidden = !SIDES[type];
    fieldset.querySelector(".kind").hidden = type !== "agreement";
    fieldset.querySelector(".effect").hidden = type !== "agreement";
    fieldset.querySelector(".change").hidden = type === "agreement" || type === "autarky";
    fieldset.querySelector(".se").hidden = type === "autarky";
    // Any value is allowed: a step would make the browser refuse the library's 0.055771.
    fieldset.querySelector(".se-value").step = "any";
  }

  function renumber() {
    shocks.querySelectorAll(".shock").forEach((f, k) => { f.querySelector(".number").textContent = k + 1; });
  }

  function addShock() {
    const fieldset = template.content.firstElementChild.cloneNode(true);
    const groupSelect = fieldset.querySelector(".group");
    for (const name of Object.keys(groups)) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      groupSelect.appendChild(option);
    }
    groupSelect.addEventListener("change", () => {
      if (groupSelect.value) fieldset.querySelector(".members").value = groupSelect.value;
      paint();
    });
    fieldset.querySelector(".type").addEventListener("change", () => { arrange(fieldset); paint(); });
    // An agreement kind brings the library's default effect and standard error (the same numbers
    // `jahan run` uses), so a composed agreement matches the command line.
    const kind = fieldset.querySelector(".kind-select");
    kind.addEventListener("change", () => {
      const option = kind.selectedOptions[0];
      fieldset.querySelector(".effect-value").value = option.dataset.effect;
      fieldset.querySelector(".se-value").value = option.dataset.se;
    });
    fieldset.addEventListener("focusin", () => activate(fieldset));
    fieldset.addEventListener("click", () => activate(fieldset));
    fieldset.querySelector(".members").addEventListener("input", paint);
    fieldset.querySelector(".others").addEventListener("input", paint);
    fieldset.querySelector(".remove").addEventListener("click", (event) => {
      event.stopPropagation();
      fieldset.remove();
      renumber();
      activate(shocks.querySelector(".shock"));
    });
    shocks.appendChild(fieldset);
    arrange(fieldset);
    renumber();
    activate(fieldset);
  }
  document.getElementById("add-shock").addEventListener("click", addShock);

  onFigure("builder-map", (div) => {
    div.on("plotly_click", (event) => {
      if (!active) addShock();
      const code = event.points[0].location;
      const input = active.querySelector(".members");
      const codes = [...expand(input.value)];
      const k = codes.indexOf(code);
      if (k >= 0) codes.splice(k, 1); else codes.push(code);
      input.value = codes.join(", ");
      active.querySelector(".group").value = "";
      paint();
    });
  });

  function shockSpec(fieldset) {
    const type = fieldset.querySelector(".type").value;
    const members = membersValue(fieldset.querySelector(".members").value);
    const others = membersValue(fieldset.querySelector(".others").value);
    const change = number(fieldset.querySelector(".change-value"));
    const se = number(fieldset.querySelector(".se-value"));
    const shock = {type: type};
    if (type === "agreement") {
      Object.assign(shock, {members: members, kind: fieldset.querySelector(".kind-select").value,
        effect: number(fieldset.querySelector(".effect-value")), se: se});
    } else if (type === "trade_cost") {
      Object.assign(shock, {exporters: members, importers: others, change_pct: change, se_pct: se});
    } else if (type === "border") {
      Object.assign(shock, {country: members, change_pct: change, se_pct: se});
    } else if (type === "sanctions") {
      Object.assign(shock, {between: members, and: others, change_pct: change, se_pct: se});
    } else if (type === "productivity") {
      Object.assign(shock, {countries: members, change_pct: change, se_pct: se});
    } else {
      Object.assign(shock, {countries: members});
    }
    return shock;
  }

  function request() {
    const body = {draws: number(document.getElementById("draws")), seed: number(document.getElementById("seed"))};
    if (mode() === "library") {
      body.scenario = library.value;
      return body;
    }
    body.spec = {
      scenario: {name: document.getElementById("sc-name").value, focus: splitCodes(document.getElementById("sc-focus").value).map((c) => c.toUpperCase())},
      model: {trade_elasticity: number(document.getElementById("sc-elasticity")), closure: document.getElementById("sc-closure").value},
      shocks: [...shocks.querySelectorAll(".shock")].map(shockSpec),
    };
    return body;
  }

  const known = JSON.parse(document.getElementById("names-json").textContent);

  // Optimal-string-alignment distance, as jahan._suggest.edit_distance (KZA -> KAZ is one edit).
  function editDistance(a, b) {
    const d = Array.from({length: a.length + 1}, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  }

  // An unknown code or group in a members field, with the nearest known one (or null).
  function unknownCode(text) {
    const pool = [...Object.keys(known), ...Object.keys(groups)];
    for (const part of splitCodes(text)) {
      const upper = part.toUpperCase();
      if (pool.some((c) => c.toUpperCase() === upper)) continue;
      // Ranked as jahan._suggest.closest: edit distance, then the longer common prefix, then name.
      const prefix = (c) => { let n = 0; while (n < upper.length && upper[n] === c[n]) n++; return n; };
      const ranked = pool.map((c) => [editDistance(upper, c.toUpperCase()), -prefix(c.toUpperCase()), c])
        .sort((x, y) => x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : 1));
      const near = ranked.length && ranked[0][0] <= Math.max(1, Math.floor(upper.length / 2)) ? ranked[0][2] : null;
      return {code: part, near: near};
    }
    return null;
  }

  // The first composed shock left blank or naming an unknown code, as a message in the page's
  // language (null when none): said before any request, so the message is not the server's English.
  function blankShock() {
    if (mode() !== "compose") return null;
    const fieldsets = [...shocks.querySelectorAll(".shock")];
    for (const [k, fieldset] of fieldsets.entries()) {
      const type = fieldset.querySelector(".type").value;
      if (!splitCodes(fieldset.querySelector(".members").value).length) {
        activate(fieldset);
        return fill(MESSAGES.blank_shock, {n: k + 1});
      }
      if (SIDES[type] && !splitCodes(fieldset.querySelector(".others").value).length) {
        activate(fieldset);
        return fill(MESSAGES.blank_other, {n: k + 1});
      }
      for (const field of [".members", ...(SIDES[type] ? [".others"] : [])]) {
        const bad = unknownCode(fieldset.querySelector(field).value);
        if (bad) {
          activate(fieldset);
          return fill(bad.near ? MESSAGES.unknown_code_near : MESSAGES.unknown_code, {n: k + 1, code: bad.code, near: bad.near});
        }
      }
    }
    return null;
  }

  // A check result belongs to the scenario as it was checked: any edit clears it.
  function stale() {
    if (runButton.disabled) return;
    if (status.className === "ok") show("");
    document.getElementById("toml-preview").hidden = true;
  }
  form.addEventListener("input", stale);
  form.addEventListener("change", stale);
  document.getElementById("add-shock").addEventListener("click", stale);

  function show(text, kind) {
    status.textContent = text;
    status.className = kind || "";
  }

  function busy(on) {
    runButton.disabled = on;
    cancelButton.hidden = !on;
    progress.hidden = !on;
  }

  async function poll() {
    const response = await fetch("/api/jobs/" + jobId);
    const job = await response.json();
    if (!response.ok) { busy(false); show(MESSAGES.error + " " + job.error, "error"); return; }
    if (job.status === "done") {
      progress.value = 1;
      show(MESSAGES.done, "ok");
      window.location.href = "/results/" + job.id + "?lang=" + LANG;
      return;
    }
    if (job.status === "failed") { busy(false); show(MESSAGES.failed + " " + job.error, "error"); return; }
    if (job.status === "cancelled") { busy(false); show(MESSAGES.cancelled, "error"); return; }
    if (job.status === "queued") show(MESSAGES.queued);
    else if (job.total > 0 && job.done > 0) {
      progress.value = job.done / job.total;
      show(fill(MESSAGES.running, {done: job.done, total: job.total}));
    } else {
      progress.removeAttribute("value");
      show(MESSAGES.central);
    }
    setTimeout(poll, 300);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (mode() === "compose" && !shocks.children.length) { show(MESSAGES.no_shocks, "error"); return; }
    const blank = blankShock();
    if (blank) { show(blank, "error"); return; }
    busy(true);
    progress.value = 0;
    // "queued" is shown by poll() once the server has accepted the job: a refused scenario must
    // never look queued.
    show("");
    const response = await fetch("/api/run", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify(request())});
    const answer = await response.json();
    if (!response.ok) { busy(false); show(MESSAGES.error + " " + answer.error, "error"); return; }
    jobId = answer.job;
    document.body.dataset.job = jobId;
    poll();
  });

  document.getElementById("check").addEventListener("click", async () => {
    const preview = document.getElementById("toml-preview");
    if (mode() === "compose" && !shocks.children.length) { show(MESSAGES.no_shocks, "error"); return; }
    const blank = blankShock();
    if (blank) { preview.hidden = true; show(blank, "error"); return; }
    const response = await fetch("/api/validate", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify(request())});
    const answer = await response.json();
    if (!response.ok) {
      preview.hidden = !answer.toml;
      preview.textContent = answer.toml || "";
      show(MESSAGES.error + " " + answer.error, "error");
      return;
    }
    preview.hidden = false;
    preview.textContent = answer.toml;
    show(MESSAGES.valid, "ok");
  });

  cancelButton.addEventListener("click", async () => {
    if (jobId) await fetch("/api/jobs/" + jobId + "/cancel", {method: "POST"});
  });
}

// -- results ------------------------------------------------------------------------------------
function resultsPage() {
  const outputs = JSON.parse(document.getElementById("map-outputs").textContent);
  const select = document.getElementById("map-output");
  onFigure("map", (div) => {
    select.addEventListener("change", () => {
      const z = outputs[select.value].z;
      const limit = Math.max(...z.map(Math.abs)) || 1;
      // Hover texts name the welfare band; for other outputs show the value only.
      Plotly.restyle(div, {z: [z], zmin: [-limit], zmax: [limit],
        hovertemplate: [select.value === "welfare_pct" ? "%{text}<extra></extra>" : "%{location}: %{z:.3f}%<extra></extra>"]});
      div.dataset.output = select.value;
    });
  });
}

drawFigures();
if (document.body.dataset.page === "world") worldPage();
if (document.body.dataset.page === "builder") builderPage();
if (document.body.dataset.page === "results") resultsPage();
