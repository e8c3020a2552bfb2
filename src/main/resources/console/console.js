// The logmeter console: usage per account, recent records, top accounts and operations, from the
// service's own API. No library: the chart is a few SVG rectangles. Text from the API is only ever
// set as textContent.
"use strict";

const KEY = "logmeter.apiKey";
const $ = (id) => document.getElementById(id);
const INTEGER = new Intl.NumberFormat("en-US");

// ---- formatting

/** Decimal units, as billing uses them: 1 KB = 1,000 bytes. */
function human(bytes) {
  const units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? INTEGER.format(bytes) + " bytes" : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0) + " " + units[unit];
}

function exact(bytes) {
  return INTEGER.format(bytes) + " bytes";
}

function showBytes(element, bytes) {
  element.textContent = human(bytes);
  element.title = exact(bytes);
  element.dataset.bytes = String(bytes);
}

function utcToday() {
  return new Date().toISOString().slice(0, 10);
}

function addDays(date, days) {
  const d = new Date(date + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  row.appendChild(td);
  return td;
}

// ---- the API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GET of a JSON resource, with the tab's API key if one was given. A 401 asks for a key. */
async function api(path) {
  const headers = { Accept: "application/json" };
  const key = sessionStorage.getItem(KEY);
  if (key) {
    headers.Authorization = "Bearer " + key;
  }
  let response;
  try {
    response = await fetch(path, { headers });
  } catch (e) {
    throw new ApiError(0, "unreachable", "logmeter did not answer (" + e.message + ")");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    // not JSON: said below
  }
  if (response.status === 401) {
    askForKey(key ? "The API key was refused: " + (body && body.message ? body.message : "not valid") + ". Enter another."
      : "This logmeter requires an API key with the scopes usage:read and logs:read.");
    throw new ApiError(401, "unauthorized", body && body.message ? body.message : "an API key is required");
  }
  if (!response.ok) {
    throw new ApiError(response.status, body && body.error ? body.error : "http_" + response.status,
      body && body.message ? body.message : "the request failed with status " + response.status);
  }
  if (body === null) {
    throw new ApiError(response.status, "not_json", "the answer was not JSON");
  }
  return body;
}

function showError(error) {
  const banner = $("error");
  if (!error) {
    banner.hidden = true;
    banner.textContent = "";
    return;
  }
  if (error.status === 401) {
    return; // the key panel says it
  }
  banner.textContent = error.code && error.code !== "unreachable" ? error.message + " (" + error.code + ")" : error.message;
  banner.hidden = false;
}

let retry = null;

function askForKey(message) {
  $("key-message").textContent = message;
  $("key-panel").hidden = false;
  $("key-input").focus();
}

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("key-input").value.trim());
  $("key-input").value = "";
  $("key-panel").hidden = true;
  if (retry) {
    retry();
  }
});

// ---- views

const views = { account: $("view-account"), top: $("view-top"), ops: $("view-ops") };

function route() {
  const [name, arg] = location.hash.replace(/^#/, "").split("/");
  const view = views[name] ? name : "account";
  for (const [key, element] of Object.entries(views)) {
    element.hidden = key !== view;
    $("nav-" + key).classList.toggle("active", key === view);
  }
  showError(null);
  stopOps();
  if (view === "account" && arg) {
    $("account-id").value = decodeURIComponent(arg);
    lookUp();
  } else if (view === "ops") {
    startOps();
  }
}

window.addEventListener("hashchange", route);

// ---- account

$("range-to").value = utcToday();
$("range-from").value = addDays(utcToday(), -29);

$("account-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = $("account-id").value.trim().toLowerCase();
  if (location.hash === "#account/" + id) {
    lookUp();
  } else {
    location.hash = "#account/" + id;
  }
});

async function lookUp() {
  retry = lookUp;
  const account = $("account-id").value.trim().toLowerCase();
  const from = $("range-from").value;
  const to = $("range-to").value;
  const today = utcToday();
  const base = "/v1/accounts/" + encodeURIComponent(account);
  showError(null);
  try {
    const [total, month, daily] = await Promise.all([
      api(base + "/usage"),
      api(base + "/usage?from=" + today.slice(0, 8) + "01&to=" + today),
      api(base + "/usage/daily?from=" + from + "&to=" + to),
    ]);
    showBytes($("total-bytes"), total.bytes);
    $("total-messages").textContent = INTEGER.format(total.messages) + " messages";
    showBytes($("mtd-bytes"), month.bytes);
    $("mtd-messages").textContent = INTEGER.format(month.messages) + " messages since " + today.slice(0, 8) + "01";
    $("range-title").textContent = from + " to " + to;
    showBytes($("range-bytes"), daily.bytes);
    $("range-messages").textContent = INTEGER.format(daily.messages) + " messages";
    drawDays(daily.days);
    // With the fold, how fresh the answers are: every message acknowledged before it is counted.
    const through = [total, month, daily].map((a) => a.countedThrough).filter(Boolean).sort()[0];
    $("counted-through").hidden = !through;
    $("counted-through").textContent = through ? "Counts every message acknowledged before " + through : "";
    $("account-result").hidden = false;
    await records(account, null, []);
  } catch (e) {
    $("account-result").hidden = true;
    showError(e);
  }
}

let shownDays = [];

$("chart-measure").addEventListener("change", () => drawChart(shownDays));

function drawDays(days) {
  shownDays = days;
  drawChart(days);
  const body = $("days-table").querySelector("tbody");
  body.replaceChildren();
  for (const day of days) {
    const row = document.createElement("tr");
    row.dataset.date = day.date;
    cell(row, day.date, "date");
    cell(row, INTEGER.format(day.bytes), "num bytes").dataset.bytes = String(day.bytes);
    cell(row, human(day.bytes), "num");
    cell(row, INTEGER.format(day.messages), "num messages");
    body.appendChild(row);
  }
}

/** Bars of bytes or messages per day, each with its exact numbers as a tooltip. */
function drawChart(days) {
  const measure = $("chart-measure").value;
  const size = (n) => (measure === "bytes" ? human(n) : INTEGER.format(n) + " messages");
  const width = 960;
  const height = 180;
  const top = 16;
  const bottom = 20;
  const max = Math.max(1, ...days.map((d) => d[measure]));
  const step = width / Math.max(1, days.length);
  const svgNs = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("width", "100%");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", measure + " per day");
  days.forEach((day, i) => {
    const h = (height - top - bottom) * (day[measure] / max);
    const bar = document.createElementNS(svgNs, "rect");
    bar.setAttribute("class", "bar");
    bar.setAttribute("x", String(i * step + step * 0.1));
    bar.setAttribute("width", String(Math.max(1, step * 0.8)));
    bar.setAttribute("y", String(height - bottom - h));
    bar.setAttribute("height", String(h));
    const title = document.createElementNS(svgNs, "title");
    title.textContent = day.date + ": " + exact(day.bytes) + " (" + human(day.bytes) + "), " + INTEGER.format(day.messages) + " messages";
    bar.appendChild(title);
    svg.appendChild(bar);
  });
  const label = (x, y, text, anchor) => {
    const t = document.createElementNS(svgNs, "text");
    t.setAttribute("x", String(x));
    t.setAttribute("y", String(y));
    t.setAttribute("text-anchor", anchor);
    t.textContent = text;
    svg.appendChild(t);
  };
  label(4, 11, "max " + size(max) + " per day", "start");
  if (days.length) {
    label(2, height - 6, days[0].date, "start");
    label(width - 2, height - 6, days[days.length - 1].date, "end");
  }
  $("chart").replaceChildren(svg);
}

/** Shows a page of the account's records; {@code previous} holds the cursors of the pages before. */
async function records(account, cursor, previous) {
  const page = await api("/v1/accounts/" + encodeURIComponent(account) + "/logs?limit=10"
    + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
  const body = $("records-table").querySelector("tbody");
  body.replaceChildren();
  for (const record of page.records) {
    const row = document.createElement("tr");
    cell(row, record.eventTime);
    cell(row, record.messageId, "id");
    cell(row, INTEGER.format(record.bytes), "num");
    cell(row, record.logData, "data");
    const open = document.createElement("button");
    open.type = "button";
    open.className = "open";
    open.textContent = "Open";
    open.addEventListener("click", () => openRecord(account, record));
    row.appendChild(document.createElement("td")).appendChild(open);
    body.appendChild(row);
  }
  $("records-table").hidden = page.records.length === 0;
  $("records-empty").hidden = page.records.length !== 0 || cursor !== null;
  const next = $("records-next");
  next.hidden = !page.nextCursor;
  next.onclick = () => records(account, page.nextCursor, previous.concat([cursor])).catch(showError);
  const first = $("records-first");
  first.hidden = cursor === null;
  first.onclick = () => records(account, null, []).catch(showError);
}

async function openRecord(account, listed) {
  try {
    const record = await api("/v1/accounts/" + encodeURIComponent(account) + "/logs/"
      + encodeURIComponent(listed.messageId) + "?at=" + encodeURIComponent(listed.eventTime));
    $("record-id").textContent = record.messageId;
    $("record-json").textContent = JSON.stringify(record, null, 2);
    $("record-detail").hidden = false;
    $("record-detail").scrollIntoView({ block: "nearest" });
  } catch (e) {
    showError(e);
  }
}

$("record-close").addEventListener("click", () => {
  $("record-detail").hidden = true;
});

// ---- top accounts

$("top-to").value = utcToday();
$("top-from").value = utcToday().slice(0, 8) + "01";

$("top-form").addEventListener("submit", (event) => {
  event.preventDefault();
  loadTop();
});

async function loadTop() {
  retry = loadTop;
  showError(null);
  const from = $("top-from").value;
  const to = $("top-to").value;
  try {
    const top = await api("/v1/usage/top?from=" + from + "&to=" + to + "&limit=" + encodeURIComponent($("top-limit").value));
    const body = $("top-table").querySelector("tbody");
    body.replaceChildren();
    top.accounts.forEach((account, i) => {
      const row = document.createElement("tr");
      cell(row, String(i + 1), "num");
      const link = document.createElement("a");
      link.href = "#account/" + account.accountId;
      link.textContent = account.accountId;
      row.appendChild(document.createElement("td")).appendChild(link);
      cell(row, INTEGER.format(account.bytes), "num bytes");
      cell(row, human(account.bytes), "num");
      cell(row, INTEGER.format(account.messages), "num messages");
      body.appendChild(row);
    });
    $("top-summary").textContent = INTEGER.format(top.accountsWithUsage) + " accounts with usage from " + top.from
      + " to " + top.to + "; the " + top.accounts.length + " largest by " + top.by + ":";
    $("top-table").hidden = top.accounts.length === 0;
    $("top-empty").hidden = top.accounts.length !== 0;
  } catch (e) {
    showError(e);
  }
}

// ---- operations

let opsTimer = null;
let lastAccepted = null;

/** Prometheus text: every sample as name{labels} → value. */
function samples(text) {
  const found = new Map();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.trim()) {
      continue;
    }
    const space = line.lastIndexOf(" ");
    found.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return found;
}

function queue(found, name, state) {
  const value = found.get('logmeter_queue_messages{queue="' + name + '",state="' + state + '"}');
  return value === undefined || value < 0 ? "not read yet" : INTEGER.format(value);
}

async function pollOps() {
  try {
    const [metrics, ready] = await Promise.all([
      fetch("/metrics").then((r) => r.text()),
      fetch("/health/ready").then(async (r) => ({ status: r.status, body: await r.json().catch(() => ({})) })),
    ]);
    const found = samples(metrics);
    const accepted = found.get("logmeter_messages_accepted_total");
    const now = performance.now();
    if (accepted !== undefined && lastAccepted) {
      const rate = (accepted - lastAccepted.value) / ((now - lastAccepted.at) / 1000);
      $("ops-rate").textContent = rate.toFixed(1);
    }
    if (accepted !== undefined) {
      lastAccepted = { value: accepted, at: now };
    }
    $("ops-backlog").textContent = queue(found, "ingest", "visible");
    $("ops-dlq").textContent = queue(found, "dlq", "visible");
    const held = found.get("logmeter_inflight_messages");
    $("ops-inflight").textContent = held === undefined ? "no pipeline" : INTEGER.format(held);
    const p99 = found.get('logmeter_flush_duration_seconds{quantile="0.99"}');
    $("ops-flush").textContent = p99 === undefined || Number.isNaN(p99) ? "no flush yet" : (p99 * 1000).toFixed(0) + " ms";
    const checks = ready.body.checks || [];
    const state = checks.length && checks[0].data ? checks[0].data.state : "";
    $("ops-ready").textContent = ready.status === 200 ? "ready" : "not ready";
    $("ops-ready-detail").textContent = state;
    showError(null);
  } catch (e) {
    showError(new ApiError(0, "unreachable", "metrics did not answer (" + e.message + ")"));
  }
}

function startOps() {
  lastAccepted = null;
  pollOps();
  opsTimer = setInterval(pollOps, 5000);
}

function stopOps() {
  if (opsTimer) {
    clearInterval(opsTimer);
    opsTimer = null;
  }
}

route();
